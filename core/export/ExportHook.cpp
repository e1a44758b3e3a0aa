#include "ExportHook.h"

#include "common/FileIo.h"
#include "common/TimeFormat.h"

#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace baton {

namespace {

/// Where hooks find programs when Baton itself was started without a PATH (systemd gives one,
/// cron may not).
constexpr char kDefaultPath[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Runs in the child between fork and exec, so only async-signal-safe calls. A session of its
/// own makes the hook a process group that a timeout can kill whole, and detaches it from
/// Baton's terminal. Every descriptor above stderr is marked close-on-exec, so nothing Baton
/// inherited or opened (a passphrase on `--passphrase fd:3`, the workspace, a lock) reaches
/// the hook; QProcess's own status pipe is close-on-exec already and keeps working until exec.
void isolateHookProcess()
{
    ::setsid();
#ifdef CLOSE_RANGE_CLOEXEC
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
        return;
#endif
    const long limit = ::sysconf(_SC_OPEN_MAX);
    for (int fd = 3; fd < (limit > 0 && limit < (1 << 20) ? limit : (1 << 20)); ++fd)
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

} // namespace

QString HookResult::summary() const
{
    if (!started)
        return QStringLiteral("could not start: %1").arg(startError);
    if (timedOut)
        return QStringLiteral("timed out after %1 (killed)")
            .arg(formatDuration(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()));
    return QStringLiteral("exited %1").arg(exitCode);
}

QProcessEnvironment hookEnvironment(const QProcessEnvironment &batonVariables,
                                    const QStringList &passThrough)
{
    const QProcessEnvironment caller = QProcessEnvironment::systemEnvironment();
    QProcessEnvironment clean;
    clean.insert(QStringLiteral("PATH"),
                 caller.value(QStringLiteral("PATH"), QLatin1String(kDefaultPath)));
    QStringList kept{QStringLiteral("HOME"), QStringLiteral("LANG")};
    kept << passThrough;
    for (const QString &name : kept) {
        if (caller.contains(name))
            clean.insert(name, caller.value(name));
    }
    clean.insert(batonVariables);
    return clean;
}

Status checkHookEnvironmentNames(const QStringList &names)
{
    if (names.size() > kMaxHookEnvironmentNames)
        return Error{QStringLiteral("%1 variables for a hook; at most %2")
                         .arg(names.size())
                         .arg(kMaxHookEnvironmentNames)};
    static const QRegularExpression variable(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]{0,127}$"));
    QStringList seen;
    for (const QString &name : names) {
        if (!variable.match(name).hasMatch())
            return Error{QStringLiteral("'%1' is not an environment variable name").arg(name)};
        if (name.startsWith(QLatin1String("BATON_")))
            return Error{QStringLiteral("%1: Baton's own variables are never passed to a hook "
                                        "(BATON_PASSPHRASE_FILE names the passphrase, "
                                        "BATON_PIN_FILE a token PIN)")
                             .arg(name)};
        if (seen.contains(name))
            return Error{QStringLiteral("%1 is named twice").arg(name)};
        seen << name;
    }
    return {};
}

HookResult runExportHook(const QStringList &command, const QProcessEnvironment &environment,
                         std::chrono::milliseconds timeout)
{
    HookResult result;
    result.timeout = timeout;
    if (command.isEmpty()) {
        result.startError = QStringLiteral("the hook command is empty");
        return result;
    }
    // Resolved once and run by that path: what was checked is what runs. A program another user
    // could change would be that user's code running as whoever rotates (root, from the timer).
    const QString program = command.first().contains(QLatin1Char('/'))
                                ? QFileInfo(command.first()).absoluteFilePath()
                                : QStandardPaths::findExecutable(command.first());
    if (program.isEmpty()) {
        result.startError = QStringLiteral("%1 is not a program on PATH").arg(command.first());
        return result;
    }
    if (auto trusted =
            checkNobodyElseCanWrite(program, QStringLiteral("hook"), TrustedOwner::CallerOrRoot);
        !trusted) {
        result.startError = trusted.errorMessage();
        return result;
    }
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setStandardInputFile(QProcess::nullDevice());
    process.setChildProcessModifier(isolateHookProcess);
    process.start(program, command.mid(1));
    if (!process.waitForStarted(int(std::min<qint64>(timeout.count(), 10000)))) {
        result.startError = process.errorString();
        return result;
    }
    result.started = true;
    if (!process.waitForFinished(int(timeout.count()))) {
        result.timedOut = true;
        // The whole group: a hook that started a reload in the background (`systemctl reload &`,
        // a shell pipeline) must not outlive its timeout.
        if (const qint64 group = process.processId(); group > 0)
            ::kill(-pid_t(group), SIGKILL);
        process.kill();
        process.waitForFinished(5000);
    } else {
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
    result.output = QString::fromLocal8Bit(process.readAll().left(kMaxHookOutput));
    return result;
}

} // namespace baton
