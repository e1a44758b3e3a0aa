// The workspace file: how it is created and recognised, the vault (its passphrase, the upgrade
// of a legacy vault, a passphrase change, keys bound to their rows), what an import stores (and
// never stores: plaintext keys), finding certificates, policies, targets and the append-only
// event log. PRAGMA integrity_check after every test.

#include "LegacyVaultWriter.h"
#include "RawSql.h"
#include "TestPki.h"
#include "common/FileIo.h"
#include "common/Pem.h"
#include "crypto/KeyCodec.h"
#include "dc/DcIssuer.h"
#include "import/Importer.h"
#include "store/Workspace.h"
#include "store/WorkspaceSql.h"
#include "vault/KeyVault.h"
#include "x509/CertificateModel.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <sys/stat.h>

Q_DECLARE_METATYPE(baton::test::CertificateOptions)
Q_DECLARE_METATYPE(baton::ScryptParameters)

using namespace baton;
using namespace baton::test;

namespace {

const QDateTime kNow = utc(2026, 6, 1, 12);
const QByteArray kPassphrase = "correct horse battery staple";
const QString kWrong = QLatin1String(kWrongPassphrase);

int fileMode(const QString &path)
{
    struct stat info
    {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? int(info.st_mode & 0777) : -1;
}

} // namespace

class WorkspaceTest : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void createsAPrivateFile();
    void refusesToReplace();
    void recognisesWhatIsNotAWorkspace_data();
    void recognisesWhatIsNotAWorkspace();
    void passphrase_data();
    void passphrase();
    void importsCertificateKeyAndDc();
    void keysNeverInPlaintext();
    void lockedWorkspaceSkipsKeys();
    void resolvesCertificates_data();
    void resolvesCertificates();
    void policiesAndTargets_data();
    void policiesAndTargets();
    void eventLogIsAppendOnly_data();
    void eventLogIsAppendOnly();
    void commitsStayDurable_data();
    void commitsStayDurable();
    void readOnlyAccess();
    void migratesAnOlderSchema();
    void upgradesALegacyVault_data();
    void upgradesALegacyVault();
    void legacyVaultReadOnly();
    void upgradeKeepsTheLegacyVaultOnFailure_data();
    void upgradeKeepsTheLegacyVaultOnFailure();
    void changesThePassphrase();
    void sealedKeyOpensOnlyInItsRow();
    void summariesForListsAndSearch();
    void renewalArrivesWithItsKey();
    void checksWhatRotationNeeds_data();
    void checksWhatRotationNeeds();
    void keepsWhereATokenKeyIs();
    void tokenKeysBeforeSchema7_data();
    void tokenKeysBeforeSchema7();

private:
    std::unique_ptr<Workspace> makeWorkspace();
    /// A legacy (schema 5) workspace holding each identity's certificate and key, and the DCs
    /// with their keys, as a Baton before the envelope vault stored them.
    void makeLegacyWorkspaceWith(const QList<const TestIdentity *> &identities,
                                 const QList<std::pair<QByteArray, const EVP_PKEY *>> &dcs,
                                 const ScryptParameters &work = kFastWork);
    QVariant setting(const char *name) const;
    int schema() const;
    /// Imports a fresh identity (certificate and key), returns its certificate id.
    qint64 importIdentity(Workspace &workspace, const CertificateOptions &options = {});

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void WorkspaceTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = m_dir->filePath(u"workspace.baton"_qs);
}

void WorkspaceTest::cleanup()
{
    if (QFileInfo::exists(m_path)) {
        auto workspace = Workspace::open(m_path);
        if (workspace)
            QVERIFY2((*workspace)->integrityCheck(),
                     qPrintable((*workspace)->integrityCheck().errorMessage()));
    }
}

std::unique_ptr<Workspace> WorkspaceTest::makeWorkspace()
{
    auto workspace = Workspace::create(m_path, kPassphrase, kNow, kFastWork);
    if (!workspace)
        qFatal("%s", qPrintable(workspace.errorMessage()));
    return std::move(workspace).value();
}

qint64 WorkspaceTest::importIdentity(Workspace &workspace, const CertificateOptions &options)
{
    const TestIdentity identity = makeIdentity(options);
    const ImportResult found =
        importData(identity.certificatePem + identity.keyPem, u"identity.pem"_qs);
    auto report = workspace.importObjects(found.objects, kNow);
    if (!report)
        qFatal("%s", qPrintable(report.errorMessage()));
    auto record = workspace.resolveCertificate(
        QString::fromLatin1(identity.certificate.sha256Fingerprint().toHex()));
    if (!record)
        qFatal("%s", qPrintable(record.errorMessage()));
    return record->id;
}

void WorkspaceTest::makeLegacyWorkspaceWith(
    const QList<const TestIdentity *> &identities,
    const QList<std::pair<QByteArray, const EVP_PKEY *>> &dcs, const ScryptParameters &work)
{
    makeLegacyWorkspace(m_path, kPassphrase, kNow, work);
    QByteArray certificates;
    for (const TestIdentity *identity : identities) {
        certificates += identity->certificatePem;
        addLegacyKey(m_path, identity->key.get(), kPassphrase, work);
    }
    for (const auto &[dc, key] : dcs) {
        certificates += encodePem(u"SERVER DELEGATED CREDENTIAL"_qs, dc);
        addLegacyKey(m_path, key, kPassphrase, work);
    }
    // Locked: the certificates and DCs go in, and unlocking would upgrade the vault.
    auto workspace = Workspace::open(m_path);
    QVERIFY2(workspace, qPrintable(workspace.errorMessage()));
    auto report =
        (*workspace)->importObjects(importData(certificates, u"legacy.pem"_qs).objects, kNow);
    QVERIFY2(report, qPrintable(report.errorMessage()));
    for (const ImportOutcome &outcome : report->objects)
        QCOMPARE(outcome.result, ImportOutcome::Result::Added);
}

QVariant WorkspaceTest::setting(const char *name) const
{
    return rawValue(m_path,
                    u"SELECT value FROM settings WHERE name = '%1'"_qs.arg(QLatin1String(name)));
}

int WorkspaceTest::schema() const
{
    return rawValue(m_path, u"PRAGMA user_version"_qs).toInt();
}

void WorkspaceTest::createsAPrivateFile()
{
    auto workspace = makeWorkspace();
    QCOMPARE(fileMode(m_path), 0600);
    QVERIFY(workspace->unlocked());
    // Nothing left beside it from building it under a temporary name.
    const QStringList left = QDir(m_dir->path()).entryList(QDir::Files);
    for (const QString &name : left)
        QVERIFY2(name.startsWith(u"workspace.baton"_qs) && !name.contains(u".tmp-"_qs),
                 qPrintable(name));
    workspace.reset();
    auto reopened = Workspace::open(m_path);
    QVERIFY2(reopened, qPrintable(reopened.errorMessage()));
    QVERIFY(!(*reopened)->unlocked());
    auto events = (*reopened)->events();
    QVERIFY(events);
    QCOMPARE(events->size(), 1);
    QCOMPARE(events->first().kind, u"workspace"_qs);
    QCOMPARE(events->first().at, kNow);
}

void WorkspaceTest::refusesToReplace()
{
    QVERIFY(writeFileAtomically(m_path, "precious", 0644, Overwrite::Refuse));
    auto workspace = Workspace::create(m_path, kPassphrase, kNow, kFastWork);
    QVERIFY(!workspace);
    QVERIFY2(workspace.errorMessage().contains(u"already exists; not replacing it"_qs),
             qPrintable(workspace.errorMessage()));
    QCOMPARE(*readFileBounded(m_path, 100), QByteArray("precious"));
    QFile::remove(m_path);
}

void WorkspaceTest::recognisesWhatIsNotAWorkspace_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing") << u"missing"_qs << u"no workspace at"_qs;
    QTest::newRow("a text file") << u"text"_qs << u"not a Baton workspace (not an SQLite file)"_qs;
    QTest::newRow("another application's database")
        << u"foreign"_qs << u"an SQLite database of another application"_qs;
    QTest::newRow("a newer Baton's workspace")
        << u"newer"_qs
        << u"made by a newer Baton (workspace schema 99; this one reads up to %1)"_qs.arg(
               kWorkspaceSchemaVersion);
    QTest::newRow("damaged pages") << u"damaged"_qs << u"the workspace is damaged"_qs;
    QTest::newRow("a directory") << u"directory"_qs << u"is not a file"_qs;
}

void WorkspaceTest::recognisesWhatIsNotAWorkspace()
{
    QFETCH(QString, kind);
    QFETCH(QString, message);
    if (kind == u"text"_qs) {
        QVERIFY(writeFileAtomically(m_path, QByteArray(8192, 'x'), 0600, Overwrite::Refuse));
    } else if (kind == u"foreign"_qs) {
        QCOMPARE(rawSql(m_path, u"CREATE TABLE songs (title TEXT)"_qs), QString());
    } else if (kind == u"newer"_qs) {
        makeWorkspace().reset();
        QCOMPARE(rawSql(m_path, u"PRAGMA user_version = 99"_qs), QString());
    } else if (kind == u"damaged"_qs) {
        {
            auto workspace = makeWorkspace();
            for (int i = 0; i < 20; ++i)
                importIdentity(*workspace);
        }
        // Garbage over the pages after the first: the header still says SQLite.
        QFile file(m_path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.size() > 16384);
        file.seek(4096);
        file.write(QByteArray(file.size() - 4096, '\xa5'));
        file.close();
    } else if (kind == u"directory"_qs) {
        QVERIFY(QDir().mkpath(m_path));
    }
    Result<std::unique_ptr<Workspace>> workspace = Workspace::open(m_path);
    QString error = workspace ? QString() : workspace.errorMessage();
    if (workspace) // damage may only show when the damaged pages are read
        error = (*workspace)->integrityCheck().errorMessage() +
                (*workspace)->certificates().errorMessage();
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY(kind == u"missing"_qs || kind == u"directory"_qs || error.startsWith(m_path));
    QDir(m_path).removeRecursively();
    QFile::remove(m_path); // what is not a workspace gets no integrity check in cleanup()
}

void WorkspaceTest::passphrase_data()
{
    QTest::addColumn<QByteArray>("given");
    QTest::addColumn<QString>("error");
    QTest::newRow("right") << kPassphrase << QString();
    QTest::newRow("wrong") << QByteArray("correct horse battery stapler") << u"wrong passphrase"_qs;
    QTest::newRow("empty") << QByteArray() << u"wrong passphrase"_qs;
}

void WorkspaceTest::passphrase()
{
    QFETCH(QByteArray, given);
    QFETCH(QString, error);
    makeWorkspace().reset();
    auto workspace = Workspace::open(m_path);
    QVERIFY(workspace);
    const Status unlocked = (*workspace)->unlock(given);
    QCOMPARE(unlocked.errorMessage(), error);
    QCOMPARE((*workspace)->unlocked(), error.isEmpty());
}

void WorkspaceTest::importsCertificateKeyAndDc()
{
    auto workspace = makeWorkspace();
    const TestIdentity identity = makeIdentity();
    const EvpPkeyPtr dcKey = makeKey(u"ecdsa-p256"_qs);
    auto issued = issueDelegatedCredential({.certificate = identity.certificate,
                                            .certificateKey = identity.key.get(),
                                            .dcKey = dcKey.get(),
                                            .now = kNow});
    QVERIFY(issued);
    const QByteArray input = identity.certificatePem + identity.keyPem +
                             encodePrivateKeyPkcs8Pem(dcKey.get())->bytes() +
                             encodePem(u"SERVER DELEGATED CREDENTIAL"_qs, issued->bytes);
    const ImportResult found = importData(input, u"bundle.pem"_qs);
    auto first = workspace->importObjects(found.objects, kNow);
    QVERIFY2(first, qPrintable(first.errorMessage()));
    QCOMPARE(first->objects.size(), found.objects.size());
    for (const ImportOutcome &outcome : first->objects)
        QVERIFY2(outcome.result == ImportOutcome::Result::Added,
                 qPrintable(outcome.location + u": "_qs + outcome.detail));

    auto certificates = workspace->certificates();
    QVERIFY(certificates);
    QCOMPARE(certificates->size(), 1);
    QVERIFY(certificates->first().hasKey);
    QCOMPARE(certificates->first().sha256,
             QString::fromLatin1(identity.certificate.sha256Fingerprint().toHex()));
    auto dcs = workspace->dcs();
    QVERIFY(dcs);
    QCOMPARE(dcs->size(), 1);
    QCOMPARE(dcs->first().bytes, issued->bytes);
    QCOMPARE(dcs->first().certificateId, certificates->first().id);
    QCOMPARE(dcs->first().expiresAt, issued->expiry);
    QVERIFY(dcs->first().hasKey);
    auto key = workspace->dcKey(dcs->first().id);
    QVERIFY2(key, qPrintable(key.errorMessage()));
    QVERIFY(samePublicKey(key->get(), dcKey.get()));
    QCOMPARE(*workspace->holdsKey(identity.key.get()), true);
    QCOMPARE(*workspace->holdsKey(makeKey(u"ecdsa-p256"_qs).get()), false);
    auto certificateKey = workspace->certificateKey(certificates->first().id);
    QVERIFY(certificateKey);
    QVERIFY(samePublicKey(certificateKey->get(), identity.key.get()));

    // The same input again changes nothing.
    auto second = workspace->importObjects(found.objects, kNow);
    QVERIFY(second);
    for (const ImportOutcome &outcome : second->objects)
        QCOMPARE(outcome.result, ImportOutcome::Result::AlreadyPresent);
    QCOMPARE(workspace->certificates()->size(), 1);
    QCOMPARE(workspace->dcs()->size(), 1);

    // A DC no certificate here signed is refused, not stored unbound.
    const TestIdentity stranger = makeIdentity();
    auto foreign = issueDelegatedCredential(
        {.certificate = stranger.certificate, .certificateKey = stranger.key.get(), .now = kNow});
    QVERIFY(foreign);
    auto orphan =
        workspace->importObjects(importData(foreign->bytes.toHex(), u"dc.txt"_qs).objects, kNow);
    QVERIFY(orphan);
    QCOMPARE(orphan->objects.first().result, ImportOutcome::Result::Failed);
    QVERIFY(orphan->objects.first().detail.contains(u"no certificate in the workspace signed"_qs));
    QCOMPARE(workspace->dcs()->size(), 1);

    // A client DC whose key is not here reads back as exactly that, listed and by id.
    auto client = issueDelegatedCredential({.certificate = identity.certificate,
                                            .certificateKey = identity.key.get(),
                                            .role = DcRole::Client,
                                            .now = kNow});
    QVERIFY(client);
    QVERIFY(workspace->importObjects(
        importData(encodePem(u"CLIENT DELEGATED CREDENTIAL"_qs, client->bytes), u"c.pem"_qs)
            .objects,
        kNow));
    dcs = workspace->dcs(certificates->first().id);
    QVERIFY(dcs);
    QCOMPARE(dcs->size(), 2);
    QCOMPARE(dcs->first().role, DcRole::Server);
    const DcRecord &listed = dcs->last();
    QCOMPARE(listed.role, DcRole::Client);
    QVERIFY(!listed.hasKey);
    QCOMPARE(listed.bytes, client->bytes);
    auto byId = workspace->dc(listed.id);
    QVERIFY(byId);
    QCOMPARE(byId->role, DcRole::Client);
    QVERIFY(!byId->hasKey);
    QCOMPARE(byId->expiresAt, client->expiry);
}

void WorkspaceTest::keysNeverInPlaintext()
{
    auto workspace = makeWorkspace();
    const TestIdentity identity = makeIdentity();
    QVERIFY(workspace->importObjects(importData(identity.keyPem, u"key.pem"_qs).objects, kNow));
    BIGNUM *scalar = nullptr;
    QVERIFY(EVP_PKEY_get_bn_param(identity.key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &scalar));
    QByteArray secret(BN_num_bytes(scalar), Qt::Uninitialized);
    BN_bn2bin(scalar, reinterpret_cast<unsigned char *>(secret.data()));
    BN_clear_free(scalar);
    const QByteArray pkcs8 = encodePrivateKeyPkcs8Der(identity.key.get())->bytes();
    workspace.reset(); // everything checkpointed into the file
    // The file and anything SQLite keeps beside it.
    for (const char *suffix : {"", "-wal", "-shm"}) {
        auto read = readFileBounded(m_path + QLatin1String(suffix), 64 << 20);
        const QByteArray bytes = read ? *read : QByteArray();
        if (*suffix == '\0')
            QVERIFY(bytes.size() > 4096);
        QVERIFY(!bytes.contains(secret));
        QVERIFY(!bytes.contains(secret.toHex()));
        QVERIFY(!bytes.contains(secret.toBase64()));
        QVERIFY(!bytes.contains(pkcs8.mid(pkcs8.size() - 40)));
        QVERIFY(!bytes.contains(identity.keyPem.mid(40, 40)));
    }
}

void WorkspaceTest::lockedWorkspaceSkipsKeys()
{
    makeWorkspace().reset();
    auto workspace = Workspace::open(m_path);
    QVERIFY(workspace);
    const TestIdentity identity = makeIdentity();
    auto report =
        (*workspace)
            ->importObjects(
                importData(identity.certificatePem + identity.keyPem, u"x.pem"_qs).objects, kNow);
    QVERIFY(report);
    QCOMPARE(report->objects.size(), 2);
    QCOMPARE(report->objects[0].result, ImportOutcome::Result::Added);
    QCOMPARE(report->objects[1].result, ImportOutcome::Result::Failed);
    QVERIFY(report->objects[1].detail.contains(u"the workspace is locked"_qs));
    QVERIFY(!(*workspace)->certificates()->first().hasKey);
}

void WorkspaceTest::resolvesCertificates_data()
{
    QTest::addColumn<QString>("reference");
    QTest::addColumn<QString>("expected"); ///< the CN found, or the start of the error
    QTest::newRow("id") << u"2"_qs << u"b.test"_qs;
    QTest::newRow("common name") << u"a.test"_qs << u"a.test"_qs;
    QTest::newRow("DNS name, any case") << u"WWW.B.TEST"_qs << u"b.test"_qs;
    QTest::newRow("fingerprint prefix") << u"fingerprint:b"_qs << u"b.test"_qs;
    QTest::newRow("fingerprint prefix with colons") << u"colons:b"_qs << u"b.test"_qs;
    QTest::newRow("ambiguous name")
        << u"shared.test"_qs << u"'shared.test' names 2 certificates"_qs;
    QTest::newRow("unknown") << u"nowhere.test"_qs << u"no certificate in the workspace is"_qs;
    QTest::newRow("too short a prefix") << u"ab"_qs << u"no certificate in the workspace is"_qs;
}

void WorkspaceTest::resolvesCertificates()
{
    QFETCH(QString, reference);
    QFETCH(QString, expected);
    auto workspace = makeWorkspace();
    CertificateOptions a;
    a.commonName = u"a.test"_qs;
    a.dnsNames = {u"a.test"_qs, u"shared.test"_qs};
    CertificateOptions b;
    b.commonName = u"b.test"_qs;
    b.dnsNames = {u"b.test"_qs, u"www.b.test"_qs, u"shared.test"_qs};
    importIdentity(*workspace, a);
    const qint64 bId = importIdentity(*workspace, b);
    const QString bSha = workspace->certificate(bId)->sha256;
    if (reference == u"fingerprint:b"_qs)
        reference = bSha.left(10);
    if (reference == u"colons:b"_qs)
        reference = colonHex(QByteArray::fromHex(bSha.toLatin1())).left(14);
    auto found = workspace->resolveCertificate(reference);
    const QString got = found ? found->certificate.commonName() : found.errorMessage();
    QVERIFY2(got.startsWith(expected), qPrintable(got));
}

void WorkspaceTest::policiesAndTargets_data()
{
    QTest::addColumn<qint64>("lifetime");
    QTest::addColumn<qint64>("renewBefore");
    QTest::addColumn<QString>("algorithm");
    QTest::addColumn<QString>("error");
    QTest::newRow("defaults") << qint64(86400) << qint64(43200) << u"ecdsa-p256"_qs << QString();
    QTest::newRow("renew-before not shorter")
        << qint64(3600) << qint64(3600) << u"ecdsa-p256"_qs << u"the renew-before of 1 h"_qs;
    QTest::newRow("over 7 days") << qint64(8 * 86400) << qint64(3600) << u"ed25519"_qs
                                 << u"the lifetime of 8 d is longer"_qs;
    QTest::newRow("not a DC key") << qint64(86400) << qint64(3600) << u"rsa-2048"_qs
                                  << u"the DC algorithm 'rsa-2048' is not a DC key"_qs;
}

void WorkspaceTest::policiesAndTargets()
{
    QFETCH(qint64, lifetime);
    QFETCH(qint64, renewBefore);
    QFETCH(QString, algorithm);
    QFETCH(QString, error);
    auto workspace = makeWorkspace();
    const qint64 certificateId = importIdentity(*workspace);
    const RotationPolicy policy{.lifetimeSeconds = lifetime,
                                .renewBeforeSeconds = renewBefore,
                                .dcAlgorithm = algorithm,
                                .roles = DcRoles::Both};
    auto id = workspace->setPolicy(certificateId, policy, kNow);
    QCOMPARE(id.errorMessage().left(error.size()), error);
    if (!error.isEmpty()) {
        QCOMPARE(workspace->policies()->size(), 0);
        return;
    }
    auto stored = workspace->policyForCertificate(certificateId);
    QVERIFY(stored && *stored);
    QCOMPARE((*stored)->id, *id);
    QCOMPARE((*stored)->policy.lifetimeSeconds, lifetime);
    QCOMPARE((*stored)->policy.roles, DcRoles::Both);
    // Setting it again replaces it.
    RotationPolicy shorter = policy;
    shorter.lifetimeSeconds = 7200;
    shorter.renewBeforeSeconds = 3600;
    QCOMPARE(*workspace->setPolicy(certificateId, shorter, kNow), *id);
    QCOMPARE((*workspace->policy(*id)).policy.lifetimeSeconds, 7200);

    const QString directory = m_dir->filePath(u"bundles"_qs);
    auto target =
        workspace->addTarget({.policyId = *id, .profile = u"nss"_qs, .directory = directory}, kNow);
    QVERIFY2(target, qPrintable(target.errorMessage()));
    auto twice = workspace->addTarget(
        {.policyId = *id, .profile = u"baton"_qs, .directory = directory + u"/"_qs}, kNow);
    QVERIFY(!twice);
    QVERIFY(twice.errorMessage().contains(u"is already the target of policy"_qs));
    auto unknown = workspace->addTarget(
        {.policyId = *id, .profile = u"apache"_qs, .directory = directory + u"2"_qs}, kNow);
    QVERIFY(unknown.errorMessage().startsWith(u"unknown profile 'apache'"_qs));
    auto targets = workspace->targets(*id);
    QVERIFY(targets);
    QCOMPARE(targets->size(), 1);
    QCOMPARE(targets->first().directory, directory);
    QCOMPARE(targets->first().exportedDcId, 0);
}

void WorkspaceTest::commitsStayDurable_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<bool>("ok");
    QTest::newRow("export recorded") << u"exported"_qs << true;
    QTest::newRow("failed export recorded") << u"exported"_qs << false;
    QTest::newRow("hook recorded") << u"hook"_qs << true;
}

// recordExport's commit is the one that may wait for a later sync (Transaction::Sync::Deferred);
// every commit after it, the next DC stored before its export first, must again be on disk
// when it returns.
void WorkspaceTest::commitsStayDurable()
{
    QFETCH(QString, kind);
    QFETCH(bool, ok);
    auto workspace = makeWorkspace();
    const QStringList connections = QSqlDatabase::connectionNames().filter(u"baton-workspace-"_qs);
    QCOMPARE(connections.size(), 1);
    const auto synchronous = [&] {
        QSqlQuery query(QSqlDatabase::database(connections.first(), false));
        return query.exec(u"PRAGMA synchronous"_qs) && query.next() ? query.value(0).toInt() : -1;
    };
    constexpr int kFull = 2;
    QCOMPARE(synchronous(), kFull);

    const qint64 certificateId = importIdentity(*workspace);
    auto policy = workspace->setPolicy(certificateId,
                                       {.lifetimeSeconds = 24 * 3600,
                                        .renewBeforeSeconds = 12 * 3600,
                                        .dcAlgorithm = u"ecdsa-p256"_qs},
                                       kNow);
    QVERIFY2(policy, qPrintable(policy.errorMessage()));
    auto target = workspace->addTarget(
        {.policyId = *policy, .profile = u"baton"_qs, .directory = m_dir->filePath(u"bundle"_qs)},
        kNow);
    QVERIFY2(target, qPrintable(target.errorMessage()));
    auto certificateKey = workspace->certificateKey(certificateId);
    QVERIFY2(certificateKey, qPrintable(certificateKey.errorMessage()));
    const EvpPkeyPtr dcKey = makeKey(u"ecdsa-p256"_qs);
    auto issued =
        issueDelegatedCredential({.certificate = workspace->certificate(certificateId)->certificate,
                                  .certificateKey = certificateKey->get(),
                                  .dcKey = dcKey.get(),
                                  .now = kNow});
    QVERIFY2(issued, qPrintable(issued.errorMessage()));
    auto dc = workspace->addDc(certificateId, DcRole::Server, issued->bytes, dcKey.get(), kNow,
                               issued->expiry, u"issued"_qs);
    QVERIFY2(dc, qPrintable(dc.errorMessage()));

    QVERIFY(workspace->recordExport(*target, *dc, ok, u"line"_qs, kNow, kind));
    QCOMPARE(synchronous(), kFull);
    QCOMPARE(workspace->events()->last().kind, kind);
    QCOMPARE(workspace->targets(*policy)->first().exportedDcId,
             ok && kind == u"exported"_qs ? *dc : 0);
}

void WorkspaceTest::eventLogIsAppendOnly_data()
{
    QTest::addColumn<QString>("statement");
    QTest::newRow("update") << u"UPDATE events SET message = 'nothing happened'"_qs;
    QTest::newRow("delete") << u"DELETE FROM events"_qs;
}

void WorkspaceTest::eventLogIsAppendOnly()
{
    QFETCH(QString, statement);
    makeWorkspace().reset();
    QCOMPARE(rawSql(m_path, statement), u"the event log is append-only"_qs);
    auto workspace = Workspace::open(m_path);
    QCOMPARE((*workspace)->events()->first().message, u"workspace created"_qs);
}

void WorkspaceTest::readOnlyAccess()
{
    {
        auto workspace = makeWorkspace();
        importIdentity(*workspace);
    }
    auto workspace = Workspace::open(m_path, WorkspaceAccess::ReadOnly);
    QVERIFY2(workspace, qPrintable(workspace.errorMessage()));
    QCOMPARE((*workspace)->certificates()->size(), 1);
    QVERIFY((*workspace)->unlock(kPassphrase));
    auto refused = (*workspace)->setPolicy((*workspace)->certificates()->first().id, {}, kNow);
    QVERIFY(!refused);
    QVERIFY2(refused.errorMessage().contains(u"read-only"_qs), qPrintable(refused.errorMessage()));
    QCOMPARE((*workspace)->policies()->size(), 0);
}

void WorkspaceTest::migratesAnOlderSchema()
{
    const TestIdentity identity = makeIdentity();
    makeLegacyWorkspaceWith({&identity}, {});
    qint64 target = 0;
    {
        auto workspace = std::move(Workspace::open(m_path)).value();
        const qint64 certificateId = workspace->certificates()->first().id;
        const qint64 policy = *workspace->setPolicy(certificateId, {}, kNow);
        target = *workspace->addTarget({.policyId = policy,
                                        .profile = u"nss"_qs,
                                        .directory = m_dir->filePath(u"t"_qs),
                                        .hookEnvironment = {u"KUBECONFIG"_qs, u"NO_PROXY"_qs}},
                                       kNow);
        QCOMPARE(workspace->targets(policy)->first().hookEnvironment,
                 (QStringList{u"KUBECONFIG"_qs, u"NO_PROXY"_qs}));
    }
    // Back to schema 1, as a workspace made by the first release would be.
    QCOMPARE(rawSql(m_path, u"DROP INDEX certificates_subject"_qs), QString());
    QCOMPARE(rawSql(m_path, u"ALTER TABLE targets DROP COLUMN hook_environment"_qs), QString());
    QCOMPARE(rawSql(m_path, u"ALTER TABLE targets DROP COLUMN hook_pending"_qs), QString());
    for (const char *column : {"display_name", "serial", "dns_names", "delegation", "search_text"})
        QCOMPARE(
            rawSql(m_path, u"ALTER TABLE certificates DROP COLUMN "_qs + QLatin1String(column)),
            QString());
    QCOMPARE(rawSql(m_path, u"PRAGMA user_version = 1"_qs), QString());

    auto workspace = Workspace::open(m_path);
    QVERIFY2(workspace, qPrintable(workspace.errorMessage()));
    auto targets = (*workspace)->targets((*workspace)->policies()->first().id);
    QVERIFY2(targets, qPrintable(targets.errorMessage()));
    QCOMPARE(targets->size(), 1);
    QCOMPARE(targets->first().id, target);
    QCOMPARE(targets->first().hookPending, false);
    QCOMPARE(targets->first().hookEnvironment, QStringList()); // schema 5's column, empty
    QCOMPARE((*workspace)->certificates()->size(), 1);
    // Schema 3's columns, computed from the certificate by the migration.
    auto summaries = (*workspace)->certificateSummaries();
    QVERIFY(summaries);
    QCOMPARE(summaries->first().name, u"localhost"_qs);
    QCOMPARE(summaries->first().dnsNames, QStringList{u"localhost"_qs});
    QVERIFY(summaries->first().delegation);
    QVERIFY(summaries->first().searchText.contains(u"delegationusage"_qs));
    QCOMPARE(schema(), kLegacyVaultSchema); // the SQL migrations need no passphrase
    // The vault's, on the first unlock.
    QVERIFY((*workspace)->unlock(kPassphrase));
    QCOMPARE(schema(), kWorkspaceSchemaVersion);
    auto key = (*workspace)->certificateKey((*workspace)->certificates()->first().id);
    QVERIFY2(key, qPrintable(key.errorMessage()));
    QVERIFY(samePublicKey(key->get(), identity.key.get()));
    workspace->reset();
    // Schema 7's table: dropping it works only if the migration made it.
    QCOMPARE(rawSql(m_path, u"DROP TABLE token_keys"_qs), QString());
    // Schema 4's index: dropping it works only if the migration made it.
    QCOMPARE(rawSql(m_path, u"DROP INDEX certificates_subject"_qs), QString());
    // A read-only opener cannot migrate, and says so rather than misreading the file.
    QCOMPARE(rawSql(m_path, u"PRAGMA user_version = 4"_qs), QString());
    auto readOnly = Workspace::open(m_path, WorkspaceAccess::ReadOnly);
    QVERIFY(!readOnly);
    QVERIFY2(readOnly.errorMessage().contains(u"needs migrating to schema 5"_qs),
             qPrintable(readOnly.errorMessage()));
}

void WorkspaceTest::upgradesALegacyVault_data()
{
    QTest::addColumn<int>("identities");
    QTest::addColumn<bool>("withDc");
    QTest::addColumn<ScryptParameters>("work");
    QTest::newRow("no keys") << 0 << false << kFastWork;
    QTest::newRow("certificate and DC keys") << 3 << true << kFastWork;
    QTest::newRow("the default scrypt cost") << 1 << false << kVaultScrypt;
}

void WorkspaceTest::upgradesALegacyVault()
{
    QFETCH(int, identities);
    QFETCH(bool, withDc);
    QFETCH(ScryptParameters, work);
    std::vector<TestIdentity> made;
    QList<const TestIdentity *> held;
    for (int i = 0; i < identities; ++i)
        made.push_back(makeIdentity({.commonName = u"legacy-%1.test"_qs.arg(i),
                                     .dnsNames = {u"legacy-%1.test"_qs.arg(i)}}));
    for (const TestIdentity &identity : made)
        held << &identity;
    const EvpPkeyPtr dcKey = makeKey(u"ed25519"_qs);
    QList<std::pair<QByteArray, const EVP_PKEY *>> dcs;
    if (withDc) {
        auto issued = issueDelegatedCredential({.certificate = made.front().certificate,
                                                .certificateKey = made.front().key.get(),
                                                .dcKey = dcKey.get(),
                                                .now = kNow});
        QVERIFY(issued);
        dcs.append({issued->bytes, dcKey.get()});
    }
    makeLegacyWorkspaceWith(held, dcs, work);
    const QVariant verifier = setting(kLegacyVerifierSetting);
    QVERIFY(!verifier.isNull());
    const QString legacyBlobs = u"SELECT group_concat(hex(sealed)) FROM keys"_qs;
    const QVariant before = rawValue(m_path, legacyBlobs);

    auto workspace = Workspace::open(m_path);
    QVERIFY2(workspace, qPrintable(workspace.errorMessage()));
    // A wrong passphrase changes nothing.
    QCOMPARE((*workspace)->unlock("not it").errorMessage(), kWrong);
    QCOMPARE(schema(), kLegacyVaultSchema);
    QCOMPARE(setting(kLegacyVerifierSetting), verifier);
    QCOMPARE(rawValue(m_path, legacyBlobs), before);

    const Status unlocked = (*workspace)->unlock(kPassphrase);
    QVERIFY2(unlocked, qPrintable(unlocked.errorMessage()));
    QCOMPARE(schema(), kWorkspaceSchemaVersion);
    QVERIFY(setting(kLegacyVerifierSetting).isNull());
    const QByteArray stored = setting(kVaultKeySetting).toString().toLatin1();
    QCOMPARE(stored, (*workspace)->vaultKey()->stored());
    QCOMPARE(WrappedWorkspaceKey::fromStored(stored)->scrypt, work); // the workspace's cost
    QCOMPARE(rawValue(m_path, u"SELECT count(*) FROM keys WHERE substr(sealed, 1, 5) != "
                              u"X'42746e4b01'"_qs)
                 .toInt(),
             0);
    QCOMPARE(rawValue(m_path, u"SELECT count(*) FROM keys"_qs).toInt(),
             identities + (withDc ? 1 : 0));
    // Every key opens, in this connection and in a new one (one scrypt run, no upgrade).
    workspace->reset();
    auto reopened = Workspace::open(m_path);
    QVERIFY(reopened);
    QVERIFY((*reopened)->unlock(kPassphrase));
    const auto records = (*reopened)->certificates();
    QVERIFY(records);
    for (const CertificateRecord &record : *records) {
        QVERIFY(record.hasKey);
        auto key = (*reopened)->certificateKey(record.id);
        QVERIFY2(key, qPrintable(key.errorMessage()));
        const auto original =
            std::find_if(made.cbegin(), made.cend(), [&](const TestIdentity &identity) {
                return identity.certificate.der() == record.certificate.der();
            });
        QVERIFY(original != made.cend());
        QCOMPARE(encodePrivateKeyPkcs8Der(key->get())->bytes(),
                 encodePrivateKeyPkcs8Der(original->key.get())->bytes());
    }
    if (withDc) {
        auto key = (*reopened)->dcKey((*reopened)->dcs()->first().id);
        QVERIFY2(key, qPrintable(key.errorMessage()));
        QCOMPARE(encodePrivateKeyPkcs8Der(key->get())->bytes(),
                 encodePrivateKeyPkcs8Der(dcKey.get())->bytes());
    }
}

void WorkspaceTest::legacyVaultReadOnly()
{
    // Reading needs no passphrase, and a read-only connection cannot upgrade: it says so.
    const TestIdentity identity = makeIdentity();
    makeLegacyWorkspaceWith({&identity}, {});
    auto workspace = Workspace::open(m_path, WorkspaceAccess::ReadOnly);
    QVERIFY2(workspace, qPrintable(workspace.errorMessage()));
    QCOMPARE((*workspace)->certificates()->size(), 1);
    QVERIFY((*workspace)->certificates()->first().hasKey);
    QCOMPARE(*(*workspace)->holdsKey(identity.key.get()), true);
    const Status unlocked = (*workspace)->unlock(kPassphrase);
    QCOMPARE(unlocked.errorMessage(),
             m_path + u": the workspace's keys are still sealed the way of schema 5, and only an "
                      u"unlock with write access upgrades them to schema 6's vault; unlock it "
                      u"once where it can be written"_qs);
    QVERIFY(!(*workspace)->unlocked());
    QCOMPARE(schema(), kLegacyVaultSchema);
}

void WorkspaceTest::upgradeKeepsTheLegacyVaultOnFailure_data()
{
    QTest::addColumn<QString>("damage"); ///< SQL run on the legacy workspace before the upgrade
    QTest::addColumn<QString>("error");
    const QString cannot = u": cannot upgrade the vault (nothing changed): key 2 "_qs;
    QTest::newRow("a key sealed under another passphrase")
        << u"UPDATE keys SET sealed = %1 WHERE id = 2"_qs
        << cannot + u"does not open: "_qs + kWrong;
    QTest::newRow("a damaged blob")
        << u"UPDATE keys SET sealed = X'3003020100' WHERE id = 2"_qs
        << cannot + u"does not open: not a sealed private key: expected a DER "
                    u"EncryptedPrivateKeyInfo"_qs;
    QTest::newRow("another key's blob")
        << u"UPDATE keys SET sealed = (SELECT sealed FROM keys WHERE id = 1) WHERE id = 2"_qs
        << cannot + u"opens to another key than its row names"_qs;
    QTest::newRow("an unreadable verifier")
        << u"UPDATE settings SET value = 'scrypt$1$1024' WHERE name = 'passphrase_verifier'"_qs
        << u": passphrase verifier: expected 7 fields separated by '$' "
           u"(scrypt$1$N$r$p$salt$check), found 3"_qs;
}

void WorkspaceTest::upgradeKeepsTheLegacyVaultOnFailure()
{
    QFETCH(QString, damage);
    QFETCH(QString, error);
    const TestIdentity first = makeIdentity();
    const TestIdentity second = makeIdentity();
    makeLegacyWorkspaceWith({&first, &second}, {});
    const QByteArray otherPassphrase =
        sealLegacyKey(second.key.get(), "another passphrase", kFastWork);
    if (damage.contains(u"%1"_qs))
        damage = damage.arg(u"X'"_qs + QString::fromLatin1(otherPassphrase.toHex()) + u"'"_qs);
    QCOMPARE(rawSql(m_path, damage), QString());
    const QString blobs = u"SELECT group_concat(hex(sealed)) FROM keys"_qs;
    const QVariant before = rawValue(m_path, blobs);
    const QVariant verifier = setting(kLegacyVerifierSetting);

    auto workspace = Workspace::open(m_path);
    QVERIFY(workspace);
    QCOMPARE((*workspace)->unlock(kPassphrase).errorMessage(), m_path + error);
    QVERIFY(!(*workspace)->unlocked());
    // The first key had been resealed when the second failed: rolled back with the rest.
    QCOMPARE(schema(), kLegacyVaultSchema);
    QCOMPARE(rawValue(m_path, blobs), before);
    QCOMPARE(setting(kLegacyVerifierSetting), verifier);
    QVERIFY(setting(kVaultKeySetting).isNull());
}

void WorkspaceTest::changesThePassphrase()
{
    const QByteArray next = "a whole new passphrase";
    auto workspace = makeWorkspace();
    const qint64 certificateId = importIdentity(*workspace);
    const QString blobs = u"SELECT group_concat(hex(sealed)) FROM keys"_qs;
    const QVariant sealed = rawValue(m_path, blobs);
    // Another connection, unlocked before the change.
    auto other = std::move(Workspace::open(m_path)).value();
    QVERIFY(other->unlock(kPassphrase));
    const VaultKey before = *workspace->vaultKey();

    auto locked = std::move(Workspace::open(m_path)).value();
    QCOMPARE(locked->changePassphrase(next, kNow).errorMessage(),
             u"the workspace is locked: its passphrase is needed to change it"_qs);
    QCOMPARE(workspace->changePassphrase(QByteArray(), kNow).errorMessage(),
             u"the workspace passphrase must not be empty"_qs);

    const Status changed = workspace->changePassphrase(next, kNow);
    QVERIFY2(changed, qPrintable(changed.errorMessage()));
    QCOMPARE(rawValue(m_path, blobs), sealed); // no key was touched
    QCOMPARE(setting(kVaultKeySetting).toString().toLatin1(), workspace->vaultKey()->stored());
    QVERIFY(workspace->certificateKey(certificateId));
    const EventRecord event = workspace->events()->last();
    QCOMPARE(event.kind, u"workspace"_qs);
    QCOMPARE(event.message, u"passphrase changed"_qs);
    QCOMPARE(event.at, kNow);

    // The connection that unlocked before cannot change it again from the old key, and the
    // old key no longer unlocks anything.
    QCOMPARE(other->changePassphrase("a third", kNow).errorMessage(),
             m_path + u": the passphrase was changed since this connection unlocked the "
                      u"workspace; nothing changed"_qs);
    auto fresh = std::move(Workspace::open(m_path)).value();
    QCOMPARE(fresh->unlock(before).errorMessage(),
             m_path + u": the workspace key was unwrapped for another workspace, or before the "
                      u"passphrase changed"_qs);
    QCOMPARE(fresh->unlock(kPassphrase).errorMessage(), kWrong);
    QVERIFY(fresh->unlock(next));
    auto key = fresh->certificateKey(certificateId);
    QVERIFY2(key, qPrintable(key.errorMessage()));
}

void WorkspaceTest::sealedKeyOpensOnlyInItsRow()
{
    // A sealed key is bound to its row: copied to another key's row, it does not open there.
    auto workspace = makeWorkspace();
    const qint64 first = importIdentity(*workspace);
    const qint64 second = importIdentity(*workspace);
    QVERIFY(workspace->certificateKey(first));
    QCOMPARE(rawSql(m_path, u"UPDATE keys SET sealed = (SELECT sealed FROM keys WHERE id = 1) "
                            u"WHERE id = 2"_qs),
             QString());
    QVERIFY(workspace->certificateKey(first));
    QCOMPARE(workspace->certificateKey(second).errorMessage(),
             u"certificate %1: sealed key: it does not authenticate under this workspace's key: "
             u"it belongs to another row, key or workspace, or it is damaged"_qs.arg(second));
}

void WorkspaceTest::summariesForListsAndSearch()
{
    auto workspace = makeWorkspace();
    CertificateOptions options;
    options.commonName = u"Edge.Example"_qs;
    options.dnsNames = {u"edge.example"_qs, u"www.edge.example"_qs};
    const qint64 id = importIdentity(*workspace, options);
    auto summaries = workspace->certificateSummaries();
    QVERIFY(summaries);
    QCOMPARE(summaries->size(), 1);
    const CertificateSummary &summary = summaries->first();
    const CertificateRecord record = *workspace->certificate(id);
    QCOMPARE(summary.id, id);
    QCOMPARE(summary.name, u"Edge.Example"_qs);
    QCOMPARE(summary.subject, record.certificate.subject());
    QCOMPARE(summary.dnsNames, options.dnsNames);
    QCOMPARE(summary.serial, record.certificate.serialNumberHex());
    QCOMPARE(summary.sha256, record.sha256);
    QVERIFY(summary.hasKey);
    QVERIFY(summary.delegation);
    QVERIFY(!summary.ca);
    QCOMPARE(summary.notAfter, record.certificate.notAfter());
    // Search reaches the SANs, the serial and the extensions' decoded values, in lower case.
    QVERIFY(summary.searchText.contains(u"www.edge.example"_qs));
    QVERIFY(summary.searchText.contains(summary.serial.toLower().left(8)));
    QVERIFY2(summary.searchText.contains(u"digitalsignature"_qs), qPrintable(summary.searchText));
    QVERIFY(summary.searchText.contains(u"delegationusage (rfc 9345)"_qs));
    QVERIFY(!summary.searchText.contains(u"ecdsa-with-sha256"_qs)); // the signature is left out
    QCOMPARE(summary.searchText, summary.searchText.toLower());
}

void WorkspaceTest::renewalArrivesWithItsKey()
{
    // A renewal and its key in one import: storing the key fails after the certificate row is
    // in, so the policy must not have moved to a certificate whose key never arrived.
    auto workspace = makeWorkspace();
    const CertificateOptions first{.commonName = u"renew.test"_qs, .dnsNames = {u"renew.test"_qs}};
    const qint64 certificateId = importIdentity(*workspace, first);
    const qint64 policyId = *workspace->setPolicy(certificateId, {}, kNow);
    CertificateOptions later = first;
    later.notAfter = later.notAfter.addMonths(6);
    const TestIdentity renewed = makeIdentity(later);
    const ImportResult found =
        importData(renewed.certificatePem + renewed.keyPem, u"renewed.pem"_qs);
    QVERIFY(found.complete());
    QCOMPARE(rawSql(m_path, u"CREATE TRIGGER full_disk BEFORE INSERT ON keys BEGIN SELECT "
                            u"RAISE(ABORT, 'database or disk is full'); END"_qs),
             QString());
    const auto failed = workspace->importObjects(found.objects, kNow);
    QVERIFY(!failed);
    QVERIFY2(failed.errorMessage().contains(u"database or disk is full"_qs),
             qPrintable(failed.errorMessage()));
    QCOMPARE(workspace->certificates()->size(), 1);
    QCOMPARE((*workspace->policy(policyId)).certificateId, certificateId);

    QCOMPARE(rawSql(m_path, u"DROP TRIGGER full_disk"_qs), QString());
    const auto imported = workspace->importObjects(found.objects, kNow);
    QVERIFY2(imported, qPrintable(imported.errorMessage()));
    QCOMPARE(imported->renewedPolicies, QList<qint64>{policyId});
    const CertificateRecord moved =
        *workspace->certificate((*workspace->policy(policyId)).certificateId);
    QCOMPARE(moved.certificate.der(), renewed.certificate.der());
    QVERIFY(moved.hasKey);
}

void WorkspaceTest::checksWhatRotationNeeds_data()
{
    // What the CLI and the dialogs ask before setPolicy / addTarget; "" means accepted.
    QTest::addColumn<CertificateOptions>("certificate");
    QTest::addColumn<bool>("withKey");
    QTest::addColumn<QString>("directory"); // in the test directory, which has a file FILE
    QTest::addColumn<QString>("hook");
    QTest::addColumn<QString>("error");
    const CertificateOptions good;
    CertificateOptions plain;
    plain.delegation = CertificateOptions::Delegation::Absent;
    CertificateOptions expired;
    expired.notAfter = utc(2026, 5, 1);
    QTest::newRow("usable") << good << true << u"bundles"_qs << u"sh -c true"_qs << QString();
    QTest::newRow("no DelegationUsage")
        << plain << true << u"bundles"_qs << QString() << u"lacks the DelegationUsage"_qs;
    QTest::newRow("expired") << expired << true << u"bundles"_qs << QString()
                             << u"the certificate expired"_qs;
    QTest::newRow("no key") << good << false << u"bundles"_qs << QString()
                            << u"private key is not in the vault"_qs;
    QTest::newRow("a file") << good << true << u"FILE"_qs << QString()
                            << u"is a file, not a directory"_qs;
    QTest::newRow("under a file") << good << true << u"FILE/sub"_qs << QString()
                                  << u"is a file, so"_qs;
    QTest::newRow("an empty directory")
        << good << true << QString() << QString() << u"the target directory is empty"_qs;
    QTest::newRow("a hook that is not a program")
        << good << true << u"bundles"_qs << u"FILE --reload"_qs << u"is not executable"_qs;
}

void WorkspaceTest::checksWhatRotationNeeds()
{
    QFETCH(CertificateOptions, certificate);
    QFETCH(bool, withKey);
    QFETCH(QString, directory);
    QFETCH(QString, hook);
    QFETCH(QString, error);
    auto workspace = makeWorkspace();
    const TestIdentity identity = makeIdentity(certificate);
    const QByteArray input = identity.certificatePem + (withKey ? identity.keyPem : QByteArray());
    QVERIFY(workspace->importObjects(importData(input, u"identity.pem"_qs).objects, kNow));
    const qint64 certificateId = workspace
                                     ->resolveCertificate(QString::fromLatin1(
                                         identity.certificate.sha256Fingerprint().toHex()))
                                     ->id;
    const Status policyCheck = workspace->checkPolicy(certificateId, {}, kNow);
    // setPolicy itself takes what can become usable; the target check needs a policy.
    const qint64 policyId = *workspace->setPolicy(certificateId, {}, kNow);
    const QString file = m_dir->filePath(u"FILE"_qs);
    QVERIFY(writeFileAtomically(file, "x", 0644, Overwrite::Replace));
    hook.replace(u"FILE"_qs, file);
    const Status targetCheck = workspace->checkTarget(
        {.policyId = policyId,
         .profile = u"nss"_qs,
         .directory = directory.isEmpty() ? QString() : m_dir->filePath(directory),
         .hook = hook});
    const QString found = !policyCheck ? policyCheck.errorMessage()
                                       : (!targetCheck ? targetCheck.errorMessage() : QString());
    if (error.isEmpty())
        QCOMPARE(found, QString());
    else
        QVERIFY2(found.contains(error), qPrintable(found));
}

void WorkspaceTest::keepsWhereATokenKeyIs()
{
    auto created = Workspace::create(m_path, kPassphrase, kNow, kFastWork);
    QVERIFY2(created, qPrintable(created.errorMessage()));
    Workspace &workspace = **created;
    const TestIdentity onToken = makeIdentity({.commonName = u"hsm.test"_qs});
    auto report =
        workspace.importObjects(importData(onToken.certificatePem, u"hsm.pem"_qs).objects, kNow);
    QVERIFY(report);
    const qint64 id = workspace.certificates()->first().id;
    QVERIFY(!workspace.certificate(id)->hasKey);
    const QString uri = u"pkcs11:token=edge-ca;object=hsm"_qs;

    QVERIFY(workspace.addTokenKey(id, {.uri = uri, .token = u"edge-ca"_qs}, kNow));
    for (const CertificateRecord &record :
         {*workspace.certificate(id), workspace.certificates()->first(),
          *workspace.resolveCertificate(u"hsm.test"_qs)}) {
        QVERIFY(record.hasKey);
        QCOMPARE(record.tokenKey.uri, uri);
        QCOMPARE(record.tokenKey.token, u"edge-ca"_qs);
    }
    const CertificateSummary summary = workspace.certificateSummaries()->first();
    QVERIFY(summary.hasKey);
    QCOMPARE(summary.tokenKey.uri, uri);
    // Readiness counts it as the certificate's key: a policy can be set.
    QVERIFY(workspace.checkPolicy(id, {}, kNow));
    // Its key is never opened from the vault: the error names the token.
    auto key = workspace.certificateKey(id);
    QVERIFY(!key);
    QVERIFY2(key.errorMessage().contains(u"its key is on token 'edge-ca' (%1)"_qs.arg(uri)),
             qPrintable(key.errorMessage()));
    QVERIFY(workspace.events()->last().message.contains(u"certificate key on token 'edge-ca'"_qs));

    // Added again (a relabelled token): replaced, still one row.
    const QString relabelled = u"pkcs11:token=edge-ca-2;object=hsm"_qs;
    QVERIFY(workspace.addTokenKey(id, {.uri = relabelled, .token = u"edge-ca-2"_qs}, kNow));
    QCOMPARE(workspace.certificate(id)->tokenKey.uri, relabelled);
    QCOMPARE(rawValue(m_path, u"SELECT count(*) FROM token_keys"_qs).toInt(), 1);

    // A key the vault holds stays there; a locked workspace changes nothing.
    const qint64 inVault = importIdentity(workspace);
    const Status refused = workspace.addTokenKey(inVault, {.uri = uri, .token = u"t"_qs}, kNow);
    QVERIFY(!refused);
    QVERIFY2(refused.errorMessage().contains(u"the workspace's vault holds its key"_qs),
             qPrintable(refused.errorMessage()));
    QVERIFY(!workspace.certificate(inVault)->tokenKey.onToken());
    created->reset();
    auto locked = Workspace::open(m_path);
    QVERIFY(locked);
    QVERIFY(!(*locked)->addTokenKey(id, {.uri = uri, .token = u"t"_qs}, kNow));
    QCOMPARE((*locked)->certificate(id)->tokenKey.uri, relabelled);
}

void WorkspaceTest::tokenKeysBeforeSchema7_data()
{
    QTest::addColumn<int>("schema");
    QTest::addColumn<bool>("readOnly");
    QTest::newRow("schema 6, read-write: migrated on open") << 6 << false;
    QTest::newRow("schema 6, read-only: read as it is") << 6 << true;
    QTest::newRow("legacy vault, read-write: migrated on unlock") << kLegacyVaultSchema << false;
    QTest::newRow("legacy vault, read-only: read as it is") << kLegacyVaultSchema << true;
}

void WorkspaceTest::tokenKeysBeforeSchema7()
{
    QFETCH(int, schema);
    QFETCH(bool, readOnly);
    const TestIdentity identity = makeIdentity();
    if (schema == kLegacyVaultSchema) {
        makeLegacyWorkspaceWith({&identity}, {});
    } else {
        auto created = Workspace::create(m_path, kPassphrase, kNow, kFastWork);
        QVERIFY(created);
        QVERIFY((*created)->importObjects(
            importData(identity.certificatePem + identity.keyPem, u"id.pem"_qs).objects, kNow));
        created->reset();
        QCOMPARE(rawSql(m_path, {u"DROP TABLE token_keys"_qs, u"PRAGMA user_version = 6"_qs}),
                 QString());
    }
    auto workspace =
        Workspace::open(m_path, readOnly ? WorkspaceAccess::ReadOnly : WorkspaceAccess::ReadWrite);
    QVERIFY2(workspace, qPrintable(workspace.errorMessage()));
    // Before anything else: what lists read works on every such file, keys where they are.
    const auto summaries = (*workspace)->certificateSummaries();
    QVERIFY2(summaries, qPrintable(summaries.errorMessage()));
    QCOMPARE(summaries->size(), 1);
    QVERIFY(summaries->first().hasKey);
    QVERIFY(!summaries->first().tokenKey.onToken());
    QVERIFY((*workspace)->certificates());
    const int opened = this->schema();
    QCOMPARE(opened, readOnly || schema == kLegacyVaultSchema ? schema : kWorkspaceSchemaVersion);
    if (readOnly)
        return;
    // Unlocked (a legacy vault upgraded): the file's own table takes a token key.
    QVERIFY((*workspace)->unlock(kPassphrase));
    QCOMPARE(this->schema(), kWorkspaceSchemaVersion);
    const TestIdentity other = makeIdentity({.commonName = u"other.test"_qs});
    QVERIFY(
        (*workspace)->importObjects(importData(other.certificatePem, u"o.pem"_qs).objects, kNow));
    const qint64 id = (*workspace)->resolveCertificate(u"other.test"_qs)->id;
    QVERIFY((*workspace)->addTokenKey(id, {.uri = u"pkcs11:object=o"_qs, .token = u"t"_qs}, kNow));
    QCOMPARE(rawValue(m_path, u"SELECT uri FROM token_keys"_qs).toString(), u"pkcs11:object=o"_qs);
}

QTEST_GUILESS_MAIN(WorkspaceTest)
#include "tst_workspace.moc"
