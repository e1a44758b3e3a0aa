// verifyDelegatedCredential: one negative case (at least) per check id. Each bad DC starts as a
// good issued DC that is decoded, changed in one field, re-signed with the certificate key where
// the change would otherwise also break the signature, and re-encoded; so every row asserts the
// exact set of failing checks, not only the one under test.

#include "TestPki.h"
#include "crypto/KeyCodec.h"
#include "dc/DcIssuer.h"
#include "dc/DcVerifier.h"
#include "tls/SignatureScheme.h"

#include <QTest>
#include <map>
#include <openssl/bn.h>

using namespace baton;
using namespace baton::test;

namespace {

constexpr qint64 kHour = 3600;
constexpr qint64 kDay = 24 * kHour;

// Every fixture certificate runs from 2026-01-01 to 2027-01-01 (TestPki's defaults).
const QDateTime kNotAfter = utc(2027, 1, 1);
const QDateTime kIssued = utc(2026, 6, 1, 12, 0, 0);
const QDateTime kExpiry = kIssued.addSecs(kDay); // of the good DC every row starts from
const QDateTime kAt = kIssued.addSecs(kHour);

enum class Corruption
{
    None,
    FlipSignatureBit,
    DropLastByte,
    TrailingByte,
    Empty,
};

/// One row: how to turn the good DC into the one under test, and what the verifier must say.
struct VerifierCase
{
    QString certificate = QStringLiteral("p256"); ///< the DC is for (and verified under) it
    QString signer;            ///< whose key re-signs; empty: the certificate's own
    QString dcKey;             ///< the SPKI to put in; empty: keep the issued P-256 key
    int dcScheme = 0;          ///< dc_cert_verify_algorithm; 0: keep
    int algorithm = 0;         ///< 0: the certificate key's TLS 1.3 scheme
    QDateTime expiry;          ///< sets valid_time; invalid: keep (kExpiry)
    qint64 validTimeDelta = 0; ///< added to valid_time after signing (tampering)
    bool resign = true;
    DcRole signAs = DcRole::Server;
    Corruption corruption = Corruption::None;
    DcRole verifyAs = DcRole::Server;
    QDateTime at = kAt;

    QString checkId;
    CheckOutcome outcome = CheckOutcome::Fail;
    QString phrase;      ///< in the detail of the check under test; empty: not asserted
    QStringList failing; ///< exactly the checks that must fail
    CheckOutcome signature = CheckOutcome::Pass;
    bool valid = false;
};

QByteArray spkiOf(const EVP_PKEY *key)
{
    auto spki = encodeSubjectPublicKeyInfo(key);
    if (!spki)
        qFatal("cannot encode an SPKI: %s", qPrintable(spki.errorMessage()));
    return std::move(spki).value();
}

QStringList idsWithOutcome(const DcVerification &verification, CheckOutcome outcome)
{
    QStringList ids;
    for (const DcCheck &check : verification.checks) {
        if (check.outcome == outcome)
            ids << check.id;
    }
    ids.sort();
    return ids;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

/// One DER element with a short or long form length, as the SPKI rows assemble them.
QByteArray der(char tag, const QByteArray &content)
{
    QByteArray element(1, tag);
    if (content.size() < 0x80) {
        element.append(char(content.size()));
    } else if (content.size() < 0x100) {
        element.append('\x81').append(char(content.size()));
    } else {
        element.append('\x82').append(char(content.size() >> 8)).append(char(content.size()));
    }
    return element + content;
}

QByteArray spkiFrom(const QByteArray &algorithm, const QByteArray &key, char unusedBits = 0)
{
    return der(0x30, algorithm + der(0x03, QByteArray(1, unusedBits) + key));
}

/// The parts of a DER SubjectPublicKeyInfo with one-byte lengths: AlgorithmIdentifier, key.
std::pair<QByteArray, QByteArray> splitSpki(const QByteArray &spki)
{
    const qsizetype algorithmLength = 2 + quint8(spki[3]);
    const QByteArray algorithm = spki.mid(2, algorithmLength);
    const qsizetype bitString = 2 + algorithmLength;
    const qsizetype header = quint8(spki[bitString + 1]) == 0x81 ? 3 : 2;
    return {algorithm, spki.mid(bitString + header + 1)};
}

/// An id-RSASSA-PSS SPKI without parameters around RSAPublicKey {modulus, exponent}, each an
/// INTEGER's content octets as given (so malformed ones can be written).
QByteArray rsaPssSpki(const QByteArray &modulus, const QByteArray &exponent)
{
    const QByteArray algorithm = QByteArray::fromHex("300b06092a864886f70d01010a");
    return spkiFrom(algorithm, der(0x30, der(0x02, modulus) + der(0x02, exponent)));
}

/// What OpenSSL's own decoder makes of an SPKI when it must use every byte: the oracle.
EvpPkeyPtr oracleKey(const QByteArray &spki)
{
    const auto *p = reinterpret_cast<const unsigned char *>(spki.constData());
    EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, long(spki.size())));
    const bool whole = p == reinterpret_cast<const unsigned char *>(spki.constData()) + spki.size();
    discardOpenSslErrors();
    return whole ? std::move(key) : nullptr;
}

const QStringList kDcChecks{
    QStringLiteral("rsae-ban"),           QStringLiteral("scheme-key"),
    QStringLiteral("not-expired"),        QStringLiteral("max-validity"),
    QStringLiteral("within-certificate"), QStringLiteral("certificate-algorithm"),
    QStringLiteral("signature"),
};

} // namespace

Q_DECLARE_METATYPE(VerifierCase)
Q_DECLARE_METATYPE(baton::CheckOutcome)

class TestDcVerifier : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void checks_data();
    void checks();
    void parseFailureSkipsDcChecks_data();
    void parseFailureSkipsDcChecks();
    void dcKeySpki_data();
    void dcKeySpki();

private:
    const TestIdentity &identity(const QString &name) const;
    const EVP_PKEY *dcKey(const QString &name) const;

    std::map<QString, TestIdentity> m_identities;
    std::map<QString, EvpPkeyPtr> m_dcKeys;
    QByteArray m_good; ///< a server DC under "p256", issued at kIssued for 1 day
};

const TestIdentity &TestDcVerifier::identity(const QString &name) const
{
    const auto it = m_identities.find(name);
    if (it == m_identities.end())
        qFatal("no test identity %s", qPrintable(name));
    return it->second;
}

const EVP_PKEY *TestDcVerifier::dcKey(const QString &name) const
{
    if (name == QLatin1String("rsa-2048")) // an rsaEncryption key: borrow the RSA certificate's
        return identity(QStringLiteral("rsa")).key.get();
    const auto it = m_dcKeys.find(name);
    if (it == m_dcKeys.end())
        qFatal("no DC key %s", qPrintable(name));
    return it->second.get();
}

void TestDcVerifier::initTestCase()
{
    const auto add = [this](const QString &name, const CertificateOptions &options) {
        m_identities.emplace(name, makeIdentity(options));
    };
    CertificateOptions options;
    add(QStringLiteral("p256"), options);
    add(QStringLiteral("p256-other"), options);
    options.keyAlgorithm = QStringLiteral("rsa-2048");
    add(QStringLiteral("rsa"), options);
    m_identities.merge(makeNonconformingIdentities());
    for (const char *name :
         {"ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "ed25519", "ed448", "rsa-pss-2048"})
        m_dcKeys.emplace(QLatin1String(name), makeKey(QLatin1String(name)));

    const TestIdentity &p256 = identity(QStringLiteral("p256"));
    QCOMPARE(p256.certificate.notAfter(), kNotAfter);
    DcIssueRequest request{.certificate = p256.certificate,
                           .certificateKey = p256.key.get(),
                           .dcKey = m_dcKeys.at(QStringLiteral("ecdsa-p256")).get(),
                           .dcKeySpec = nullptr,
                           .lifetimeSeconds = kDay,
                           .role = DcRole::Server,
                           .now = kIssued,
                           .clampToCertificate = false};
    auto issued = issueDelegatedCredential(request);
    QVERIFY2(issued.ok(), qPrintable(issued.ok() ? QString() : issued.errorMessage()));
    QCOMPARE(issued->expiry, kExpiry);
    m_good = issued->bytes;
}

// Rows name only what differs from VerifierCase's defaults; GCC 12 would warn about every
// member a designated initializer leaves to its default.
QT_WARNING_PUSH
QT_WARNING_DISABLE_GCC("-Wmissing-field-initializers")
void TestDcVerifier::checks_data()
{
    QTest::addColumn<VerifierCase>("testCase");
    const auto row = [](const char *name, const VerifierCase &c) {
        QTest::newRow(name) << c;
    };
    using O = CheckOutcome;
    const QString signature = QStringLiteral("signature");

    row("good DC: every check passes",
        {.checkId = signature, .outcome = O::Pass, .failing = {}, .valid = true});

    // parse
    row("parse: truncated by one byte", {.corruption = Corruption::DropLastByte,
                                         .checkId = QStringLiteral("parse"),
                                         .phrase = QStringLiteral("truncated"),
                                         .failing = {QStringLiteral("parse")},
                                         .signature = O::Skipped});
    row("parse: one trailing byte", {.corruption = Corruption::TrailingByte,
                                     .checkId = QStringLiteral("parse"),
                                     .phrase = QStringLiteral("trailing"),
                                     .failing = {QStringLiteral("parse")},
                                     .signature = O::Skipped});
    row("parse: no bytes", {.corruption = Corruption::Empty,
                            .checkId = QStringLiteral("parse"),
                            .phrase = QStringLiteral("valid_time"),
                            .failing = {QStringLiteral("parse")},
                            .signature = O::Skipped});

    // rsae-ban (an rsaEncryption key is also the wrong key for any DC scheme: scheme-key fails)
    const QStringList rsaeFailures{QStringLiteral("rsae-ban"), QStringLiteral("scheme-key")};
    row("rsae-ban: rsa_pss_rsae_sha256 with an rsaEncryption key",
        {.dcKey = QStringLiteral("rsa-2048"),
         .dcScheme = 0x0804,
         .checkId = QStringLiteral("rsae-ban"),
         .phrase = QStringLiteral("rsaEncryption"),
         .failing = rsaeFailures});
    row("rsae-ban: rsa_pss_pss_sha256 with an rsaEncryption key",
        {.dcKey = QStringLiteral("rsa-2048"),
         .dcScheme = 0x0809,
         .checkId = QStringLiteral("rsae-ban"),
         .phrase = QStringLiteral("id-RSASSA-PSS"),
         .failing = rsaeFailures});
    row("rsae-ban: ecdsa_secp256r1_sha256 with an rsaEncryption key",
        {.dcKey = QStringLiteral("rsa-2048"),
         .dcScheme = 0x0403,
         .checkId = QStringLiteral("rsae-ban"),
         .failing = rsaeFailures});
    row("rsae-ban: rsa_pkcs1_sha256 with an rsaEncryption key",
        {.dcKey = QStringLiteral("rsa-2048"),
         .dcScheme = 0x0401,
         .checkId = QStringLiteral("rsae-ban"),
         .failing = rsaeFailures});
    row("rsae-ban: rsa_pss_rsae_sha256 with a P-256 key",
        {.dcScheme = 0x0804, .checkId = QStringLiteral("rsae-ban"), .failing = rsaeFailures});
    row("rsae-ban: RSA-PSS key with rsa_pss_pss_sha256 is allowed",
        {.dcKey = QStringLiteral("rsa-pss-2048"),
         .dcScheme = 0x0809,
         .checkId = QStringLiteral("rsae-ban"),
         .outcome = O::Pass,
         .failing = {},
         .valid = true});
    row("rsae-ban: rsa_pss_rsae_sha256 as the certificate's algorithm is allowed",
        {.certificate = QStringLiteral("rsa"),
         .algorithm = 0x0804,
         .checkId = QStringLiteral("rsae-ban"),
         .outcome = O::Pass,
         .failing = {},
         .valid = true});

    // scheme-key
    row("scheme-key: ecdsa_secp384r1_sha384 with a P-256 key",
        {.dcScheme = 0x0503,
         .checkId = QStringLiteral("scheme-key"),
         .phrase = QStringLiteral("needs a key of type EC P-384"),
         .failing = {QStringLiteral("scheme-key")}});
    row("scheme-key: unknown scheme 0x1234", {.dcScheme = 0x1234,
                                              .checkId = QStringLiteral("scheme-key"),
                                              .phrase = QStringLiteral("not a scheme a DC may use"),
                                              .failing = {QStringLiteral("scheme-key")}});
    row("scheme-key: ed448 with an Ed25519 key", {.dcKey = QStringLiteral("ed25519"),
                                                  .dcScheme = 0x0808,
                                                  .checkId = QStringLiteral("scheme-key"),
                                                  .failing = {QStringLiteral("scheme-key")}});
    row("scheme-key: rsa_pss_pss_sha256 with a P-256 key",
        {.dcScheme = 0x0809,
         .checkId = QStringLiteral("scheme-key"),
         .failing = {QStringLiteral("scheme-key")}});
    row("scheme-key: ed25519 with an Ed25519 key is right",
        {.dcKey = QStringLiteral("ed25519"),
         .dcScheme = 0x0807,
         .checkId = QStringLiteral("scheme-key"),
         .outcome = O::Pass,
         .failing = {},
         .valid = true});

    // not-expired, with its boundary: valid up to expiry - 1 s, expired at expiry
    row("not-expired: at == expiry", {.at = kExpiry,
                                      .checkId = QStringLiteral("not-expired"),
                                      .phrase = QStringLiteral("expired"),
                                      .failing = {QStringLiteral("not-expired")}});
    row("not-expired: at == expiry - 1 s", {.at = kExpiry.addSecs(-1),
                                            .checkId = QStringLiteral("not-expired"),
                                            .outcome = O::Pass,
                                            .failing = {},
                                            .valid = true});
    row("not-expired: a day after expiry", {.at = kExpiry.addSecs(kDay),
                                            .checkId = QStringLiteral("not-expired"),
                                            .failing = {QStringLiteral("not-expired")}});

    // max-validity
    row("max-validity: 7 d + 1 s left", {.expiry = kAt.addSecs(7 * kDay + 1),
                                         .checkId = QStringLiteral("max-validity"),
                                         .phrase = QStringLiteral("more than the 7 days"),
                                         .failing = {QStringLiteral("max-validity")}});
    row("max-validity: 30 d left", {.expiry = kAt.addSecs(30 * kDay),
                                    .checkId = QStringLiteral("max-validity"),
                                    .failing = {QStringLiteral("max-validity")}});
    row("max-validity: exactly 7 d left warns", {.expiry = kAt.addSecs(7 * kDay),
                                                 .checkId = QStringLiteral("max-validity"),
                                                 .outcome = O::Warn,
                                                 .phrase = QStringLiteral("behind"),
                                                 .failing = {},
                                                 .valid = true});
    row("max-validity: 7 d - 1 h left passes", {.expiry = kAt.addSecs(7 * kDay - kHour),
                                                .checkId = QStringLiteral("max-validity"),
                                                .outcome = O::Pass,
                                                .failing = {},
                                                .valid = true});

    // within-certificate
    row("within-certificate: expiry 1 s after notAfter",
        {.expiry = kNotAfter.addSecs(1),
         .at = utc(2026, 12, 31, 12),
         .checkId = QStringLiteral("within-certificate"),
         .phrase = QStringLiteral("after the certificate"),
         .failing = {QStringLiteral("within-certificate")}});
    row("within-certificate: expiry == notAfter warns",
        {.expiry = kNotAfter,
         .at = utc(2026, 12, 31, 12),
         .checkId = QStringLiteral("within-certificate"),
         .outcome = O::Warn,
         .phrase = QStringLiteral("Fizz"),
         .failing = {},
         .valid = true});

    // delegation-usage
    row("delegation-usage: absent", {.certificate = QStringLiteral("no-delegation"),
                                     .checkId = QStringLiteral("delegation-usage"),
                                     .phrase = QStringLiteral("1.3.6.1.4.1.44363.44"),
                                     .failing = {QStringLiteral("delegation-usage")}});
    row("delegation-usage: critical warns", {.certificate = QStringLiteral("critical-delegation"),
                                             .checkId = QStringLiteral("delegation-usage"),
                                             .outcome = O::Warn,
                                             .phrase = QStringLiteral("critical"),
                                             .failing = {},
                                             .valid = true});
    row("delegation-usage: empty OCTET STRING warns",
        {.certificate = QStringLiteral("empty-octet-delegation"),
         .checkId = QStringLiteral("delegation-usage"),
         .outcome = O::Warn,
         .phrase = QStringLiteral("empty OCTET STRING"),
         .failing = {},
         .valid = true});

    // key-usage
    row("key-usage: KeyUsage without digitalSignature",
        {.certificate = QStringLiteral("no-digital-signature"),
         .checkId = QStringLiteral("key-usage"),
         .phrase = QStringLiteral("KeyUsage lacks digitalSignature"),
         .failing = {QStringLiteral("key-usage")}});
    row("key-usage: no KeyUsage extension", {.certificate = QStringLiteral("no-key-usage"),
                                             .checkId = QStringLiteral("key-usage"),
                                             .phrase = QStringLiteral("no KeyUsage extension"),
                                             .failing = {QStringLiteral("key-usage")}});

    // end-entity
    row("end-entity: CA certificate warns", {.certificate = QStringLiteral("ca"),
                                             .checkId = QStringLiteral("end-entity"),
                                             .outcome = O::Warn,
                                             .phrase = QStringLiteral("CA:TRUE"),
                                             .failing = {},
                                             .valid = true});

    // certificate-algorithm (the signature cannot be judged then)
    const QStringList algorithmFailure{QStringLiteral("certificate-algorithm")};
    row("certificate-algorithm: ecdsa_secp384r1_sha384 under a P-256 certificate",
        {.algorithm = 0x0503,
         .resign = false,
         .checkId = QStringLiteral("certificate-algorithm"),
         .phrase = QStringLiteral("EC P-256"),
         .failing = algorithmFailure,
         .signature = O::Skipped});
    row("certificate-algorithm: rsa_pss_rsae_sha256 under a P-256 certificate",
        {.algorithm = 0x0804,
         .resign = false,
         .checkId = QStringLiteral("certificate-algorithm"),
         .failing = algorithmFailure,
         .signature = O::Skipped});
    row("certificate-algorithm: ed25519 under a P-256 certificate",
        {.algorithm = 0x0807,
         .resign = false,
         .checkId = QStringLiteral("certificate-algorithm"),
         .failing = algorithmFailure,
         .signature = O::Skipped});
    row("certificate-algorithm: rsa_pkcs1_sha256 under an RSA certificate",
        {.certificate = QStringLiteral("rsa"),
         .algorithm = 0x0401,
         .resign = false,
         .checkId = QStringLiteral("certificate-algorithm"),
         .failing = algorithmFailure,
         .signature = O::Skipped});
    row("certificate-algorithm: rsa_pss_pss_sha256 under an rsaEncryption certificate",
        {.certificate = QStringLiteral("rsa"),
         .algorithm = 0x0809,
         .resign = false,
         .checkId = QStringLiteral("certificate-algorithm"),
         .failing = algorithmFailure,
         .signature = O::Skipped});
    row("certificate-algorithm: unknown 0x1234",
        {.algorithm = 0x1234,
         .resign = false,
         .checkId = QStringLiteral("certificate-algorithm"),
         .failing = algorithmFailure,
         .signature = O::Skipped});

    // signature
    const QStringList signatureFailure{signature};
    row("signature: one bit flipped", {.corruption = Corruption::FlipSignatureBit,
                                       .checkId = signature,
                                       .phrase = QStringLiteral("does not verify"),
                                       .failing = signatureFailure,
                                       .signature = O::Fail});
    row("signature: valid_time changed after signing", {.validTimeDelta = -kHour,
                                                        .checkId = signature,
                                                        .phrase = QStringLiteral("does not verify"),
                                                        .failing = signatureFailure,
                                                        .signature = O::Fail});
    row("signature: signed by another certificate's key",
        {.signer = QStringLiteral("p256-other"),
         .checkId = signature,
         .phrase = QStringLiteral("does not verify"),
         .failing = signatureFailure,
         .signature = O::Fail});
    row("signature: client DC verified as a server DC",
        {.signAs = DcRole::Client,
         .checkId = signature,
         .phrase = QStringLiteral("this is a client DC"),
         .failing = signatureFailure,
         .signature = O::Fail});
    row("signature: server DC verified as a client DC",
        {.verifyAs = DcRole::Client,
         .checkId = signature,
         .phrase = QStringLiteral("this is a server DC"),
         .failing = signatureFailure,
         .signature = O::Fail});
    row("signature: client DC verified as a client DC",
        {.signAs = DcRole::Client,
         .verifyAs = DcRole::Client,
         .checkId = signature,
         .outcome = O::Pass,
         .phrase = QStringLiteral("valid client DC signature"),
         .failing = {},
         .valid = true});
}

QT_WARNING_POP

void TestDcVerifier::checks()
{
    QFETCH(VerifierCase, testCase);
    const VerifierCase &c = testCase;
    const TestIdentity &id = identity(c.certificate);
    const Certificate &certificate = id.certificate;

    auto decoded = DelegatedCredential::decode(m_good);
    QVERIFY(decoded.ok());
    DelegatedCredential dc = *decoded;
    if (!c.dcKey.isEmpty())
        dc.subjectPublicKeyInfo = spkiOf(dcKey(c.dcKey));
    if (c.dcScheme != 0)
        dc.dcCertVerifyAlgorithm = quint16(c.dcScheme);
    const SignatureScheme *natural = certificateSchemeForKey(certificate.keyType());
    QVERIFY(natural);
    dc.algorithm = c.algorithm != 0 ? quint16(c.algorithm) : natural->code;
    const QDateTime expiry = c.expiry.isValid() ? c.expiry : kExpiry;
    dc.validTime = quint32(certificate.notBefore().secsTo(expiry));
    if (c.resign) {
        const SignatureScheme *scheme = signatureSchemeByCode(dc.algorithm);
        QVERIFY(scheme);
        EVP_PKEY *signer = c.signer.isEmpty() ? id.key.get() : identity(c.signer).key.get();
        auto signature =
            signWithScheme(signer, *scheme, dc.signedMessage(c.signAs, certificate.der()));
        QVERIFY2(signature.ok(), qPrintable(signature.ok() ? QString() : signature.errorMessage()));
        dc.signature = *signature;
    }
    dc.validTime = quint32(qint64(dc.validTime) + c.validTimeDelta);

    QByteArray bytes = dc.encode();
    switch (c.corruption) {
    case Corruption::None:
        break;
    case Corruption::FlipSignatureBit:
        bytes[bytes.size() - 10] = char(bytes[bytes.size() - 10] ^ 0x01);
        break;
    case Corruption::DropLastByte:
        bytes.chop(1);
        break;
    case Corruption::TrailingByte:
        bytes.append('\0');
        break;
    case Corruption::Empty:
        bytes.clear();
        break;
    }

    const DcVerification verification =
        verifyDelegatedCredential(certificate, bytes, c.verifyAs, c.at);
    const QString report = describeChecks(verification.checks);
    QCOMPARE(verification.checks.size(), 11);
    const DcCheck *check = verification.check(c.checkId);
    QVERIFY2(check, qPrintable(c.checkId));
    QVERIFY2(check->outcome == c.outcome, qPrintable(report));
    if (!c.phrase.isEmpty())
        QVERIFY2(check->detail.contains(c.phrase), qPrintable(check->detail));
    QCOMPARE(idsWithOutcome(verification, CheckOutcome::Fail), sorted(c.failing));
    QVERIFY2(verification.check(u"signature")->outcome == c.signature, qPrintable(report));
    QCOMPARE(verification.valid(), c.valid);
    if (c.corruption == Corruption::None) {
        QVERIFY(verification.credential == dc);
        QCOMPARE(verification.expiry, certificate.notBefore().addSecs(dc.validTime));
    }
}

void TestDcVerifier::parseFailureSkipsDcChecks_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("phrase");
    QTest::addColumn<CheckOutcome>("delegationUsage");
    QTest::addColumn<CheckOutcome>("endEntity");

    // A well-formed P-256 DC, built field by field: valid_time, scheme, SPKI, algorithm, signature.
    const QByteArray validTime = QByteArray::fromHex("00c5c100");
    const QByteArray scheme = QByteArray::fromHex("0403");
    const QByteArray spki = QByteArray::fromHex(
        "3059301306072a8648ce3d020106082a8648ce3d03010703420004f2657fc0301a6e725b3cbb85fea77f14c216"
        "1c396b248f7b730ab8a1bb4f1f2285176ba4a06fbafe95ce52b11bb081fefd006966c9d11e3bf1af289bf7b032"
        "f9");
    const QByteArray spkiLength = QByteArray::fromHex("00005b");
    const QByteArray signature = QByteArray::fromHex("3006020101020101");
    const QByteArray tail = QByteArray::fromHex("04030008") + signature;
    QCOMPARE(spki.size(), 0x5b);

    const QString p256 = QStringLiteral("p256");
    using O = CheckOutcome;
    QTest::newRow("empty") << QByteArray() << p256 << QStringLiteral("valid_time") << O::Pass
                           << O::Pass;
    QTest::newRow("valid_time only")
        << validTime << p256 << QStringLiteral("byte offset 4") << O::Pass << O::Pass;
    QTest::newRow("signature cut short")
        << validTime + scheme + spkiLength + spki + tail.chopped(1) << p256
        << QStringLiteral("truncated") << O::Pass << O::Pass;
    QTest::newRow("trailing bytes")
        << validTime + scheme + spkiLength + spki + tail + QByteArray(2, '\0') << p256
        << QStringLiteral("2 unexpected trailing bytes") << O::Pass << O::Pass;
    QTest::newRow("empty SPKI") << validTime + scheme + QByteArray(3, '\0') + tail << p256
                                << QStringLiteral("empty") << O::Pass << O::Pass;
    QTest::newRow("empty signature")
        << validTime + scheme + spkiLength + spki + QByteArray::fromHex("04030000") << p256
        << QStringLiteral("signature at byte offset 102 is empty") << O::Pass << O::Pass;
    QTest::newRow("SPKI that is not one")
        << validTime + scheme + QByteArray::fromHex("000004") + QByteArray::fromHex("30020500") +
               tail
        << p256 << QStringLiteral("ASN1_subjectPublicKeyInfo") << O::Pass << O::Pass;
    QTest::newRow("SPKI length overruns")
        << validTime + scheme + QByteArray::fromHex("0100ff") + spki + tail << p256
        << QStringLiteral("only") << O::Pass << O::Pass;
    QTest::newRow("pre-RFC draft layout (version field)")
        << validTime + scheme + QByteArray::fromHex("0303") + spkiLength + spki + tail << p256
        << QStringLiteral("pre-RFC draft format") << O::Pass << O::Pass;
    // The certificate's own checks are still judged: they do not depend on the DC.
    QTest::newRow("truncated, under a CA certificate")
        << validTime + scheme << QStringLiteral("ca") << QStringLiteral("truncated") << O::Pass
        << O::Warn;
    QTest::newRow("truncated, under a certificate without DelegationUsage")
        << validTime + scheme << QStringLiteral("no-delegation") << QStringLiteral("truncated")
        << O::Fail << O::Pass;
}

void TestDcVerifier::parseFailureSkipsDcChecks()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, certificate);
    QFETCH(QString, phrase);
    QFETCH(CheckOutcome, delegationUsage);
    QFETCH(CheckOutcome, endEntity);

    const DcVerification verification =
        verifyDelegatedCredential(identity(certificate).certificate, bytes, DcRole::Server, kAt);
    const QString report = describeChecks(verification.checks);
    QCOMPARE(verification.checks.size(), 11);
    QVERIFY(!verification.valid());
    QVERIFY(!verification.credential.has_value());
    QVERIFY(!verification.expiry.isValid());

    const DcCheck *parse = verification.check(u"parse");
    QVERIFY(parse);
    QCOMPARE(parse->outcome, CheckOutcome::Fail);
    QVERIFY2(parse->detail.contains(phrase), qPrintable(parse->detail));
    QCOMPARE(verification.checks.first().id, QStringLiteral("parse"));
    QCOMPARE(idsWithOutcome(verification, CheckOutcome::Skipped), sorted(kDcChecks));
    QVERIFY2(verification.check(u"delegation-usage")->outcome == delegationUsage,
             qPrintable(report));
    QVERIFY2(verification.check(u"key-usage")->outcome == CheckOutcome::Pass, qPrintable(report));
    QVERIFY2(verification.check(u"end-entity")->outcome == endEntity, qPrintable(report));
}

// The DC key's SPKI is judged from its bytes when it has the canonical form of a DC key type,
// and by OpenSSL's decoder otherwise. Either way the verifier must refuse exactly what
// d2i_PUBKEY (using every byte) refuses, with the same message as the decoder path, and name
// the key as OpenSSL does; it is stricter only where the TLS peers are (BER, compressed points).
void TestDcVerifier::dcKeySpki_data()
{
    QTest::addColumn<QByteArray>("spki");
    QTest::addColumn<int>("dcScheme");
    QTest::addColumn<QString>("peerRefusal"); ///< a refusal d2i_PUBKEY does not share
    const auto row = [](const char *name, const QByteArray &spki, int scheme,
                        const QString &peerRefusal = {}) {
        QTest::newRow(name) << spki << scheme << peerRefusal;
    };
    const auto spki = [this](const char *key) {
        return spkiOf(dcKey(QLatin1String(key)));
    };

    row("P-256", spki("ecdsa-p256"), 0x0403);
    row("P-384", spki("ecdsa-p384"), 0x0503);
    row("P-521", spki("ecdsa-p521"), 0x0603);
    row("Ed25519", spki("ed25519"), 0x0807);
    row("Ed448", spki("ed448"), 0x0808);
    row("RSA-PSS 2048", spki("rsa-pss-2048"), 0x0809);
    row("RSA-PSS 2048 under rsa_pss_pss_sha512", spki("rsa-pss-2048"), 0x080b);

    // Well-formed keys of the wrong type for the scheme.
    row("P-256 under ecdsa_secp384r1_sha384", spki("ecdsa-p256"), 0x0503);
    row("P-521 under ecdsa_secp256r1_sha256", spki("ecdsa-p521"), 0x0403);
    row("Ed448 under ed25519", spki("ed448"), 0x0807);
    row("RSA-PSS under ed25519", spki("rsa-pss-2048"), 0x0807);
    row("rsaEncryption under rsa_pss_pss_sha256", spki("rsa-2048"), 0x0809);

    // EC points.
    const auto [p256Algorithm, p256Point] = splitSpki(spki("ecdsa-p256"));
    QByteArray offCurve = p256Point;
    offCurve[64] = char(offCurve[64] ^ 0x01);
    row("P-256 point off the curve", spkiFrom(p256Algorithm, offCurve), 0x0403);
    QByteArray xBeyondField = p256Point;
    xBeyondField.replace(1, 32, QByteArray(32, '\xff'));
    row("P-256 point with x beyond the field", spkiFrom(p256Algorithm, xBeyondField), 0x0403);
    row("P-256 point at infinity", spkiFrom(p256Algorithm, QByteArray(1, '\0')), 0x0403);
    row("P-256 point one byte short", spkiFrom(p256Algorithm, p256Point.chopped(1)), 0x0403);
    const char yParity = char(0x02 | (p256Point[64] & 1));
    const QString notUncompressed = QStringLiteral("uncompressed");
    row("P-256 point compressed", spkiFrom(p256Algorithm, yParity + p256Point.mid(1, 32)), 0x0403,
        notUncompressed);
    QByteArray hybrid = p256Point;
    hybrid[0] = char(0x04 | yParity);
    row("P-256 point in hybrid form", spkiFrom(p256Algorithm, hybrid), 0x0403, notUncompressed);
    const auto [p384Algorithm, p384Point] = splitSpki(spki("ecdsa-p384"));
    row("P-256 point under the P-384 OID", spkiFrom(p384Algorithm, p256Point), 0x0503);
    row("P-256 point, BIT STRING with unused bits", spkiFrom(p256Algorithm, p256Point, 1), 0x0403);

    // The SPKI's own DER.
    const QByteArray p256Spki = spki("ecdsa-p256");
    row("P-256 with a byte after the SPKI", p256Spki + '\0', 0x0403);
    row("P-256 cut short by one byte", p256Spki.chopped(1), 0x0403);
    row("P-256 with a long-form (BER) length", "\x30\x81" + p256Spki.mid(1), 0x0403,
        QStringLiteral("not DER"));
    row("P-256 with the algorithm OID of another curve's parameters",
        spkiFrom(QByteArray::fromHex("301306072a8648ce3d020106082a8648ce3d030102"), p256Point),
        0x0403);

    // EdDSA.
    const auto [ed25519Algorithm, ed25519Key] = splitSpki(spki("ed25519"));
    row("Ed25519 with NULL parameters",
        spkiFrom(QByteArray::fromHex("300706032b65700500"), ed25519Key), 0x0807);
    row("Ed25519 key one byte short", spkiFrom(ed25519Algorithm, ed25519Key.chopped(1)), 0x0807);
    row("Ed25519 key one byte long", spkiFrom(ed25519Algorithm, ed25519Key + '\0'), 0x0807);
    row("Ed25519 key, BIT STRING with unused bits", spkiFrom(ed25519Algorithm, ed25519Key, 1),
        0x0807);
    row("X25519 key under ed25519", spkiFrom(QByteArray::fromHex("300506032b656e"), ed25519Key),
        0x0807);
    const auto [ed448Algorithm, ed448Key] = splitSpki(spki("ed448"));
    row("Ed448 key under the Ed25519 OID", spkiFrom(ed25519Algorithm, ed448Key), 0x0807);

    // RSA-PSS: the RSAPublicKey's INTEGERs.
    const EvpPkeyPtr rsaPss = oracleKey(spki("rsa-pss-2048"));
    BIGNUM *raw = nullptr;
    QVERIFY(EVP_PKEY_get_bn_param(rsaPss.get(), "n", &raw));
    const OpenSslPtr<BIGNUM, BN_free> n(raw);
    QByteArray modulus(BN_num_bytes(n.get()), Qt::Uninitialized);
    BN_bn2bin(n.get(), reinterpret_cast<unsigned char *>(modulus.data()));
    const QByteArray f4 = QByteArray::fromHex("010001");
    row("RSA-PSS rebuilt from its modulus, as Baton writes it", rsaPssSpki('\0' + modulus, f4),
        0x0809);
    row("RSA-PSS modulus without its sign byte (negative)", rsaPssSpki(modulus, f4), 0x0809);
    row("RSA-PSS modulus with a needless zero byte", rsaPssSpki(QByteArray(2, '\0') + modulus, f4),
        0x0809);
    QByteArray even = '\0' + modulus;
    even[even.size() - 1] = char(even.back() & ~1);
    row("RSA-PSS even modulus", rsaPssSpki(even, f4), 0x0809);
    row("RSA-PSS 512-bit modulus", rsaPssSpki('\0' + modulus.left(64), f4), 0x0809);
    row("RSA-PSS modulus 0", rsaPssSpki(QByteArray(1, '\0'), f4), 0x0809);
    row("RSA-PSS exponent 1", rsaPssSpki('\0' + modulus, QByteArray(1, '\1')), 0x0809);
    row("RSA-PSS exponent 2", rsaPssSpki('\0' + modulus, QByteArray(1, '\2')), 0x0809);
    row("RSA-PSS exponent 3", rsaPssSpki('\0' + modulus, QByteArray(1, '\3')), 0x0809);
    row("RSA-PSS with a byte after RSAPublicKey",
        spkiFrom(QByteArray::fromHex("300b06092a864886f70d01010a"),
                 der(0x30, der(0x02, '\0' + modulus) + der(0x02, f4)) + '\0'),
        0x0809);
    row("RSA-PSS with NULL parameters",
        spkiFrom(QByteArray::fromHex("300d06092a864886f70d01010a0500"),
                 der(0x30, der(0x02, '\0' + modulus) + der(0x02, f4))),
        0x0809);
}

void TestDcVerifier::dcKeySpki()
{
    QFETCH(QByteArray, spki);
    QFETCH(int, dcScheme);
    QFETCH(QString, peerRefusal);

    const TestIdentity &p256 = identity(QStringLiteral("p256"));
    auto decoded = DelegatedCredential::decode(m_good);
    QVERIFY(decoded.ok());
    DelegatedCredential dc = *decoded;
    dc.subjectPublicKeyInfo = spki;
    dc.dcCertVerifyAlgorithm = quint16(dcScheme);
    auto signature = signWithScheme(p256.key.get(), *signatureSchemeByCode(dc.algorithm),
                                    dc.signedMessage(DcRole::Server, p256.certificate.der()));
    QVERIFY(signature.ok());
    dc.signature = *signature;
    const DcVerification verification =
        verifyDelegatedCredential(p256.certificate, dc.encode(), DcRole::Server, kAt);
    const QString report = describeChecks(verification.checks);
    const DcCheck *parse = verification.check(u"parse");
    QVERIFY(parse);

    const EvpPkeyPtr oracle = oracleKey(spki);
    if (!oracle || !peerRefusal.isEmpty()) {
        QVERIFY2(parse->outcome == CheckOutcome::Fail, qPrintable(report));
        QVERIFY(!verification.valid());
        if (!peerRefusal.isEmpty()) {
            QVERIFY2(oracle, "d2i_PUBKEY refuses it too: not a row for peerRefusal");
            QVERIFY2(parse->detail.contains(peerRefusal), qPrintable(parse->detail));
        } else {
            // The message the decoder path gives (the only path before the structural check).
            const auto decoderVerdict = decodeSubjectPublicKeyInfo(spki);
            QVERIFY(!decoderVerdict.ok());
            QCOMPARE(parse->detail, QStringLiteral("field ASN1_subjectPublicKeyInfo at byte "
                                                   "offset 9: ") +
                                        decoderVerdict.errorMessage());
        }
        return;
    }
    QVERIFY2(parse->outcome == CheckOutcome::Pass, qPrintable(report));
    const SignatureScheme *scheme = signatureSchemeByCode(quint16(dcScheme));
    QVERIFY(scheme);
    const bool fits = keyTypeOf(oracle.get()) == scheme->keyType;
    const DcCheck *schemeKey = verification.check(u"scheme-key");
    QVERIFY2(schemeKey->outcome == (fits ? CheckOutcome::Pass : CheckOutcome::Fail),
             qPrintable(report));
    QVERIFY2(schemeKey->detail.contains(keyName(oracle.get())), qPrintable(schemeKey->detail));
    QCOMPARE(verification.valid(), fits);
}

QTEST_GUILESS_MAIN(TestDcVerifier)
#include "tst_dc_verifier.moc"
