#pragma once

// Which DC a target really serves, against the one the workspace would have it serve: what
// `status` reports, so that a target left behind (an export that failed, a `current` changed
// by hand, a directory restored from a backup) is seen, not assumed away.

#include "rotation/Rotator.h"
#include "store/Workspace.h"

#include <QHash>
#include <algorithm>
#include <optional>

namespace baton {

/// The DC a server would be handed for `role` at `now`: valid, with its key, not superseded,
/// the longest-lived. What rotation exports and what a target should serve.
std::optional<DcRecord> servableDc(const QList<DcRecord> &dcs, DcRole role, const QDateTime &now);

struct TargetServing
{
    enum class State
    {
        Current,      ///< the DC the workspace would serve, valid
        Unidentified, ///< valid, but the manifest (an older Baton's) does not say which DC
        Expired,      ///< what it serves has expired: peers are refused
        NotCurrent,   ///< valid, but another DC than the workspace's current one
        Unreadable,   ///< no `current`, a dangling one, or no manifest Baton wrote
    };
    State state = State::Unreadable;
    QString generation{};
    qint64 servedDcId = 0;  ///< the served DC in the workspace, 0 when it is not there
    qint64 currentDcId = 0; ///< the DC the target should serve, 0 when there is none
    QDateTime servedExpiry{};
    QString detail{}; ///< one line for people

    /// Nothing a person needs to look at.
    bool ok() const { return state == State::Current || state == State::Unidentified; }
};

QString targetServingName(TargetServing::State state); ///< "current", "expired", …

/// Every DC of the workspace, found by certificate and by the SHA-256 of its bytes (what a
/// manifest names). Built once for all targets: judging each of 10,000 targets by a pass over
/// 10,000 DCs, hashing each, was 10^8 hashes.
class WorkspaceDcs
{
public:
    /// `dcs` must outlive this.
    explicit WorkspaceDcs(const QList<DcRecord> &dcs);
    /// The certificate's DCs, in the order of `dcs`.
    QList<DcRecord> ofCertificate(qint64 certificateId) const;
    /// The DC whose bytes hash to `sha256`, or nullptr.
    const DcRecord *bySha256(const QByteArray &sha256) const;

private:
    const QList<DcRecord> &m_dcs;
    QHash<qint64, QList<qsizetype>> m_byCertificate;
    QHash<QByteArray, qsizetype> m_bySha256;
};

/// Reads what `target` serves (readServedBundle) and judges it at `now` against `dcs`, every DC
/// of the workspace (a target may serve one of a renewed certificate).
TargetServing checkServedDc(const TargetRecord &target, qint64 certificateId,
                            const WorkspaceDcs &dcs, const QDateTime &now);

/// A policy's plan with what each of its targets really serves, in the plan's target order.
struct PolicyServing
{
    PolicyPlan plan;
    QList<TargetServing> served;

    bool targetsOk() const
    {
        return std::all_of(served.cbegin(), served.cend(),
                           [](const TargetServing &serving) { return serving.ok(); });
    }
};

/// Every policy's plan at `now` (as workspaceStatus makes it) with what its targets serve: what
/// `status` shows. Reads the workspace once and each target's `current` once.
Result<QList<PolicyServing>> servingStatus(const Workspace &workspace, const QDateTime &now);

} // namespace baton
