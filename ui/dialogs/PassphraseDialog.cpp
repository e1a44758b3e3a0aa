#include "PassphraseDialog.h"

#include "DialogParts.h"
#include "keyring/Keyring.h"
#include "session/WorkspaceSession.h"
#include "vault/KeyVault.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace baton::ui {

PassphraseDialog::PassphraseDialog(Check check, QWidget *parent)
    : QDialog(parent), m_check(std::move(check))
{
    setObjectName(QStringLiteral("passphraseDialog"));
    setWindowTitle(tr("Workspace Passphrase"));

    m_prompt = new QLabel(tr("Enter the passphrase of the workspace."), this);
    m_prompt->setObjectName(QStringLiteral("passphrasePrompt"));
    m_prompt->setWordWrap(true);

    m_edit = new QLineEdit(this);
    m_edit->setObjectName(QStringLiteral("passphraseEdit"));
    m_edit->setAccessibleName(tr("Passphrase"));
    m_edit->setEchoMode(QLineEdit::Password);
    m_prompt->setBuddy(m_edit);

    m_error = dialogErrorLabel(this, QStringLiteral("passphraseError"), tr("Passphrase error"));
    m_error->hide();

    m_remember = new QCheckBox(tr("&Remember in the keyring"), this);
    m_remember->setObjectName(QStringLiteral("passphraseRemember"));
    m_remember->setAccessibleName(tr("Remember the passphrase in the keyring"));
    m_remember->setToolTip(tr("Keep the passphrase in the desktop's keyring (Secret Service, "
                              "KWallet), so Baton and batonctl can unlock this workspace "
                              "without asking"));
    m_remember->hide();

    m_buttons =
        okCancelButtons(this, QStringLiteral("passphraseButtons"), tr("Unlock"), tr("Unlock"));
    m_acceptText = tr("Unlock");

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_prompt);
    layout->addWidget(m_edit);
    layout->addWidget(m_error);
    layout->addWidget(m_remember);
    layout->addWidget(m_buttons);
    m_edit->setFocus();
}

PassphraseDialog *PassphraseDialog::unlocking(WorkspaceSession &session, QWidget *parent)
{
    auto *dialog = new PassphraseDialog(nullptr, parent);
    dialog->m_check = [&session, dialog](const QByteArray &passphrase,
                                         std::function<void(const Status &)> done) {
        session.unlockInBackground(passphrase, dialog, std::move(done));
    };
    dialog->setPrompt(tr("Enter the passphrase of %1 to use the keys it holds.")
                          .arg(session.path().isEmpty() ? tr("the workspace") : session.path()));
    dialog->m_remember->setVisible(session.usesKeyring() &&
                                   keyringAvailability() == KeyringAvailability::Available);
    return dialog;
}

void PassphraseDialog::setPrompt(const QString &prompt)
{
    m_prompt->setText(prompt);
}

void PassphraseDialog::setAcceptText(const QString &text)
{
    m_acceptText = text;
    QPushButton *button = m_buttons->button(QDialogButtonBox::Ok);
    button->setText(text);
    button->setAccessibleName(QString(text).remove(QLatin1Char('&')));
}

bool PassphraseDialog::rememberChosen() const
{
    // isHidden(), not isVisible(): asked once the dialog has closed, when nothing is visible.
    return !m_remember->isHidden() && m_remember->isChecked();
}

void PassphraseDialog::accept()
{
    if (m_checking)
        return;
    setChecking(true);
    m_check(m_edit->text().toUtf8(), [dialog = QPointer(this)](const Status &checked) {
        if (dialog)
            dialog->finishCheck(checked);
    });
}

void PassphraseDialog::setChecking(bool checking)
{
    m_checking = checking;
    m_edit->setEnabled(!checking);
    QPushButton *ok = m_buttons->button(QDialogButtonBox::Ok);
    ok->setEnabled(!checking);
    ok->setText(checking ? tr("Checking…") : m_acceptText);
    if (checking)
        setCursor(Qt::BusyCursor);
    else
        unsetCursor();
}

void PassphraseDialog::finishCheck(const Status &checked)
{
    setChecking(false);
    if (checked) {
        m_error->hide();
        QDialog::accept();
        return;
    }
    // The core's wording is for logs and the CLI; people get a sentence of their own.
    m_error->setText(checked.errorMessage() == QLatin1String(kWrongPassphrase)
                         ? tr("Wrong passphrase")
                         : checked.errorMessage());
    m_error->show();
    m_edit->selectAll();
    m_edit->setFocus();
}

} // namespace baton::ui
