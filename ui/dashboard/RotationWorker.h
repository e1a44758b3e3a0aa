#pragma once

#include "pkcs11/TokenKey.h"
#include "vault/KeyVault.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QStringList>
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>

class QThread;

namespace baton::ui {

/// What a rotation did, as plain values that can cross threads: the core's RotationRun keeps
/// certificates and records the UI has no use for once the run is over.
struct RotationSummary
{
    Q_DECLARE_TR_FUNCTIONS(RotationSummary)

public:
    struct Policy
    {
        qint64 policyId = 0;
        QString certificate{};
        bool ok = true;
        QString error{};
        QStringList actions{}; ///< "issued …", then one line per target
    };

    /// Why the run could not happen at all (the lock, opening or unlocking the workspace);
    /// empty when it ran.
    QString error{};
    bool cancelled = false;
    QList<Policy> policies{};
    int issued = 0; ///< DCs issued

    bool ok() const;
    /// One sentence for a status bar: "Issued 2 DCs", "Cancelled", "Failed: …".
    QString headline() const;
};

/// Runs rotateWorkspace off the UI thread. The run opens its own connection to the workspace
/// on its thread (a Qt SQL connection must stay on the thread that made it), unlocks it with
/// the session's workspace key (no second scrypt run) and holds the rotation lock, as
/// `batonctl rotate` does, so the two never rotate the same workspace at once.
class RotationWorker : public QObject
{
    Q_OBJECT

public:
    struct Request
    {
        QString workspacePath{};
        std::optional<VaultKey> vaultKey{}; ///< the session's, unwrapped already
        QDateTime now{};           ///< from the session's clock: the worker never reads one
        QList<qint64> policyIds{}; ///< all policies when empty
        /// How long to wait for a `batonctl rotate` that holds the lock.
        std::chrono::milliseconds lockTimeout{std::chrono::seconds(2)};
        /// Called on the rotation's thread when a token holding a certificate key needs its
        /// PIN (askForTokenPin asks on the UI thread).
        TokenKey::PinSource tokenPin{};
    };

    /// Called on the rotation's thread before each step, before cancellation is looked at.
    using StepHook = std::function<void(const QString &step)>;

    explicit RotationWorker(QObject *parent = nullptr);
    /// Cancels a running rotation and waits for it to stop at its next step.
    ~RotationWorker() override;

    /// False (and nothing happens) while a rotation runs.
    bool start(const Request &request);
    bool isRunning() const { return m_thread != nullptr; }
    /// Stops the run before its next step; the step under way finishes.
    void cancel();
    bool isCancelling() const { return m_cancel.load(); }

    /// For tests and diagnostics: observe (or hold) the run at each step.
    void setStepHook(StepHook hook) { m_stepHook = std::move(hook); }

signals:
    /// About to take step `number` (counting from 1): "issue a server DC for …", "export to …".
    void progress(const QString &step, int number);
    void finished(const baton::ui::RotationSummary &summary);

private:
    void finishRun(const RotationSummary &summary);

    QThread *m_thread = nullptr;
    std::atomic<bool> m_cancel{false};
    StepHook m_stepHook;
};

} // namespace baton::ui

Q_DECLARE_METATYPE(baton::ui::RotationSummary)
