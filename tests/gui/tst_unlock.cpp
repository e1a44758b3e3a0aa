// Unlocking a workspace in the desktop app: the passphrase from the OS keyring when it holds
// the right one, a dialog otherwise, which can remember what was typed. Runs against a real
// Secret Service (gnome-keyring on a private bus) where one can be started, never against the
// keyring of the person running the tests.

#include "DemoSession.h"
#include "SecretService.h"
#include "dialogs/PassphraseDialog.h"
#include "dialogs/Unlock.h"
#include "keyring/Keyring.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QTest>

using namespace baton;
using namespace baton::test;
using namespace baton::ui;

namespace {

/// A locked session of the demo workspace that may use the keyring, as the app's does.
struct LockedDemo
{
    DemoSession demo;
    WorkspaceSession session{demo.clock};
    QWidget parent;
    bool unlockedThen = false;

    LockedDemo()
    {
        if (!session.open(demo.path()))
            qFatal("cannot open the demo workspace");
        session.setUsesKeyring(true);
    }
    void unlock()
    {
        unlockThen(session, &parent, u"To test."_qs, [this] { unlockedThen = true; });
    }
    PassphraseDialog *dialog() const { return parent.findChild<PassphraseDialog *>(); }
};

void typeAndAccept(PassphraseDialog *dialog, const QByteArray &passphrase)
{
    QTest::keyClicks(dialog->passphraseEdit(), QString::fromUtf8(passphrase));
    QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok),
                      Qt::LeftButton);
}

} // namespace

class UnlockTest : public QObject
{
    Q_OBJECT

private slots:
    // Without a bus first: a D-Bus session, once connected, stays for the process.
    void asksWhenNoKeyringAnswers();
    void keyringRoundTrip();
};

void UnlockTest::asksWhenNoKeyringAnswers()
{
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    LockedDemo locked;
    QElapsedTimer clock;
    clock.start();
    locked.unlock();
    // No keyring to ask: the dialog at once, not after the keyring's 5 s.
    QPointer<PassphraseDialog> dialog = locked.dialog();
    QVERIFY(dialog);
    QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(dialog->rememberBox()->isVisible(),
             keyringAvailability() == KeyringAvailability::Available);
    QVERIFY(!locked.unlockedThen);
    typeAndAccept(dialog, kDemoPassphrase);
    QTRY_VERIFY(locked.unlockedThen);
    QVERIFY(locked.session.isUnlocked());

    // A session that does not use the keyring (the tests', a kiosk) never offers to remember.
    LockedDemo plain;
    plain.session.setUsesKeyring(false);
    plain.unlock();
    QVERIFY(plain.dialog());
    QVERIFY(!plain.dialog()->rememberBox()->isVisibleTo(plain.dialog()));
}

void UnlockTest::keyringRoundTrip()
{
    if (keyringAvailability() != KeyringAvailability::Available)
        QSKIP("built without keyring support");
    if (const QString missing = secretServiceUnavailable(); !missing.isEmpty())
        QSKIP(qPrintable(missing));
    QTemporaryDir serviceDirectory;
    SecretService service;
    if (const QString problem = service.start(serviceDirectory.path()); !problem.isEmpty())
        QFAIL(qPrintable(problem));
    qputenv("DBUS_SESSION_BUS_ADDRESS", service.busAddress().toUtf8());
    qputenv("XDG_RUNTIME_DIR", service.environment().value(u"XDG_RUNTIME_DIR"_qs).toUtf8());

    // Nothing stored yet: the dialog, and the user asks for the passphrase to be remembered.
    LockedDemo first;
    first.unlock();
    QPointer<PassphraseDialog> dialog = first.dialog();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QVERIFY(dialog->rememberBox()->isVisible());
    dialog->rememberBox()->setChecked(true);
    typeAndAccept(dialog, kDemoPassphrase);
    QTRY_VERIFY(first.unlockedThen);
    const KeyringLookup stored = readWorkspacePassphrase(first.demo.path(), kKeyringLookupWait);
    QVERIFY2(stored.problem.isEmpty(), qPrintable(stored.problem));
    QVERIFY(stored.secret);
    QCOMPARE(stored.secret->bytes(), QByteArray(kDemoPassphrase));

    // Another session of the same workspace unlocks from the keyring, without a dialog.
    WorkspaceSession second(first.demo.clock);
    QVERIFY(second.open(first.demo.path()));
    second.setUsesKeyring(true);
    QWidget parent;
    bool unlocked = false;
    unlockThen(second, &parent, u"To test."_qs, [&unlocked] { unlocked = true; });
    QVERIFY(!parent.findChild<PassphraseDialog *>());
    QTRY_VERIFY(unlocked);
    QVERIFY(second.isUnlocked());

    // A passphrase in the keyring that no longer fits: the dialog, saying why.
    LockedDemo third;
    QVERIFY(storeWorkspacePassphrase(third.demo.path(), "not the passphrase", kKeyringCommandWait));
    third.unlock();
    QTRY_VERIFY(third.dialog() && third.dialog()->isVisible());
    QVERIFY(!third.session.isUnlocked());
    const QString prompt = third.dialog()->findChild<QLabel *>(u"passphrasePrompt"_qs)->text();
    QVERIFY2(prompt.contains(u"The passphrase in the keyring did not unlock it"_qs),
             qPrintable(prompt));
    QVERIFY(forgetWorkspacePassphrase(first.demo.path(), kKeyringCommandWait));
    QVERIFY(forgetWorkspacePassphrase(third.demo.path(), kKeyringCommandWait));
}

QTEST_MAIN(UnlockTest)
#include "tst_unlock.moc"
