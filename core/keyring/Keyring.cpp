#include "Keyring.h"

#include <QDir>
#include <QFileInfo>

#if BATON_WITH_KEYRING
#include <QEventLoop>
#include <QTimer>
#include <qt6keychain/keychain.h>
#endif

namespace baton {

QString keyringKey(const QString &workspacePath)
{
    const QFileInfo file(workspacePath);
    const QString canonical = file.canonicalFilePath();
    return canonical.isEmpty() ? QDir::cleanPath(file.absoluteFilePath()) : canonical;
}

#if BATON_WITH_KEYRING

namespace {

/// One QtKeychain job for an entry, run to its end or to a deadline. A finished job
/// is freed with this object; one still running is left to free itself when it finishes,
/// because its backend may still call into it (libsecret's callbacks hold a raw pointer).
template <typename Job> class BoundedJob
{
public:
    explicit BoundedJob(const QString &entry) : m_job(new Job(QLatin1String(kKeyringService)))
    {
        m_job->setAutoDelete(false);
        // QtKeychain's default, made explicit so that no release or platform can turn a missing
        // keyring into a passphrase in a plaintext settings file.
        m_job->setInsecureFallback(false);
        m_job->setKey(entry);
    }
    BoundedJob(const BoundedJob &) = delete;
    BoundedJob &operator=(const BoundedJob &) = delete;
    ~BoundedJob()
    {
        if (m_finished)
            delete m_job;
        else
            m_job->setAutoDelete(true);
    }

    Job *operator->() const { return m_job; }
    Job &operator*() const { return *m_job; }

    /// True when the job finished (successfully or not) within `timeout`.
    bool run(std::chrono::milliseconds timeout)
    {
        QEventLoop loop;
        QObject::connect(m_job, &QKeychain::Job::finished, &loop, [this, &loop] {
            m_finished = true;
            loop.quit();
        });
        QTimer::singleShot(timeout, &loop, &QEventLoop::quit);
        m_job->start();
        // No user input while waiting: a window must not be re-entered through a click. An
        // unlock dialog, if the keyring shows one, belongs to another process.
        loop.exec(QEventLoop::ExcludeUserInputEvents);
        return m_finished;
    }

private:
    Job *m_job;
    bool m_finished = false;
};

/// Why no job should even be started, if so. QtKeychain's Linux backends (libsecret, KWallet)
/// find the session bus as GIO and libdbus do: $DBUS_SESSION_BUS_ADDRESS, else
/// $XDG_RUNTIME_DIR/bus. Without either they would try X11 autolaunch, which at best fails
/// with a message about $DISPLAY and at worst starts a bus daemon for a batonctl run by a timer.
QString missingBackend()
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN) && !defined(Q_OS_ANDROID)
    if (!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        return {};
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtime.isEmpty() && QFileInfo::exists(runtime + QStringLiteral("/bus")))
        return {};
    return QStringLiteral("no keyring backend (no D-Bus session bus: $DBUS_SESSION_BUS_ADDRESS "
                          "is not set)");
#else
    return {};
#endif
}

QString timedOut(std::chrono::milliseconds timeout)
{
    return QStringLiteral("the keyring did not answer within %1 s")
        .arg(double(timeout.count()) / 1000.0);
}

/// Why a finished job failed, as a phrase that follows "cannot …: ".
QString describe(const QKeychain::Job &job)
{
    switch (job.error()) {
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return QStringLiteral("no keyring backend (%1)").arg(job.errorString());
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return QStringLiteral("the keyring refused access (%1)").arg(job.errorString());
    default:
        return QStringLiteral("the keyring failed (%1)").arg(job.errorString());
    }
}

/// Empty when stored, else why not.
QString store(const QString &entry, QByteArrayView secret, std::chrono::milliseconds timeout)
{
    if (const QString missing = missingBackend(); !missing.isEmpty())
        return missing;
    // Shared with the job, not copied again; wiped once the job (declared after it) is gone.
    const SecretBytes data(secret.toByteArray());
    BoundedJob<QKeychain::WritePasswordJob> job(entry);
    // Binary, not text: a passphrase read from a file need not be valid UTF-8.
    job->setBinaryData(data.bytes());
    if (!job.run(timeout))
        return timedOut(timeout);
    return job->error() == QKeychain::NoError ? QString() : describe(*job);
}

/// Empty when the keyring holds no entry (any more), else why it might.
QString forget(const QString &entry, std::chrono::milliseconds timeout)
{
    if (const QString missing = missingBackend(); !missing.isEmpty())
        return missing;
    BoundedJob<QKeychain::DeletePasswordJob> job(entry);
    if (!job.run(timeout))
        return timedOut(timeout);
    if (job->error() == QKeychain::NoError || job->error() == QKeychain::EntryNotFound)
        return {};
    return describe(*job);
}

KeyringLookup read(const QString &entry, std::chrono::milliseconds timeout)
{
    if (const QString missing = missingBackend(); !missing.isEmpty())
        return {std::nullopt, missing};
    QByteArray data;
    {
        BoundedJob<QKeychain::ReadPasswordJob> job(entry);
        if (!job.run(timeout))
            return {std::nullopt, timedOut(timeout)};
        if (job->error() == QKeychain::EntryNotFound)
            return {};
        if (job->error() != QKeychain::NoError)
            return {std::nullopt, describe(*job)};
        data = job->binaryData();
    } // the job is gone: `data` holds the only reference, so SecretBytes can wipe it
    return {SecretBytes(std::move(data)), {}};
}

} // namespace

KeyringAvailability keyringAvailability()
{
    return KeyringAvailability::Available;
}

#else

namespace {

const char kUnsupported[] = "Baton was built without keyring support";

QString store(const QString &, QByteArrayView, std::chrono::milliseconds)
{
    return QLatin1String(kUnsupported);
}

QString forget(const QString &, std::chrono::milliseconds)
{
    return QLatin1String(kUnsupported);
}

KeyringLookup read(const QString &, std::chrono::milliseconds)
{
    return {std::nullopt, QLatin1String(kUnsupported)};
}

} // namespace

KeyringAvailability keyringAvailability()
{
    return KeyringAvailability::Unavailable;
}

#endif

KeyringLookup readWorkspacePassphrase(const QString &workspacePath,
                                      std::chrono::milliseconds timeout)
{
    return read(keyringKey(workspacePath), timeout);
}

namespace {

/// A store or forget job's outcome: `failure` ("cannot store the PIN in the keyring") and why,
/// when there is a problem.
Status outcome(const QString &problem, const char *failure)
{
    if (problem.isEmpty())
        return {};
    return Error{QLatin1String(failure) + QStringLiteral(": ") + problem};
}

} // namespace

Status storeWorkspacePassphrase(const QString &workspacePath, QByteArrayView passphrase,
                                std::chrono::milliseconds timeout)
{
    return outcome(store(keyringKey(workspacePath), passphrase, timeout),
                   "cannot store the passphrase in the keyring");
}

Status forgetWorkspacePassphrase(const QString &workspacePath, std::chrono::milliseconds timeout)
{
    return outcome(forget(keyringKey(workspacePath), timeout),
                   "cannot remove the passphrase from the keyring");
}

QString tokenPinKey(const QString &tokenLabel)
{
    return QStringLiteral("pkcs11-token:") + tokenLabel;
}

KeyringLookup readTokenPin(const QString &tokenLabel, std::chrono::milliseconds timeout)
{
    return read(tokenPinKey(tokenLabel), timeout);
}

Status storeTokenPin(const QString &tokenLabel, QByteArrayView pin,
                     std::chrono::milliseconds timeout)
{
    return outcome(store(tokenPinKey(tokenLabel), pin, timeout),
                   "cannot store the PIN in the keyring");
}

Status forgetTokenPin(const QString &tokenLabel, std::chrono::milliseconds timeout)
{
    return outcome(forget(tokenPinKey(tokenLabel), timeout),
                   "cannot remove the PIN from the keyring");
}

} // namespace baton
