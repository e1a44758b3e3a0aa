// Unit tests for the extension decoders behind x509/CertificateModel: one row per decoder and
// per variant (every SAN kind, every EKU, critical or not), DelegationUsage conformance, and
// the fallback for malformed and unknown extensions. Certificates are made at test time.

#include "TestPki.h"
#include "x509/CertificateModel.h"

#include <QTest>

using namespace baton;

using Extensions = QList<std::pair<QString, QString>>;

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

/// The sections the extensions in `extensions` produced (after the five fixed ones).
QList<ModelSection> extensionSections(const Certificate &certificate)
{
    QList<ModelSection> sections = describeCertificate(certificate).sections;
    return sections.mid(5);
}

// Sections that values in the rows below refer to. (Not a raw string literal: moc 6.4 loses
// the test class after one.)
const QString kConfig = QStringLiteral("[policy]\n"
                                       "policyIdentifier = 1.3.6.1.4.1.55555.1.1\n"
                                       "CPS.1 = \"https://example.com/cps\"\n"
                                       "userNotice.1 = @notice\n"
                                       "[notice]\n"
                                       "explicitText = \"Test notice\"\n"
                                       "organization = \"Example Org\"\n"
                                       "noticeNumbers = 1, 2\n"
                                       "[textOnly]\n"
                                       "policyIdentifier = 1.3.6.1.4.1.55555.1.2\n"
                                       "userNotice.1 = @textOnlyNotice\n"
                                       "[textOnlyNotice]\n"
                                       "explicitText = \"Only text\"\n"
                                       "[dir]\n"
                                       "C = DE\n"
                                       "O = Baton Test\n"
                                       "CN = dir.example\n"
                                       "[sequence]\n"
                                       "f1 = UTF8:a\n"
                                       "f2 = INTEGER:7\n"
                                       "[point]\n"
                                       "relativename = rdn\n"
                                       "reasons = keyCompromise, CACompromise\n"
                                       "CRLissuer = dirName:issuer\n"
                                       "[rdn]\n"
                                       "CN = crl1\n"
                                       "[issuer]\n"
                                       "CN = issuer.example\n");

// One v1 SCT: log ID 32 x 0x11, 2026-01-01 00:00:00.123 UTC, no extensions, ECDSA/SHA-256,
// signature 30 06 02 01 01 02 01 01; wrapped in the SignedCertificateTimestampList OCTET STRING.
const QString kSctList = QStringLiteral(
    "DER:043b00390037001111111111111111111111111111111111111111111111111111111111111111"
    "0000019b76daa87b0000040300083006020101020101");

QStringList lines(std::initializer_list<const char *> texts)
{
    QStringList out;
    for (const char *text : texts)
        out << QString::fromUtf8(text);
    return out;
}

} // namespace

class CertificateModelExtensionsTest : public QObject
{
    Q_OBJECT

private slots:
    void decoders_data();
    void decoders();
    void delegationUsage_data();
    void delegationUsage();
    void malformed_data();
    void malformed();
    void unknown_data();
    void unknown();
    void duplicateExtension();
    void bareExtension();
};

void CertificateModelExtensionsTest::decoders_data()
{
    QTest::addColumn<Extensions>("extensions");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("oid");
    QTest::addColumn<bool>("critical");
    QTest::addColumn<QStringList>("fields");
    QTest::addColumn<QStringList>("notes");

    const auto row = [](const char *name, const QString &extension, const QString &value,
                        const char *id, const char *title, const char *oid, bool critical,
                        const QStringList &fields, const QStringList &notes = {}) {
        QTest::newRow(name) << Extensions{{extension, value}} << QString::fromLatin1(id)
                            << QString::fromLatin1(title) << QString::fromLatin1(oid) << critical
                            << fields << notes;
    };

    // Basic Constraints
    const auto bc = [&](const char *name, const char *value, bool critical,
                        const QStringList &fields, const QStringList &notes = {}) {
        row(name, u"basicConstraints"_qs, QString::fromLatin1(value), "basic-constraints",
            "Basic Constraints", "2.5.29.19", critical, fields, notes);
    };
    bc("basicConstraints CA with path length", "critical,CA:TRUE,pathlen:2", true,
       lines({"Certificate authority: yes", "Path length limit: 2"}));
    bc("basicConstraints CA, not critical", "CA:TRUE", false,
       lines({"Certificate authority: yes", "Path length limit: none"}),
       lines({"not critical, but RFC 5280 requires Basic Constraints to be critical in a CA "
              "certificate"}));
    bc("basicConstraints end entity", "critical,CA:FALSE", true,
       lines({"Certificate authority: no"}));
    bc("basicConstraints path length without CA", "CA:FALSE,pathlen:1", false,
       lines({"Certificate authority: no", "Path length limit: 1"}),
       lines({"a path length limit without CA:TRUE, which RFC 5280 forbids"}));

    // Key Usage
    const auto ku = [&](const char *name, const char *value, bool critical,
                        const QStringList &fields, const QStringList &notes = {}) {
        row(name, u"keyUsage"_qs, QString::fromLatin1(value), "key-usage", "Key Usage", "2.5.29.15",
            critical, fields, notes);
    };
    ku("keyUsage every bit",
       "critical,digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment,keyAgreement,"
       "keyCertSign,cRLSign,encipherOnly,decipherOnly",
       true,
       lines({"Usage: digitalSignature", "Usage: nonRepudiation (contentCommitment)",
              "Usage: keyEncipherment", "Usage: dataEncipherment", "Usage: keyAgreement",
              "Usage: keyCertSign", "Usage: cRLSign", "Usage: encipherOnly",
              "Usage: decipherOnly"}));
    ku("keyUsage digitalSignature, not critical", "digitalSignature", false,
       lines({"Usage: digitalSignature"}));
    ku("keyUsage without bits", "DER:030100", false, {},
       lines({"no usage bit is set; RFC 5280 requires at least one"}));

    // Extended Key Usage: one row per purpose.
    const auto eku = [&](const char *name, const char *value, const QStringList &fields,
                         const QStringList &notes = {}) {
        row(name, u"extendedKeyUsage"_qs, QString::fromLatin1(value), "extended-key-usage",
            "Extended Key Usage", "2.5.29.37", false, fields, notes);
    };
    eku("EKU serverAuth", "serverAuth", lines({"Purpose: serverAuth"}));
    eku("EKU clientAuth", "clientAuth", lines({"Purpose: clientAuth"}));
    eku("EKU codeSigning", "codeSigning", lines({"Purpose: codeSigning"}));
    eku("EKU emailProtection", "emailProtection", lines({"Purpose: emailProtection"}));
    eku("EKU timeStamping", "timeStamping", lines({"Purpose: timeStamping"}));
    eku("EKU OCSPSigning", "OCSPSigning", lines({"Purpose: OCSPSigning"}));
    eku("EKU anyExtendedKeyUsage", "anyExtendedKeyUsage", lines({"Purpose: anyExtendedKeyUsage"}));
    eku("EKU unknown OID", "1.3.6.1.4.1.55555.3.1", lines({"Purpose: 1.3.6.1.4.1.55555.3.1"}));
    eku("EKU several", "serverAuth,clientAuth,1.2.3.4",
        lines({"Purpose: serverAuth", "Purpose: clientAuth", "Purpose: 1.2.3.4"}));
    eku("EKU empty", "DER:3000", {},
        lines({"no purpose is listed; RFC 5280 requires at least one"}));

    // Subject Alternative Name: one row per kind of name.
    const auto san = [&](const char *name, const char *value, const QStringList &fields,
                         const QStringList &notes = {}) {
        row(name, u"subjectAltName"_qs, QString::fromLatin1(value), "subject-alt-name",
            "Subject Alternative Name", "2.5.29.17", false, fields, notes);
    };
    san("SAN DNS", "DNS:a.example,DNS:*.a.example", lines({"DNS: a.example", "DNS: *.a.example"}));
    san("SAN IPv4", "IP:192.0.2.1,IP:0.0.0.0,IP:255.255.255.255",
        lines({"IP address: 192.0.2.1", "IP address: 0.0.0.0", "IP address: 255.255.255.255"}));
    // RFC 5952: the longest zero run (the first of equal ones) becomes "::", lowercase, and an
    // IPv4-mapped address keeps its dotted tail.
    san("SAN IPv6",
        "IP:2001:db8::1,IP:2001:db8:0:0:1:0:0:1,IP:2001:0:0:1:0:0:0:1,IP:::,IP:1::,"
        "IP:FE80::1:2,IP:1:2:3:4:5:6:7:8,IP:::ffff:1.2.3.4",
        lines({"IP address: 2001:db8::1", "IP address: 2001:db8::1:0:0:1",
               "IP address: 2001:0:0:1::1",
               "IP address: ::", "IP address: 1::", "IP address: fe80::1:2",
               "IP address: 1:2:3:4:5:6:7:8", "IP address: ::ffff:1.2.3.4"}));
    san("SAN email", "email:me@example.com", lines({"Email: me@example.com"}));
    san("SAN URI", "URI:https://example.com/x?y=1", lines({"URI: https://example.com/x?y=1"}));
    san("SAN directory name", "dirName:dir",
        lines({"Directory name: CN=dir.example,O=Baton Test,C=DE", "  C: DE", "  O: Baton Test",
               "  CN: dir.example"}));
    san("SAN otherName UPN", "otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com",
        lines({"Other name: msUPN: user@example.com", "  Type: 1.3.6.1.4.1.311.20.2.3 (msUPN)",
               "  Value: user@example.com"}));
    san("SAN otherName other types",
        "otherName:1.2.3.4;INTEGER:5,otherName:1.2.3.5;OCTETSTRING:hi,"
        "otherName:1.2.3.6;SEQUENCE:sequence",
        lines({"Other name: 1.2.3.4: 5", "  Type: 1.2.3.4", "  Value: 5",
               "Other name: 1.2.3.5: 68:69", "  Type: 1.2.3.5", "  Value: 68:69",
               "Other name: 1.2.3.6: DER 30:06:0C:01:61:02:01:07", "  Type: 1.2.3.6",
               "  Value: DER 30:06:0C:01:61:02:01:07"}));
    san("SAN registeredID", "RID:1.2.3.4,RID:1.3.6.1.5.5.7.3.1",
        lines({"Registered ID: 1.2.3.4", "Registered ID: 1.3.6.1.5.5.7.3.1 (serverAuth)"}));
    // OpenSSL's config syntax cannot write these two: hand-made DER.
    san("SAN EDI party name", "DER:300ba509a1070c057061727479", lines({"EDI party name: party"}));
    san("SAN EDI party name with assigner", "DER:3014a512a0070c056173736967a1070c057061727479",
        lines({"EDI party name: party (assigned by assig)"}));
    san("SAN X.400 address", "DER:3005a303020105", lines({"X.400 address: A3:03:02:01:05"}));
    san("SAN empty", "DER:3000", {}, lines({"no names; RFC 5280 requires at least one"}));

    // Key identifiers
    row("SKI", u"subjectKeyIdentifier"_qs, u"01:02:03:04"_qs, "subject-key-identifier",
        "Subject Key Identifier", "2.5.29.14", false, lines({"Key identifier: 01:02:03:04"}));
    row("SKI critical", u"subjectKeyIdentifier"_qs, u"critical,0A0B"_qs, "subject-key-identifier",
        "Subject Key Identifier", "2.5.29.14", true, lines({"Key identifier: 0A:0B"}),
        lines({"critical, but RFC 5280 requires Subject Key Identifier to be non-critical"}));
    QTest::newRow("AKI key ID, issuer and serial")
        << Extensions{{u"subjectKeyIdentifier"_qs, u"01:02:03:04"_qs},
                      {u"authorityKeyIdentifier"_qs, u"keyid:always,issuer:always"_qs}}
        << u"authority-key-identifier"_qs << u"Authority Key Identifier"_qs << u"2.5.29.35"_qs
        << false
        << lines({"Key identifier: 01:02:03:04", "Issuer: CN=model.test",
                  "  Directory name: CN=model.test", "    CN: model.test",
                  "Serial number: 0102030405060708"})
        << QStringList();
    QTest::newRow("AKI critical")
        << Extensions{{u"subjectKeyIdentifier"_qs, u"01:02:03:04"_qs},
                      {u"authorityKeyIdentifier"_qs, u"critical,keyid:always"_qs}}
        << u"authority-key-identifier"_qs << u"Authority Key Identifier"_qs << u"2.5.29.35"_qs
        << true << lines({"Key identifier: 01:02:03:04"})
        << lines({"critical, but RFC 5280 requires Authority Key Identifier to be non-critical"});
    row("AKI issuer without serial", u"authorityKeyIdentifier"_qs, u"DER:3006a104a4023000"_qs,
        "authority-key-identifier", "Authority Key Identifier", "2.5.29.35", false,
        lines({"Issuer: ", "  Directory name: "}),
        lines({"an issuer without a serial number or the reverse; RFC 5280 requires both or "
               "neither"}));

    // CRL Distribution Points
    row("CRL DP two URIs", u"crlDistributionPoints"_qs,
        u"URI:http://crl.example/a.crl,URI:http://crl2.example/a.crl"_qs, "crl-distribution-points",
        "CRL Distribution Points", "2.5.29.31", false,
        lines({"Distribution point: http://crl.example/a.crl", "  URI: http://crl.example/a.crl",
               "Distribution point: http://crl2.example/a.crl",
               "  URI: http://crl2.example/a.crl"}));
    row("CRL DP relative name, reasons, CRL issuer", u"crlDistributionPoints"_qs, u"point"_qs,
        "crl-distribution-points", "CRL Distribution Points", "2.5.29.31", false,
        lines({"Distribution point: CN=crl1", "  Relative name: CN=crl1",
               "  Reasons: keyCompromise, cACompromise", "  CRL issuer: CN=issuer.example",
               "    Directory name: CN=issuer.example", "      CN: issuer.example"}));
    row("CRL DP with neither name nor issuer", u"crlDistributionPoints"_qs, u"DER:30023000"_qs,
        "crl-distribution-points", "CRL Distribution Points", "2.5.29.31", false,
        lines({"Distribution point: "}),
        lines({"distribution point 1 has neither a name nor a CRL issuer, which RFC 5280 "
               "forbids"}));

    // Authority Information Access
    const auto aia = [&](const char *name, const char *value, bool critical,
                         const QStringList &fields, const QStringList &notes = {}) {
        row(name, u"authorityInfoAccess"_qs, QString::fromLatin1(value), "authority-info-access",
            "Authority Information Access", "1.3.6.1.5.5.7.1.1", critical, fields, notes);
    };
    aia("AIA OCSP and CA issuers", "OCSP;URI:http://ocsp.example,caIssuers;URI:http://ca/ca.crt",
        false, lines({"OCSP: http://ocsp.example", "CA Issuers: http://ca/ca.crt"}));
    aia("AIA other method, non-URI location",
        "1.3.6.1.5.5.7.48.5;URI:http://repo,OCSP;email:x@y.example", false,
        lines({"caRepository: http://repo", "OCSP: Email: x@y.example"}));
    aia("AIA critical", "critical,OCSP;URI:http://ocsp.example", true,
        lines({"OCSP: http://ocsp.example"}),
        lines({"critical, but RFC 5280 requires Authority Information Access to be "
               "non-critical"}));

    // Certificate Policies
    const auto cp = [&](const char *name, const char *value, const QStringList &fields,
                        const QStringList &notes = {}) {
        row(name, u"certificatePolicies"_qs, QString::fromLatin1(value), "certificate-policies",
            "Certificate Policies", "2.5.29.32", false, fields, notes);
    };
    cp("policies CPS and user notice", "2.23.140.1.2.1,@policy",
       lines({"Policy: 2.23.140.1.2.1 (domain-validated)", "Policy: 1.3.6.1.4.1.55555.1.1",
              "  CPS: https://example.com/cps", "  User notice: Test notice",
              "    Organization: Example Org", "    Notice numbers: 1, 2"}));
    cp("policies notice with text only", "@textOnly",
       lines({"Policy: 1.3.6.1.4.1.55555.1.2", "  User notice: Only text"}));
    cp("policies anyPolicy and CA/B names",
       "2.5.29.32.0,2.23.140.1.1,2.23.140.1.2.2,2.23.140.1.2.3",
       lines({"Policy: 2.5.29.32.0 (anyPolicy)", "Policy: 2.23.140.1.1 (ev-guidelines)",
              "Policy: 2.23.140.1.2.2 (organization-validated)",
              "Policy: 2.23.140.1.2.3 (individual-validated)"}));
    cp("policies duplicated", "1.2.3,1.2.3", lines({"Policy: 1.2.3", "Policy: 1.2.3"}),
       lines({"policy 1.2.3 is listed more than once, which RFC 5280 forbids"}));

    // Name Constraints
    const auto nc = [&](const char *name, const char *value, bool critical,
                        const QStringList &fields, const QStringList &notes = {}) {
        row(name, u"nameConstraints"_qs, QString::fromLatin1(value), "name-constraints",
            "Name Constraints", "2.5.29.30", critical, fields, notes);
    };
    nc("name constraints",
       "critical,permitted;DNS:.example.com,permitted;IP:192.168.0.0/"
       "255.255.0.0,excluded;IP:2001:db8::/ffff:ffff::,excluded;email:.bad.example,"
       "excluded;IP:10.0.0.0/255.0.255.0",
       true,
       lines({"Permitted: 2 subtrees", "  DNS: .example.com", "  IP address: 192.168.0.0/16",
              "Excluded: 3 subtrees", "  IP address: 2001:db8::/32", "  Email: .bad.example",
              "  IP address: 10.0.0.0/255.0.255.0"}));
    nc("name constraints, not critical", "permitted;DNS:x", false,
       lines({"Permitted: 1 subtree", "  DNS: x"}),
       lines({"not critical, but RFC 5280 requires Name Constraints to be critical"}));
    nc("name constraints with minimum and maximum", "critical,DER:300da00b3009820178800101810102",
       true, lines({"Permitted: 1 subtree", "  DNS: x", "    Minimum: 1", "    Maximum: 2"}));
    nc("name constraints empty", "critical,DER:3000", true, {},
       lines({"neither permitted nor excluded subtrees, which RFC 5280 forbids"}));

    // Policy Constraints and Inhibit anyPolicy
    row("policy constraints", u"policyConstraints"_qs,
        u"critical,requireExplicitPolicy:0,inhibitPolicyMapping:1"_qs, "policy-constraints",
        "Policy Constraints", "2.5.29.36", true,
        lines({"Require explicit policy: 0", "Inhibit policy mapping: 1"}));
    row("policy constraints, not critical", u"policyConstraints"_qs, u"requireExplicitPolicy:3"_qs,
        "policy-constraints", "Policy Constraints", "2.5.29.36", false,
        lines({"Require explicit policy: 3"}),
        lines({"not critical, but RFC 5280 requires Policy Constraints to be critical"}));
    row("policy constraints empty", u"policyConstraints"_qs, u"critical,DER:3000"_qs,
        "policy-constraints", "Policy Constraints", "2.5.29.36", true, {},
        lines({"neither requireExplicitPolicy nor inhibitPolicyMapping, which RFC 5280 "
               "forbids"}));
    row("inhibit anyPolicy", u"inhibitAnyPolicy"_qs, u"critical,2"_qs, "inhibit-any-policy",
        "Inhibit anyPolicy", "2.5.29.54", true, lines({"Skip certificates: 2"}));
    row("inhibit anyPolicy, not critical", u"inhibitAnyPolicy"_qs, u"0"_qs, "inhibit-any-policy",
        "Inhibit anyPolicy", "2.5.29.54", false, lines({"Skip certificates: 0"}),
        lines({"not critical, but RFC 5280 requires Inhibit anyPolicy to be critical"}));

    // TLS Feature
    row("TLS feature must-staple", u"tlsfeature"_qs, u"status_request"_qs, "tls-feature",
        "TLS Feature", "1.3.6.1.5.5.7.1.24", false,
        lines({"Feature: status_request (OCSP must-staple)"}));
    row("TLS feature v2 and unknown", u"tlsfeature"_qs, u"DER:300602011102012a"_qs, "tls-feature",
        "TLS Feature", "1.3.6.1.5.5.7.1.24", false,
        lines({"Feature: status_request_v2", "Feature: 42"}));

    // Signed Certificate Timestamps
    row("SCT list", u"1.3.6.1.4.1.11129.2.4.2"_qs, kSctList, "sct-list",
        "Signed Certificate Timestamps", "1.3.6.1.4.1.11129.2.4.2", false,
        lines({"SCT: 2026-01-01 00:00:00.123 UTC", "  Version: v1",
               "  Log ID: 11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:"
               "11:11:11:11:11:11:11:11",
               "  Timestamp: 2026-01-01 00:00:00.123 UTC", "  Extensions: none",
               "  Signature algorithm: ecdsa-with-SHA256",
               "  Signature: 30:06:02:01:01:02:01:01"}));
    row("SCT of an unknown version", u"1.3.6.1.4.1.11129.2.4.2"_qs,
        u"DER:0409000700050122222222"_qs, "sct-list", "Signed Certificate Timestamps",
        "1.3.6.1.4.1.11129.2.4.2", false,
        lines({"SCT: unknown version 1", "  Version: unknown (1)", "  Encoding: 01:22:22:22:22"}));
    row("SCT list empty", u"1.3.6.1.4.1.11129.2.4.2"_qs, u"DER:04020000"_qs, "sct-list",
        "Signed Certificate Timestamps", "1.3.6.1.4.1.11129.2.4.2", false, {},
        lines({"the list holds no timestamps"}));
}

void CertificateModelExtensionsTest::decoders()
{
    QFETCH(Extensions, extensions);
    QFETCH(QString, id);
    QFETCH(QString, title);
    QFETCH(QString, oid);
    QFETCH(bool, critical);
    QFETCH(QStringList, fields);
    QFETCH(QStringList, notes);

    const auto identity = test::makeCertificateWithExtensions(extensions, kConfig);
    const CertificateModel model = describeCertificate(identity.certificate);
    const ModelSection *section = model.section(id);
    QVERIFY(section);
    QCOMPARE(section->title, title);
    QCOMPARE(section->oid, oid);
    QVERIFY(section->isExtension);
    QCOMPARE(section->critical, critical);
    QCOMPARE(flatten(section->fields), fields);
    QCOMPARE(section->notes, notes);
    QVERIFY(!section->rawDer.isEmpty());
    QVERIFY(!section->asn1Dump.isEmpty());
    QVERIFY(!section->asn1Dump.contains(u"malformed"_qs));
}

void CertificateModelExtensionsTest::delegationUsage_data()
{
    using D = test::CertificateOptions::Delegation;
    QTest::addColumn<Extensions>("extensions"); // used when `fixture` is false
    QTest::addColumn<bool>("fixture");          // makeIdentity with `delegation` instead
    QTest::addColumn<int>("delegation");
    QTest::addColumn<bool>("critical");
    QTest::addColumn<QStringList>("fields");
    QTest::addColumn<QStringList>("notes");
    QTest::addColumn<QString>("asn1");

    const QString nullValue = u"ASN1:NULL"_qs;
    const QString oid = QString::fromLatin1(kDelegationUsageOid);
    const QStringList conformant = lines({"Value: NULL", "RFC 9345: conformant"});
    const QString criticalNote = u"critical, but RFC 9345 requires non-critical: clients that do "
                                 u"not know the extension reject the certificate"_qs;
    const QString emptyNote = u"the value is empty, as in older test data, but RFC 9345 requires "
                              u"an ASN.1 NULL"_qs;
    const QString otherNote = u"the value is not the ASN.1 NULL that RFC 9345 requires"_qs;

    QTest::newRow("NULL, non-critical: conformant")
        << Extensions{{oid, nullValue}} << false << 0 << false << conformant << QStringList()
        << u"NULL"_qs;
    QTest::newRow("NULL, critical") << Extensions{{oid, u"critical,"_qs + nullValue}} << false << 0
                                    << true << lines({"Value: NULL", "RFC 9345: not conformant"})
                                    << QStringList{criticalNote} << u"NULL"_qs;
    QTest::newRow("empty OCTET STRING inside extnValue")
        << Extensions{{oid, u"DER:0400"_qs}} << false << 0 << false
        << lines({"Value: empty OCTET STRING", "RFC 9345: not conformant"})
        << QStringList{emptyNote} << u"OCTET STRING (empty)"_qs;
    QTest::newRow("other value") << Extensions{{oid, u"ASN1:BOOLEAN:TRUE"_qs}} << false << 0
                                 << false
                                 << lines({"Value: not NULL: 01:01:FF", "RFC 9345: not conformant"})
                                 << QStringList{otherNote} << u"BOOLEAN TRUE"_qs;
    QTest::newRow("other value, critical")
        << Extensions{{oid, u"critical,ASN1:INTEGER:1"_qs}} << false << 0 << true
        << lines({"Value: not NULL: 02:01:01", "RFC 9345: not conformant"})
        << QStringList{otherNote, criticalNote} << u"INTEGER 1"_qs;
    // The shared fixtures, as the issuer and verifier tests see them.
    QTest::newRow("fixture NULL") << Extensions() << true << int(D::Null) << false << conformant
                                  << QStringList() << u"NULL"_qs;
    QTest::newRow("fixture critical NULL") << Extensions() << true << int(D::CriticalNull) << true
                                           << lines({"Value: NULL", "RFC 9345: not conformant"})
                                           << QStringList{criticalNote} << u"NULL"_qs;
    QTest::newRow("fixture empty extnValue (older test data)")
        << Extensions() << true << int(D::EmptyOctetString) << false
        << lines({"Value: empty (no bytes)", "RFC 9345: not conformant"}) << QStringList{emptyNote}
        << u"(empty)"_qs;
}

void CertificateModelExtensionsTest::delegationUsage()
{
    QFETCH(Extensions, extensions);
    QFETCH(bool, fixture);
    QFETCH(int, delegation);
    QFETCH(bool, critical);
    QFETCH(QStringList, fields);
    QFETCH(QStringList, notes);
    QFETCH(QString, asn1);

    test::CertificateOptions options;
    options.delegation = test::CertificateOptions::Delegation(delegation);
    const Certificate certificate =
        fixture ? test::makeIdentity(options).certificate
                : test::makeCertificateWithExtensions(extensions).certificate;
    const CertificateModel model = describeCertificate(certificate);
    const ModelSection *section = model.section(u"delegation-usage");
    QVERIFY(section);
    QCOMPARE(section->title, u"DelegationUsage (RFC 9345)"_qs);
    QCOMPARE(section->oid, QString::fromLatin1(kDelegationUsageOid));
    QCOMPARE(section->critical, critical);
    QCOMPARE(flatten(section->fields), fields);
    QCOMPARE(section->notes, notes);
    QCOMPARE(section->asn1Dump, asn1);
    // The model and the issuer/verifier read the one classification, so they agree.
    const DelegationUsage usage = certificate.delegationUsage();
    QCOMPARE(usage.critical, critical);
    QCOMPARE(fields.last() == u"RFC 9345: conformant"_qs, usage.conformant());
}

void CertificateModelExtensionsTest::malformed_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("oid");
    QTest::addColumn<QStringList>("fields");
    QTest::addColumn<QStringList>("notes");
    QTest::addColumn<QString>("asn1");

    const auto row = [](const char *rowName, const char *name, const char *value, const char *id,
                        const char *oid, const char *title, int length, const char *asn1,
                        const char *problem = nullptr) {
        QStringList notes{u"could not be decoded as "_qs + QString::fromLatin1(title)};
        if (problem)
            notes << QString::fromLatin1(problem);
        QTest::newRow(rowName) << QString::fromLatin1(name) << QString::fromLatin1(value)
                               << QString::fromLatin1(id) << QString::fromLatin1(oid)
                               << QStringList{u"OID: "_qs + QString::fromLatin1(oid),
                                              QStringLiteral("Length: %1 bytes").arg(length)}
                               << notes << QString::fromUtf8(asn1);
    };
    row("keyUsage truncated", "keyUsage", "DER:030507", "key-usage", "2.5.29.15", "Key Usage", 3,
        "malformed DER at byte 0: a length of 5 runs past the end (1 byte left)",
        "the value is not DER: a length of 5 runs past the end (1 byte left)");
    row("SAN with a truncated name", "subjectAltName", "DER:3003820561", "subject-alt-name",
        "2.5.29.17", "Subject Alternative Name", 5,
        "SEQUENCE\n  malformed DER at byte 2: a length of 5 runs past the end (1 byte left)");
    row("basicConstraints of the wrong type", "basicConstraints", "DER:020101", "basic-constraints",
        "2.5.29.19", "Basic Constraints", 3, "INTEGER 1");
    row("basicConstraints with trailing bytes", "basicConstraints", "DER:30000500",
        "basic-constraints", "2.5.29.19", "Basic Constraints", 4, "SEQUENCE\nNULL",
        "2 unexpected bytes after the value");
    row("EKU with an invalid OID", "extendedKeyUsage", "DER:3003060180", "extended-key-usage",
        "2.5.29.37", "Extended Key Usage", 5, "SEQUENCE\n  OBJECT IDENTIFIER 80 (invalid)");
    row("SKI as a BIT STRING", "subjectKeyIdentifier", "DER:030100", "subject-key-identifier",
        "2.5.29.14", "Subject Key Identifier", 3, "BIT STRING (no bits)");
    row("AKI as an OCTET STRING", "authorityKeyIdentifier", "DER:0400", "authority-key-identifier",
        "2.5.29.35", "Authority Key Identifier", 2, "OCTET STRING (empty)");
    row("AIA without a method", "authorityInfoAccess", "DER:30023000", "authority-info-access",
        "1.3.6.1.5.5.7.1.1", "Authority Information Access", 4, "SEQUENCE\n  SEQUENCE");
    row("name constraints as a SET", "nameConstraints", "DER:3100", "name-constraints", "2.5.29.30",
        "Name Constraints", 2, "SET");
    row("TLS feature holding a NULL", "tlsfeature", "DER:30020500", "tls-feature",
        "1.3.6.1.5.5.7.1.24", "TLS Feature", 4, "SEQUENCE\n  NULL");
    row("inhibitAnyPolicy as a NULL", "inhibitAnyPolicy", "DER:0500", "inhibit-any-policy",
        "2.5.29.54", "Inhibit anyPolicy", 2, "NULL");
    row("SCT list running past its end", "1.3.6.1.4.1.11129.2.4.2", "DER:0403000500", "sct-list",
        "1.3.6.1.4.1.11129.2.4.2", "Signed Certificate Timestamps", 5, "OCTET STRING 00:05:00");
}

void CertificateModelExtensionsTest::malformed()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QString, id);
    QFETCH(QString, oid);
    QFETCH(QStringList, fields);
    QFETCH(QStringList, notes);
    QFETCH(QString, asn1);

    const auto identity = test::makeCertificateWithExtensions({{name, value}});
    const QList<ModelSection> sections = extensionSections(identity.certificate);
    QCOMPARE(sections.size(), 1);
    const ModelSection &section = sections.first();
    // The extension keeps its stable id, so a renderer can still say what it was meant to be.
    QCOMPARE(section.id, id);
    QCOMPARE(section.oid, oid);
    QCOMPARE(flatten(section.fields), fields);
    QCOMPARE(section.notes, notes);
    QCOMPARE(section.asn1Dump, asn1);
    QCOMPARE(QString::fromLatin1(section.rawDer.toHex()), value.sliced(4).toLower());
}

void CertificateModelExtensionsTest::unknown_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("oid");
    QTest::addColumn<bool>("critical");
    QTest::addColumn<QStringList>("fields");
    QTest::addColumn<QStringList>("notes");
    QTest::addColumn<QString>("asn1");

    QTest::newRow("private OID") << u"1.3.6.1.4.1.55555.99"_qs << u"ASN1:UTF8String:hello"_qs
                                 << u"Unknown extension"_qs << u"1.3.6.1.4.1.55555.99"_qs << false
                                 << lines({"OID: 1.3.6.1.4.1.55555.99", "Length: 7 bytes"})
                                 << QStringList() << u"UTF8String \"hello\""_qs;
    QTest::newRow("private OID, critical")
        << u"1.3.6.1.4.1.55555.99"_qs << u"critical,DER:3003020105"_qs << u"Unknown extension"_qs
        << u"1.3.6.1.4.1.55555.99"_qs << true
        << lines({"OID: 1.3.6.1.4.1.55555.99", "Length: 5 bytes"})
        << lines({"critical, and Baton does not know this extension: a relying party that does "
                  "not know it either must reject the certificate"})
        << u"SEQUENCE\n  INTEGER 5"_qs;
    QTest::newRow("one OpenSSL knows: issuerAltName")
        << u"issuerAltName"_qs << u"DNS:issuer.example"_qs << u"X509v3 Issuer Alternative Name"_qs
        << u"2.5.29.18"_qs << false
        << lines({"OID: 2.5.29.18", "Length: 18 bytes", "Decoded by OpenSSL: DNS:issuer.example"})
        << QStringList() << u"SEQUENCE\n  [2] \"issuer.example\""_qs;
}

void CertificateModelExtensionsTest::unknown()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QString, title);
    QFETCH(QString, oid);
    QFETCH(bool, critical);
    QFETCH(QStringList, fields);
    QFETCH(QStringList, notes);
    QFETCH(QString, asn1);

    const auto identity = test::makeCertificateWithExtensions({{name, value}});
    const QList<ModelSection> sections = extensionSections(identity.certificate);
    QCOMPARE(sections.size(), 1);
    const ModelSection &section = sections.first();
    QCOMPARE(section.id, u"unknown"_qs);
    QCOMPARE(section.title, title);
    QCOMPARE(section.oid, oid);
    QCOMPARE(section.critical, critical);
    QCOMPARE(flatten(section.fields), fields);
    QCOMPARE(section.notes, notes);
    QCOMPARE(section.asn1Dump, asn1);
}

void CertificateModelExtensionsTest::duplicateExtension()
{
    const auto identity = test::makeCertificateWithExtensions(
        {{u"subjectAltName"_qs, u"DNS:a.example"_qs}, {u"subjectAltName"_qs, u"DNS:b.example"_qs}});
    const QList<ModelSection> sections = extensionSections(identity.certificate);
    QCOMPARE(sections.size(), 2);
    QCOMPARE(flatten(sections[0].fields), lines({"DNS: a.example"}));
    QCOMPARE(sections[0].notes, QStringList());
    QCOMPARE(flatten(sections[1].fields), lines({"DNS: b.example"}));
    QCOMPARE(sections[1].notes,
             lines({"this extension appears more than once, which RFC 5280 forbids"}));
}

void CertificateModelExtensionsTest::bareExtension()
{
    // A CSR's requested extensions come without a certificate around them.
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, nullptr, nullptr, nullptr, nullptr, 0);
    const OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free> san(X509V3_EXT_nconf_nid(
        nullptr, &ctx, NID_subject_alt_name, "DNS:bare.example,IP:2001:db8::7"));
    QVERIFY(san);
    const ModelSection section = describeExtension(san.get());
    QCOMPARE(section.id, u"subject-alt-name"_qs);
    QVERIFY(section.isExtension);
    QCOMPARE(flatten(section.fields), lines({"DNS: bare.example", "IP address: 2001:db8::7"}));
    QCOMPARE(section.rawDer.toHex(), QByteArray("3020820c626172652e6578616d706c658710"
                                                "20010db8000000000000000000000007"));

    const Asn1ObjectPtr oid(OBJ_txt2obj(kDelegationUsageOid, 1));
    OpenSslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> value(ASN1_OCTET_STRING_new());
    QVERIFY(
        ASN1_OCTET_STRING_set(value.get(), reinterpret_cast<const unsigned char *>("\x05\x00"), 2));
    const OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free> delegation(
        X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), 1, value.get()));
    QVERIFY(delegation);
    const ModelSection du = describeExtension(delegation.get());
    QCOMPARE(du.id, u"delegation-usage"_qs);
    QVERIFY(du.critical);
    QCOMPARE(flatten(du.fields), lines({"Value: NULL", "RFC 9345: not conformant"}));
    QCOMPARE(du.notes.size(), 1);

    const ModelSection none = describeExtension(nullptr);
    QCOMPARE(none.id, u"unknown"_qs);
    QVERIFY(none.fields.isEmpty());
}

QTEST_GUILESS_MAIN(CertificateModelExtensionsTest)
#include "tst_certificate_model_extensions.moc"
