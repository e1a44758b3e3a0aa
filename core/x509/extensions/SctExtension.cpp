// Signed Certificate Timestamps embedded in a certificate (RFC 6962 §3.3).

#include "ExtensionDecoders.h"
#include "ExtensionSupport.h"

#include <QDateTime>
#include <openssl/ct.h>

namespace baton::extensions {

namespace {

using SctList = STACK_OF(SCT);

QByteArray sctBytes(const SCT *sct, size_t (*get)(const SCT *, unsigned char **))
{
    unsigned char *data = nullptr;
    const size_t length = get(sct, &data);
    return data ? QByteArray(reinterpret_cast<const char *>(data), qsizetype(length))
                : QByteArray();
}

/// RFC 6962 timestamps count milliseconds; the milliseconds are kept, as logs print them.
QString timestampText(uint64_t milliseconds)
{
    // Beyond year 9999 QDateTime gives up; the number itself is still exact.
    constexpr uint64_t kYear10000 = 253402300800000ull;
    if (milliseconds >= kYear10000)
        return QStringLiteral("%1 ms since 1970").arg(milliseconds);
    return QDateTime::fromMSecsSinceEpoch(qint64(milliseconds), Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz 'UTC'"));
}

ModelField sctField(const SCT *sct)
{
    const int version = SCT_get_version(sct);
    if (version != SCT_VERSION_V1) {
        // OpenSSL keeps only the encoding of an SCT version it does not know.
        unsigned char *encoding = nullptr;
        const int length = i2o_SCT(sct, &encoding);
        QByteArray bytes;
        if (length > 0)
            bytes = QByteArray(reinterpret_cast<const char *>(encoding), length);
        OPENSSL_free(encoding);
        discardOpenSslErrors();
        return field(QStringLiteral("SCT"), QStringLiteral("unknown version %1").arg(version),
                     {field(QStringLiteral("Version"), QStringLiteral("unknown (%1)").arg(version)),
                      field(QStringLiteral("Encoding"), colonHex(bytes))});
    }
    const QString timestamp = timestampText(SCT_get_timestamp(sct));
    const QByteArray extensions = sctBytes(sct, SCT_get0_extensions);
    const int signatureNid = SCT_get_signature_nid(sct);
    return field(QStringLiteral("SCT"), timestamp,
                 {field(QStringLiteral("Version"), QStringLiteral("v1")),
                  field(QStringLiteral("Log ID"), colonHex(sctBytes(sct, SCT_get0_log_id))),
                  field(QStringLiteral("Timestamp"), timestamp),
                  field(QStringLiteral("Extensions"),
                        extensions.isEmpty() ? QStringLiteral("none") : colonHex(extensions)),
                  field(QStringLiteral("Signature algorithm"),
                        signatureNid == NID_undef ? QStringLiteral("unknown")
                                                  : QString::fromLatin1(OBJ_nid2ln(signatureNid))),
                  field(QStringLiteral("Signature"), colonHex(sctBytes(sct, SCT_get0_signature)))});
}

} // namespace

bool decodeSctList(const X509_EXTENSION *extension, ModelSection &section)
{
    const auto value = decodeExtension<SctList, SCT_LIST_free>(extension);
    if (!value)
        return false;
    for (int i = 0; i < sk_SCT_num(value.get()); ++i)
        section.fields << sctField(sk_SCT_value(value.get(), i));
    if (section.fields.isEmpty())
        section.notes << QStringLiteral("the list holds no timestamps");
    return true;
}

} // namespace baton::extensions
