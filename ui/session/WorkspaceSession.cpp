#include "WorkspaceSession.h"

#include "store/DemoWorkspace.h"

namespace baton::ui {

WorkspaceSession::WorkspaceSession(const Clock &clock, QObject *parent)
    : QObject(parent), m_clock(clock)
{}

WorkspaceSession::~WorkspaceSession() = default;

QString WorkspaceSession::path() const
{
    return m_workspace ? m_workspace->path() : QString();
}

Status WorkspaceSession::open(const QString &path)
{
    auto opened = Workspace::open(path);
    if (!opened)
        return opened.error();
    return adopt(std::move(opened).value());
}

Status WorkspaceSession::adopt(std::unique_ptr<Workspace> workspace)
{
    auto snapshot = loadSnapshot(*workspace, m_clock.now());
    if (!snapshot)
        return snapshot.error();
    m_workspace = std::move(workspace);
    ++m_snapshotGeneration;
    m_snapshot = std::move(snapshot).value();
    emit workspaceChanged();
    emit snapshotChanged();
    return {};
}

void WorkspaceSession::setSnapshot(WorkspaceSnapshot snapshot)
{
    ++m_snapshotGeneration;
    m_snapshot = std::move(snapshot);
    emit snapshotChanged();
}

namespace {

/// The new workspace file, filled when `demo`; the connection that made it is closed again.
Result<VaultKey> createWorkspaceFile(const QString &path, QByteArrayView passphrase, bool demo,
                                     ScryptParameters work, const QDateTime &now)
{
    auto created = Workspace::create(path, passphrase, now, work);
    if (!created)
        return created.error();
    if (demo) {
        if (auto ok = populateDemoWorkspace(**created, now); !ok)
            return ok.error();
    }
    return *(*created)->vaultKey();
}

} // namespace

Status WorkspaceSession::create(const QString &path, QByteArrayView passphrase, bool demo,
                                ScryptParameters work)
{
    auto key = createWorkspaceFile(path, passphrase, demo, work, m_clock.now());
    if (!key)
        return key.error();
    auto opened = openUnlocked(path, *key);
    if (!opened)
        return opened.error();
    return adopt(std::move(opened).value());
}

void WorkspaceSession::createInBackground(const QString &path, const QByteArray &passphrase,
                                          bool demo, QObject *context,
                                          std::function<void(const Status &)> done,
                                          ScryptParameters work)
{
    runDetached<VaultKey>(
        [path, passphrase, demo, work, now = m_clock.now()] {
            return createWorkspaceFile(path, passphrase, demo, work, now);
        },
        context,
        [this, path, done = std::move(done)](Result<VaultKey> key) {
            if (!key)
                return done(key.error());
            auto opened = openUnlocked(path, *key);
            done(opened ? adopt(std::move(opened).value()) : Status(opened.error()));
        });
}

void WorkspaceSession::close()
{
    m_workspace.reset();
    ++m_snapshotGeneration;
    m_snapshot = {};
    emit workspaceChanged();
    emit snapshotChanged();
}

Status WorkspaceSession::unlock(QByteArrayView passphrase)
{
    if (!m_workspace)
        return Error{tr("no workspace is open")};
    return m_workspace->unlock(passphrase);
}

void WorkspaceSession::unlockInBackground(const QByteArray &passphrase, QObject *context,
                                          std::function<void(const Status &)> done)
{
    if (!m_workspace)
        return done(Error{tr("no workspace is open")});
    // A connection of the pool thread's own unlocks, so that the scrypt run, and the upgrade
    // of a legacy vault (a scrypt run per key), never hold up the window; this connection then
    // takes the workspace key it unwrapped.
    runDetached<VaultKey>(
        [path = path(), passphrase]() -> Result<VaultKey> {
            auto workspace = Workspace::open(path);
            if (!workspace)
                return workspace.error();
            if (auto ok = (*workspace)->unlock(passphrase); !ok)
                return ok.error();
            return *(*workspace)->vaultKey();
        },
        context,
        [this, path = path(), done = std::move(done)](Result<VaultKey> key) {
            if (!key)
                return done(key.error());
            // Another workspace may have been opened meanwhile: its stored key refuses.
            if (!m_workspace || m_workspace->path() != path)
                return done(Error{tr("the workspace was closed")});
            done(m_workspace->unlock(*key));
        });
}

std::optional<VaultKey> WorkspaceSession::vaultKey() const
{
    return m_workspace ? m_workspace->vaultKey() : std::nullopt;
}

Result<std::unique_ptr<Workspace>>
WorkspaceSession::openUnlocked(const QString &path, const std::optional<VaultKey> &key)
{
    auto workspace = Workspace::open(path);
    if (!workspace || !key)
        return workspace;
    if (auto ok = (*workspace)->unlock(*key); !ok)
        return ok.error();
    return workspace;
}

Status WorkspaceSession::reload()
{
    if (!m_workspace)
        return Error{tr("no workspace is open")};
    auto snapshot = loadSnapshot(*m_workspace, m_clock.now());
    if (!snapshot)
        return snapshot.error();
    setSnapshot(std::move(snapshot).value());
    return {};
}

void WorkspaceSession::reloadInBackground()
{
    if (!m_workspace || m_reloadingInBackground)
        return;
    m_reloadingInBackground = true;
    runDetached<WorkspaceSnapshot>(
        // Reading needs no passphrase: the worker's connection stays locked.
        [path = path(), now = m_clock.now()]() -> Result<WorkspaceSnapshot> {
            auto workspace = Workspace::open(path);
            if (!workspace)
                return workspace.error();
            return loadSnapshot(**workspace, now);
        },
        this,
        [this, generation = m_snapshotGeneration](Result<WorkspaceSnapshot> snapshot) {
            m_reloadingInBackground = false;
            if (generation != m_snapshotGeneration)
                return; // older than what is shown: a change was reloaded meanwhile
            if (snapshot)
                setSnapshot(std::move(snapshot).value());
            else
                emit reloadFailed(snapshot.errorMessage());
        });
}

} // namespace baton::ui
