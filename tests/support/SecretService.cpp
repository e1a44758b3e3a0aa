#include "SecretService.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>
#include <QTest>

namespace baton::test {

QProcessEnvironment isolatedEnvironment()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "DISPLAY",
                             "WAYLAND_DISPLAY", "BATON_WORKSPACE", "BATON_PASSPHRASE_FILE"})
        environment.remove(QLatin1String(name));
    return environment;
}

QString secretServiceUnavailable()
{
    for (const QString &tool : {u"dbus-daemon"_qs, u"dbus-send"_qs, u"gnome-keyring-daemon"_qs}) {
        if (QStandardPaths::findExecutable(tool).isEmpty())
            return tool + u" is not installed (Debian: dbus, gnome-keyring)"_qs;
    }
    return {};
}

SecretService::~SecretService()
{
    for (QProcess *process : {&m_keyring, &m_bus}) {
        if (process->state() == QProcess::NotRunning)
            continue;
        process->terminate();
        if (!process->waitForFinished(5000)) {
            process->kill();
            process->waitForFinished();
        }
    }
}

QString SecretService::start(const QString &directory)
{
    const QString config = directory + u"/bus.conf"_qs;
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly))
        return u"cannot write "_qs + config;
    file.write("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration "
               "1.0//EN\" \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
               "<busconfig><type>session</type><listen>unix:dir=" +
               QFile::encodeName(directory) +
               "</listen><auth>EXTERNAL</auth><policy context=\"default\">"
               "<allow send_destination=\"*\" eavesdrop=\"true\"/><allow eavesdrop=\"true\"/>"
               "<allow own=\"*\"/></policy></busconfig>\n");
    file.close();
    m_bus.start(u"dbus-daemon"_qs,
                {u"--nofork"_qs, u"--print-address=1"_qs, u"--config-file"_qs, config});
    if (!m_bus.waitForStarted())
        return u"dbus-daemon did not start"_qs;
    while (!m_bus.canReadLine() && m_bus.waitForReadyRead(10000)) {
    }
    m_address = QString::fromUtf8(m_bus.readLine()).trimmed();
    if (m_address.isEmpty())
        return u"dbus-daemon printed no address"_qs;

    QDir(directory).mkpath(u"home"_qs);
    QDir(directory).mkpath(u"run"_qs);
    QFile::setPermissions(directory + u"/run"_qs,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    m_environment = isolatedEnvironment();
    m_environment.insert(u"DBUS_SESSION_BUS_ADDRESS"_qs, m_address);
    m_environment.insert(u"HOME"_qs, directory + u"/home"_qs);
    m_environment.insert(u"XDG_RUNTIME_DIR"_qs, directory + u"/run"_qs);
    for (const char *name : {"XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"})
        m_environment.remove(QLatin1String(name));
    m_keyring.setProcessEnvironment(m_environment);
    // --unlock reads the login keyring's password from stdin, creating the keyring.
    m_keyring.start(u"gnome-keyring-daemon"_qs,
                    {u"--foreground"_qs, u"--unlock"_qs, u"--components=secrets"_qs});
    if (!m_keyring.waitForStarted())
        return u"gnome-keyring-daemon did not start"_qs;
    m_keyring.write("keyring login password");
    m_keyring.closeWriteChannel();

    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 10000) {
        if (secretServiceOnBus())
            return {};
        QTest::qWait(100);
    }
    return u"org.freedesktop.secrets did not appear on the bus"_qs;
}

bool SecretService::secretServiceOnBus() const
{
    QProcess query;
    query.start(u"dbus-send"_qs,
                {u"--bus="_qs + m_address, u"--print-reply"_qs, u"--dest=org.freedesktop.DBus"_qs,
                 u"/org/freedesktop/DBus"_qs, u"org.freedesktop.DBus.NameHasOwner"_qs,
                 u"string:org.freedesktop.secrets"_qs});
    return query.waitForFinished(5000) && query.readAllStandardOutput().contains("true");
}

} // namespace baton::test
