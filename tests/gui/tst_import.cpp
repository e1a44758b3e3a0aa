// Getting things into the workspace: the import preview (every object found, where each
// stands, unlocking encrypted ones, adding or cancelling) and the drag-and-drop / clipboard
// plumbing (what a drop offers, internal drags, dragging items out as PEM).

#include "DemoSession.h"
#include "TestPki.h"
#include "common/Pem.h"
#include "dialogs/PassphraseDialog.h"
#include "import/ImportPreviewDialog.h"
#include "import/ImportSources.h"
#include "session/WorkspaceSession.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QUrl>

using namespace baton;
using namespace baton::test;
using namespace baton::ui;

namespace {

const QDateTime kNow = kDemoNow;
const QByteArray kPassphrase = kDemoPassphrase;
const QByteArray kFilePassphrase = "file secret";
constexpr int kReadTimeoutMs = 20000;

struct Demo : DemoSession
{
    /// Writes `content` beside the workspace and returns its path.
    QString writeFile(const QString &name, const QByteArray &content) const
    {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(file.fileName()));
        return file.fileName();
    }

    qsizetype storedCertificates() const
    {
        auto stored = session.workspace()->certificates();
        return stored ? stored->size() : -1;
    }

    const CertificateSummary *summaryOf(const Certificate &certificate) const
    {
        const QString sha256 = QString::fromLatin1(certificate.sha256Fingerprint().toHex());
        for (const CertificateSummary &summary : session.snapshot().certificates) {
            if (summary.sha256 == sha256)
                return &summary;
        }
        return nullptr;
    }
};

TestIdentity newIdentity()
{
    CertificateOptions options;
    options.commonName = u"import.demo.test"_qs;
    options.dnsNames = {u"import.demo.test"_qs};
    return makeIdentity(options);
}

QList<QTreeWidgetItem *> objectRows(const QTreeWidget *list)
{
    QList<QTreeWidgetItem *> rows;
    for (int i = 0; i < list->topLevelItemCount(); ++i) {
        for (int j = 0; j < list->topLevelItem(i)->childCount(); ++j)
            rows << list->topLevelItem(i)->child(j);
    }
    return rows;
}

QString statusId(const QTreeWidgetItem *row)
{
    return row->data(ImportPreviewDialog::StatusColumn, ImportPreviewDialog::kStatusRole)
        .toString();
}

QString statusText(const QTreeWidgetItem *row)
{
    return row->text(ImportPreviewDialog::StatusColumn);
}

QString kindText(const QTreeWidgetItem *row)
{
    return row->text(ImportPreviewDialog::KindColumn);
}

void clickRow(QTreeWidget *list, QTreeWidgetItem *row)
{
    list->scrollToItem(row);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(row).center());
}

/// As the platform delivers one: a click, then the second press as a double-click event.
void doubleClickRow(QTreeWidget *list, QTreeWidgetItem *row)
{
    clickRow(list, row);
    const QPoint at = list->visualItemRect(row).center();
    QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseRelease(list->viewport(), Qt::LeftButton, {}, at);
}

void typeInto(PassphraseDialog *ask, const QByteArray &passphrase)
{
    QTest::keyClicks(ask->passphraseEdit(), QString::fromUtf8(passphrase));
    QTest::mouseClick(ask->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok),
                      Qt::LeftButton);
}

} // namespace

class ImportTest : public QObject
{
    Q_OBJECT

private slots:
    void previewListsEverythingAndAddsOnlyWhenConfirmed();
    void alreadyInWorkspace_data();
    void alreadyInWorkspace();
    void encryptedKeyUnlockedThroughTheDialog();
    void cancelAddsNothing();
    void lockedWorkspaceAsksItsPassphraseForKeys();
    void unreadableSourcesAreListed();
    void sourcesFromMime_data();
    void sourcesFromMime();
    void draggedOutItemsRoundTrip();
};

void ImportTest::previewListsEverythingAndAddsOnlyWhenConfirmed()
{
    Demo demo;
    const TestIdentity identity = newIdentity();
    const QString file =
        demo.writeFile(u"identity.pem"_qs, identity.certificatePem + identity.keyPem);

    ImportPreviewDialog dialog(&demo.session);
    QSignalSpy busy(&dialog, &ImportPreviewDialog::busyChanged);
    QSignalSpy imported(&dialog, &ImportPreviewDialog::imported);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.addFiles({file});
    QVERIFY(dialog.isBusy());
    QVERIFY(dialog.findChild<QProgressBar *>(u"importBusy"_qs)->isVisible());
    QVERIFY(!dialog.addButton()->isEnabled()); // nothing to add while reading
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), kReadTimeoutMs);
    QVERIFY(dialog.findChild<QProgressBar *>(u"importBusy"_qs)->isHidden());
    QCOMPARE(busy.count(), 2);
    QCOMPARE(busy.last().first().toBool(), false);

    QTreeWidget *list = dialog.objectList();
    QCOMPARE(list->accessibleName(), u"Objects found"_qs);
    QCOMPARE(list->topLevelItemCount(), 1);
    QCOMPARE(list->topLevelItem(0)->text(ImportPreviewDialog::LocationColumn),
             QDir::toNativeSeparators(file));
    const QList<QTreeWidgetItem *> rows = objectRows(list);
    QCOMPARE(rows.size(), 2);
    QCOMPARE(kindText(rows[0]), u"certificate"_qs);
    QCOMPARE(kindText(rows[1]), u"private key"_qs);
    for (const QTreeWidgetItem *row : rows) {
        QCOMPARE(statusId(row), u"new"_qs);
        QCOMPARE(statusText(row), u"new"_qs);
        QVERIFY(!row->text(ImportPreviewDialog::LocationColumn).isEmpty());
    }
    QVERIFY2(rows[0]->text(ImportPreviewDialog::SummaryColumn).contains(u"import.demo.test"_qs),
             qPrintable(rows[0]->text(ImportPreviewDialog::SummaryColumn)));
    QCOMPARE(dialog.summaryLabel()->text(), u"2 object(s) found: 2 new."_qs);

    // Previewing wrote nothing.
    QCOMPARE(demo.session.snapshot().certificates.size(), 3);
    QCOMPARE(demo.storedCertificates(), 3);
    QVERIFY(!dialog.unlockButton()->isEnabled());

    QVERIFY(dialog.addButton()->isEnabled());
    QCOMPARE(dialog.addButton()->accessibleName(), u"Add to workspace"_qs);
    QTest::mouseClick(dialog.addButton(), Qt::LeftButton);
    // Adding runs off the UI thread (sealing keys is scrypt work); the dialog is busy meanwhile.
    QVERIFY(dialog.isBusy());
    QVERIFY(!dialog.addButton()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), kReadTimeoutMs);

    QVERIFY(dialog.hasAdded());
    QCOMPARE(imported.count(), 1);
    QCOMPARE(dialog.outcomes().size(), 2);
    for (const ImportOutcome &outcome : dialog.outcomes())
        QCOMPARE(outcome.result, ImportOutcome::Result::Added);
    QCOMPARE(demo.session.snapshot().certificates.size(), 4);
    const CertificateSummary *added = demo.summaryOf(identity.certificate);
    QVERIFY(added);
    QVERIFY(added->hasKey);
    for (const QTreeWidgetItem *row : objectRows(list)) {
        QCOMPARE(statusId(row), u"added"_qs);
        QCOMPARE(statusText(row), u"added"_qs);
    }
    QCOMPARE(dialog.summaryLabel()->text(), u"Import finished: 2 added."_qs);
    QVERIFY(dialog.addButton()->isHidden());
    QVERIFY(dialog.cancelButton()->isHidden());
    QVERIFY(dialog.closeButton()->isVisible());
    QTest::mouseClick(dialog.closeButton(), Qt::LeftButton);
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
}

void ImportTest::alreadyInWorkspace_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("the edge certificate") << u"certificate"_qs;
    QTest::newRow("the edge certificate's key") << u"private key"_qs;
    QTest::newRow("edge's newest DC") << u"delegated credential"_qs;
}

void ImportTest::alreadyInWorkspace()
{
    QFETCH(QString, kind);
    Demo demo;
    const WorkspaceSnapshot &snapshot = demo.session.snapshot();
    const CertificateSummary *edge = certificateNamed(snapshot, u"edge.demo.test"_qs);
    QVERIFY(edge);
    QByteArray pem;
    if (kind == u"certificate"_qs) {
        auto record = demo.session.workspace()->certificate(edge->id);
        QVERIFY(record);
        pem = encodePem(u"CERTIFICATE"_qs, record->certificate.der());
    } else if (kind == u"private key"_qs) {
        auto key = demo.session.workspace()->certificateKey(edge->id);
        QVERIFY2(key, qPrintable(key.errorMessage()));
        auto encoded = encodePrivateKeyPkcs8Pem(key->get());
        QVERIFY(encoded);
        pem = encoded->bytes();
    } else {
        const DcRecord *newest = snapshot.dcsOf(edge->id).last();
        pem = encodePem(u"SERVER DELEGATED CREDENTIAL"_qs, newest->bytes);
    }

    ImportPreviewDialog dialog(&demo.session);
    dialog.addText(pem);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), kReadTimeoutMs);
    QCOMPARE(dialog.objectList()->topLevelItem(0)->text(ImportPreviewDialog::LocationColumn),
             u"Pasted text"_qs);
    const QList<QTreeWidgetItem *> rows = objectRows(dialog.objectList());
    QCOMPARE(rows.size(), 1);
    QCOMPARE(kindText(rows[0]), kind);
    QCOMPARE(statusId(rows[0]), u"present"_qs);
    QCOMPARE(statusText(rows[0]), u"already in the workspace"_qs);
    // Nothing new: nothing to add.
    QVERIFY(!dialog.addButton()->isEnabled());
}

void ImportTest::encryptedKeyUnlockedThroughTheDialog()
{
    Demo demo;
    const TestIdentity identity = newIdentity();
    const QString file = demo.writeFile(u"encrypted.pem"_qs,
                                        identity.certificatePem +
                                            encryptedKeyPem(identity.key.get(), kFilePassphrase));

    ImportPreviewDialog dialog(&demo.session);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.addFiles({file});
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), kReadTimeoutMs);
    QTreeWidget *list = dialog.objectList();
    QList<QTreeWidgetItem *> rows = objectRows(list);
    QCOMPARE(rows.size(), 2);
    QCOMPARE(statusId(rows[0]), u"new"_qs);
    QCOMPARE(kindText(rows[1]), u"private key"_qs);
    QCOMPARE(statusId(rows[1]), u"passphrase"_qs);
    QCOMPARE(statusText(rows[1]), u"encrypted — passphrase needed"_qs);
    QVERIFY(dialog.unlockButton()->isEnabled());
    QCOMPARE(dialog.unlockButton()->accessibleName(), u"Unlock encrypted objects"_qs);

    // A wrong passphrase first (the row's double-click asks for it): the key stays locked and
    // the dialog says so.
    doubleClickRow(list, rows[1]);
    QPointer<PassphraseDialog> ask = dialog.findChild<PassphraseDialog *>();
    QVERIFY(ask);
    QVERIFY(ask->isVisible());
    typeInto(ask, "not it");
    QTRY_VERIFY(ask.isNull());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), kReadTimeoutMs);
    rows = objectRows(list);
    QCOMPARE(statusId(rows[1]), u"passphrase"_qs);
    QVERIFY2(dialog.summaryLabel()->text().contains(u"did not open"_qs),
             qPrintable(dialog.summaryLabel()->text()));

    // The right one opens it, through the button this time, and the key becomes importable.
    clickRow(list, rows[1]);
    QCOMPARE(list->currentItem(), rows[1]);
    QTest::mouseClick(dialog.unlockButton(), Qt::LeftButton);
    ask = dialog.findChild<PassphraseDialog *>();
    QVERIFY(ask);
    typeInto(ask, kFilePassphrase);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), kReadTimeoutMs);
    rows = objectRows(list);
    QCOMPARE(rows.size(), 2);
    QCOMPARE(statusId(rows[1]), u"new"_qs);
    QCOMPARE(statusText(rows[1]), u"new"_qs);
    QVERIFY2(dialog.summaryLabel()->text().contains(u"Unlocked"_qs),
             qPrintable(dialog.summaryLabel()->text()));
    QVERIFY(!dialog.unlockButton()->isEnabled());
    QCOMPARE(demo.storedCertificates(), 3);

    QTest::mouseClick(dialog.addButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.hasAdded(), kReadTimeoutMs);
    const CertificateSummary *added = demo.summaryOf(identity.certificate);
    QVERIFY(added);
    QVERIFY(added->hasKey);
}

void ImportTest::cancelAddsNothing()
{
    Demo demo;
    const TestIdentity identity = newIdentity();
    const QString file =
        demo.writeFile(u"identity.pem"_qs, identity.certificatePem + identity.keyPem);
    ImportPreviewDialog dialog(&demo.session);
    QSignalSpy imported(&dialog, &ImportPreviewDialog::imported);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.addFiles({file});
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), kReadTimeoutMs);
    QVERIFY(dialog.addButton()->isEnabled());
    QTest::mouseClick(dialog.cancelButton(), Qt::LeftButton);
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QVERIFY(!dialog.isVisible());
    QCOMPARE(imported.count(), 0);
    QVERIFY(!dialog.hasAdded());
    QCOMPARE(demo.storedCertificates(), 3);
    QVERIFY(!demo.summaryOf(identity.certificate));
}

void ImportTest::lockedWorkspaceAsksItsPassphraseForKeys()
{
    Demo demo;
    demo.session.close();
    QVERIFY(demo.session.open(demo.path()));
    QVERIFY(!demo.session.isUnlocked());
    const TestIdentity identity = newIdentity();

    ImportPreviewDialog dialog(&demo.session);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.addText(identity.certificatePem + identity.keyPem, u"Dropped text"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), kReadTimeoutMs);
    QTest::mouseClick(dialog.addButton(), Qt::LeftButton);
    // The key is sealed with the workspace passphrase: asked for before anything is added.
    QPointer<PassphraseDialog> ask = dialog.findChild<PassphraseDialog *>();
    QVERIFY(ask);
    QVERIFY(!dialog.hasAdded());
    QCOMPARE(demo.storedCertificates(), 3);
    typeInto(ask, kPassphrase);
    QTRY_VERIFY(demo.session.isUnlocked());
    QTRY_VERIFY_WITH_TIMEOUT(dialog.hasAdded(), kReadTimeoutMs);
    const CertificateSummary *added = demo.summaryOf(identity.certificate);
    QVERIFY(added);
    QVERIFY(added->hasKey);
}

void ImportTest::unreadableSourcesAreListed()
{
    Demo demo;
    const TestIdentity identity = newIdentity();
    ImportPreviewDialog dialog(&demo.session);
    // Three sources at once, one file missing and the text broken: all listed, each with its
    // problem, and the good one still importable.
    dialog.addSources(
        {.files = {demo.dir.filePath(u"missing.pem"_qs),
                   demo.writeFile(u"cert.pem"_qs, identity.certificatePem)},
         .text = "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n"},
        u"Dropped text"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), kReadTimeoutMs);
    QTreeWidget *list = dialog.objectList();
    QCOMPARE(list->topLevelItemCount(), 3);
    const QString missing = list->topLevelItem(0)->text(ImportPreviewDialog::StatusColumn);
    QVERIFY2(missing.startsWith(u"error: "_qs) && missing.contains(u"missing.pem"_qs),
             qPrintable(missing));
    QCOMPARE(list->topLevelItem(0)->childCount(), 0);
    QCOMPARE(list->topLevelItem(1)->childCount(), 1);
    QCOMPARE(statusId(list->topLevelItem(1)->child(0)), u"new"_qs);
    // The broken block is an object of its own, with the importer's reason.
    QCOMPARE(list->topLevelItem(2)->text(ImportPreviewDialog::LocationColumn), u"Dropped text"_qs);
    QCOMPARE(list->topLevelItem(2)->childCount(), 1);
    const QTreeWidgetItem *broken = list->topLevelItem(2)->child(0);
    QCOMPARE(kindText(broken), u"certificate"_qs);
    QCOMPARE(statusId(broken), u"error"_qs);
    QVERIFY2(statusText(broken).startsWith(u"error: "_qs), qPrintable(statusText(broken)));
    QVERIFY(dialog.addButton()->isEnabled());
}

void ImportTest::sourcesFromMime_data()
{
    QTest::addColumn<QList<QUrl>>("urls");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("pem");
    QTest::addColumn<bool>("internal");
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QByteArray>("expectedText");

    const QString a = u"/tmp/a.pem"_qs;
    const QString b = u"/tmp/b.p12"_qs;
    QTest::newRow("local files (their paths in text/plain too)")
        << QList<QUrl>{QUrl::fromLocalFile(a), QUrl::fromLocalFile(b)} << a + u"\n"_qs + b
        << QByteArray() << false << QStringList{a, b} << QByteArray();
    QTest::newRow("a remote URL is not fetched, nor its text taken")
        << QList<QUrl>{QUrl(u"https://example.com/cert.pem"_qs)}
        << u"https://example.com/cert.pem"_qs << QByteArray() << false << QStringList()
        << QByteArray();
    QTest::newRow("text") << QList<QUrl>() << u"-----BEGIN CERTIFICATE-----"_qs << QByteArray()
                          << false << QStringList() << QByteArray("-----BEGIN CERTIFICATE-----");
    QTest::newRow("application/x-pem-file wins over text")
        << QList<QUrl>() << u"something else"_qs << QByteArray("PEM BYTES") << false
        << QStringList() << QByteArray("PEM BYTES");
    QTest::newRow("a drag from inside Baton")
        << QList<QUrl>() << u"-----BEGIN CERTIFICATE-----"_qs << QByteArray() << true
        << QStringList() << QByteArray("-----BEGIN CERTIFICATE-----");
}

void ImportTest::sourcesFromMime()
{
    QFETCH(QList<QUrl>, urls);
    QFETCH(QString, text);
    QFETCH(QByteArray, pem);
    QFETCH(bool, internal);
    QFETCH(QStringList, files);
    QFETCH(QByteArray, expectedText);

    QMimeData mime;
    if (!urls.isEmpty())
        mime.setUrls(urls);
    if (!text.isEmpty())
        mime.setText(text);
    if (!pem.isEmpty())
        mime.setData(QLatin1String(kPemMimeType), pem);
    if (internal)
        mime.setData(QLatin1String(kBatonMimeType), "certificate 00");

    const ImportSources sources = importSourcesFrom(&mime);
    QCOMPARE(sources.files, files);
    QCOMPARE(sources.text, expectedText);
    QCOMPARE(isInternalDrag(&mime), internal);
    QCOMPARE(canImport(&mime), !internal && !sources.isEmpty());
    QVERIFY(!isInternalDrag(nullptr));
    QVERIFY(importSourcesFrom(nullptr).isEmpty());
}

void ImportTest::draggedOutItemsRoundTrip()
{
    Demo demo;
    const TestIdentity identity = newIdentity();
    const std::unique_ptr<QMimeData> certificateMime(mimeForCertificate(identity.certificate));
    QVERIFY(isInternalDrag(certificateMime.get()));
    QVERIFY(!canImport(certificateMime.get()));
    QCOMPARE(certificateMime->data(QLatin1String(kBatonMimeType)),
             "certificate " + identity.certificate.sha256Fingerprint().toHex());
    QCOMPARE(certificateMime->text().toLatin1(),
             certificateMime->data(QLatin1String(kPemMimeType)));
    // Dropped on a text editor, then pasted back: the importer reads the very certificate.
    const ImportResult certificateRead = importData(certificateMime->text().toUtf8(), u"drag"_qs);
    QVERIFY2(certificateRead.complete(), qPrintable(certificateRead.error));
    QCOMPARE(certificateRead.objects.size(), 1);
    QCOMPARE(certificateRead.objects[0].kind, ImportedKind::Certificate);
    QCOMPARE(certificateRead.objects[0].certificate->der(), identity.certificate.der());

    const DcRecord dc = demo.session.snapshot().dcs.last();
    const std::unique_ptr<QMimeData> dcMime(mimeForDc(dc));
    QVERIFY(isInternalDrag(dcMime.get()));
    QCOMPARE(dcMime->data(QLatin1String(kBatonMimeType)), "dc " + QByteArray::number(dc.id));
    QVERIFY(dcMime->text().startsWith(dc.role == DcRole::Server
                                          ? u"-----BEGIN SERVER DELEGATED CREDENTIAL-----"_qs
                                          : u"-----BEGIN CLIENT DELEGATED CREDENTIAL-----"_qs));
    const ImportResult dcRead = importData(dcMime->data(QLatin1String(kPemMimeType)), u"drag"_qs);
    QVERIFY2(dcRead.complete(), qPrintable(dcRead.error));
    QCOMPARE(dcRead.objects.size(), 1);
    QCOMPARE(dcRead.objects[0].kind, ImportedKind::DelegatedCredential);
    QCOMPARE(dcRead.objects[0].delegatedCredential->bytes, dc.bytes);
}

QTEST_MAIN(ImportTest)
#include "tst_import.moc"
