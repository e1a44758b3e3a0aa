#include "WorkspaceSnapshot.h"

namespace baton::ui {

const CertificateSummary *WorkspaceSnapshot::certificate(qint64 id) const
{
    const auto found = m_certificateIndex.constFind(id);
    return found == m_certificateIndex.cend() ? nullptr : &certificates[*found];
}

const DcRecord *WorkspaceSnapshot::dc(qint64 id) const
{
    const auto found = m_dcIndex.constFind(id);
    return found == m_dcIndex.cend() ? nullptr : &dcs[*found];
}

QList<const DcRecord *> WorkspaceSnapshot::dcsOf(qint64 certificateId) const
{
    QList<const DcRecord *> found;
    for (const qsizetype index : m_dcsByCertificate.value(certificateId))
        found.append(&dcs[index]);
    return found;
}

const PolicyPlan *WorkspaceSnapshot::policyFor(qint64 certificateId) const
{
    const auto found = m_policyByCertificate.constFind(certificateId);
    return found == m_policyByCertificate.cend() ? nullptr : &policies[*found];
}

void WorkspaceSnapshot::index()
{
    m_certificateIndex.clear();
    m_dcIndex.clear();
    m_dcsByCertificate.clear();
    m_policyByCertificate.clear();
    m_certificateIndex.reserve(certificates.size());
    m_dcIndex.reserve(dcs.size());
    for (qsizetype i = 0; i < certificates.size(); ++i)
        m_certificateIndex.insert(certificates[i].id, i);
    for (qsizetype i = 0; i < dcs.size(); ++i) {
        m_dcIndex.insert(dcs[i].id, i);
        m_dcsByCertificate[dcs[i].certificateId].append(i);
    }
    for (qsizetype i = 0; i < policies.size(); ++i)
        m_policyByCertificate.insert(policies[i].certificateId, i);
}

Result<WorkspaceSnapshot> loadSnapshot(const Workspace &workspace, const QDateTime &now)
{
    WorkspaceSnapshot snapshot;
    snapshot.path = workspace.path();
    snapshot.takenAt = now;
    auto inputs = readPlanInputs(workspace);
    if (!inputs)
        return inputs.error();
    // Planned from the summaries and DCs the views show: opening parses no certificate.
    snapshot.policies = planPolicies(*inputs, now);
    snapshot.certificates = std::move(inputs->certificates);
    snapshot.dcs = std::move(inputs->dcs);
    snapshot.index();
    return snapshot;
}

} // namespace baton::ui
