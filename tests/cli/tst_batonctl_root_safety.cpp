// `batonctl rotate` runs as root from a timer, on machines where other users write to the
// target directories. What a local attacker can plant or change must not make it delete,
// chmod, leak or run anything: the real binary against hostile directories and workspaces.

#include "BatonctlProcess.h"
#include "TestPki.h"
#include "common/FileIo.h"
#include "store/Workspace.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace baton;
using namespace baton::test;

namespace {

const QDateTime kNow = utc(2026, 12, 3, 8);
const QByteArray &kPassphrase = kTestPassphrase;

using Run = ProcessRun;

int modeOf(const QString &path)
{
    struct stat info
    {};
    return ::lstat(QFile::encodeName(path).constData(), &info) == 0 ? int(info.st_mode & 07777)
                                                                    : -1;
}

const QStringList kPass{u"--passphrase"_qs, u"env:BATON_TEST_PASSPHRASE"_qs};

/// Restores the umask however a test ends.
struct UmaskGuard
{
    explicit UmaskGuard(mode_t mask) : saved(::umask(mask)) {}
    ~UmaskGuard() { ::umask(saved); }
    mode_t saved;
};

} // namespace

class BatonctlRootSafety : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void pruningNeverFollowsSymlinks();
    void directoriesIgnoreTheUmask();
    void pkiLeavesExistingDirectoriesAlone();
    void refusesWorkspaceOthersCanWrite_data();
    void refusesWorkspaceOthersCanWrite();
    void hooksGetNoSecrets();
    void targetNamesWhatItsHookGets();
    void passHelpWarns();

private:
    /// A workspace (fast scrypt) holding the leaf and its key, a policy on it and one nss
    /// target whose hook runs `hook` (a shell script) in `directory`.
    QString preparedWorkspace(const QString &directory, const QString &hook,
                              const QStringList &targetOptions = {});

    QTemporaryDir m_dir;
    QString m_certificate;
    QString m_key;
    QString m_dc; ///< dc.bin and dc-key.pem, issued for the leaf
};

void BatonctlRootSafety::initTestCase()
{
    QVERIFY(m_dir.isValid());
    CertificateOptions options;
    options.notBefore = kNow.addDays(-30);
    options.notAfter = kNow.addDays(300);
    std::tie(m_certificate, m_key) = writeIdentity(makeIdentity(options), m_dir.path(), u"leaf"_qs);
    m_dc = m_dir.filePath(u"dc"_qs);
    QVERIFY(QDir().mkpath(m_dc));
    const Run issued = batonctl({u"dc"_qs, u"issue"_qs, u"--cert"_qs, m_certificate, u"--key"_qs,
                                 m_key, u"--now"_qs, at(kNow), u"--out"_qs, m_dc});
    QVERIFY2(issued.exitCode == 0, qPrintable(issued.err));
}

QString BatonctlRootSafety::preparedWorkspace(const QString &directory, const QString &hook,
                                              const QStringList &targetOptions)
{
    QDir().mkpath(directory);
    const QString path = directory + u"/workspace.baton"_qs;
    {
        auto workspace = Workspace::create(path, kPassphrase, kNow, kFastWork);
        if (!workspace)
            qFatal("%s", qPrintable(workspace.errorMessage()));
    }
    const QString script = directory + u"/hook.sh"_qs;
    if (!writeFileAtomically(script, "#!/bin/sh\n" + hook.toUtf8() + '\n', 0755, Overwrite::Refuse))
        qFatal("cannot write the hook");
    const QString now = at(kNow);
    for (const QStringList &arguments :
         {QStringList{u"ws"_qs, u"import"_qs, m_certificate, m_key, u"--now"_qs, now} + kPass,
          QStringList{u"policy"_qs, u"set"_qs, u"localhost"_qs, u"--now"_qs, now} + kPass,
          QStringList{u"target"_qs, u"add"_qs, u"localhost"_qs, u"--profile"_qs, u"nss"_qs,
                      u"--dir"_qs, directory + u"/nss"_qs, u"--hook"_qs, script, u"--now"_qs, now} +
              targetOptions + kPass}) {
        const Run ran = batonctl(arguments, path);
        if (ran.exitCode != 0)
            qFatal("%s: %s", qPrintable(arguments.join(u' ')), qPrintable(ran.err));
    }
    return path;
}

void BatonctlRootSafety::pruningNeverFollowsSymlinks()
{
    // The reproduction: a gen-* symlink into a directory of the victim's.
    const QString work = m_dir.filePath(u"prune"_qs);
    const QString victim = work + u"/victim"_qs;
    const QString out = work + u"/out"_qs;
    QVERIFY(QDir().mkpath(victim + u"/sub"_qs) && QDir().mkpath(out));
    QVERIFY(writeFileAtomically(victim + u"/a"_qs, "x", 0644, Overwrite::Refuse));
    QVERIFY(writeFileAtomically(victim + u"/sub/b"_qs, "y", 0644, Overwrite::Refuse));
    QVERIFY(QFile::link(victim, out + u"/gen-20000101T000000Z-0000"_qs));

    for (int hour = 8; hour <= 11; ++hour) {
        const Run exported =
            batonctl({u"export"_qs, u"--profile"_qs, u"nss"_qs, u"--cert"_qs, m_certificate,
                      u"--dc"_qs, m_dc + u"/dc.bin"_qs, u"--dc-key"_qs, m_dc + u"/dc-key.pem"_qs,
                      u"--out"_qs, out, u"--now"_qs, at(utc(2026, 12, 3, hour))});
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
        QVERIFY2(exported.out.contains(u"  Left alone:  gen-20000101T000000Z-0000: a symlink, not "
                                       u"a generation Baton wrote\n"_qs),
                 qPrintable(exported.out));
    }
    QCOMPARE(QFile(victim + u"/a"_qs).size(), 1);
    QCOMPARE(QFile(victim + u"/sub/b"_qs).size(), 1);
    QVERIFY(QFileInfo(out + u"/gen-20000101T000000Z-0000"_qs).isSymLink());
}

void BatonctlRootSafety::directoriesIgnoreTheUmask()
{
    const UmaskGuard permissive(0);
    const QString workspace = m_dir.filePath(u"umask/deep/ws.baton"_qs);
    const Run init =
        batonctl(QStringList{u"ws"_qs, u"init"_qs, u"--now"_qs, at(kNow)} + kPass, workspace);
    QVERIFY2(init.exitCode == 0, qPrintable(init.err));
    QCOMPARE(modeOf(m_dir.filePath(u"umask"_qs)), 0700);
    QCOMPARE(modeOf(m_dir.filePath(u"umask/deep"_qs)), 0700);
    QCOMPARE(modeOf(workspace), 0600);

    const QString ca = m_dir.filePath(u"umask/ca"_qs);
    const Run pki = batonctl(
        {u"pki"_qs, u"init"_qs, u"--dir"_qs, ca, u"--no-encrypt"_qs, u"--now"_qs, at(kNow)});
    QVERIFY2(pki.exitCode == 0, qPrintable(pki.err));
    QCOMPARE(modeOf(ca), 0700);

    const QString target = m_dir.filePath(u"umask/target"_qs);
    const Run exported =
        batonctl({u"export"_qs, u"--profile"_qs, u"nss"_qs, u"--cert"_qs, m_certificate, u"--dc"_qs,
                  m_dc + u"/dc.bin"_qs, u"--dc-key"_qs, m_dc + u"/dc-key.pem"_qs, u"--out"_qs,
                  target, u"--now"_qs, at(kNow)});
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
    QCOMPARE(modeOf(target), 0755);
    QCOMPARE(modeOf(QFileInfo(target + u"/current"_qs).symLinkTarget()), 0755);
}

void BatonctlRootSafety::pkiLeavesExistingDirectoriesAlone()
{
    // A shared directory (and `.`): Baton must not chmod what it did not create.
    const QString shared = m_dir.filePath(u"shared"_qs);
    QVERIFY(QDir().mkpath(shared));
    QVERIFY(::chmod(QFile::encodeName(shared).constData(), 0775) == 0);
    const Run pki = batonctl(
        {u"pki"_qs, u"init"_qs, u"--dir"_qs, shared, u"--no-encrypt"_qs, u"--now"_qs, at(kNow)});
    QVERIFY2(pki.exitCode == 0, qPrintable(pki.err));
    QCOMPARE(modeOf(shared), 0775);
    const QString linked = m_dir.filePath(u"linked"_qs);
    QVERIFY(QFile::link(shared, linked));
    const Run cert = batonctl({u"pki"_qs, u"cert"_qs, u"--ca"_qs, shared, u"--out"_qs, linked,
                               u"--dns"_qs, u"a.test"_qs, u"--now"_qs, at(kNow)});
    QVERIFY2(cert.exitCode == 0, qPrintable(cert.err));
    QVERIFY(QFileInfo::exists(shared + u"/cert.pem"_qs));
    QCOMPARE(modeOf(shared), 0775);
}

void BatonctlRootSafety::refusesWorkspaceOthersCanWrite_data()
{
    QTest::addColumn<QString>("change"); // what the attacker's opportunity is
    QTest::addColumn<QString>("reason");
    QTest::newRow("world-writable directory")
        << u"directory 0777"_qs << u"other users can write the directory"_qs;
    QTest::newRow("group-writable workspace")
        << u"file 0660"_qs << u"other users can write it (mode 0660)"_qs;
    QTest::newRow("another user's workspace") << u"owner 65534"_qs << u"owned by uid 65534"_qs;
}

void BatonctlRootSafety::refusesWorkspaceOthersCanWrite()
{
    QFETCH(QString, change);
    QFETCH(QString, reason);
    if (change.startsWith(u"owner"_qs) && ::geteuid() != 0)
        QSKIP("giving a file to another user needs root");
    const QString directory = m_dir.filePath(u"unsafe-"_qs + change.section(u' ', 0, 0));
    const QString ran = directory + u"/hook-ran"_qs;
    const QString workspace = preparedWorkspace(directory, u"id > '%1'"_qs.arg(ran));
    const QByteArray path =
        QFile::encodeName(change.startsWith(u"directory"_qs) ? directory : workspace);
    if (change.startsWith(u"owner"_qs))
        QCOMPARE(::chown(path.constData(), 65534, gid_t(-1)), 0);
    else
        QCOMPARE(::chmod(path.constData(), mode_t(change.section(u' ', 1).toInt(nullptr, 8))), 0);

    for (const QStringList &arguments :
         {QStringList{u"rotate"_qs, u"--now"_qs, at(kNow)} + kPass,
          QStringList{u"ws"_qs, u"import"_qs, m_certificate, u"--now"_qs, at(kNow)} + kPass}) {
        const Run refused = batonctl(arguments, workspace);
        QCOMPARE(refused.exitCode, 2);
        QCOMPARE(refused.err.count(u'\n'), 1);
        QVERIFY2(refused.err.startsWith(u"batonctl: "_qs + workspace +
                                        u": refusing to use this workspace: "_qs),
                 qPrintable(refused.err));
        QVERIFY2(refused.err.contains(reason), qPrintable(refused.err));
    }
    QVERIFY2(!QFileInfo::exists(ran), "the hook of an unsafe workspace ran");
    QVERIFY(!QFileInfo::exists(directory + u"/nss/current"_qs));
}

void BatonctlRootSafety::hooksGetNoSecrets()
{
    const QString directory = m_dir.filePath(u"secrets"_qs);
    const QString seen = directory + u"/seen"_qs;
    // What the hook's process holds: `ls` replaces the hook's shell and lists its own
    // descriptors, 3 being the one it reads the listing through.
    const QString workspace = preparedWorkspace(
        directory, u"env > '%1.env'; exec ls -l /proc/self/fd > '%1.fds'"_qs.arg(seen));
    const QString passFile = directory + u"/pass"_qs;
    QVERIFY(writeFileAtomically(passFile, kPassphrase + '\n', 0600, Overwrite::Refuse));
    // The passphrase both ways a timer may give it: in the environment and on fd 3.
    const Run rotated = batonctl(
        {u"rotate"_qs, u"--passphrase"_qs, u"fd:3"_qs, u"--now"_qs, at(kNow)}, workspace,
        {u"/bin/sh"_qs, u"-c"_qs, u"exec 3< \"$1\"; shift; exec \"$@\""_qs, u"sh"_qs, passFile});
    QVERIFY2(rotated.exitCode == 0, qPrintable(rotated.out + rotated.err));
    QFile environment(seen + u".env"_qs);
    QVERIFY2(environment.open(QIODevice::ReadOnly), "the hook did not run");
    const QString hookSaw = QString::fromUtf8(environment.readAll());
    QVERIFY2(!hookSaw.contains(QString::fromLatin1(kPassphrase)), qPrintable(hookSaw));
    QVERIFY2(!hookSaw.contains(u"BATON_TEST_PASSPHRASE"_qs), qPrintable(hookSaw));
    QVERIFY2(!hookSaw.contains(u"BATON_WORKSPACE"_qs), qPrintable(hookSaw));
    QVERIFY2(hookSaw.contains(u"BATON_BUNDLE_DIR="_qs), qPrintable(hookSaw));
    QFile descriptors(seen + u".fds"_qs);
    QVERIFY(descriptors.open(QIODevice::ReadOnly));
    QStringList numbers;
    const QStringList listing = QString::fromUtf8(descriptors.readAll()).split(u'\n');
    for (const QString &line : listing) {
        if (line.contains(u" -> "_qs))
            numbers << line.section(u" -> "_qs, 0, 0).section(u' ', -1);
    }
    QCOMPARE(numbers, (QStringList{u"0"_qs, u"1"_qs, u"2"_qs, u"3"_qs}));
    QVERIFY2(!listing.join(u'\n').contains(passFile), qPrintable(listing.join(u'\n')));
}

void BatonctlRootSafety::targetNamesWhatItsHookGets()
{
    const QString directory = m_dir.filePath(u"hook-env"_qs);
    const QString seen = directory + u"/seen.env"_qs;
    const QString workspace = preparedWorkspace(directory, u"env > '%1'"_qs.arg(seen),
                                                {u"--hook-env"_qs, u"RELOAD_TOKEN"_qs});
    qputenv("RELOAD_TOKEN", "named-by-the-target");
    qputenv("UNNAMED_VARIABLE", "not-for-the-hook");
    const Run rotated =
        batonctl(QStringList{u"rotate"_qs, u"--now"_qs, at(kNow)} + kPass, workspace);
    qunsetenv("RELOAD_TOKEN");
    qunsetenv("UNNAMED_VARIABLE");
    QVERIFY2(rotated.exitCode == 0, qPrintable(rotated.out + rotated.err));
    QFile file(seen);
    QVERIFY2(file.open(QIODevice::ReadOnly), "the hook did not run");
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
    QVERIFY(lines.contains(u"RELOAD_TOKEN=named-by-the-target"_qs));
    QVERIFY(!lines.join(u'\n').contains(u"UNNAMED_VARIABLE"_qs));

    // Baton's own variables are never passed through, whoever names them.
    for (const QString &name : {u"BATON_PASSPHRASE_FILE"_qs, u"NOT A NAME"_qs}) {
        const Run refused = batonctl(QStringList{u"target"_qs, u"add"_qs, u"localhost"_qs,
                                                 u"--profile"_qs, u"baton"_qs, u"--dir"_qs,
                                                 directory + u"/other"_qs, u"--hook-env"_qs, name} +
                                         kPass,
                                     workspace);
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.startsWith(u"batonctl: --hook-env: "_qs), qPrintable(refused.err));
    }
}

void BatonctlRootSafety::passHelpWarns()
{
    const Run help = batonctl({u"rotate"_qs, u"--help"_qs});
    QCOMPARE(help.exitCode, 0);
    QVERIFY2(
        help.out.simplified().contains(u"pass:TEXT (visible to every user in `ps`: tests only)"_qs),
        qPrintable(help.out));
    QVERIFY(help.out.contains(u"file:PATH"_qs) && help.out.contains(u"fd:N"_qs));
}

QTEST_GUILESS_MAIN(BatonctlRootSafety)
#include "tst_batonctl_root_safety.moc"
