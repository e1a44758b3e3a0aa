#include "TokenPin.h"

#include "PassphraseDialog.h"
#include "keyring/Keyring.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QLineEdit>
#include <QPointer>
#include <QThread>

namespace baton::ui {

namespace {

Result<SecretBytes> askOnThisThread(QWidget *parent, const QString &token, bool useKeyring)
{
    const bool keyring = useKeyring && keyringAvailability() == KeyringAvailability::Available;
    if (keyring) {
        KeyringLookup stored = readTokenPin(token, kKeyringLookupWait);
        if (stored.secret)
            return std::move(*stored.secret);
    }
    // Nothing to check before the token does: a wrong PIN is the token's to refuse.
    PassphraseDialog dialog([](const QByteArray &, auto done) { done(Status()); }, parent);
    dialog.setObjectName(QStringLiteral("tokenPinDialog"));
    dialog.setWindowTitle(PassphraseDialog::tr("Token PIN"));
    dialog.setPrompt(PassphraseDialog::tr("Enter the user PIN of the token '%1', which holds "
                                          "the certificate's key and signs the DC with it.")
                         .arg(token));
    dialog.setAcceptText(PassphraseDialog::tr("Sign"));
    // Wide enough that a token's label is not broken across lines.
    dialog.setMinimumWidth(dialog.fontMetrics().averageCharWidth() * 56);
    dialog.passphraseEdit()->setAccessibleName(PassphraseDialog::tr("Token PIN"));
    dialog.rememberBox()->setAccessibleName(
        PassphraseDialog::tr("Remember the token's PIN in the keyring"));
    dialog.rememberBox()->setVisible(keyring);
    if (dialog.exec() != QDialog::Accepted)
        return Error{QStringLiteral("no PIN was given for token '%1'").arg(token)};
    SecretBytes pin(dialog.passphraseEdit()->text().toUtf8());
    dialog.passphraseEdit()->clear();
    // A keyring that cannot take it costs the user a prompt next time, nothing more.
    if (dialog.rememberChosen())
        (void)storeTokenPin(token, pin.bytes(), kKeyringCommandWait);
    return pin;
}

} // namespace

TokenKey::PinSource askForTokenPin(QWidget *parent, bool useKeyring)
{
    return [parent = QPointer<QWidget>(parent), useKeyring](const QString &token) {
        Result<SecretBytes> pin = Error{QStringLiteral("no PIN was given")};
        const auto ask = [&] {
            pin = askOnThisThread(parent, token, useKeyring);
        };
        if (QThread::currentThread() == qApp->thread())
            ask();
        else
            QMetaObject::invokeMethod(qApp, ask, Qt::BlockingQueuedConnection);
        return pin;
    };
}

} // namespace baton::ui
