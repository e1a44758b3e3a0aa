#pragma once

#include "common/Result.h"

#include <QDialog>
#include <functional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace baton::ui {

class WorkspaceSession;

/// Asks for the workspace passphrase. The dialog checks what was typed itself and stays open,
/// with the error beneath the field, until the check passes or the user cancels: nobody wants
/// to reopen a dialog after a typo.
class PassphraseDialog : public QDialog
{
    Q_OBJECT

public:
    /// Tells whether a passphrase is right (an Error with kWrongPassphrase when it is not).
    using Check = std::function<Status(const QByteArray &passphrase)>;

    explicit PassphraseDialog(Check check, QWidget *parent = nullptr);

    /// A dialog that unlocks the session's workspace. Shown with open(), it leaves the session
    /// unlocked when it is accepted.
    static PassphraseDialog *unlocking(WorkspaceSession &session, QWidget *parent);

    /// The sentence above the field: what the passphrase is needed for.
    void setPrompt(const QString &prompt);
    /// The accepting button's text ("Unlock" unless told otherwise).
    void setAcceptText(const QString &text);

    QLineEdit *passphraseEdit() const { return m_edit; }
    QLabel *errorLabel() const { return m_error; }

    /// Runs the check: accepts when it passes, shows why not otherwise.
    void accept() override;

private:
    Check m_check;
    QLabel *m_prompt = nullptr;
    QLineEdit *m_edit = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace baton::ui
