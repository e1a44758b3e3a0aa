// Unit tests for x509/CertificateRequest: PKCS#10 parsing, the requested extensions, and the
// DelegationUsage classification it shares with Certificate.

#include "TestPki.h"
#include "common/Pem.h"
#include "x509/CertificateRequest.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <openssl/objects.h>

using namespace baton;
using D = baton::test::CertificateOptions::Delegation;

Q_DECLARE_METATYPE(baton::KeyType)
Q_DECLARE_METATYPE(baton::DelegationUsage::Value)

namespace {

QByteArray withFlippedLastByte(QByteArray der)
{
    der[der.size() - 1] = char(der[der.size() - 1] ^ 0x01);
    return der;
}

QStringList extensionNames(const X509ExtensionStackPtr &extensions)
{
    QStringList names;
    for (int i = 0; i < sk_X509_EXTENSION_num(extensions.get()); ++i) {
        char name[80] = {};
        OBJ_obj2txt(name, sizeof name,
                    X509_EXTENSION_get_object(sk_X509_EXTENSION_value(extensions.get(), i)), 0);
        names << QString::fromLatin1(name);
    }
    return names;
}

} // namespace

class CertificateRequestTest : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void readAllKeepsOrder();
    void parseErrors_data();
    void parseErrors();
    void classifyDelegationUsage_data();
    void classifyDelegationUsage();
    void agreesWithCertificate_data();
    void agreesWithCertificate();

private:
    void makeFixtures();
    QByteArray opensslRequest();

    std::map<QString, test::TestRequest> m_requests;
    QTemporaryDir m_dir;
    bool m_fixturesMade = false;
};

void CertificateRequestTest::makeFixtures()
{
    if (m_fixturesMade)
        return;
    m_fixturesMade = true;
    const auto make = [this](const QString &name, auto change) {
        test::RequestOptions options;
        change(options);
        m_requests.emplace(name, test::makeRequest(options));
    };
    make(u"p256"_qs, [](test::RequestOptions &) {});
    make(u"critical"_qs, [](test::RequestOptions &o) { o.delegation = D::CriticalNull; });
    make(u"empty-octet"_qs, [](test::RequestOptions &o) { o.delegation = D::EmptyOctetString; });
    make(u"no-delegation"_qs, [](test::RequestOptions &o) { o.delegation = D::Absent; });
    make(u"bare"_qs, [](test::RequestOptions &o) {
        o.delegation = D::Absent;
        o.keyUsage = false;
        o.dnsNames.clear();
        o.commonName = u"bare.example"_qs;
    });
    make(u"ed25519"_qs, [](test::RequestOptions &o) {
        o.keyAlgorithm = u"ed25519"_qs;
        o.dnsNames = QStringList{u"a.example"_qs, u"b.example"_qs};
    });
    make(u"rsa"_qs, [](test::RequestOptions &o) { o.keyAlgorithm = u"rsa-2048"_qs; });
}

/// A request made by `openssl req`, as an operator following RFC 9345's advice would make it.
QByteArray CertificateRequestTest::opensslRequest()
{
    const QString openssl = QStandardPaths::findExecutable(u"openssl"_qs);
    if (openssl.isEmpty())
        return {};
    const test::TestIdentity identity = test::makeIdentity();
    const QString keyPath = m_dir.filePath(u"req-key.pem"_qs);
    QFile key(keyPath);
    if (!key.open(QIODevice::WriteOnly) || key.write(identity.keyPem) != identity.keyPem.size())
        return {};
    key.close();
    QProcess process;
    process.start(openssl, {u"req"_qs, u"-new"_qs, u"-key"_qs, keyPath, u"-subj"_qs,
                            u"/CN=cli.example/O=Baton Test"_qs, u"-addext"_qs,
                            u"1.3.6.1.4.1.44363.44=ASN1:NULL"_qs, u"-addext"_qs,
                            u"keyUsage=critical,digitalSignature"_qs, u"-addext"_qs,
                            u"subjectAltName=DNS:cli.example"_qs});
    if (!process.waitForFinished(30000) || process.exitCode() != 0)
        return {};
    return process.readAllStandardOutput();
}

void CertificateRequestTest::parse_data()
{
    makeFixtures();
    QVERIFY(m_dir.isValid());
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("subject");
    QTest::addColumn<KeyType>("keyType");
    QTest::addColumn<DelegationUsage::Value>("delegation");
    QTest::addColumn<bool>("critical");
    QTest::addColumn<QStringList>("dnsNames");
    QTest::addColumn<QStringList>("extensions");
    QTest::addColumn<bool>("signatureValid");

    using V = DelegationUsage::Value;
    const QString du = u"1.3.6.1.4.1.44363.44"_qs;
    const QString san = u"X509v3 Subject Alternative Name"_qs;
    const QString ku = u"X509v3 Key Usage"_qs;
    const QStringList requestDns{u"request.example"_qs};
    const QString requestCn = u"CN=request.example"_qs;
    const QByteArray p256 = m_requests.at(u"p256"_qs).der;

    QTest::newRow("PEM, DelegationUsage NULL")
        << encodePem(u"CERTIFICATE REQUEST"_qs, p256) << requestCn << KeyType::EcP256 << V::Null
        << false << requestDns << QStringList{san, ku, du} << true;
    QTest::newRow("DER, DelegationUsage NULL")
        << p256 << requestCn << KeyType::EcP256 << V::Null << false << requestDns
        << QStringList{san, ku, du} << true;
    QTest::newRow("PEM, NEW CERTIFICATE REQUEST label")
        << encodePem(u"NEW CERTIFICATE REQUEST"_qs, p256) << requestCn << KeyType::EcP256 << V::Null
        << false << requestDns << QStringList{san, ku, du} << true;
    QTest::newRow("PEM with text around")
        << QByteArray("Request for request.example\n" + encodePem(u"CERTIFICATE REQUEST"_qs, p256) +
                      "trailer\n")
        << requestCn << KeyType::EcP256 << V::Null << false << requestDns
        << QStringList{san, ku, du} << true;
    QTest::newRow("critical DelegationUsage")
        << m_requests.at(u"critical"_qs).der << requestCn << KeyType::EcP256 << V::Null << true
        << requestDns << QStringList{san, ku, du} << true;
    QTest::newRow("empty OCTET STRING DelegationUsage")
        << m_requests.at(u"empty-octet"_qs).der << requestCn << KeyType::EcP256
        << V::EmptyOctetString << false << requestDns << QStringList{san, ku, du} << true;
    QTest::newRow("no DelegationUsage")
        << m_requests.at(u"no-delegation"_qs).der << requestCn << KeyType::EcP256 << V::Absent
        << false << requestDns << QStringList{san, ku} << true;
    QTest::newRow("no extensionRequest at all")
        << m_requests.at(u"bare"_qs).der << u"CN=bare.example"_qs << KeyType::EcP256 << V::Absent
        << false << QStringList() << QStringList() << true;
    QTest::newRow("Ed25519, two DNS names")
        << m_requests.at(u"ed25519"_qs).der << requestCn << KeyType::Ed25519 << V::Null << false
        << QStringList{u"a.example"_qs, u"b.example"_qs} << QStringList{san, ku, du} << true;
    QTest::newRow("RSA (rsaEncryption)")
        << m_requests.at(u"rsa"_qs).der << requestCn << KeyType::Rsa << V::Null << false
        << requestDns << QStringList{san, ku, du} << true;
    QTest::newRow("self-signature broken")
        << withFlippedLastByte(p256) << requestCn << KeyType::EcP256 << V::Null << false
        << requestDns << QStringList{san, ku, du} << false;
    const QByteArray cli = opensslRequest();
    if (cli.isEmpty())
        qWarning("openssl CLI unavailable: the 'openssl req -addext' row is left out");
    else
        QTest::newRow("openssl req -addext DelegationUsage")
            << cli << u"O=Baton Test,CN=cli.example"_qs << KeyType::EcP256 << V::Null << false
            << QStringList{u"cli.example"_qs} << QStringList{du, ku, san} << true;
}

void CertificateRequestTest::parse()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, subject);
    QFETCH(KeyType, keyType);
    QFETCH(DelegationUsage::Value, delegation);
    QFETCH(bool, critical);
    QFETCH(QStringList, dnsNames);
    QFETCH(QStringList, extensions);
    QFETCH(bool, signatureValid);

    const auto request = CertificateRequest::readFirst(input);
    QVERIFY2(request.ok(), qPrintable(request.errorMessage()));
    QCOMPARE(request->subject(), subject);
    QCOMPARE(request->keyType(), keyType);
    QVERIFY(request->handle() != nullptr);
    QVERIFY(request->publicKey() != nullptr);
    const DelegationUsage usage = request->delegationUsageRequested();
    QCOMPARE(usage.value, delegation);
    QCOMPARE(usage.critical, critical);
    QCOMPARE(usage.conformant(), delegation == DelegationUsage::Value::Null && !critical);
    QCOMPARE(request->dnsNames(), dnsNames);
    const X509ExtensionStackPtr requested = request->requestedExtensions();
    QVERIFY(requested);
    QCOMPARE(extensionNames(requested), extensions);
    QCOMPARE(request->signatureValid(), signatureValid);
    // DER in, the same DER out: a value type keeps the bytes it was read from.
    const auto again = CertificateRequest::fromDer(request->der());
    QVERIFY(again.ok());
    QCOMPARE(again->der(), request->der());
    QCOMPARE(takeOpenSslErrors(), QString());
}

void CertificateRequestTest::readAllKeepsOrder()
{
    makeFixtures();
    const QByteArray pem = encodePem(u"CERTIFICATE REQUEST"_qs, m_requests.at(u"bare"_qs).der) +
                           test::makeIdentity().certificatePem +
                           encodePem(u"NEW CERTIFICATE REQUEST"_qs, m_requests.at(u"p256"_qs).der);
    const auto all = CertificateRequest::readAll(pem);
    QVERIFY2(all.ok(), qPrintable(all.errorMessage()));
    QCOMPARE(all->size(), 2);
    QCOMPARE(all->at(0).subject(), u"CN=bare.example"_qs);
    QCOMPARE(all->at(1).subject(), u"CN=request.example"_qs);
}

void CertificateRequestTest::parseErrors_data()
{
    makeFixtures();
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("messageStart");

    const QByteArray der = m_requests.at(u"p256"_qs).der;
    QTest::newRow("empty") << QByteArray() << u"not a DER PKCS#10 certificate request"_qs;
    QTest::newRow("truncated DER")
        << der.chopped(10) << u"not a DER PKCS#10 certificate request"_qs;
    QTest::newRow("trailing byte")
        << QByteArray(der + '\0') << u"1 unexpected bytes after the DER certificate request"_qs;
    QTest::newRow("a certificate")
        << test::makeIdentity().certificate.der() << u"not a DER PKCS#10 certificate request"_qs;
    QTest::newRow("PEM with only a certificate")
        << test::makeIdentity().certificatePem << u"no CERTIFICATE REQUEST block in this PEM"_qs;
    QTest::newRow("PEM, damaged DER")
        << encodePem(u"CERTIFICATE REQUEST"_qs, der.chopped(10))
        << u"PEM block 'CERTIFICATE REQUEST' at byte offset 0: not a DER PKCS#10 certificate "
           "request"_qs;
    QByteArray badBase64 = encodePem(u"CERTIFICATE REQUEST"_qs, der);
    badBase64[40] = '!';
    QTest::newRow("PEM, bad base64")
        << badBase64
        << u"PEM block 'CERTIFICATE REQUEST' at byte offset 0: the body is not valid base64"_qs;
}

void CertificateRequestTest::parseErrors()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, messageStart);

    const auto request = CertificateRequest::readFirst(input);
    QVERIFY(!request.ok());
    QVERIFY2(request.errorMessage().startsWith(messageStart), qPrintable(request.errorMessage()));
    QCOMPARE(takeOpenSslErrors(), QString());
}

void CertificateRequestTest::classifyDelegationUsage_data()
{
    QTest::addColumn<QString>("oid");
    QTest::addColumn<bool>("critical");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<DelegationUsage::Value>("expected");

    using V = DelegationUsage::Value;
    const QString du = QString::fromLatin1(kDelegationUsageOid);
    QTest::newRow("NULL") << du << false << QByteArray("\x05\x00", 2) << V::Null;
    QTest::newRow("NULL, critical") << du << true << QByteArray("\x05\x00", 2) << V::Null;
    QTest::newRow("empty extnValue") << du << false << QByteArray() << V::EmptyOctetString;
    QTest::newRow("empty OCTET STRING inside")
        << du << false << QByteArray("\x04\x00", 2) << V::EmptyOctetString;
    QTest::newRow("BOOLEAN TRUE") << du << false << QByteArray("\x01\x01\xff", 3) << V::Other;
    QTest::newRow("NULL with trailing byte")
        << du << false << QByteArray("\x05\x00\x00", 3) << V::Other;
    QTest::newRow("another OID") << u"2.5.29.15"_qs << false << QByteArray("\x05\x00", 2)
                                 << V::Absent;
    QTest::newRow("no extension") << QString() << false << QByteArray() << V::Absent;
}

void CertificateRequestTest::classifyDelegationUsage()
{
    QFETCH(QString, oid);
    QFETCH(bool, critical);
    QFETCH(QByteArray, value);
    QFETCH(DelegationUsage::Value, expected);

    if (oid.isEmpty()) {
        QCOMPARE(baton::classifyDelegationUsage(nullptr).value, expected);
        return;
    }
    const Asn1ObjectPtr object(OBJ_txt2obj(oid.toLatin1().constData(), 1));
    QVERIFY(object);
    OpenSslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> data(ASN1_OCTET_STRING_new());
    QVERIFY(ASN1_OCTET_STRING_set(
        data.get(), reinterpret_cast<const unsigned char *>(value.constData()), int(value.size())));
    const OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free> extension(
        X509_EXTENSION_create_by_OBJ(nullptr, object.get(), critical ? 1 : 0, data.get()));
    QVERIFY(extension);
    const DelegationUsage usage = baton::classifyDelegationUsage(extension.get());
    QCOMPARE(usage.value, expected);
    QCOMPARE(usage.critical, expected != DelegationUsage::Value::Absent && critical);
}

void CertificateRequestTest::agreesWithCertificate_data()
{
    QTest::addColumn<int>("delegation");
    QTest::newRow("NULL") << int(D::Null);
    QTest::newRow("critical NULL") << int(D::CriticalNull);
    QTest::newRow("empty OCTET STRING") << int(D::EmptyOctetString);
    QTest::newRow("absent") << int(D::Absent);
}

void CertificateRequestTest::agreesWithCertificate()
{
    // The request asks for exactly what the certificate carries, so both read the same.
    QFETCH(int, delegation);
    test::CertificateOptions certificateOptions;
    certificateOptions.delegation = D(delegation);
    test::RequestOptions requestOptions;
    requestOptions.delegation = D(delegation);
    const test::TestIdentity identity = test::makeIdentity(certificateOptions);
    const auto request = CertificateRequest::fromDer(test::makeRequest(requestOptions).der);
    QVERIFY(request.ok());
    const DelegationUsage fromCertificate = identity.certificate.delegationUsage();
    const DelegationUsage fromRequest = request->delegationUsageRequested();
    QCOMPARE(fromRequest.value, fromCertificate.value);
    QCOMPARE(fromRequest.critical, fromCertificate.critical);
}

QTEST_GUILESS_MAIN(CertificateRequestTest)
#include "tst_certificate_request.moc"
