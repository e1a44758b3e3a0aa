// DelegationUsage (RFC 9345 §4.2), read through the classification Certificate uses, so that
// what `inspect` shows and what the issuer and verifier decide cannot differ.

#include "ExtensionDecoders.h"
#include "ExtensionSupport.h"
#include "x509/Certificate.h"

namespace baton::extensions {

bool decodeDelegationUsage(const X509_EXTENSION *extension, ModelSection &section)
{
    const DelegationUsage usage = classifyDelegationUsage(extension);
    QString value;
    switch (usage.value) {
    case DelegationUsage::Value::Null:
        value = QStringLiteral("NULL");
        break;
    case DelegationUsage::Value::EmptyOctetString:
        value = section.rawDer.isEmpty() ? QStringLiteral("empty (no bytes)")
                                         : QStringLiteral("empty OCTET STRING");
        section.notes << QStringLiteral("the value is empty, as in older test data, but RFC 9345 "
                                        "requires an ASN.1 NULL");
        break;
    case DelegationUsage::Value::Other:
        value = QStringLiteral("not NULL: ") + colonHex(section.rawDer);
        section.notes << QStringLiteral("the value is not the ASN.1 NULL that RFC 9345 requires");
        break;
    case DelegationUsage::Value::Absent:
        return false;
    }
    if (usage.critical)
        section.notes << QStringLiteral("critical, but RFC 9345 requires non-critical: clients "
                                        "that do not know the extension reject the certificate");
    section.fields << field(QStringLiteral("Value"), value)
                   << field(QStringLiteral("RFC 9345"), usage.conformant()
                                                            ? QStringLiteral("conformant")
                                                            : QStringLiteral("not conformant"));
    return true;
}

} // namespace baton::extensions
