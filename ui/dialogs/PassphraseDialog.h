#pragma once

#include "common/Result.h"

#include <QDialog>
#include <functional>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace baton::ui {

class WorkspaceSession;

/// Asks for a passphrase. The dialog checks what was typed itself and stays open, with the
/// error beneath the field, until the check passes or the user cancels: nobody wants to reopen
/// a dialog after a typo.
class PassphraseDialog : public QDialog
{
    Q_OBJECT

public:
    /// Tells whether a passphrase is right by calling `done`, at once or later on the UI thread
    /// (a workspace's check runs scrypt on a pool thread), with an Error kWrongPassphrase when
    /// it is not. The dialog waits, its field and button disabled, until then.
    using Check =
        std::function<void(const QByteArray &passphrase, std::function<void(const Status &)> done)>;

    explicit PassphraseDialog(Check check, QWidget *parent = nullptr);

    /// A dialog that unlocks the session's workspace. Shown with open(), it leaves the session
    /// unlocked when it is accepted. It offers to remember the passphrase in the OS keyring
    /// when the session uses one; rememberChosen() tells whether the user wants that.
    static PassphraseDialog *unlocking(WorkspaceSession &session, QWidget *parent);

    /// The sentence above the field: what the passphrase is needed for.
    void setPrompt(const QString &prompt);
    /// The accepting button's text ("Unlock" unless told otherwise).
    void setAcceptText(const QString &text);

    QLineEdit *passphraseEdit() const { return m_edit; }
    QLabel *errorLabel() const { return m_error; }
    QCheckBox *rememberBox() const { return m_remember; }
    bool rememberChosen() const;
    /// A check is under way.
    bool isChecking() const { return m_checking; }

    /// Runs the check: accepts when it passes, shows why not otherwise.
    void accept() override;

private:
    void finishCheck(const Status &checked);
    void setChecking(bool checking);

    Check m_check;
    QLabel *m_prompt = nullptr;
    QLineEdit *m_edit = nullptr;
    QLabel *m_error = nullptr;
    QCheckBox *m_remember = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QString m_acceptText;
    bool m_checking = false;
};

} // namespace baton::ui
