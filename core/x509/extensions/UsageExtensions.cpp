// Key Usage, Extended Key Usage (RFC 5280 §4.2.1.3, .12) and TLS Feature (RFC 7633): what the
// key may be used for.

#include "ExtensionDecoders.h"
#include "ExtensionSupport.h"

namespace baton::extensions {

bool decodeKeyUsage(const X509_EXTENSION *extension, ModelSection &section)
{
    const auto value = decodeExtension<ASN1_BIT_STRING, ASN1_BIT_STRING_free>(extension);
    if (!value)
        return false;
    // RFC 5280 §4.2.1.3 names; bit 1 was renamed contentCommitment, tools still say both.
    const QStringList usages =
        setBitNames(value.get(), {"digitalSignature", "nonRepudiation (contentCommitment)",
                                  "keyEncipherment", "dataEncipherment", "keyAgreement",
                                  "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"});
    for (const QString &usage : usages)
        section.fields << field(QStringLiteral("Usage"), usage);
    if (usages.isEmpty())
        section.notes << QStringLiteral("no usage bit is set; RFC 5280 requires at least one");
    return true;
}

bool decodeExtendedKeyUsage(const X509_EXTENSION *extension, ModelSection &section)
{
    const auto value = decodeExtension<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free>(extension);
    if (!value)
        return false;
    for (int i = 0; i < sk_ASN1_OBJECT_num(value.get()); ++i)
        section.fields << field(QStringLiteral("Purpose"),
                                oidNameOrDotted(sk_ASN1_OBJECT_value(value.get(), i)));
    if (section.fields.isEmpty())
        section.notes << QStringLiteral("no purpose is listed; RFC 5280 requires at least one");
    return true;
}

bool decodeTlsFeature(const X509_EXTENSION *extension, ModelSection &section)
{
    const auto value = decodeExtension<TLS_FEATURE, TLS_FEATURE_free>(extension);
    if (!value)
        return false;
    for (int i = 0; i < sk_ASN1_INTEGER_num(value.get()); ++i) {
        const ASN1_INTEGER *feature = sk_ASN1_INTEGER_value(value.get(), i);
        int64_t number = -1;
        if (!ASN1_INTEGER_get_int64(&number, feature))
            discardOpenSslErrors();
        // TLS extension code points (RFC 7633 §4): 5 is what "must-staple" means in practice.
        QString text = asn1IntegerDecimal(feature);
        if (number == 5)
            text = QStringLiteral("status_request (OCSP must-staple)");
        else if (number == 17)
            text = QStringLiteral("status_request_v2");
        section.fields << field(QStringLiteral("Feature"), text);
    }
    return true;
}

} // namespace baton::extensions
