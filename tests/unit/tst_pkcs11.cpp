// Certificate keys on a PKCS#11 token (SoftHSM2, made in a temporary directory): DCs signed on
// the token verify under the certificate, the key never leaves the token, and every way of
// naming the wrong key, or giving the wrong PIN, is refused with a message that says so.

#include "SoftHsm.h"
#include "TestPki.h"
#include "dc/DcIssuer.h"
#include "dc/DcVerifier.h"
#include "pkcs11/Pkcs11Error.h"
#include "pkcs11/Pkcs11Uri.h"
#include "pkcs11/TokenKey.h"
#include "tls/SignatureScheme.h"

#include <QTest>
#include <map>

using namespace baton;
using namespace baton::test;

namespace {

const QString kToken = QStringLiteral("baton-test");
// Empty, beside kToken: a URI without token= then matches two tokens.
const QString kOtherToken = QStringLiteral("other-token");
const QDateTime kNow = utc(2026, 6, 1, 12);

struct TokenKeySpec
{
    const char *label;
    const char *algorithm;
    const char *id; ///< hex
};

// "alone" keeps no public key object: its public half comes from the certificate.
constexpr TokenKeySpec kKeys[] = {
    {"p256", "ecdsa-p256", "01"}, {"p384", "ecdsa-p384", "02"}, {"p521", "ecdsa-p521", "03"},
    {"ed25519", "ed25519", "04"}, {"rsa", "rsa-2048", "05"},    {"alone", "ecdsa-p256", "06"},
    {"twin", "ecdsa-p256", "07"}, {"twin", "ecdsa-p256", "08"},
};

TokenKey::PinSource pinOf(const QByteArray &pin)
{
    return [pin](const QString &) {
        return Result<SecretBytes>(SecretBytes(pin));
    };
}

} // namespace

class Pkcs11Test : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void tokenSignedDcVerifies_data();
    void tokenSignedDcVerifies();
    void keyNeverLeavesToken_data();
    void keyNeverLeavesToken();
    void refused_data();
    void refused();
    void pinAskedOnceWithTokenLabel();
    void keyOfAnotherCertificate_data();
    void keyOfAnotherCertificate();
    void uriSyntax_data();
    void uriSyntax();
    void returnCodeNames_data();
    void returnCodeNames();

private:
    std::unique_ptr<SoftHsm> m_softHsm;
    std::optional<TestIdentity> m_ca;
    std::map<QString, TestIdentity> m_certificates; ///< by key label
};

void Pkcs11Test::initTestCase()
{
    if (SoftHsm::modulePath().isEmpty())
        QSKIP("softhsm2 is not installed (packaging/install-deps.sh installs it)");
    auto started = SoftHsm::start();
    QVERIFY2(started, qPrintable(started.errorMessage()));
    m_softHsm = std::move(started).value();
    QVERIFY2(m_softHsm->createToken(kToken), "C_InitToken");
    QVERIFY2(m_softHsm->createToken(kOtherToken), "C_InitToken");
    CertificateOptions caOptions;
    caOptions.commonName = u"Token Test CA"_qs;
    caOptions.ca = true;
    caOptions.delegation = CertificateOptions::Delegation::Absent;
    m_ca = makeIdentity(caOptions);
    for (const TokenKeySpec &spec : kKeys) {
        const QString label = QLatin1String(spec.label);
        const Status generated = m_softHsm->generateKeyPair(kToken, QLatin1String(spec.algorithm),
                                                            label, QByteArray::fromHex(spec.id));
        QVERIFY2(generated, qPrintable(label + u": "_qs + generated.errorMessage()));
        if (label == u"twin"_qs)
            continue;
        // The certificate a CA would issue for the token's public key.
        auto key = TokenKey::open(SoftHsm::uri(kToken, label), pinOf(SoftHsm::userPin()));
        QVERIFY2(key, qPrintable(key.errorMessage()));
        m_certificates.emplace(label, makeIdentityForKey(key->publicKey(), *m_ca));
    }
    QVERIFY(m_softHsm->removePublicKey(kToken, u"alone"_qs));
}

void Pkcs11Test::tokenSignedDcVerifies_data()
{
    QTest::addColumn<QString>("label");
    QTest::addColumn<QString>("uri");
    QTest::addColumn<quint16>("algorithm");
    const auto row = [](const char *name, const QString &label, quint16 algorithm,
                        const QString &uri = {}) {
        QTest::newRow(name) << label << (uri.isEmpty() ? SoftHsm::uri(kToken, label) : uri)
                            << algorithm;
    };
    row("P-256, CKM_ECDSA", u"p256"_qs, 0x0403);
    row("P-384, CKM_ECDSA", u"p384"_qs, 0x0503);
    row("P-521, CKM_ECDSA", u"p521"_qs, 0x0603);
    row("Ed25519, CKM_EDDSA", u"ed25519"_qs, 0x0807);
    // An rsaEncryption certificate (what CAs issue for an RSA key) signs its DCs with
    // rsa_pss_rsae_sha256: CKM_RSA_PKCS_PSS.
    row("RSA 2048, CKM_RSA_PKCS_PSS", u"rsa"_qs, 0x0804);
    row("private key alone, public half from the certificate", u"alone"_qs, 0x0403);
    row("named by id", u"p384"_qs, 0x0503,
        u"pkcs11:token=baton-test;id=%02?module-path="_qs + SoftHsm::modulePath());
    // Without module-path: the module comes from p11-kit's registry (Debian registers softhsm2).
    row("p11-kit registry, module-name", u"p256"_qs, 0x0403,
        u"pkcs11:token=baton-test;object=p256;type=private?module-name=softhsm2"_qs);
}

void Pkcs11Test::tokenSignedDcVerifies()
{
    QFETCH(QString, label);
    QFETCH(QString, uri);
    QFETCH(quint16, algorithm);
    const TestIdentity &identity = m_certificates.at(label);
    auto key = TokenKey::open(uri, pinOf(SoftHsm::userPin()), identity.certificate.publicKey());
    QVERIFY2(key, qPrintable(key.errorMessage()));
    auto issued = issueDelegatedCredential(
        {.certificate = identity.certificate, .certificateSigner = &*key, .now = kNow});
    QVERIFY2(issued, qPrintable(issued.errorMessage()));
    QCOMPARE(issued->credential.algorithm, algorithm);
    const DcVerification report = verifyDelegatedCredential(identity.certificate, issued->bytes,
                                                            DcRole::Server, kNow.addSecs(60));
    QVERIFY2(report.valid(), qPrintable(describeChecks(report.checks)));
    // ECDSA and RSA-PSS signatures are randomized, so a second DC differs; Ed25519's is
    // deterministic, so the same DC key signed twice gives the same bytes.
    auto again = issueDelegatedCredential({.certificate = identity.certificate,
                                           .certificateSigner = &*key,
                                           .dcKey = issued->generatedKey.get(),
                                           .now = kNow});
    QVERIFY2(again, qPrintable(again.errorMessage()));
    QCOMPARE(again->bytes == issued->bytes, algorithm == 0x0807);
}

void Pkcs11Test::keyNeverLeavesToken_data()
{
    QTest::addColumn<QString>("label");
    QTest::addColumn<unsigned long>("attribute");
    QTest::addColumn<bool>("expected");
    for (const char *label : {"p256", "p384", "ed25519", "rsa"}) {
        const QString name = QLatin1String(label);
        QTest::addRow("%s: CKA_EXTRACTABLE", label) << name << CKA_EXTRACTABLE << false;
        QTest::addRow("%s: CKA_SENSITIVE", label) << name << CKA_SENSITIVE << true;
        // Set by the token itself: true only for a key that was never outside it.
        QTest::addRow("%s: CKA_NEVER_EXTRACTABLE", label) << name << CKA_NEVER_EXTRACTABLE << true;
        QTest::addRow("%s: CKA_ALWAYS_SENSITIVE", label) << name << CKA_ALWAYS_SENSITIVE << true;
    }
}

void Pkcs11Test::keyNeverLeavesToken()
{
    QFETCH(QString, label);
    QFETCH(unsigned long, attribute);
    QFETCH(bool, expected);
    auto flag = m_softHsm->privateKeyFlag(kToken, label, attribute);
    QVERIFY2(flag, qPrintable(flag.errorMessage()));
    QCOMPARE(*flag, expected);
}

void Pkcs11Test::refused_data()
{
    QTest::addColumn<QString>("uri");
    QTest::addColumn<QByteArray>("pin");
    QTest::addColumn<QStringList>("expected"); ///< all in the message
    const QString module = u"?module-path="_qs + SoftHsm::modulePath();
    const QByteArray pin = SoftHsm::userPin();
    QTest::newRow("wrong PIN") << SoftHsm::uri(kToken, u"p256"_qs) << QByteArray("not-the-pin")
                               << QStringList{u"token 'baton-test'"_qs, u"CKR_PIN_INCORRECT"_qs};
    QTest::newRow("no such object")
        << SoftHsm::uri(kToken, u"absent"_qs) << pin
        << QStringList{u"no private key matches"_qs, u"'p256' (id 01)"_qs, u"'rsa' (id 05)"_qs};
    QTest::newRow("several objects")
        << SoftHsm::uri(kToken, u"twin"_qs) << pin
        << QStringList{u"2 private keys match"_qs, u"'twin' (id 07)"_qs, u"'twin' (id 08)"_qs,
                       u"add id="_qs};
    QTest::newRow("several tokens")
        << u"pkcs11:object=p256"_qs + module << pin
        << QStringList{u"matches 2 tokens: 'baton-test' (serial "_qs, u"'other-token' (serial "_qs,
                       u"add token= or serial="_qs};
    QTest::newRow("no such token") << SoftHsm::uri(u"elsewhere"_qs, u"p256"_qs) << pin
                                   << QStringList{u"no token matches it (tokens present: "_qs,
                                                  u"'baton-test'"_qs, u"'other-token'"_qs};
    QTest::newRow("no such module")
        << u"pkcs11:token=baton-test;object=p256?module-path=/nonexistent/libnone.so"_qs << pin
        << QStringList{u"cannot load the PKCS#11 module /nonexistent/libnone.so"_qs};
    QTest::newRow("no such registry module")
        << u"pkcs11:token=baton-test;object=p256?module-name=nonesuch"_qs << pin
        << QStringList{u"p11-kit has no module named nonesuch"_qs, u"softhsm2"_qs};
    QTest::newRow("PIN in the URI (pin-value)")
        << u"pkcs11:token=baton-test;object=p256?pin-value=1234-secret"_qs << pin
        << QStringList{u"carries a PIN (pin-value)"_qs, u"--pin"_qs};
    QTest::newRow("PIN source in the URI (pin-source)")
        << u"pkcs11:token=baton-test;object=p256?pin-source=file:/tmp/pin"_qs << pin
        << QStringList{u"names a PIN source (pin-source)"_qs};
    QTest::newRow("a certificate, not a key")
        << u"pkcs11:token=baton-test;object=p256;type=cert"_qs + module << pin
        << QStringList{u"use type=private"_qs};
}

void Pkcs11Test::refused()
{
    QFETCH(QString, uri);
    QFETCH(QByteArray, pin);
    QFETCH(QStringList, expected);
    auto key = TokenKey::open(uri, pinOf(pin));
    QVERIFY(!key);
    for (const QString &part : expected)
        QVERIFY2(key.errorMessage().contains(part), qPrintable(key.errorMessage()));
    // No secret is repeated: neither the PIN tried nor one written into the URI.
    QVERIFY2(!key.errorMessage().contains(QString::fromLatin1(pin)),
             qPrintable(key.errorMessage()));
    QVERIFY2(!key.errorMessage().contains(u"secret"_qs), qPrintable(key.errorMessage()));
}

void Pkcs11Test::pinAskedOnceWithTokenLabel()
{
    QStringList asked;
    auto key = TokenKey::open(SoftHsm::uri(kToken, u"p384"_qs), [&](const QString &token) {
        asked << token;
        return Result<SecretBytes>(SecretBytes(SoftHsm::userPin()));
    });
    QVERIFY2(key, qPrintable(key.errorMessage()));
    QCOMPARE(asked, QStringList{kToken});
    QCOMPARE(key->description(), u"key 'p384' (id 02) on token 'baton-test'"_qs);
    // Nothing to sign with, nothing asked: a refusal before the token is known asks no PIN.
    asked.clear();
    QVERIFY(!TokenKey::open(SoftHsm::uri(u"elsewhere"_qs, u"p384"_qs), [&](const QString &token) {
        asked << token;
        return Result<SecretBytes>(SecretBytes(SoftHsm::userPin()));
    }));
    QVERIFY(asked.isEmpty());
}

void Pkcs11Test::keyOfAnotherCertificate_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("expected");
    // The token's public key object says whose key it is: refused before anything is signed.
    QTest::newRow("public key object differs")
        << u"p384"_qs << u"p256"_qs << u"the private key does not belong to the certificate"_qs;
    // No public key object: the certificate's key is assumed, and the signature, checked
    // under it, gives the key away.
    QTest::newRow("no public key object")
        << u"alone"_qs << u"p256"_qs << u"does not verify under its public key"_qs;
}

void Pkcs11Test::keyOfAnotherCertificate()
{
    QFETCH(QString, key);
    QFETCH(QString, certificate);
    QFETCH(QString, expected);
    const TestIdentity &identity = m_certificates.at(certificate);
    auto tokenKey = TokenKey::open(SoftHsm::uri(kToken, key), pinOf(SoftHsm::userPin()),
                                   identity.certificate.publicKey());
    QVERIFY2(tokenKey, qPrintable(tokenKey.errorMessage()));
    auto issued = issueDelegatedCredential(
        {.certificate = identity.certificate, .certificateSigner = &*tokenKey, .now = kNow});
    QVERIFY(!issued);
    QVERIFY2(issued.errorMessage().contains(expected), qPrintable(issued.errorMessage()));
}

void Pkcs11Test::uriSyntax_data()
{
    QTest::addColumn<QString>("uri");
    QTest::addColumn<QString>("expected"); ///< empty: parses
    QTest::addColumn<bool>("quoted");      ///< the error repeats the URI
    QTest::newRow("token and object")
        << u"pkcs11:token=edge-ca;object=example-com"_qs << QString() << false;
    QTest::newRow("escaped") << u"pkcs11:token=edge%20ca;object=a%2Fb;id=%01%02"_qs << QString()
                             << false;
    QTest::newRow("module-path") << u"pkcs11:object=k?module-path=/usr/lib/x.so"_qs << QString()
                                 << false;
    // What the parser cannot take apart may hold anything: it is never repeated.
    QTest::newRow("not pkcs11") << u"file:key.pem"_qs << u"does not start with pkcs11:"_qs << false;
    QTest::newRow("bad escape") << u"pkcs11:object=%zz"_qs << u"bad %-escape"_qs << false;
    QTest::newRow("unknown attribute")
        << u"pkcs11:colour=blue"_qs << u"an attribute p11-kit does not know"_qs << true;
    QTest::newRow("too long") << u"pkcs11:object="_qs + QString(5000, u'a')
                              << u"at most 4096 are accepted"_qs << false;
    QTest::newRow("pin-value, any case")
        << u"pkcs11:object=k?PIN-VALUE=x"_qs << u"carries a PIN (pin-value)"_qs << false;
    QTest::newRow("pin-value, %-escaped")
        << u"pkcs11:object=k?pin%2dvalue=x"_qs << u"carries a PIN (pin-value)"_qs << false;
}

void Pkcs11Test::uriSyntax()
{
    QFETCH(QString, uri);
    QFETCH(QString, expected);
    QFETCH(bool, quoted);
    auto parsed = Pkcs11Uri::parse(uri);
    QCOMPARE(parsed.ok(), expected.isEmpty());
    if (expected.isEmpty())
        return;
    QVERIFY2(parsed.errorMessage().contains(expected), qPrintable(parsed.errorMessage()));
    QCOMPARE(parsed.errorMessage().contains(uri), quoted);
}

void Pkcs11Test::returnCodeNames_data()
{
    QTest::addColumn<qulonglong>("rv");
    QTest::addColumn<QString>("name");
    QTest::newRow("CKR_OK") << qulonglong(CKR_OK) << u"CKR_OK"_qs;
    QTest::newRow("CKR_PIN_INCORRECT") << qulonglong(CKR_PIN_INCORRECT) << u"CKR_PIN_INCORRECT"_qs;
    QTest::newRow("CKR_PIN_LOCKED") << qulonglong(CKR_PIN_LOCKED) << u"CKR_PIN_LOCKED"_qs;
    QTest::newRow("CKR_FUNCTION_REJECTED (PKCS#11 3.0)")
        << qulonglong(CKR_FUNCTION_REJECTED) << u"CKR_FUNCTION_REJECTED"_qs;
    QTest::newRow("vendor-defined")
        << qulonglong(CKR_VENDOR_DEFINED | 0x2a) << u"CKR_0x8000002a"_qs;
}

void Pkcs11Test::returnCodeNames()
{
    QFETCH(qulonglong, rv);
    QFETCH(QString, name);
    QCOMPARE(ckrName(CK_RV(rv)), name);
    const Error error = pkcs11Error(u"signing"_qs, CK_RV(rv));
    QVERIFY2(error.message.startsWith(u"signing: "_qs + name + u" ("_qs),
             qPrintable(error.message));
}

QTEST_GUILESS_MAIN(Pkcs11Test)
#include "tst_pkcs11.moc"
