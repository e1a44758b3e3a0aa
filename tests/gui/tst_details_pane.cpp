// The details pane over the demo workspace: what each tab shows for a certificate and a DC,
// driven through its real tabs, tree and buttons on the offscreen platform.

#include "DemoSession.h"
#include "TestPki.h"
#include "common/Pem.h"
#include "common/TimeFormat.h"
#include "dc/DcDocument.h"
#include "dc/DcReadiness.h"
#include "dc/DcVerifier.h"
#include "details/CheckList.h"
#include "details/DetailsPane.h"
#include "details/ValidityBar.h"
#include "session/WorkspaceSession.h"
#include "tls/SignatureScheme.h"
#include "x509/CertificateModel.h"

#include <QClipboard>
#include <QGroupBox>
#include <QGuiApplication>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace baton;
using namespace baton::test;
using baton::ui::CheckList;
using baton::ui::DetailsPane;
using baton::ui::ValidityBar;
using baton::ui::WorkspaceSession;

namespace {

const QDateTime kNow = utc(2026, 6, 1, 12);

QString labelText(const QWidget &root, const QString &objectName)
{
    const auto *label = root.findChild<QLabel *>(objectName);
    return label ? label->text() : u"<no label %1>"_qs.arg(objectName);
}

struct ShownCheck
{
    QString title;
    QString outcome;
    QString detail;
};

/// The rows a check list shows, read from its labels.
QList<ShownCheck> shownChecks(const QWidget &root, const QString &listName)
{
    QList<ShownCheck> checks;
    const auto *list = root.findChild<CheckList *>(listName);
    if (!list)
        return checks;
    const auto titles = list->findChildren<QLabel *>(u"checkTitle"_qs);
    const auto details = list->findChildren<QLabel *>(u"checkDetail"_qs);
    for (qsizetype i = 0; i < titles.size() && i < details.size(); ++i)
        checks.append(
            {titles[i]->text(), titles[i]->property("outcome").toString(), details[i]->text()});
    return checks;
}

void compareChecks(const QList<ShownCheck> &shown, const QList<DcCheck> &expected)
{
    QCOMPARE(shown.size(), expected.size());
    for (qsizetype i = 0; i < shown.size(); ++i) {
        QCOMPARE(shown[i].title, expected[i].title);
        QCOMPARE(shown[i].outcome, checkOutcomeName(expected[i].outcome));
        QCOMPARE(shown[i].detail, expected[i].detail);
    }
}

void clickTab(DetailsPane &pane, QWidget *tab)
{
    QTabBar *bar = pane.tabBar();
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(pane.indexOf(tab)).center());
}

} // namespace

class DetailsPaneTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void startsEmpty();
    void overview_data();
    void overview();
    void extensionsShowFieldsAndRawValue();
    void dcTab_data();
    void dcTab();
    void copyCertificatePem();
    void copyDcPemAndHex();
    void followsTheSnapshot();

private:
    qint64 certificateId(const QString &name) const;
    const DcRecord *dc(const QString &certificate, int index) const;
    Certificate loadCertificate(qint64 id) const;

    QTemporaryDir m_dir;
    FixedClock m_clock{kNow};
    WorkspaceSession m_session{m_clock};
};

void DetailsPaneTest::initTestCase()
{
    const Status created =
        m_session.create(m_dir.filePath(u"demo.baton"_qs), kDemoPassphrase, true, kFastWork);
    QVERIFY2(created, qPrintable(created.errorMessage()));
}

qint64 DetailsPaneTest::certificateId(const QString &name) const
{
    const CertificateSummary *summary = certificateNamed(m_session.snapshot(), name);
    return summary ? summary->id : 0;
}

const DcRecord *DetailsPaneTest::dc(const QString &certificate, int index) const
{
    return m_session.snapshot().dcsOf(certificateId(certificate)).at(index);
}

Certificate DetailsPaneTest::loadCertificate(qint64 id) const
{
    auto record = m_session.workspace()->certificate(id);
    if (!record)
        qFatal("%s", qPrintable(record.errorMessage()));
    return record->certificate;
}

void DetailsPaneTest::startsEmpty()
{
    DetailsPane pane(&m_session);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    QCOMPARE(pane.currentWidget(), pane.overviewTab());
    QVERIFY(labelText(pane, u"overviewMessage"_qs).contains(u"Select a certificate"_qs));
    QVERIFY(!pane.isTabVisible(pane.indexOf(pane.dcTab())));
    QVERIFY(!pane.isTabEnabled(pane.indexOf(pane.extensionsTab())));
    QVERIFY(!pane.findChild<QPushButton *>(u"copyPemButton"_qs)->isEnabled());
    QVERIFY(pane.findChild<QGroupBox *>(u"readinessGroup"_qs)->isHidden());
}

void DetailsPaneTest::overview_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("sans");
    QTest::addColumn<QString>("policyStatus"); // empty: no policy
    QTest::addColumn<double>("elapsed");
    QTest::newRow("edge") << u"edge.demo.test"_qs << u"edge.demo.test, www.demo.test"_qs << u"OK"_qs
                          << 30.0 / 90;
    QTest::newRow("api: due") << u"api.demo.test"_qs << u"api.demo.test"_qs << u"Due"_qs
                              << 10.0 / 20;
    QTest::newRow("the CA: no policy") << u"Baton Demo CA"_qs << u"none"_qs << QString() << -1.0;
}

void DetailsPaneTest::overview()
{
    QFETCH(QString, certificate);
    QFETCH(QString, sans);
    QFETCH(QString, policyStatus);
    QFETCH(double, elapsed);
    DetailsPane pane(&m_session);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    const qint64 id = certificateId(certificate);
    pane.showCertificate(id);
    QCOMPARE(pane.certificateId(), id);
    QCOMPARE(pane.currentWidget(), pane.overviewTab());
    const Certificate loaded = loadCertificate(id);

    QCOMPARE(labelText(pane, u"overviewTitle"_qs), certificate);
    QCOMPARE(labelText(pane, u"subjectValue"_qs), loaded.subject());
    QCOMPARE(labelText(pane, u"issuerValue"_qs), loaded.issuer());
    QCOMPARE(labelText(pane, u"sansValue"_qs), sans);
    QCOMPARE(labelText(pane, u"serialValue"_qs), loaded.serialNumberHex());
    QCOMPARE(labelText(pane, u"sha256Value"_qs), colonHex(loaded.sha256Fingerprint()));

    const auto *bar = pane.findChild<ValidityBar *>(u"validityBar"_qs);
    QVERIFY(bar);
    if (elapsed >= 0)
        QVERIFY2(qAbs(bar->elapsedFraction() - elapsed) < 0.01,
                 qPrintable(QString::number(bar->elapsedFraction())));
    QVERIFY(labelText(pane, u"validityText"_qs).contains(formatUtc(loaded.notAfter())));

    // Every readiness check, in core's order, with its outcome and its sentence.
    const DcReadiness readiness = assessDcReadiness(loaded, kNow);
    const QList<ShownCheck> shown = shownChecks(pane, u"readinessChecks"_qs);
    compareChecks(shown, readiness.checks);
    QStringList titles;
    for (const ShownCheck &check : shown)
        titles << check.title;
    QVERIFY2(titles.contains(u"End-entity certificate"_qs), qPrintable(titles.join(u", ")));
    compareChecks(shownChecks(pane, u"clientChecks"_qs), readiness.clients);
    QVERIFY(!shownChecks(pane, u"clientChecks"_qs).isEmpty());

    const auto *policy = pane.findChild<QGroupBox *>(u"policyGroup"_qs);
    QCOMPARE(policy->isHidden(), policyStatus.isEmpty());
    if (!policyStatus.isEmpty()) {
        QCOMPARE(labelText(pane, u"policyStatus"_qs), policyStatus);
        QCOMPARE(labelText(pane, u"policyReason"_qs).isEmpty(), false);
    }
}

void DetailsPaneTest::extensionsShowFieldsAndRawValue()
{
    DetailsPane pane(&m_session);
    pane.resize(800, 700);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    const qint64 id = certificateId(u"edge.demo.test"_qs);
    pane.showCertificate(id);
    clickTab(pane, pane.extensionsTab());
    QCOMPARE(pane.currentWidget(), pane.extensionsTab());

    const CertificateModel model = describeCertificate(loadCertificate(id));
    auto *tree = pane.findChild<QTreeWidget *>(u"extensionsTree"_qs);
    QVERIFY(tree);
    QStringList headers;
    for (int column = 0; column < tree->columnCount(); ++column)
        headers << tree->headerItem()->text(column);
    QCOMPARE(headers, (QStringList{u"Extension"_qs, u"Value"_qs, u"Critical"_qs}));
    // One top-level row per extension, in the certificate's order, criticality as stored.
    int row = 0;
    for (const ModelSection &section : model.sections) {
        if (!section.isExtension)
            continue;
        QTreeWidgetItem *item = tree->topLevelItem(row++);
        QVERIFY(item);
        QCOMPARE(item->text(0), section.title);
        QCOMPARE(item->text(1), section.oid);
        QCOMPARE(item->text(2), section.critical ? u"Yes"_qs : u"No"_qs);
        QVERIFY(item->childCount() >= section.fields.size());
    }
    QCOMPARE(tree->topLevelItemCount(), row);

    const auto found = tree->findItems(u"DelegationUsage"_qs, Qt::MatchStartsWith);
    QCOMPARE(found.size(), 1);
    QTreeWidgetItem *delegation = found.first();
    QCOMPARE(delegation->text(1), QLatin1String(kDelegationUsageOid));
    QCOMPARE(delegation->text(2), u"No"_qs);

    auto *raw = pane.findChild<QPlainTextEdit *>(u"extensionRaw"_qs);
    QVERIFY(raw);
    QVERIFY(raw->toPlainText().isEmpty());
    tree->scrollToItem(delegation);
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {},
                      tree->visualItemRect(delegation).center());
    QCOMPARE(tree->currentItem(), delegation);
    const ModelSection *section = model.section(u"delegation-usage");
    QVERIFY(section);
    QVERIFY(!section->asn1Dump.isEmpty());
    const QString text = raw->toPlainText();
    QVERIFY2(text.contains(u"0000  05 00\n"_qs), qPrintable(text)); // the RFC's ASN.1 NULL
    QVERIFY2(text.contains(section->asn1Dump), qPrintable(text));
    QVERIFY(raw->isReadOnly());

    // A field of another extension shows that extension's raw value.
    const ModelSection *san = model.section(u"subject-alt-name");
    QVERIFY(san);
    QTreeWidgetItem *sanItem = tree->findItems(san->title, Qt::MatchExactly).value(0);
    QVERIFY(sanItem && sanItem->childCount() > 0);
    QTreeWidgetItem *sanField = sanItem->child(0);
    tree->scrollToItem(sanField);
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {},
                      tree->visualItemRect(sanField).center());
    QVERIFY(raw->toPlainText().contains(san->asn1Dump));
    QVERIFY(!raw->toPlainText().contains(section->asn1Dump));
}

void DetailsPaneTest::dcTab_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<int>("dc");
    QTest::addColumn<QString>("notExpired"); // the outcome of "Not expired"
    QTest::addColumn<QString>("verdict");
    QTest::addColumn<QString>("role");
    QTest::newRow("edge's expired DC")
        << u"edge.demo.test"_qs << 0 << u"fail"_qs << u"Peers reject it"_qs << u"Server"_qs;
    QTest::newRow("edge's current DC")
        << u"edge.demo.test"_qs << 2 << u"pass"_qs << u"Peers accept it"_qs << u"Server"_qs;
    QTest::newRow("api's client DC")
        << u"api.demo.test"_qs << 1 << u"pass"_qs << u"Peers accept it"_qs << u"Client"_qs;
}

void DetailsPaneTest::dcTab()
{
    QFETCH(QString, certificate);
    QFETCH(int, dc);
    QFETCH(QString, notExpired);
    QFETCH(QString, verdict);
    QFETCH(QString, role);
    DetailsPane pane(&m_session);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    const DcRecord *record = this->dc(certificate, dc);
    pane.showDc(record->id);
    QCOMPARE(pane.dcId(), record->id);
    QCOMPARE(pane.certificateId(), record->certificateId);
    QVERIFY(pane.isTabVisible(pane.indexOf(pane.dcTab())));
    QCOMPARE(pane.currentWidget(), pane.dcTab());

    QCOMPARE(labelText(pane, u"dcRole"_qs), role);
    QCOMPARE(labelText(pane, u"dcKeyScheme"_qs),
             signatureSchemeDisplayName(record->dcCertVerifyAlgorithm));
    QCOMPARE(labelText(pane, u"dcSignatureScheme"_qs),
             signatureSchemeDisplayName(record->algorithm));
    QVERIFY2(labelText(pane, u"dcPublicKey"_qs).startsWith(u"EC P-256"_qs),
             qPrintable(labelText(pane, u"dcPublicKey"_qs)));
    QCOMPARE(
        labelText(pane, u"dcExpiry"_qs),
        u"%1 (%2)"_qs.arg(formatUtc(record->expiresAt), formatRelative(kNow, record->expiresAt)));
    QVERIFY(labelText(pane, u"dcVerdict"_qs).startsWith(verdict));

    const Certificate loaded = loadCertificate(record->certificateId);
    const DcVerification verification =
        verifyDelegatedCredential(loaded, record->bytes, record->role, kNow);
    QVERIFY(verification.credential);
    QCOMPARE(labelText(pane, u"dcValidTime"_qs).section(u' ', 0, 0),
             QString::number(verification.credential->validTime));
    const QList<ShownCheck> shown = shownChecks(pane, u"dcChecks"_qs);
    compareChecks(shown, verification.checks);
    const auto notExpiredCheck =
        std::find_if(shown.begin(), shown.end(),
                     [](const ShownCheck &check) { return check.title == u"Not expired"_qs; });
    QVERIFY(notExpiredCheck != shown.end());
    QCOMPARE(notExpiredCheck->outcome, notExpired);

    // Selecting the certificate afterwards hides the DC tab again.
    pane.showCertificate(record->certificateId);
    QVERIFY(!pane.isTabVisible(pane.indexOf(pane.dcTab())));
    QCOMPARE(pane.currentWidget(), pane.overviewTab());
    QCOMPARE(pane.dcId(), 0);
}

void DetailsPaneTest::copyCertificatePem()
{
    DetailsPane pane(&m_session);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    const qint64 id = certificateId(u"edge.demo.test"_qs);
    pane.showCertificate(id);
    clickTab(pane, pane.pemTab());
    QCOMPARE(pane.currentWidget(), pane.pemTab());
    const Certificate loaded = loadCertificate(id);
    const QString pem = QString::fromLatin1(encodePem(u"CERTIFICATE"_qs, loaded.der()));
    QCOMPARE(pane.findChild<QPlainTextEdit *>(u"pemView"_qs)->toPlainText(), pem);

    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(pane.findChild<QPushButton *>(u"copyPemButton"_qs), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), pem);
    QTest::mouseClick(pane.findChild<QPushButton *>(u"copyHexButton"_qs), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), QString::fromLatin1(loaded.der().toHex()));
}

void DetailsPaneTest::copyDcPemAndHex()
{
    DetailsPane pane(&m_session);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    const DcRecord *record = dc(u"api.demo.test"_qs, 1);
    pane.showDc(record->id);
    clickTab(pane, pane.pemTab());
    const QString shown = pane.findChild<QPlainTextEdit *>(u"pemView"_qs)->toPlainText();
    QVERIFY(shown.startsWith(u"-----BEGIN CLIENT DELEGATED CREDENTIAL-----\n"_qs));
    // Then the bytes in hex, sixteen a line.
    QVERIFY2(shown.contains(u"\n0000  "_qs +
                            QString::fromLatin1(record->bytes.left(16).toHex(' ')) + u'\n'),
             qPrintable(shown));

    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(pane.findChild<QPushButton *>(u"copyPemButton"_qs), Qt::LeftButton);
    const QString copied = QGuiApplication::clipboard()->text();
    QCOMPARE(copied,
             QString::fromLatin1(encodePem(u"CLIENT DELEGATED CREDENTIAL"_qs, record->bytes)));
    // What was copied reads back as the same DC.
    auto document = readDelegatedCredential(copied.toLatin1());
    QVERIFY2(document, qPrintable(document.errorMessage()));
    QCOMPARE(document->bytes, record->bytes);
    QCOMPARE(document->labelledRole, std::optional<DcRole>(DcRole::Client));
    QTest::mouseClick(pane.findChild<QPushButton *>(u"copyHexButton"_qs), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), QString::fromLatin1(record->bytes.toHex()));
}

void DetailsPaneTest::followsTheSnapshot()
{
    DetailsPane pane(&m_session);
    pane.resize(800, 700);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    const qint64 id = certificateId(u"edge.demo.test"_qs);
    pane.showCertificate(id);
    clickTab(pane, pane.extensionsTab());
    auto *tree = pane.findChild<QTreeWidget *>(u"extensionsTree"_qs);
    QTreeWidgetItem *delegation =
        tree->findItems(u"DelegationUsage"_qs, Qt::MatchStartsWith).value(0);
    QVERIFY(delegation);
    tree->setCurrentItem(delegation);

    // A reload (every minute in the app) keeps the user where they were.
    QVERIFY(m_session.reload());
    QCOMPARE(pane.certificateId(), id);
    QCOMPARE(pane.currentWidget(), pane.extensionsTab());
    QVERIFY(tree->currentItem());
    QVERIFY(tree->currentItem()->text(0).startsWith(u"DelegationUsage"_qs));

    // Another workspace: nothing of this one stays on screen.
    m_session.close();
    QCOMPARE(pane.certificateId(), 0);
    QVERIFY(labelText(pane, u"overviewMessage"_qs).contains(u"Select a certificate"_qs));
    QCOMPARE(pane.findChild<QTreeWidget *>(u"extensionsTree"_qs)->topLevelItemCount(), 0);
    QVERIFY(m_session.open(m_dir.filePath(u"demo.baton"_qs)));
}

QTEST_MAIN(DetailsPaneTest)
#include "tst_details_pane.moc"
