#include "ExportHook.h"

#include "common/TimeFormat.h"

#include <QProcess>

namespace baton {

QString HookResult::summary() const
{
    if (!started)
        return QStringLiteral("could not start: %1").arg(startError);
    if (timedOut)
        return QStringLiteral("timed out after %1 (killed)")
            .arg(formatDuration(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()));
    return QStringLiteral("exited %1").arg(exitCode);
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
    QProcess process;
    QProcessEnvironment merged = QProcessEnvironment::systemEnvironment();
    merged.insert(environment);
    process.setProcessEnvironment(merged);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(command.first(), command.mid(1));
    if (!process.waitForStarted(int(std::min<qint64>(timeout.count(), 10000)))) {
        result.startError = process.errorString();
        return result;
    }
    result.started = true;
    if (!process.waitForFinished(int(timeout.count()))) {
        result.timedOut = true;
        process.kill();
        process.waitForFinished(5000);
    } else {
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
    result.output = QString::fromLocal8Bit(process.readAll().left(kMaxHookOutput));
    return result;
}

} // namespace baton
