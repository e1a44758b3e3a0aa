// Unit tests for the importer's hardening (issue 13): every key-derivation cost a file asks
// for (PKCS#12 MAC, encrypted contents and key bags, PKCS#8 EncryptedPrivateKeyInfo) is read
// from the ASN.1 and refused above KdfLimits.h's limits before any KDF runs and before anyone
// is asked for a passphrase; traditional encrypted PEM of every key type opens; a CRL gets the
// same answer in DER and PEM; keys that cannot sign DCs are named and said so once.

#include "KdfBombs.h"
#include "TestPki.h"
#include "common/Pem.h"
#include "crypto/KdfLimits.h"
#include "crypto/KeyCodec.h"
#include "dc/DcReadiness.h"
#include "dc/DcVerifier.h"
#include "import/Importer.h"
#include "x509/CertificateBuilder.h"
#include "x509/ChainBuilder.h"

#include <QElapsedTimer>
#include <QTest>
#include <cstring>
#include <openssl/dsa.h>
#include <optional>

using namespace baton;
using namespace baton::test;

namespace {

const QByteArray kPassphrase = QByteArrayLiteral("s3cret");

/// Just above the limit: without the limit each of these costs seconds per KDF run, so a
/// build without it fails on the message, slowly but without hanging.
constexpr quint64 kAbove = quint64(kMaxKdfIterations) + 1;
/// What the issue measured as a 30-minute MAC check: refused at once.
constexpr quint64 kHuge = 0x7fffffff;

QString iterationsRefused(const QString &scheme, quint64 count)
{
    return QStringLiteral("%1: %2 iterations, more than Baton's limit of %3 (real files use 2048 "
                          "to 600000); refused before deriving any key")
        .arg(scheme)
        .arg(count)
        .arg(kMaxKdfIterations);
}

const QString kPbkdf2 = QStringLiteral("PBES2 with PBKDF2");
const QString kPkcs12Pbe = QStringLiteral("pbeWithSHA1And3-KeyTripleDES-CBC");
/// scrypt with N=2^25, r=8, p=1: 4 GiB and twice the work limit.
constexpr quint64 kScryptN = quint64(1) << 25;
const QString kScryptRefused =
    QStringLiteral("scrypt N=33554432, r=8, p=1 is more work (N*r*p) than Baton's limit of "
                   "16777216; refused before deriving any key");

/// A key of an OpenSSL kind: "RSA", "EC" (P-256), "DSA" (2048 bits), "X25519", or an EC
/// curve name such as "secp256k1".
EvpPkeyPtr keyOfKind(const char *kind)
{
    EVP_PKEY *key = nullptr;
    if (std::strcmp(kind, "DSA") == 0) {
        // DSA needs domain parameters first; 2048/224 as OpenSSL's default.
        EvpPkeyCtxPtr paramCtx(EVP_PKEY_CTX_new_from_name(nullptr, "DSA", nullptr));
        EVP_PKEY *raw = nullptr;
        if (!paramCtx || EVP_PKEY_paramgen_init(paramCtx.get()) <= 0 ||
            EVP_PKEY_CTX_set_dsa_paramgen_bits(paramCtx.get(), 2048) <= 0 ||
            EVP_PKEY_paramgen(paramCtx.get(), &raw) <= 0)
            qFatal("DSA parameters: %s", qPrintable(takeOpenSslErrors()));
        const EvpPkeyPtr parameters(raw);
        EvpPkeyCtxPtr keyCtx(EVP_PKEY_CTX_new_from_pkey(nullptr, parameters.get(), nullptr));
        if (!keyCtx || EVP_PKEY_keygen_init(keyCtx.get()) <= 0 ||
            EVP_PKEY_generate(keyCtx.get(), &key) <= 0)
            qFatal("DSA key: %s", qPrintable(takeOpenSslErrors()));
    } else if (std::strcmp(kind, "RSA") == 0) {
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(2048));
    } else if (std::strcmp(kind, "EC") == 0) {
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    } else if (std::strcmp(kind, "X25519") == 0) {
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
    } else {
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", kind);
    }
    if (!key)
        qFatal("%s key: %s", kind, qPrintable(takeOpenSslErrors()));
    return EvpPkeyPtr(key);
}

/// A new key of `kind` as traditional (type-specific) PEM, encrypted the RFC 1421 way:
/// "Proc-Type: 4,ENCRYPTED" and "DEK-Info: AES-128-CBC,…", as `openssl rsa -aes128` writes.
QByteArray encryptTraditionally(const char *kind)
{
    const EvpPkeyPtr key = keyOfKind(kind);
    EncoderCtxPtr ctx(OSSL_ENCODER_CTX_new_for_pkey(key.get(), OSSL_KEYMGMT_SELECT_KEYPAIR, "PEM",
                                                    "type-specific", nullptr));
    unsigned char *data = nullptr;
    size_t length = 0;
    if (!ctx || !OSSL_ENCODER_CTX_set_cipher(ctx.get(), "AES-128-CBC", nullptr) ||
        !OSSL_ENCODER_CTX_set_passphrase(
            ctx.get(), reinterpret_cast<const unsigned char *>(kPassphrase.constData()),
            size_t(kPassphrase.size())) ||
        !OSSL_ENCODER_to_data(ctx.get(), &data, &length))
        qFatal("traditional PEM: %s", qPrintable(takeOpenSslErrors()));
    QByteArray pem(reinterpret_cast<const char *>(data), qsizetype(length));
    OPENSSL_free(data);
    return pem;
}

/// A CRL issued by `issuer`, revoking one serial number, in DER.
QByteArray crlDer(const TestIdentity &issuer)
{
    OpenSslPtr<X509_CRL, X509_CRL_free> crl(X509_CRL_new());
    OpenSslPtr<X509_REVOKED, X509_REVOKED_free> revoked(X509_REVOKED_new());
    OpenSslPtr<ASN1_INTEGER, ASN1_INTEGER_free> serial(ASN1_INTEGER_new());
    OpenSslPtr<ASN1_TIME, ASN1_TIME_free> when(ASN1_TIME_set(nullptr, 1780000000));
    if (!crl || !revoked || !serial || !when ||
        !X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) ||
        !X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.certificate.handle())) ||
        !X509_CRL_set1_lastUpdate(crl.get(), when.get()) ||
        !X509_CRL_set1_nextUpdate(crl.get(), when.get()) || !ASN1_INTEGER_set(serial.get(), 42) ||
        !X509_REVOKED_set_serialNumber(revoked.get(), serial.get()) ||
        !X509_REVOKED_set_revocationDate(revoked.get(), when.get()) ||
        !X509_CRL_add0_revoked(crl.get(), revoked.get()))
        qFatal("CRL: %s", qPrintable(takeOpenSslErrors()));
    revoked.release(); // owned by the CRL now
    if (!X509_CRL_sort(crl.get()) || !X509_CRL_sign(crl.get(), issuer.key.get(), EVP_sha256()))
        qFatal("CRL signature: %s", qPrintable(takeOpenSslErrors()));
    unsigned char *der = nullptr;
    const int length = i2d_X509_CRL(crl.get(), &der);
    if (length <= 0)
        qFatal("CRL encoding: %s", qPrintable(takeOpenSslErrors()));
    QByteArray out(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return out;
}

/// A certificate named `subject`, issued by `issuer` (self-signed when null), all with `key`:
/// cheap enough to make thousands.
Certificate issueWithKey(const QString &subject, const Certificate *issuer, EVP_PKEY *key, bool ca)
{
    CertificateBuilder builder;
    auto name = parseDistinguishedName(subject);
    if (!name)
        qFatal("%s", qPrintable(name.errorMessage()));
    builder.setSubject(name->get());
    if (issuer)
        builder.setIssuer(*issuer);
    builder.setValidity(utc(2026, 1, 1), utc(2027, 1, 1));
    builder.setPublicKey(key);
    builder.setRandomSerial();
    if (ca && !builder.addExtension(NID_basic_constraints, QStringLiteral("critical,CA:TRUE")))
        qFatal("basicConstraints");
    auto certificate = builder.sign(key);
    if (!certificate)
        qFatal("%s", qPrintable(certificate.errorMessage()));
    return std::move(certificate).value();
}

} // namespace

class ImportHardeningTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void kdfCostIsRefusedBeforeAnyPassphrase_data();
    void kdfCostIsRefusedBeforeAnyPassphrase();
    void decodePrivateKeyRefusesTheCostToo_data();
    void decodePrivateKeyRefusesTheCostToo();
    void withinTheLimitsOpens_data();
    void withinTheLimitsOpens();
    void traditionalEncryptedPem_data();
    void traditionalEncryptedPem();
    void crlIsTheSameInDerAndPem_data();
    void crlIsTheSameInDerAndPem();
    void keysThatCannotSignDcs_data();
    void keysThatCannotSignDcs();
    void chainBuildingStopsAtItsDepth();
    void chainBuildingOverThousandsOfCertificates();

private:
    /// Made once, also for the _data functions (which `-datatags` runs without initTestCase).
    const TestIdentity &identity()
    {
        if (!m_identity)
            m_identity = makeIdentity();
        return *m_identity;
    }
    std::optional<TestIdentity> m_identity;
};

void ImportHardeningTest::initTestCase()
{
    identity();
}

void ImportHardeningTest::kdfCostIsRefusedBeforeAnyPassphrase_data()
{
    const EVP_PKEY *key = identity().key.get();
    X509 *certificate = identity().certificate.handle();
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("error");

    const QString p12 = QStringLiteral("PKCS#12: ");
    QTest::newRow("PKCS#12 MAC, just above")
        << pkcs12WithMacIterations(key, certificate, kPassphrase, qint64(kAbove))
        << p12 + iterationsRefused(QStringLiteral("MAC"), kAbove);
    QTest::newRow("PKCS#12 MAC, 2^31-1")
        << pkcs12WithMacIterations(key, certificate, kPassphrase, qint64(kHuge))
        << p12 + iterationsRefused(QStringLiteral("MAC"), kHuge);
    QTest::newRow("PKCS#12 MAC, negative")
        << pkcs12WithMacIterations(key, certificate, kPassphrase, -5)
        << p12 + QStringLiteral("MAC: the iteration count is not a number from 1 to 10000000");
    QTest::newRow("PKCS#12 encrypted contents, PBKDF2")
        << pkcs12WithEncryptedContentsCost(key, certificate, kPassphrase,
                                           {BombPbe::Pbes2Pbkdf2, kAbove})
        << p12 + QStringLiteral("encrypted contents 1: ") + iterationsRefused(kPbkdf2, kAbove);
    QTest::newRow("PKCS#12 encrypted contents, PKCS#12 PBE")
        << pkcs12WithEncryptedContentsCost(key, certificate, kPassphrase,
                                           {BombPbe::Pkcs12Pbe, kAbove})
        << p12 + QStringLiteral("encrypted contents 1: ") + iterationsRefused(kPkcs12Pbe, kAbove);
    QTest::newRow("PKCS#12 encrypted contents, scrypt")
        << pkcs12WithEncryptedContentsCost(key, certificate, kPassphrase,
                                           {BombPbe::Pbes2Scrypt, kScryptN})
        << p12 + QStringLiteral("encrypted contents 1: ") + kScryptRefused;
    QTest::newRow("PKCS#12 key bag, PBKDF2")
        << pkcs12WithKeyBagCost(key, certificate, kPassphrase, {BombPbe::Pbes2Pbkdf2, kAbove})
        << p12 + QStringLiteral("private key 1: ") + iterationsRefused(kPbkdf2, kAbove);
    QTest::newRow("PKCS#12 key bag, PKCS#12 PBE, 2^31-1")
        << pkcs12WithKeyBagCost(key, certificate, kPassphrase, {BombPbe::Pkcs12Pbe, kHuge})
        << p12 + QStringLiteral("private key 1: ") + iterationsRefused(kPkcs12Pbe, kHuge);
    QTest::newRow("PKCS#12 key bag, scrypt")
        << pkcs12WithKeyBagCost(key, certificate, kPassphrase, {BombPbe::Pbes2Scrypt, kScryptN})
        << p12 + QStringLiteral("private key 1: ") + kScryptRefused;

    // Each within the limit, together not: the third key is refused before its KDF runs.
    QTest::newRow("PKCS#12, three key bags of 9 M iterations")
        << pkcs12WithKeyBagCost(key, certificate, kPassphrase, {BombPbe::Pbes2Pbkdf2, 9'000'000}, 3)
        << p12 + QStringLiteral("private key 3: the file's key derivations together ask for more "
                                "than Baton's limit of 20000000 iterations per file; refused "
                                "before deriving any more");

    const QString pemKey = QStringLiteral("PEM block 1 'ENCRYPTED PRIVATE KEY' at byte 0: "
                                          "encrypted private key (PKCS#8 "
                                          "EncryptedPrivateKeyInfo): ");
    const QString derKey = QStringLiteral("DER: encrypted private key (PKCS#8 "
                                          "EncryptedPrivateKeyInfo): ");
    QTest::newRow("PKCS#8 PEM, PBKDF2")
        << encryptedPkcs8WithCost(key, kPassphrase, {BombPbe::Pbes2Pbkdf2, kAbove}, true)
        << pemKey + iterationsRefused(kPbkdf2, kAbove);
    QTest::newRow("PKCS#8 PEM, PKCS#12 PBE")
        << encryptedPkcs8WithCost(key, kPassphrase, {BombPbe::Pkcs12Pbe, kAbove}, true)
        << pemKey + iterationsRefused(kPkcs12Pbe, kAbove);
    QTest::newRow("PKCS#8 PEM, scrypt")
        << encryptedPkcs8WithCost(key, kPassphrase, {BombPbe::Pbes2Scrypt, kScryptN}, true)
        << pemKey + kScryptRefused;
    QTest::newRow("PKCS#8 DER, PBKDF2")
        << encryptedPkcs8WithCost(key, kPassphrase, {BombPbe::Pbes2Pbkdf2, kAbove}, false)
        << derKey + iterationsRefused(kPbkdf2, kAbove);
    QTest::newRow("PKCS#8 DER, PBKDF2, 2^31-1")
        << encryptedPkcs8WithCost(key, kPassphrase, {BombPbe::Pbes2Pbkdf2, kHuge}, false)
        << derKey + iterationsRefused(kPbkdf2, kHuge);
}

void ImportHardeningTest::kdfCostIsRefusedBeforeAnyPassphrase()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, error);

    int asked = 0;
    const PassphraseProvider provider = [&](const QString &) -> std::optional<QByteArray> {
        ++asked;
        return kPassphrase;
    };
    QElapsedTimer timer;
    timer.start();
    const ImportResult result = importData(input, QStringLiteral("fixture"), provider);
    const qint64 elapsed = timer.elapsed();
    QStringList errors;
    for (const ImportedObject &object : result.objects) {
        if (!object.error.isEmpty())
            errors << object.error;
    }
    QVERIFY2(errors.contains(error), qPrintable(errors.join(QLatin1Char('\n')) + result.error));
    QVERIFY(result.error.isEmpty());
    QCOMPARE(asked, 0);
    // Refused from the ASN.1 alone: no KDF at the announced cost ran (one would take seconds).
    QVERIFY2(elapsed < 1000, qPrintable(QString::number(elapsed)));
    QCOMPARE(takeOpenSslErrors(), QString());
}

void ImportHardeningTest::decodePrivateKeyRefusesTheCostToo_data()
{
    const EVP_PKEY *key = identity().key.get();
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("error");
    const QString prefix =
        QStringLiteral("encrypted private key (PKCS#8 EncryptedPrivateKeyInfo): ");
    QTest::newRow("PEM, PBKDF2") << encryptedPkcs8WithCost(key, kPassphrase,
                                                           {BombPbe::Pbes2Pbkdf2, kAbove}, true)
                                 << prefix + iterationsRefused(kPbkdf2, kAbove);
    QTest::newRow("DER, scrypt") << encryptedPkcs8WithCost(key, kPassphrase,
                                                           {BombPbe::Pbes2Scrypt, kScryptN}, false)
                                 << prefix + kScryptRefused;
    // A non-standard label (Fizz's) carries the PKCS#8 body as it is.
    QByteArray fizz =
        encryptedPkcs8WithCost(key, kPassphrase, {BombPbe::Pbes2Pbkdf2, kAbove}, true);
    fizz.replace("ENCRYPTED PRIVATE KEY", "SERVER DC PRIVATE KEY");
    QTest::newRow("PEM with another label, PBKDF2")
        << fizz << prefix + iterationsRefused(kPbkdf2, kAbove);
}

void ImportHardeningTest::decodePrivateKeyRefusesTheCostToo()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, error);
    QCOMPARE(checkEncryptedPrivateKeyCost(input).errorMessage(), error);
    const auto decoded = decodePrivateKey(input, kPassphrase);
    QVERIFY(!decoded);
    QCOMPARE(decoded.errorMessage(), error);
    QCOMPARE(takeOpenSslErrors(), QString());
}

void ImportHardeningTest::withinTheLimitsOpens_data()
{
    const EVP_PKEY *key = identity().key.get();
    X509 *certificate = identity().certificate.handle();
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("keys");
    // The same builders with ordinary costs: the files are sound, and only the cost refused
    // the ones above.
    QTest::newRow("PKCS#12 MAC 2048")
        << pkcs12WithMacIterations(key, certificate, kPassphrase, 2048) << 1;
    QTest::newRow("PKCS#12 encrypted contents, PBKDF2 2048")
        << pkcs12WithEncryptedContentsCost(key, certificate, kPassphrase,
                                           {BombPbe::Pbes2Pbkdf2, 2048})
        << 1;
    QTest::newRow("PKCS#12 key bag, PKCS#12 PBE 2048")
        << pkcs12WithKeyBagCost(key, certificate, kPassphrase, {BombPbe::Pkcs12Pbe, 2048}) << 1;
    QTest::newRow("PKCS#8 PEM, PBKDF2 2048")
        << encryptedPkcs8WithCost(key, kPassphrase, {BombPbe::Pbes2Pbkdf2, 2048}, true) << 1;
    QTest::newRow("PKCS#8 DER, scrypt N=2^14")
        << encryptedPkcs8WithCost(key, kPassphrase, {BombPbe::Pbes2Scrypt, 1 << 14}, false) << 1;
}

void ImportHardeningTest::withinTheLimitsOpens()
{
    QFETCH(QByteArray, input);
    QFETCH(int, keys);
    const ImportResult result =
        importData(input, QStringLiteral("fixture"), [](const QString &) { return kPassphrase; });
    QStringList errors{result.error};
    int found = 0;
    for (const ImportedObject &object : result.objects) {
        errors << object.error;
        found += object.privateKey ? 1 : 0;
    }
    QVERIFY2(result.complete(), qPrintable(errors.join(QLatin1Char('\n'))));
    QCOMPARE(found, keys);
    QCOMPARE(takeOpenSslErrors(), QString());
}

void ImportHardeningTest::traditionalEncryptedPem_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QString>("expected");

    const QString wrong = QStringLiteral("wrong passphrase (or the key is damaged); passphrase "
                                         "needed");
    struct Kind
    {
        const char *name;
        QByteArray label;
        QString key;
    };
    const Kind kinds[] = {
        {"RSA", "RSA PRIVATE KEY", QStringLiteral("RSA (2048 bits)")},
        {"EC", "EC PRIVATE KEY", QStringLiteral("EC P-256 (256 bits)")},
        {"DSA", "DSA PRIVATE KEY", QStringLiteral("DSA (2048 bits)")},
    };
    for (const Kind &kind : kinds) {
        const QByteArray pem = encryptTraditionally(kind.name);
        QVERIFY2(pem.startsWith("-----BEGIN " + kind.label +
                                "-----\nProc-Type: 4,ENCRYPTED\n"
                                "DEK-Info: AES-128-CBC,"),
                 pem.constData());
        const QString location =
            QStringLiteral("PEM block 1 '%1' at byte 0").arg(QString::fromLatin1(kind.label));
        QTest::addRow("%s, right passphrase", kind.name)
            << pem << kPassphrase
            << QStringLiteral("%1: private key %2, encrypted").arg(location, kind.key);
        QTest::addRow("%s, wrong passphrase", kind.name)
            << pem << QByteArray("not it") << QStringLiteral("%1 ! %1: %2").arg(location, wrong);
    }
}

void ImportHardeningTest::traditionalEncryptedPem()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, answer);
    QFETCH(QString, expected);
    const ImportResult result =
        importData(input, QStringLiteral("fixture"), [&](const QString &) { return answer; });
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    QCOMPARE(result.objects.size(), 1);
    const ImportedObject &object = result.objects.first();
    QVERIFY(object.encrypted);
    const QString actual = object.error.isEmpty()
                               ? object.location + QStringLiteral(": ") + object.summary
                               : object.location + QStringLiteral(" ! ") + object.error;
    QCOMPARE(actual, expected);
    QCOMPARE(object.privateKey != nullptr, object.error.isEmpty());
    QCOMPARE(takeOpenSslErrors(), QString());
}

void ImportHardeningTest::crlIsTheSameInDerAndPem_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("location");
    const QByteArray der = crlDer(identity());
    QTest::newRow("DER") << der << QStringLiteral("DER");
    QTest::newRow("PEM") << encodePem(QStringLiteral("X509 CRL"), der)
                         << QStringLiteral("PEM block 1 'X509 CRL' at byte 0");
    QByteArray damaged = der;
    damaged.chop(1);
    QTest::newRow("PEM, damaged") << encodePem(QStringLiteral("X509 CRL"), damaged)
                                  << QStringLiteral("PEM block 1 'X509 CRL' at byte 0");
}

void ImportHardeningTest::crlIsTheSameInDerAndPem()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, location);
    const ImportResult result = importData(input, QStringLiteral("fixture"));
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    QCOMPARE(result.objects.size(), 1);
    const ImportedObject &object = result.objects.first();
    QCOMPARE(object.kind, ImportedKind::Unknown);
    QCOMPARE(object.location, location);
    if (QTest::currentDataTag() == QByteArray("PEM, damaged")) {
        QVERIFY2(object.error.startsWith(location + QStringLiteral(": not a readable CRL")),
                 qPrintable(object.error));
        QCOMPARE(object.summary, QStringLiteral("unreadable object"));
    } else {
        QCOMPARE(object.error, QString());
        QCOMPARE(object.summary, QStringLiteral("certificate revocation list from CN=localhost, "
                                                "1 revoked (not imported)"));
    }
    discardOpenSslErrors();
}

void ImportHardeningTest::keysThatCannotSignDcs_data()
{
    QTest::addColumn<QByteArray>("certificateDer");
    QTest::addColumn<QString>("keyName");
    const auto issue = [&](const char *keyAlgorithm, bool selfSigned) {
        EvpPkeyPtr key = keyOfKind(keyAlgorithm);
        CertificateBuilder builder;
        auto name = parseDistinguishedName(QStringLiteral("CN=odd key"));
        builder.setSubject(name->get());
        if (!selfSigned)
            builder.setIssuer(identity().certificate);
        builder.setValidity(utc(2026, 1, 1), utc(2027, 1, 1));
        builder.setPublicKey(key.get());
        builder.setRandomSerial();
        if (!builder.addExtension(NID_key_usage, QStringLiteral("critical,digitalSignature")) ||
            !builder.addDelegationUsage())
            qFatal("extensions: %s", qPrintable(takeOpenSslErrors()));
        auto certificate = builder.sign(selfSigned ? key.get() : identity().key.get());
        if (!certificate)
            qFatal("%s", qPrintable(certificate.errorMessage()));
        return certificate->der();
    };
    QTest::newRow("DSA") << issue("DSA", true) << QStringLiteral("DSA");
    QTest::newRow("X25519") << issue("X25519", false) << QStringLiteral("X25519");
    QTest::newRow("EC secp256k1") << issue("secp256k1", true) << QStringLiteral("EC (other curve)");
}

void ImportHardeningTest::keysThatCannotSignDcs()
{
    QFETCH(QByteArray, certificateDer);
    QFETCH(QString, keyName);
    auto certificate = Certificate::fromDer(certificateDer);
    QVERIFY2(certificate.ok(), qPrintable(certificate.errorMessage()));
    const DcReadiness readiness = assessDcReadiness(*certificate, utc(2026, 6, 1));
    QVERIFY(!readiness.ready());
    // Said once, by the signing-key check, naming the key; no client "can serve" such DCs.
    QStringList failures;
    for (const DcCheck &check : readiness.checks) {
        if (check.outcome == CheckOutcome::Fail)
            failures << check.id + QStringLiteral(": ") + check.detail;
    }
    QCOMPARE(failures.size(), 1);
    QVERIFY2(failures.first().startsWith(
                 QStringLiteral("signing-key: the certificate key (%1 (").arg(keyName)),
             qPrintable(failures.first()));
    QVERIFY2(failures.first().endsWith(
                 QStringLiteral(") has no TLS 1.3 signature scheme, so it cannot sign DCs")),
             qPrintable(failures.first()));
    QCOMPARE(readiness.clients.size(), 0);
    QCOMPARE(readiness.algorithm, nullptr);

    // A DC with such a key, under a certificate that has one too: the verifier names both.
    const EvpPkeyPtr dcKey = keyOfKind("X25519");
    DelegatedCredential dc;
    dc.validTime = 3600;
    dc.dcCertVerifyAlgorithm = 0x0403;
    dc.subjectPublicKeyInfo = *encodeSubjectPublicKeyInfo(dcKey.get());
    dc.algorithm = 0x0403;
    dc.signature = QByteArray(64, '\x01');
    const DcVerification verification =
        verifyDelegatedCredential(*certificate, dc.encode(), DcRole::Server, utc(2026, 6, 1));
    QVERIFY(verification.check(u"rsae-ban"_qs));
    QCOMPARE(verification.check(u"rsae-ban"_qs)->detail,
             QStringLiteral("the DC key is X25519, not an rsaEncryption key"));
    QVERIFY(verification.check(u"certificate-algorithm"_qs));
    QCOMPARE(verification.check(u"certificate-algorithm"_qs)->detail,
             QStringLiteral("the DC is signed with ecdsa_secp256r1_sha256 (0x0403), which the "
                            "certificate's key (%1) cannot produce in TLS 1.3")
                 .arg(keyName));

    // The importer names the key the same way, never "unknown key type".
    const ImportResult result = importData(certificateDer, QStringLiteral("fixture"));
    QCOMPARE(result.objects.size(), 1);
    QCOMPARE(result.objects.first().summary,
             QStringLiteral("certificate CN=odd key, %1, expires 2027-01-01 00:00:00 UTC, "
                            "DelegationUsage")
                 .arg(keyName));
    QCOMPARE(takeOpenSslErrors(), QString());
}

void ImportHardeningTest::chainBuildingStopsAtItsDepth()
{
    // A root, 39 CAs each issued by the one before, and a leaf: 41 certificates in one line.
    EVP_PKEY *key = identity().key.get();
    QList<Certificate> set{issueWithKey(QStringLiteral("CN=ca 0"), nullptr, key, true)};
    for (int i = 1; i < 40; ++i)
        set << issueWithKey(QStringLiteral("CN=ca %1").arg(i), &set.last(), key, true);
    set << issueWithKey(QStringLiteral("CN=leaf"), &set.last(), key, false);
    const ChainReport report = buildChain(set, {}, false, utc(2026, 6, 1));
    QCOMPARE(report.ordered.size(), kMaxChainDepth);
    QCOMPARE(report.ordered.first().subject(), QStringLiteral("CN=leaf"));
    QVERIFY2(report.problems.contains(QStringLiteral("the chain is longer than 32 certificates; "
                                                     "the rest was not followed")),
             qPrintable(report.problems.join(QLatin1Char('\n'))));
    QVERIFY(!report.trusted);
    discardOpenSslErrors();
}

void ImportHardeningTest::chainBuildingOverThousandsOfCertificates()
{
    // One root and more leaves under it than buildChain considers: the chain is still found,
    // the excess is reported, and issuers are looked up by name, not by comparing every pair.
    EVP_PKEY *key = identity().key.get();
    const Certificate root = issueWithKey(QStringLiteral("CN=root"), nullptr, key, true);
    QList<Certificate> set{issueWithKey(QStringLiteral("CN=leaf 0"), &root, key, false), root};
    for (qsizetype i = 1; set.size() <= kMaxChainCertificates; ++i)
        set << issueWithKey(QStringLiteral("CN=leaf %1").arg(i), &root, key, false);
    QElapsedTimer timer;
    timer.start();
    const ChainReport report = buildChain(set, {root}, false, utc(2026, 6, 1));
    const qint64 elapsed = timer.elapsed();
    QCOMPARE(report.ordered.size(), 2);
    QCOMPARE(report.ordered.first().subject(), QStringLiteral("CN=leaf 0"));
    QCOMPARE(report.ordered.last().subject(), QStringLiteral("CN=root"));
    QCOMPARE(report.unrelated.size(), kMaxChainCertificates - 2);
    QCOMPARE(report.problems.first(),
             QStringLiteral("more than 10000 certificates: only the first 10000 were "
                            "considered for the chain"));
    // Generous for a loaded 2-core machine; comparing all pairs took far longer.
    QVERIFY2(elapsed < 20000, qPrintable(QString::number(elapsed)));
    discardOpenSslErrors();
}

QTEST_GUILESS_MAIN(ImportHardeningTest)
#include "tst_import_hardening.moc"
