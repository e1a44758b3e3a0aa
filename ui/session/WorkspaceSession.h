#pragma once

// The open workspace, as the desktop app holds it: the connection, the workspace key once
// unwrapped (so worker threads can unlock connections of their own), and the snapshot every
// view renders. Views are told when the snapshot changes; they never hold on to a workspace
// themselves.

#include "WorkspaceSnapshot.h"
#include "common/Clock.h"
#include "vault/KeyVault.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>
#include <functional>
#include <memory>
#include <optional>

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

    // The same, with the scrypt work (a good half second at the default cost, and one more per
    // key when a legacy vault is upgraded) on a pool thread and its own connection. `done`
    // runs on `context`'s thread, and not at all once `context` is gone.
    void createInBackground(const QString &path, const QByteArray &passphrase, bool demo,
                            QObject *context, std::function<void(const Status &)> done,
                            ScryptParameters work = kVaultScrypt);
    void unlockInBackground(const QByteArray &passphrase, QObject *context,
                            std::function<void(const Status &)> done);

    bool isOpen() const { return m_workspace != nullptr; }
    bool isUnlocked() const { return m_workspace && m_workspace->unlocked(); }
    Workspace *workspace() const { return m_workspace.get(); }
    QString path() const;
    const WorkspaceSnapshot &snapshot() const { return m_snapshot; }
    const Clock &clock() const { return m_clock; }
    /// The workspace key once unlocked, so a worker thread can unlock its own connection.
    std::optional<VaultKey> vaultKey() const;

    /// Runs `work` on a pool thread, against a connection of its own to this workspace (a Qt
    /// SQL connection belongs to the thread that made it) unlocked with the workspace key when
    /// there is one, so no scrypt run is repeated. `done` gets the result on `context`'s
    /// thread, and is dropped when `context` is gone by then. The caller reloads.
    template <typename T>
    void runInBackground(std::function<Result<T>(Workspace &)> work, QObject *context,
                         std::function<void(Result<T>)> done) const
    {
        runDetached<T>(
            [path = path(), key = vaultKey(), work = std::move(work)] {
                auto workspace = openUnlocked(path, key);
                return workspace ? work(**workspace) : Result<T>(workspace.error());
            },
            context, std::move(done));
    }

    /// Whether unlocking may take the passphrase from the OS keyring, and offer to store it
    /// there. The app turns it on; tests leave it off, so they never reach a real keyring.
    void setUsesKeyring(bool uses) { m_usesKeyring = uses; }
    bool usesKeyring() const { return m_usesKeyring; }

    /// Reads the snapshot again, now: after a change the user made, which views must show
    /// before anything else happens.
    Status reload();
    /// The same on a pool thread, for the minute's refresh of the plans: with 100,000 DCs a
    /// read takes a good part of a second, which the window should not freeze for. The
    /// snapshot is swapped in on this thread; one that a reload, open or close overtook while
    /// it was read is dropped. Does nothing while one is still being read.
    void reloadInBackground();

signals:
    /// Opened, created or closed: everything shown belongs to another workspace now.
    void workspaceChanged();
    void snapshotChanged();
    /// A background reload could not read the workspace; the snapshot shown stays as it was.
    void reloadFailed(const QString &message);

private:
    /// Opens a connection for the calling thread, unlocked with `key` if there is one.
    static Result<std::unique_ptr<Workspace>> openUnlocked(const QString &path,
                                                           const std::optional<VaultKey> &key);
    /// Makes the opened workspace the session's: snapshot read, views told.
    Status adopt(std::unique_ptr<Workspace> workspace);
    void setSnapshot(WorkspaceSnapshot snapshot);

    /// `work` on a pool thread, its result to `done` on `context`'s thread. The watcher is
    /// the context's child, so a context deleted meanwhile takes the delivery with it.
    template <typename T>
    static void runDetached(std::function<Result<T>()> work, QObject *context,
                            std::function<void(Result<T>)> done)
    {
        // QFuture wants copyable values: the result travels in a shared_ptr.
        using Shared = std::shared_ptr<Result<T>>;
        auto *watcher = new QFutureWatcher<Shared>(context);
        QObject::connect(watcher, &QFutureWatcher<Shared>::finished, context,
                         [watcher, done = std::move(done)] {
                             watcher->deleteLater();
                             done(std::move(*watcher->result()));
                         });
        watcher->setFuture(QtConcurrent::run(
            [work = std::move(work)] { return std::make_shared<Result<T>>(work()); }));
    }

    const Clock &m_clock;
    std::unique_ptr<Workspace> m_workspace;
    WorkspaceSnapshot m_snapshot;
    /// Counts snapshot replacements, so a background read can tell it was overtaken.
    quint64 m_snapshotGeneration = 0;
    bool m_reloadingInBackground = false;
    bool m_usesKeyring = false;
};

} // namespace baton::ui
