#pragma once

// What `batonctl rotate` and the GUI's "Rotate now" do: plan every policy, issue the DCs that
// are due, store them, export them to every target, run the hooks, log it all.
//
// The order makes a crash at any point harmless. A DC and its key are stored in one
// transaction before any target sees them; a target is exported by writing a complete
// generation and switching `current` in one rename (the DC and its key travel together); and
// the workspace records which DC each target holds only after that. A rerun therefore finds
// either nothing due and targets up to date, or the stored DC not yet exported, and finishes.

#include "pkcs11/TokenKey.h"
#include "rotation/RotationPlanner.h"
#include "store/Workspace.h"

#include <chrono>
#include <functional>

namespace baton {

/// A policy and what the planner concluded, with the certificate by id and name: planning
/// parses no certificate, rotating parses the certificates of the policies it acts on.
struct PolicyPlan
{
    PolicyRecord policy;
    qint64 certificateId = 0;
    QString certificateName{};    ///< CertificateSummary::name
    QString certificateSubject{}; ///< RFC 2253
    RotationPlan plan{};
    QList<TargetRecord> targets{};
};

/// What planning reads: one query per table, however many policies there are.
struct PlanInputs
{
    QList<CertificateSummary> certificates;
    QList<DcRecord> dcs;
    QList<PolicyRecord> policies;
    QList<TargetRecord> targets;
};
Result<PlanInputs> readPlanInputs(const Workspace &workspace);

/// Every policy's plan at `now`, from what the workspace keeps in its summary columns (the
/// certificates' dates and flags) and its DCs and targets: no certificate is parsed, so
/// 10,000 policies plan in milliseconds. A policy whose certificate is not among the inputs'
/// (the workspace's foreign keys rule that out) is left out.
QList<PolicyPlan> planPolicies(const PlanInputs &inputs, const QDateTime &now);

/// The plan of every policy at `now`, without changing anything: readPlanInputs, then
/// planPolicies.
Result<QList<PolicyPlan>> workspaceStatus(const Workspace &workspace, const QDateTime &now);

struct RotationOptions
{
    QDateTime now{};
    bool dryRun = false; ///< plan and report, change nothing
    std::chrono::milliseconds hookTimeout{std::chrono::seconds(30)};
    /// Only these policies (the GUI's "Rotate now"); all when empty.
    QList<qint64> policyIds{};
    /// Asked for the user PIN of a token that holds a certificate key (its label is passed),
    /// at most once per token and run; without one, a policy whose key is on a token that
    /// needs a PIN fails.
    TokenKey::PinSource tokenPin{};
    /// Told what is about to happen ("issue", "export", "hook") before each step, e.g. for
    /// progress; returning false cancels the run before that step.
    std::function<bool(const QString &step)> progress{};
};

struct TargetOutcome
{
    TargetRecord target;
    QString action{}; ///< "exported gen-…", "up to date", "would export DC 7", …
    bool ok = true;
};

struct PolicyOutcome
{
    PolicyPlan before;
    QStringList actions{}; ///< "issued server DC 12 (expires …)", …
    QList<TargetOutcome> targets{};
    bool ok = true;
    QString error{}; ///< why it failed (blocked, issuing failed, an export or hook failed)
};

struct RotationRun
{
    QList<PolicyOutcome> policies;
    bool cancelled = false;
    bool ok() const;
};

/// Rotates every policy (one failing does not stop the others). The workspace must be
/// unlocked when anything is due; a dry run never needs it. The caller holds the rotation lock.
Result<RotationRun> rotateWorkspace(Workspace &workspace, const RotationOptions &options);

/// One rotation at a time per workspace: an exclusive lock on `<workspace>.lock`, released
/// when the process ends however it ends (the kernel drops flock locks of a killed process).
class RotationLock
{
public:
    /// Waits up to `timeout` for a rotation in another process to finish.
    static Result<RotationLock> acquire(const QString &workspacePath,
                                        std::chrono::milliseconds timeout);
    RotationLock(RotationLock &&other) noexcept;
    RotationLock &operator=(RotationLock &&) = delete;
    ~RotationLock();

private:
    explicit RotationLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

} // namespace baton
