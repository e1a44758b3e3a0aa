#include "RotationPlanner.h"

#include "common/TimeFormat.h"
#include "crypto/KeyCodec.h"

#include <QStringList>
#include <utility>

namespace baton {

namespace {

// DCs count whole seconds (valid_time). A fractional `now` would make a DC valid or due for
// part of a second depending on when in that second the clock was read.
QDateTime wholeSeconds(const QDateTime &instant)
{
    return QDateTime::fromSecsSinceEpoch(instant.toSecsSinceEpoch(), Qt::UTC);
}

QList<DcRole> requiredRoles(DcRoles roles)
{
    if (roles == DcRoles::Both)
        return {DcRole::Server, DcRole::Client};
    return {roles == DcRoles::Server ? DcRole::Server : DcRole::Client};
}

// Why rotate cannot issue a useful DC at `now`; empty when it can.
QString blockedReason(const RotationPolicy &policy, const PlannedCertificate &certificate,
                      const QDateTime &now)
{
    if (const Status valid = validateRotationPolicy(policy); !valid)
        return QStringLiteral("the rotation policy is invalid: %1").arg(valid.errorMessage());
    const QDateTime notBefore = wholeSeconds(certificate.notBefore);
    const QDateTime notAfter = wholeSeconds(certificate.notAfter);
    if (now < notBefore)
        return QStringLiteral("the certificate is not valid yet (notBefore %1, %2); a DC cannot "
                              "start before its certificate")
            .arg(formatUtc(notBefore), formatRelative(now, notBefore));
    if (now >= notAfter)
        return QStringLiteral("the certificate expired %1 (notAfter %2); renew it and bind the "
                              "policy to the new one")
            .arg(formatRelative(now, notAfter), formatUtc(notAfter));
    if (!certificate.delegationUsage)
        return QStringLiteral("the certificate lacks the DelegationUsage extension, so peers "
                              "reject every DC under it; get a certificate that has it");
    if (!certificate.keyAvailable)
        return QStringLiteral("the certificate's private key is not in the vault, so no DC can "
                              "be signed; import the key");
    // A DC issued now would end with the certificate and so be due the moment it is issued:
    // rotate would reissue it on every run without ever gaining time.
    if (now.secsTo(notAfter) <= policy.renewBeforeSeconds)
        return QStringLiteral("the certificate expires %1 (notAfter %2), within the %3 "
                              "renew-before, so a DC issued now would be due at once; renew the "
                              "certificate")
            .arg(formatRelative(now, notAfter), formatUtc(notAfter),
                 formatDuration(policy.renewBeforeSeconds));
    return {};
}

RolePlan planRole(DcRole role, const QList<PlannedDc> &dcs, qint64 renewBeforeSeconds,
                  const QDateTime &now)
{
    RolePlan plan{role, RotationStatus::Expired, {}, now};
    for (const PlannedDc &dc : dcs) {
        const QDateTime expiry = wholeSeconds(dc.expiry);
        // Valid from issuance up to, not including, the expiry: in its last second a peer may
        // already reject it. Overlapping DCs (the previous one still valid after a rotation)
        // cover the role until the last of them ends.
        if (dc.role == role && wholeSeconds(dc.issuedAt) <= now && now < expiry &&
            (!plan.currentExpiry.isValid() || expiry > plan.currentExpiry))
            plan.currentExpiry = expiry;
    }
    if (!plan.currentExpiry.isValid())
        return plan;
    const QDateTime dueAt = plan.currentExpiry.addSecs(-renewBeforeSeconds);
    // Due with exactly renew-before left: the policy promises a DC with more than that.
    if (now >= dueAt) {
        plan.status = RotationStatus::Due;
        return plan;
    }
    plan.status = RotationStatus::Ok;
    plan.nextRotation = dueAt;
    return plan;
}

// Why a role that is not Ok needs a DC now.
QString roleReason(const RolePlan &plan, const QList<PlannedDc> &dcs, qint64 renewBeforeSeconds,
                   const QDateTime &now)
{
    const QString role = dcRoleName(plan.role);
    if (plan.status == RotationStatus::Due)
        return QStringLiteral("the %1 DC expires %2 (%3), within the %4 renew-before")
            .arg(role, formatRelative(now, plan.currentExpiry), formatUtc(plan.currentExpiry),
                 formatDuration(renewBeforeSeconds));
    // Naming when the last one ran out tells a stalled rotation from one never run.
    QDateTime lastExpiry;
    for (const PlannedDc &dc : dcs) {
        const QDateTime expiry = wholeSeconds(dc.expiry);
        if (dc.role == plan.role && expiry <= now && (!lastExpiry.isValid() || expiry > lastExpiry))
            lastExpiry = expiry;
    }
    if (!lastExpiry.isValid())
        return QStringLiteral("there is no valid %1 DC").arg(role);
    return QStringLiteral("the %1 DC expired at %2 (%3)")
        .arg(role, formatUtc(lastExpiry), formatRelative(now, lastExpiry));
}

} // namespace

Status validateRotationPolicy(const RotationPolicy &policy)
{
    // Rotation runs unattended, so nobody would read the issuer's warning about lifetimes
    // within the skew headroom of the 7-day maximum: a policy may not ask for one.
    constexpr qint64 maxLifetime =
        DelegatedCredential::kMaxValiditySeconds - DelegatedCredential::kSkewHeadroomSeconds;
    if (policy.lifetimeSeconds <= 0)
        return Error{
            QStringLiteral("the lifetime must be positive, not %1 s").arg(policy.lifetimeSeconds)};
    if (policy.lifetimeSeconds > maxLifetime)
        return Error{QStringLiteral("the lifetime of %1 is longer than %2: RFC 9345 allows at "
                                    "most 7 d, and clients whose clock is behind need %3 of "
                                    "headroom")
                         .arg(formatDuration(policy.lifetimeSeconds), formatDuration(maxLifetime),
                              formatDuration(DelegatedCredential::kSkewHeadroomSeconds))};
    if (policy.renewBeforeSeconds <= 0)
        return Error{QStringLiteral("the renew-before must be positive, not %1 s: a DC replaced "
                                    "only once it has expired leaves peers without one")
                         .arg(policy.renewBeforeSeconds)};
    if (policy.renewBeforeSeconds >= policy.lifetimeSeconds)
        return Error{QStringLiteral("the renew-before of %1 is not shorter than the %2 lifetime, "
                                    "so every new DC would be due the moment it is issued; use "
                                    "less, such as half the lifetime")
                         .arg(formatDuration(policy.renewBeforeSeconds),
                              formatDuration(policy.lifetimeSeconds))};
    if (!keySpecByName(policy.dcAlgorithm))
        return Error{QStringLiteral("the DC algorithm '%1' is not a DC key; use one of %2")
                         .arg(policy.dcAlgorithm, generatableKeyNames())};
    return {};
}

QString rotationStatusName(RotationStatus status)
{
    switch (status) {
    case RotationStatus::Ok:
        return QStringLiteral("ok");
    case RotationStatus::Due:
        return QStringLiteral("due");
    case RotationStatus::Expired:
        return QStringLiteral("expired");
    case RotationStatus::Blocked:
        return QStringLiteral("blocked");
    case RotationStatus::CertExpiring:
        return QStringLiteral("cert-expiring");
    }
    return {};
}

QString dcRolesName(DcRoles roles)
{
    switch (roles) {
    case DcRoles::Server:
        return QStringLiteral("server");
    case DcRoles::Client:
        return QStringLiteral("client");
    case DcRoles::Both:
        return QStringLiteral("both");
    }
    return {};
}

std::optional<DcRoles> dcRolesByName(QStringView name)
{
    for (const DcRoles roles : {DcRoles::Server, DcRoles::Client, DcRoles::Both}) {
        if (name == dcRolesName(roles))
            return roles;
    }
    return std::nullopt;
}

Status checkCanIssue(const RotationPolicy &policy, const PlannedCertificate &certificate,
                     const QDateTime &now)
{
    if (QString blocked = blockedReason(policy, certificate, wholeSeconds(now)); !blocked.isEmpty())
        return Error{std::move(blocked)};
    return {};
}

RotationPlan planRotation(const RotationPolicy &policy, const PlannedCertificate &certificate,
                          const QList<PlannedDc> &dcs, const QDateTime &now)
{
    const QDateTime at = wholeSeconds(now);
    RotationPlan plan;
    for (const DcRole role : requiredRoles(policy.roles)) {
        plan.roles << planRole(role, dcs, policy.renewBeforeSeconds, at);
        const QDateTime &expiry = plan.roles.constLast().currentExpiry;
        if (expiry.isValid() && (!plan.currentExpiry.isValid() || expiry < plan.currentExpiry))
            plan.currentExpiry = expiry;
    }

    // Checked before the DCs: when rotate cannot act, that is what a person must fix, and the
    // DCs still being served show in currentExpiry and the roles.
    if (QString blocked = blockedReason(policy, certificate, at); !blocked.isEmpty()) {
        plan.status = RotationStatus::Blocked;
        plan.reason = std::move(blocked);
        for (RolePlan &role : plan.roles)
            role.nextRotation = QDateTime();
        return plan;
    }

    // The worst role decides: peers asking for the missing or stale role fail however fresh
    // the other one is.
    QStringList reasons;
    for (const RolePlan &role : plan.roles) {
        if (!plan.nextRotation.isValid() || role.nextRotation < plan.nextRotation)
            plan.nextRotation = role.nextRotation;
        if (role.status == RotationStatus::Ok)
            continue;
        reasons << roleReason(role, dcs, policy.renewBeforeSeconds, at);
        if (plan.status != RotationStatus::Expired)
            plan.status = role.status;
    }

    // A DC cannot outlive its certificate: the issuer clamps it to notAfter.
    const QDateTime notAfter = wholeSeconds(certificate.notAfter);
    plan.nextLifetimeSeconds = at.secsTo(qMin(at.addSecs(policy.lifetimeSeconds), notAfter));
    if (plan.nextLifetimeSeconds < policy.lifetimeSeconds) {
        // Said whether or not a DC is due: the fix (renewing the certificate) is the same.
        reasons << QStringLiteral("a DC issued now would last only %1, %2 short of the %3 "
                                  "lifetime, because the certificate expires %4 (%5); renew the "
                                  "certificate")
                       .arg(formatDuration(plan.nextLifetimeSeconds),
                            formatDuration(policy.lifetimeSeconds - plan.nextLifetimeSeconds),
                            formatDuration(policy.lifetimeSeconds), formatRelative(at, notAfter),
                            formatUtc(notAfter));
        if (plan.status == RotationStatus::Ok)
            plan.status = RotationStatus::CertExpiring;
    }
    if (plan.status != RotationStatus::Expired)
        plan.headroomSeconds = plan.nextRotation.secsTo(plan.currentExpiry);
    plan.reason = reasons.join(QStringLiteral("; "));
    return plan;
}

} // namespace baton
