// The Export wizard, driven as a person would: choosing a profile, typing a directory,
// reading the preview (nothing written yet), exporting, and reading bundle verify's verdict.

#include "DemoSession.h"
#include "TestPki.h"
#include "details/CheckList.h"
#include "dialogs/PassphraseDialog.h"
#include "export/BundleVerifier.h"
#include "export/ExportWizard.h"
#include "session/WorkspaceSession.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace baton;
using namespace baton::test;
using namespace baton::ui;

namespace {

const QDateTime kNow = kDemoNow;
const QByteArray kPassphrase = kDemoPassphrase;

struct Demo : DemoSession
{
    /// edge.demo.test's DCs, oldest first.
    QList<const DcRecord *> edgeDcs() const
    {
        return session.snapshot().dcsOf(certificateId(u"edge.demo.test"_qs));
    }
    qint64 newestEdgeDc() const { return edgeDcs().isEmpty() ? 0 : edgeDcs().last()->id; }
    qint64 expiredEdgeDc() const
    {
        for (const DcRecord *dc : edgeDcs()) {
            if (dc->expiresAt <= kNow)
                return dc->id;
        }
        return 0;
    }
};

QPushButton *wizardButton(QWizard &wizard, QWizard::WizardButton which)
{
    return qobject_cast<QPushButton *>(wizard.button(which));
}

void chooseProfile(ExportWizard &wizard, const QString &name)
{
    QListWidget *list = wizard.profileList();
    QListWidgetItem *item = nullptr;
    for (int i = 0; i < list->count(); ++i) {
        if (list->item(i)->data(Qt::UserRole).toString() == name)
            item = list->item(i);
    }
    QVERIFY2(item, qPrintable(name));
    list->scrollToItem(item);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(item).center());
    QCOMPARE(wizard.profileName(), name);
}

struct PreviewRow
{
    QString name;
    QString mode;
};

QList<PreviewRow> rowsOf(const QTreeWidget *list, const QTreeWidgetItem *parent = nullptr)
{
    QList<PreviewRow> rows;
    const int count = parent ? parent->childCount() : list->topLevelItemCount();
    for (int i = 0; i < count; ++i) {
        const QTreeWidgetItem *item = parent ? parent->child(i) : list->topLevelItem(i);
        rows.append({item->text(0), item->text(1)});
    }
    return rows;
}

QStringList namesOf(const QList<PreviewRow> &rows)
{
    QStringList names;
    for (const PreviewRow &row : rows)
        names << row.name;
    return names;
}

} // namespace

class ExportWizardTest : public QObject
{
    Q_OBJECT

private slots:
    void everyProfileIsDescribed();
    void exportsAndVerifies_data();
    void exportsAndVerifies();
    void lockedWorkspaceUnlocksForThePreview();
    void expiredDcIsRefused();
    void destinationIsChecked_data();
    void destinationIsChecked();
};

void ExportWizardTest::everyProfileIsDescribed()
{
    Demo demo;
    ExportWizard wizard(&demo.session, demo.newestEdgeDc());
    QAbstractItemModelTester tester(wizard.profileList()->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(wizard.profileList()->count(), bundleProfileNames().size());
    for (const QString &name : bundleProfileNames()) {
        const QString description = ExportWizard::profileDescription(name);
        QVERIFY2(!description.isEmpty(), qPrintable(name));
        QVERIFY2(!description.contains(QLatin1Char('\n')), qPrintable(name));
    }
    QVERIFY(ExportWizard::profileDescription(u"nss"_qs).contains(u"NSS"_qs));
}

void ExportWizardTest::exportsAndVerifies_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<bool>("tar");
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QString>("keyFile");
    QTest::addColumn<QString>("form");

    const QStringList nssFiles{u"dc.bin"_qs, u"dc-key.der"_qs, u"chain.pem"_qs,
                               u"manifest.json"_qs};
    QTest::newRow("nss, files") << u"nss"_qs << false << nssFiles << u"dc-key.der"_qs
                                << u"directory"_qs;
    QTest::newRow("nss, tar.gz") << u"nss"_qs << true << nssFiles << u"dc-key.der"_qs
                                 << u"tar.gz"_qs;
    QTest::newRow("fizz, files") << u"fizz"_qs << false
                                 << QStringList{u"fizz-dc.pem"_qs, u"dc.bin"_qs,
                                                u"manifest.json"_qs}
                                 << u"fizz-dc.pem"_qs << u"directory"_qs;
}

void ExportWizardTest::exportsAndVerifies()
{
    QFETCH(QString, profile);
    QFETCH(bool, tar);
    QFETCH(QStringList, files);
    QFETCH(QString, keyFile);
    QFETCH(QString, form);

    Demo demo;
    const qint64 dcId = demo.newestEdgeDc();
    QVERIFY(dcId > 0);
    QVERIFY(demo.session.snapshot().dc(dcId)->expiresAt > kNow);
    const QString directory = demo.dir.filePath(u"bundle"_qs);

    ExportWizard wizard(&demo.session, dcId);
    QSignalSpy exported(&wizard, &ExportWizard::exported);
    wizard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&wizard));
    QCOMPARE(wizard.currentId(), int(ExportWizard::ProfilePage));
    QVERIFY2(wizard.findChild<QLabel *>(u"exportDcLabel"_qs)->text().contains(u"edge.demo.test"_qs),
             qPrintable(wizard.findChild<QLabel *>(u"exportDcLabel"_qs)->text()));
    chooseProfile(wizard, profile);
    if (QTest::currentTestFailed())
        return;
    if (tar) {
        wizard.tarCheck()->setFocus();
        QTest::keyClick(wizard.tarCheck(), Qt::Key_Space);
    }
    QCOMPARE(wizard.tarChosen(), tar);
    QTest::mouseClick(wizardButton(wizard, QWizard::NextButton), Qt::LeftButton);

    QCOMPARE(wizard.currentId(), int(ExportWizard::DestinationPage));
    QVERIFY(!wizardButton(wizard, QWizard::NextButton)->isEnabled()); // no directory yet
    QTest::keyClicks(wizard.directoryEdit(), directory);
    QVERIFY(wizardButton(wizard, QWizard::NextButton)->isEnabled());
    QTest::mouseClick(wizardButton(wizard, QWizard::NextButton), Qt::LeftButton);

    QCOMPARE(wizard.currentId(), int(ExportWizard::PreviewPage));
    // The DC's key is opened off the UI thread (a scrypt run); the page waits for it.
    QVERIFY(wizard.isOpeningKey());
    QVERIFY(!wizardButton(wizard, QWizard::CommitButton)->isEnabled());
    QTRY_VERIFY(!wizard.isOpeningKey());
    QTreeWidget *preview = wizard.previewList();
    QList<PreviewRow> rows = rowsOf(preview);
    if (tar) {
        QCOMPARE(namesOf(rows), QStringList{u"bundle.tar.gz"_qs});
        QCOMPARE(rows[0].mode, u"0600"_qs); // it holds the key
        rows = rowsOf(preview, preview->topLevelItem(0));
    }
    QCOMPARE(namesOf(rows), files);
    for (const PreviewRow &row : rows)
        QCOMPARE(row.mode, row.name == keyFile ? u"0600"_qs : u"0644"_qs);
    for (int i = 0; i < preview->topLevelItemCount(); ++i)
        QVERIFY(preview->topLevelItem(i)->data(2, Qt::UserRole).toLongLong() > 0);
    // A preview writes nothing.
    QVERIFY(!QFileInfo::exists(directory));

    QPushButton *exportButton = wizardButton(wizard, QWizard::CommitButton);
    QVERIFY(exportButton->isVisible());
    QVERIFY(exportButton->isEnabled());
    QCOMPARE(exportButton->text(), u"&Export"_qs);
    QTest::mouseClick(exportButton, Qt::LeftButton);

    QCOMPARE(wizard.currentId(), int(ExportWizard::ResultPage));
    QCOMPARE(wizard.resultHeadline()->text(), u"OK"_qs);
    QCOMPARE(exported.count(), 1);
    QCOMPARE(exported.first().at(1).toBool(), true);
    QVERIFY(wizard.exportResult());
    QVERIFY(wizard.resultDetails()->text().contains(wizard.exportResult()->generation.name));
    const QList<DcCheck> shown = wizard.resultChecks()->checks();
    QVERIFY(!shown.isEmpty());
    QVERIFY2(noCheckFailed(shown), qPrintable(describeChecks(shown)));
    QCOMPARE(wizard.resultChecks()->findChildren<QLabel *>(u"checkOutcome"_qs).size(),
             shown.size());

    auto verified = verifyBundle(directory, kNow);
    QVERIFY2(verified, qPrintable(verified.errorMessage()));
    QVERIFY2(verified->valid(), qPrintable(describeChecks(verified->checks)));
    QCOMPARE(verified->profile, profile);
    QCOMPARE(verified->form, form);
    QCOMPARE(verified->checks.size(), shown.size());
    const QString written =
        QDir(directory).filePath(u"current/"_qs) + (tar ? u"bundle.tar.gz"_qs : keyFile);
    QCOMPARE(QFileInfo(written).permissions() & (QFile::ReadGroup | QFile::ReadOther),
             QFile::Permissions());

    // The export is in the audit trail.
    auto events = demo.session.workspace()->events();
    QVERIFY(events);
    QVERIFY(std::any_of(events->cbegin(), events->cend(), [dcId](const EventRecord &event) {
        return event.kind == u"exported"_qs && event.dcId == dcId;
    }));

    QPushButton *finish = wizardButton(wizard, QWizard::FinishButton);
    QVERIFY(finish->isVisible());
    QTest::mouseClick(finish, Qt::LeftButton);
    QCOMPARE(wizard.result(), int(QDialog::Accepted));
}

void ExportWizardTest::lockedWorkspaceUnlocksForThePreview()
{
    Demo demo;
    const qint64 dcId = demo.newestEdgeDc();
    demo.session.close();
    QVERIFY(demo.session.open(demo.path()));
    QVERIFY(!demo.session.isUnlocked());

    ExportWizard wizard(&demo.session, dcId);
    wizard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&wizard));
    chooseProfile(wizard, u"nss"_qs);
    QTest::mouseClick(wizardButton(wizard, QWizard::NextButton), Qt::LeftButton);
    QTest::keyClicks(wizard.directoryEdit(), demo.dir.filePath(u"bundle"_qs));
    QTest::mouseClick(wizardButton(wizard, QWizard::NextButton), Qt::LeftButton);
    QCOMPARE(wizard.currentId(), int(ExportWizard::PreviewPage));

    // The files are built from the sealed DC key: nothing to preview, nor export, until unlocked.
    QCOMPARE(wizard.previewList()->topLevelItemCount(), 0);
    QVERIFY(!wizardButton(wizard, QWizard::CommitButton)->isEnabled());
    QVERIFY(wizard.previewUnlockButton()->isVisible());
    QTest::mouseClick(wizard.previewUnlockButton(), Qt::LeftButton);
    QPointer<PassphraseDialog> ask = wizard.findChild<PassphraseDialog *>();
    QVERIFY(ask);
    QTest::keyClicks(ask->passphraseEdit(), QString::fromLatin1(kPassphrase));
    QTest::mouseClick(ask->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok),
                      Qt::LeftButton);
    QTRY_VERIFY(demo.session.isUnlocked());
    QTRY_COMPARE(wizard.previewList()->topLevelItemCount(), 4);
    QVERIFY(!wizard.previewUnlockButton()->isVisible());
    QVERIFY(wizardButton(wizard, QWizard::CommitButton)->isEnabled());
}

void ExportWizardTest::expiredDcIsRefused()
{
    Demo demo;
    const qint64 dcId = demo.expiredEdgeDc();
    QVERIFY(dcId > 0);
    ExportWizard wizard(&demo.session, dcId);
    wizard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&wizard));
    QLabel *problem = wizard.findChild<QLabel *>(u"exportProblem"_qs);
    QVERIFY(problem->isVisible());
    QVERIFY2(problem->text().startsWith(u"Peers would reject this DC"_qs),
             qPrintable(problem->text()));
    QVERIFY(!wizardButton(wizard, QWizard::NextButton)->isEnabled());
}

void ExportWizardTest::destinationIsChecked_data()
{
    QTest::addColumn<QString>("typed"); // "%1" is the temporary directory
    QTest::addColumn<QString>("problem");
    QTest::newRow("relative") << u"bundle"_qs << u"Enter an absolute path"_qs;
    QTest::newRow("a file") << u"%1/demo.baton"_qs << u"is a file, not a directory"_qs;
    QTest::newRow("a foreign current") << u"%1/foreign"_qs << u"is not a symbolic link"_qs;
}

void ExportWizardTest::destinationIsChecked()
{
    QFETCH(QString, typed);
    QFETCH(QString, problem);
    Demo demo;
    QVERIFY(QDir(demo.dir.path()).mkpath(u"foreign/current"_qs));
    ExportWizard wizard(&demo.session, demo.newestEdgeDc());
    wizard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&wizard));
    QTest::mouseClick(wizardButton(wizard, QWizard::NextButton), Qt::LeftButton);
    QTest::keyClicks(wizard.directoryEdit(),
                     typed.contains(u"%1"_qs) ? typed.arg(demo.dir.path()) : typed);
    QTest::mouseClick(wizardButton(wizard, QWizard::NextButton), Qt::LeftButton);
    QCOMPARE(wizard.currentId(), int(ExportWizard::DestinationPage));
    QLabel *error = wizard.findChild<QLabel *>(u"exportDestinationError"_qs);
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(problem), qPrintable(error->text()));
}

QTEST_MAIN(ExportWizardTest)
#include "tst_export_wizard.moc"
