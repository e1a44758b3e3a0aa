// batonctl and the OS keyring: where it takes the workspace passphrase from when no
// --passphrase or $BATON_PASSPHRASE_FILE gives it. Without a D-Bus session (CI, containers,
// servers) every keyring step must give up at once and say why; with a real Secret Service
// (gnome-keyring on a private bus, when installed) the passphrase goes in, unlocks a rotation,
// follows a passphrase change and comes out again.

#include "ProcessRun.h"
#include "SecretService.h"
#include "TestPki.h"
#include "keyring/Keyring.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace baton;
using namespace baton::test;

namespace {

using Run = ProcessRun;

Run batonctl(const QStringList &arguments, const QProcessEnvironment &environment)
{
    return runProcess(QStringLiteral(BATONCTL_PATH), arguments, environment, 60000);
}

const QString kNowText = u"2026-06-01T12:00:00Z"_qs;
const QString kPassphrase = u"correct horse keyring"_qs;
/// Far below the 5 s batonctl would wait for a keyring that does not answer: without a bus it
/// must not wait at all. Generous for a loaded machine and a sanitizer build.
constexpr qint64 kPromptlyMs = 3000;

} // namespace

class BatonctlKeyring : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void withoutSessionBus_data();
    void withoutSessionBus();
    void roundTripThroughSecretService();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    /// Adds a certificate, its key and a policy to a new workspace (passphrase kPassphrase), so
    /// that `rotate` is due and needs the passphrase.
    void makeDueWorkspace(const QString &workspace, const QProcessEnvironment &environment);

    QTemporaryDir m_dir;
    QString m_certificate;
    QString m_key;
};

void BatonctlKeyring::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QFileInfo(QStringLiteral(BATONCTL_PATH)).isExecutable());
    std::tie(m_certificate, m_key) = writeIdentity(makeIdentity(), m_dir.path(), u"leaf"_qs);
}

void BatonctlKeyring::makeDueWorkspace(const QString &workspace,
                                       const QProcessEnvironment &environment)
{
    const QStringList common{u"--workspace"_qs, workspace, u"--now"_qs, kNowText};
    const Run imported = batonctl(QStringList{u"ws"_qs, u"import"_qs, u"--passphrase"_qs,
                                              u"pass:"_qs + kPassphrase, m_certificate, m_key} +
                                      common,
                                  environment);
    QVERIFY2(imported.exitCode == 0, qPrintable(imported.err));
    const Run policy = batonctl(QStringList{u"policy"_qs, u"set"_qs, u"localhost"_qs,
                                            u"--passphrase"_qs, u"pass:"_qs + kPassphrase} +
                                    common,
                                environment);
    QVERIFY2(policy.exitCode == 0, qPrintable(policy.err));
}

void BatonctlKeyring::withoutSessionBus_data()
{
    QTest::addColumn<QString>("bus"); // DBUS_SESSION_BUS_ADDRESS, or empty for unset
    // How batonctl says it cannot use the keyring; only its start where the rest is the
    // backend's own words, which differ between libsecret and QtKeychain's KWallet fallback.
    QTest::addColumn<QString>("problem");

    const bool supported = keyringAvailability() == KeyringAvailability::Available;
    const QString unsupported = u"Baton was built without keyring support"_qs;
    QTest::newRow("unset") << QString()
                           << (supported ? u"no keyring backend (no D-Bus session bus: "
                                           u"$DBUS_SESSION_BUS_ADDRESS is not set)"_qs
                                         : unsupported);
    // A socket that is not there: QtKeychain itself has to find out, and must say so at once.
    QTest::newRow("nowhere") << u"unix:path="_qs + path(u"no-bus-here"_qs)
                             << (supported ? u"the keyring failed ("_qs : unsupported);
}

void BatonctlKeyring::withoutSessionBus()
{
    QFETCH(QString, bus);
    QFETCH(QString, problem);
    QProcessEnvironment environment = isolatedEnvironment();
    if (!bus.isEmpty())
        environment.insert(u"DBUS_SESSION_BUS_ADDRESS"_qs, bus);
    const QString tag = QString::fromLatin1(QTest::currentDataTag());

    // The same creation without and with --keyring: the keyring's failure adds no waiting.
    const QString plain = path(tag + u"-plain.baton"_qs);
    const Run created =
        batonctl({u"ws"_qs, u"init"_qs, u"--workspace"_qs, plain, u"--passphrase"_qs,
                  u"pass:"_qs + kPassphrase, u"--now"_qs, kNowText},
                 environment);
    QVERIFY2(created.exitCode == 0, qPrintable(created.err));
    const QString stored = path(tag + u"-keyring.baton"_qs);
    const Run init =
        batonctl({u"ws"_qs, u"init"_qs, u"--workspace"_qs, stored, u"--keyring"_qs,
                  u"--passphrase"_qs, u"pass:"_qs + kPassphrase, u"--now"_qs, kNowText},
                 environment);
    QVERIFY(!(init.out + init.err).contains(kPassphrase));
    if (keyringAvailability() == KeyringAvailability::Available) {
        QCOMPARE(init.exitCode, 1);
        QCOMPARE(init.out, u"Created the workspace "_qs + stored + u"\n"_qs);
        QVERIFY2(init.err.startsWith(u"batonctl: cannot store the passphrase in the keyring: "_qs +
                                     problem),
                 qPrintable(init.err));
        QVERIFY2(init.err.endsWith(u"; the workspace stays: give its passphrase with "
                                   u"--passphrase or $BATON_PASSPHRASE_FILE\n"_qs),
                 qPrintable(init.err));
        QVERIFY(QFileInfo::exists(stored));
        QVERIFY2(init.milliseconds - created.milliseconds < kPromptlyMs,
                 qPrintable(u"with --keyring %1 ms, without %2 ms"_qs.arg(init.milliseconds)
                                .arg(created.milliseconds)));
    } else {
        QCOMPARE(init.exitCode, 2);
        QCOMPARE(init.err,
                 u"batonctl: --keyring: this batonctl was built without keyring support\n"_qs);
        QVERIFY(!QFileInfo::exists(stored));
    }

    // A due rotation with no passphrase source: past the keyring to the prompt, which has no
    // terminal here; the keyring's problem is said as well.
    makeDueWorkspace(plain, environment);
    const QStringList rotate{u"rotate"_qs, u"--workspace"_qs, plain, u"--now"_qs, kNowText};
    const Run unattended = batonctl(rotate, environment);
    QCOMPARE(unattended.exitCode, 2);
    QVERIFY2(unattended.err.startsWith(
                 u"batonctl: Passphrase for the workspace "_qs + plain +
                 u" is needed, and there is no terminal to ask on; give it with a SRC option: "
                 u"file:PATH (first line), fd:N, env:VAR, or pass:TEXT (visible to every user "
                 u"in `ps`: tests only); the keyring could not help: "_qs +
                 problem),
             qPrintable(unattended.err));
    QCOMPARE(unattended.err.count(u'\n'), 1);
    QVERIFY2(unattended.milliseconds < kPromptlyMs,
             qPrintable(QString::number(unattended.milliseconds)));

    const Run forget =
        batonctl({u"ws"_qs, u"forget-passphrase"_qs, u"--workspace"_qs, plain}, environment);
    QCOMPARE(forget.exitCode, 2);
    QVERIFY2(forget.err.startsWith(u"batonctl: cannot remove the passphrase from the keyring: "_qs +
                                   problem),
             qPrintable(forget.err));
    QVERIFY2(forget.milliseconds < kPromptlyMs, qPrintable(QString::number(forget.milliseconds)));

    // An explicit source never asks the keyring, so its absence changes nothing.
    const Run given =
        batonctl(rotate + QStringList{u"--passphrase"_qs, u"pass:"_qs + kPassphrase}, environment);
    QVERIFY2(given.exitCode == 0, qPrintable(given.err));
    QVERIFY2(given.out.contains(u"issued server DC for localhost"_qs), qPrintable(given.out));

    // A passphrase change cannot know whether the keyring holds the old one, and says so.
    const Run changed = batonctl({u"ws"_qs, u"passwd"_qs, u"--workspace"_qs, plain,
                                  u"--passphrase"_qs, u"pass:"_qs + kPassphrase,
                                  u"--new-passphrase"_qs, u"pass:"_qs + kPassphrase + u"!"_qs},
                                 environment);
    QCOMPARE(changed.exitCode, 0);
    QCOMPARE(changed.out, u"Changed the passphrase of "_qs + plain + u"\n"_qs);
    if (keyringAvailability() == KeyringAvailability::Available)
        QVERIFY2(changed.err.startsWith(u"batonctl: note: the keyring could not be asked whether "
                                        u"it holds this workspace's passphrase ("_qs +
                                        problem) &&
                     changed.err.endsWith(u"); if it does, it holds the old one\n"_qs),
                 qPrintable(changed.err));
    else
        QCOMPARE(changed.err, QString());
    QVERIFY2(
        changed.milliseconds - given.milliseconds < kPromptlyMs,
        qPrintable(
            u"passwd %1 ms, rotate %2 ms"_qs.arg(changed.milliseconds).arg(given.milliseconds)));
}

void BatonctlKeyring::roundTripThroughSecretService()
{
    if (keyringAvailability() != KeyringAvailability::Available)
        QSKIP("batonctl was built without keyring support");
    if (const QString missing = secretServiceUnavailable(); !missing.isEmpty())
        QSKIP(qPrintable(missing));
    const QString serviceDirectory = path(u"secret-service"_qs);
    QVERIFY(QDir().mkpath(serviceDirectory));
    SecretService service;
    if (const QString problem = service.start(serviceDirectory); !problem.isEmpty())
        QFAIL(qPrintable(problem));
    const QProcessEnvironment environment = service.environment();

    // Stored at creation under the canonical path...
    const QString directory = path(u"round-trip"_qs);
    QVERIFY(QDir().mkpath(directory));
    const QString workspace = directory + u"/ws.baton"_qs;
    const Run init =
        batonctl({u"ws"_qs, u"init"_qs, u"--workspace"_qs, workspace, u"--keyring"_qs,
                  u"--passphrase"_qs, u"pass:"_qs + kPassphrase, u"--now"_qs, kNowText},
                 environment);
    QVERIFY2(init.exitCode == 0, qPrintable(init.err));
    QCOMPARE(init.out, u"Created the workspace "_qs + workspace +
                           u"\nStored its passphrase in the keyring (service Baton, key "_qs +
                           QFileInfo(workspace).canonicalFilePath() + u")\n"_qs);
    QVERIFY(!(init.out + init.err).contains(kPassphrase));
    makeDueWorkspace(workspace, environment);

    // ...so found through another path to the same file, and the due rotation runs unattended.
    const QString alias = path(u"alias"_qs);
    QVERIFY(QFile::link(directory, alias));
    const Run rotated =
        batonctl({u"rotate"_qs, u"--workspace"_qs, alias + u"/ws.baton"_qs, u"--now"_qs, kNowText},
                 environment);
    QVERIFY2(rotated.exitCode == 0, qPrintable(rotated.err));
    QVERIFY2(rotated.out.contains(u"issued server DC for localhost"_qs), qPrintable(rotated.out));
    QVERIFY(!(rotated.out + rotated.err).contains(kPassphrase));

    // A passphrase change, the old one taken from the keyring: the keyring gets the new one,
    // and the next unattended run unlocks with it.
    const QString renewed = kPassphrase + u" renewed"_qs;
    const Run changed =
        batonctl({u"ws"_qs, u"passwd"_qs, u"--workspace"_qs, workspace, u"--new-passphrase"_qs,
                  u"pass:"_qs + renewed, u"--now"_qs, kNowText},
                 environment);
    QVERIFY2(changed.exitCode == 0, qPrintable(changed.err));
    QCOMPARE(changed.out,
             u"Changed the passphrase of "_qs + workspace +
                 u"\nStored the new passphrase in the keyring (service Baton, key "_qs +
                 QFileInfo(workspace).canonicalFilePath() + u")\n"_qs);
    QCOMPARE(changed.err, QString());
    const Run withOld =
        batonctl({u"rotate"_qs, u"--workspace"_qs, workspace, u"--passphrase"_qs,
                  u"pass:"_qs + kPassphrase, u"--now"_qs, u"2026-06-02T06:00:00Z"_qs},
                 environment);
    QCOMPARE(withOld.exitCode, 2);
    QCOMPARE(withOld.err, u"batonctl: "_qs + workspace + u": wrong passphrase\n"_qs);
    const Run fromKeyring = batonctl(
        {u"rotate"_qs, u"--workspace"_qs, workspace, u"--now"_qs, u"2026-06-02T06:00:00Z"_qs},
        environment);
    QVERIFY2(fromKeyring.exitCode == 0, qPrintable(fromKeyring.err));
    QVERIFY2(fromKeyring.out.contains(u"issued server DC for localhost"_qs),
             qPrintable(fromKeyring.out));

    // Forgotten (twice: the second finds nothing, which is just as done).
    for (int i = 0; i < 2; ++i) {
        const Run forget = batonctl(
            {u"ws"_qs, u"forget-passphrase"_qs, u"--workspace"_qs, workspace}, environment);
        QCOMPARE(forget.exitCode, 0);
        QCOMPARE(forget.out, u"The keyring holds no passphrase for "_qs +
                                 QFileInfo(workspace).canonicalFilePath() + u" now\n"_qs);
    }
    // The keyring answered "none": no keyring problem is added to the prompt's.
    const Run asked = batonctl(
        {u"ws"_qs, u"import"_qs, u"--workspace"_qs, workspace, u"--now"_qs, kNowText, m_key},
        environment);
    QCOMPARE(asked.exitCode, 2);
    QCOMPARE(asked.err, u"batonctl: Passphrase for the workspace "_qs + workspace +
                            u" is needed, and there is no terminal to ask on; give it with a SRC "
                            u"option: file:PATH (first line), fd:N, env:VAR, or pass:TEXT "
                            u"(visible to every user in `ps`: tests only)\n"_qs);

    // A workspace made again at a remembered path, under another passphrase: the keyring's is
    // wrong now, and batonctl says so instead of asking.
    const QString remade = path(u"remade.baton"_qs);
    const QStringList initRemade{u"ws"_qs, u"init"_qs,  u"--workspace"_qs,
                                 remade,   u"--now"_qs, kNowText};
    const Run first = batonctl(
        initRemade + QStringList{u"--keyring"_qs, u"--passphrase"_qs, u"pass:the first one"_qs},
        environment);
    QVERIFY2(first.exitCode == 0, qPrintable(first.err));
    QVERIFY(QFile::remove(remade));
    const Run second = batonctl(
        initRemade + QStringList{u"--passphrase"_qs, u"pass:"_qs + kPassphrase}, environment);
    QVERIFY2(second.exitCode == 0, qPrintable(second.err));
    const Run wrong =
        batonctl({u"ws"_qs, u"import"_qs, u"--workspace"_qs, remade, u"--now"_qs, kNowText, m_key},
                 environment);
    QCOMPARE(wrong.exitCode, 2);
    QCOMPARE(wrong.err, u"batonctl: the passphrase in the keyring is wrong for "_qs + remade +
                            u"; remove it with `batonctl ws forget-passphrase`\n"_qs);
}

QTEST_GUILESS_MAIN(BatonctlKeyring)
#include "tst_batonctl_keyring.moc"
