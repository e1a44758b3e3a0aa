#pragma once

// How the workspace CLI tests run the real batonctl: the caller's environment, BATON_WORKSPACE
// naming the test's workspace and the passphrase in BATON_TEST_PASSPHRASE, for
// `--passphrase env:BATON_TEST_PASSPHRASE`. Needs BATONCTL_PATH (tests/cli/CMakeLists.txt).

#include "ProcessRun.h"

#include <QDateTime>
#include <QProcess>

namespace baton::test {

inline const QByteArray kTestPassphrase = "correct horse battery staple";

/// An instant as `--now` takes it.
inline QString at(const QDateTime &instant)
{
    return instant.toUTC().toString(Qt::ISODate);
}

/// Without BATON_PASSPHRASE_FILE (a developer's own must not unlock a test's workspace) or a
/// D-Bus session (nor may their keyring, which `ws passwd` and unlocking without a source
/// ask), and BATON_WORKSPACE only when `workspace` is given.
inline QProcessEnvironment batonctlEnvironment(const QString &workspace)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("BATON_PASSPHRASE_FILE"));
    environment.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    environment.insert(QStringLiteral("BATON_TEST_PASSPHRASE"),
                       QString::fromLatin1(kTestPassphrase));
    if (!workspace.isEmpty())
        environment.insert(QStringLiteral("BATON_WORKSPACE"), workspace);
    return environment;
}

/// Starts batonctl, or `wrapper` (a program and its arguments) with batonctl after it.
inline void startBatonctl(QProcess &process, const QStringList &arguments, const QString &workspace,
                          const QStringList &wrapper = {})
{
    process.setProcessEnvironment(batonctlEnvironment(workspace));
    process.setStandardInputFile(QProcess::nullDevice());
    if (wrapper.isEmpty())
        process.start(QStringLiteral(BATONCTL_PATH), arguments);
    else
        process.start(wrapper.first(),
                      wrapper.mid(1) + QStringList{QStringLiteral(BATONCTL_PATH)} + arguments);
}

inline ProcessRun batonctl(const QStringList &arguments, const QString &workspace = {},
                           const QStringList &wrapper = {})
{
    QProcess process;
    startBatonctl(process, arguments, workspace, wrapper);
    return finishProcess(process);
}

} // namespace baton::test
