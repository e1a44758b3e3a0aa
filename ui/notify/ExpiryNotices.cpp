#include "ExpiryNotices.h"

#include "common/TimeFormat.h"

#include <QCoreApplication>
#include <QSet>

namespace baton::ui {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ExpiryNotices)
};

QString certificateName(const WorkspaceSnapshot &snapshot, qint64 certificateId)
{
    const CertificateSummary *certificate = snapshot.certificate(certificateId);
    return certificate ? certificate->name : Tr::tr("certificate %1").arg(certificateId);
}

bool validAt(const DcRecord &dc, const QDateTime &now)
{
    return !dc.superseded && dc.issuedAt <= now && now < dc.expiresAt;
}

} // namespace

QList<ExpiryNotice> expiryNotices(const WorkspaceSnapshot &before, const WorkspaceSnapshot &after)
{
    QList<ExpiryNotice> notices;
    if (before.path.isEmpty() || before.path != after.path || !before.takenAt.isValid() ||
        after.takenAt <= before.takenAt)
        return notices;
    const QDateTime &now = after.takenAt;

    for (const PolicyPlan &policy : after.policies) {
        if (policy.plan.status != RotationStatus::Due)
            continue;
        const PolicyPlan *earlier = before.policyFor(policy.certificateId);
        if (earlier && earlier->plan.status == RotationStatus::Due)
            continue;
        notices.append({.kind = ExpiryNotice::Kind::Due,
                        .certificateId = policy.certificateId,
                        .title = Tr::tr("DC due for rotation"),
                        .message = Tr::tr("%1: its DC expires %2 (%3). Rotate now.")
                                       .arg(certificateName(after, policy.certificateId),
                                            formatUtc(policy.plan.currentExpiry),
                                            formatRelative(now, policy.plan.currentExpiry))});
    }

    // One notice per certificate and role, however many of its DCs ran out at once.
    QSet<QPair<qint64, int>> told;
    for (const DcRecord &dc : after.dcs) {
        if (dc.superseded || dc.expiresAt <= before.takenAt || dc.expiresAt > now)
            continue;
        const QPair<qint64, int> key{dc.certificateId, int(dc.role)};
        if (told.contains(key))
            continue;
        const QList<const DcRecord *> siblings = after.dcsOf(dc.certificateId);
        if (std::any_of(siblings.cbegin(), siblings.cend(), [&](const DcRecord *other) {
                return other->role == dc.role && validAt(*other, now);
            }))
            continue;
        told.insert(key);
        notices.append({.kind = ExpiryNotice::Kind::Expired,
                        .certificateId = dc.certificateId,
                        .title = Tr::tr("DC expired"),
                        .message = Tr::tr("%1: its %2 DC expired %3, and no valid one is left. "
                                          "Peers cannot use delegated credentials with it "
                                          "until a new DC is issued.")
                                       .arg(certificateName(after, dc.certificateId),
                                            dcRoleName(dc.role), formatUtc(dc.expiresAt))});
    }
    return notices;
}

} // namespace baton::ui
