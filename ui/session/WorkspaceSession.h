#pragma once

// The open workspace, as the desktop app holds it: the connection, the passphrase once given
// (for connections opened by worker threads), and the snapshot every view renders. Views are
// told when the snapshot changes; they never hold on to a workspace themselves.

#include "WorkspaceSnapshot.h"
#include "common/Clock.h"
#include "vault/KeyVault.h"

#include <QObject>
#include <memory>

namespace baton::ui {

class WorkspaceSession : public QObject
{
    Q_OBJECT

public:
    /// `clock` is borrowed: tests and screenshots pass a FixedClock.
    explicit WorkspaceSession(const Clock &clock, QObject *parent = nullptr);
    ~WorkspaceSession() override;

    /// Opens an existing workspace (locked: reading needs no passphrase).
    Status open(const QString &path);
    /// Creates a workspace, unlocked; `demo` fills it (populateDemoWorkspace).
    Status create(const QString &path, QByteArrayView passphrase, bool demo = false,
                  ScryptParameters work = kVaultScrypt);
    void close();
    /// Error kWrongPassphrase for a wrong one; the workspace stays locked.
    Status unlock(QByteArrayView passphrase);

    bool isOpen() const { return m_workspace != nullptr; }
    bool isUnlocked() const { return m_workspace && m_workspace->unlocked(); }
    Workspace *workspace() const { return m_workspace.get(); }
    QString path() const;
    const WorkspaceSnapshot &snapshot() const { return m_snapshot; }
    const Clock &clock() const { return m_clock; }
    /// The passphrase once unlocked, so a worker thread can unlock its own connection.
    QByteArray passphrase() const { return m_passphrase.bytes(); }

    /// Reads the snapshot again (after a change, or each minute for the plans).
    Status reload();

signals:
    /// Opened, created or closed: everything shown belongs to another workspace now.
    void workspaceChanged();
    void snapshotChanged();

private:
    const Clock &m_clock;
    std::unique_ptr<Workspace> m_workspace;
    WorkspaceSnapshot m_snapshot;
    SecretBytes m_passphrase;
};

} // namespace baton::ui
