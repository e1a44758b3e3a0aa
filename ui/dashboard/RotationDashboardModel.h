#pragma once

#include "rotation/Rotator.h"

#include <QAbstractTableModel>
#include <QDateTime>

namespace baton::ui {

struct WorkspaceSnapshot;

/// The rotation policies of a snapshot, one row each: where each stands and what rotate last
/// did for it. Relative times count from the snapshot's `takenAt`, the instant its plans were
/// made for, so the text always agrees with the status beside it.
class RotationDashboardModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        CertificateColumn,
        StatusColumn,
        CurrentExpiryColumn,
        NextRotationColumn,
        HeadroomColumn,
        LastResultColumn,
        TargetsColumn,
        ColumnCount,
    };

    enum Role
    {
        PolicyIdRole = Qt::UserRole + 1,
        CertificateIdRole,
        StatusRole, ///< the RotationStatus, as an int
        SortRole,   ///< a value that sorts the column by meaning (instants, seconds, urgency)
    };

    explicit RotationDashboardModel(QObject *parent = nullptr);

    /// Replaces every row (a model reset).
    void setSnapshot(const WorkspaceSnapshot &snapshot);

    /// The policy shown in `row`, or nullptr.
    const PolicyPlan *policyAt(int row) const;
    /// The row of a policy, or -1.
    int rowOfPolicy(qint64 policyId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// "OK", "Due", …: the status as the dashboard names it.
    static QString statusText(RotationStatus status);

private:
    QVariant display(const PolicyPlan &policy, int column) const;
    QVariant toolTip(const PolicyPlan &policy, int column) const;
    QVariant sortKey(const PolicyPlan &policy, int column) const;
    /// "2026-06-01 16:00:00 UTC (in 4 h)", or `none` for an invalid instant.
    QString instantText(const QDateTime &instant, const QString &none) const;
    QString lastResultText(const PolicyPlan &policy) const;

    QList<PolicyPlan> m_policies;
    QDateTime m_now;
};

} // namespace baton::ui
