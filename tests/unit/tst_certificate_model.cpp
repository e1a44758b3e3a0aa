// Unit tests for x509/CertificateModel: what it makes of the RFC 9345 example certificate (a
// real DigiCert one), of certificates the openssl CLI makes, and its JSON form. The decoders'
// variants are in tst_certificate_model_extensions.cpp, the ASN.1 listing in
// tst_certificate_model_asn1.cpp.

#include "TestPki.h"
#include "common/FileIo.h"
#include "x509/CertificateModel.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <functional>

using namespace baton;

namespace {

/// "label: value" per field, children indented two spaces a level: a tree compared in one go.
QStringList flatten(const QList<ModelField> &fields, int depth = 0)
{
    QStringList lines;
    for (const ModelField &field : fields) {
        lines << QString(depth * 2, QLatin1Char(' ')) + field.label + QStringLiteral(": ") +
                     field.value;
        lines << flatten(field.children, depth + 1);
    }
    return lines;
}

QStringList sectionIds(const CertificateModel &model)
{
    QStringList ids;
    for (const ModelSection &section : model.sections)
        ids << section.id;
    return ids;
}

QStringList lines(std::initializer_list<const char *> texts)
{
    QStringList out;
    for (const char *text : texts)
        out << QString::fromUtf8(text);
    return out;
}

/// An expected "label: *" stands for a value that differs on every run (a fresh key's hash).
bool matches(const QStringList &actual, const QStringList &expected)
{
    if (actual.size() != expected.size())
        return false;
    for (qsizetype i = 0; i < actual.size(); ++i) {
        const QString &want = expected[i];
        if (want.endsWith(u": *"_qs)
                ? !actual[i].startsWith(want.chopped(1)) || actual[i].size() <= want.size() - 1
                : actual[i] != want)
            return false;
    }
    return true;
}

QString rfcExamplePath()
{
    const QString dir = test::dcVectorsDirectory();
    return dir.isEmpty() ? QString() : dir + u"/rfc9345_appendixB_example_delegation_cert.pem"_qs;
}

Result<Certificate> readCertificate(const QString &path)
{
    auto data = readFileBounded(path, 1 << 20);
    if (!data)
        return data.error();
    return Certificate::readFirst(*data);
}

bool haveOpenssl()
{
    return !QStandardPaths::findExecutable(u"openssl"_qs).isEmpty();
}

/// Runs the openssl CLI and returns its standard output, or an Error with its standard error.
Result<QByteArray> openssl(const QStringList &arguments)
{
    QProcess process;
    process.start(u"openssl"_qs, arguments);
    if (!process.waitForFinished(120000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0)
        return Error{u"openssl "_qs + arguments.join(QLatin1Char(' ')) + u": "_qs +
                     QString::fromLocal8Bit(process.readAllStandardError())};
    return process.readAllStandardOutput();
}

/// `openssl req -x509` with a config of its own, so only `arguments` decide what is in the
/// certificate (besides the SKI and AKI req always adds). The key stays in `dir`.
Result<QString> makeCliCertificate(const QTemporaryDir &dir, const QStringList &arguments)
{
    const QString config = dir.filePath(u"req.cnf"_qs);
    const QString certificate = dir.filePath(u"cert.pem"_qs);
    if (!writeFileAtomically(config, "[req]\ndistinguished_name = dn\n[dn]\n", 0600,
                             Overwrite::Replace))
        return Error{u"cannot write the openssl config"_qs};
    auto run = openssl(QStringList{u"req"_qs, u"-x509"_qs, u"-config"_qs, config, u"-nodes"_qs,
                                   u"-keyout"_qs, dir.filePath(u"key.pem"_qs), u"-out"_qs,
                                   certificate, u"-days"_qs, u"30"_qs} +
                       arguments);
    if (!run)
        return run.error();
    return certificate;
}

const QStringList kP256{u"-newkey"_qs,  u"ec"_qs,
                        u"-pkeyopt"_qs, u"ec_paramgen_curve:P-256"_qs,
                        u"-subj"_qs,    u"/CN=cli.example"_qs};
const QStringList kRsa{u"-newkey"_qs, u"rsa:2048"_qs, u"-subj"_qs, u"/CN=cli.example"_qs};

} // namespace

class CertificateModelTest : public QObject
{
    Q_OBJECT

private slots:
    void rfc9345Example_data();
    void rfc9345Example();
    void rfc9345ExampleOrder();
    void opensslCli_data();
    void opensslCli();
    void matchesOpensslCli();
    void testPkiCertificate();
    void jsonRoundTrip_data();
    void jsonRoundTrip();
};

void CertificateModelTest::rfc9345Example_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("oid");
    QTest::addColumn<bool>("critical");
    QTest::addColumn<QString>("rawHex");
    QTest::addColumn<QStringList>("fields");

    // What `openssl x509 -text` shows for this certificate; rawHex as `openssl asn1parse` shows
    // each extension's OCTET STRING.
    const auto row = [](const char *id, const char *title, const char *oid, bool critical,
                        const char *rawHex, const QStringList &fields) {
        QTest::newRow(id) << QString::fromLatin1(id) << QString::fromLatin1(title)
                          << QString::fromLatin1(oid) << critical << QString::fromLatin1(rawHex)
                          << fields;
    };
    row("identity", "Identity", "", false, "",
        lines({"Subject: CN=kc2kdm.com,O=Cloudflare\\, Inc.,L=San Francisco,ST=California,C=US",
               "  C: US", "  ST: California", "  L: San Francisco", "  O: Cloudflare, Inc.",
               "  CN: kc2kdm.com", "Issuer: CN=DigiCert ECC Secure Server CA,O=DigiCert Inc,C=US",
               "  C: US", "  O: DigiCert Inc", "  CN: DigiCert ECC Secure Server CA",
               "Serial number: 0C67AF07E958D28FCE79C1C5489E989D", "Version: 3"}));
    row("validity", "Validity", "", false, "",
        lines({"Not before: 2019-03-26 00:00:00 UTC", "Not after: 2021-03-30 12:00:00 UTC",
               "Duration: 735 d 12 h"}));
    row("public-key", "Public Key", "", false, "",
        lines({"Algorithm: id-ecPublicKey", "Key: EC P-256 (256 bits)", "Curve: P-256 (prime256v1)",
               "SPKI SHA-256: AF:4F:2A:0A:10:6B:E6:C1:91:3D:38:2E:12:29:EE:EB:E5:03:74:89:75:78:"
               "25:9D:92:4E:61:F4:24:9F:D8:A3"}));
    row("fingerprints", "Fingerprints", "", false, "",
        lines({"SHA-256: A5:E5:47:1B:16:E1:AF:A8:41:EE:E2:D5:ED:0D:E1:23:F8:AF:4B:F2:83:1A:A3:F5:"
               "3F:5B:54:8D:BE:73:25:EC",
               "SHA-1: B8:AD:11:E1:C0:72:3B:87:10:A3:00:13:B9:71:C5:11:58:19:75:23"}));
    row("signature", "Signature", "", false, "",
        lines({"Algorithm: ecdsa-with-SHA384", "OID: 1.2.840.10045.4.3.3",
               "Value: 30:66:02:31:00:9B:17:ED:DD:12:B8:0F:1D:75:FF:E6:EC:85:9F:35:FB:37:31:07:C9:"
               "C8:69:04:7B:33:09:5F:5B:7A:B1:1B:28:E7:3E:74:49:2D:76:2E:95:DE:9A:E1:9A:D4:51:36:"
               "66:02:31:00:BF:82:0D:41:79:A7:3E:E6:86:B0:04:22:34:35:32:A9:69:17:DB:47:E3:47:49:"
               "1A:F6:19:65:0D:D6:DB:77:0C:CD:29:03:7E:F9:6D:CB:94:B8:45:F5:87:20:83:E3:6F"}));
    row("authority-key-identifier", "Authority Key Identifier", "2.5.29.35", false,
        "30168014a39de61ff9da394fc06ee891cb95a5da31e20a9f",
        lines({"Key identifier: A3:9D:E6:1F:F9:DA:39:4F:C0:6E:E8:91:CB:95:A5:DA:31:E2:0A:9F"}));
    row("subject-key-identifier", "Subject Key Identifier", "2.5.29.14", false,
        "04149f71bedf4b77d4140c81f757d1730a033ed82d26",
        lines({"Key identifier: 9F:71:BE:DF:4B:77:D4:14:0C:81:F7:57:D1:73:0A:03:3E:D8:2D:26"}));
    row("subject-alt-name", "Subject Alternative Name", "2.5.29.17", false,
        "301a820a6b63326b646d2e636f6d820c2a2e6b63326b646d2e636f6d",
        lines({"DNS: kc2kdm.com", "DNS: *.kc2kdm.com"}));
    row("key-usage", "Key Usage", "2.5.29.15", true, "03020780",
        lines({"Usage: digitalSignature"}));
    row("extended-key-usage", "Extended Key Usage", "2.5.29.37", false,
        "301406082b0601050507030106082b06010505070302",
        lines({"Purpose: serverAuth", "Purpose: clientAuth"}));
    row("crl-distribution-points", "CRL Distribution Points", "2.5.29.31", false,
        "3060302ea02ca02a8628687474703a2f2f63726c332e64696769636572742e636f6d2f737363612d6563632d"
        "67312e63726c302ea02ca02a8628687474703a2f2f63726c342e64696769636572742e636f6d2f737363612d"
        "6563632d67312e63726c",
        lines({"Distribution point: http://crl3.digicert.com/ssca-ecc-g1.crl",
               "  URI: http://crl3.digicert.com/ssca-ecc-g1.crl",
               "Distribution point: http://crl4.digicert.com/ssca-ecc-g1.crl",
               "  URI: http://crl4.digicert.com/ssca-ecc-g1.crl"}));
    row("certificate-policies", "Certificate Policies", "2.5.29.32", false,
        "3043303706096086480186fd6c0101302a302806082b06010505070201161c68747470733a2f2f7777772e64"
        "696769636572742e636f6d2f4350533008060667810c010202",
        lines({"Policy: 2.16.840.1.114412.1.1", "  CPS: https://www.digicert.com/CPS",
               "Policy: 2.23.140.1.2.2 (organization-validated)"}));
    row("authority-info-access", "Authority Information Access", "1.3.6.1.5.5.7.1.1", false,
        "306d302406082b060105050730018618687474703a2f2f6f6373702e64696769636572742e636f6d30450608"
        "2b060105050730028639687474703a2f2f636163657274732e64696769636572742e636f6d2f446967694365"
        "727445434353656375726553657276657243412e637274",
        lines({"OCSP: http://ocsp.digicert.com",
               "CA Issuers: http://cacerts.digicert.com/DigiCertECCSecureServerCA.crt"}));
    row("basic-constraints", "Basic Constraints", "2.5.29.19", true, "3000",
        lines({"Certificate authority: no"}));
    row("delegation-usage", "DelegationUsage (RFC 9345)", "1.3.6.1.4.1.44363.44", false, "0500",
        lines({"Value: NULL", "RFC 9345: conformant"}));
    const char *sctHex =
        "0482016a0168007600bbd9dfbc1f8a71b593942397aa927b473857950aab52e81a909664368e1ed185000001"
        "69b98582790000040300473045022028867eafa14938512f69bc1f46b0a0347c3a99c41cd905d2723a9cbe72"
        "60bfe3022100c7079b1acfd3e84b3461aacfce8409ad566a93eb071ffb7e8eb4ab29de530e370076008775bf"
        "e7597cf88c43995fbdf36eff568d475636ff4ab560c1b4eaff5ea0830f00000169b985836000000403004730"
        "45022100fd39603c2862fa6f10ca7e022578725607489689e46cf3c5602727c083f6850e022043f3ac75217d"
        "5cecb57e8aa07b40d30ccd85131bb0d094740066565e836d27330076004494652eb0eeceafc44007d8a8fe28"
        "c0dae682bed8cb31b53fd33396b5b681a800000169b98581e00000040300473045022100b8bee6b59f706ab6"
        "112aa40fd505372c37032d030a42b9a73622127dc31e97fc02206fea34d24dbc250a3d4cca4fe2fcc9dc10f7"
        "1d759235cd998b36eaee69144183";
    row("sct-list", "Signed Certificate Timestamps", "1.3.6.1.4.1.11129.2.4.2", false, sctHex,
        lines({"SCT: 2019-03-26 10:22:08.505 UTC",
               "  Version: v1",
               "  Log ID: BB:D9:DF:BC:1F:8A:71:B5:93:94:23:97:AA:92:7B:47:38:57:95:0A:AB:52:E8:1A:"
               "90:96:64:36:8E:1E:D1:85",
               "  Timestamp: 2019-03-26 10:22:08.505 UTC",
               "  Extensions: none",
               "  Signature algorithm: ecdsa-with-SHA256",
               "  Signature: 30:45:02:20:28:86:7E:AF:A1:49:38:51:2F:69:BC:1F:46:B0:A0:34:7C:3A:99:"
               "C4:1C:D9:05:D2:72:3A:9C:BE:72:60:BF:E3:02:21:00:C7:07:9B:1A:CF:D3:E8:4B:34:61:AA:"
               "CF:CE:84:09:AD:56:6A:93:EB:07:1F:FB:7E:8E:B4:AB:29:DE:53:0E:37",
               "SCT: 2019-03-26 10:22:08.736 UTC",
               "  Version: v1",
               "  Log ID: 87:75:BF:E7:59:7C:F8:8C:43:99:5F:BD:F3:6E:FF:56:8D:47:56:36:FF:4A:B5:60:"
               "C1:B4:EA:FF:5E:A0:83:0F",
               "  Timestamp: 2019-03-26 10:22:08.736 UTC",
               "  Extensions: none",
               "  Signature algorithm: ecdsa-with-SHA256",
               "  Signature: 30:45:02:21:00:FD:39:60:3C:28:62:FA:6F:10:CA:7E:02:25:78:72:56:07:48:"
               "96:89:E4:6C:F3:C5:60:27:27:C0:83:F6:85:0E:02:20:43:F3:AC:75:21:7D:5C:EC:B5:7E:8A:"
               "A0:7B:40:D3:0C:CD:85:13:1B:B0:D0:94:74:00:66:56:5E:83:6D:27:33",
               "SCT: 2019-03-26 10:22:08.352 UTC",
               "  Version: v1",
               "  Log ID: 44:94:65:2E:B0:EE:CE:AF:C4:40:07:D8:A8:FE:28:C0:DA:E6:82:BE:D8:CB:31:B5:"
               "3F:D3:33:96:B5:B6:81:A8",
               "  Timestamp: 2019-03-26 10:22:08.352 UTC",
               "  Extensions: none",
               "  Signature algorithm: ecdsa-with-SHA256",
               "  Signature: 30:45:02:21:00:B8:BE:E6:B5:9F:70:6A:B6:11:2A:A4:0F:D5:05:37:2C:37:03:"
               "2D:03:0A:42:B9:A7:36:22:12:7D:C3:1E:97:FC:02:20:6F:EA:34:D2:4D:BC:25:0A:3D:4C:CA:"
               "4F:E2:FC:C9:DC:10:F7:1D:75:92:35:CD:99:8B:36:EA:EE:69:14:41:83"}));
}

void CertificateModelTest::rfc9345Example()
{
    QFETCH(QString, id);
    QFETCH(QString, title);
    QFETCH(QString, oid);
    QFETCH(bool, critical);
    QFETCH(QString, rawHex);
    QFETCH(QStringList, fields);

    if (rfcExamplePath().isEmpty())
        QSKIP("the foreign test vectors (../shared/dc_vectors) are not present");
    const auto certificate = readCertificate(rfcExamplePath());
    QVERIFY2(certificate.ok(), qPrintable(certificate.errorMessage()));
    const CertificateModel model = describeCertificate(*certificate);
    const ModelSection *section = model.section(id);
    QVERIFY(section);
    QCOMPARE(section->title, title);
    QCOMPARE(section->oid, oid);
    QCOMPARE(section->isExtension, !oid.isEmpty());
    QCOMPARE(section->critical, critical);
    QCOMPARE(QString::fromLatin1(section->rawDer.toHex()), rawHex);
    QCOMPARE(flatten(section->fields), fields);
    // A conformant, real-world certificate: nothing to remark on anywhere.
    QCOMPARE(section->notes, QStringList());
    QCOMPARE(section->asn1Dump.isEmpty(), oid.isEmpty());
}

void CertificateModelTest::rfc9345ExampleOrder()
{
    if (rfcExamplePath().isEmpty())
        QSKIP("the foreign test vectors (../shared/dc_vectors) are not present");
    const auto certificate = readCertificate(rfcExamplePath());
    QVERIFY2(certificate.ok(), qPrintable(certificate.errorMessage()));
    const CertificateModel model = describeCertificate(*certificate);
    // The fixed sections, then the extensions in the certificate's own order.
    QCOMPARE(
        sectionIds(model),
        lines({"identity", "validity", "public-key", "fingerprints", "signature",
               "authority-key-identifier", "subject-key-identifier", "subject-alt-name",
               "key-usage", "extended-key-usage", "crl-distribution-points", "certificate-policies",
               "authority-info-access", "basic-constraints", "delegation-usage", "sct-list"}));
    QVERIFY(!model.section(u"no-such-section"));
    QCOMPARE(model.section(u"sct-list")->asn1Dump.section(QLatin1Char('\n'), 0, 0),
             u"OCTET STRING 01:68:00:76:00:BB:D9:DF:BC:1F:8A:71:B5:93:94:23:97:AA:92:7B:47:38:57:"
             u"95:0A:AB:52:E8:1A:90:96:64:36:8E:1E:D1:85:00:00:01:69:B9:85:82:79:00:00:04:03:00:"
             u"47:30:45:02:20:28:86:7E:AF:A1:49:38:51:2F… (362 bytes)"_qs);
}

void CertificateModelTest::opensslCli_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QStringList>("fields");
    QTest::addColumn<QStringList>("notes");

    const auto addext = [](const char *extension) {
        return QStringList{u"-addext"_qs, QString::fromLatin1(extension)};
    };
    // Without extensions `req -x509` writes a version 1 certificate.
    QTest::newRow("identity: multi-valued RDN, serial, version 1")
        << QStringList{u"-newkey"_qs,     u"ec"_qs,
                       u"-pkeyopt"_qs,    u"ec_paramgen_curve:P-256"_qs,
                       u"-subj"_qs,       u"/C=DE/O=Baton Test/OU=A+OU=B/CN=cli.example"_qs,
                       u"-set_serial"_qs, u"0x1234"_qs}
        << u"identity"_qs
        << lines({"Subject: CN=cli.example,OU=B+OU=A,O=Baton Test,C=DE", "  C: DE",
                  "  O: Baton Test", "  OU: A", "  OU: B", "  CN: cli.example",
                  "Issuer: CN=cli.example,OU=B+OU=A,O=Baton Test,C=DE", "  C: DE",
                  "  O: Baton Test", "  OU: A", "  OU: B", "  CN: cli.example",
                  "Serial number: 1234", "Version: 1"})
        << QStringList();
    QTest::newRow("validity of -days 30")
        << kP256 << u"validity"_qs << lines({"Not before: *", "Not after: *", "Duration: 30 d"})
        << QStringList();
    QTest::newRow("P-256 key") << kP256 << u"public-key"_qs
                               << lines({"Algorithm: id-ecPublicKey", "Key: EC P-256 (256 bits)",
                                         "Curve: P-256 (prime256v1)", "SPKI SHA-256: *"})
                               << QStringList();
    const QStringList p384{
        u"-newkey"_qs, u"ec"_qs,    u"-pkeyopt"_qs,       u"ec_paramgen_curve:P-384"_qs,
        u"-sha384"_qs, u"-subj"_qs, u"/CN=cli.example"_qs};
    QTest::newRow("P-384 key") << p384 << u"public-key"_qs
                               << lines({"Algorithm: id-ecPublicKey", "Key: EC P-384 (384 bits)",
                                         "Curve: P-384 (secp384r1)", "SPKI SHA-256: *"})
                               << QStringList();
    QTest::newRow("ECDSA SHA-384 signature")
        << p384 << u"signature"_qs
        << lines({"Algorithm: ecdsa-with-SHA384", "OID: 1.2.840.10045.4.3.3", "Value: *"})
        << QStringList();
    QTest::newRow("RSA key") << kRsa << u"public-key"_qs
                             << lines({"Algorithm: rsaEncryption", "Key: RSA (2048 bits)",
                                       "Exponent: 65537", "SPKI SHA-256: *"})
                             << QStringList();
    QTest::newRow("RSA PKCS#1 signature")
        << kRsa << u"signature"_qs
        << lines({"Algorithm: sha256WithRSAEncryption", "OID: 1.2.840.113549.1.1.11", "Value: *"})
        << QStringList();
    QTest::newRow("RSA-PSS signature")
        << kRsa + QStringList{u"-sha256"_qs, u"-sigopt"_qs, u"rsa_padding_mode:pss"_qs,
                              u"-sigopt"_qs, u"rsa_pss_saltlen:32"_qs}
        << u"signature"_qs
        << lines({"Algorithm: rsassaPss (SHA-256, MGF1 SHA-256, salt 32)",
                  "OID: 1.2.840.113549.1.1.10", "Value: *"})
        << QStringList();
    QTest::newRow("RSA-PSS signature, SHA-384")
        << kRsa + QStringList{u"-sha384"_qs,
                              u"-sigopt"_qs,
                              u"rsa_padding_mode:pss"_qs,
                              u"-sigopt"_qs,
                              u"rsa_mgf1_md:sha384"_qs,
                              u"-sigopt"_qs,
                              u"rsa_pss_saltlen:48"_qs}
        << u"signature"_qs
        << lines({"Algorithm: rsassaPss (SHA-384, MGF1 SHA-384, salt 48)",
                  "OID: 1.2.840.113549.1.1.10", "Value: *"})
        << QStringList();
    QTest::newRow("RSA-PSS key") << QStringList{u"-newkey"_qs,  u"rsa-pss"_qs,
                                                u"-pkeyopt"_qs, u"rsa_keygen_bits:2048"_qs,
                                                u"-subj"_qs,    u"/CN=cli.example"_qs}
                                 << u"public-key"_qs
                                 << lines({"Algorithm: rsassaPss", "Key: RSA-PSS (2048 bits)",
                                           "Exponent: 65537", "SPKI SHA-256: *"})
                                 << QStringList();
    const QStringList ed25519{u"-newkey"_qs, u"ed25519"_qs, u"-subj"_qs, u"/CN=cli.example"_qs};
    QTest::newRow("Ed25519 key") << ed25519 << u"public-key"_qs
                                 << lines({"Algorithm: ED25519", "Key: Ed25519 (256 bits)",
                                           "SPKI SHA-256: *"})
                                 << QStringList();
    QTest::newRow("Ed25519 signature")
        << ed25519 << u"signature"_qs
        << lines({"Algorithm: ED25519", "OID: 1.3.101.112", "Value: *"}) << QStringList();
    QTest::newRow("SAN of every kind -addext can write")
        << kP256 + addext("subjectAltName=DNS:cli.example,IP:198.51.100.7,IP:2001:db8::2,"
                          "email:cli@example.com,URI:urn:example:cli,"
                          "otherName:1.3.6.1.4.1.311.20.2.3;UTF8:upn@example.com,RID:1.2.3.4.5")
        << u"subject-alt-name"_qs
        << lines({"DNS: cli.example", "IP address: 198.51.100.7", "IP address: 2001:db8::2",
                  "Email: cli@example.com", "URI: urn:example:cli",
                  "Other name: msUPN: upn@example.com", "  Type: 1.3.6.1.4.1.311.20.2.3 (msUPN)",
                  "  Value: upn@example.com", "Registered ID: 1.2.3.4.5"})
        << QStringList();
    QTest::newRow("key usage") << kP256 + addext("keyUsage=critical,digitalSignature,keyAgreement")
                               << u"key-usage"_qs
                               << lines({"Usage: digitalSignature", "Usage: keyAgreement"})
                               << QStringList();
    QTest::newRow("TLS feature") << kP256 + addext("tlsfeature=status_request") << u"tls-feature"_qs
                                 << lines({"Feature: status_request (OCSP must-staple)"})
                                 << QStringList();
    // The recipe rfc9345-notes.md gives for a CSR, here on a self-signed certificate.
    QTest::newRow("DelegationUsage as ASN1:NULL")
        << kP256 + addext("1.3.6.1.4.1.44363.44=ASN1:NULL") << u"delegation-usage"_qs
        << lines({"Value: NULL", "RFC 9345: conformant"}) << QStringList();
    QTest::newRow("DelegationUsage, critical")
        << kP256 + addext("1.3.6.1.4.1.44363.44=critical,ASN1:NULL") << u"delegation-usage"_qs
        << lines({"Value: NULL", "RFC 9345: not conformant"})
        << lines({"critical, but RFC 9345 requires non-critical: clients that do not know the "
                  "extension reject the certificate"});
}

void CertificateModelTest::opensslCli()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, id);
    QFETCH(QStringList, fields);
    QFETCH(QStringList, notes);

    if (!haveOpenssl())
        QSKIP("the openssl command is not installed");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto path = makeCliCertificate(dir, arguments);
    QVERIFY2(path.ok(), qPrintable(path.errorMessage()));
    const auto certificate = readCertificate(*path);
    QVERIFY2(certificate.ok(), qPrintable(certificate.errorMessage()));
    const CertificateModel model = describeCertificate(*certificate);
    const ModelSection *section = model.section(id);
    QVERIFY(section);
    const QStringList actual = flatten(section->fields);
    QVERIFY2(matches(actual, fields), qPrintable(actual.join(u"\n"_qs)));
    QCOMPARE(section->notes, notes);
}

void CertificateModelTest::matchesOpensslCli()
{
    // The values a fresh key makes unpredictable, checked against OpenSSL's own tools instead.
    if (!haveOpenssl())
        QSKIP("the openssl command is not installed");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto path = makeCliCertificate(
        dir, {u"-newkey"_qs, u"rsa:2048"_qs, u"-subj"_qs, u"/C=DE/O=Baton Test/CN=match.example"_qs,
              u"-sha256"_qs, u"-sigopt"_qs, u"rsa_padding_mode:pss"_qs});
    QVERIFY2(path.ok(), qPrintable(path.errorMessage()));
    const auto certificate = readCertificate(*path);
    QVERIFY2(certificate.ok(), qPrintable(certificate.errorMessage()));
    const CertificateModel model = describeCertificate(*certificate);
    const auto value = [&](const char *id, const char *label) {
        for (const ModelField &field : model.section(QString::fromLatin1(id))->fields)
            if (field.label == QLatin1String(label))
                return field.value;
        return QString();
    };

    const auto info =
        openssl({u"x509"_qs, u"-in"_qs, *path, u"-noout"_qs, u"-nameopt"_qs, u"RFC2253"_qs,
                 u"-subject"_qs, u"-issuer"_qs, u"-serial"_qs, u"-startdate"_qs, u"-enddate"_qs,
                 u"-dateopt"_qs, u"iso_8601"_qs, u"-fingerprint"_qs, u"-sha256"_qs});
    QVERIFY2(info.ok(), qPrintable(info.errorMessage()));
    const QStringList infoLines = QString::fromUtf8(*info).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(infoLines.size(), 6);
    QCOMPARE(u"subject="_qs + value("identity", "Subject"), infoLines[0]);
    QCOMPARE(u"issuer="_qs + value("identity", "Issuer"), infoLines[1]);
    QCOMPARE(u"serial="_qs + value("identity", "Serial number"), infoLines[2]);
    QCOMPARE(u"notBefore="_qs + value("validity", "Not before").replace(u" UTC"_qs, u"Z"_qs),
             infoLines[3]);
    QCOMPARE(u"notAfter="_qs + value("validity", "Not after").replace(u" UTC"_qs, u"Z"_qs),
             infoLines[4]);
    QCOMPARE(u"sha256 Fingerprint="_qs + value("fingerprints", "SHA-256"), infoLines[5]);

    const auto sha1 =
        openssl({u"x509"_qs, u"-in"_qs, *path, u"-noout"_qs, u"-fingerprint"_qs, u"-sha1"_qs});
    QVERIFY2(sha1.ok(), qPrintable(sha1.errorMessage()));
    QCOMPARE(u"sha1 Fingerprint="_qs + value("fingerprints", "SHA-1"),
             QString::fromLatin1(sha1->trimmed()));

    const auto pubkey = openssl({u"x509"_qs, u"-in"_qs, *path, u"-noout"_qs, u"-pubkey"_qs});
    QVERIFY2(pubkey.ok(), qPrintable(pubkey.errorMessage()));
    QByteArray base64 = *pubkey;
    base64.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "");
    const QByteArray spki = QByteArray::fromBase64(base64.simplified().replace(' ', ""));
    QCOMPARE(value("public-key", "SPKI SHA-256"),
             colonHex(QCryptographicHash::hash(spki, QCryptographicHash::Sha256)));

    const auto text = openssl({u"x509"_qs, u"-in"_qs, *path, u"-noout"_qs, u"-text"_qs});
    QVERIFY2(text.ok(), qPrintable(text.errorMessage()));
    const QString printed = QString::fromLatin1(*text);
    const qsizetype signatureAt = printed.lastIndexOf(u"Signature Value:"_qs);
    QVERIFY(signatureAt > 0);
    // OpenSSL 3.0 prints the PSS parameters after "Signature Value:", before the hex lines.
    QString signatureHex;
    static const QRegularExpression hexLine(u"^\\s*([0-9a-f]{2}:)*[0-9a-f]{2}:?$"_qs);
    for (const QString &line : printed.mid(signatureAt).split(u'\n'))
        if (hexLine.match(line).hasMatch())
            signatureHex += line.trimmed().remove(u':');
    QCOMPARE(value("signature", "Value").remove(u':'), signatureHex.toUpper());
    // OpenSSL's own reading of the PSS parameters, in its words.
    const auto salt = QRegularExpression(u"Salt Length: 0x([0-9A-Fa-f]+)"_qs).match(printed);
    QVERIFY(salt.hasMatch());
    QVERIFY(printed.contains(u"Hash Algorithm: sha256"_qs));
    QVERIFY(printed.contains(u"Mask Algorithm: mgf1 with sha256"_qs));
    QCOMPARE(value("signature", "Algorithm"),
             QStringLiteral("rsassaPss (SHA-256, MGF1 SHA-256, salt %1)")
                 .arg(salt.captured(1).toInt(nullptr, 16)));
}

void CertificateModelTest::testPkiCertificate()
{
    // The fixture certificate is deterministic where it can be, so its sections are exact.
    const auto identity = test::makeCertificateWithExtensions({});
    const CertificateModel model = describeCertificate(identity.certificate);
    QCOMPARE(sectionIds(model),
             lines({"identity", "validity", "public-key", "fingerprints", "signature"}));
    QCOMPARE(flatten(model.section(u"identity")->fields),
             lines({"Subject: CN=model.test", "  CN: model.test", "Issuer: CN=model.test",
                    "  CN: model.test", "Serial number: 0102030405060708", "Version: 3"}));
    QCOMPARE(flatten(model.section(u"validity")->fields),
             lines({"Not before: 2026-01-01 00:00:00 UTC", "Not after: 2027-01-01 00:00:00 UTC",
                    "Duration: 365 d"}));
    QCOMPARE(model.section(u"fingerprints")->fields.at(0).value,
             colonHex(identity.certificate.sha256Fingerprint()));
    QCOMPARE(
        model.section(u"fingerprints")->fields.at(1).value,
        colonHex(QCryptographicHash::hash(identity.certificate.der(), QCryptographicHash::Sha1)));
    for (const ModelSection &section : model.sections) {
        QVERIFY(!section.isExtension);
        QVERIFY(section.oid.isEmpty());
        QVERIFY(section.rawDer.isEmpty());
        QVERIFY(section.asn1Dump.isEmpty());
        QCOMPARE(section.notes, QStringList());
    }
}

void CertificateModelTest::jsonRoundTrip_data()
{
    QTest::addColumn<bool>("rfcExample");
    QTest::addColumn<QStringList>("ids");

    QTest::newRow("RFC 9345 example")
        << true
        << lines({"identity", "validity", "public-key", "fingerprints", "signature",
                  "authority-key-identifier", "subject-key-identifier", "subject-alt-name",
                  "key-usage", "extended-key-usage", "crl-distribution-points",
                  "certificate-policies", "authority-info-access", "basic-constraints",
                  "delegation-usage", "sct-list"});
    QTest::newRow("every decoder") << false
                                   << lines({"identity",
                                             "validity",
                                             "public-key",
                                             "fingerprints",
                                             "signature",
                                             "basic-constraints",
                                             "key-usage",
                                             "extended-key-usage",
                                             "subject-alt-name",
                                             "subject-key-identifier",
                                             "authority-key-identifier",
                                             "crl-distribution-points",
                                             "authority-info-access",
                                             "certificate-policies",
                                             "name-constraints",
                                             "policy-constraints",
                                             "inhibit-any-policy",
                                             "sct-list",
                                             "tls-feature",
                                             "delegation-usage",
                                             "unknown",
                                             "key-usage"});
}

void CertificateModelTest::jsonRoundTrip()
{
    QFETCH(bool, rfcExample);
    QFETCH(QStringList, ids);

    std::optional<Certificate> certificate;
    if (rfcExample) {
        if (rfcExamplePath().isEmpty())
            QSKIP("the foreign test vectors (../shared/dc_vectors) are not present");
        auto read = readCertificate(rfcExamplePath());
        QVERIFY2(read.ok(), qPrintable(read.errorMessage()));
        certificate = *read;
    } else {
        certificate = test::makeCertificateWithExtensions(
                          {{u"basicConstraints"_qs, u"critical,CA:TRUE,pathlen:0"_qs},
                           {u"keyUsage"_qs, u"critical,keyCertSign"_qs},
                           {u"extendedKeyUsage"_qs, u"serverAuth"_qs},
                           {u"subjectAltName"_qs, u"DNS:json.example,dirName:dir"_qs},
                           {u"subjectKeyIdentifier"_qs, u"hash"_qs},
                           {u"authorityKeyIdentifier"_qs, u"keyid:always"_qs},
                           {u"crlDistributionPoints"_qs, u"URI:http://crl.example"_qs},
                           {u"authorityInfoAccess"_qs, u"OCSP;URI:http://ocsp.example"_qs},
                           {u"certificatePolicies"_qs, u"2.23.140.1.2.1"_qs},
                           {u"nameConstraints"_qs, u"critical,permitted;DNS:.example"_qs},
                           {u"policyConstraints"_qs, u"critical,requireExplicitPolicy:0"_qs},
                           {u"inhibitAnyPolicy"_qs, u"critical,0"_qs},
                           {u"1.3.6.1.4.1.11129.2.4.2"_qs, u"DER:04020000"_qs},
                           {u"tlsfeature"_qs, u"status_request"_qs},
                           {u"1.3.6.1.4.1.44363.44"_qs, u"ASN1:NULL"_qs},
                           {u"1.3.6.1.4.1.55555.1"_qs, u"critical,ASN1:UTF8String:\"quoted\""_qs},
                           {u"keyUsage"_qs, u"DER:030507"_qs}},
                          u"[dir]\nCN = JSON Test\n"_qs)
                          .certificate;
    }
    const CertificateModel model = describeCertificate(*certificate);
    const QJsonObject json = model.toJson();
    // Through text and back, as `batonctl inspect --json` and its readers will see it.
    const QJsonObject parsed = QJsonDocument::fromJson(QJsonDocument(json).toJson()).object();
    QCOMPARE(parsed, json);

    const QJsonArray sections = parsed.value(u"sections"_qs).toArray();
    QStringList jsonIds;
    for (const QJsonValue &section : sections)
        jsonIds << section.toObject().value(u"id"_qs).toString();
    QCOMPARE(jsonIds, ids);

    bool fieldKeysAsSpecified = true;
    const std::function<QList<ModelField>(const QJsonArray &)> fieldsFromJson =
        [&](const QJsonArray &array) {
            QList<ModelField> fields;
            for (const QJsonValue &value : array) {
                const QJsonObject object = value.toObject();
                fieldKeysAsSpecified &= object.keys() == lines({"children", "label", "value"});
                fields << ModelField{object.value(u"label"_qs).toString(),
                                     object.value(u"value"_qs).toString(),
                                     fieldsFromJson(object.value(u"children"_qs).toArray())};
            }
            return fields;
        };
    X509 *x509 = certificate->handle();
    for (qsizetype i = 0; i < sections.size(); ++i) {
        const QJsonObject object = sections[i].toObject();
        const ModelSection &section = model.sections[i];
        QCOMPARE(object.keys(),
                 lines({"asn1", "critical", "fields", "id", "notes", "oid", "rawHex", "title"}));
        QCOMPARE(object.value(u"title"_qs).toString(), section.title);
        QCOMPARE(object.value(u"oid"_qs).toString(), section.oid);
        QCOMPARE(object.value(u"critical"_qs).toBool(), section.critical);
        QCOMPARE(object.value(u"asn1"_qs).toString(), section.asn1Dump);
        QCOMPARE(object.value(u"notes"_qs).toVariant().toStringList(), section.notes);
        QCOMPARE(flatten(fieldsFromJson(object.value(u"fields"_qs).toArray())),
                 flatten(section.fields));
        // rawHex is each extension's extnValue, in certificate order after the fixed sections.
        QByteArray der;
        if (i >= 5) {
            const ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(X509_get_ext(x509, int(i - 5)));
            der = QByteArray(reinterpret_cast<const char *>(ASN1_STRING_get0_data(data)),
                             ASN1_STRING_length(data));
            QVERIFY(!der.isEmpty());
        }
        QCOMPARE(object.value(u"rawHex"_qs).toString().toLatin1(), der.toHex());
    }
    QCOMPARE(sections.size() - 5, qsizetype(X509_get_ext_count(x509)));
    QVERIFY(fieldKeysAsSpecified);
}

QTEST_GUILESS_MAIN(CertificateModelTest)
#include "tst_certificate_model.moc"
