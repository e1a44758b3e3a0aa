// issueDelegatedCredential: what it issues for every key combination, what it refuses and what
// it warns about. Every DC issued here is checked back with the verifier.

#include "TestPki.h"
#include "crypto/KeyCodec.h"
#include "dc/DcIssuer.h"
#include "dc/DcVerifier.h"
#include "tls/SignatureScheme.h"

#include <QTest>
#include <map>

using namespace baton;
using namespace baton::test;

Q_DECLARE_METATYPE(baton::CheckOutcome)
Q_DECLARE_METATYPE(baton::DcRole)
Q_DECLARE_METATYPE(baton::KeyType)

namespace {

constexpr qint64 kHour = 3600;
constexpr qint64 kDay = 24 * kHour;

// Every fixture certificate runs from 2026-01-01 to 2027-01-01 (TestPki's defaults).
const QDateTime kNotBefore = utc(2026, 1, 1);
const QDateTime kNotAfter = utc(2027, 1, 1);
const QDateTime kNow = utc(2026, 6, 1, 12, 0, 0);

const QStringList kCheckIds = [] {
    QStringList ids{
        QStringLiteral("parse"),
        QStringLiteral("rsae-ban"),
        QStringLiteral("scheme-key"),
        QStringLiteral("not-expired"),
        QStringLiteral("max-validity"),
        QStringLiteral("within-certificate"),
        QStringLiteral("delegation-usage"),
        QStringLiteral("key-usage"),
        QStringLiteral("end-entity"),
        QStringLiteral("certificate-algorithm"),
        QStringLiteral("signature"),
    };
    ids.sort();
    return ids;
}();

DcIssueRequest requestFor(const TestIdentity &id)
{
    return DcIssueRequest{.certificate = id.certificate,
                          .certificateKey = id.key.get(),
                          .dcKey = nullptr,
                          .dcKeySpec = nullptr,
                          .lifetimeSeconds = kDay,
                          .role = DcRole::Server,
                          .now = kNow,
                          .clampToCertificate = false};
}

QByteArray spkiOf(const EVP_PKEY *key)
{
    auto spki = encodeSubjectPublicKeyInfo(key);
    if (!spki)
        qFatal("cannot encode an SPKI: %s", qPrintable(spki.errorMessage()));
    return std::move(spki).value();
}

// Sorted: the order checks are reported in is presentation, not what is tested here.
QStringList checkIds(const DcVerification &verification)
{
    QStringList ids;
    for (const DcCheck &check : verification.checks)
        ids << check.id;
    ids.sort();
    return ids;
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

QString joined(const QStringList &lines)
{
    return lines.join(QStringLiteral(" | "));
}

bool anyContains(const QStringList &lines, const QString &phrase)
{
    for (const QString &line : lines) {
        if (line.contains(phrase, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace

class TestDcIssuer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void issuesEveryKeyType_data();
    void issuesEveryKeyType();
    void clientRole_data();
    void clientRole();
    void refuses_data();
    void refuses();
    void certificateSigner_data();
    void certificateSigner();
    void clampsToCertificate_data();
    void clampsToCertificate();
    void warnings_data();
    void warnings();

private:
    const TestIdentity &identity(const QString &name) const;
    EVP_PKEY *dcKey(const QString &name) const;

    std::map<QString, TestIdentity> m_identities;
    std::map<QString, EvpPkeyPtr> m_dcKeys;
};

const TestIdentity &TestDcIssuer::identity(const QString &name) const
{
    const auto it = m_identities.find(name);
    if (it == m_identities.end())
        qFatal("no test identity %s", qPrintable(name));
    return it->second;
}

EVP_PKEY *TestDcIssuer::dcKey(const QString &name) const
{
    const auto it = m_dcKeys.find(name);
    if (it == m_dcKeys.end())
        qFatal("no DC key %s", qPrintable(name));
    return it->second.get();
}

void TestDcIssuer::initTestCase()
{
    // RSA keys take a while to generate: each is made once, here, and shared by every row.
    const auto add = [this](const QString &name, CertificateOptions options) {
        m_identities.emplace(name, makeIdentity(options));
    };
    CertificateOptions options;
    add(QStringLiteral("p256"), options);
    options.keyAlgorithm = QStringLiteral("ecdsa-p384");
    add(QStringLiteral("p384"), options);
    options.keyAlgorithm = QStringLiteral("ed25519");
    add(QStringLiteral("ed25519"), options);
    options.keyAlgorithm = QStringLiteral("rsa-2048");
    add(QStringLiteral("rsa"), options);

    m_identities.merge(makeNonconformingIdentities());

    for (const char *name :
         {"ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "ed25519", "ed448", "rsa-pss-2048"})
        m_dcKeys.emplace(QLatin1String(name), makeKey(QLatin1String(name)));

    // The fixtures themselves: a mistake here would make every assertion below meaningless.
    QCOMPARE(identity(QStringLiteral("p256")).certificate.notBefore(), kNotBefore);
    QCOMPARE(identity(QStringLiteral("p256")).certificate.notAfter(), kNotAfter);
    QCOMPARE(identity(QStringLiteral("rsa")).certificate.keyType(), KeyType::Rsa);
    QCOMPARE(keyTypeOf(dcKey(QStringLiteral("rsa-pss-2048"))), KeyType::RsaPss);
    QCOMPARE(identity(QStringLiteral("ca")).certificate.isCa(), true);
    QCOMPARE(identity(QStringLiteral("p256")).certificate.isCa(), false);
}

void TestDcIssuer::issuesEveryKeyType_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("dcKeyName");
    QTest::addColumn<bool>("generate");
    QTest::addColumn<qint64>("lifetime");
    QTest::addColumn<int>("expectedAlgorithm");
    QTest::addColumn<int>("expectedDcScheme");
    QTest::addColumn<KeyType>("expectedDcKeyType");
    QTest::addColumn<int>("expectedWarnings");

    struct Cert
    {
        const char *name;
        int algorithm;
    };
    const Cert certificates[] = {
        {"p256", 0x0403},
        {"p384", 0x0503},
        {"ed25519", 0x0807},
        {"rsa", 0x0804}, // rsa_pss_rsae_sha256: an rsaEncryption certificate may sign with it
    };
    struct Dc
    {
        const char *name;
        int scheme;
        KeyType type;
        bool firefox;
    };
    const Dc dcKeys[] = {
        {"ecdsa-p256", 0x0403, KeyType::EcP256, true},
        {"ecdsa-p384", 0x0503, KeyType::EcP384, true},
        {"ecdsa-p521", 0x0603, KeyType::EcP521, true},
        {"ed25519", 0x0807, KeyType::Ed25519, false},
        {"ed448", 0x0808, KeyType::Ed448, false},
        {"rsa-pss-2048", 0x0809, KeyType::RsaPss, false},
    };
    // Different lifetimes, so a valid_time that ignored notBefore or the lifetime shows.
    const qint64 lifetimes[] = {kHour, kDay, 6 * kDay + 12345};
    int row = 0;
    for (const Cert &certificate : certificates) {
        for (const Dc &dc : dcKeys) {
            const qint64 lifetime = lifetimes[row++ % 3];
            const int warnings = (dc.firefox ? 0 : 1) + (qstrcmp(certificate.name, "rsa") == 0);
            QTest::addRow("%s cert, given %s key", certificate.name, dc.name)
                << QString::fromLatin1(certificate.name) << QString::fromLatin1(dc.name) << false
                << lifetime << certificate.algorithm << dc.scheme << dc.type << warnings;
        }
    }
    for (const Dc &dc : dcKeys) {
        QTest::addRow("p256 cert, generated %s key", dc.name)
            << QStringLiteral("p256") << QString::fromLatin1(dc.name) << true << kDay << 0x0403
            << dc.scheme << dc.type << (dc.firefox ? 0 : 1);
    }
    QTest::newRow("rsa cert, generated ed25519 key")
        << QStringLiteral("rsa") << QStringLiteral("ed25519") << true << 2 * kDay << 0x0804
        << 0x0807 << KeyType::Ed25519 << 2;
    // No key and no spec: ecdsa-p256, the key every DC client accepts.
    QTest::newRow("p384 cert, generated default key")
        << QStringLiteral("p384") << QString() << true << kDay << 0x0503 << 0x0403
        << KeyType::EcP256 << 0;
}

void TestDcIssuer::issuesEveryKeyType()
{
    QFETCH(QString, certificate);
    QFETCH(QString, dcKeyName);
    QFETCH(bool, generate);
    QFETCH(qint64, lifetime);
    QFETCH(int, expectedAlgorithm);
    QFETCH(int, expectedDcScheme);
    QFETCH(KeyType, expectedDcKeyType);
    QFETCH(int, expectedWarnings);

    const TestIdentity &id = identity(certificate);
    DcIssueRequest request = requestFor(id);
    request.lifetimeSeconds = lifetime;
    request.now = kNow;
    if (!generate) {
        request.dcKey = dcKey(dcKeyName);
    } else if (!dcKeyName.isEmpty()) {
        request.dcKeySpec = keySpecByName(dcKeyName);
        QVERIFY(request.dcKeySpec);
    }

    auto issued = issueDelegatedCredential(request);
    QVERIFY2(issued.ok(), qPrintable(issued.ok() ? QString() : issued.errorMessage()));
    const DcIssueResult &result = *issued;
    const DelegatedCredential &dc = result.credential;

    QCOMPARE(int(dc.algorithm), expectedAlgorithm);
    QCOMPARE(int(dc.dcCertVerifyAlgorithm), expectedDcScheme);
    // valid_time counts from the certificate's notBefore, not from issuance (RFC 9345 §4).
    const qint64 sinceNotBefore = kNotBefore.secsTo(kNow);
    QCOMPARE(sinceNotBefore, qint64(151 * kDay + 12 * kHour));
    QCOMPARE(qint64(dc.validTime), sinceNotBefore + lifetime);
    QCOMPARE(result.expiry, kNow.addSecs(lifetime));
    QCOMPARE(dc.expiry(id.certificate), kNow.addSecs(lifetime));
    QCOMPARE(result.lifetimeSeconds, lifetime);
    QVERIFY(result.notes.isEmpty());
    QVERIFY2(result.warnings.size() == expectedWarnings, qPrintable(joined(result.warnings)));

    // The bytes are the credential, and read back as it.
    QCOMPARE(result.bytes, dc.encode());
    auto decoded = DelegatedCredential::decode(result.bytes);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.errorMessage()));
    QCOMPARE(*decoded, dc);

    auto spkiKey = decodeSubjectPublicKeyInfo(dc.subjectPublicKeyInfo);
    QVERIFY(spkiKey.ok());
    QCOMPARE(keyTypeOf(spkiKey->get()), expectedDcKeyType);
    if (generate) {
        QVERIFY(result.generatedKey);
        QCOMPARE(keyTypeOf(result.generatedKey.get()), expectedDcKeyType);
        QCOMPARE(dc.subjectPublicKeyInfo, spkiOf(result.generatedKey.get()));
        QVERIFY(samePublicKey(result.generatedKey.get(), spkiKey->get()));
    } else {
        QVERIFY(!result.generatedKey);
        QCOMPARE(dc.subjectPublicKeyInfo, spkiOf(request.dcKey));
        QVERIFY(samePublicKey(request.dcKey, spkiKey->get()));
    }

    const DcVerification verification =
        verifyDelegatedCredential(id.certificate, result.bytes, DcRole::Server, kNow);
    QCOMPARE(checkIds(verification), kCheckIds);
    QCOMPARE(idsWithOutcome(verification, CheckOutcome::Pass), kCheckIds);
    QVERIFY(verification.valid());
    QCOMPARE(verification.check(u"signature")->outcome, CheckOutcome::Pass);
    QCOMPARE(verification.expiry, result.expiry);
    QVERIFY(verification.credential == dc);

    // One second after it was issued for, it is expired.
    const DcVerification late =
        verifyDelegatedCredential(id.certificate, result.bytes, DcRole::Server, result.expiry);
    QVERIFY(!late.valid());
    QCOMPARE(idsWithOutcome(late, CheckOutcome::Fail), QStringList{QStringLiteral("not-expired")});
}

void TestDcIssuer::clientRole_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<DcRole>("issuedAs");
    QTest::addColumn<QString>("otherRolePhrase");

    QTest::newRow("p256 client DC")
        << QStringLiteral("p256") << DcRole::Client << QStringLiteral("this is a client DC");
    QTest::newRow("ed25519 client DC")
        << QStringLiteral("ed25519") << DcRole::Client << QStringLiteral("this is a client DC");
    QTest::newRow("rsa client DC")
        << QStringLiteral("rsa") << DcRole::Client << QStringLiteral("this is a client DC");
    QTest::newRow("p256 server DC")
        << QStringLiteral("p256") << DcRole::Server << QStringLiteral("this is a server DC");
}

void TestDcIssuer::clientRole()
{
    QFETCH(QString, certificate);
    QFETCH(DcRole, issuedAs);
    QFETCH(QString, otherRolePhrase);

    const TestIdentity &id = identity(certificate);
    DcIssueRequest request = requestFor(id);
    request.dcKey = dcKey(QStringLiteral("ecdsa-p256"));
    request.role = issuedAs;
    request.now = kNow;
    auto issued = issueDelegatedCredential(request);
    QVERIFY2(issued.ok(), qPrintable(issued.ok() ? QString() : issued.errorMessage()));

    const DcRole other = issuedAs == DcRole::Server ? DcRole::Client : DcRole::Server;
    const DcVerification asIssued =
        verifyDelegatedCredential(id.certificate, issued->bytes, issuedAs, kNow);
    QVERIFY(asIssued.valid());
    QCOMPARE(asIssued.check(u"signature")->outcome, CheckOutcome::Pass);

    const DcVerification asOther =
        verifyDelegatedCredential(id.certificate, issued->bytes, other, kNow);
    QVERIFY(!asOther.valid());
    QCOMPARE(idsWithOutcome(asOther, CheckOutcome::Fail), QStringList{QStringLiteral("signature")});
    const DcCheck *signature = asOther.check(u"signature");
    QVERIFY2(signature->detail.contains(otherRolePhrase), qPrintable(signature->detail));

    // The role is in the signed message, so the signatures differ, not just the verdicts.
    DcIssueRequest otherRequest = requestFor(id);
    otherRequest.dcKey = request.dcKey;
    otherRequest.role = other;
    otherRequest.now = kNow;
    auto otherIssued = issueDelegatedCredential(otherRequest);
    QVERIFY(otherIssued.ok());
    QCOMPARE(otherIssued->credential.encodeCredential(), issued->credential.encodeCredential());
    QVERIFY(otherIssued->credential.signature != issued->credential.signature);
}

void TestDcIssuer::refuses_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("certificateKey"); // empty: the certificate's own key
    QTest::addColumn<QString>("dcKeyName");      // "rsa-2048": the rsaEncryption key of "rsa"
    QTest::addColumn<qint64>("lifetime");
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<bool>("clamp");
    QTest::addColumn<QStringList>("phrases");

    const QString p256 = QStringLiteral("p256");
    const QString ecdsa = QStringLiteral("ecdsa-p256");
    QTest::newRow("lifetime over 7 days") << p256 << QString() << ecdsa << 7 * kDay + 1 << kNow
                                          << false << QStringList{QStringLiteral("7-day")};
    QTest::newRow("lifetime 8 days, clamp does not help")
        << p256 << QString() << ecdsa << 8 * kDay << kNow << true
        << QStringList{QStringLiteral("7-day")};
    QTest::newRow("lifetime 0") << p256 << QString() << ecdsa << qint64(0) << kNow << false
                                << QStringList{QStringLiteral("positive")};
    QTest::newRow("lifetime negative") << p256 << QString() << ecdsa << qint64(-60) << kNow << false
                                       << QStringList{QStringLiteral("positive")};
    QTest::newRow("expiry beyond notAfter without clamp")
        << p256 << QString() << ecdsa << kDay << utc(2026, 12, 31, 12) << false
        << QStringList{QStringLiteral("--clamp"), QStringLiteral("after the certificate")};
    QTest::newRow("expiry 1 s beyond notAfter without clamp")
        << p256 << QString() << ecdsa << kDay << utc(2026, 12, 31, 0, 0, 1) << false
        << QStringList{QStringLiteral("--clamp")};
    QTest::newRow("no DelegationUsage")
        << QStringLiteral("no-delegation") << QString() << ecdsa << kDay << kNow << false
        << QStringList{QStringLiteral("DelegationUsage")};
    QTest::newRow("KeyUsage without digitalSignature")
        << QStringLiteral("no-digital-signature") << QString() << ecdsa << kDay << kNow << false
        << QStringList{QStringLiteral("digitalSignature"), QStringLiteral("KeyUsage lacks")};
    QTest::newRow("no KeyUsage extension")
        << QStringLiteral("no-key-usage") << QString() << ecdsa << kDay << kNow << false
        << QStringList{QStringLiteral("digitalSignature"), QStringLiteral("no KeyUsage extension")};
    QTest::newRow("certificate expired")
        << p256 << QString() << ecdsa << kDay << utc(2027, 1, 2) << false
        << QStringList{QStringLiteral("certificate expired")};
    QTest::newRow("certificate ends now") << p256 << QString() << ecdsa << kDay << kNotAfter << true
                                          << QStringList{QStringLiteral("certificate expired")};
    QTest::newRow("certificate not yet valid")
        << p256 << QString() << ecdsa << kDay << utc(2025, 12, 31, 23, 59, 59) << false
        << QStringList{QStringLiteral("not valid yet")};
    QTest::newRow("key of another certificate")
        << p256 << QStringLiteral("p384") << ecdsa << kDay << kNow << false
        << QStringList{QStringLiteral("does not belong")};
    QTest::newRow("key of another certificate, same curve")
        << p256 << QStringLiteral("critical-delegation") << ecdsa << kDay << kNow << false
        << QStringList{QStringLiteral("does not belong")};
    QTest::newRow("rsaEncryption DC key")
        << p256 << QString() << QStringLiteral("rsa-2048") << kDay << kNow << false
        << QStringList{QStringLiteral("rsaEncryption"), QStringLiteral("RSA-PSS")};
    QTest::newRow("rsaEncryption DC key under an RSA certificate")
        << QStringLiteral("rsa") << QString() << QStringLiteral("rsa-2048") << kDay << kNow << false
        << QStringList{QStringLiteral("rsaEncryption")};
}

void TestDcIssuer::refuses()
{
    QFETCH(QString, certificate);
    QFETCH(QString, certificateKey);
    QFETCH(QString, dcKeyName);
    QFETCH(qint64, lifetime);
    QFETCH(QDateTime, now);
    QFETCH(bool, clamp);
    QFETCH(QStringList, phrases);

    const TestIdentity &id = identity(certificate);
    DcIssueRequest request = requestFor(id);
    if (!certificateKey.isEmpty())
        request.certificateKey = identity(certificateKey).key.get();
    request.dcKey = dcKeyName == QLatin1String("rsa-2048")
                        ? identity(QStringLiteral("rsa")).key.get()
                        : dcKey(dcKeyName);
    request.lifetimeSeconds = lifetime;
    request.now = now;
    request.clampToCertificate = clamp;

    auto issued = issueDelegatedCredential(request);
    QVERIFY2(!issued.ok(), "issued a DC that must be refused");
    for (const QString &phrase : phrases)
        QVERIFY2(issued.errorMessage().contains(phrase),
                 qPrintable(QStringLiteral("'%1' not in: %2").arg(phrase, issued.errorMessage())));
}

void TestDcIssuer::certificateSigner_data()
{
    QTest::addColumn<QString>("signerKey"); // the identity whose key signs; empty: no signer
    QTest::addColumn<bool>("withKey");      // the certificate's own key given as well
    QTest::addColumn<QString>("refusal");   // empty: issued
    QTest::newRow("signer of the certificate's key") << u"p256"_qs << false << QString();
    QTest::newRow("signer of an RSA certificate's key") << u"rsa"_qs << false << QString();
    QTest::newRow("signer of another key")
        << u"critical-delegation"_qs << false << u"does not belong to the certificate"_qs;
    QTest::newRow("key and signer") << u"p256"_qs << true << u"both a certificate key"_qs;
    QTest::newRow("neither") << QString() << false << u"private key is needed"_qs;
}

void TestDcIssuer::certificateSigner()
{
    QFETCH(QString, signerKey);
    QFETCH(bool, withKey);
    QFETCH(QString, refusal);
    const TestIdentity &id = identity(signerKey == u"rsa"_qs ? signerKey : u"p256"_qs);
    std::optional<EvpSigner> signer;
    if (!signerKey.isEmpty())
        signer.emplace(identity(signerKey).key.get());
    DcIssueRequest request = requestFor(id);
    request.certificateKey = withKey ? id.key.get() : nullptr;
    request.certificateSigner = signer ? &*signer : nullptr;
    auto issued = issueDelegatedCredential(request);
    QCOMPARE(issued.ok(), refusal.isEmpty());
    if (!refusal.isEmpty()) {
        QVERIFY2(issued.errorMessage().contains(refusal), qPrintable(issued.errorMessage()));
        return;
    }
    const DcVerification report =
        verifyDelegatedCredential(id.certificate, issued->bytes, DcRole::Server, kNow);
    QVERIFY2(report.valid(), qPrintable(describeChecks(report.checks)));
}

void TestDcIssuer::clampsToCertificate_data()
{
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<qint64>("lifetime");
    QTest::addColumn<bool>("clamp");
    QTest::addColumn<qint64>("expectedLifetime");
    QTest::addColumn<bool>("expectNote");
    QTest::addColumn<CheckOutcome>("withinCertificate");

    QTest::newRow("clamped: 1 d asked, 12 h left")
        << utc(2026, 12, 31, 12) << kDay << true << 12 * kHour << true << CheckOutcome::Warn;
    QTest::newRow("clamped: 7 d asked, 1 s left")
        << utc(2026, 12, 31, 23, 59, 59) << 7 * kDay << true << qint64(1) << true
        << CheckOutcome::Warn;
    QTest::newRow("ends exactly at notAfter, no clamp needed")
        << utc(2026, 12, 31) << kDay << false << kDay << false << CheckOutcome::Warn;
    QTest::newRow("clamp asked, not needed")
        << kNow << kDay << true << kDay << false << CheckOutcome::Pass;
}

void TestDcIssuer::clampsToCertificate()
{
    QFETCH(QDateTime, now);
    QFETCH(qint64, lifetime);
    QFETCH(bool, clamp);
    QFETCH(qint64, expectedLifetime);
    QFETCH(bool, expectNote);
    QFETCH(CheckOutcome, withinCertificate);

    const TestIdentity &id = identity(QStringLiteral("p256"));
    DcIssueRequest request = requestFor(id);
    request.dcKey = dcKey(QStringLiteral("ecdsa-p256"));
    request.lifetimeSeconds = lifetime;
    request.now = now;
    request.clampToCertificate = clamp;

    auto issued = issueDelegatedCredential(request);
    QVERIFY2(issued.ok(), qPrintable(issued.ok() ? QString() : issued.errorMessage()));
    QCOMPARE(issued->lifetimeSeconds, expectedLifetime);
    QCOMPARE(issued->expiry, now.addSecs(expectedLifetime));
    QCOMPARE(qint64(issued->credential.validTime), kNotBefore.secsTo(now) + expectedLifetime);
    QCOMPARE(issued->credential.expiry(id.certificate), issued->expiry);
    if (expectNote) {
        QCOMPARE(issued->expiry, kNotAfter);
        QCOMPARE(issued->notes.size(), 1);
        QVERIFY2(issued->notes.first().contains(QStringLiteral("shortened")),
                 qPrintable(issued->notes.first()));
    } else {
        QVERIFY2(issued->notes.isEmpty(), qPrintable(joined(issued->notes)));
    }

    const DcVerification verification =
        verifyDelegatedCredential(id.certificate, issued->bytes, DcRole::Server, now);
    QVERIFY(verification.valid());
    QCOMPARE(verification.check(u"within-certificate")->outcome, withinCertificate);
    QCOMPARE(verification.check(u"signature")->outcome, CheckOutcome::Pass);
}

void TestDcIssuer::warnings_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("dcKeyName");
    QTest::addColumn<qint64>("lifetime");
    QTest::addColumn<QString>("phrase");
    QTest::addColumn<bool>("expectPhrase");
    QTest::addColumn<int>("expectedWarnings");
    QTest::addColumn<QDateTime>("now");

    const QString p256 = QStringLiteral("p256");
    const QString ecdsa = QStringLiteral("ecdsa-p256");
    QTest::newRow("7 d - 30 min: clock skew")
        << p256 << ecdsa << 7 * kDay - 30 * 60 << QStringLiteral("behind") << true << 1 << kNow;
    QTest::newRow("exactly 7 d: clock skew")
        << p256 << ecdsa << 7 * kDay << QStringLiteral("behind") << true << 1 << kNow;
    QTest::newRow("7 d - 1 h: headroom enough")
        << p256 << ecdsa << 7 * kDay - kHour << QStringLiteral("behind") << false << 0 << kNow;
    QTest::newRow("6 d: no skew warning")
        << p256 << ecdsa << 6 * kDay << QStringLiteral("behind") << false << 0 << kNow;
    QTest::newRow("ed25519 DC: Firefox") << p256 << QStringLiteral("ed25519") << kDay
                                         << QStringLiteral("Firefox") << true << 1 << kNow;
    QTest::newRow("ed448 DC: Firefox") << p256 << QStringLiteral("ed448") << kDay
                                       << QStringLiteral("Firefox") << true << 1 << kNow;
    QTest::newRow("rsa-pss DC: Firefox") << p256 << QStringLiteral("rsa-pss-2048") << kDay
                                         << QStringLiteral("Firefox") << true << 1 << kNow;
    QTest::newRow("ecdsa-p256 DC: no Firefox warning")
        << p256 << ecdsa << kDay << QStringLiteral("Firefox") << false << 0 << kNow;
    QTest::newRow("ecdsa-p521 DC: no Firefox warning")
        << p256 << QStringLiteral("ecdsa-p521") << kDay << QStringLiteral("Firefox") << false << 0
        << kNow;
    QTest::newRow("RSA certificate: RFC 9345 7.6")
        << QStringLiteral("rsa") << ecdsa << kDay << QStringLiteral("RFC 9345 §7.6") << true << 1
        << kNow;
    QTest::newRow("EC certificate: no 7.6 warning")
        << QStringLiteral("p384") << ecdsa << kDay << QStringLiteral("§7.6") << false << 0 << kNow;
    QTest::newRow("critical DelegationUsage")
        << QStringLiteral("critical-delegation") << ecdsa << kDay << QStringLiteral("critical")
        << true << 1 << kNow;
    QTest::newRow("empty OCTET STRING DelegationUsage")
        << QStringLiteral("empty-octet-delegation") << ecdsa << kDay
        << QStringLiteral("empty OCTET STRING") << true << 1 << kNow;
    QTest::newRow("CA certificate")
        << QStringLiteral("ca") << ecdsa << kDay << QStringLiteral("CA:TRUE") << true << 1 << kNow;
    QTest::newRow("end-entity certificate: no CA warning")
        << p256 << ecdsa << kDay << QStringLiteral("CA") << false << 0 << kNow;
    // The certificate has 2 days left: every DC issued now is short-lived, time to renew.
    QTest::newRow("certificate ending in 2 days")
        << p256 << ecdsa << kDay << QStringLiteral("renew the certificate") << true << 1
        << kNotAfter.addSecs(-2 * kDay);
    QTest::newRow("certificate ending in 7 days: no renewal warning")
        << p256 << ecdsa << kDay << QStringLiteral("renew") << false << 0
        << kNotAfter.addSecs(-7 * kDay);
}

void TestDcIssuer::warnings()
{
    QFETCH(QString, certificate);
    QFETCH(QString, dcKeyName);
    QFETCH(qint64, lifetime);
    QFETCH(QString, phrase);
    QFETCH(bool, expectPhrase);
    QFETCH(int, expectedWarnings);
    QFETCH(QDateTime, now);

    const TestIdentity &id = identity(certificate);
    DcIssueRequest request = requestFor(id);
    request.dcKey = dcKey(dcKeyName);
    request.lifetimeSeconds = lifetime;
    request.now = now;

    auto issued = issueDelegatedCredential(request);
    QVERIFY2(issued.ok(), qPrintable(issued.ok() ? QString() : issued.errorMessage()));
    const QStringList &warnings = issued->warnings;
    QVERIFY2(warnings.size() == expectedWarnings, qPrintable(joined(warnings)));
    QVERIFY2(anyContains(warnings, phrase) == expectPhrase, qPrintable(joined(warnings)));
    // Warnings never stop issuance: the DC verifies.
    const DcVerification verification =
        verifyDelegatedCredential(id.certificate, issued->bytes, DcRole::Server, now);
    QVERIFY(verification.valid());
    QCOMPARE(verification.check(u"signature")->outcome, CheckOutcome::Pass);
}

QTEST_GUILESS_MAIN(TestDcIssuer)
#include "tst_dc_issuer.moc"
