#include "Unlock.h"

#include "PassphraseDialog.h"
#include "keyring/Keyring.h"
#include "session/WorkspaceSession.h"

#include <QLineEdit>
#include <QMessageBox>

namespace baton::ui {

namespace {

void askForPassphrase(WorkspaceSession &session, QWidget *parent, const QString &prompt,
                      std::function<void()> then)
{
    auto *ask = PassphraseDialog::unlocking(session, parent);
    ask->setAttribute(Qt::WA_DeleteOnClose);
    ask->setPrompt(prompt);
    QObject::connect(ask, &QDialog::accepted, parent, [&session, ask, parent, then] {
        if (ask->rememberChosen()) {
            const Status stored = storeWorkspacePassphrase(
                session.path(), ask->passphraseEdit()->text().toUtf8(), kKeyringCommandWait);
            if (!stored)
                QMessageBox::warning(parent, QObject::tr("Keyring"),
                                     QObject::tr("The passphrase could not be remembered: %1")
                                         .arg(stored.errorMessage()));
        }
        ask->passphraseEdit()->clear();
        then();
    });
    ask->open();
}

} // namespace

void unlockThen(WorkspaceSession &session, QWidget *parent, const QString &prompt,
                std::function<void()> then)
{
    if (session.isUnlocked())
        return then();
    if (!session.usesKeyring())
        return askForPassphrase(session, parent, prompt, std::move(then));
    const KeyringLookup stored = readWorkspacePassphrase(session.path(), kKeyringLookupWait);
    if (!stored.secret)
        return askForPassphrase(session, parent, prompt, std::move(then));
    session.unlockInBackground(
        stored.secret->bytes(), parent, [&session, parent, prompt, then](const Status &unlocked) {
            if (unlocked)
                return then();
            // Changed since it was stored, most likely: the user can still type it.
            askForPassphrase(session, parent,
                             prompt + QLatin1Char('\n') +
                                 QObject::tr("The passphrase in the keyring did not unlock it "
                                             "(%1).")
                                     .arg(unlocked.errorMessage()),
                             then);
        });
}

} // namespace baton::ui
