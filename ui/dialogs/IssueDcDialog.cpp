#include "IssueDcDialog.h"

#include "DialogParts.h"
#include "TokenPin.h"
#include "Unlock.h"
#include "common/TimeFormat.h"
#include "crypto/KeyCodec.h"
#include "dashboard/StatusColors.h"
#include "dc/DcIssuer.h"
#include "session/WorkspaceSession.h"
#include "tls/SignatureScheme.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>

namespace baton::ui {

IssueDcDialog::IssueDcDialog(WorkspaceSession &session, QWidget *parent)
    : QDialog(parent), m_session(session)
{
    setObjectName(QStringLiteral("issueDcDialog"));
    setWindowTitle(tr("Issue Delegated Credential"));
    resize(560, 0);

    // Only certificates that can sign DCs here: DelegationUsage, the key in the vault, current.
    m_certificate = new QComboBox(this);
    m_certificate->setObjectName(QStringLiteral("certificateCombo"));
    m_certificate->setAccessibleName(tr("Certificate"));
    for (const CertificateSummary &summary : session.snapshot().certificates) {
        if (summary.delegation && summary.hasKey && !summary.ca && summary.supersededBy == 0)
            m_certificate->addItem(summary.name, summary.id);
    }

    m_algorithm = new QComboBox(this);
    m_algorithm->setObjectName(QStringLiteral("dcAlgorithmCombo"));
    m_algorithm->setAccessibleName(tr("DC key algorithm"));
    for (const KeySpec &spec : generatableKeys())
        m_algorithm->addItem(QLatin1String(spec.name), QLatin1String(spec.name));

    m_role = new QComboBox(this);
    m_role->setObjectName(QStringLiteral("roleCombo"));
    m_role->setAccessibleName(tr("DC role"));
    m_role->addItem(tr("Server"), int(DcRole::Server));
    m_role->addItem(tr("Client"), int(DcRole::Client));

    m_lifetime = new QLineEdit(QStringLiteral("24h"), this);
    m_lifetime->setObjectName(QStringLiteral("lifetimeEdit"));
    m_lifetime->setAccessibleName(tr("DC lifetime"));
    m_lifetime->setToolTip(tr("How long the DC lasts, e.g. 12h, 1d12h or 90m"));

    m_maxLifetime = new QLabel(this);
    m_maxLifetime->setObjectName(QStringLiteral("maxLifetimeLabel"));
    m_maxLifetime->setWordWrap(true);
    m_expiry = new QLabel(this);
    m_expiry->setObjectName(QStringLiteral("expiryPreview"));
    m_expiry->setAccessibleName(tr("Expiry"));
    m_expiry->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_warningsLabel = new QLabel(this);
    m_warningsLabel->setObjectName(QStringLiteral("warningsLabel"));
    m_warningsLabel->setAccessibleName(tr("Warnings"));
    m_warningsLabel->setTextFormat(Qt::PlainText);
    m_warningsLabel->setWordWrap(true);
    QPalette warningPalette = m_warningsLabel->palette();
    warningPalette.setColor(QPalette::WindowText,
                            rotationStatusColor(RotationStatus::Due, warningPalette));
    m_warningsLabel->setPalette(warningPalette);

    m_error = dialogErrorLabel(this, QStringLiteral("issueError"), tr("Problem"));

    m_buttons = okCancelButtons(this, QStringLiteral("issueButtons"), tr("&Issue"), tr("Issue DC"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Certificate:"), m_certificate);
    form->addRow(tr("DC &algorithm:"), m_algorithm);
    form->addRow(tr("&Role:"), m_role);
    form->addRow(tr("&Lifetime:"), m_lifetime);
    form->addRow(QString(), m_maxLifetime);
    form->addRow(tr("Expires:"), m_expiry);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_warningsLabel);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    connect(m_certificate, &QComboBox::currentIndexChanged, this,
            &IssueDcDialog::certificateChosen);
    connect(m_algorithm, &QComboBox::currentIndexChanged, this, &IssueDcDialog::updatePreview);
    connect(m_role, &QComboBox::currentIndexChanged, this, &IssueDcDialog::updatePreview);
    connect(m_lifetime, &QLineEdit::textChanged, this, &IssueDcDialog::updatePreview);
    certificateChosen();
}

bool IssueDcDialog::setCertificate(qint64 certificateId)
{
    const int index = m_certificate->findData(certificateId);
    if (index < 0)
        return false;
    m_certificate->setCurrentIndex(index);
    return true;
}

qint64 IssueDcDialog::certificateId() const
{
    return m_certificate->currentData().toLongLong();
}

void IssueDcDialog::certificateChosen()
{
    m_chosen.reset();
    m_readiness = {};
    m_certificateError.clear();
    if (m_certificate->currentIndex() >= 0 && m_session.workspace()) {
        if (auto record = m_session.workspace()->certificate(certificateId()); record) {
            m_chosen = record->certificate;
            m_readiness = assessDcReadiness(*m_chosen, m_session.clock().now());
        } else {
            m_certificateError = record.errorMessage();
        }
    }
    const QDateTime now = m_session.clock().now();
    if (!m_chosen)
        m_maxLifetime->clear();
    else if (m_readiness.maxLifetimeSeconds < DelegatedCredential::kMaxValiditySeconds)
        m_maxLifetime->setText(tr("At most %1: the certificate expires %2 (%3).")
                                   .arg(formatDuration(m_readiness.maxLifetimeSeconds),
                                        formatUtc(m_chosen->notAfter()),
                                        formatRelative(now, m_chosen->notAfter())));
    else
        m_maxLifetime->setText(tr("At most %1, the maximum of RFC 9345.")
                                   .arg(formatDuration(m_readiness.maxLifetimeSeconds)));
    updatePreview();
}

void IssueDcDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void IssueDcDialog::updatePreview()
{
    m_warnings.clear();
    m_expiry->clear();
    QString problem;
    const auto lifetime = parseDuration(m_lifetime->text());
    const KeySpec *spec = keySpecByName(m_algorithm->currentData().toString());
    if (m_certificate->count() == 0) {
        problem = tr("No certificate in the workspace can delegate: import one with the "
                     "DelegationUsage extension and its private key.");
    } else if (!m_chosen) {
        problem = m_certificateError;
    } else if (const auto failed = std::find_if(
                   m_readiness.checks.cbegin(), m_readiness.checks.cend(),
                   [](const DcCheck &check) { return check.outcome == CheckOutcome::Fail; });
               failed != m_readiness.checks.cend()) {
        problem = failed->detail;
    } else if (!lifetime) {
        problem = lifetime.errorMessage();
    } else if (*lifetime <= 0) {
        problem = tr("The lifetime must be positive.");
    } else if (*lifetime > m_readiness.maxLifetimeSeconds) {
        problem =
            tr("A lifetime of %1 is longer than the %2 this certificate allows now.")
                .arg(formatDuration(*lifetime), formatDuration(m_readiness.maxLifetimeSeconds));
    }
    if (problem.isEmpty() && spec) {
        const QDateTime now = m_session.clock().now();
        const QDateTime expiry = now.addSecs(*lifetime);
        m_expiry->setText(tr("%1 (%2)").arg(formatUtc(expiry), formatRelative(now, expiry)));
        for (const DcCheck &check : m_readiness.checks) {
            if (check.outcome == CheckOutcome::Warn)
                m_warnings << check.detail;
        }
        // A client's detail reads as the rest of a sentence about that client.
        for (const DcCheck &client : m_readiness.clients) {
            if (client.outcome == CheckOutcome::Warn)
                m_warnings << tr("%1 %2").arg(client.title, client.detail);
        }
        m_warnings << dcIssueWarnings(spec->type, *lifetime);
        m_warnings.removeDuplicates();
    }
    QStringList lines;
    for (const QString &warning : std::as_const(m_warnings))
        lines << tr("⚠ %1").arg(warning);
    m_warningsLabel->setText(lines.join(QLatin1Char('\n')));
    m_warningsLabel->setVisible(!lines.isEmpty());
    showError(problem);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty() && spec);
}

void IssueDcDialog::accept()
{
    if (!m_buttons->button(QDialogButtonBox::Ok)->isEnabled())
        return;
    unlockThen(m_session, this,
               tr("Enter the workspace passphrase to sign the DC with the key of %1.")
                   .arg(m_certificate->currentText()),
               [this] { issue(); });
}

void IssueDcDialog::issue()
{
    const auto lifetime = parseDuration(m_lifetime->text());
    const KeySpec *spec = keySpecByName(m_algorithm->currentData().toString());
    if (!m_session.isOpen() || !m_chosen || !lifetime || !spec || isIssuing())
        return;
    const qint64 id = certificateId();
    const DcRole role = DcRole(m_role->currentData().toInt());
    const QDateTime now = m_session.clock().now();
    // Opening the certificate's key and sealing the DC's are a scrypt run each: off this
    // thread, with the dialog waiting (and saying so) meanwhile.
    setIssuing(true);
    m_session.runInBackground<qint64>(
        [certificate = *m_chosen, id, role, spec, lifetime = *lifetime, now,
         pin = askForTokenPin(this, m_session.usesKeyring())](
            Workspace &workspace) -> Result<qint64> {
            // The key is opened from the vault, or found on its token and used there.
            auto record = workspace.certificate(id);
            if (!record)
                return record.error();
            std::optional<TokenKey> onToken;
            EvpPkeyPtr inVault;
            if (record->tokenKey.onToken()) {
                auto opened = TokenKey::open(record->tokenKey.uri, pin, certificate.publicKey());
                if (!opened)
                    return opened.error();
                onToken.emplace(std::move(opened).value());
            } else {
                auto key = workspace.certificateKey(id);
                if (!key)
                    return key.error();
                inVault = std::move(key).value();
            }
            auto issued =
                issueDelegatedCredential({.certificate = certificate,
                                          .certificateKey = inVault.get(),
                                          .certificateSigner = onToken ? &*onToken : nullptr,
                                          .dcKey = nullptr,
                                          .dcKeySpec = spec,
                                          .lifetimeSeconds = lifetime,
                                          .role = role,
                                          .now = now,
                                          .clampToCertificate = false});
            if (!issued)
                return issued.error();
            return workspace.addDc(id, role, issued->bytes, issued->generatedKey.get(), now,
                                   issued->expiry,
                                   QStringLiteral("%1 DC for %2, %3, expires %4 (desktop app)")
                                       .arg(dcRoleName(role), certificate.displayName(),
                                            QLatin1String(spec->name), formatUtc(issued->expiry)));
        },
        this,
        [this](Result<qint64> stored) {
            setIssuing(false);
            if (!stored)
                return showError(stored.errorMessage());
            m_issuedDcId = *stored;
            if (auto reloaded = m_session.reload(); !reloaded)
                return showError(reloaded.errorMessage());
            QDialog::accept();
        });
}

void IssueDcDialog::setIssuing(bool issuing)
{
    m_issuing = issuing;
    for (QWidget *field :
         std::initializer_list<QWidget *>{m_certificate, m_algorithm, m_role, m_lifetime})
        field->setEnabled(!issuing);
    QPushButton *ok = m_buttons->button(QDialogButtonBox::Ok);
    ok->setEnabled(!issuing);
    ok->setText(issuing ? tr("Issuing…") : tr("&Issue"));
    if (issuing)
        setCursor(Qt::BusyCursor);
    else
        unsetCursor();
}

} // namespace baton::ui
