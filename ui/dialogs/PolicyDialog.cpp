#include "PolicyDialog.h"

#include "DialogParts.h"
#include "common/TimeFormat.h"
#include "crypto/KeyCodec.h"
#include "session/WorkspaceSession.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace baton::ui {

PolicyDialog::PolicyDialog(WorkspaceSession &session, qint64 certificateId, QWidget *parent)
    : QDialog(parent), m_session(session), m_certificateId(certificateId)
{
    setObjectName(QStringLiteral("policyDialog"));
    const WorkspaceSnapshot &snapshot = session.snapshot();
    const CertificateSummary *certificate = snapshot.certificate(certificateId);
    const QString name = certificate ? certificate->name : tr("certificate %1").arg(certificateId);
    setWindowTitle(tr("Rotation Policy for %1").arg(name));

    const PolicyPlan *existing = snapshot.policyFor(certificateId);
    const RotationPolicy current = existing ? existing->policy.policy : RotationPolicy{};

    auto *intro =
        new QLabel(existing ? tr("How rotate keeps the DCs of %1 fresh.").arg(name)
                            : tr("%1 has no rotation policy yet; saving creates one.").arg(name),
                   this);
    intro->setWordWrap(true);

    m_lifetime = new QLineEdit(durationText(current.lifetimeSeconds), this);
    m_lifetime->setObjectName(QStringLiteral("lifetimeEdit"));
    m_lifetime->setAccessibleName(tr("DC lifetime"));
    m_lifetime->setToolTip(tr("How long each DC lasts, e.g. 24h, 1d12h or 90m (at most 6d23h)"));

    m_renewBefore = new QLineEdit(durationText(current.renewBeforeSeconds), this);
    m_renewBefore->setObjectName(QStringLiteral("renewBeforeEdit"));
    m_renewBefore->setAccessibleName(tr("Renew before expiry"));
    m_renewBefore->setToolTip(
        tr("Rotate once this much or less of the current DC is left; less than the lifetime"));

    m_algorithm = new QComboBox(this);
    m_algorithm->setObjectName(QStringLiteral("dcAlgorithmCombo"));
    m_algorithm->setAccessibleName(tr("DC key algorithm"));
    for (const KeySpec &spec : generatableKeys())
        m_algorithm->addItem(QLatin1String(spec.name), QLatin1String(spec.name));
    m_algorithm->setCurrentIndex(qMax(0, m_algorithm->findData(current.dcAlgorithm)));

    m_roles = new QComboBox(this);
    m_roles->setObjectName(QStringLiteral("rolesCombo"));
    m_roles->setAccessibleName(tr("DC roles"));
    m_roles->addItem(tr("Server"), dcRolesName(DcRoles::Server));
    m_roles->addItem(tr("Client"), dcRolesName(DcRoles::Client));
    m_roles->addItem(tr("Server and client"), dcRolesName(DcRoles::Both));
    m_roles->setCurrentIndex(qMax(0, m_roles->findData(dcRolesName(current.roles))));

    m_error = dialogErrorLabel(this, QStringLiteral("policyError"), tr("Policy problem"));

    m_buttons =
        okCancelButtons(this, QStringLiteral("policyButtons"), tr("Save"), tr("Save policy"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Lifetime:"), m_lifetime);
    form->addRow(tr("&Renew before expiry:"), m_renewBefore);
    form->addRow(tr("DC &algorithm:"), m_algorithm);
    form->addRow(tr("R&oles:"), m_roles);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    connect(m_lifetime, &QLineEdit::textChanged, this, &PolicyDialog::validate);
    connect(m_renewBefore, &QLineEdit::textChanged, this, &PolicyDialog::validate);
    connect(m_algorithm, &QComboBox::currentIndexChanged, this, &PolicyDialog::validate);
    connect(m_roles, &QComboBox::currentIndexChanged, this, &PolicyDialog::validate);
    validate();
}

QString PolicyDialog::durationText(qint64 seconds)
{
    static constexpr std::pair<qint64, char> units[] = {
        {24 * 3600, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
    if (seconds <= 0)
        return QString::number(seconds);
    QString text;
    for (const auto &[size, unit] : units) {
        if (seconds >= size) {
            text += QString::number(seconds / size) + QLatin1Char(unit);
            seconds %= size;
        }
    }
    return text;
}

std::optional<RotationPolicy> PolicyDialog::policy() const
{
    const auto lifetime = parseDuration(m_lifetime->text());
    const auto renewBefore = parseDuration(m_renewBefore->text());
    if (!lifetime || !renewBefore)
        return std::nullopt;
    return RotationPolicy{
        .lifetimeSeconds = *lifetime,
        .renewBeforeSeconds = *renewBefore,
        .dcAlgorithm = m_algorithm->currentData().toString(),
        .roles = dcRolesByName(m_roles->currentData().toString()).value_or(DcRoles::Server)};
}

void PolicyDialog::validate()
{
    QString problem;
    if (auto lifetime = parseDuration(m_lifetime->text()); !lifetime)
        problem = tr("Lifetime: %1").arg(lifetime.errorMessage());
    else if (auto renewBefore = parseDuration(m_renewBefore->text()); !renewBefore)
        problem = tr("Renew before: %1").arg(renewBefore.errorMessage());
    else if (auto valid = validateRotationPolicy(*policy()); !valid)
        problem = valid.errorMessage();
    m_error->setText(problem);
    m_error->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

void PolicyDialog::accept()
{
    const std::optional<RotationPolicy> entered = policy();
    if (!entered || !m_session.workspace())
        return;
    // What `batonctl policy set` refuses is refused here too, when it is configured rather
    // than found blocked by the next rotation.
    const QDateTime now = m_session.clock().now();
    if (auto usable = m_session.workspace()->checkPolicy(m_certificateId, *entered, now); !usable) {
        m_error->setText(usable.errorMessage());
        m_error->show();
        return;
    }
    auto saved = m_session.workspace()->setPolicy(m_certificateId, *entered, now);
    if (!saved) {
        m_error->setText(saved.errorMessage());
        m_error->show();
        return;
    }
    if (auto reloaded = m_session.reload(); !reloaded) {
        m_error->setText(reloaded.errorMessage());
        m_error->show();
        return;
    }
    QDialog::accept();
}

} // namespace baton::ui
