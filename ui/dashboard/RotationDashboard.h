#pragma once

#include "RotationWorker.h"

#include <QWidget>

class QAction;
class QLabel;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QToolButton;

namespace baton::ui {

class RotationDashboardModel;
class WorkspaceSession;

/// The rotation dashboard: every policy with its plan, and the means to act on them: rotate
/// one policy or all of them (off the UI thread, cancellable), edit a policy, manage its
/// export targets. Follows the session; the actions are public for menus and toolbars.
class RotationDashboard : public QWidget
{
    Q_OBJECT

public:
    explicit RotationDashboard(WorkspaceSession &session, QWidget *parent = nullptr);
    ~RotationDashboard() override;

    RotationDashboardModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    RotationWorker *worker() const { return m_worker; }

    QAction *rotateNowAction() const { return m_rotateNow; }
    QAction *rotateAllAction() const { return m_rotateAll; }
    QAction *editPolicyAction() const { return m_editPolicy; }
    QAction *targetsAction() const { return m_targets; }

    QProgressBar *progressBar() const { return m_progress; }
    QLabel *statusLabel() const { return m_status; }
    QPushButton *cancelButton() const { return m_cancel; }

    bool isRotating() const;
    /// The policy of the selected row, 0 when none is selected.
    qint64 selectedPolicyId() const;
    /// Selects the row of a policy; false when no row shows it.
    bool selectPolicy(qint64 policyId);
    /// Selects the policy of a certificate; false when it has none.
    bool selectCertificate(qint64 certificateId);

public slots:
    /// "Rotate now": the selected policy only.
    void rotateSelected();
    /// "Rotate all due": every policy, as `batonctl rotate` does.
    void rotateAllDue();
    void editSelectedPolicy();
    void showSelectedTargets();
    void cancelRotation();

signals:
    void rotationStarted();
    void rotationFinished(const baton::ui::RotationSummary &summary);

private:
    QAction *makeAction(const QString &text, const QString &objectName, const QString &tip);
    QToolButton *makeButton(QAction *action, const QString &objectName);
    void snapshotChanged();
    /// Asks for the passphrase first when the workspace is locked: rotating signs DCs.
    void requestRotation(const QList<qint64> &policyIds);
    void startRotation(const QList<qint64> &policyIds);
    void showProgress(const QString &step, int number);
    void rotationDone(const RotationSummary &summary);
    void updateActions();
    /// How many steps a run of these policies takes, as far as the plans tell.
    int estimatedSteps(const QList<qint64> &policyIds) const;

    WorkspaceSession &m_session;
    /// Columns fit their contents once per workspace, then keep the widths the user gives
    /// them: the minute's refresh must not undo a resize.
    bool m_fitColumns = true;
    RotationDashboardModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_view = nullptr;
    RotationWorker *m_worker = nullptr;
    QAction *m_rotateNow = nullptr;
    QAction *m_rotateAll = nullptr;
    QAction *m_editPolicy = nullptr;
    QAction *m_targets = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_cancel = nullptr;
};

} // namespace baton::ui
