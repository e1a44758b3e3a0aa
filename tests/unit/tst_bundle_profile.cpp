// Export profiles: the files each server stack loads, a manifest that describes them, and
// never the certificate's private key.

#include "TestPki.h"
#include "common/FileIo.h"
#include "dc/DcDocument.h"
#include "export/BundleProfile.h"
#include "export/BundleVerifier.h"
#include "export/GenerationWriter.h"
#include "export/KubernetesSecret.h"
#include "export/TarGz.h"

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
    void kubernetesSecretCarriesTheBatonFiles();
    void archiveKeepsModes();
    void refusesMismatchedKey();
    void writesAsAGeneration();
    void verifiesEveryProfile_data();
    void verifiesEveryProfile();
    void verificationFindsProblems_data();
    void verificationFindsProblems();
    void verifiesEveryForm_data();
    void verifiesEveryForm();
    void verificationFindsFalseDescriptions_data();
    void verificationFindsFalseDescriptions();
    void verifyRefusesWhatIsNotABundle_data();
    void verifyRefusesWhatIsNotABundle();

private:
    std::vector<BundleFile> build(BundleProfile profile, bool legacy = false);
    QString writeFiles(const QTemporaryDir &dir, const std::vector<BundleFile> &files);
    QByteArray fileOf(const std::vector<BundleFile> &files, const QString &name);

    std::optional<TestIdentity> m_leaf;
    EvpPkeyPtr m_dcKey;
    QByteArray m_dc;
};

void BundleProfileTest::initTestCase()
{
    TestDelegation made = makeDelegation(kNow);
    m_leaf = std::move(made.leaf);
    m_dcKey = std::move(made.dcKey);
    m_dc = made.dc;
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
    QTest::newRow("k8s-secret") << u"k8s-secret"_qs
                                << QStringList{u"secret.yaml"_qs, u"manifest.json"_qs}
                                << QList<int>{0600, 0644};
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

void BundleProfileTest::kubernetesSecretCarriesTheBatonFiles()
{
    auto secret =
        readKubernetesSecret(fileOf(build(BundleProfile::KubernetesSecret), u"secret.yaml"_qs));
    QVERIFY2(secret, qPrintable(secret.errorMessage()));
    QCOMPARE(secret->name, u"baton-dc-"_qs + m_leaf->certificate.displayName());
    QCOMPARE(secret->type, u"Opaque"_qs);
    QCOMPARE(secret->annotations.value(QLatin1String(kSecretDcExpiryAnnotation)),
             u"2026-06-02T12:00:00Z"_qs);
    QCOMPARE(secret->annotations.value(QLatin1String(kSecretCertificateAnnotation)),
             colonHex(m_leaf->certificate.sha256Fingerprint()));
    // The same files as the baton profile, byte for byte.
    const std::vector<BundleFile> baton = build(BundleProfile::Baton);
    QCOMPARE(secret->data.size(), qsizetype(baton.size()));
    for (const BundleFile &file : baton)
        QCOMPARE(secret->data.value(file.name), file.data.bytes());
}

void BundleProfileTest::archiveKeepsModes()
{
    for (const QString &name : bundleProfileNames()) {
        const std::vector<BundleFile> files = build(*bundleProfileByName(name));
        auto archive = bundleArchive(files, kNow);
        QVERIFY2(archive, qPrintable(archive.errorMessage()));
        QCOMPARE(archive->name, u"bundle.tar.gz"_qs);
        QCOMPARE(archive->mode, 0600); // every profile carries the DC key
        auto members = readTarGz(archive->data.bytes());
        QVERIFY2(members, qPrintable(members.errorMessage()));
        QCOMPARE(members->size(), qsizetype(files.size()));
        for (qsizetype i = 0; i < members->size(); ++i) {
            QCOMPARE(members->at(i).name, files[size_t(i)].name);
            QCOMPARE(members->at(i).mode, files[size_t(i)].mode);
            QCOMPARE(members->at(i).data, files[size_t(i)].data.bytes());
        }
    }
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
    const qsizetype batonFiles = 4; // the k8s-secret profile's Secret holds the baton files
    QCOMPARE(
        qsizetype(std::count_if(report->checks.begin(), report->checks.end(),
                                [](const DcCheck &c) { return c.id.startsWith(u"file:"_qs); })),
        qsizetype(files.size() - 1) +
            (BundleProfile(profile) == BundleProfile::KubernetesSecret ? batonFiles : 0));
    QCOMPARE(report->form, u"directory"_qs);
}

QString BundleProfileTest::writeFiles(const QTemporaryDir &dir,
                                      const std::vector<BundleFile> &files)
{
    QList<GenerationFile> generation;
    for (const BundleFile &file : files)
        generation.append({file.name, file.data.bytes(), file.mode});
    auto written = writeGeneration(dir.path(), generation, kNow);
    if (!written)
        qFatal("%s", qPrintable(written.errorMessage()));
    return written->path;
}

void BundleProfileTest::verifiesEveryForm_data()
{
    QTest::addColumn<QString>("form");
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("expectedForm");
    QTest::addColumn<QString>("expectedProfile");
    for (const QString &name : bundleProfileNames()) {
        QTest::addRow("%s as bundle.tar.gz", qPrintable(name))
            << u"tar file"_qs << name << u"tar.gz"_qs << name;
        QTest::addRow("%s as a generation holding bundle.tar.gz", qPrintable(name))
            << u"tar generation"_qs << name << u"tar.gz"_qs << name;
    }
    QTest::newRow("secret.yaml on its own")
        << u"secret file"_qs << u"k8s-secret"_qs << u"Kubernetes Secret"_qs << u"k8s-secret"_qs;
    QTest::newRow("fizz-dc.pem on its own")
        << u"fizz file"_qs << u"fizz"_qs << u"Fizz PEM"_qs << u"fizz"_qs;
}

void BundleProfileTest::verifiesEveryForm()
{
    QFETCH(QString, form);
    QFETCH(QString, profile);
    QFETCH(QString, expectedForm);
    QFETCH(QString, expectedProfile);
    QTemporaryDir dir;
    std::vector<BundleFile> files = build(*bundleProfileByName(profile));
    QString path;
    if (form.startsWith(u"tar"_qs)) {
        auto archive = bundleArchive(files, kNow);
        QVERIFY(archive);
        files.clear();
        files.push_back(std::move(archive).value());
        const QString generation = writeFiles(dir, files);
        path = form == u"tar file"_qs ? generation + u"/bundle.tar.gz"_qs : dir.path();
    } else {
        path = writeFiles(dir, files) +
               (form == u"secret file"_qs ? u"/secret.yaml"_qs : u"/fizz-dc.pem"_qs);
    }
    auto report = verifyBundle(path, kNow.addSecs(60));
    QVERIFY2(report, qPrintable(report.errorMessage()));
    QCOMPARE(report->form, expectedForm);
    QCOMPARE(report->profile, expectedProfile);
    QVERIFY2(report->valid(), qPrintable(test::describeChecks(report->checks)));
    // The file that was read, through DIR/current when given DIR.
    QVERIFY2(report->source.endsWith(form.startsWith(u"tar"_qs) ? u"/bundle.tar.gz"_qs
                                                                : path.section(u'/', -1)),
             qPrintable(report->source));
    QCOMPARE(findCheck(report->checks, u"dc-key"_qs)->outcome, CheckOutcome::Pass);
    QCOMPARE(findCheck(report->checks, u"signature"_qs)->outcome, CheckOutcome::Pass);
    if (form == u"fizz file"_qs)
        QCOMPARE(findCheck(report->checks, u"manifest"_qs)->outcome, CheckOutcome::Warn);
    if (form == u"secret file"_qs)
        QCOMPARE(findCheck(report->checks, u"annotations"_qs)->outcome, CheckOutcome::Pass);
}

void BundleProfileTest::verificationFindsFalseDescriptions_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("from");
    QTest::addColumn<QByteArray>("to");
    QTest::addColumn<QString>("failingCheck");
    QTest::addColumn<QString>("detail");
    QTest::newRow("manifest lies about the expiry")
        << u"baton"_qs << u"manifest.json"_qs << QByteArray("2026-06-02T12:00:00Z")
        << QByteArray("2026-06-09T12:00:00Z") << u"manifest"_qs
        << u"says the DC expires 2026-06-09T12:00:00Z, it expires 2026-06-02T12:00:00Z"_qs;
    QTest::newRow("annotation lies about the expiry")
        << u"k8s-secret"_qs << u"secret.yaml"_qs
        << QByteArray("dc-expiry: \"2026-06-02T12:00:00Z\"")
        << QByteArray("dc-expiry: \"2026-06-03T12:00:00Z\"") << u"secret.yaml/annotations"_qs
        << u"says the DC expires 2026-06-03T12:00:00Z"_qs;
    QTest::newRow("annotation names another certificate")
        << u"k8s-secret"_qs << u"secret.yaml"_qs << QByteArray("certificate-sha256: \"")
        << QByteArray("certificate-sha256: \"00:") << u"secret.yaml/annotations"_qs
        << u"names another certificate"_qs;
}

void BundleProfileTest::verificationFindsFalseDescriptions()
{
    QFETCH(QString, profile);
    QFETCH(QString, file);
    QFETCH(QByteArray, from);
    QFETCH(QByteArray, to);
    QFETCH(QString, failingCheck);
    QFETCH(QString, detail);
    QTemporaryDir dir;
    const QString generation = writeFiles(dir, build(*bundleProfileByName(profile)));
    // Edited in place, and the manifest's hash of it with it, so only the description is false.
    const QString path = generation + u'/' + file;
    QByteArray data = *readFileBounded(path, 1 << 20);
    const QByteArray oldHash = QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
    QVERIFY(data.contains(from));
    data.replace(from, to);
    QVERIFY(writeFileAtomically(path, data, 0600, Overwrite::Replace));
    if (file != u"manifest.json"_qs) {
        const QString manifestPath = generation + u"/manifest.json"_qs;
        QByteArray manifest = *readFileBounded(manifestPath, 1 << 20);
        manifest.replace(oldHash,
                         QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
        QVERIFY(writeFileAtomically(manifestPath, manifest, 0644, Overwrite::Replace));
    }
    auto report = verifyBundle(dir.path(), kNow.addSecs(60));
    QVERIFY2(report, qPrintable(report.errorMessage()));
    QVERIFY(!report->valid());
    const DcCheck *failing = findCheck(report->checks, failingCheck);
    QVERIFY2(failing, qPrintable(test::describeChecks(report->checks)));
    QCOMPARE(failing->outcome, CheckOutcome::Fail);
    QVERIFY2(failing->detail.contains(detail), qPrintable(failing->detail));
    QCOMPARE(findCheck(report->checks, u"signature"_qs)->outcome, CheckOutcome::Pass);
}

void BundleProfileTest::verifyRefusesWhatIsNotABundle_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("contents");
    QTest::addColumn<QString>("message");
    QTest::newRow("a text file") << u"notes.txt"_qs << QByteArray("hello\n")
                                 << u"notes.txt: not a bundle: expected a bundle directory"_qs;
    QTest::newRow("a ConfigMap") << u"cm.yaml"_qs << QByteArray("apiVersion: v1\nkind: ConfigMap\n")
                                 << u"cm.yaml: not a Kubernetes Secret"_qs;
    QTest::newRow("a Secret of something else")
        << u"other.yaml"_qs << QByteArray("apiVersion: v1\nkind: Secret\ndata:\n  tls.crt: AAEC\n")
        << u"other.yaml:manifest.json: no manifest.json; not a bundle Baton wrote"_qs;
    QTest::newRow("a broken archive")
        << u"bundle.tar.gz"_qs << QByteArray("\x1f\x8b\x08\x00garbage")
        << u"bundle.tar.gz: the gzip stream is"_qs;
    QTest::newRow("nothing there") << QString() << QByteArray() << u"no such file or directory"_qs;
}

void BundleProfileTest::verifyRefusesWhatIsNotABundle()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, contents);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString path = dir.filePath(name.isEmpty() ? u"missing"_qs : name);
    if (!name.isEmpty())
        QVERIFY(writeFileAtomically(path, contents, 0644, Overwrite::Refuse));
    auto report = verifyBundle(path, kNow);
    QVERIFY(!report);
    QVERIFY2(report.errorMessage().contains(message), qPrintable(report.errorMessage()));
}

void BundleProfileTest::verificationFindsProblems_data()
{
    QTest::addColumn<QString>("problem");
    QTest::addColumn<QString>("failingCheck");
    QTest::newRow("a file edited after export") << u"edit"_qs << u"file:chain.pem"_qs;
    QTest::newRow("the key of another DC") << u"key"_qs << u"dc-key"_qs;
    QTest::newRow("judged after expiry") << u"expired"_qs << u"not-expired"_qs;
    QTest::newRow("the key file made readable by all") << u"mode"_qs << u"file:dc-key.pem"_qs;
    QTest::newRow("a file missing") << u"missing"_qs << u"file:dc.pem"_qs;
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
    auto written = writeGeneration(dir.path(), generation, kNow);
    QVERIFY(written);
    if (problem == u"mode"_qs)
        QVERIFY(QFile::setPermissions(written->path + u"/dc-key.pem"_qs,
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
    if (problem == u"missing"_qs)
        QVERIFY(QFile::remove(written->path + u"/dc.pem"_qs));
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
