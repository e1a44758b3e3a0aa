#include "ServedDc.h"

#include "common/TimeFormat.h"
#include "export/ServedBundle.h"

#include <QCryptographicHash>

namespace baton {

std::optional<DcRecord> servableDc(const QList<DcRecord> &dcs, DcRole role, const QDateTime &now)
{
    std::optional<DcRecord> best;
    for (const DcRecord &dc : dcs) {
        if (dc.role == role && !dc.superseded && dc.hasKey && dc.issuedAt <= now &&
            now < dc.expiresAt && (!best || dc.expiresAt > best->expiresAt))
            best = dc;
    }
    return best;
}

QString targetServingName(TargetServing::State state)
{
    switch (state) {
    case TargetServing::State::Current:
        return QStringLiteral("current");
    case TargetServing::State::Unidentified:
        return QStringLiteral("unidentified");
    case TargetServing::State::Expired:
        return QStringLiteral("expired");
    case TargetServing::State::NotCurrent:
        return QStringLiteral("not-current");
    case TargetServing::State::Unreadable:
        return QStringLiteral("unreadable");
    }
    return {};
}

WorkspaceDcs::WorkspaceDcs(const QList<DcRecord> &dcs) : m_dcs(dcs)
{
    m_bySha256.reserve(dcs.size());
    for (qsizetype i = 0; i < dcs.size(); ++i) {
        m_byCertificate[dcs[i].certificateId].append(i);
        // The bytes are UNIQUE in the workspace; the first stays, as a search in order finds.
        const QByteArray sha256 =
            QCryptographicHash::hash(dcs[i].bytes, QCryptographicHash::Sha256);
        if (!m_bySha256.contains(sha256))
            m_bySha256.insert(sha256, i);
    }
}

QList<DcRecord> WorkspaceDcs::ofCertificate(qint64 certificateId) const
{
    QList<DcRecord> own;
    for (const qsizetype i : m_byCertificate.value(certificateId))
        own.append(m_dcs[i]);
    return own;
}

const DcRecord *WorkspaceDcs::bySha256(const QByteArray &sha256) const
{
    const auto found = m_bySha256.constFind(sha256);
    return found == m_bySha256.cend() ? nullptr : &m_dcs[*found];
}

TargetServing checkServedDc(const TargetRecord &target, qint64 certificateId,
                            const WorkspaceDcs &dcs, const QDateTime &now)
{
    TargetServing serving;
    const std::optional<DcRecord> current =
        servableDc(dcs.ofCertificate(certificateId), target.role, now);
    serving.currentDcId = current ? current->id : 0;
    auto served = readServedBundle(target.directory);
    if (!served) {
        serving.detail = served.errorMessage();
        return serving;
    }
    serving.generation = served->generation;
    serving.servedExpiry = served->dcExpiry;
    const DcRecord *known = served->dcSha256.isEmpty() ? nullptr : dcs.bySha256(served->dcSha256);
    if (known) {
        // The workspace's record, not the manifest's word, for a DC it knows.
        serving.servedDcId = known->id;
        serving.servedExpiry = known->expiresAt;
    }
    const QString what = known ? QStringLiteral("DC %1").arg(known->id)
                               : QStringLiteral("a DC not in the workspace");
    if (now >= serving.servedExpiry) {
        serving.state = TargetServing::State::Expired;
        serving.detail =
            QStringLiteral("%1 serves %2, which expired %3 (%4)")
                .arg(served->generation, what, formatRelative(now, serving.servedExpiry),
                     formatUtc(serving.servedExpiry));
    } else if (served->dcSha256.isEmpty()) {
        serving.state = TargetServing::State::Unidentified;
        serving.detail = QStringLiteral("%1 serves a DC its manifest does not identify, valid "
                                        "until %2")
                             .arg(served->generation, formatUtc(serving.servedExpiry));
    } else if (!current || !known || known->id != current->id) {
        serving.state = TargetServing::State::NotCurrent;
        serving.detail =
            QStringLiteral("%1 serves %2, not %3")
                .arg(served->generation, what,
                     current ? QStringLiteral("the current DC %1").arg(current->id)
                             : QStringLiteral("a DC of the workspace's (it has no valid one)"));
    } else {
        serving.state = TargetServing::State::Current;
        serving.detail = QStringLiteral("%1 serves DC %2, valid until %3")
                             .arg(served->generation)
                             .arg(known->id)
                             .arg(formatUtc(serving.servedExpiry));
    }
    return serving;
}

Result<QList<PolicyServing>> servingStatus(const Workspace &workspace, const QDateTime &now)
{
    auto inputs = readPlanInputs(workspace);
    if (!inputs)
        return inputs.error();
    // What the targets serve, not what the workspace believes it delivered: an export that
    // failed, or a `current` changed behind Baton's back, shows here.
    const WorkspaceDcs dcs(inputs->dcs);
    QList<PolicyServing> statuses;
    for (PolicyPlan &plan : planPolicies(*inputs, now)) {
        PolicyServing status{.plan = std::move(plan), .served = {}};
        for (const TargetRecord &target : status.plan.targets)
            status.served << checkServedDc(target, status.plan.certificateId, dcs, now);
        statuses << std::move(status);
    }
    return statuses;
}

} // namespace baton
