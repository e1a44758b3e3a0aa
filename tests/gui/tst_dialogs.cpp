// The rotation policy, Issue DC and export-target dialogs, driven as a person would: typing,
// choosing, clicking, and reading what the dialog says back.

#include "DemoSession.h"
#include "TestPki.h"
#include "dashboard/TargetsDialog.h"
#include "dialogs/IssueDcDialog.h"
#include "dialogs/PassphraseDialog.h"
#include "dialogs/PolicyDialog.h"
#include "export/BundleProfile.h"
#include "import/Importer.h"
#include "session/WorkspaceSession.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace baton;
using namespace baton::test;
using namespace baton::ui;

namespace {

const QDateTime kNow = kDemoNow;
const QByteArray kPassphrase = kDemoPassphrase;
constexpr qint64 kDay = 24 * 3600;

struct Demo : DemoSession
{
    /// A certificate (with its key) that can delegate but ends two days from now.
    qint64 importShortCertificate()
    {
        CertificateOptions options;
        options.commonName = u"short.demo.test"_qs;
        options.dnsNames = {u"short.demo.test"_qs};
        options.notBefore = kNow.addDays(-30);
        options.notAfter = kNow.addDays(2);
        TestIdentity identity = makeIdentity(options);
        ImportedObject certificate;
        certificate.kind = ImportedKind::Certificate;
        certificate.location = u"test"_qs;
        certificate.certificate = identity.certificate;
        ImportedObject key;
        key.kind = ImportedKind::PrivateKey;
        key.location = u"test"_qs;
        key.privateKey = std::shared_ptr<EVP_PKEY>(identity.key.release(), EVP_PKEY_free);
        const auto imported = session.workspace()->importObjects({certificate, key}, kNow);
        if (!imported || !session.reload())
            qFatal("cannot import: %s", qPrintable(imported.errorMessage()));
        return certificateId(u"short.demo.test"_qs);
    }
};

QPushButton *okButton(QDialogButtonBox *buttons)
{
    return buttons->button(QDialogButtonBox::Ok);
}

/// Replaces a line edit's text by typing.
void retype(QLineEdit *edit, const QString &text)
{
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
}

} // namespace

class DialogsTest : public QObject
{
    Q_OBJECT

private slots:
    void policyValidation_data();
    void policyValidation();
    void policySaved();
    void policyRefusedInline();
    void policyRefusedWhenItCouldNotIssue();
    void issueMaxLifetime_data();
    void issueMaxLifetime();
    void issuePreview_data();
    void issuePreview();
    void issueCreatesDc();
    void issueAsksForThePassphrase();
    void targetsDialogAddsTarget();
};

void DialogsTest::policyValidation_data()
{
    QTest::addColumn<QString>("lifetime");
    QTest::addColumn<QString>("renewBefore");
    QTest::addColumn<QString>("problem"); // empty: valid
    QTest::newRow("renew-before equal to the lifetime")
        << u"24h"_qs << u"24h"_qs << u"the renew-before of 1 d is not shorter than the 1 d"_qs;
    QTest::newRow("renew-before longer than the lifetime")
        << u"24h"_qs << u"1d6h"_qs << u"the renew-before of 1 d 6 h is not shorter"_qs;
    QTest::newRow("lifetime beyond 7 d less the headroom")
        << u"7d"_qs << u"12h"_qs << u"the lifetime of 7 d is longer than 6 d 23 h"_qs;
    QTest::newRow("not a duration")
        << u"1 day"_qs << u"12h"_qs << u"Lifetime: '1 day' is not a duration"_qs;
    QTest::newRow("no renew-before")
        << u"24h"_qs << u"0"_qs << u"the renew-before must be positive"_qs;
    QTest::newRow("valid") << u"2d"_qs << u"6h"_qs << QString();
}

void DialogsTest::policyValidation()
{
    QFETCH(QString, lifetime);
    QFETCH(QString, renewBefore);
    QFETCH(QString, problem);
    Demo demo;
    PolicyDialog dialog(demo.session, demo.certificateId(u"edge.demo.test"_qs));
    dialog.show();
    QVERIFY(okButton(dialog.buttons())->isEnabled()); // the demo's policy is valid
    retype(dialog.lifetimeEdit(), lifetime);
    retype(dialog.renewBeforeEdit(), renewBefore);
    QCOMPARE(okButton(dialog.buttons())->isEnabled(), problem.isEmpty());
    QCOMPARE(dialog.errorLabel()->isVisible(), !problem.isEmpty());
    QVERIFY2(dialog.errorLabel()->text().startsWith(problem),
             qPrintable(dialog.errorLabel()->text()));
}

void DialogsTest::policySaved()
{
    Demo demo;
    const qint64 edge = demo.certificateId(u"edge.demo.test"_qs);
    PolicyDialog dialog(demo.session, edge);
    dialog.show();
    QSignalSpy reloaded(&demo.session, &WorkspaceSession::snapshotChanged);
    retype(dialog.lifetimeEdit(), u"2d"_qs);
    retype(dialog.renewBeforeEdit(), u"6h"_qs);
    dialog.algorithmCombo()->setCurrentIndex(dialog.algorithmCombo()->findData(u"ed25519"_qs));
    dialog.rolesCombo()->setCurrentIndex(dialog.rolesCombo()->findData(u"both"_qs));
    QTest::mouseClick(okButton(dialog.buttons()), Qt::LeftButton);
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(reloaded.count(), 1);
    const auto stored = demo.session.workspace()->policyForCertificate(edge);
    QVERIFY(stored && stored->has_value());
    const RotationPolicy &policy = (*stored)->policy;
    QCOMPARE(policy.lifetimeSeconds, 2 * kDay);
    QCOMPARE(policy.renewBeforeSeconds, 6 * 3600);
    QCOMPARE(policy.dcAlgorithm, u"ed25519"_qs);
    QCOMPARE(policy.roles, DcRoles::Both);
    QCOMPARE(demo.session.snapshot().policyFor(edge)->policy.policy.lifetimeSeconds, 2 * kDay);
    // edge has no client DC: under the new policy that role is uncovered.
    QCOMPARE(demo.session.snapshot().policyFor(edge)->plan.status, RotationStatus::Expired);
}

void DialogsTest::policyRefusedInline()
{
    Demo demo;
    // The workspace refuses a policy for the CA; the dialog stays and says why.
    PolicyDialog dialog(demo.session, demo.certificateId(u"Baton Demo CA"_qs));
    dialog.show();
    QVERIFY(okButton(dialog.buttons())->isEnabled());
    QTest::mouseClick(okButton(dialog.buttons()), Qt::LeftButton);
    QVERIFY(dialog.isVisible());
    QVERIFY(dialog.errorLabel()->isVisible());
    QCOMPARE(dialog.errorLabel()->text(),
             u"Baton Demo CA is a CA certificate; DCs are issued under end-entity certificates"_qs);
    QCOMPARE(demo.session.snapshot().policies.size(), 2);
}

void DialogsTest::policyRefusedWhenItCouldNotIssue()
{
    Demo demo;
    // As `batonctl policy set`: a certificate that ends within the renew-before could never
    // get a DC that is not due at once, so the policy is refused when it is entered.
    const qint64 shortLived = demo.importShortCertificate();
    PolicyDialog dialog(demo.session, shortLived);
    dialog.show();
    retype(dialog.lifetimeEdit(), u"4d"_qs);
    retype(dialog.renewBeforeEdit(), u"3d"_qs);
    QVERIFY(okButton(dialog.buttons())->isEnabled()); // a valid policy in itself
    QTest::mouseClick(okButton(dialog.buttons()), Qt::LeftButton);
    QVERIFY(dialog.isVisible());
    QVERIFY2(dialog.errorLabel()->text().startsWith(
                 u"short.demo.test (certificate %1) cannot delegate: the certificate expires "
                 u"in 2 d"_qs.arg(shortLived)),
             qPrintable(dialog.errorLabel()->text()));
    const auto stored = demo.session.workspace()->policyForCertificate(shortLived);
    QVERIFY(stored && !stored->has_value());
}

void DialogsTest::issueMaxLifetime_data()
{
    QTest::addColumn<bool>("shortCertificate");
    QTest::addColumn<qint64>("max");
    QTest::addColumn<QString>("label");
    QTest::newRow("api.demo.test, 10 d left")
        << false << 7 * kDay << u"At most 7 d, the maximum of RFC 9345."_qs;
    QTest::newRow("a certificate ending in 2 d")
        << true << 2 * kDay
        << u"At most 2 d: the certificate expires 2026-06-03 12:00:00 UTC (in 2 d)."_qs;
}

void DialogsTest::issueMaxLifetime()
{
    QFETCH(bool, shortCertificate);
    QFETCH(qint64, max);
    QFETCH(QString, label);
    Demo demo;
    const qint64 id =
        shortCertificate ? demo.importShortCertificate() : demo.certificateId(u"api.demo.test"_qs);
    IssueDcDialog dialog(demo.session);
    dialog.show();
    // Offered: the two demo leaves (and the short one); never the CA, which has no DelegationUsage.
    QCOMPARE(dialog.certificateCombo()->count(), shortCertificate ? 3 : 2);
    QVERIFY(dialog.setCertificate(id));
    QCOMPARE(dialog.certificateCombo()->currentText(),
             shortCertificate ? u"short.demo.test"_qs : u"api.demo.test"_qs);
    QCOMPARE(dialog.maxLifetimeSeconds(), max);
    QCOMPARE(dialog.maxLifetimeLabel()->text(), label);
    // Exactly the maximum is fine; a second more is refused with the limit named.
    retype(dialog.lifetimeEdit(), QString::number(max));
    QVERIFY(okButton(dialog.buttons())->isEnabled());
    retype(dialog.lifetimeEdit(), QString::number(max + 1));
    QVERIFY(!okButton(dialog.buttons())->isEnabled());
    QVERIFY(dialog.errorLabel()->isVisible());
    QVERIFY2(dialog.errorLabel()->text().endsWith(
                 u"is longer than the %1 this certificate allows now."_qs.arg(
                     shortCertificate ? u"2 d"_qs : u"7 d"_qs)),
             qPrintable(dialog.errorLabel()->text()));
    QVERIFY(dialog.expiryLabel()->text().isEmpty());
}

void DialogsTest::issuePreview_data()
{
    QTest::addColumn<QString>("algorithm");
    QTest::addColumn<QString>("lifetime");
    QTest::addColumn<QString>("expiry");
    QTest::addColumn<QStringList>("warnings"); // each the start of one warning, in order
    // api.demo.test has an Ed25519 key: Firefox takes no DC under it, whatever the DC key.
    const QString firefoxCertificate = u"Firefox (NSS) rejects every DC under this certificate"_qs;
    QTest::newRow("12 h, ECDSA") << u"ecdsa-p256"_qs << u"12h"_qs
                                 << u"2026-06-02 00:00:00 UTC (in 12 h)"_qs
                                 << QStringList{firefoxCertificate};
    QTest::newRow("12 h, Ed25519 DC key")
        << u"ed25519"_qs << u"12h"_qs << u"2026-06-02 00:00:00 UTC (in 12 h)"_qs
        << QStringList{firefoxCertificate,
                       u"Firefox accepts only ECDSA DCs: it never asks for a ed25519 DC"_qs};
    QTest::newRow("within the skew headroom of 7 d")
        << u"ecdsa-p256"_qs << u"6d23h30m"_qs << u"2026-06-08 11:30:00 UTC (in 6 d 23 h)"_qs
        << QStringList{firefoxCertificate, u"the lifetime is within 1 h of the 7-day maximum"_qs};
}

void DialogsTest::issuePreview()
{
    QFETCH(QString, algorithm);
    QFETCH(QString, lifetime);
    QFETCH(QString, expiry);
    QFETCH(QStringList, warnings);
    Demo demo;
    IssueDcDialog dialog(demo.session);
    dialog.show();
    QVERIFY(dialog.setCertificate(demo.certificateId(u"api.demo.test"_qs)));
    dialog.algorithmCombo()->setCurrentIndex(dialog.algorithmCombo()->findData(algorithm));
    retype(dialog.lifetimeEdit(), lifetime);
    QCOMPARE(dialog.expiryLabel()->text(), expiry);
    QVERIFY(okButton(dialog.buttons())->isEnabled());
    const QStringList shown = dialog.warnings();
    QCOMPARE(shown.size(), warnings.size());
    for (qsizetype i = 0; i < warnings.size(); ++i) {
        QVERIFY2(shown[i].startsWith(warnings[i]), qPrintable(shown[i]));
        QVERIFY(dialog.warningsLabel()->text().contains(shown[i]));
    }
    QVERIFY(dialog.warningsLabel()->isVisible());
}

void DialogsTest::issueCreatesDc()
{
    Demo demo;
    const qint64 api = demo.certificateId(u"api.demo.test"_qs);
    const qsizetype before = demo.session.snapshot().dcs.size();
    IssueDcDialog dialog(demo.session);
    dialog.show();
    QVERIFY(dialog.setCertificate(api));
    dialog.roleCombo()->setCurrentIndex(dialog.roleCombo()->findText(u"Client"_qs));
    retype(dialog.lifetimeEdit(), u"12h"_qs);
    QTest::mouseClick(okButton(dialog.buttons()), Qt::LeftButton);
    // Signing and sealing run off the UI thread, the dialog waiting with its fields disabled.
    QVERIFY(dialog.isIssuing());
    QVERIFY(!dialog.lifetimeEdit()->isEnabled());
    QVERIFY(!okButton(dialog.buttons())->isEnabled());
    QTRY_VERIFY(!dialog.isIssuing());
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY2(dialog.issuedDcId() != 0, qPrintable(dialog.errorLabel()->text()));
    const WorkspaceSnapshot &snapshot = demo.session.snapshot();
    QCOMPARE(snapshot.dcs.size(), before + 1);
    const DcRecord *dc = snapshot.dc(dialog.issuedDcId());
    QVERIFY(dc);
    QCOMPARE(dc->certificateId, api);
    QCOMPARE(dc->role, DcRole::Client);
    QCOMPARE(dc->issuedAt, kNow);
    QCOMPARE(dc->expiresAt, kNow.addSecs(12 * 3600));
    QVERIFY(dc->hasKey);
    // The bytes say the same: the DC's valid_time ends 12 h from now under the certificate.
    const auto decoded = DelegatedCredential::decode(dc->bytes);
    QVERIFY(decoded);
    QCOMPARE(decoded->expiry(demo.session.workspace()->certificate(api)->certificate),
             kNow.addSecs(12 * 3600));
}

void DialogsTest::issueAsksForThePassphrase()
{
    Demo demo;
    WorkspaceSession locked(demo.clock);
    QVERIFY(locked.open(demo.path()));
    IssueDcDialog dialog(locked);
    dialog.show();
    QVERIFY(dialog.setCertificate(demo.certificateId(u"edge.demo.test"_qs)));
    retype(dialog.lifetimeEdit(), u"6h"_qs);
    QTest::mouseClick(okButton(dialog.buttons()), Qt::LeftButton);
    QPointer<PassphraseDialog> ask = dialog.findChild<PassphraseDialog *>();
    QVERIFY(ask);
    QTRY_VERIFY(ask->isVisible());
    QCOMPARE(dialog.issuedDcId(), 0);
    QTest::keyClicks(ask->passphraseEdit(), u"wrong"_qs);
    QTest::mouseClick(okButton(ask->findChild<QDialogButtonBox *>()), Qt::LeftButton);
    QTRY_VERIFY(!ask->isChecking());
    QCOMPARE(ask->errorLabel()->text(), u"Wrong passphrase"_qs);
    QVERIFY(ask->isVisible());
    QTest::keyClicks(ask->passphraseEdit(), QString::fromLatin1(kPassphrase));
    QTest::mouseClick(okButton(ask->findChild<QDialogButtonBox *>()), Qt::LeftButton);
    QTRY_VERIFY(locked.isUnlocked());
    QTRY_VERIFY(!dialog.isIssuing() && dialog.result() == QDialog::Accepted);
    QVERIFY(dialog.issuedDcId() != 0);
    const DcRecord *dc = locked.snapshot().dc(dialog.issuedDcId());
    QVERIFY(dc);
    QCOMPARE(dc->role, DcRole::Server);
    QCOMPARE(dc->expiresAt, kNow.addSecs(6 * 3600));
}

void DialogsTest::targetsDialogAddsTarget()
{
    Demo demo;
    const qint64 policyId =
        demo.session.snapshot().policyFor(demo.certificateId(u"api.demo.test"_qs))->policy.id;
    TargetsDialog targets(demo.session, policyId);
    targets.show();
    QCOMPARE(targets.windowTitle(), u"Export Targets of api.demo.test"_qs);
    QCOMPARE(targets.targetsTable()->rowCount(), 0);

    QTest::mouseClick(targets.addButton(), Qt::LeftButton);
    QPointer<AddTargetDialog> add = targets.findChild<AddTargetDialog *>();
    QVERIFY(add);
    QTRY_VERIFY(add->isVisible());
    QCOMPARE(add->profileCombo()->count(), int(bundleProfileNames().size()));
    QCOMPARE(add->roleCombo()->count(), 2);          // the policy keeps server and client DCs
    QVERIFY(!okButton(add->buttons())->isEnabled()); // no directory yet
    QTest::keyClicks(add->profileCombo(), u"fizz"_qs);
    QCOMPARE(add->profileCombo()->currentText(), u"fizz"_qs);
    QTest::keyClicks(add->roleCombo(), u"C"_qs);
    QCOMPARE(add->roleCombo()->currentText(), u"Client"_qs);
    const QString directory = demo.dir.filePath(u"api-client"_qs);
    QTest::keyClicks(add->directoryEdit(), directory);
    QTest::keyClicks(add->hookEdit(), u"systemctl reload fizz"_qs);
    QVERIFY(okButton(add->buttons())->isEnabled());
    QTest::mouseClick(okButton(add->buttons()), Qt::LeftButton);
    QCOMPARE(add->result(), int(QDialog::Accepted));
    QVERIFY(add->addedTargetId() != 0);
    QTRY_VERIFY(!add); // closed and gone

    QCOMPARE(targets.targetsTable()->rowCount(), 1);
    const auto text = [&](int column) {
        return targets.targetsTable()->item(0, column)->text();
    };
    QCOMPARE(text(TargetsDialog::ProfileColumn), u"fizz"_qs);
    QCOMPARE(text(TargetsDialog::RoleColumn), u"Client"_qs);
    QCOMPARE(text(TargetsDialog::DirectoryColumn), directory);
    QCOMPARE(text(TargetsDialog::HookColumn), u"systemctl reload fizz"_qs);
    QCOMPARE(text(TargetsDialog::LastResultColumn), u"not exported yet"_qs);
    const PolicyPlan *policy =
        demo.session.snapshot().policyFor(demo.certificateId(u"api.demo.test"_qs));
    QCOMPARE(policy->targets.size(), 1);
    QCOMPARE(policy->targets.first().profile, u"fizz"_qs);
    QCOMPARE(policy->targets.first().role, DcRole::Client);

    // The same directory twice is refused, and the dialog says why.
    QTest::mouseClick(targets.addButton(), Qt::LeftButton);
    add = targets.findChild<AddTargetDialog *>();
    QVERIFY(add);
    QTest::keyClicks(add->directoryEdit(), directory);
    QTest::mouseClick(okButton(add->buttons()), Qt::LeftButton);
    QVERIFY(add->isVisible());
    QVERIFY2(add->errorLabel()->text().endsWith(u"is already the target of policy %1: two "
                                                u"policies writing one `current` would replace "
                                                u"each other's DCs"_qs.arg(policyId)),
             qPrintable(add->errorLabel()->text()));
    QCOMPARE(targets.targetsTable()->rowCount(), 1);

    // As `batonctl target add`: a hook rotation could not run is refused when it is entered.
    add->directoryEdit()->clear();
    QTest::keyClicks(add->directoryEdit(), demo.dir.filePath(u"api-server"_qs));
    QTest::keyClicks(add->hookEdit(), u"no-such-reload-command"_qs);
    QTest::mouseClick(okButton(add->buttons()), Qt::LeftButton);
    QVERIFY(add->isVisible());
    QVERIFY2(add->errorLabel()->text().startsWith(
                 u"the hook's program 'no-such-reload-command' is not an executable"_qs),
             qPrintable(add->errorLabel()->text()));
    QCOMPARE(targets.targetsTable()->rowCount(), 1);
}

QTEST_MAIN(DialogsTest)
#include "tst_dialogs.moc"
