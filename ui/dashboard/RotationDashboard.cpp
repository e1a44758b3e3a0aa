#include "RotationDashboard.h"

#include "RotationDashboardModel.h"
#include "TargetsDialog.h"
#include "dialogs/PolicyDialog.h"
#include "dialogs/TokenPin.h"
#include "dialogs/Unlock.h"
#include "session/WorkspaceSession.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace baton::ui {

RotationDashboard::RotationDashboard(WorkspaceSession &session, QWidget *parent)
    : QWidget(parent), m_session(session)
{
    setObjectName(QStringLiteral("rotationDashboard"));

    m_model = new RotationDashboardModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(RotationDashboardModel::SortRole);

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("rotationView"));
    m_view->setAccessibleName(tr("Rotation policies"));
    m_view->setAccessibleDescription(
        tr("Each rotation policy with its status, DC expiry, next rotation and last result"));
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(RotationDashboardModel::StatusColumn, Qt::AscendingOrder);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(RotationDashboardModel::LastResultColumn,
                                                     QHeaderView::Stretch);
    // Fitting columns asks every cell it looks at for its size hint: with 10,000 policies the
    // default (1,000 rows per column) took about 90 ms, this about a tenth.
    m_view->horizontalHeader()->setResizeContentsPrecision(100);

    m_rotateNow = makeAction(tr("&Rotate Now"), QStringLiteral("rotateNowAction"),
                             tr("Issue and export the selected policy's DCs that are due"));
    m_rotateAll = makeAction(tr("Rotate &All Due"), QStringLiteral("rotateAllDueAction"),
                             tr("Rotate every policy, as the rotation timer does"));
    m_editPolicy = makeAction(tr("&Edit Policy…"), QStringLiteral("editPolicyAction"),
                              tr("Change the selected policy's lifetime, renew-before, "
                                 "algorithm and roles"));
    m_targets = makeAction(tr("&Targets…"), QStringLiteral("targetsAction"),
                           tr("Where the selected policy's DCs are exported"));
    connect(m_rotateNow, &QAction::triggered, this, &RotationDashboard::rotateSelected);
    connect(m_rotateAll, &QAction::triggered, this, &RotationDashboard::rotateAllDue);
    connect(m_editPolicy, &QAction::triggered, this, &RotationDashboard::editSelectedPolicy);
    connect(m_targets, &QAction::triggered, this, &RotationDashboard::showSelectedTargets);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->addActions({m_rotateNow, m_editPolicy, m_targets});
    connect(m_view, &QAbstractItemView::activated, this, &RotationDashboard::editSelectedPolicy);

    auto *toolbar = new QHBoxLayout;
    toolbar->addWidget(makeButton(m_rotateNow, QStringLiteral("rotateNowButton")));
    toolbar->addWidget(makeButton(m_rotateAll, QStringLiteral("rotateAllDueButton")));
    toolbar->addWidget(makeButton(m_editPolicy, QStringLiteral("editPolicyButton")));
    toolbar->addWidget(makeButton(m_targets, QStringLiteral("targetsButton")));
    toolbar->addStretch();

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("rotationProgress"));
    m_progress->setAccessibleName(tr("Rotation progress"));
    m_progress->setFormat(tr("%v of %m steps"));
    m_progress->hide();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("rotationStatus"));
    m_status->setAccessibleName(tr("Rotation status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_cancel = new QPushButton(tr("&Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancelRotationButton"));
    m_cancel->setAccessibleName(tr("Cancel rotation"));
    m_cancel->setToolTip(tr("Stop before the next step; what is done stays done"));
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, this, &RotationDashboard::cancelRotation);
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_progress);
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_cancel);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(toolbar);
    layout->addWidget(m_view, 1);
    layout->addLayout(statusRow);

    m_worker = new RotationWorker(this);
    connect(m_worker, &RotationWorker::progress, this, &RotationDashboard::showProgress);
    connect(m_worker, &RotationWorker::finished, this, &RotationDashboard::rotationDone);

    connect(&m_session, &WorkspaceSession::workspaceChanged, this, [this] { m_fitColumns = true; });
    connect(&m_session, &WorkspaceSession::snapshotChanged, this,
            &RotationDashboard::snapshotChanged);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RotationDashboard::updateActions);
    snapshotChanged();
}

RotationDashboard::~RotationDashboard() = default;

QAction *RotationDashboard::makeAction(const QString &text, const QString &objectName,
                                       const QString &tip)
{
    auto *action = new QAction(text, this);
    action->setObjectName(objectName);
    action->setToolTip(tip);
    action->setStatusTip(tip);
    return action;
}

QToolButton *RotationDashboard::makeButton(QAction *action, const QString &objectName)
{
    auto *button = new QToolButton(this);
    button->setObjectName(objectName);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setAccessibleName(QString(action->text()).remove(QLatin1Char('&')));
    return button;
}

void RotationDashboard::snapshotChanged()
{
    const qint64 selected = selectedPolicyId();
    m_model->setSnapshot(m_session.snapshot());
    if (m_fitColumns && m_model->rowCount() > 0) {
        m_view->resizeColumnsToContents();
        m_fitColumns = false;
    }
    if (selected != 0)
        selectPolicy(selected);
    updateActions();
}

bool RotationDashboard::isRotating() const
{
    return m_worker->isRunning();
}

qint64 RotationDashboard::selectedPolicyId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0
                          : rows.first().data(RotationDashboardModel::PolicyIdRole).toLongLong();
}

bool RotationDashboard::selectPolicy(qint64 policyId)
{
    const int row = m_model->rowOfPolicy(policyId);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_view->scrollTo(index);
    return true;
}

bool RotationDashboard::selectCertificate(qint64 certificateId)
{
    const PolicyPlan *policy = m_session.snapshot().policyFor(certificateId);
    return policy && selectPolicy(policy->policy.id);
}

void RotationDashboard::rotateSelected()
{
    if (const qint64 policyId = selectedPolicyId(); policyId != 0)
        requestRotation({policyId});
}

void RotationDashboard::rotateAllDue()
{
    requestRotation({});
}

void RotationDashboard::requestRotation(const QList<qint64> &policyIds)
{
    if (!m_session.isOpen() || isRotating())
        return;
    unlockThen(m_session, this,
               tr("Rotating signs new DCs with the certificates' keys. Enter the passphrase "
                  "of %1.")
                   .arg(m_session.path()),
               [this, policyIds] { startRotation(policyIds); });
}

int RotationDashboard::estimatedSteps(const QList<qint64> &policyIds) const
{
    int steps = 0;
    for (const PolicyPlan &policy : m_session.snapshot().policies) {
        if (!policyIds.isEmpty() && !policyIds.contains(policy.policy.id))
            continue;
        if (policy.plan.needsIssue()) {
            for (const RolePlan &role : policy.plan.roles)
                steps += role.status == RotationStatus::Ok ? 0 : 1;
        }
        for (const TargetRecord &target : policy.targets)
            steps += target.hook.isEmpty() ? 1 : 2;
    }
    return steps;
}

void RotationDashboard::startRotation(const QList<qint64> &policyIds)
{
    const bool started =
        m_worker->start({.workspacePath = m_session.path(),
                         .vaultKey = m_session.vaultKey(),
                         .now = m_session.clock().now(),
                         .policyIds = policyIds,
                         .tokenPin = askForTokenPin(this, m_session.usesKeyring())});
    if (!started)
        return;
    // Unknown (a busy bar) when the plans foresee no step: exports may still be owed.
    m_progress->setRange(0, estimatedSteps(policyIds));
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
    m_status->setText(tr("Rotating…"));
    updateActions();
    emit rotationStarted();
}

void RotationDashboard::showProgress(const QString &step, int number)
{
    if (m_progress->maximum() > 0 && number > m_progress->maximum())
        m_progress->setMaximum(number);
    m_progress->setValue(number - 1);
    m_status->setText(m_worker->isCancelling() ? tr("Cancelling…")
                                               : tr("Step %1: %2").arg(number).arg(step));
}

void RotationDashboard::cancelRotation()
{
    if (!isRotating())
        return;
    m_worker->cancel();
    m_status->setText(tr("Cancelling…"));
    updateActions();
}

void RotationDashboard::rotationDone(const RotationSummary &summary)
{
    m_progress->hide();
    m_cancel->hide();
    QString status = summary.headline();
    // The run changed the workspace through its own connection: read it again.
    if (auto reloaded = m_session.reload(); !reloaded)
        status += QLatin1Char(' ') + tr("(reloading failed: %1)").arg(reloaded.errorMessage());
    m_status->setText(status);
    m_status->setToolTip([&] {
        QStringList lines;
        for (const RotationSummary::Policy &policy : summary.policies)
            lines << policy.certificate + QStringLiteral(": ") +
                         (policy.actions.isEmpty() ? tr("nothing to do")
                                                   : policy.actions.join(QStringLiteral("; ")));
        return lines.join(QLatin1Char('\n'));
    }());
    updateActions();
    emit rotationFinished(summary);
}

void RotationDashboard::editSelectedPolicy()
{
    const qint64 policyId = selectedPolicyId();
    const int row = m_model->rowOfPolicy(policyId);
    if (row < 0 || isRotating())
        return;
    auto *dialog = new PolicyDialog(m_session, m_model->policyAt(row)->certificateId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void RotationDashboard::showSelectedTargets()
{
    const qint64 policyId = selectedPolicyId();
    if (policyId == 0 || isRotating())
        return;
    auto *dialog = new TargetsDialog(m_session, policyId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void RotationDashboard::updateActions()
{
    const bool idle = !isRotating();
    const bool writable = m_session.isOpen() && !m_session.workspace()->readOnly();
    const bool selected = selectedPolicyId() != 0;
    m_rotateNow->setEnabled(idle && writable && selected);
    m_rotateAll->setEnabled(idle && writable && m_model->rowCount() > 0);
    m_editPolicy->setEnabled(idle && writable && selected);
    m_targets->setEnabled(idle && selected);
    m_cancel->setEnabled(isRotating() && !m_worker->isCancelling());
}

} // namespace baton::ui
