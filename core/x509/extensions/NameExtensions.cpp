// Subject Alternative Name, Subject Key Identifier and Authority Key Identifier (RFC 5280
// §4.2.1.6, .2, .1): who the certificate names, and which keys it links.

#include "ExtensionDecoders.h"
#include "ExtensionSupport.h"

namespace baton::extensions {

bool decodeSubjectAltName(const X509_EXTENSION *extension, ModelSection &section)
{
    const auto value = decodeExtension<GENERAL_NAMES, GENERAL_NAMES_free>(extension);
    if (!value)
        return false;
    section.fields = generalNameFields(value.get());
    if (section.fields.isEmpty())
        section.notes << QStringLiteral("no names; RFC 5280 requires at least one");
    return true;
}

bool decodeSubjectKeyIdentifier(const X509_EXTENSION *extension, ModelSection &section)
{
    const auto value = decodeExtension<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>(extension);
    if (!value)
        return false;
    section.fields << field(QStringLiteral("Key identifier"),
                            colonHex(asn1StringBytes(value.get())));
    if (section.critical)
        section.notes << QStringLiteral("critical, but RFC 5280 requires Subject Key Identifier "
                                        "to be non-critical");
    return true;
}

bool decodeAuthorityKeyIdentifier(const X509_EXTENSION *extension, ModelSection &section)
{
    const auto value = decodeExtension<AUTHORITY_KEYID, AUTHORITY_KEYID_free>(extension);
    if (!value)
        return false;
    if (value->keyid)
        section.fields << field(QStringLiteral("Key identifier"),
                                colonHex(asn1StringBytes(value->keyid)));
    if (value->issuer)
        section.fields << field(QStringLiteral("Issuer"), generalNamesSummary(value->issuer),
                                generalNameFields(value->issuer));
    if (value->serial)
        section.fields << field(QStringLiteral("Serial number"), asn1IntegerHex(value->serial));
    if (section.critical)
        section.notes << QStringLiteral("critical, but RFC 5280 requires Authority Key "
                                        "Identifier to be non-critical");
    if (!value->issuer != !value->serial)
        section.notes << QStringLiteral("an issuer without a serial number or the reverse; "
                                        "RFC 5280 requires both or neither");
    return true;
}

} // namespace baton::extensions
