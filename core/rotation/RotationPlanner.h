#pragma once

#include "common/Result.h"
#include "dc/DelegatedCredential.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <optional>

namespace baton {

/// Which DCs a rotation policy keeps alive.
enum class DcRoles
{
    Server,
    Client,
    Both,
};

/// How one certificate's DCs are kept fresh: what `batonctl rotate` issues and when.
struct RotationPolicy
{
    qint64 lifetimeSeconds = 24 * 3600;
    /// Rotate once this much or less of the current DC is left.
    qint64 renewBeforeSeconds = 12 * 3600;
    QString dcAlgorithm = QStringLiteral("ecdsa-p256"); ///< a `--dc-alg` name
    DcRoles roles = DcRoles::Server;
};

/// A policy's lifetime must lie in (0, 7 d - 1 h], its renew-before in (0, lifetime), and its
/// DC algorithm must name a DC key. The error names the field and what to use instead.
Status validateRotationPolicy(const RotationPolicy &policy);

/// What the planner needs to know of the certificate a policy is bound to.
struct PlannedCertificate
{
    QDateTime notBefore;
    QDateTime notAfter;
    bool delegationUsage = true; ///< has the DelegationUsage extension
    bool keyAvailable = true;    ///< its private key is in the vault
};

/// A DC bound to the certificate that no later DC of its role has replaced.
struct PlannedDc
{
    DcRole role = DcRole::Server;
    QDateTime issuedAt;
    QDateTime expiry;
};

/// Where a policy stands. Blocked and CertExpiring are about the certificate; the others are
/// about its DCs.
enum class RotationStatus
{
    Ok,           ///< nothing to do until nextRotation
    Due,          ///< a DC has renew-before or less left: rotate now
    Expired,      ///< a required role has no valid DC: peers get none, rotate now
    Blocked,      ///< rotate cannot issue a (useful) DC; a person must act
    CertExpiring, ///< nothing due, but DCs issued now end early with the certificate
};

QString rotationStatusName(RotationStatus status); ///< "ok", "due", … "cert-expiring"
QString dcRolesName(DcRoles roles);                ///< "server", "client", "both"
std::optional<DcRoles> dcRolesByName(QStringView name);

/// One role of a policy. `status` is Ok, Due or Expired: how this role's DCs stand, even when
/// the policy as a whole is blocked.
struct RolePlan
{
    DcRole role = DcRole::Server;
    RotationStatus status = RotationStatus::Ok;
    QDateTime currentExpiry; ///< of its latest valid DC; invalid when it has none
    QDateTime nextRotation;  ///< now when due or expired; invalid when the policy is blocked
};

/// What the dashboard and `batonctl status/rotate` show for one policy. Times are UTC and
/// whole seconds.
struct RotationPlan
{
    RotationStatus status = RotationStatus::Ok;
    /// A plain-language sentence for every status but Ok (empty then).
    QString reason;
    /// The earliest expiry among the required roles that have a valid DC; invalid when none has.
    QDateTime currentExpiry;
    /// When rotate will next act: now when due or expired, else the earliest moment a role
    /// becomes due. Invalid when blocked.
    QDateTime nextRotation;
    /// currentExpiry - nextRotation: how long peers keep a valid DC after rotate should have
    /// replaced it, the margin for clients whose clock runs fast and for failed rotation runs.
    /// 0 when expired or blocked: a role is already uncovered, or rotate cannot act.
    qint64 headroomSeconds = 0;
    /// The lifetime a DC issued now would get: the policy's, shortened to end with the
    /// certificate. 0 when blocked.
    qint64 nextLifetimeSeconds = 0;
    QList<RolePlan> roles; ///< server before client

    bool needsIssue() const
    {
        return status == RotationStatus::Due || status == RotationStatus::Expired;
    }
};

/// Why rotate could not issue a useful DC under `certificate` at `now` (not yet or no longer
/// valid, no DelegationUsage, no key, expiring within the renew-before, an invalid policy): the
/// reason planRotation gives a Blocked plan, so that setting a policy refuses exactly what
/// rotating would be blocked by.
Status checkCanIssue(const RotationPolicy &policy, const PlannedCertificate &certificate,
                     const QDateTime &now);

/// Plans one policy at `now` (a valid instant): pure, so every decision can be replayed.
/// An invalid policy plans as blocked, with validateRotationPolicy's message as the reason.
RotationPlan planRotation(const RotationPolicy &policy, const PlannedCertificate &certificate,
                          const QList<PlannedDc> &dcs, const QDateTime &now);

} // namespace baton
