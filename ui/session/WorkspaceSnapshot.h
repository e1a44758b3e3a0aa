#pragma once

// Everything the desktop app's views show, read from the workspace in one go: certificates
// (as summaries: no DER parsed), DCs, and every rotation policy with its plan. Views and
// models render a snapshot; they never query the workspace themselves.

#include "rotation/Rotator.h"
#include "store/Workspace.h"

#include <QHash>

namespace baton::ui {

struct WorkspaceSnapshot
{
    QString path;
    QDateTime takenAt; ///< the `now` the plans were made for
    QList<CertificateSummary> certificates;
    QList<DcRecord> dcs; ///< oldest first
    QList<PolicyPlan> policies;

    const CertificateSummary *certificate(qint64 id) const;
    const DcRecord *dc(qint64 id) const;
    /// The DCs bound to a certificate, oldest first.
    QList<const DcRecord *> dcsOf(qint64 certificateId) const;
    const PolicyPlan *policyFor(qint64 certificateId) const;

    /// Builds the lookup tables; called by loadSnapshot.
    void index();

private:
    QHash<qint64, qsizetype> m_certificateIndex;
    QHash<qint64, qsizetype> m_dcIndex;
    QHash<qint64, QList<qsizetype>> m_dcsByCertificate;
    QHash<qint64, qsizetype> m_policyByCertificate;
};

Result<WorkspaceSnapshot> loadSnapshot(const Workspace &workspace, const QDateTime &now);

} // namespace baton::ui
