// What the workspace commands refuse, and what they leave behind when they do: a wrong
// passphrase changes nothing, a passphrase change is checked and whole, a policy or a target
// that rotation could not use is refused when it is configured, a rotation that could not record
// what it did says so in its exit code, and an import is one step that no rotation sees half done.

#include "BatonctlProcess.h"
#include "LegacyVaultWriter.h"
#include "RawSql.h"
#include "TestPki.h"
#include "common/FileIo.h"
#include "common/Pem.h"
#include "crypto/KeyCodec.h"
#include "export/GenerationWriter.h"
#include "import/Importer.h"
#include "pki/DevPki.h"
#include "rotation/Rotator.h"
#include "store/Workspace.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace baton;
using namespace baton::test;

namespace {

const QDateTime kStart = utc(2026, 6, 1, 0);
const QByteArray &kPassphrase = kTestPassphrase;

using Run = ProcessRun;

/// Every row of every table, as text: equal before and after means nothing changed.
QString dump(const QString &path)
{
    const QString name = QStringLiteral("dump-%1").arg(quintptr(&path));
    QString text;
    {
        QSqlDatabase database = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        database.setDatabaseName(path);
        database.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (!database.open())
            qFatal("%s", qPrintable(database.lastError().text()));
        QStringList tables;
        {
            QSqlQuery query(u"SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"_qs,
                            database);
            while (query.next())
                tables << query.value(0).toString();
        }
        for (const QString &table : tables) {
            QSqlQuery query(u"SELECT * FROM %1 ORDER BY rowid"_qs.arg(table), database);
            text += table + u":\n"_qs;
            while (query.next()) {
                for (int column = 0; column < query.record().count(); ++column) {
                    const QVariant value = query.value(column);
                    text += (value.typeId() == QMetaType::QByteArray
                                 ? QString::fromLatin1(value.toByteArray().toHex())
                                 : value.toString()) +
                            u'|';
                }
                text += u'\n';
            }
        }
        database.close();
    }
    QSqlDatabase::removeDatabase(name);
    return text;
}

qsizetype rowCount(const QString &path, const QString &table)
{
    const QString name = QStringLiteral("count-%1").arg(quintptr(&path));
    qsizetype count = -1;
    {
        QSqlDatabase database = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        database.setDatabaseName(path);
        database.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (database.open()) {
            QSqlQuery query(u"SELECT count(*) FROM %1"_qs.arg(table), database);
            if (query.next())
                count = query.value(0).toLongLong();
        }
        database.close();
    }
    QSqlDatabase::removeDatabase(name);
    return count;
}

QByteArray pem(const Certificate &certificate)
{
    return encodePem(u"CERTIFICATE"_qs, certificate.der());
}

QByteArray pem(const EVP_PKEY *key)
{
    return encodePrivateKeyPkcs8Pem(key)->bytes();
}

/// The current data row's tag as a file name.
QString tagName()
{
    QString name = QString::fromLatin1(QTest::currentDataTag());
    for (QChar &c : name) {
        if (!c.isLetterOrNumber())
            c = u'-';
    }
    return name;
}

} // namespace

class BatonctlWorkspaceChecks : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void wrongPassphraseChangesNothing_data();
    void wrongPassphraseChangesNothing();
    void passwdRefusals_data();
    void passwdRefusals();
    void passwd_data();
    void passwd();
    void policyRefusals_data();
    void policyRefusals();
    void targetRefusals_data();
    void targetRefusals();
    void targetOnReadOnlyMount();
    void rotateThatCannotRecordFails();
    void importIsOneStep();
    void importWaitsForARotation();
    void statusReadsWhatTargetsServe_data();
    void statusReadsWhatTargetsServe();

private:
    /// A workspace (fast scrypt) holding the CA, edge.test and other.test with their keys, a
    /// policy on edge.test and a baton target in <dir>/baton; plus, for policyRefusals, a leaf
    /// without DelegationUsage, an expired one and one without its key.
    QString preparedWorkspace(const QString &name);
    QString write(const QString &name, const QByteArray &data);

    QTemporaryDir m_dir;
    std::optional<CertificateAndKey> m_ca;
    QString m_passFile;
    QString m_wrongPassFile;
    QStringList m_pass;
};

void BatonctlWorkspaceChecks::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto ca = createDevCa({.now = kStart.addDays(-100)});
    QVERIFY(ca);
    m_ca = std::move(ca).value();
    m_passFile = write(u"pass"_qs, kPassphrase + '\n');
    m_wrongPassFile = write(u"wrong-pass"_qs, "not it\n");
    // `ws passwd --new-passphrase file:…`: a good one, and an empty first line.
    write(u"new-pass"_qs, "brand new\n");
    write(u"empty-pass"_qs, "\n");
    m_pass = {u"--passphrase"_qs, u"file:"_qs + m_passFile};
}

QString BatonctlWorkspaceChecks::write(const QString &name, const QByteArray &data)
{
    const QString path = m_dir.filePath(name);
    QFile::remove(path);
    if (!writeFileAtomically(path, data, 0600, Overwrite::Replace))
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

QString BatonctlWorkspaceChecks::preparedWorkspace(const QString &name)
{
    const QString directory = m_dir.filePath(name);
    QDir().mkpath(directory);
    const QString path = directory + u"/workspace.baton"_qs;
    auto created = Workspace::create(path, kPassphrase, kStart, kFastWork);
    if (!created)
        qFatal("%s", qPrintable(created.errorMessage()));
    Workspace &workspace = **created;
    const auto leaf = [this](const QString &dnsName, const QDateTime &now, int days,
                             bool delegation) {
        auto issued = issueDevLeaf(m_ca->certificate, m_ca->key.get(),
                                   {.dnsNames = {dnsName},
                                    .ipAddresses = {},
                                    .days = days,
                                    .delegation = delegation,
                                    .now = now});
        if (!issued)
            qFatal("%s", qPrintable(issued.errorMessage()));
        return std::move(issued).value();
    };
    const DevLeaf edge = leaf(u"edge.test"_qs, kStart.addDays(-1), 90, true);
    const DevLeaf other = leaf(u"other.test"_qs, kStart.addDays(-1), 90, true);
    const DevLeaf plain = leaf(u"plain.test"_qs, kStart.addDays(-1), 90, false);
    const DevLeaf expired = leaf(u"expired.test"_qs, kStart.addDays(-30), 10, true);
    const DevLeaf keyless = leaf(u"keyless.test"_qs, kStart.addDays(-1), 90, true);
    const QByteArray input = pem(m_ca->certificate) + pem(edge.issued.certificate) +
                             pem(edge.issued.key.get()) + pem(other.issued.certificate) +
                             pem(other.issued.key.get()) + pem(plain.issued.certificate) +
                             pem(plain.issued.key.get()) + pem(expired.issued.certificate) +
                             pem(expired.issued.key.get()) + pem(keyless.issued.certificate);
    const ImportResult found = importData(input, u"fixture.pem"_qs);
    if (!found.complete())
        qFatal("%s", qPrintable(found.error));
    if (auto imported = workspace.importObjects(found.objects, kStart); !imported)
        qFatal("%s", qPrintable(imported.errorMessage()));
    auto certificate = workspace.resolveCertificate(u"edge.test"_qs);
    if (!certificate)
        qFatal("%s", qPrintable(certificate.errorMessage()));
    auto policy = workspace.setPolicy(certificate->id, {}, kStart);
    if (!policy)
        qFatal("%s", qPrintable(policy.errorMessage()));
    auto target = workspace.addTarget(
        {.policyId = *policy, .profile = u"baton"_qs, .directory = directory + u"/baton"_qs},
        kStart);
    if (!target)
        qFatal("%s", qPrintable(target.errorMessage()));
    return path;
}

void BatonctlWorkspaceChecks::wrongPassphraseChangesNothing_data()
{
    QTest::addColumn<QStringList>("arguments");
    const QString renewed = m_dir.filePath(u"renewed.pem"_qs);
    QTest::newRow("ws import a certificate")
        << QStringList{u"ws"_qs, u"import"_qs, m_dir.filePath(u"unrelated.pem"_qs)};
    QTest::newRow("ws import a renewal and its key")
        << QStringList{u"ws"_qs, u"import"_qs, m_dir.filePath(u"renewed.pem"_qs),
                       m_dir.filePath(u"renewed-key.pem"_qs)};
    QTest::newRow("policy set") << QStringList{u"policy"_qs, u"set"_qs, u"other.test"_qs};
    QTest::newRow("policy set, replacing")
        << QStringList{u"policy"_qs, u"set"_qs, u"edge.test"_qs, u"--lifetime"_qs, u"6h"_qs};
    QTest::newRow("target add") << QStringList{u"target"_qs,    u"add"_qs,    u"edge.test"_qs,
                                               u"--profile"_qs, u"nss"_qs,    u"--dir"_qs,
                                               u"SELF/nss"_qs,  u"--hook"_qs, u"true"_qs};
    QTest::newRow("cert replace without a policy")
        << QStringList{u"cert"_qs, u"replace"_qs, u"other.test"_qs, u"plain.test"_qs};
    QTest::newRow("cert replace") << QStringList{u"cert"_qs, u"replace"_qs, u"edge.test"_qs,
                                                 u"other.test"_qs};
    QTest::newRow("ws passwd") << QStringList{u"ws"_qs, u"passwd"_qs, u"--new-passphrase"_qs,
                                              u"file:"_qs + m_dir.filePath(u"new-pass"_qs)};
}

void BatonctlWorkspaceChecks::wrongPassphraseChangesNothing()
{
    QFETCH(QStringList, arguments);
    const QString workspace = preparedWorkspace(u"wrong-"_qs + tagName());
    arguments.replaceInStrings(u"SELF"_qs, QFileInfo(workspace).absolutePath());
    arguments << u"--now"_qs << at(kStart.addDays(1));
    // Files to import: a certificate of no policy, and a renewal of edge.test with its key.
    auto unrelated =
        issueDevLeaf(m_ca->certificate, m_ca->key.get(),
                     {.dnsNames = {u"unrelated.test"_qs}, .ipAddresses = {}, .now = kStart});
    auto renewal =
        issueDevLeaf(m_ca->certificate, m_ca->key.get(),
                     {.dnsNames = {u"edge.test"_qs}, .ipAddresses = {}, .now = kStart.addDays(1)});
    QVERIFY(unrelated && renewal);
    write(u"unrelated.pem"_qs, pem(unrelated->issued.certificate));
    write(u"renewed.pem"_qs, pem(renewal->issued.certificate));
    write(u"renewed-key.pem"_qs, pem(renewal->issued.key.get()));

    const QString before = dump(workspace);
    const Run wrong = batonctl(
        arguments + QStringList{u"--passphrase"_qs, u"file:"_qs + m_wrongPassFile}, workspace);
    QCOMPARE(wrong.exitCode, 2);
    QCOMPARE(wrong.err, u"batonctl: %1: wrong passphrase\n"_qs.arg(workspace));
    QCOMPARE(dump(workspace), before);
    // The same command with the right passphrase does write: it is a writer.
    const Run right = batonctl(arguments + m_pass, workspace);
    QVERIFY2(right.exitCode == 0, qPrintable(right.out + right.err));
    QVERIFY(dump(workspace) != before);
}

void BatonctlWorkspaceChecks::passwdRefusals_data()
{
    // A new passphrase that cannot be had: refused after the old one was checked, changing
    // nothing. (A wrong old passphrase is a row of wrongPassphraseChangesNothing.)
    QTest::addColumn<QStringList>("newPassphrase");
    QTest::addColumn<QString>("error");
    QTest::newRow("empty") << QStringList{u"--new-passphrase"_qs,
                                          u"file:"_qs + m_dir.filePath(u"empty-pass"_qs)}
                           << u"batonctl: an empty passphrase protects nothing\n"_qs;
    QTest::newRow("unset variable")
        << QStringList{u"--new-passphrase"_qs, u"env:BATON_TEST_UNSET"_qs}
        << u"batonctl: environment variable BATON_TEST_UNSET is not set\n"_qs;
    QTest::newRow("no source and no terminal")
        << QStringList{}
        << u"batonctl: New passphrase for the workspace WORKSPACE is needed, and there is no "
           u"terminal to ask on; give it with a SRC option: file:PATH (first line), fd:N, "
           u"env:VAR, or pass:TEXT (visible to every user in `ps`: tests only)\n"_qs;
}

void BatonctlWorkspaceChecks::passwdRefusals()
{
    QFETCH(QStringList, newPassphrase);
    QFETCH(QString, error);
    static const QString workspace = preparedWorkspace(u"passwd-refusals"_qs);
    const QString before = dump(workspace);
    const Run run =
        batonctl(QStringList{u"ws"_qs, u"passwd"_qs} + m_pass + newPassphrase, workspace);
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(run.err, QString(error).replace(u"WORKSPACE"_qs, workspace));
    QCOMPARE(run.out, QString());
    QCOMPARE(dump(workspace), before);
}

void BatonctlWorkspaceChecks::passwd_data()
{
    QTest::addColumn<bool>("legacy");
    QTest::newRow("an envelope vault") << false;
    QTest::newRow("a legacy vault, upgraded first") << true;
}

void BatonctlWorkspaceChecks::passwd()
{
    QFETCH(bool, legacy);
    const QString workspace = preparedWorkspace(u"passwd-"_qs + tagName());
    if (legacy)
        rewriteAsLegacyVault(workspace, kPassphrase, kFastWork);
    const QString newPassFile = write(u"new-pass-"_qs + tagName(), "a new passphrase\n");
    const QStringList newPass{u"--passphrase"_qs, u"file:"_qs + newPassFile};
    const Run changed = batonctl(QStringList{u"ws"_qs, u"passwd"_qs, u"--now"_qs, at(kStart),
                                             u"--new-passphrase"_qs, u"file:"_qs + newPassFile} +
                                     m_pass,
                                 workspace);
    QVERIFY2(changed.exitCode == 0, qPrintable(changed.err));
    QCOMPARE(changed.out, u"Changed the passphrase of "_qs + workspace + u"\n"_qs);
    // Without a keyring (a build without one says nothing), only a note that it was not asked.
    QVERIFY2(changed.err.isEmpty() ||
                 changed.err.startsWith(u"batonctl: note: the keyring could not be asked "
                                        u"whether it holds this workspace's passphrase (no "
                                        u"keyring backend"_qs),
             qPrintable(changed.err));
    QVERIFY(!(changed.out + changed.err).contains(u"a new passphrase"_qs));
    QCOMPARE(rawValue(workspace, u"PRAGMA user_version"_qs).toInt(), kWorkspaceSchemaVersion);
    QVERIFY(rawValue(workspace, u"SELECT value FROM settings WHERE name = "
                                u"'passphrase_verifier'"_qs)
                .isNull());
    const QJsonArray events =
        QJsonDocument::fromJson(
            batonctl({u"log"_qs, u"--json"_qs}, workspace).out.toUtf8())[u"events"_qs]
            .toArray();
    QCOMPARE(events.last()[u"kind"_qs].toString(), u"workspace"_qs);
    QCOMPARE(events.last()[u"message"_qs].toString(), u"passphrase changed"_qs);

    // The old passphrase is refused now, and the new one opens every key: a rotation signs
    // with edge.test's.
    const QString before = dump(workspace);
    const QStringList rotate{u"rotate"_qs, u"--now"_qs, at(kStart)};
    const Run old = batonctl(rotate + m_pass, workspace);
    QCOMPARE(old.exitCode, 2);
    QCOMPARE(old.err, u"batonctl: %1: wrong passphrase\n"_qs.arg(workspace));
    QCOMPARE(dump(workspace), before);
    const Run rotated = batonctl(rotate + newPass, workspace);
    QVERIFY2(rotated.exitCode == 0, qPrintable(rotated.out + rotated.err));
    QVERIFY2(rotated.out.contains(u"issued server DC for edge.test"_qs), qPrintable(rotated.out));
    auto reopened = Workspace::open(workspace);
    QVERIFY(reopened && (*reopened)->unlock("a new passphrase"));
    const auto records = (*reopened)->certificates();
    QVERIFY(records);
    for (const CertificateRecord &record : *records) {
        if (record.hasKey)
            QVERIFY2((*reopened)->certificateKey(record.id),
                     qPrintable((*reopened)->certificateKey(record.id).errorMessage()));
    }
}

void BatonctlWorkspaceChecks::policyRefusals_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("message");
    QTest::newRow("a CA, by id") << u"1"_qs << u"Baton Dev CA is a CA certificate"_qs;
    QTest::newRow("a CA, by its CN")
        << u"Baton Dev CA"_qs << u"Baton Dev CA is a CA certificate"_qs;
    QTest::newRow("a CA, by its subject")
        << m_ca->certificate.subject() << u"Baton Dev CA is a CA certificate"_qs;
    QTest::newRow("no DelegationUsage")
        << u"plain.test"_qs
        << u"plain.test (certificate 4) cannot delegate: the certificate lacks the "
           u"DelegationUsage extension"_qs;
    QTest::newRow("expired") << u"expired.test"_qs
                             << u"expired.test (certificate 5) cannot delegate: the certificate "
                                u"expired 20 d ago (notAfter 2026-05-12 00:00:00 UTC)"_qs;
    QTest::newRow("its key not in the workspace")
        << u"keyless.test"_qs
        << u"keyless.test (certificate 6) cannot delegate: the certificate's private key is "
           u"not in the vault"_qs;
}

void BatonctlWorkspaceChecks::policyRefusals()
{
    QFETCH(QString, certificate);
    QFETCH(QString, message);
    static const QString workspace = preparedWorkspace(u"policy-refusals"_qs);
    const QString before = dump(workspace);
    const Run run = batonctl(
        QStringList{u"policy"_qs, u"set"_qs, certificate, u"--now"_qs, at(kStart)} + m_pass,
        workspace);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.startsWith(u"batonctl: "_qs + message), qPrintable(run.err));
    QCOMPARE(run.err.count(u'\n'), 1);
    QCOMPARE(dump(workspace), before);
}

void BatonctlWorkspaceChecks::targetRefusals_data()
{
    QTest::addColumn<QString>("directory");
    QTest::addColumn<QString>("hook");
    QTest::addColumn<QString>("message");
    const QString file = m_dir.filePath(u"a-file"_qs);
    const QString script = m_dir.filePath(u"reload.sh"_qs);
    QTest::newRow("an empty --dir")
        << QString(u""_qs) << QString() << u"the target directory is empty"_qs;
    QTest::newRow("a regular file")
        << file << QString() << u"%1 is a file, not a directory"_qs.arg(file);
    // Unwritable for root too: nothing can be created under a file.
    QTest::newRow("under a regular file")
        << file + u"/bundles"_qs << QString()
        << u"%1 is a file, so %1/bundles cannot be created in it"_qs.arg(file);
    QTest::newRow("a hook that is not executable")
        << u"SELF/t"_qs << script + u" --now"_qs
        << u"the hook's program %1 is not executable"_qs.arg(script);
    QTest::newRow("a hook that is a directory")
        << u"SELF/t"_qs << m_dir.path()
        << u"the hook's program %1 is not a file"_qs.arg(m_dir.path());
    QTest::newRow("a hook that is not there")
        << u"SELF/t"_qs << m_dir.filePath(u"nowhere.sh"_qs)
        << u"the hook's program %1: No such file or directory"_qs.arg(
               m_dir.filePath(u"nowhere.sh"_qs));
    QTest::newRow("a hook not on the PATH")
        << u"SELF/t"_qs << u"baton-no-such-reload arg"_qs
        << u"the hook's program 'baton-no-such-reload' is not an executable on the PATH"_qs;
    const QString shared = m_dir.filePath(u"shared-reload.sh"_qs);
    QTest::newRow("a hook other users can change")
        << u"SELF/t"_qs << shared
        << u"%1: refusing to use this hook: other users can write it (mode 0777)"_qs.arg(shared);
    QTest::newRow("a hook by a relative path")
        << u"SELF/t"_qs << u"./reload.sh"_qs
        << u"the hook's program './reload.sh' is a relative path"_qs;
    if (::geteuid() != 0) // root writes whatever the mode says
        QTest::newRow("a directory without write permission")
            << m_dir.filePath(u"read-only/t"_qs) << QString()
            << u"%1 is not writable here: Permission denied"_qs.arg(
                   m_dir.filePath(u"read-only"_qs));
}

void BatonctlWorkspaceChecks::targetRefusals()
{
    QFETCH(QString, directory);
    QFETCH(QString, hook);
    QFETCH(QString, message);
    static const QString workspace = preparedWorkspace(u"target-refusals"_qs);
    write(u"a-file"_qs, "x");
    write(u"reload.sh"_qs, "#!/bin/sh\n"); // 0600: not executable
    write(u"shared-reload.sh"_qs, "#!/bin/sh\n");
    QVERIFY(::chmod(QFile::encodeName(m_dir.filePath(u"shared-reload.sh"_qs)).constData(), 0777) ==
            0);
    QDir().mkpath(m_dir.filePath(u"read-only"_qs));
    QFile::setPermissions(m_dir.filePath(u"read-only"_qs), QFile::ReadOwner | QFile::ExeOwner);
    directory.replace(u"SELF"_qs, QFileInfo(workspace).absolutePath());
    QStringList arguments{u"target"_qs, u"add"_qs, u"edge.test"_qs, u"--profile"_qs, u"nss"_qs,
                          u"--dir"_qs,  directory, u"--now"_qs,     at(kStart)};
    if (!hook.isNull())
        arguments << u"--hook"_qs << hook;
    const QString before = dump(workspace);
    const Run run = batonctl(arguments + m_pass, workspace);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.startsWith(u"batonctl: "_qs + message), qPrintable(run.err));
    QCOMPARE(run.err.count(u'\n'), 1);
    QCOMPARE(dump(workspace), before);
}

void BatonctlWorkspaceChecks::targetOnReadOnlyMount()
{
    // A read-only file system refuses root as well: mounted in a private mount namespace, so
    // only this batonctl sees it.
    const QString unshare = QStandardPaths::findExecutable(u"unshare"_qs);
    const QString mountPoint = m_dir.filePath(u"mounted"_qs);
    QVERIFY(QDir().mkpath(mountPoint));
    const QStringList wrapper{unshare,
                              u"--mount"_qs,
                              u"sh"_qs,
                              u"-c"_qs,
                              u"mount -t tmpfs -o ro tmpfs \"$0\" && exec \"$@\""_qs,
                              mountPoint};
    if (unshare.isEmpty() ||
        QProcess::execute(unshare, wrapper.mid(1) + QStringList{u"true"_qs}) != 0)
        QSKIP("cannot mount a read-only file system here (needs root and unshare(1))");
    const QString workspace = preparedWorkspace(u"read-only-mount"_qs);
    const QString before = dump(workspace);
    const Run run =
        batonctl(QStringList{u"target"_qs, u"add"_qs, u"edge.test"_qs, u"--profile"_qs, u"nss"_qs,
                             u"--dir"_qs, mountPoint + u"/bundles"_qs, u"--now"_qs, at(kStart)} +
                     m_pass,
                 workspace, wrapper);
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(run.err, u"batonctl: %1 is on a read-only file system\n"_qs.arg(mountPoint));
    QCOMPARE(dump(workspace), before);
}

void BatonctlWorkspaceChecks::rotateThatCannotRecordFails()
{
    const QString workspace = preparedWorkspace(u"unrecorded"_qs);
    // The disk fills once the DC is stored: the export happens, its record cannot be written.
    QCOMPARE(rawSql(workspace, {u"CREATE TRIGGER full_disk BEFORE INSERT ON events WHEN "
                                u"NEW.kind = 'exported' BEGIN SELECT RAISE(ABORT, 'database or "
                                u"disk is full'); END"_qs}),
             QString());
    const Run run = batonctl(
        QStringList{u"rotate"_qs, u"--json"_qs, u"--now"_qs, at(kStart)} + m_pass, workspace);
    QCOMPARE(run.exitCode, 1);
    const QJsonObject policy =
        QJsonDocument::fromJson(run.out.toUtf8())[u"policies"_qs].toArray().first().toObject();
    QCOMPARE(policy[u"ok"_qs].toBool(true), false);
    QVERIFY2(policy[u"error"_qs].toString().contains(
                 QRegularExpression(u"\\(not recorded: .*database or disk is full\\)"_qs)),
             qPrintable(run.out));
}

void BatonctlWorkspaceChecks::importIsOneStep()
{
    // A renewal of edge.test in one file, its key in the next; storing the key fails.
    const QString workspace = preparedWorkspace(u"import-one-step"_qs);
    auto renewal =
        issueDevLeaf(m_ca->certificate, m_ca->key.get(),
                     {.dnsNames = {u"edge.test"_qs}, .ipAddresses = {}, .now = kStart.addDays(1)});
    QVERIFY(renewal);
    const QString certificate = write(u"one-step.pem"_qs, pem(renewal->issued.certificate));
    const QString key = write(u"one-step-key.pem"_qs, pem(renewal->issued.key.get()));
    QCOMPARE(rawSql(workspace, {u"CREATE TRIGGER full_disk BEFORE INSERT ON keys BEGIN SELECT "
                                u"RAISE(ABORT, 'database or disk is full'); END"_qs}),
             QString());
    const QString before = dump(workspace);
    const Run run = batonctl(
        QStringList{u"ws"_qs, u"import"_qs, certificate, key, u"--now"_qs, at(kStart.addDays(1))} +
            m_pass,
        workspace);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(u"nothing imported"_qs), qPrintable(run.err));
    // Neither the renewed certificate (with the policy moved to it) nor the key.
    QCOMPARE(dump(workspace), before);
}

void BatonctlWorkspaceChecks::importWaitsForARotation()
{
    const QString workspace = preparedWorkspace(u"import-lock"_qs);
    auto renewal =
        issueDevLeaf(m_ca->certificate, m_ca->key.get(),
                     {.dnsNames = {u"edge.test"_qs}, .ipAddresses = {}, .now = kStart.addDays(1)});
    QVERIFY(renewal);
    const QString certificate = write(u"locked.pem"_qs, pem(renewal->issued.certificate));
    const QString key = write(u"locked-key.pem"_qs, pem(renewal->issued.key.get()));
    const qsizetype certificates = rowCount(workspace, u"certificates"_qs);
    QProcess process;
    {
        // A rotation is running (this process holds its lock).
        auto lock = RotationLock::acquire(workspace, std::chrono::seconds(1));
        QVERIFY2(lock, qPrintable(lock.errorMessage()));
        startBatonctl(process,
                      QStringList{u"ws"_qs, u"import"_qs, certificate, key, u"--now"_qs,
                                  at(kStart.addDays(1))} +
                          m_pass,
                      workspace);
        QVERIFY(process.waitForStarted());
        QVERIFY(!process.waitForFinished(2000));
        QCOMPARE(rowCount(workspace, u"certificates"_qs), certificates);
    }
    const Run run = finishProcess(process);
    QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
    QVERIFY2(run.out.contains(u"Renewed certificates: issuing fresh DCs for policies 1"_qs),
             qPrintable(run.out));
    QCOMPARE(rowCount(workspace, u"certificates"_qs), certificates + 1);
    QCOMPARE(rowCount(workspace, u"dcs"_qs), 1);
}

void BatonctlWorkspaceChecks::statusReadsWhatTargetsServe_data()
{
    // Two rotations of 24 h DCs renewed 12 h before expiry: DC 1 (gen 1) at the start, valid
    // until +24 h, and DC 2 (gen 2) at +13 h, the current one from then on. Each row points the
    // target's `current` somewhere and asks `status` at +14 h or at +24 h 30 min, when DC 1 has
    // expired and the policy itself is fine.
    QTest::addColumn<QString>("current"); // what `current` links to; empty: no link
    QTest::addColumn<qint64>("hours");    // status at kStart + hours/2 h
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("detail");
    QTest::newRow("serves the current DC")
        << u"GEN2"_qs << qint64(28) << 0 << u"current"_qs << u"GEN2 serves DC 2, valid until"_qs;
    QTest::newRow("serves the previous DC") << u"GEN1"_qs << qint64(28) << 1 << u"not-current"_qs
                                            << u"GEN1 serves DC 1, not the current DC 2"_qs;
    QTest::newRow("serves an expired DC")
        << u"GEN1"_qs << qint64(49) << 1 << u"expired"_qs
        << u"GEN1 serves DC 1, which expired 30 min ago (2026-06-02 00:00:00 UTC)"_qs;
    QTest::newRow("no current") << QString() << qint64(28) << 1 << u"unreadable"_qs
                                << u"DIR/current is missing: nothing exported yet"_qs;
    QTest::newRow("a dangling current")
        << u"gen-20000101T000000Z-0000"_qs << qint64(28) << 1 << u"unreadable"_qs
        << u"DIR/current points at gen-20000101T000000Z-0000, which does not exist"_qs;
    QTest::newRow("current out of the directory")
        << u"../baton-elsewhere/GEN2"_qs << qint64(28) << 1 << u"unreadable"_qs
        << u"DIR/current points at '../baton-elsewhere/GEN2', not at a generation beside it"_qs;
    QTest::newRow("a generation that is a symlink")
        << u"gen-20000101T000000Z-0001"_qs << qint64(28) << 1 << u"unreadable"_qs
        << u"DIR/gen-20000101T000000Z-0001 is not a directory (a symlink is not followed)"_qs;
    QTest::newRow("a manifest that is a symlink")
        << u"gen-20000101T000000Z-0002"_qs << qint64(28) << 1 << u"unreadable"_qs
        << u"DIR/gen-20000101T000000Z-0002/manifest.json is a symlink; not followed"_qs;
    QTest::newRow("a manifest that is a FIFO")
        << u"gen-20000101T000000Z-0003"_qs << qint64(28) << 1 << u"unreadable"_qs
        << u"DIR/gen-20000101T000000Z-0003/manifest.json is not a regular file"_qs;
    QTest::newRow("a manifest of 1 GiB")
        << u"gen-20000101T000000Z-0004"_qs << qint64(28) << 1 << u"unreadable"_qs
        << u"DIR/gen-20000101T000000Z-0004/manifest.json is 1073741824 bytes, more than the "
           u"65536 a manifest takes"_qs;
}

void BatonctlWorkspaceChecks::statusReadsWhatTargetsServe()
{
    QFETCH(QString, current);
    QFETCH(qint64, hours);
    QFETCH(int, exitCode);
    QFETCH(QString, state);
    QFETCH(QString, detail);
    static const QString workspace = [this] {
        const QString path = preparedWorkspace(u"served"_qs);
        for (const QDateTime &when : {kStart, kStart.addSecs(13 * 3600)}) {
            const Run run =
                batonctl(QStringList{u"rotate"_qs, u"--now"_qs, at(when)} + m_pass, path);
            if (run.exitCode != 0)
                qFatal("%s", qPrintable(run.out + run.err));
        }
        const QString directory = QFileInfo(path).absolutePath() + u"/baton"_qs;
        // What a hostile user could leave in the target directory.
        QDir().mkpath(directory + u"-elsewhere/gen-20000101T000000Z-0000"_qs);
        QFile::link(QFileInfo(path).absolutePath(), directory + u"/gen-20000101T000000Z-0001"_qs);
        QDir().mkpath(directory + u"/gen-20000101T000000Z-0002"_qs);
        QFile::link(path, directory + u"/gen-20000101T000000Z-0002/manifest.json"_qs);
        QDir().mkpath(directory + u"/gen-20000101T000000Z-0003"_qs);
        ::mkfifo(QFile::encodeName(directory + u"/gen-20000101T000000Z-0003/manifest.json"_qs)
                     .constData(),
                 0644);
        QDir().mkpath(directory + u"/gen-20000101T000000Z-0004"_qs);
        QFile huge(directory + u"/gen-20000101T000000Z-0004/manifest.json"_qs);
        if (!huge.open(QIODevice::WriteOnly) || !huge.resize(qint64(1) << 30))
            qFatal("cannot make a sparse file");
        return path;
    }();
    const QString directory = QFileInfo(workspace).absolutePath() + u"/baton"_qs;
    const QStringList generations = listGenerations(directory).filter(u"20260601"_qs);
    QCOMPARE(generations.size(), 2);
    current.replace(u"GEN1"_qs, generations[0]).replace(u"GEN2"_qs, generations[1]);
    detail.replace(u"GEN1"_qs, generations[0])
        .replace(u"GEN2"_qs, generations[1])
        .replace(u"DIR"_qs, directory);
    const QByteArray link = QFile::encodeName(directory + u"/current"_qs);
    ::unlink(link.constData());
    if (!current.isEmpty())
        QCOMPARE(::symlink(QFile::encodeName(current).constData(), link.constData()), 0);

    const QString now = at(kStart.addSecs(hours * 1800));
    const Run json = batonctl({u"status"_qs, u"--json"_qs, u"--now"_qs, now}, workspace);
    QCOMPARE(json.exitCode, exitCode);
    const QJsonObject policy =
        QJsonDocument::fromJson(json.out.toUtf8())[u"policies"_qs].toArray().first().toObject();
    QCOMPARE(policy[u"status"_qs].toString(), u"ok"_qs);
    const QJsonObject served = policy[u"targets"_qs].toArray().first()[u"served"_qs].toObject();
    QCOMPARE(served[u"state"_qs].toString(), state);
    QCOMPARE(served[u"ok"_qs].toBool(), exitCode == 0);
    QCOMPARE(served[u"currentDc"_qs].toInt(), 2);
    QVERIFY2(served[u"detail"_qs].toString().startsWith(detail),
             qPrintable(served[u"detail"_qs].toString()));
    const Run text = batonctl({u"status"_qs, u"--now"_qs, now}, workspace);
    QCOMPARE(text.exitCode, exitCode);
    const QString line = u"    Serving:      "_qs +
                         (exitCode == 0 ? QString() : state.toUpper() + u": "_qs) + detail;
    QVERIFY2(text.out.contains(line), qPrintable(text.out));
}

QTEST_GUILESS_MAIN(BatonctlWorkspaceChecks)
#include "tst_batonctl_ws_checks.moc"
