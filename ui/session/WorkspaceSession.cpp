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
    auto snapshot = loadSnapshot(**opened, m_clock.now());
    if (!snapshot)
        return snapshot.error();
    m_workspace = std::move(opened).value();
    m_snapshot = std::move(snapshot).value();
    m_passphrase = SecretBytes();
    emit workspaceChanged();
    emit snapshotChanged();
    return {};
}

Status WorkspaceSession::create(const QString &path, QByteArrayView passphrase, bool demo,
                                ScryptParameters work)
{
    auto created = Workspace::create(path, passphrase, m_clock.now(), work);
    if (!created)
        return created.error();
    if (demo) {
        if (auto ok = populateDemoWorkspace(**created, m_clock.now()); !ok)
            return ok;
    }
    auto snapshot = loadSnapshot(**created, m_clock.now());
    if (!snapshot)
        return snapshot.error();
    m_workspace = std::move(created).value();
    m_snapshot = std::move(snapshot).value();
    m_passphrase = SecretBytes(passphrase.toByteArray());
    emit workspaceChanged();
    emit snapshotChanged();
    return {};
}

void WorkspaceSession::close()
{
    m_workspace.reset();
    m_snapshot = {};
    m_passphrase = SecretBytes();
    emit workspaceChanged();
    emit snapshotChanged();
}

Status WorkspaceSession::unlock(QByteArrayView passphrase)
{
    if (!m_workspace)
        return Error{tr("no workspace is open")};
    if (auto ok = m_workspace->unlock(passphrase); !ok)
        return ok;
    m_passphrase = SecretBytes(passphrase.toByteArray());
    return {};
}

Status WorkspaceSession::reload()
{
    if (!m_workspace)
        return Error{tr("no workspace is open")};
    auto snapshot = loadSnapshot(*m_workspace, m_clock.now());
    if (!snapshot)
        return snapshot.error();
    m_snapshot = std::move(snapshot).value();
    emit snapshotChanged();
    return {};
}

} // namespace baton::ui
