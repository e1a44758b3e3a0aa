#pragma once

// Running a real program (batonctl, a shell around it) the way a user or a timer does, for the
// CLI tests: one place that waits, kills what hangs and collects what it printed.

#include <QProcess>
#include <QString>
#include <QStringList>

namespace baton::test {

struct ProcessRun
{
    int exitCode = -1; ///< -1: crashed, or killed at the time limit
    QString out;
    QString err;
    qint64 milliseconds = -1;
};

/// Waits for a started `process` for at most `timeoutMs`, killing it then, and collects its
/// exit code and output.
ProcessRun finishProcess(QProcess &process, int timeoutMs = 120000);

/// Runs `program` with stdin from /dev/null in `environment` and finishes it.
ProcessRun
runProcess(const QString &program, const QStringList &arguments,
           const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment(),
           int timeoutMs = 120000);

} // namespace baton::test
