#pragma once

#include "dc/DcReadiness.h"

#include <QDialog>
#include <optional>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace baton::ui {

class WorkspaceSession;

/// Issues one DC under a certificate of the workspace whose key it holds. The lifetime is
/// checked against what that certificate allows now (at most 7 d, and never past its
/// notAfter), and the expiry and every warning the issuer would give are shown as the fields
/// change, before anything is signed.
class IssueDcDialog : public QDialog
{
    Q_OBJECT

public:
    explicit IssueDcDialog(WorkspaceSession &session, QWidget *parent = nullptr);

    /// Preselects a certificate; false when it is not one the dialog offers.
    bool setCertificate(qint64 certificateId);
    qint64 certificateId() const;

    /// The DC issued and stored when the dialog was accepted, else 0.
    qint64 issuedDcId() const { return m_issuedDcId; }
    /// The longest lifetime the chosen certificate allows now: min(7 d, its validity left).
    qint64 maxLifetimeSeconds() const { return m_readiness.maxLifetimeSeconds; }
    /// What the issuer would warn about for the fields as they stand.
    QStringList warnings() const { return m_warnings; }

    QComboBox *certificateCombo() const { return m_certificate; }
    QComboBox *algorithmCombo() const { return m_algorithm; }
    QComboBox *roleCombo() const { return m_role; }
    QLineEdit *lifetimeEdit() const { return m_lifetime; }
    QLabel *maxLifetimeLabel() const { return m_maxLifetime; }
    QLabel *expiryLabel() const { return m_expiry; }
    QLabel *warningsLabel() const { return m_warningsLabel; }
    QLabel *errorLabel() const { return m_error; }
    QDialogButtonBox *buttons() const { return m_buttons; }
    /// A DC is being signed and stored (off the UI thread).
    bool isIssuing() const { return m_issuing; }

    /// Issues and stores the DC, asking for the passphrase first when the workspace is locked.
    void accept() override;

private:
    void certificateChosen();
    void updatePreview();
    void issue();
    void setIssuing(bool issuing);
    void showError(const QString &message);

    WorkspaceSession &m_session;
    std::optional<Certificate> m_chosen; ///< parsed once per choice, not per keystroke
    QString m_certificateError{};        ///< why the chosen certificate could not be read
    DcReadiness m_readiness;
    QStringList m_warnings;
    qint64 m_issuedDcId = 0;
    bool m_issuing = false;
    QComboBox *m_certificate = nullptr;
    QComboBox *m_algorithm = nullptr;
    QComboBox *m_role = nullptr;
    QLineEdit *m_lifetime = nullptr;
    QLabel *m_maxLifetime = nullptr;
    QLabel *m_expiry = nullptr;
    QLabel *m_warningsLabel = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace baton::ui
