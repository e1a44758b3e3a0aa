#include "PassphraseDialog.h"

#include "DialogButtons.h"
#include "dashboard/StatusColors.h"
#include "session/WorkspaceSession.h"
#include "vault/KeyVault.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
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

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("passphraseError"));
    m_error->setAccessibleName(tr("Passphrase error"));
    m_error->setWordWrap(true);
    showAsError(m_error);
    m_error->hide();

    m_buttons =
        okCancelButtons(this, QStringLiteral("passphraseButtons"), tr("Unlock"), tr("Unlock"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_prompt);
    layout->addWidget(m_edit);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    m_edit->setFocus();
}

PassphraseDialog *PassphraseDialog::unlocking(WorkspaceSession &session, QWidget *parent)
{
    auto *dialog = new PassphraseDialog(
        [&session](const QByteArray &passphrase) { return session.unlock(passphrase); }, parent);
    dialog->setPrompt(tr("Enter the passphrase of %1 to use the keys it holds.")
                          .arg(session.path().isEmpty() ? tr("the workspace") : session.path()));
    return dialog;
}

void PassphraseDialog::setPrompt(const QString &prompt)
{
    m_prompt->setText(prompt);
}

void PassphraseDialog::setAcceptText(const QString &text)
{
    QPushButton *button = m_buttons->button(QDialogButtonBox::Ok);
    button->setText(text);
    button->setAccessibleName(QString(text).remove(QLatin1Char('&')));
}

void PassphraseDialog::accept()
{
    const Status checked = m_check(m_edit->text().toUtf8());
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
