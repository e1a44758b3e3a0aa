// DCs, certificates and keys from other implementations' test suites (../shared/dc_vectors,
// described in its README.txt): Baton must read and judge them as the README expects. All of them
// expired long ago, so every verification runs at a time taken from the README's dates. The
// vector files are read in place, never copied into this repository.

#include "TestPki.h"
#include "common/Pem.h"
#include "crypto/KeyCodec.h"
#include "dc/DcDocument.h"
#include "dc/DcVerifier.h"
#include "tls/SignatureScheme.h"

#include <QFile>
#include <QTest>

using namespace baton;
using namespace baton::test;

Q_DECLARE_METATYPE(baton::CheckOutcome)
Q_DECLARE_METATYPE(baton::DcEncoding)
Q_DECLARE_METATYPE(baton::DcRole)
Q_DECLARE_METATYPE(baton::DelegationUsage::Value)
Q_DECLARE_METATYPE(baton::KeyType)

namespace {

#define SKIP_WITHOUT_VECTORS()                                                                     \
    const QString vectors = dcVectorsDirectory();                                                  \
    if (vectors.isEmpty())                                                                         \
    QSKIP("../shared/dc_vectors not found")

constexpr int kNoLabel = -1;

QByteArray readVector(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

int labelOf(const std::optional<DcRole> &role)
{
    return role ? int(*role) : kNoLabel;
}

} // namespace

class TestForeignVectors : public QObject
{
    Q_OBJECT

private slots:
    void certificates_data();
    void certificates();
    void verifyVector_data();
    void verifyVector();
    void keyMatches_data();
    void keyMatches();
    void legacyDraftRejected_data();
    void legacyDraftRejected();
};

void TestForeignVectors::certificates_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QDateTime>("notBefore");
    QTest::addColumn<QDateTime>("notAfter");
    QTest::addColumn<DelegationUsage::Value>("delegationUsage");
    QTest::addColumn<bool>("isCa");

    using V = DelegationUsage::Value;
    // Times as the README states them; where it gives only a day, the time is openssl's.
    QTest::newRow("01 parent_cert")
        << QStringLiteral("01_fizz_p256_parent/parent_cert.pem") << utc(2019, 9, 23, 2, 2, 35)
        << utc(2119, 8, 30, 2, 2, 35) << V::Null << true;
    QTest::newRow("02 cert") << QStringLiteral("02_tlswg_pr77_testvectors/cert.pem")
                             << utc(2020, 7, 1, 13, 5, 33) << utc(2020, 7, 8, 13, 5, 33)
                             << V::EmptyOctetString << false;
    QTest::newRow("03 cert") << QStringLiteral("03_tls_tris_draft03/cert.pem")
                             << utc(2019, 8, 14, 23, 7, 12) << utc(2019, 8, 21, 23, 7, 12)
                             << V::EmptyOctetString << false;
    QTest::newRow("04 cert") << QStringLiteral("04_fizz_kDelegatedCred/cert.pem")
                             << utc(2019, 5, 24, 19, 52, 57) << utc(2020, 5, 23, 19, 52, 57)
                             << V::Null << true;
    QTest::newRow("05 cert") << QStringLiteral("05_gokeyless_draft02_legacy/cert.pem")
                             << utc(2018, 7, 3, 16, 51, 53) << utc(2019, 7, 3, 16, 51, 53)
                             << V::EmptyOctetString << false;
    QTest::newRow("RFC 9345 appendix B")
        << QStringLiteral("rfc9345_appendixB_example_delegation_cert.pem") << utc(2019, 3, 26)
        << utc(2021, 3, 30, 12) << V::Null << false;
}

void TestForeignVectors::certificates()
{
    SKIP_WITHOUT_VECTORS();
    QFETCH(QString, file);
    QFETCH(QDateTime, notBefore);
    QFETCH(QDateTime, notAfter);
    QFETCH(DelegationUsage::Value, delegationUsage);
    QFETCH(bool, isCa);

    auto certificate = Certificate::readFirst(readVector(vectors + QLatin1Char('/') + file));
    QVERIFY2(certificate.ok(),
             qPrintable(certificate.ok() ? QString() : certificate.errorMessage()));
    QCOMPARE(certificate->notBefore(), notBefore);
    QCOMPARE(certificate->notAfter(), notAfter);
    QCOMPARE(certificate->keyType(), KeyType::EcP256);
    const DelegationUsage usage = certificate->delegationUsage();
    QCOMPARE(usage.value, delegationUsage);
    QCOMPARE(usage.critical, false);
    QCOMPARE(usage.conformant(), delegationUsage == DelegationUsage::Value::Null);
    QCOMPARE(certificate->allowsDigitalSignature(), true);
    QCOMPARE(certificate->isCa(), isCa);
}

void TestForeignVectors::verifyVector_data()
{
    QTest::addColumn<QString>("certificateFile");
    QTest::addColumn<QString>("dcFile");
    QTest::addColumn<DcRole>("role");
    QTest::addColumn<QDateTime>("at");
    QTest::addColumn<DcEncoding>("encoding");
    QTest::addColumn<int>("labelledRole"); // kNoLabel, or a DcRole
    QTest::addColumn<qint64>("validTime"); // -1: the README does not say
    QTest::addColumn<int>("dcScheme");
    QTest::addColumn<int>("algorithm");
    QTest::addColumn<QDateTime>("expiry"); // invalid: the README does not say
    QTest::addColumn<CheckOutcome>("signature");
    QTest::addColumn<CheckOutcome>("delegationUsage");
    QTest::addColumn<CheckOutcome>("withinCertificate");
    QTest::addColumn<CheckOutcome>("endEntity");
    QTest::addColumn<bool>("valid");

    using O = CheckOutcome;
    const auto server = DcRole::Server;
    const auto client = DcRole::Client;
    const int serverLabel = int(DcRole::Server);
    const int clientLabel = int(DcRole::Client);

    // 01: Fizz. The parent is CA:TRUE with a NULL DelegationUsage; its DCs end long before it.
    const QString parent = QStringLiteral("01_fizz_p256_parent/parent_cert.pem");
    const QDateTime fizzExpiry = utc(2024, 7, 24, 21, 11, 31);
    const QDateTime fizzAt = fizzExpiry.addSecs(-1);
    const qint64 fizzValidTime = 152651336;
    struct FizzDc
    {
        const char *name;
        const char *file;
        DcEncoding encoding;
        int label;
        DcRole role;
        bool signedAs; // signature valid in that role
    };
    const FizzDc fizzDcs[] = {
        {"01 server_dc.pem as server", "server_dc.pem", DcEncoding::Pem, serverLabel, server, true},
        {"01 server_dc.pem as client", "server_dc.pem", DcEncoding::Pem, serverLabel, client,
         false},
        {"01 server_dc.bin as server", "server_dc.bin", DcEncoding::Binary, kNoLabel, server, true},
        {"01 server_dc.bin as client", "server_dc.bin", DcEncoding::Binary, kNoLabel, client,
         false},
        {"01 client_dc.pem as client", "client_dc.pem", DcEncoding::Pem, clientLabel, client, true},
        {"01 client_dc.pem as server", "client_dc.pem", DcEncoding::Pem, clientLabel, server,
         false},
        {"01 client_dc.bin as client", "client_dc.bin", DcEncoding::Binary, kNoLabel, client, true},
        {"01 client_dc.bin as server", "client_dc.bin", DcEncoding::Binary, kNoLabel, server,
         false},
    };
    for (const FizzDc &dc : fizzDcs) {
        QTest::newRow(dc.name) << parent
                               << QStringLiteral("01_fizz_p256_parent/") + QLatin1String(dc.file)
                               << dc.role << fizzAt << dc.encoding << dc.label << fizzValidTime
                               << 0x0403 << 0x0403 << fizzExpiry
                               << (dc.signedAs ? O::Pass : O::Fail) << O::Pass << O::Pass << O::Warn
                               << dc.signedAs;
    }
    const QDateTime p384Expiry = utc(2024, 7, 24, 21, 27, 0);
    QTest::newRow("01 server_dc_p384.pem")
        << parent << QStringLiteral("01_fizz_p256_parent/server_dc_p384.pem") << server
        << p384Expiry.addSecs(-1) << DcEncoding::Pem << serverLabel << qint64(-1) << 0x0503
        << 0x0403 << p384Expiry << O::Pass << O::Pass << O::Pass << O::Warn << true;
    QTest::newRow("01 server_dc_p384.bin")
        << parent << QStringLiteral("01_fizz_p256_parent/server_dc_p384.bin") << server
        << p384Expiry.addSecs(-1) << DcEncoding::Binary << kNoLabel << qint64(-1) << 0x0503
        << 0x0403 << p384Expiry << O::Pass << O::Pass << O::Pass << O::Warn << true;
    const QDateTime peerExpiry = utc(2024, 4, 10, 18, 39, 43);
    QTest::newRow("01 peer_test_dc_good.hex")
        << parent << QStringLiteral("01_fizz_p256_parent/peer_test_dc_good.hex") << server
        << peerExpiry.addSecs(-1) << DcEncoding::Hex << kNoLabel << qint64(-1) << 0x0403 << 0x0403
        << peerExpiry << O::Pass << O::Pass << O::Pass << O::Warn << true;
    // The README gives no expiry for the bad one; a week after the parent's notBefore is within
    // its validity (it is the signature that must fail, nothing else).
    QTest::newRow("01 peer_test_dc_bad.hex")
        << parent << QStringLiteral("01_fizz_p256_parent/peer_test_dc_bad.hex") << server
        << utc(2019, 10, 1) << DcEncoding::Hex << kNoLabel << qint64(-1) << 0x0403 << 0x0403
        << QDateTime() << O::Fail << O::Pass << O::Pass << O::Warn << false;

    // 02: the unmerged RFC test vectors. Empty-OCTET-STRING DelegationUsage and DCs that end
    // exactly at the certificate's notAfter: both warn, neither fails.
    const QString pr77 = QStringLiteral("02_tlswg_pr77_testvectors/");
    const QDateTime pr77Expiry = utc(2020, 7, 8, 13, 5, 33);
    const std::pair<const char *, int> pr77Dcs[] = {
        {"p256", 0x0403}, {"p384", 0x0503}, {"p521", 0x0603}, {"ed25519", 0x0807}};
    for (const auto &[name, scheme] : pr77Dcs) {
        QTest::addRow("02 %s_dc.pem", name)
            << pr77 + QStringLiteral("cert.pem")
            << pr77 + QLatin1String(name) + QStringLiteral("_dc.pem") << server
            << pr77Expiry.addSecs(-1) << DcEncoding::Pem << kNoLabel << qint64(604800) << scheme
            << 0x0403 << pr77Expiry << O::Pass << O::Warn << O::Warn << O::Pass << true;
    }

    // 03: tls-tris draft-03 (byte-identical to RFC 9345). valid_time is 7 days, so the DCs end
    // at the certificate's notAfter.
    const QString tris = QStringLiteral("03_tls_tris_draft03/");
    const QDateTime trisNotAfter = utc(2019, 8, 21, 23, 7, 12);
    const QDateTime trisAt = trisNotAfter.addSecs(-1);
    struct TrisDc
    {
        const char *file;
        qint64 validTime;
        int scheme;
        QDateTime expiry;
        CheckOutcome signature;
    };
    const TrisDc trisDcs[] = {
        {"dc_tls13p256.bin", 604800, 0x0403, trisNotAfter, O::Pass},
        {"dc_tls13p521.bin", 604800, 0x0603, trisNotAfter, O::Pass},
        {"dc_tls12.bin", -1, 0x0403, QDateTime(), O::Pass},
        {"dc_badvers.bin", -1, 0x0403, QDateTime(), O::Pass},
        {"dc_badsig.bin", -1, 0x0403, QDateTime(), O::Fail},
        // Valid: that its published private key does not match is keyMatches' business.
        {"dc_badkey.bin", -1, 0x0403, QDateTime(), O::Pass},
    };
    for (const TrisDc &dc : trisDcs) {
        QTest::addRow("03 %s", dc.file)
            << tris + QStringLiteral("cert.pem") << tris + QLatin1String(dc.file) << server
            << trisAt << DcEncoding::Binary << kNoLabel << dc.validTime << dc.scheme << 0x0403
            << dc.expiry << dc.signature << O::Warn << O::Warn << O::Pass
            << (dc.signature == O::Pass);
    }

    // 04: Fizz's kDelegatedCred, 21.9 days after a CA:TRUE certificate's notBefore.
    const QDateTime kDelegatedCredExpiry = utc(2019, 6, 15, 17, 35, 38);
    QTest::newRow("04 dc.hex") << QStringLiteral("04_fizz_kDelegatedCred/cert.pem")
                               << QStringLiteral("04_fizz_kDelegatedCred/dc.hex") << server
                               << kDelegatedCredExpiry.addSecs(-1) << DcEncoding::Hex << kNoLabel
                               << qint64(1892561) << 0x0403 << 0x0403 << kDelegatedCredExpiry
                               << O::Pass << O::Pass << O::Pass << O::Warn << true;
}

void TestForeignVectors::verifyVector()
{
    SKIP_WITHOUT_VECTORS();
    QFETCH(QString, certificateFile);
    QFETCH(QString, dcFile);
    QFETCH(DcRole, role);
    QFETCH(QDateTime, at);
    QFETCH(DcEncoding, encoding);
    QFETCH(int, labelledRole);
    QFETCH(qint64, validTime);
    QFETCH(int, dcScheme);
    QFETCH(int, algorithm);
    QFETCH(QDateTime, expiry);
    QFETCH(CheckOutcome, signature);
    QFETCH(CheckOutcome, delegationUsage);
    QFETCH(CheckOutcome, withinCertificate);
    QFETCH(CheckOutcome, endEntity);
    QFETCH(bool, valid);

    auto certificate =
        Certificate::readFirst(readVector(vectors + QLatin1Char('/') + certificateFile));
    QVERIFY2(certificate.ok(),
             qPrintable(certificate.ok() ? QString() : certificate.errorMessage()));
    auto document = readDelegatedCredentialFile(vectors + QLatin1Char('/') + dcFile);
    QVERIFY2(document.ok(), qPrintable(document.ok() ? QString() : document.errorMessage()));
    QCOMPARE(document->encoding, encoding);
    QCOMPARE(labelOf(document->labelledRole), labelledRole);
    QVERIFY(document->privateKey.isEmpty());

    const DelegatedCredential &dc = document->credential;
    QCOMPARE(dc.encode(), document->bytes);
    if (validTime >= 0)
        QCOMPARE(qint64(dc.validTime), validTime);
    QCOMPARE(int(dc.dcCertVerifyAlgorithm), dcScheme);
    QCOMPARE(int(dc.algorithm), algorithm);
    if (expiry.isValid())
        QCOMPARE(dc.expiry(*certificate), expiry);
    QVERIFY(at < dc.expiry(*certificate));

    const DcVerification verification =
        verifyDelegatedCredential(*certificate, document->bytes, role, at);
    const QString report = describeChecks(verification.checks);
    QVERIFY2(verification.check(u"parse")->outcome == CheckOutcome::Pass, qPrintable(report));
    QVERIFY2(verification.check(u"signature")->outcome == signature, qPrintable(report));
    QVERIFY2(verification.check(u"delegation-usage")->outcome == delegationUsage,
             qPrintable(report));
    QVERIFY2(verification.check(u"within-certificate")->outcome == withinCertificate,
             qPrintable(report));
    QVERIFY2(verification.check(u"end-entity")->outcome == endEntity, qPrintable(report));
    QVERIFY2(verification.valid() == valid, qPrintable(report));
    if (delegationUsage == CheckOutcome::Warn)
        QVERIFY2(verification.check(u"delegation-usage")->detail.contains(u"empty OCTET STRING"),
                 qPrintable(report));
    if (signature == CheckOutcome::Fail && labelledRole != kNoLabel && labelledRole != int(role))
        QVERIFY2(verification.check(u"signature")
                     ->detail.contains(
                         QStringLiteral("this is a %1 DC").arg(dcRoleName(DcRole(labelledRole)))),
                 qPrintable(report));
    QCOMPARE(verification.expiry, dc.expiry(*certificate));

    // The same DC at its expiry: expired, whatever else holds.
    const DcVerification expired =
        verifyDelegatedCredential(*certificate, document->bytes, role, dc.expiry(*certificate));
    QCOMPARE(expired.check(u"not-expired")->outcome, CheckOutcome::Fail);
    QVERIFY(!expired.valid());
}

void TestForeignVectors::keyMatches_data()
{
    QTest::addColumn<QString>("keyFile");
    QTest::addColumn<QString>("publicFile"); // a DC, or a certificate (*cert*.pem)
    QTest::addColumn<KeyType>("keyType");
    QTest::addColumn<bool>("matches");

    const auto row = [](const char *keyFile, const char *publicFile, KeyType type, bool matches) {
        QTest::addRow("%s ~ %s", keyFile, publicFile)
            << QString::fromLatin1(keyFile) << QString::fromLatin1(publicFile) << type << matches;
    };
    using K = KeyType;
    row("01_fizz_p256_parent/parent_key.pem", "01_fizz_p256_parent/parent_cert.pem", K::EcP256,
        true);
    row("01_fizz_p256_parent/dc_key_p256.pem", "01_fizz_p256_parent/server_dc.pem", K::EcP256,
        true);
    row("01_fizz_p256_parent/dc_key_p256.pem", "01_fizz_p256_parent/server_dc.bin", K::EcP256,
        true);
    row("01_fizz_p256_parent/dc_key_p256.pem", "01_fizz_p256_parent/client_dc.pem", K::EcP256,
        true);
    row("01_fizz_p256_parent/dc_key_p256.pem", "01_fizz_p256_parent/client_dc.bin", K::EcP256,
        true);
    row("01_fizz_p256_parent/dc_key_p384.pem", "01_fizz_p256_parent/server_dc_p384.pem", K::EcP384,
        true);
    row("01_fizz_p256_parent/dc_key_p384_fizzlabel.pem", "01_fizz_p256_parent/server_dc_p384.bin",
        K::EcP384, true);
    row("01_fizz_p256_parent/peer_test_dc_key.pem", "01_fizz_p256_parent/peer_test_dc_good.hex",
        K::EcP256, true);
    row("01_fizz_p256_parent/dc_key_p256.pem", "01_fizz_p256_parent/peer_test_dc_good.hex",
        K::EcP256, false);

    row("02_tlswg_pr77_testvectors/cert_key.pem", "02_tlswg_pr77_testvectors/cert.pem", K::EcP256,
        true);
    row("02_tlswg_pr77_testvectors/p256_dc_key.pem", "02_tlswg_pr77_testvectors/p256_dc.pem",
        K::EcP256, true);
    row("02_tlswg_pr77_testvectors/p384_dc_key.pem", "02_tlswg_pr77_testvectors/p384_dc.pem",
        K::EcP384, true);
    row("02_tlswg_pr77_testvectors/p521_dc_key.pem", "02_tlswg_pr77_testvectors/p521_dc.pem",
        K::EcP521, true);
    row("02_tlswg_pr77_testvectors/ed25519_dc_key.pem", "02_tlswg_pr77_testvectors/ed25519_dc.pem",
        K::Ed25519, true);
    row("02_tlswg_pr77_testvectors/p256_dc_key.pem", "02_tlswg_pr77_testvectors/p384_dc.pem",
        K::EcP256, false);

    row("03_tls_tris_draft03/cert_key.pem", "03_tls_tris_draft03/cert.pem", K::EcP256, true);
    row("03_tls_tris_draft03/dc_key_tls13p256.pem", "03_tls_tris_draft03/dc_tls13p256.bin",
        K::EcP256, true);
    row("03_tls_tris_draft03/dc_key_tls13p521.pem", "03_tls_tris_draft03/dc_tls13p521.bin",
        K::EcP521, true);
    row("03_tls_tris_draft03/dc_key_tls12.pem", "03_tls_tris_draft03/dc_tls12.bin", K::EcP256,
        true);
    row("03_tls_tris_draft03/dc_key_badvers.pem", "03_tls_tris_draft03/dc_badvers.bin", K::EcP256,
        true);
    row("03_tls_tris_draft03/dc_key_badsig.pem", "03_tls_tris_draft03/dc_badsig.bin", K::EcP256,
        true);
    // The negative vector: a valid DC whose published key is not its key.
    row("03_tls_tris_draft03/dc_key_badkey.pem", "03_tls_tris_draft03/dc_badkey.bin", K::EcP256,
        false);
}

void TestForeignVectors::keyMatches()
{
    SKIP_WITHOUT_VECTORS();
    QFETCH(QString, keyFile);
    QFETCH(QString, publicFile);
    QFETCH(KeyType, keyType);
    QFETCH(bool, matches);

    auto key = decodePrivateKey(readVector(vectors + QLatin1Char('/') + keyFile));
    QVERIFY2(key.ok(), qPrintable(key.ok() ? QString() : key.errorMessage()));
    QCOMPARE(keyTypeOf(key->get()), keyType);

    EvpPkeyPtr publicKey;
    const SignatureScheme *scheme = nullptr;
    if (publicFile.contains(QLatin1String("cert"))) {
        auto certificate =
            Certificate::readFirst(readVector(vectors + QLatin1Char('/') + publicFile));
        QVERIFY(certificate.ok());
        publicKey.reset(certificate->publicKey());
        EVP_PKEY_up_ref(publicKey.get());
        scheme = certificateSchemeForKey(certificate->keyType());
    } else {
        auto document = readDelegatedCredentialFile(vectors + QLatin1Char('/') + publicFile);
        QVERIFY2(document.ok(), qPrintable(document.ok() ? QString() : document.errorMessage()));
        auto spki = decodeSubjectPublicKeyInfo(document->credential.subjectPublicKeyInfo);
        QVERIFY(spki.ok());
        publicKey = std::move(spki).value();
        scheme = signatureSchemeByCode(document->credential.dcCertVerifyAlgorithm);
    }
    QVERIFY(scheme);
    QCOMPARE(samePublicKey(key->get(), publicKey.get()), matches);

    // What a handshake would do with it: a CertificateVerify signed with the private key
    // verifies under the DC's public key only when they match.
    if (scheme->keyType != keyType) {
        QVERIFY(!matches);
        return;
    }
    const QByteArray transcript = QByteArrayLiteral("CertificateVerify input");
    auto signature = signWithScheme(key->get(), *scheme, transcript);
    QVERIFY(signature.ok());
    auto verdict = verifyWithScheme(publicKey.get(), *scheme, transcript, *signature);
    QVERIFY(verdict.ok());
    QCOMPARE(*verdict, matches);
}

void TestForeignVectors::legacyDraftRejected_data()
{
    QTest::addColumn<bool>("throughReader"); // readDelegatedCredentialFile, else the verifier

    QTest::newRow("dc_draft02.pem read as a DC file") << true;
    QTest::newRow("dc_draft02.pem bytes verified") << false;
}

void TestForeignVectors::legacyDraftRejected()
{
    SKIP_WITHOUT_VECTORS();
    QFETCH(bool, throughReader);

    const QString path = vectors + QStringLiteral("/05_gokeyless_draft02_legacy/dc_draft02.pem");
    if (throughReader) {
        auto document = readDelegatedCredentialFile(path);
        QVERIFY(!document.ok());
        QVERIFY2(document.errorMessage().contains(u"pre-RFC draft"),
                 qPrintable(document.errorMessage()));
        QVERIFY2(document.errorMessage().startsWith(path), qPrintable(document.errorMessage()));
        return;
    }
    auto blocks = parsePem(readVector(path));
    QVERIFY(blocks.ok());
    QCOMPARE(blocks->size(), 1);
    QCOMPARE(blocks->first().label, QStringLiteral("DELEGATED CREDENTIAL"));
    const QByteArray bytes = blocks->first().der;
    QCOMPARE(bytes.mid(6, 2), QByteArray::fromHex("0303")); // the draft's version field

    auto certificate = Certificate::readFirst(
        readVector(vectors + QStringLiteral("/05_gokeyless_draft02_legacy/cert.pem")));
    QVERIFY(certificate.ok());
    const DcVerification verification =
        verifyDelegatedCredential(*certificate, bytes, DcRole::Server, utc(2019, 1, 1));
    QVERIFY(!verification.valid());
    QVERIFY(!verification.credential.has_value());
    const DcCheck *parse = verification.check(u"parse");
    QCOMPARE(parse->outcome, CheckOutcome::Fail);
    QVERIFY2(parse->detail.contains(u"pre-RFC draft"), qPrintable(parse->detail));
    QCOMPARE(verification.check(u"signature")->outcome, CheckOutcome::Skipped);
}

QTEST_GUILESS_MAIN(TestForeignVectors)
#include "tst_foreign_vectors.moc"
