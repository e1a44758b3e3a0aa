#include "OpenSsl.h"

#include <QStringList>
#include <openssl/crypto.h>
#include <openssl/err.h>

namespace baton {

QString takeOpenSslErrors()
{
    QStringList reasons;
    const char *data = nullptr;
    int flags = 0;
    while (unsigned long code = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) {
        const char *reason = ERR_reason_error_string(code);
        QString text =
            reason ? QString::fromUtf8(reason) : QStringLiteral("error %1").arg(code, 0, 16);
        if ((flags & ERR_TXT_STRING) && data && *data)
            text += QStringLiteral(" (%1)").arg(QString::fromUtf8(data));
        if (!reasons.contains(text))
            reasons << text;
    }
    return reasons.join(QStringLiteral("; "));
}

void freeExtensionStack(STACK_OF(X509_EXTENSION) * extensions)
{
    sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
}

Error openSslError(const QString &whatFailed)
{
    const QString reasons = takeOpenSslErrors();
    return Error{reasons.isEmpty() ? whatFailed : whatFailed + QStringLiteral(": ") + reasons};
}

void discardOpenSslErrors()
{
    ERR_clear_error();
}

SecretBytes::SecretBytes(QByteArray bytes) : m_bytes(std::move(bytes)) {}

SecretBytes::SecretBytes(SecretBytes &&other) noexcept : m_bytes(std::move(other.m_bytes))
{
    other.m_bytes = QByteArray();
}

SecretBytes &SecretBytes::operator=(SecretBytes &&other) noexcept
{
    if (this != &other) {
        clear();
        m_bytes = std::move(other.m_bytes);
        other.m_bytes = QByteArray();
    }
    return *this;
}

SecretBytes::~SecretBytes()
{
    clear();
}

void SecretBytes::clear()
{
    // Only wipe storage this object owns alone; detaching a shared buffer here would wipe a
    // fresh copy and leave the original untouched, which is no better than not wiping.
    if (!m_bytes.isEmpty() && m_bytes.isDetached())
        OPENSSL_cleanse(m_bytes.data(), size_t(m_bytes.size()));
    m_bytes = QByteArray();
}

} // namespace baton
