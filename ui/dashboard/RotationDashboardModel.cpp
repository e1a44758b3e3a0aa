#include "RotationDashboardModel.h"

#include "StatusColors.h"
#include "common/TimeFormat.h"
#include "session/WorkspaceSnapshot.h"

#include <QGuiApplication>
#include <QIcon>
#include <QPainter>
#include <QPixmap>

namespace baton::ui {

namespace {

/// A filled circle: the status badge beside its name.
QIcon badge(const QColor &colour)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(colour);
    painter.drawEllipse(pixmap.rect().adjusted(1, 1, -1, -1));
    return QIcon(pixmap);
}

/// Most urgent first when sorted ascending.
int urgency(RotationStatus status)
{
    switch (status) {
    case RotationStatus::Expired:
        return 0;
    case RotationStatus::Blocked:
        return 1;
    case RotationStatus::Due:
        return 2;
    case RotationStatus::CertExpiring:
        return 3;
    case RotationStatus::Ok:
        return 4;
    }
    return 5;
}

/// The target rotate touched last, or nullptr when none has run.
const TargetRecord *latestTarget(const PolicyPlan &policy)
{
    const TargetRecord *latest = nullptr;
    for (const TargetRecord &target : policy.targets) {
        if (target.lastAt.isValid() && (!latest || target.lastAt > latest->lastAt))
            latest = &target;
    }
    return latest;
}

} // namespace

RotationDashboardModel::RotationDashboardModel(QObject *parent) : QAbstractTableModel(parent) {}

void RotationDashboardModel::setSnapshot(const WorkspaceSnapshot &snapshot)
{
    beginResetModel();
    m_policies = snapshot.policies;
    m_now = snapshot.takenAt;
    endResetModel();
}

const PolicyPlan *RotationDashboardModel::policyAt(int row) const
{
    return row >= 0 && row < m_policies.size() ? &m_policies[row] : nullptr;
}

int RotationDashboardModel::rowOfPolicy(qint64 policyId) const
{
    for (qsizetype row = 0; row < m_policies.size(); ++row) {
        if (m_policies[row].policy.id == policyId)
            return int(row);
    }
    return -1;
}

int RotationDashboardModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_policies.size());
}

int RotationDashboardModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RotationDashboardModel::statusText(RotationStatus status)
{
    switch (status) {
    case RotationStatus::Ok:
        return tr("OK");
    case RotationStatus::Due:
        return tr("Due");
    case RotationStatus::Expired:
        return tr("Expired");
    case RotationStatus::Blocked:
        return tr("Blocked");
    case RotationStatus::CertExpiring:
        return tr("Certificate expiring");
    }
    return {};
}

QVariant RotationDashboardModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PolicyPlan &policy = m_policies[index.row()];
    const RotationStatus status = policy.plan.status;
    switch (role) {
    case Qt::DisplayRole:
        return display(policy, index.column());
    case Qt::ToolTipRole:
        return toolTip(policy, index.column());
    case Qt::DecorationRole:
        if (index.column() == StatusColumn)
            return badge(rotationStatusColor(status, QGuiApplication::palette()));
        return {};
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn)
            return rotationStatusColor(status, QGuiApplication::palette());
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == TargetsColumn || index.column() == HeadroomColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case PolicyIdRole:
        return policy.policy.id;
    case CertificateIdRole:
        return policy.certificateId;
    case StatusRole:
        return int(status);
    case SortRole:
        return sortKey(policy, index.column());
    default:
        return {};
    }
}

QString RotationDashboardModel::instantText(const QDateTime &instant, const QString &none) const
{
    if (!instant.isValid())
        return none;
    return tr("%1 (%2)").arg(formatUtc(instant), formatRelative(m_now, instant));
}

QString RotationDashboardModel::lastResultText(const PolicyPlan &policy) const
{
    if (policy.targets.isEmpty())
        return tr("no targets");
    const TargetRecord *latest = latestTarget(policy);
    if (!latest)
        return tr("not exported yet");
    return tr("%1 %2").arg(latest->lastResult, formatRelative(m_now, latest->lastAt));
}

QVariant RotationDashboardModel::display(const PolicyPlan &policy, int column) const
{
    const RotationPlan &plan = policy.plan;
    switch (column) {
    case CertificateColumn:
        return policy.certificateName;
    case StatusColumn:
        return statusText(plan.status);
    case CurrentExpiryColumn:
        return instantText(plan.currentExpiry, tr("no valid DC"));
    case NextRotationColumn:
        return instantText(plan.nextRotation, tr("not scheduled"));
    case HeadroomColumn:
        // The planner leaves 0 when a role is uncovered or rotate cannot act: there is no
        // margin to speak of, which "0 s" would misstate as a margin used up.
        if (plan.status == RotationStatus::Expired || plan.status == RotationStatus::Blocked)
            return tr("none");
        return formatDuration(plan.headroomSeconds);
    case LastResultColumn:
        return lastResultText(policy);
    case TargetsColumn:
        return int(policy.targets.size());
    default:
        return {};
    }
}

QVariant RotationDashboardModel::toolTip(const PolicyPlan &policy, int column) const
{
    switch (column) {
    case CertificateColumn:
        return policy.certificateSubject;
    case StatusColumn:
        if (!policy.plan.reason.isEmpty())
            return policy.plan.reason;
        return tr("Nothing to do until %1")
            .arg(instantText(policy.plan.nextRotation, tr("the next plan")));
    case LastResultColumn: {
        QStringList lines;
        for (const TargetRecord &target : policy.targets) {
            lines << (target.lastAt.isValid()
                          ? tr("%1: %2 (%3)")
                                .arg(target.directory, target.lastResult, formatUtc(target.lastAt))
                          : tr("%1: not exported yet").arg(target.directory));
        }
        return lines.isEmpty() ? QVariant() : QVariant(lines.join(QLatin1Char('\n')));
    }
    default:
        return {};
    }
}

QVariant RotationDashboardModel::sortKey(const PolicyPlan &policy, int column) const
{
    switch (column) {
    case StatusColumn:
        return urgency(policy.plan.status);
    case CurrentExpiryColumn:
        return policy.plan.currentExpiry;
    case NextRotationColumn:
        return policy.plan.nextRotation;
    case HeadroomColumn:
        return policy.plan.headroomSeconds;
    case LastResultColumn:
        if (const TargetRecord *latest = latestTarget(policy))
            return latest->lastAt;
        return QDateTime();
    default:
        return display(policy, column);
    }
}

QVariant RotationDashboardModel::headerData(int section, Qt::Orientation orientation,
                                            int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case CertificateColumn:
        return tr("Certificate");
    case StatusColumn:
        return tr("Status");
    case CurrentExpiryColumn:
        return tr("Current DC expires (UTC)");
    case NextRotationColumn:
        return tr("Next rotation (UTC)");
    case HeadroomColumn:
        return tr("Headroom");
    case LastResultColumn:
        return tr("Last result");
    case TargetsColumn:
        return tr("Targets");
    default:
        return {};
    }
}

} // namespace baton::ui
