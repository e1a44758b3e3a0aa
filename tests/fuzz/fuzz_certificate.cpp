// The certificate model with every extension decoder, and the ASN.1 dump. The first byte
// chooses: 0 a DER certificate (describeCertificate and its JSON), 1 one extension value under
// the OID the second byte picks (each decoder sees arbitrary bytes without a certificate
// around them, critical or not), 2 the DER dump and the OID decoder (whose result must encode
// back to the same bytes). Any other value: all three on the rest.

#include "FuzzSupport.h"
#include "x509/CertificateModel.h"
#include "x509/extensions/Asn1Dump.h"

#include <QJsonDocument>
#include <iterator>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

using namespace baton;
using namespace baton::fuzz;

namespace {

// Every extension CertificateModel decodes, DelegationUsage, and one it does not.
constexpr const char *kExtensionOids[] = {
    "2.5.29.19",          "2.5.29.15",
    "2.5.29.37",          "2.5.29.17",
    "2.5.29.14",          "2.5.29.35",
    "2.5.29.31",          "2.5.29.32",
    "1.3.6.1.5.5.7.1.1",  "2.5.29.30",
    "2.5.29.36",          "2.5.29.54",
    "2.5.29.18",          "1.3.6.1.4.1.11129.2.4.2",
    "1.3.6.1.5.5.7.1.24", "1.3.6.1.4.1.44363.44",
    "1.2.3.4.5",
};

void checkSection(const ModelSection &section)
{
    FUZZ_CHECK(!section.id.isEmpty() && !section.title.isEmpty());
    if (section.isExtension)
        FUZZ_CHECK(!section.oid.isEmpty());
}

void describeCertificateBytes(QByteArrayView der)
{
    const auto certificate = Certificate::fromDer(der);
    if (!certificate) {
        FUZZ_CHECK(!certificate.error().message.isEmpty());
        return;
    }
    const CertificateModel model = describeCertificate(*certificate);
    for (const ModelSection &section : model.sections)
        checkSection(section);
    FUZZ_CHECK(model.section(u"identity") != nullptr);
    FUZZ_CHECK(!QJsonDocument(model.toJson()).toJson().isEmpty());
}

void describeExtensionBytes(quint8 selector, QByteArrayView value)
{
    const char *oid = kExtensionOids[(selector >> 1) % std::size(kExtensionOids)];
    const std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> object(OBJ_txt2obj(oid, 1),
                                                                           ASN1_OBJECT_free);
    const std::unique_ptr<ASN1_OCTET_STRING, decltype(&ASN1_OCTET_STRING_free)> octets(
        ASN1_OCTET_STRING_new(), ASN1_OCTET_STRING_free);
    FUZZ_CHECK(object && octets);
    FUZZ_CHECK(ASN1_OCTET_STRING_set(octets.get(),
                                     reinterpret_cast<const unsigned char *>(value.data()),
                                     int(value.size())) == 1);
    const std::unique_ptr<X509_EXTENSION, decltype(&X509_EXTENSION_free)> extension(
        X509_EXTENSION_create_by_OBJ(nullptr, object.get(), selector & 1, octets.get()),
        X509_EXTENSION_free);
    FUZZ_CHECK(extension != nullptr);
    const ModelSection section = describeExtension(extension.get());
    checkSection(section);
    FUZZ_CHECK(section.oid == QLatin1String(oid));
    FUZZ_CHECK(section.critical == bool(selector & 1));
    FUZZ_CHECK(section.rawDer == value);
}

void dumpBytes(QByteArrayView der)
{
    FUZZ_CHECK(!extensions::dumpDer(der).isEmpty() || der.isEmpty());
    (void)extensions::derElementProblem(der);
    const QString dotted = extensions::oidFromDer(der);
    if (dotted.isEmpty())
        return;
    // A valid, minimally encoded OID: OpenSSL encodes its dotted form to the same octets.
    const std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> object(
        OBJ_txt2obj(dotted.toLatin1().constData(), 1), ASN1_OBJECT_free);
    FUZZ_CHECK(object != nullptr);
    const QByteArrayView encoded(reinterpret_cast<const char *>(OBJ_get0_data(object.get())),
                                 qsizetype(OBJ_length(object.get())));
    FUZZ_CHECK(encoded == der);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    initialise(argc, argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const QByteArrayView rest = view(data + 1, size - 1);
    switch (data[0]) {
    case 0:
        describeCertificateBytes(rest);
        break;
    case 1:
        describeExtensionBytes(data[1], rest.sliced(1));
        break;
    case 2:
        dumpBytes(rest);
        break;
    default:
        describeCertificateBytes(rest);
        describeExtensionBytes(data[1], rest.sliced(1));
        dumpBytes(rest);
        break;
    }
    return 0;
}
