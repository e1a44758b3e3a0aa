// batonctl's workspace commands as an operator and a systemd timer run them: the real binary,
// its exit codes and output, a week of hourly `rotate --now`, two rotations at once, rotations
// and vault upgrades killed with SIGKILL at any point, wrong passphrases, a passphrase change
// at a terminal and a workspace that cannot be written.

#include "BatonctlProcess.h"
#include "LegacyVaultWriter.h"
#include "RawSql.h"
#include "TestPki.h"
#include "common/FileIo.h"
#include "common/Pem.h"
#include "crypto/KeyCodec.h"
#include "export/BundleVerifier.h"
#include "import/Importer.h"
#include "pki/DevPki.h"
#include "store/Workspace.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <map>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace baton;
using namespace baton::test;

namespace {

const QDateTime kStart = utc(2026, 6, 1, 0);
const QByteArray &kPassphrase = kTestPassphrase;
// Workspaces made by the fixture use kFastWork, a small scrypt cost: dozens of rotations stay
// fast, and batonctl honours whatever cost a workspace was created with. `ws init` itself (the
// default cost) is covered by endToEnd.

using Run = ProcessRun;

/// Starts batonctl and kills it with SIGKILL (no cleanup of any kind) after `milliseconds`:
/// whether it was still running then.
bool killedAfter(const QStringList &arguments, const QString &workspace, int milliseconds)
{
    QProcess process;
    startBatonctl(process, arguments, workspace);
    if (!process.waitForStarted())
        qFatal("batonctl did not start");
    QTest::qWait(milliseconds);
    const bool running = process.state() == QProcess::Running;
    if (running)
        process.kill();
    process.waitForFinished();
    return running;
}

QJsonObject json(const Run &run)
{
    return QJsonDocument::fromJson(run.out.toUtf8()).object();
}

int fileMode(const QString &path)
{
    struct stat info
    {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? int(info.st_mode & 0777) : -1;
}

/// The current data row's tag as a directory name.
QString tagName()
{
    QString name = QString::fromLatin1(QTest::currentDataTag());
    for (QChar &c : name) {
        if (!c.isLetterOrNumber())
            c = u'-';
    }
    return name;
}

const QStringList kPass{QStringLiteral("--passphrase"),
                        QStringLiteral("env:BATON_TEST_PASSPHRASE")};

} // namespace

class BatonctlWorkspace : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void endToEnd();
    void wrongPassphrase_data();
    void wrongPassphrase();
    void passphraseSources_data();
    void passphraseSources();
    void promptsOnATerminal();
    void passwdPromptsTwice_data();
    void passwdPromptsTwice();
    void passwdNotesThePassphraseFile();
    void refusals_data();
    void refusals();
    void weekOfHourlyRuns();
    void twoRotationsAtOnce();
    void killedAtAnyPoint();
    void upgradeKilledAtAnyPoint();
    void renewalCascade_data();
    void renewalCascade();
    void readOnlyWorkspace();

private:
    /// A workspace (fast scrypt) with the CA and the leaf imported, a 24 h / 12 h policy on the
    /// leaf and two targets (nss, baton). Returns its path.
    QString preparedWorkspace(const QString &name);
    /// Every target of the workspace serves a DC that verifies at `when`.
    void expectTargetsServe(const QString &workspace, const QDateTime &when);
    qsizetype countDcs(const QString &workspace);
    void expectIntegrity(const QString &workspace);

    QTemporaryDir m_dir;
    QString m_caPem;
    QString m_leafPem;
    QString m_leafKeyPem;
    std::optional<CertificateAndKey> m_ca;
};

void BatonctlWorkspace::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto ca = createDevCa({.now = kStart.addDays(-1)});
    QVERIFY(ca);
    auto leaf = issueDevLeaf(
        ca->certificate, ca->key.get(),
        {.dnsNames = {u"edge.test"_qs}, .ipAddresses = {}, .days = 90, .now = kStart.addDays(-1)});
    QVERIFY(leaf);
    m_caPem = m_dir.filePath(u"ca.pem"_qs);
    m_leafPem = m_dir.filePath(u"leaf.pem"_qs);
    m_leafKeyPem = m_dir.filePath(u"leaf-key.pem"_qs);
    QVERIFY(writeFileAtomically(m_caPem, encodePem(u"CERTIFICATE"_qs, ca->certificate.der()), 0644,
                                Overwrite::Refuse));
    QVERIFY(writeFileAtomically(m_leafPem,
                                encodePem(u"CERTIFICATE"_qs, leaf->issued.certificate.der()), 0644,
                                Overwrite::Refuse));
    QVERIFY(writeFileAtomically(m_leafKeyPem,
                                encodePrivateKeyPkcs8Pem(leaf->issued.key.get())->bytes(), 0600,
                                Overwrite::Refuse));
    m_ca = std::move(ca).value();
}

QString BatonctlWorkspace::preparedWorkspace(const QString &name)
{
    const QString directory = m_dir.filePath(name);
    QDir().mkpath(directory);
    const QString path = directory + u"/workspace.baton"_qs;
    {
        auto workspace = Workspace::create(path, kPassphrase, kStart, kFastWork);
        if (!workspace)
            qFatal("%s", qPrintable(workspace.errorMessage()));
    }
    const QString now = at(kStart);
    for (const QStringList &arguments :
         {QStringList{u"ws"_qs, u"import"_qs, m_caPem, m_leafPem, m_leafKeyPem, u"--now"_qs, now} +
              kPass,
          QStringList{u"policy"_qs, u"set"_qs, u"edge.test"_qs, u"--now"_qs, now} + kPass,
          QStringList{u"target"_qs, u"add"_qs, u"edge.test"_qs, u"--profile"_qs, u"nss"_qs,
                      u"--dir"_qs, directory + u"/nss"_qs, u"--now"_qs, now} +
              kPass,
          QStringList{u"target"_qs, u"add"_qs, u"edge.test"_qs, u"--profile"_qs, u"baton"_qs,
                      u"--dir"_qs, directory + u"/baton"_qs, u"--now"_qs, now} +
              kPass}) {
        const Run run = batonctl(arguments, path);
        if (run.exitCode != 0)
            qFatal("%s: %s", qPrintable(arguments.join(u' ')), qPrintable(run.err));
    }
    return path;
}

void BatonctlWorkspace::expectTargetsServe(const QString &workspace, const QDateTime &when)
{
    const QString directory = QFileInfo(workspace).absolutePath();
    for (const QString &target : {u"/nss"_qs, u"/baton"_qs}) {
        auto report = verifyBundle(directory + target, when);
        QVERIFY2(report,
                 qPrintable(target + u" at "_qs + at(when) + u": "_qs + report.errorMessage()));
        QVERIFY2(report->valid(), qPrintable(target + u" at "_qs + at(when) + u":\n"_qs +
                                             describeChecks(report->checks)));
    }
}

qsizetype BatonctlWorkspace::countDcs(const QString &workspace)
{
    auto opened = Workspace::open(workspace, WorkspaceAccess::ReadOnly);
    return opened ? (*opened)->dcs()->size() : -1;
}

void BatonctlWorkspace::expectIntegrity(const QString &workspace)
{
    auto opened = Workspace::open(workspace);
    QVERIFY2(opened, qPrintable(opened.errorMessage()));
    const Status integrity = (*opened)->integrityCheck();
    QVERIFY2(integrity, qPrintable(integrity.errorMessage()));
}

void BatonctlWorkspace::endToEnd()
{
    const QString directory = m_dir.filePath(u"e2e"_qs);
    const QString workspace = directory + u"/ws.baton"_qs;
    const QString now = at(kStart);
    // The real `ws init`, at the default scrypt cost.
    const Run init =
        batonctl(QStringList{u"ws"_qs, u"init"_qs, u"--now"_qs, now} + kPass, workspace);
    QVERIFY2(init.exitCode == 0, qPrintable(init.err));
    QCOMPARE(fileMode(workspace), 0600);
    QCOMPARE(batonctl(QStringList{u"ws"_qs, u"init"_qs} + kPass, workspace).exitCode, 2);

    // The passphrase from the file BATON_PASSPHRASE_FILE names, as a systemd unit gives it.
    const QString passFile = directory + u"/pass"_qs;
    QVERIFY(writeFileAtomically(passFile, kPassphrase + '\n', 0600, Overwrite::Refuse));
    QProcess importing;
    QProcessEnvironment environment = batonctlEnvironment(workspace);
    environment.insert(u"BATON_PASSPHRASE_FILE"_qs, passFile);
    importing.setProcessEnvironment(environment);
    importing.start(QStringLiteral(BATONCTL_PATH),
                    {u"ws"_qs, u"import"_qs, m_caPem, m_leafPem, m_leafKeyPem, u"--now"_qs, now});
    const Run imported = finishProcess(importing);
    QVERIFY2(imported.exitCode == 0, qPrintable(imported.err));
    QVERIFY(imported.out.contains(u"added: private key EC P-256"_qs));

    const QJsonObject listed =
        json(batonctl({u"ws"_qs, u"list"_qs, u"--json"_qs, u"--now"_qs, now}, workspace));
    const QJsonArray certificates = listed[u"certificates"_qs].toArray();
    QCOMPARE(certificates.size(), 2);
    QCOMPARE(certificates[0][u"ca"_qs].toBool(), true);
    QCOMPARE(certificates[1][u"name"_qs].toString(), u"edge.test"_qs);
    QCOMPARE(certificates[1][u"hasKey"_qs].toBool(), true);

    QCOMPARE(batonctl(QStringList{u"policy"_qs, u"set"_qs, u"edge.test"_qs, u"--lifetime"_qs,
                                  u"6h"_qs, u"--dc-alg"_qs, u"ed25519"_qs, u"--now"_qs, now} +
                          kPass,
                      workspace)
                 .exitCode,
             0);
    const QString hookLog = directory + u"/reloads"_qs;
    const Run target = batonctl(
        QStringList{u"target"_qs, u"add"_qs, u"edge.test"_qs, u"--profile"_qs, u"baton"_qs,
                    u"--dir"_qs, directory + u"/baton"_qs, u"--hook"_qs,
                    u"sh -c \"echo $BATON_DC_EXPIRY >> '%1'\""_qs.arg(hookLog), u"--now"_qs, now} +
            kPass,
        workspace);
    QVERIFY2(target.exitCode == 0, qPrintable(target.err));

    const Run before = batonctl({u"status"_qs, u"--json"_qs, u"--now"_qs, now}, workspace);
    QCOMPARE(before.exitCode, 1); // expired: no DC yet
    const QJsonObject policy = json(before)[u"policies"_qs].toArray().first().toObject();
    QCOMPARE(policy[u"status"_qs].toString(), u"expired"_qs);
    QCOMPARE(policy[u"lifetimeSeconds"_qs].toInt(), 6 * 3600);
    QCOMPARE(policy[u"renewBeforeSeconds"_qs].toInt(), 3 * 3600);

    const Run rotated =
        batonctl(QStringList{u"rotate"_qs, u"--json"_qs, u"--now"_qs, now} + kPass, workspace);
    QVERIFY2(rotated.exitCode == 0, qPrintable(rotated.err + rotated.out));
    const QJsonObject outcome = json(rotated)[u"policies"_qs].toArray().first().toObject();
    QVERIFY(outcome[u"actions"_qs].toArray().first().toString().startsWith(
        u"issued server DC for edge.test, ed25519, expires 2026-06-01 06:00:00 UTC"_qs));
    QCOMPARE(*readFileBounded(hookLog, 1024), QByteArray("2026-06-01T06:00:00Z\n"));

    // Nothing due: no passphrase needed, nothing done.
    const Run again = batonctl({u"rotate"_qs, u"--now"_qs, at(kStart.addSecs(3600))}, workspace);
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    QVERIFY(again.out.contains(u"up to date (DC 1)"_qs));
    QVERIFY(again.out.contains(u"nothing due; next rotation 2026-06-01 03:00:00 UTC (in 2 h)"_qs));
    QCOMPARE(*readFileBounded(hookLog, 1024), QByteArray("2026-06-01T06:00:00Z\n"));

    const Run after = batonctl({u"status"_qs, u"--now"_qs, at(kStart.addSecs(3600))}, workspace);
    QCOMPARE(after.exitCode, 0);
    QVERIFY2(after.out.contains(u"OK\n  DC expires:     2026-06-01 06:00:00 UTC (in 5 h)"_qs),
             qPrintable(after.out));
    QVERIFY(after.out.contains(u"Headroom:       3 h"_qs));

    const Run log = batonctl({u"log"_qs, u"--json"_qs}, workspace);
    QStringList kinds;
    for (const QJsonValue &event : json(log)[u"events"_qs].toArray())
        kinds << event[u"kind"_qs].toString();
    QCOMPARE(kinds,
             (QStringList{u"workspace"_qs, u"imported"_qs, u"imported"_qs, u"imported"_qs,
                          u"policy"_qs, u"target"_qs, u"issued"_qs, u"exported"_qs, u"hook"_qs}));
    QCOMPARE(
        batonctl({u"bundle"_qs, u"verify"_qs, u"--at"_qs, now, directory + u"/baton"_qs}, workspace)
            .exitCode,
        0);
    // The DC key the target holds is in the workspace only sealed.
    auto dcKey =
        decodePrivateKey(*readFileBounded(directory + u"/baton/current/dc-key.pem"_qs, 4096));
    QVERIFY(dcKey);
    QByteArray seed(32, '\0');
    size_t seedLength = size_t(seed.size());
    QVERIFY(EVP_PKEY_get_raw_private_key(
        dcKey->get(), reinterpret_cast<unsigned char *>(seed.data()), &seedLength));
    for (const char *suffix : {"", "-wal"}) {
        auto stored = readFileBounded(workspace + QLatin1String(suffix), 64 << 20);
        const QByteArray bytes = stored ? *stored : QByteArray();
        QVERIFY(!bytes.contains(seed));
        QVERIFY(!bytes.contains(encodePrivateKeyPkcs8Der(dcKey->get())->bytes()));
    }
    // Whatever went through the CLI, the key never shows in its output.
    const QByteArray key = *readFileBounded(m_leafKeyPem, 4096);
    for (const Run &run : {init, imported, target, before, rotated, again, after, log}) {
        QVERIFY(!run.out.contains(QString::fromLatin1(kPassphrase)));
        QVERIFY(!run.out.contains(QString::fromLatin1(key.mid(40, 40))));
    }
    expectIntegrity(workspace);
}

void BatonctlWorkspace::wrongPassphrase_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("rotate") << QStringList{u"rotate"_qs, u"--now"_qs, at(kStart)};
    QTest::newRow("import a key") << QStringList{u"ws"_qs, u"import"_qs, m_leafKeyPem};
}

void BatonctlWorkspace::wrongPassphrase()
{
    QFETCH(QStringList, arguments);
    const QString workspace = preparedWorkspace(u"wrong-"_qs + tagName());
    const qsizetype events =
        json(batonctl({u"log"_qs, u"--json"_qs}, workspace))[u"events"_qs].toArray().size();
    const Run run =
        batonctl(arguments + QStringList{u"--passphrase"_qs, u"pass:not it"_qs}, workspace);
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(run.err, u"batonctl: %1: wrong passphrase\n"_qs.arg(workspace));
    QCOMPARE(countDcs(workspace), 0);
    QCOMPARE(json(batonctl({u"log"_qs, u"--json"_qs}, workspace))[u"events"_qs].toArray().size(),
             events);
}

void BatonctlWorkspace::passphraseSources_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("env:") << QStringList{u"--passphrase"_qs, u"env:BATON_TEST_PASSPHRASE"_qs} << 0
                          << u"issued server DC"_qs;
    QTest::newRow("unset env:") << QStringList{u"--passphrase"_qs, u"env:NOT_SET_ANYWHERE"_qs} << 2
                                << u"environment variable NOT_SET_ANYWHERE is not set"_qs;
    QTest::newRow("none, and no terminal")
        << QStringList{} << 2 << u"there is no terminal to ask on"_qs;
    QTest::newRow("not a source")
        << QStringList{u"--passphrase"_qs, u"hunter2"_qs} << 2
        << u"a secret source must be file:PATH (first line), fd:N, env:VAR, or pass:TEXT "
           u"(visible to every user in `ps`: tests only)"_qs;
}

void BatonctlWorkspace::passphraseSources()
{
    QFETCH(QStringList, extra);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const QString workspace = preparedWorkspace(u"sources-"_qs + tagName());
    const Run run = batonctl(QStringList{u"rotate"_qs, u"--now"_qs, at(kStart)} + extra, workspace);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2((run.out + run.err).contains(message), qPrintable(run.out + run.err));
    QVERIFY(!run.err.contains(u"hunter2"_qs));
}

void BatonctlWorkspace::promptsOnATerminal()
{
    // script(1) gives batonctl a pseudo-terminal, as a person at a shell has.
    const QString script = QStandardPaths::findExecutable(u"script"_qs);
    if (script.isEmpty())
        QSKIP("script(1) is not installed");
    const QString workspace = preparedWorkspace(u"prompt"_qs);
    QProcess process;
    process.setProcessEnvironment(batonctlEnvironment(workspace));
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(script,
                  {u"-qec"_qs,
                   u"'%1' rotate --now %2"_qs.arg(QStringLiteral(BATONCTL_PATH), at(kStart)),
                   u"/dev/null"_qs});
    QByteArray seen;
    QElapsedTimer clock;
    clock.start();
    // Typed only once asked: the prompt flushes anything typed ahead, as getpass does.
    while (!seen.contains("Passphrase for the workspace") && clock.elapsed() < 20000) {
        process.waitForReadyRead(200);
        seen += process.readAll();
    }
    QVERIFY2(seen.contains("Passphrase for the workspace " + workspace.toUtf8() + ": "), seen);
    process.write(kPassphrase + '\n');
    QVERIFY(process.waitForFinished(60000));
    seen += process.readAll();
    QCOMPARE(process.exitCode(), 0);
    QVERIFY2(seen.contains("issued server DC"), seen);
    QVERIFY2(!seen.contains(kPassphrase), seen); // not echoed
    QCOMPARE(countDcs(workspace), 1);
}

void BatonctlWorkspace::passwdPromptsTwice_data()
{
    QTest::addColumn<QByteArray>("again"); ///< typed at the second prompt
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("said");
    QTest::newRow("the same twice")
        << QByteArray("a new one") << 0 << QByteArray("Changed the passphrase of ");
    QTest::newRow("two different")
        << QByteArray("a new on") << 2
        << QByteArray("batonctl: the two passphrases differ; nothing was written");
}

void BatonctlWorkspace::passwdPromptsTwice()
{
    QFETCH(QByteArray, again);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, said);
    const QString script = QStandardPaths::findExecutable(u"script"_qs);
    if (script.isEmpty())
        QSKIP("script(1) is not installed");
    const QString workspace = preparedWorkspace(u"passwd-prompt-"_qs + tagName());
    QProcess process;
    process.setProcessEnvironment(batonctlEnvironment(workspace));
    process.setProcessChannelMode(QProcess::MergedChannels);
    // The current passphrase from its source, the new one at the terminal.
    process.start(script, {u"-qec"_qs,
                           u"'%1' ws passwd --passphrase env:BATON_TEST_PASSPHRASE"_qs.arg(
                               QStringLiteral(BATONCTL_PATH)),
                           u"/dev/null"_qs});
    QByteArray seen;
    const auto waitFor = [&](const QByteArray &prompt) {
        QElapsedTimer clock;
        clock.start();
        while (!seen.contains(prompt) && clock.elapsed() < 20000) {
            process.waitForReadyRead(200);
            seen += process.readAll();
        }
        return seen.contains(prompt);
    };
    const QByteArray prompt = "New passphrase for the workspace " + workspace.toUtf8();
    QVERIFY2(waitFor(prompt + ": "), seen);
    process.write("a new one\n");
    QVERIFY2(waitFor(prompt + " (again): "), seen);
    process.write(again + '\n');
    QVERIFY(process.waitForFinished(60000));
    seen += process.readAll();
    QCOMPARE(process.exitCode(), exitCode);
    QVERIFY2(seen.contains(said), seen);
    QVERIFY2(!seen.contains("a new on"), seen); // not echoed
    auto opened = Workspace::open(workspace);
    QVERIFY(opened);
    QCOMPARE((*opened)->unlock(exitCode == 0 ? "a new one" : kPassphrase).errorMessage(),
             QString());
}

void BatonctlWorkspace::passwdNotesThePassphraseFile()
{
    // The current passphrase from the file a systemd unit reads: the change says that the file
    // still holds the old one, which the next timer run would otherwise be the first to find.
    const QString workspace = preparedWorkspace(u"passwd-file"_qs);
    const QString passFile = QFileInfo(workspace).absolutePath() + u"/pass"_qs;
    QVERIFY(writeFileAtomically(passFile, kPassphrase + '\n', 0600, Overwrite::Refuse));
    QProcessEnvironment environment = batonctlEnvironment(workspace);
    environment.insert(u"BATON_PASSPHRASE_FILE"_qs, passFile);
    environment.insert(u"BATON_TEST_NEW"_qs, u"the next one"_qs);
    const auto run = [&](const QStringList &arguments) {
        QProcess process;
        process.setProcessEnvironment(environment);
        process.setStandardInputFile(QProcess::nullDevice());
        process.start(QStringLiteral(BATONCTL_PATH), arguments);
        return finishProcess(process);
    };
    const Run changed =
        run({u"ws"_qs, u"passwd"_qs, u"--new-passphrase"_qs, u"env:BATON_TEST_NEW"_qs});
    QVERIFY2(changed.exitCode == 0, qPrintable(changed.err));
    QVERIFY2(changed.err.contains(u"batonctl: note: "_qs + passFile +
                                  u" ($BATON_PASSPHRASE_FILE) still holds the old passphrase; put "
                                  u"the new one there before anything reads it again\n"_qs),
             qPrintable(changed.err));
    const QStringList rotate{u"rotate"_qs, u"--now"_qs, at(kStart)};
    QCOMPARE(run(rotate).err, u"batonctl: %1: wrong passphrase\n"_qs.arg(workspace));
    QVERIFY(writeFileAtomically(passFile, "the next one\n", 0600, Overwrite::Replace));
    const Run rotated = run(rotate);
    QVERIFY2(rotated.exitCode == 0, qPrintable(rotated.err));
}

void BatonctlWorkspace::refusals_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown certificate") << QStringList{u"policy"_qs, u"set"_qs, u"nowhere.test"_qs}
                                         << u"no certificate in the workspace is 'nowhere.test'"_qs;
    QTest::newRow("a CA certificate")
        << QStringList{u"policy"_qs, u"set"_qs, u"1"_qs} << u"is a CA certificate"_qs;
    QTest::newRow("lifetime over 7 days")
        << QStringList{u"policy"_qs, u"set"_qs, u"edge.test"_qs, u"--lifetime"_qs, u"8d"_qs}
        << u"the lifetime of 8 d is longer than 6 d 23 h"_qs;
    QTest::newRow("not a DC key") << QStringList{u"policy"_qs, u"set"_qs, u"edge.test"_qs,
                                                 u"--dc-alg"_qs, u"rsa-2048"_qs}
                                  << u"the DC algorithm 'rsa-2048' is not a DC key"_qs;
    QTest::newRow("target taken") << QStringList{u"target"_qs,    u"add"_qs,  u"edge.test"_qs,
                                                 u"--profile"_qs, u"fizz"_qs, u"--dir"_qs,
                                                 u"SELF/nss"_qs}
                                  << u"is already the target of policy 1"_qs;
    QTest::newRow("unknown profile")
        << QStringList{u"target"_qs, u"add"_qs,   u"edge.test"_qs,  u"--profile"_qs,
                       u"apache"_qs, u"--dir"_qs, u"SELF/apache"_qs}
        << u"unknown profile 'apache'"_qs;
    QTest::newRow("no workspace") << QStringList{u"status"_qs, u"--workspace"_qs,
                                                 u"SELF/none.baton"_qs}
                                  << u"no workspace at"_qs;
    QTest::newRow("a file that is not a workspace")
        << QStringList{u"ws"_qs, u"list"_qs, u"--workspace"_qs, m_caPem}
        << u"not a Baton workspace (not an SQLite file)"_qs;
}

void BatonctlWorkspace::refusals()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    static const QString workspace = preparedWorkspace(u"refusals"_qs);
    const QString directory = QFileInfo(workspace).absolutePath();
    arguments.replaceInStrings(u"SELF"_qs, directory);
    const Run run = batonctl(arguments, workspace);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
    QCOMPARE(run.err.count(u'\n'), 1);
}

void BatonctlWorkspace::weekOfHourlyRuns()
{
    const QString workspace = preparedWorkspace(u"week"_qs);
    int rotations = 0;
    for (int hour = 0; hour <= 7 * 24; ++hour) {
        const QDateTime now = kStart.addSecs(hour * 3600);
        const Run run =
            batonctl(QStringList{u"rotate"_qs, u"--now"_qs, at(now)} + kPass, workspace);
        QVERIFY2(run.exitCode == 0, qPrintable(at(now) + u": "_qs + run.out + run.err));
        rotations += run.out.count(u"issued server DC"_qs);
        // Until the next hourly run, every server can hand out a DC peers accept.
        expectTargetsServe(workspace, now);
        expectTargetsServe(workspace, now.addSecs(3599));
        if (QTest::currentTestFailed())
            return;
    }
    // 24 h DCs renewed 12 h before expiry: one at the start, then every 12 h.
    QCOMPARE(rotations, 15);
    QCOMPARE(countDcs(workspace), 15);
    expectIntegrity(workspace);
}

void BatonctlWorkspace::twoRotationsAtOnce()
{
    const QString workspace = preparedWorkspace(u"concurrent"_qs);
    QProcess first;
    QProcess second;
    const QStringList arguments = QStringList{u"rotate"_qs, u"--now"_qs, at(kStart)} + kPass;
    startBatonctl(first, arguments, workspace);
    startBatonctl(second, arguments, workspace);
    const Run a = finishProcess(first);
    const Run b = finishProcess(second);
    QVERIFY2(a.exitCode == 0, qPrintable(a.err));
    QVERIFY2(b.exitCode == 0, qPrintable(b.err));
    // One of them did the work; the other waited for the lock and found nothing due.
    QCOMPARE(a.out.count(u"issued server DC"_qs) + b.out.count(u"issued server DC"_qs), 1);
    QCOMPARE(countDcs(workspace), 1);
    expectTargetsServe(workspace, kStart);
    expectIntegrity(workspace);
}

void BatonctlWorkspace::killedAtAnyPoint()
{
    // How long an uninterrupted rotation takes here, so kills land all through it.
    const QString timing = preparedWorkspace(u"kill-timing"_qs);
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(batonctl(QStringList{u"rotate"_qs, u"--now"_qs, at(kStart)} + kPass, timing).exitCode,
             0);
    const qint64 full = clock.elapsed();
    constexpr int kPoints = 24;
    int interrupted = 0;
    // What each rerun found, to show the kills landed all through the rotation.
    int beforeStored = 0, storedNotExported = 0, finished = 0;
    for (int point = 0; point < kPoints; ++point) {
        const QString workspace = preparedWorkspace(u"kill-%1"_qs.arg(point));
        if (killedAfter(QStringList{u"rotate"_qs, u"--now"_qs, at(kStart)} + kPass, workspace,
                        int(full * point / kPoints)))
            ++interrupted;
        // The next timer run finishes the job.
        const Run rerun = batonctl(
            QStringList{u"rotate"_qs, u"--now"_qs, at(kStart.addSecs(60))} + kPass, workspace);
        QVERIFY2(rerun.exitCode == 0,
                 qPrintable(u"killed after %1 ms: "_qs.arg(full * point / kPoints) + rerun.out +
                            rerun.err));
        expectIntegrity(workspace);
        expectTargetsServe(workspace, kStart.addSecs(60));
        // Never a second DC for the same rotation: a stored DC is exported, not reissued.
        QCOMPARE(countDcs(workspace), 1);
        if (rerun.out.contains(u"issued server DC"_qs))
            ++beforeStored;
        else if (rerun.out.contains(u": exported DC 1"_qs))
            ++storedNotExported;
        else
            ++finished;
        if (QTest::currentTestFailed())
            return;
    }
    qInfo("full run %lld ms; %d of %d runs killed; reruns: %d issued (killed before the DC was "
          "stored), %d exported a stored DC, %d found everything done",
          full, interrupted, kPoints, beforeStored, storedNotExported, finished);
    QVERIFY2(interrupted >= kPoints / 2, qPrintable(QString::number(interrupted)));
}

void BatonctlWorkspace::upgradeKilledAtAnyPoint()
{
    // A workspace of before schema 6 whose upgrade takes a while: a dozen keys, each sealed at
    // 16 MiB of scrypt, which the upgrade opens one by one.
    constexpr ScryptParameters kCost{1 << 14, 8, 1};
    constexpr int kKeys = 12;
    const QString legacy = m_dir.filePath(u"upgrade-legacy.baton"_qs);
    makeLegacyWorkspace(legacy, kPassphrase, kStart, kCost);
    std::map<QByteArray, QByteArray> keys; // certificate DER -> its PKCS#8
    QByteArray certificates;
    for (int i = 0; i < kKeys; ++i) {
        auto leaf = issueDevLeaf(m_ca->certificate, m_ca->key.get(),
                                 {.dnsNames = {u"upgrade-%1.test"_qs.arg(i)},
                                  .ipAddresses = {},
                                  .days = 90,
                                  .now = kStart.addDays(-1)});
        QVERIFY(leaf);
        addLegacyKey(legacy, leaf->issued.key.get(), kPassphrase, kCost);
        certificates += encodePem(u"CERTIFICATE"_qs, leaf->issued.certificate.der());
        keys[leaf->issued.certificate.der()] =
            encodePrivateKeyPkcs8Der(leaf->issued.key.get())->bytes();
    }
    {
        auto workspace = Workspace::open(legacy);
        QVERIFY2(workspace, qPrintable(workspace.errorMessage()));
        QVERIFY((*workspace)->importObjects(importData(certificates, u"c.pem"_qs).objects, kStart));
    }
    const auto copyOfLegacy = [&](const QString &name) {
        const QString path = m_dir.filePath(name);
        if (!QFile::copy(legacy, path) ||
            !QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner))
            qFatal("cannot copy the legacy workspace to %s", qPrintable(path));
        return path;
    };
    // Any command that unlocks upgrades the vault: this one sets a policy afterwards.
    const QStringList command =
        QStringList{u"policy"_qs, u"set"_qs, u"upgrade-0.test"_qs, u"--now"_qs, at(kStart)} + kPass;
    const QString timing = copyOfLegacy(u"upgrade-timing.baton"_qs);
    QElapsedTimer clock;
    clock.start();
    const Run uninterrupted = batonctl(command, timing);
    QVERIFY2(uninterrupted.exitCode == 0, qPrintable(uninterrupted.err));
    const qint64 full = clock.elapsed();

    constexpr int kPoints = 24;
    int interrupted = 0, beforeCommit = 0, afterCommit = 0;
    for (int point = 0; point < kPoints; ++point) {
        const QString workspace = copyOfLegacy(u"upgrade-kill-%1.baton"_qs.arg(point));
        if (killedAfter(command, workspace, int(full * point / kPoints)))
            ++interrupted;
        const int schema = rawValue(workspace, u"PRAGMA user_version"_qs).toInt();
        (schema == kLegacyVaultSchema ? beforeCommit : afterCommit) += 1;
        // Whatever the kill left, the same passphrase opens the workspace and every key.
        const QString context = u"killed after %1 ms"_qs.arg(full * point / kPoints);
        auto opened = Workspace::open(workspace);
        QVERIFY2(opened, qPrintable(context + u": "_qs + opened.errorMessage()));
        const Status unlocked = (*opened)->unlock(kPassphrase);
        QVERIFY2(unlocked, qPrintable(context + u": "_qs + unlocked.errorMessage()));
        QCOMPARE(rawValue(workspace, u"PRAGMA user_version"_qs).toInt(), kWorkspaceSchemaVersion);
        QVERIFY((*opened)->integrityCheck());
        auto records = (*opened)->certificates();
        QVERIFY(records);
        int opens = 0;
        for (const CertificateRecord &record : *records) {
            if (record.certificate.isCa())
                continue;
            auto key = (*opened)->certificateKey(record.id);
            QVERIFY2(key, qPrintable(context + u": "_qs + key.errorMessage()));
            QCOMPARE(encodePrivateKeyPkcs8Der(key->get())->bytes(),
                     keys.at(record.certificate.der()));
            ++opens;
        }
        QCOMPARE(opens, kKeys);
        if (QTest::currentTestFailed())
            return;
    }
    qInfo("full run %lld ms; %d of %d runs killed; %d left the legacy vault, %d the upgraded one",
          full, interrupted, kPoints, beforeCommit, afterCommit);
    QVERIFY2(interrupted >= kPoints / 2, qPrintable(QString::number(interrupted)));
}

void BatonctlWorkspace::renewalCascade_data()
{
    QTest::addColumn<bool>("byImport");
    QTest::newRow("importing the renewed certificate") << true;
    QTest::newRow("batonctl cert replace") << false;
}

void BatonctlWorkspace::renewalCascade()
{
    QFETCH(bool, byImport);
    const QString workspace =
        preparedWorkspace(byImport ? u"renew-import"_qs : u"renew-replace"_qs);
    const QString directory = QFileInfo(workspace).absolutePath();
    QCOMPARE(
        batonctl(QStringList{u"rotate"_qs, u"--now"_qs, at(kStart)} + kPass, workspace).exitCode,
        0);
    // Sixty days on, the CA issues a new certificate and key: for the same name (found as a
    // renewal on import), or for a new name (which only `cert replace` makes the successor).
    const QDateTime later = kStart.addDays(60);
    const QString name = byImport ? u"edge.test"_qs : u"edge-2027.test"_qs;
    auto renewed = issueDevLeaf(m_ca->certificate, m_ca->key.get(),
                                {.dnsNames = {name}, .ipAddresses = {}, .days = 90, .now = later});
    QVERIFY(renewed);
    const QString renewedPem = directory + u"/renewed.pem"_qs;
    QVERIFY(writeFileAtomically(renewedPem,
                                encodePem(u"CERTIFICATE"_qs, renewed->issued.certificate.der()) +
                                    encodePrivateKeyPkcs8Pem(renewed->issued.key.get())->bytes(),
                                0600, Overwrite::Refuse));
    const Run imported = batonctl(
        QStringList{u"ws"_qs, u"import"_qs, renewedPem, u"--now"_qs, at(later)} + kPass, workspace);
    QVERIFY2(imported.exitCode == 0, qPrintable(imported.out + imported.err));
    QCOMPARE(imported.out.contains(u"Renewed certificates: issuing fresh DCs for policies 1"_qs),
             byImport);
    if (!byImport) {
        const Run replaced = batonctl(
            QStringList{u"cert"_qs, u"replace"_qs, u"edge.test"_qs, name, u"--now"_qs, at(later)} +
                kPass,
            workspace);
        QVERIFY2(replaced.exitCode == 0, qPrintable(replaced.out + replaced.err));
        QVERIFY(replaced.out.contains(u"replaces certificate 2"_qs));
    }
    const QJsonArray certificates =
        json(batonctl({u"ws"_qs, u"list"_qs, u"--json"_qs, u"--now"_qs, at(later)},
                      workspace))[u"certificates"_qs]
            .toArray();
    QCOMPARE(certificates.size(), 3);
    QCOMPARE(certificates[1][u"supersededBy"_qs].toInt(), 3);
    QCOMPARE(certificates[1][u"policy"_qs].toInt(), 0);
    QCOMPARE(certificates[1][u"dcs"_qs].toArray().first()[u"state"_qs].toString(),
             u"superseded"_qs);
    QCOMPARE(certificates[2][u"policy"_qs].toInt(), 1);
    QCOMPARE(certificates[2][u"dcs"_qs].toArray().size(), 1);
    // The targets serve a DC of the new certificate at once.
    expectTargetsServe(workspace, later);
    auto chain = Certificate::readFirst(
        *readFileBounded(directory + u"/baton/current/chain.pem"_qs, 1 << 16));
    QVERIFY(chain);
    QCOMPARE(chain->der(), renewed->issued.certificate.der());
    expectIntegrity(workspace);
}

void BatonctlWorkspace::readOnlyWorkspace()
{
    const QString workspace = preparedWorkspace(u"read-only"_qs);
    QCOMPARE(
        batonctl(QStringList{u"rotate"_qs, u"--now"_qs, at(kStart)} + kPass, workspace).exitCode,
        0);
    const QString directory = QFileInfo(workspace).absolutePath();
    // Root writes whatever the mode says, so as root the commands run as nobody.
    QStringList wrapper;
    if (::geteuid() == 0) {
        const QString setpriv = QStandardPaths::findExecutable(u"setpriv"_qs);
        if (setpriv.isEmpty())
            QSKIP("running as root without setpriv(1): cannot take write access away");
        wrapper = {setpriv, u"--reuid=65534"_qs, u"--regid=65534"_qs, u"--clear-groups"_qs};
        for (QString path = directory; path != m_dir.path(); path = QFileInfo(path).absolutePath())
            QFile::setPermissions(path,
                                  QFile::permissions(path) | QFile::ExeOther | QFile::ReadOther);
        QFile::setPermissions(m_dir.path(), QFile::permissions(m_dir.path()) | QFile::ExeOther);
        QFile::setPermissions(workspace, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther);
    } else {
        QFile::setPermissions(workspace, QFile::ReadOwner);
        QFile::setPermissions(directory, QFile::ReadOwner | QFile::ExeOwner);
    }
    const QString later = at(kStart.addDays(1));
    const Run status = batonctl({u"status"_qs, u"--now"_qs, later}, workspace, wrapper);
    QCOMPARE(status.exitCode, 1); // due and past: the DC expired at +24 h
    QVERIFY2(status.out.contains(u"EXPIRED"_qs), qPrintable(status.out + status.err));
    const Run list = batonctl({u"ws"_qs, u"list"_qs, u"--now"_qs, later}, workspace, wrapper);
    QCOMPARE(list.exitCode, 0);
    QVERIFY(list.out.contains(u"DC 1  server"_qs));
    const Run rotate =
        batonctl(QStringList{u"rotate"_qs, u"--now"_qs, later} + kPass, workspace, wrapper);
    QCOMPARE(rotate.exitCode, 2);
    QVERIFY2(rotate.err.contains(u"the workspace is read-only here"_qs), qPrintable(rotate.err));
    QFile::setPermissions(directory, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QFile::setPermissions(workspace, QFile::ReadOwner | QFile::WriteOwner);
    QCOMPARE(countDcs(workspace), 1);
    expectIntegrity(workspace);
}

QTEST_GUILESS_MAIN(BatonctlWorkspace)
#include "tst_batonctl_workspace.moc"
