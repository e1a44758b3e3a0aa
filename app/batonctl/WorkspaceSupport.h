#pragma once

// What the workspace commands share: which workspace, its passphrase, and rotating the
// policies a command has just changed.

#include "CliSupport.h"
#include "rotation/Rotator.h"
#include "store/Workspace.h"

#include <memory>

namespace baton::cli {

/// --workspace and --passphrase, added to a command's parser.
struct WorkspaceOptions
{
    WorkspaceOptions();
    void addTo(QCommandLineParser &parser) const;

    QCommandLineOption workspace;
    QCommandLineOption passphrase;
};

/// --workspace, else BATON_WORKSPACE, else the default location.
QString workspacePath(const QCommandLineParser &parser, const WorkspaceOptions &options);

Result<std::unique_ptr<Workspace>> openWorkspace(const QCommandLineParser &parser,
                                                 const WorkspaceOptions &options,
                                                 WorkspaceAccess access);

/// The passphrase from --passphrase SRC, else the file named by BATON_PASSPHRASE_FILE, else the
/// OS keyring, else a prompt on a terminal; checked against the workspace ("PATH: wrong
/// passphrase"). A wrong passphrase from the keyring is an error of its own, not a prompt: it
/// would be wrong again on the next timer run, where nobody is there to answer.
Status unlockWorkspace(Workspace &workspace, const QCommandLineParser &parser,
                       const WorkspaceOptions &options);

/// Waiting this long for another rotation (a timer run, the GUI) to finish is normal; longer
/// means something is stuck, and the timer's next run will try again.
inline constexpr std::chrono::seconds kRotationLockWait{120};

/// The workspace's rotation lock, waited for up to kRotationLockWait. A command that changes
/// what rotations act on (a renewal) holds it from that change through rotateNow, so no
/// rotation ever sees the change half made.
Result<RotationLock> lockRotations(const Workspace &workspace);

/// Rotates the given policies at once (after a renewal), printing what happened, under the
/// rotation lock the caller holds; `pin` unlocks tokens holding certificate keys. ExitOk, or
/// ExitInvalid when something failed.
int rotateNow(Workspace &workspace, const RotationLock &held, const QList<qint64> &policyIds,
              const QDateTime &now, const TokenKey::PinSource &pin);

/// What a rotation did, as lines under each policy.
void printRotation(const RotationRun &run, const QDateTime &now);
QJsonObject rotationToJson(const RotationRun &run, const QDateTime &now);

} // namespace baton::cli
