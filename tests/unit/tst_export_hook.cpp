// Hooks run as root from a timer: what they get is exactly what Baton means to give them.

#include "export/ExportHook.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace baton;
using namespace std::chrono_literals;

namespace {

QStringList shell(const QString &script)
{
    return {u"/bin/sh"_qs, u"-c"_qs, script};
}

QProcessEnvironment batonVariables()
{
    QProcessEnvironment variables;
    variables.insert(u"BATON_BUNDLE_DIR"_qs, u"/srv/dc/current"_qs);
    return variables;
}

/// Whether `pid` still runs (a zombie waiting for its reaper does not count).
bool running(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_qs.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = stat.readAll();
    const qsizetype state = line.lastIndexOf(')') + 2;
    return state < line.size() && line.at(state) != 'Z';
}

} // namespace

class ExportHookTest : public QObject
{
    Q_OBJECT

private slots:
    void environmentIsClean_data();
    void environmentIsClean();
    void noInheritedDescriptors();
    void stdinIsEmpty();
    void timeoutKillsTheWholeGroup();
    void summaries();
    void refusesHooksOthersCanChange_data();
    void refusesHooksOthersCanChange();
};

void ExportHookTest::environmentIsClean_data()
{
    QTest::addColumn<QString>("variable");
    QTest::addColumn<bool>("seen");
    QTest::addColumn<QStringList>("passThrough");
    // What `--passphrase env:VAR` and BATON_PASSPHRASE_FILE leave in Baton's environment.
    QTest::newRow("a passphrase variable") << u"BATON_TEST_SECRET"_qs << false << QStringList();
    QTest::newRow("the caller's BATON_ variables")
        << u"BATON_PASSPHRASE_FILE"_qs << false << QStringList();
    QTest::newRow("anything else") << u"SSH_AUTH_SOCK"_qs << false << QStringList();
    QTest::newRow("named by the target")
        << u"BATON_TEST_SECRET"_qs << true << QStringList{u"BATON_TEST_SECRET"_qs};
    QTest::newRow("HOME") << u"HOME"_qs << true << QStringList();
    QTest::newRow("LANG") << u"LANG"_qs << true << QStringList();
}

void ExportHookTest::environmentIsClean()
{
    QFETCH(QString, variable);
    QFETCH(bool, seen);
    QFETCH(QStringList, passThrough);
    qputenv(variable.toLatin1().constData(), "value-from-the-caller");
    const HookResult ran =
        runExportHook(shell(u"env"_qs), hookEnvironment(batonVariables(), passThrough), 10s);
    QVERIFY2(ran.ok(), qPrintable(ran.summary()));
    const QStringList lines = ran.output.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.contains(variable + u"=value-from-the-caller"_qs), seen);
    QVERIFY(lines.contains(u"BATON_BUNDLE_DIR=/srv/dc/current"_qs));
    QVERIFY(std::any_of(lines.cbegin(), lines.cend(),
                        [](const QString &line) { return line.startsWith(u"PATH=/"_qs); }));
    // PWD and SHLVL are the shell's own; nothing else is there.
    for (const QString &line : lines) {
        const QString name = line.section(u'=', 0, 0);
        QVERIFY2(QStringList({u"PATH"_qs, u"HOME"_qs, u"LANG"_qs, u"PWD"_qs, u"SHLVL"_qs, u"_"_qs,
                              u"BATON_BUNDLE_DIR"_qs})
                         .contains(name) ||
                     passThrough.contains(name),
                 qPrintable(line));
    }
    qunsetenv(variable.toLatin1().constData());
}

void ExportHookTest::noInheritedDescriptors()
{
    // A passphrase on fd 3 (`--passphrase fd:3`) and a file Baton opened without O_CLOEXEC.
    int pipeFds[2];
    QCOMPARE(::pipe(pipeFds), 0);
    QVERIFY(::write(pipeFds[1], "secret\n", 7) == 7);
    const int inherited = ::fcntl(pipeFds[0], F_DUPFD, 3);
    const int opened = ::open("/dev/null", O_RDONLY);
    QVERIFY(inherited >= 3 && opened >= 3);
    const HookResult ran = runExportHook(shell(u"ls /proc/$$/fd"_qs), hookEnvironment({}), 10s);
    ::close(inherited);
    ::close(opened);
    ::close(pipeFds[0]);
    ::close(pipeFds[1]);
    QVERIFY2(ran.ok(), qPrintable(ran.summary()));
    QCOMPARE(ran.output.split(u'\n', Qt::SkipEmptyParts), (QStringList{u"0"_qs, u"1"_qs, u"2"_qs}));
}

void ExportHookTest::stdinIsEmpty()
{
    const HookResult ran = runExportHook(shell(u"cat; echo done"_qs), hookEnvironment({}), 10s);
    QVERIFY2(ran.ok(), qPrintable(ran.summary()));
    QCOMPARE(ran.output, u"done\n"_qs);
}

void ExportHookTest::timeoutKillsTheWholeGroup()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString pidFile = dir.filePath(u"pid"_qs);
    // The hook's child outlives the hook's first process unless the group is killed.
    const HookResult ran = runExportHook(shell(u"sleep 60 & echo $! > '%1'; wait"_qs.arg(pidFile)),
                                         hookEnvironment({}), 1s);
    QVERIFY(ran.timedOut);
    QVERIFY(!ran.ok());
    QFile file(pidFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const qint64 child = file.readAll().trimmed().toLongLong();
    QVERIFY(child > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!running(child), 5000);
}

void ExportHookTest::summaries()
{
    QCOMPARE(runExportHook(shell(u"exit 3"_qs), hookEnvironment({}), 10s).summary(),
             u"exited 3"_qs);
    const HookResult missing = runExportHook({u"/nonexistent/hook"_qs}, hookEnvironment({}), 10s);
    QVERIFY(!missing.started);
    QVERIFY2(missing.summary().startsWith(u"could not start: "_qs), qPrintable(missing.summary()));
}

void ExportHookTest::refusesHooksOthersCanChange_data()
{
    QTest::addColumn<int>("scriptMode");
    QTest::addColumn<int>("directoryMode");
    QTest::addColumn<QString>("refusal"); // empty: it runs
    QTest::newRow("the owner's") << 0755 << 0755 << QString();
    QTest::newRow("world-writable script") << 0777 << 0755 << u"other users can write it"_qs;
    QTest::newRow("group-writable script") << 0775 << 0755 << u"other users can write it"_qs;
    QTest::newRow("in a world-writable directory")
        << 0755 << 0777 << u"other users can write the directory"_qs;
}

void ExportHookTest::refusesHooksOthersCanChange()
{
    QFETCH(int, scriptMode);
    QFETCH(int, directoryMode);
    QFETCH(QString, refusal);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString hooks = dir.filePath(u"hooks"_qs);
    QVERIFY(QDir().mkpath(hooks));
    const QString script = hooks + u"/reload"_qs;
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("#!/bin/sh\necho ran\n");
    file.close();
    QCOMPARE(::chmod(QFile::encodeName(script).constData(), mode_t(scriptMode)), 0);
    QCOMPARE(::chmod(QFile::encodeName(hooks).constData(), mode_t(directoryMode)), 0);
    const HookResult ran = runExportHook({script}, hookEnvironment({}), 10s);
    if (refusal.isEmpty()) {
        QVERIFY2(ran.ok(), qPrintable(ran.summary()));
        QCOMPARE(ran.output, u"ran\n"_qs);
        return;
    }
    QVERIFY(!ran.started);
    QVERIFY2(ran.summary().startsWith(
                 u"could not start: %1: refusing to use this hook: "_qs.arg(script)),
             qPrintable(ran.summary()));
    QVERIFY2(ran.summary().contains(refusal), qPrintable(ran.summary()));
}

QTEST_GUILESS_MAIN(ExportHookTest)
#include "tst_export_hook.moc"
