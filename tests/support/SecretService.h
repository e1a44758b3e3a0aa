#pragma once

// A real Secret Service for keyring tests: gnome-keyring on a private session bus, so a test
// never touches the keyring of the person running it.

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>

namespace baton::test {

/// This process's environment without anything that could reach a real keyring or name another
/// workspace or passphrase: a test adds exactly the bus it means.
QProcessEnvironment isolatedEnvironment();

/// Why a Secret Service cannot be started here (a tool missing), empty when it can.
QString secretServiceUnavailable();

/// A private session bus (no service activation, so nothing starts behind the test's back) and
/// gnome-keyring's Secret Service on it, unlocked; both stopped when this goes.
class SecretService
{
public:
    ~SecretService();

    /// Empty on success, else why the service could not be started.
    QString start(const QString &directory);

    /// isolatedEnvironment() plus the bus, a private HOME and XDG_RUNTIME_DIR.
    QProcessEnvironment environment() const { return m_environment; }
    QString busAddress() const { return m_address; }

private:
    bool secretServiceOnBus() const;

    QProcess m_bus;
    QProcess m_keyring;
    QString m_address;
    QProcessEnvironment m_environment;
};

} // namespace baton::test
