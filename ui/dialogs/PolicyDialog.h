#pragma once

#include "rotation/RotationPlanner.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace baton::ui {

class WorkspaceSession;

/// Edits (or creates) the rotation policy of one certificate. Durations are typed as the CLI
/// takes them ("24h", "1d12h", "90m"); the policy is checked as it is typed, and OK stays
/// disabled with the reason shown while it would be refused.
class PolicyDialog : public QDialog
{
    Q_OBJECT

public:
    PolicyDialog(WorkspaceSession &session, qint64 certificateId, QWidget *parent = nullptr);

    /// The policy as entered; nullopt while a duration does not parse.
    std::optional<RotationPolicy> policy() const;

    QLineEdit *lifetimeEdit() const { return m_lifetime; }
    QLineEdit *renewBeforeEdit() const { return m_renewBefore; }
    QComboBox *algorithmCombo() const { return m_algorithm; }
    QComboBox *rolesCombo() const { return m_roles; }
    QLabel *errorLabel() const { return m_error; }
    QDialogButtonBox *buttons() const { return m_buttons; }

    /// Saves the policy and reloads the session; on failure the dialog stays, saying why.
    void accept() override;

    /// "1d12h", "90m": a duration as parseDuration reads it back.
    static QString durationText(qint64 seconds);

private:
    void validate();

    WorkspaceSession &m_session;
    qint64 m_certificateId = 0;
    QLineEdit *m_lifetime = nullptr;
    QLineEdit *m_renewBefore = nullptr;
    QComboBox *m_algorithm = nullptr;
    QComboBox *m_roles = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace baton::ui
