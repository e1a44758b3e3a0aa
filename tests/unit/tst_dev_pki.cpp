// The dev PKI: a local CA whose leaves can delegate, CSRs that ask a CA for DelegationUsage,
// and encrypted key files.

#include "TestPki.h"
#include "dc/DcIssuer.h"
#include "dc/DcReadiness.h"
#include "pki/DevPki.h"
#include "x509/CertificateBuilder.h"

#include <QTest>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

using namespace baton;
using namespace baton::test;

namespace {

const QDateTime kNow = utc(2026, 6, 1, 12);

struct ExtensionFacts
{
    bool present = false;
    bool critical = false;
    QByteArray value;
};

ExtensionFacts extensionIn(const STACK_OF(X509_EXTENSION) * extensions, const char *oid)
{
    const Asn1ObjectPtr object(OBJ_txt2obj(oid, 1));
    const int index = X509v3_get_ext_by_OBJ(extensions, object.get(), -1);
    if (index < 0)
        return {};
    X509_EXTENSION *extension = X509v3_get_ext(extensions, index);
    const ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(extension);
    return {true, X509_EXTENSION_get_critical(extension) == 1,
            QByteArray(reinterpret_cast<const char *>(ASN1_STRING_get0_data(data)),
                       ASN1_STRING_length(data))};
}

ExtensionFacts extensionIn(const Certificate &certificate, const char *oid)
{
    return extensionIn(X509_get0_extensions(certificate.handle()), oid);
}

} // namespace

class DevPkiTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void ca_data();
    void ca();
    void leaf_data();
    void leaf();
    void leafNeverOutlivesItsCa();
    void leafRefusals_data();
    void leafRefusals();
    void request_data();
    void request();
    void encryptedKey();

private:
    std::optional<CertificateAndKey> m_ca;
};

void DevPkiTest::initTestCase()
{
    auto ca = createDevCa({.keySpec = nullptr, .days = 365, .now = kNow});
    QVERIFY2(ca, qPrintable(ca.errorMessage()));
    m_ca = std::move(ca).value();
}

void DevPkiTest::ca_data()
{
    QTest::addColumn<QString>("keyAlg");
    QTest::addColumn<int>("signatureNid");
    QTest::newRow("ecdsa-p256") << u"ecdsa-p256"_qs << int(NID_ecdsa_with_SHA256);
    QTest::newRow("ecdsa-p384") << u"ecdsa-p384"_qs << int(NID_ecdsa_with_SHA384);
    QTest::newRow("ecdsa-p521") << u"ecdsa-p521"_qs << int(NID_ecdsa_with_SHA512);
    QTest::newRow("ed25519") << u"ed25519"_qs << int(NID_ED25519);
    QTest::newRow("rsa-2048") << u"rsa-2048"_qs << int(NID_sha256WithRSAEncryption);
}

void DevPkiTest::ca()
{
    QFETCH(QString, keyAlg);
    QFETCH(int, signatureNid);
    auto ca = createDevCa({.keySpec = certificateKeySpecByName(keyAlg),
                           .days = 3650,
                           .commonName = u"Test Root"_qs,
                           .now = kNow});
    QVERIFY2(ca, qPrintable(ca.errorMessage()));
    const Certificate &certificate = ca->certificate;
    QCOMPARE(certificate.subject(), u"CN=Test Root"_qs);
    QVERIFY(certificate.isSelfIssued());
    QVERIFY(certificate.isCa());
    QCOMPARE(X509_verify(certificate.handle(), ca->key.get()), 1);
    QCOMPARE(X509_get_signature_nid(certificate.handle()), signatureNid);
    QCOMPARE(X509_get_key_usage(certificate.handle()), uint32_t(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    QCOMPARE(certificate.notBefore(), kNow.addSecs(-3600));
    QCOMPARE(certificate.notAfter(), kNow.addDays(3650));
    QVERIFY(samePublicKey(ca->key.get(), certificate.publicKey()));
    QVERIFY(!certificate.delegationUsage().present());
}

void DevPkiTest::leaf_data()
{
    QTest::addColumn<QString>("keyAlg");
    QTest::addColumn<bool>("client");
    QTest::addColumn<bool>("delegation");
    QTest::addColumn<QStringList>("ips");
    QTest::newRow("default") << u"ecdsa-p256"_qs << false << true << QStringList{};
    QTest::newRow("p384 with IPs")
        << u"ecdsa-p384"_qs << false << true << QStringList{u"127.0.0.1"_qs, u"::1"_qs};
    QTest::newRow("ed25519 client") << u"ed25519"_qs << true << true << QStringList{};
    QTest::newRow("rsa-2048") << u"rsa-2048"_qs << false << true << QStringList{};
    QTest::newRow("no delegation") << u"ecdsa-p256"_qs << false << false << QStringList{};
}

void DevPkiTest::leaf()
{
    QFETCH(QString, keyAlg);
    QFETCH(bool, client);
    QFETCH(bool, delegation);
    QFETCH(QStringList, ips);
    const QStringList dns{u"example.test"_qs, u"www.example.test"_qs};
    auto leaf = issueDevLeaf(m_ca->certificate, m_ca->key.get(),
                             {.dnsNames = dns,
                              .ipAddresses = ips,
                              .keySpec = certificateKeySpecByName(keyAlg),
                              .days = 30,
                              .client = client,
                              .delegation = delegation,
                              .now = kNow});
    QVERIFY2(leaf, qPrintable(leaf.errorMessage()));
    QVERIFY(leaf->notes.isEmpty());
    const Certificate &certificate = leaf->issued.certificate;
    QCOMPARE(certificate.subject(), u"CN=example.test"_qs);
    QCOMPARE(certificate.issuer(), m_ca->certificate.subject());
    QCOMPARE(certificate.dnsNames(), dns);
    QVERIFY(!certificate.isCa());
    QCOMPARE(X509_check_issued(m_ca->certificate.handle(), certificate.handle()), X509_V_OK);
    QCOMPARE(X509_verify(certificate.handle(), m_ca->certificate.publicKey()), 1);
    QCOMPARE(certificate.notAfter(), kNow.addDays(30));
    QVERIFY(samePublicKey(leaf->issued.key.get(), certificate.publicKey()));

    // KeyUsage: digitalSignature alone, critical.
    QCOMPARE(X509_get_key_usage(certificate.handle()), uint32_t(KU_DIGITAL_SIGNATURE));
    QVERIFY(extensionIn(certificate, "2.5.29.15").critical);
    const uint32_t eku = X509_get_extended_key_usage(certificate.handle());
    QCOMPARE(eku, client ? uint32_t(XKU_SSL_SERVER | XKU_SSL_CLIENT) : uint32_t(XKU_SSL_SERVER));

    // DelegationUsage exactly as RFC 9345 specifies, or absent on request.
    const ExtensionFacts usage = extensionIn(certificate, kDelegationUsageOid);
    QCOMPARE(usage.present, delegation);
    if (delegation) {
        QVERIFY(!usage.critical);
        QCOMPARE(usage.value, QByteArrayLiteral("\x05\x00"));
        QVERIFY(certificate.delegationUsage().conformant());
    }
    QCOMPARE(assessDcReadiness(certificate, kNow).ready(), delegation);

    // And it can delegate: a DC issued under it verifies.
    if (delegation) {
        auto dc = issueDelegatedCredential(
            {.certificate = certificate, .certificateKey = leaf->issued.key.get(), .now = kNow});
        QVERIFY2(dc, qPrintable(dc.errorMessage()));
    }
}

void DevPkiTest::leafNeverOutlivesItsCa()
{
    auto shortCa = createDevCa({.keySpec = nullptr, .days = 10, .now = kNow});
    QVERIFY(shortCa);
    auto leaf =
        issueDevLeaf(shortCa->certificate, shortCa->key.get(),
                     {.dnsNames = {u"a.test"_qs}, .ipAddresses = {}, .days = 90, .now = kNow});
    QVERIFY2(leaf, qPrintable(leaf.errorMessage()));
    QCOMPARE(leaf->issued.certificate.notAfter(), shortCa->certificate.notAfter());
    QCOMPARE(leaf->notes.size(), 1);
    QVERIFY(leaf->notes.first().contains(u"shortened"_qs));
}

void DevPkiTest::leafRefusals_data()
{
    QTest::addColumn<QString>("refusal");
    QTest::addColumn<QString>("message");
    QTest::newRow("no DNS name") << u"no-dns"_qs << u"at least one DNS name"_qs;
    QTest::newRow("issuer is not a CA") << u"not-ca"_qs << u"not a CA"_qs;
    QTest::newRow("key of another CA") << u"wrong-key"_qs << u"does not belong"_qs;
    QTest::newRow("CA expired") << u"expired"_qs << u"not valid now"_qs;
    QTest::newRow("bad IP address") << u"bad-ip"_qs << u"subjectAltName"_qs;
}

void DevPkiTest::leafRefusals()
{
    QFETCH(QString, refusal);
    QFETCH(QString, message);
    const TestIdentity notCa = makeIdentity();
    const EvpPkeyPtr otherKey = makeKey(u"ecdsa-p256"_qs);
    DevLeafOptions options{.dnsNames = {u"a.test"_qs}, .ipAddresses = {}, .now = kNow};
    const Certificate *issuer = &m_ca->certificate;
    EVP_PKEY *issuerKey = m_ca->key.get();
    if (refusal == u"no-dns"_qs)
        options.dnsNames.clear();
    else if (refusal == u"not-ca"_qs)
        issuer = &notCa.certificate, issuerKey = notCa.key.get();
    else if (refusal == u"wrong-key"_qs)
        issuerKey = otherKey.get();
    else if (refusal == u"expired"_qs)
        options.now = kNow.addDays(400);
    else
        options.ipAddresses = {u"300.1.2.3"_qs};
    auto leaf = issueDevLeaf(*issuer, issuerKey, options);
    QVERIFY(!leaf);
    QVERIFY2(leaf.errorMessage().contains(message), qPrintable(leaf.errorMessage()));
}

void DevPkiTest::request_data()
{
    QTest::addColumn<QString>("subject");
    QTest::addColumn<bool>("delegation");
    QTest::addColumn<QString>("expectedSubject");
    QTest::newRow("default subject") << QString() << true << u"CN=example.test"_qs;
    QTest::newRow("comma form") << u"CN=example.test,O=Example\\, Inc."_qs << true
                                << u"O=Example\\, Inc.,CN=example.test"_qs;
    QTest::newRow("slash form") << u"/C=DE/O=Example/CN=example.test"_qs << true
                                << u"CN=example.test,O=Example,C=DE"_qs;
    QTest::newRow("without delegation") << QString() << false << u"CN=example.test"_qs;
}

void DevPkiTest::request()
{
    QFETCH(QString, subject);
    QFETCH(bool, delegation);
    QFETCH(QString, expectedSubject);
    auto request = createDelegationRequest({.dnsNames = {u"example.test"_qs},
                                            .ipAddresses = {},
                                            .subject = subject,
                                            .delegation = delegation});
    QVERIFY2(request, qPrintable(request.errorMessage()));
    const auto *cursor = reinterpret_cast<const unsigned char *>(request->der.constData());
    OpenSslPtr<X509_REQ, X509_REQ_free> parsed(
        d2i_X509_REQ(nullptr, &cursor, long(request->der.size())));
    QVERIFY(parsed);
    QCOMPARE(X509_REQ_verify(parsed.get(), request->key.get()), 1);
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), X509_REQ_get_subject_name(parsed.get()), 0, XN_FLAG_RFC2253);
    char *text = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &text);
    QCOMPARE(QString::fromUtf8(text, length), expectedSubject);

    STACK_OF(X509_EXTENSION) *extensions = X509_REQ_get_extensions(parsed.get());
    const ExtensionFacts usage = extensionIn(extensions, kDelegationUsageOid);
    const ExtensionFacts keyUsage = extensionIn(extensions, "2.5.29.15");
    const ExtensionFacts san = extensionIn(extensions, "2.5.29.17");
    sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
    QCOMPARE(usage.present, delegation);
    if (delegation) {
        QVERIFY(!usage.critical);
        QCOMPARE(usage.value, QByteArrayLiteral("\x05\x00"));
    }
    QVERIFY(keyUsage.present && keyUsage.critical);
    QCOMPARE(keyUsage.value, QByteArrayLiteral("\x03\x02\x07\x80")); // digitalSignature only
    QVERIFY(san.present);
}

void DevPkiTest::encryptedKey()
{
    const EvpPkeyPtr key = makeKey(u"ecdsa-p256"_qs);
    auto pem = encodeEncryptedPrivateKeyPem(key.get(), "correct horse");
    QVERIFY(pem);
    QVERIFY(pem->startsWith(pemBeginLine(QStringLiteral("ENCRYPTED PRIVATE KEY")) + '\n'));
    QVERIFY(isEncryptedPrivateKey(*pem));
    auto decrypted = decodePrivateKey(*pem, QByteArray("correct horse"));
    QVERIFY2(decrypted, qPrintable(decrypted.errorMessage()));
    QVERIFY(samePublicKey(decrypted->get(), key.get()));
    auto wrong = decodePrivateKey(*pem, QByteArray("battery staple"));
    QVERIFY(!wrong);
    QVERIFY(wrong.errorMessage().contains(u"wrong passphrase"_qs));

    // PBES2 with PBKDF2-HMAC-SHA256 at the promised work factor.
    const QByteArray der =
        QByteArray::fromBase64(pem->split('\n').mid(1, pem->count('\n') - 2).join());
    const auto *cursor = reinterpret_cast<const unsigned char *>(der.constData());
    OpenSslPtr<X509_SIG, X509_SIG_free> sig(d2i_X509_SIG(nullptr, &cursor, long(der.size())));
    QVERIFY(sig);
    const X509_ALGOR *algorithm = nullptr;
    X509_SIG_get0(sig.get(), &algorithm, nullptr);
    QCOMPARE(OBJ_obj2nid(algorithm->algorithm), NID_pbes2);
    OpenSslPtr<PBE2PARAM, PBE2PARAM_free> pbes2(static_cast<PBE2PARAM *>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), algorithm->parameter)));
    QVERIFY(pbes2);
    QCOMPARE(OBJ_obj2nid(pbes2->keyfunc->algorithm), NID_id_pbkdf2);
    QCOMPARE(OBJ_obj2nid(pbes2->encryption->algorithm), NID_aes_256_cbc);
    OpenSslPtr<PBKDF2PARAM, PBKDF2PARAM_free> kdf(static_cast<PBKDF2PARAM *>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbes2->keyfunc->parameter)));
    QVERIFY(kdf);
    QCOMPARE(ASN1_INTEGER_get(kdf->iter), long(kPbkdf2Iterations));
    QCOMPARE(OBJ_obj2nid(kdf->prf->algorithm), NID_hmacWithSHA256);
}

QTEST_GUILESS_MAIN(DevPkiTest)
#include "tst_dev_pki.moc"
