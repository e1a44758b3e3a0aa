#include "Pkcs11Session.h"

#include "Pkcs11Error.h"

#include <utility>

namespace baton {

Result<Pkcs11Session> Pkcs11Session::open(CK_FUNCTION_LIST *module, CK_SLOT_ID slot, Access access)
{
    const CK_FLAGS flags =
        CKF_SERIAL_SESSION | (access == Access::ReadWrite ? CKF_RW_SESSION : CK_FLAGS(0));
    CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
    if (const CK_RV rv = module->C_OpenSession(slot, flags, nullptr, nullptr, &handle);
        rv != CKR_OK)
        return pkcs11Error(QStringLiteral("cannot open a session with the token"), rv);
    return Pkcs11Session(module, handle);
}

Pkcs11Session::Pkcs11Session(Pkcs11Session &&other) noexcept
    : m_module(other.m_module), m_handle(std::exchange(other.m_handle, CK_INVALID_HANDLE))
{}

Pkcs11Session &Pkcs11Session::operator=(Pkcs11Session &&other) noexcept
{
    if (this != &other) {
        close();
        m_module = other.m_module;
        m_handle = std::exchange(other.m_handle, CK_INVALID_HANDLE);
    }
    return *this;
}

Pkcs11Session::~Pkcs11Session()
{
    close();
}

void Pkcs11Session::close()
{
    if (m_handle != CK_INVALID_HANDLE)
        m_module->C_CloseSession(std::exchange(m_handle, CK_INVALID_HANDLE));
}

Status Pkcs11Session::login(CK_USER_TYPE user, QByteArrayView pin)
{
    // C_Login takes a non-const pointer but only reads the PIN.
    auto *pinBytes = reinterpret_cast<CK_UTF8CHAR *>(const_cast<char *>(pin.data()));
    const CK_RV rv = m_module->C_Login(m_handle, user, pinBytes, CK_ULONG(pin.size()));
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
        return pkcs11Error(QString::fromLatin1(kTokenLoginFailed), rv);
    return {};
}

Result<QList<CK_OBJECT_HANDLE>> Pkcs11Session::findObjects(QList<CK_ATTRIBUTE> attributes,
                                                           int limit) const
{
    if (const CK_RV rv =
            m_module->C_FindObjectsInit(m_handle, attributes.data(), CK_ULONG(attributes.size()));
        rv != CKR_OK)
        return pkcs11Error(QStringLiteral("cannot search the token"), rv);
    QList<CK_OBJECT_HANDLE> found(limit);
    CK_ULONG count = 0;
    const CK_RV rv = m_module->C_FindObjects(m_handle, found.data(), CK_ULONG(limit), &count);
    m_module->C_FindObjectsFinal(m_handle);
    if (rv != CKR_OK)
        return pkcs11Error(QStringLiteral("cannot search the token"), rv);
    if (count > CK_ULONG(limit))
        return Error{QStringLiteral("the PKCS#11 module reported %1 objects found where at most "
                                    "%2 were asked for")
                         .arg(count)
                         .arg(limit)};
    found.resize(qsizetype(count));
    return found;
}

Result<std::optional<QByteArray>>
Pkcs11Session::attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type, qsizetype maxLength) const
{
    CK_ATTRIBUTE query{type, nullptr, 0};
    CK_RV rv = m_module->C_GetAttributeValue(m_handle, object, &query, 1);
    if (rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE ||
        (rv == CKR_OK && query.ulValueLen == CK_UNAVAILABLE_INFORMATION))
        return std::optional<QByteArray>();
    const QString what =
        QStringLiteral("cannot read attribute 0x%1 of a token object").arg(qulonglong(type), 0, 16);
    if (rv != CKR_OK)
        return pkcs11Error(what, rv);
    if (query.ulValueLen > CK_ULONG(maxLength))
        return Error{QStringLiteral("%1: the module says it is %2 bytes long, more than the %3 "
                                    "expected")
                         .arg(what)
                         .arg(query.ulValueLen)
                         .arg(maxLength)};
    QByteArray value(qsizetype(query.ulValueLen), Qt::Uninitialized);
    query.pValue = value.data();
    rv = m_module->C_GetAttributeValue(m_handle, object, &query, 1);
    if (rv != CKR_OK)
        return pkcs11Error(what, rv);
    if (query.ulValueLen > CK_ULONG(value.size()))
        return Error{QStringLiteral("%1: the module wrote past the length it gave").arg(what)};
    value.truncate(qsizetype(query.ulValueLen));
    return std::optional<QByteArray>(std::move(value));
}

Result<QByteArray> Pkcs11Session::sign(CK_OBJECT_HANDLE key, CK_MECHANISM mechanism,
                                       QByteArrayView data, qsizetype maxLength) const
{
    if (const CK_RV rv = m_module->C_SignInit(m_handle, &mechanism, key); rv != CKR_OK)
        return pkcs11Error(QStringLiteral("the token refused to start signing"), rv);
    // One call with a buffer of the expected size instead of asking for the size first: the
    // caller knows it exactly, and an asked-for size the caller then refused would leave the
    // operation active on the session.
    QByteArray signature(maxLength, Qt::Uninitialized);
    CK_ULONG length = CK_ULONG(signature.size());
    auto *input = reinterpret_cast<CK_BYTE *>(const_cast<char *>(data.data()));
    if (const CK_RV rv = m_module->C_Sign(m_handle, input, CK_ULONG(data.size()),
                                          reinterpret_cast<CK_BYTE *>(signature.data()), &length);
        rv != CKR_OK)
        return pkcs11Error(QStringLiteral("the token failed to sign"), rv);
    if (length > CK_ULONG(signature.size()))
        return Error{QStringLiteral("the token returned a %1-byte signature, more than the %2 "
                                    "bytes expected")
                         .arg(length)
                         .arg(signature.size())};
    signature.truncate(qsizetype(length));
    return signature;
}

} // namespace baton
