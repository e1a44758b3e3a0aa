// Export profiles: the files each server stack loads, a manifest that describes them, and
// never the certificate's private key.

#include "TestPki.h"
#include "common/FileIo.h"
#include "dc/DcDocument.h"
#include "dc/DcIssuer.h"
#include "export/BundleProfile.h"
#include "export/BundleVerifier.h"
#include "export/GenerationWriter.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <openssl/bn.h>
#include <openssl/core_names.h>

using namespace baton;
using namespace baton::test;

namespace {
const QDateTime kNow = utc(2026, 6, 1, 12);
}

class BundleProfileTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void profiles_data();
    void profiles();
    void encodingsReadBack_data();
    void encodingsReadBack();
    void legacyFizzLabels();
    void refusesMismatchedKey();
    void writesAsAGeneration();
    void verifiesEveryProfile_data();
    void verifiesEveryProfile();
    void verificationFindsProblems_data();
    void verificationFindsProblems();

private:
    std::vector<BundleFile> build(BundleProfile profile, bool legacy = false);
    QByteArray fileOf(const std::vector<BundleFile> &files, const QString &name);

    std::optional<TestIdentity> m_leaf;
    EvpPkeyPtr m_dcKey;
    QByteArray m_dc;
};

void BundleProfileTest::initTestCase()
{
    m_leaf = makeIdentity();
    m_dcKey = makeKey(u"ecdsa-p256"_qs);
    auto issued = issueDelegatedCredential({.certificate = m_leaf->certificate,
                                            .certificateKey = m_leaf->key.get(),
                                            .dcKey = m_dcKey.get(),
                                            .now = kNow});
    QVERIFY2(issued, qPrintable(issued.errorMessage()));
    m_dc = issued->bytes;
}

std::vector<BundleFile> BundleProfileTest::build(BundleProfile profile, bool legacy)
{
    auto files = buildBundle(profile, {.chain = {m_leaf->certificate},
                                       .dc = m_dc,
                                       .dcKey = m_dcKey.get(),
                                       .issuedAt = kNow,
                                       .legacyFizzLabels = legacy});
    if (!files)
        qFatal("%s", qPrintable(files.errorMessage()));
    return std::move(files).value();
}

QByteArray BundleProfileTest::fileOf(const std::vector<BundleFile> &files, const QString &name)
{
    for (const BundleFile &file : files) {
        if (file.name == name)
            return file.data.bytes();
    }
    return {};
}

void BundleProfileTest::profiles_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QList<int>>("modes");
    QTest::newRow("baton") << u"baton"_qs
                           << QStringList{u"dc.bin"_qs, u"dc.pem"_qs, u"dc-key.pem"_qs,
                                          u"chain.pem"_qs, u"manifest.json"_qs}
                           << QList<int>{0644, 0644, 0600, 0644, 0644};
    QTest::newRow("fizz") << u"fizz"_qs
                          << QStringList{u"fizz-dc.pem"_qs, u"dc.bin"_qs, u"manifest.json"_qs}
                          << QList<int>{0600, 0644, 0644};
    QTest::newRow("cloudflare-go")
        << u"cloudflare-go"_qs
        << QStringList{u"dc.cred"_qs, u"dckey.pem"_qs, u"chain.pem"_qs, u"manifest.json"_qs}
        << QList<int>{0644, 0600, 0644, 0644};
    QTest::newRow("boringssl") << u"boringssl"_qs
                               << QStringList{u"dc.bin"_qs, u"dc-key.der"_qs, u"chain.pem"_qs,
                                              u"README.txt"_qs, u"manifest.json"_qs}
                               << QList<int>{0644, 0600, 0644, 0644, 0644};
    QTest::newRow("nss") << u"nss"_qs
                         << QStringList{u"dc.bin"_qs, u"dc-key.der"_qs, u"chain.pem"_qs,
                                        u"manifest.json"_qs}
                         << QList<int>{0644, 0600, 0644, 0644};
    QTest::newRow("interop-runner")
        << u"interop-runner"_qs << QStringList{u"dc.txt"_qs, u"chain.pem"_qs, u"manifest.json"_qs}
        << QList<int>{0600, 0644, 0644};
}

void BundleProfileTest::profiles()
{
    QFETCH(QString, profile);
    QFETCH(QStringList, names);
    QFETCH(QList<int>, modes);
    const auto parsed = bundleProfileByName(profile);
    QVERIFY(parsed);
    QCOMPARE(bundleProfileName(*parsed), profile);
    const std::vector<BundleFile> files = build(*parsed);
    QStringList builtNames;
    QList<int> builtModes;
    for (const BundleFile &file : files) {
        builtNames << file.name;
        builtModes << file.mode;
    }
    QCOMPARE(builtNames, names);
    QCOMPARE(builtModes, modes);

    // The manifest describes every other file exactly.
    const QJsonObject manifest =
        QJsonDocument::fromJson(fileOf(files, u"manifest.json"_qs)).object();
    QCOMPARE(manifest[u"profile"_qs].toString(), profile);
    QCOMPARE(manifest[u"role"_qs].toString(), u"server"_qs);
    QCOMPARE(manifest[u"dcExpiry"_qs].toString(), u"2026-06-02T12:00:00Z"_qs);
    QCOMPARE(manifest[u"issuedAt"_qs].toString(), u"2026-06-01T12:00:00Z"_qs);
    QCOMPARE(manifest[u"certificateNotAfter"_qs].toString(), u"2027-01-01T00:00:00Z"_qs);
    QCOMPARE(manifest[u"dcCertVerifyAlgorithm"_qs].toString(),
             u"ecdsa_secp256r1_sha256 (0x0403)"_qs);
    const QJsonArray listed = manifest[u"files"_qs].toArray();
    QCOMPARE(listed.size(), names.size() - 1);
    for (const QJsonValue &entry : listed) {
        const QString name = entry[u"name"_qs].toString();
        QCOMPARE(
            entry[u"sha256"_qs].toString(),
            QString::fromLatin1(
                QCryptographicHash::hash(fileOf(files, name), QCryptographicHash::Sha256).toHex()));
    }

    // The point of delegation: the certificate's private key is in no file of any bundle.
    BIGNUM *scalar = nullptr;
    QVERIFY(EVP_PKEY_get_bn_param(m_leaf->key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &scalar));
    QByteArray secretScalar(BN_num_bytes(scalar), Qt::Uninitialized);
    BN_bn2bin(scalar, reinterpret_cast<unsigned char *>(secretScalar.data()));
    BN_clear_free(scalar);
    QVERIFY(secretScalar.size() >= 30);
    for (const BundleFile &file : files) {
        QVERIFY2(!file.data.bytes().contains(secretScalar), qPrintable(file.name));
        QVERIFY2(!file.data.bytes().contains(secretScalar.toBase64().left(30)),
                 qPrintable(file.name));
        QVERIFY2(!file.data.bytes().contains(secretScalar.toHex()), qPrintable(file.name));
    }
}

void BundleProfileTest::encodingsReadBack_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("encoding");
    QTest::addColumn<bool>("carriesKey");
    QTest::newRow("baton dc.bin") << u"baton"_qs << u"dc.bin"_qs << int(DcEncoding::Binary)
                                  << false;
    QTest::newRow("baton dc.pem") << u"baton"_qs << u"dc.pem"_qs << int(DcEncoding::Pem) << false;
    QTest::newRow("fizz combined")
        << u"fizz"_qs << u"fizz-dc.pem"_qs << int(DcEncoding::FizzCombinedPem) << true;
    QTest::newRow("interop-runner")
        << u"interop-runner"_qs << u"dc.txt"_qs << int(DcEncoding::InteropRunner) << true;
}

void BundleProfileTest::encodingsReadBack()
{
    QFETCH(QString, profile);
    QFETCH(QString, file);
    QFETCH(int, encoding);
    QFETCH(bool, carriesKey);
    const std::vector<BundleFile> files = build(*bundleProfileByName(profile));
    auto document = readDelegatedCredential(fileOf(files, file));
    QVERIFY2(document, qPrintable(document.errorMessage()));
    QCOMPARE(int(document->encoding), encoding);
    QCOMPARE(document->bytes, m_dc);
    QCOMPARE(!document->privateKey.isEmpty(), carriesKey);
    if (carriesKey) {
        auto key = decodePrivateKey(document->privateKey.bytes());
        QVERIFY2(key, qPrintable(key.errorMessage()));
        QVERIFY(samePublicKey(key->get(), m_dcKey.get()));
    }
    if (encoding == int(DcEncoding::FizzCombinedPem)) {
        QCOMPARE(document->certificateDer, m_leaf->certificate.der());
        QCOMPARE(document->pemLabel, u"SERVER DELEGATED CREDENTIAL"_qs);
        // Fizz reads the DC's base64 from a single line.
        QCOMPARE(fileOf(files, file).split('\n').at(1), m_dc.toBase64());
    }
}

void BundleProfileTest::legacyFizzLabels()
{
    const QByteArray pem = fileOf(build(BundleProfile::Fizz, true), u"fizz-dc.pem"_qs);
    QVERIFY(pem.startsWith("-----BEGIN DELEGATED CREDENTIAL-----\n"));
    QVERIFY(pem.contains(pemBeginLine(QStringLiteral("PRIVATE KEY")) + '\n'));
    auto document = readDelegatedCredential(pem);
    QVERIFY(document);
    QCOMPARE(document->encoding, DcEncoding::FizzCombinedPem);
    QVERIFY(!document->labelledRole);
}

void BundleProfileTest::refusesMismatchedKey()
{
    const EvpPkeyPtr other = makeKey(u"ecdsa-p256"_qs);
    auto files = buildBundle(
        BundleProfile::Baton,
        {.chain = {m_leaf->certificate}, .dc = m_dc, .dcKey = other.get(), .issuedAt = kNow});
    QVERIFY(!files);
    QVERIFY(files.errorMessage().contains(u"does not belong to the DC"_qs));
    auto broken = buildBundle(BundleProfile::Baton, {.chain = {m_leaf->certificate},
                                                     .dc = m_dc.left(20),
                                                     .dcKey = m_dcKey.get(),
                                                     .issuedAt = kNow});
    QVERIFY(!broken);
    QVERIFY(broken.errorMessage().startsWith(u"the DC cannot be read: "_qs));
}

void BundleProfileTest::writesAsAGeneration()
{
    QTemporaryDir dir;
    const std::vector<BundleFile> files = build(BundleProfile::Baton);
    QList<GenerationFile> generation;
    for (const BundleFile &file : files)
        generation.append({file.name, file.data.bytes(), file.mode});
    auto written = writeGeneration(dir.filePath(u"out"_qs), generation, kNow);
    QVERIFY2(written, qPrintable(written.errorMessage()));
    auto document = readDelegatedCredentialFile(dir.filePath(u"out/current/dc.pem"_qs));
    QVERIFY(document);
    QCOMPARE(document->bytes, m_dc);
}

void BundleProfileTest::verifiesEveryProfile_data()
{
    QTest::addColumn<int>("profile");
    for (const QString &name : bundleProfileNames())
        QTest::newRow(qPrintable(name)) << int(*bundleProfileByName(name));
}

void BundleProfileTest::verifiesEveryProfile()
{
    QFETCH(int, profile);
    QTemporaryDir dir;
    const std::vector<BundleFile> files = build(BundleProfile(profile));
    QList<GenerationFile> generation;
    for (const BundleFile &file : files)
        generation.append({file.name, file.data.bytes(), file.mode});
    QVERIFY(writeGeneration(dir.path(), generation, kNow));
    auto report = verifyBundle(dir.path(), kNow.addSecs(60));
    QVERIFY2(report, qPrintable(report.errorMessage()));
    QCOMPARE(report->profile, bundleProfileName(BundleProfile(profile)));
    QVERIFY2(report->valid(), qPrintable(test::describeChecks(report->checks)));
    QVERIFY(findCheck(report->checks, u"dc-key"_qs));
    QVERIFY(findCheck(report->checks, u"signature"_qs));
    QCOMPARE(
        qsizetype(std::count_if(report->checks.begin(), report->checks.end(),
                                [](const DcCheck &c) { return c.id.startsWith(u"file:"_qs); })),
        qsizetype(files.size() - 1));
}

void BundleProfileTest::verificationFindsProblems_data()
{
    QTest::addColumn<QString>("problem");
    QTest::addColumn<QString>("failingCheck");
    QTest::newRow("a file edited after export") << u"edit"_qs << u"file:chain.pem"_qs;
    QTest::newRow("the key of another DC") << u"key"_qs << u"dc-key"_qs;
    QTest::newRow("judged after expiry") << u"expired"_qs << u"not-expired"_qs;
}

void BundleProfileTest::verificationFindsProblems()
{
    QFETCH(QString, problem);
    QFETCH(QString, failingCheck);
    QTemporaryDir dir;
    const EvpPkeyPtr other = makeKey(u"ecdsa-p256"_qs);
    std::vector<BundleFile> files = build(BundleProfile::Baton);
    QList<GenerationFile> generation;
    const QByteArray otherKey = encodePrivateKeyPkcs8Pem(other.get())->bytes();
    const QByteArray editedChain = fileOf(files, u"chain.pem"_qs) + "\n";
    for (const BundleFile &file : files) {
        QByteArrayView data = file.data.bytes();
        if (problem == u"edit"_qs && file.name == u"chain.pem"_qs)
            data = editedChain;
        if (problem == u"key"_qs && file.name == u"dc-key.pem"_qs)
            data = otherKey;
        generation.append({file.name, data, file.mode});
    }
    QVERIFY(writeGeneration(dir.path(), generation, kNow));
    const QDateTime at = problem == u"expired"_qs ? kNow.addDays(2) : kNow.addSecs(60);
    auto report = verifyBundle(dir.path(), at);
    QVERIFY2(report, qPrintable(report.errorMessage()));
    QVERIFY(!report->valid());
    const DcCheck *failing = findCheck(report->checks, failingCheck);
    QVERIFY(failing);
    QCOMPARE(failing->outcome, CheckOutcome::Fail);
}

QTEST_GUILESS_MAIN(BundleProfileTest)
#include "tst_bundle_profile.moc"
