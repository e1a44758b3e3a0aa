#include "TargetsDialog.h"

#include "common/TimeFormat.h"
#include "dialogs/DialogParts.h"
#include "export/BundleProfile.h"
#include "session/WorkspaceSession.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace baton::ui {

namespace {

const PolicyPlan *findPolicy(const WorkspaceSnapshot &snapshot, qint64 policyId)
{
    for (const PolicyPlan &policy : snapshot.policies) {
        if (policy.policy.id == policyId)
            return &policy;
    }
    return nullptr;
}

QString roleText(DcRole role)
{
    return role == DcRole::Server ? TargetsDialog::tr("Server") : TargetsDialog::tr("Client");
}

} // namespace

TargetsDialog::TargetsDialog(WorkspaceSession &session, qint64 policyId, QWidget *parent)
    : QDialog(parent), m_session(session), m_policyId(policyId)
{
    setObjectName(QStringLiteral("targetsDialog"));
    resize(760, 320);

    m_heading = new QLabel(this);
    m_heading->setWordWrap(true);

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("targetsTable"));
    m_table->setAccessibleName(tr("Export targets"));
    m_table->setHorizontalHeaderLabels(
        {tr("Profile"), tr("Role"), tr("Directory"), tr("Hook"), tr("Last result")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);

    m_add = new QPushButton(tr("&Add Target…"), this);
    m_add->setObjectName(QStringLiteral("addTargetButton"));
    m_add->setAccessibleName(tr("Add target"));
    connect(m_add, &QPushButton::clicked, this, &TargetsDialog::addTarget);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_add, QDialogButtonBox::ActionRole);
    buttons->button(QDialogButtonBox::Close)->setAccessibleName(tr("Close"));
    connect(buttons, &QDialogButtonBox::rejected, this, &TargetsDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addWidget(m_table);
    layout->addWidget(buttons);

    connect(&m_session, &WorkspaceSession::snapshotChanged, this, &TargetsDialog::refresh);
    refresh();
}

void TargetsDialog::refresh()
{
    const WorkspaceSnapshot &snapshot = m_session.snapshot();
    const PolicyPlan *policy = findPolicy(snapshot, m_policyId);
    const QString name = policy ? policy->certificateName : QString();
    setWindowTitle(tr("Export Targets of %1").arg(name));
    m_heading->setText(
        policy ? tr("Rotate exports every new DC of %1 to these directories, then runs their "
                    "hooks.")
                     .arg(name)
               : tr("This policy is no longer in the workspace."));
    m_add->setEnabled(policy != nullptr);
    const QList<TargetRecord> targets = policy ? policy->targets : QList<TargetRecord>();
    m_table->setRowCount(int(targets.size()));
    for (int row = 0; row < targets.size(); ++row) {
        const TargetRecord &target = targets[row];
        const QString lastResult =
            target.lastAt.isValid()
                ? tr("%1 %2").arg(target.lastResult,
                                  formatRelative(snapshot.takenAt, target.lastAt))
                : tr("not exported yet");
        const QString texts[ColumnCount] = {target.profile, roleText(target.role), target.directory,
                                            target.hook.isEmpty() ? tr("none") : target.hook,
                                            lastResult};
        for (int column = 0; column < ColumnCount; ++column) {
            auto *item = new QTableWidgetItem(texts[column]);
            item->setToolTip(texts[column]);
            m_table->setItem(row, column, item);
        }
    }
    m_table->resizeColumnsToContents();
}

void TargetsDialog::addTarget()
{
    auto *dialog = new AddTargetDialog(m_session, m_policyId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

AddTargetDialog::AddTargetDialog(WorkspaceSession &session, qint64 policyId, QWidget *parent)
    : QDialog(parent), m_session(session), m_policyId(policyId)
{
    setObjectName(QStringLiteral("addTargetDialog"));
    setWindowTitle(tr("Add Export Target"));

    m_profile = new QComboBox(this);
    m_profile->setObjectName(QStringLiteral("profileCombo"));
    m_profile->setAccessibleName(tr("Bundle profile"));
    m_profile->addItems(bundleProfileNames());

    // A target takes one role's DCs; offer the roles the policy keeps.
    const PolicyPlan *policy = findPolicy(session.snapshot(), policyId);
    const DcRoles roles = policy ? policy->policy.policy.roles : DcRoles::Server;
    m_role = new QComboBox(this);
    m_role->setObjectName(QStringLiteral("targetRoleCombo"));
    m_role->setAccessibleName(tr("DC role"));
    for (const DcRole role : {DcRole::Server, DcRole::Client}) {
        const bool kept =
            roles == DcRoles::Both || (roles == DcRoles::Server) == (role == DcRole::Server);
        if (kept)
            m_role->addItem(roleText(role), int(role));
    }

    m_directory = new QLineEdit(this);
    m_directory->setObjectName(QStringLiteral("directoryEdit"));
    m_directory->setAccessibleName(tr("Export directory"));
    m_directory->setPlaceholderText(tr("Where generations and `current` are written"));
    m_browse = new QPushButton(tr("&Browse…"), this);
    m_browse->setObjectName(QStringLiteral("browseDirectoryButton"));
    m_browse->setAccessibleName(tr("Choose the export directory"));
    connect(m_browse, &QPushButton::clicked, this, &AddTargetDialog::chooseDirectory);
    auto *directoryRow = new QHBoxLayout;
    directoryRow->addWidget(m_directory);
    directoryRow->addWidget(m_browse);

    m_hook = new QLineEdit(this);
    m_hook->setObjectName(QStringLiteral("hookEdit"));
    m_hook->setAccessibleName(tr("Hook command"));
    m_hook->setPlaceholderText(tr("Optional, e.g. systemctl reload nginx"));

    m_error = dialogErrorLabel(this, QStringLiteral("addTargetError"), tr("Target problem"));
    m_error->hide();

    m_buttons =
        okCancelButtons(this, QStringLiteral("addTargetButtons"), tr("Add"), tr("Add target"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Profile:"), m_profile);
    form->addRow(tr("&Role:"), m_role);
    form->addRow(tr("&Directory:"), directoryRow);
    form->addRow(tr("&Hook:"), m_hook);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    connect(m_directory, &QLineEdit::textChanged, this, &AddTargetDialog::updateOk);
    updateOk();
}

void AddTargetDialog::chooseDirectory()
{
    const QString chosen =
        QFileDialog::getExistingDirectory(this, tr("Export Directory"), m_directory->text());
    if (!chosen.isEmpty())
        m_directory->setText(chosen);
}

void AddTargetDialog::updateOk()
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!m_directory->text().trimmed().isEmpty());
}

void AddTargetDialog::accept()
{
    if (!m_session.workspace())
        return;
    const TargetRecord target{.policyId = m_policyId,
                              .profile = m_profile->currentText(),
                              .directory = m_directory->text().trimmed(),
                              .hook = m_hook->text().trimmed(),
                              .role = DcRole(m_role->currentData().toInt())};
    // The checks of `batonctl target add`: a directory rotation could not write or a hook it
    // could not run is refused now, not found by the next rotation.
    if (auto usable = m_session.workspace()->checkTarget(target); !usable) {
        m_error->setText(usable.errorMessage());
        m_error->show();
        return;
    }
    auto added = m_session.workspace()->addTarget(target, m_session.clock().now());
    if (!added) {
        m_error->setText(added.errorMessage());
        m_error->show();
        return;
    }
    m_addedId = *added;
    if (auto reloaded = m_session.reload(); !reloaded) {
        m_error->setText(reloaded.errorMessage());
        m_error->show();
        return;
    }
    QDialog::accept();
}

} // namespace baton::ui
