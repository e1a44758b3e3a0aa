// The inventory: the model's tree and statuses over the demo workspace, the filter model's
// search and quick filters, and the panel driven as a user would (typing, clicking filters and
// rows), on the offscreen platform.

#include "DemoSession.h"
#include "TestPki.h"
#include "common/TimeFormat.h"
#include "inventory/InventoryFilterModel.h"
#include "inventory/InventoryModel.h"
#include "inventory/InventoryPanel.h"
#include "session/WorkspaceSession.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeView>

using namespace baton;
using namespace baton::test;
using baton::ui::InventoryFilterModel;
using baton::ui::InventoryModel;
using baton::ui::InventoryPanel;
using baton::ui::WorkspaceSession;
using baton::ui::WorkspaceSnapshot;

namespace {

const QDateTime kNow = utc(2026, 6, 1, 12);
constexpr auto kFailures = QAbstractItemModelTester::FailureReportingMode::QtTest;

/// The certificate names of the top-level rows, in the model's order.
QStringList topLevelNames(const QAbstractItemModel &model)
{
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names << model.index(row, InventoryModel::NameColumn).data().toString();
    return names;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

/// A certificate summary as the workspace would list it, for synthetic snapshots.
CertificateSummary summary(qint64 id, const QString &name, const QDateTime &notAfter)
{
    CertificateSummary certificate;
    certificate.id = id;
    certificate.name = name;
    certificate.subject = u"CN="_qs + name;
    certificate.dnsNames = {name};
    certificate.serial = QString::number(id, 16);
    certificate.sha256 = QString::number(id, 16).rightJustified(64, u'0');
    certificate.delegation = true;
    certificate.notBefore = kNow.addDays(-30);
    certificate.notAfter = notAfter;
    certificate.searchText = (name + u' ' + certificate.serial).toLower();
    return certificate;
}

} // namespace

class InventoryTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void treeShape();
    void followsTheSession();
    void demoStatuses_data();
    void demoStatuses();
    void rolesIdentifyItems();
    void sortByExpiresIsChronological();
    void sortByRemainingIsNotAlphabetical();
    void search_data();
    void search();
    void quickFilters_data();
    void quickFilters();
    void modelsPassTheModelTester();

    void typingAndFilterButtonsDriveTheView();
    void ctrlFFocusesTheSearch();
    void clickingRowsEmitsSelection();
    void selectingFromOutsideDoesNotEmit();
    void selectionSurvivesAReload();

    void largeInventoryBuildsQuickly();

private:
    const CertificateSummary &certificate(const QString &name) const;
    QList<const DcRecord *> dcsOf(const QString &name) const;
    QString resolve(QString needle) const;

    QTemporaryDir m_dir;
    FixedClock m_clock{kNow};
    WorkspaceSession m_session{m_clock};
};

void InventoryTest::initTestCase()
{
    const Status created =
        m_session.create(m_dir.filePath(u"demo.baton"_qs), kDemoPassphrase, true, kFastWork);
    QVERIFY2(created, qPrintable(created.errorMessage()));
}

const CertificateSummary &InventoryTest::certificate(const QString &name) const
{
    const CertificateSummary *summary = certificateNamed(m_session.snapshot(), name);
    if (!summary)
        qFatal("no certificate %s in the demo workspace", qPrintable(name));
    return *summary;
}

QList<const DcRecord *> InventoryTest::dcsOf(const QString &name) const
{
    return m_session.snapshot().dcsOf(certificate(name).id);
}

void InventoryTest::treeShape()
{
    InventoryModel model;
    model.setSession(&m_session);
    QCOMPARE(topLevelNames(model),
             (QStringList{u"Baton Demo CA"_qs, u"edge.demo.test"_qs, u"api.demo.test"_qs}));
    const QStringList kinds{u"CA certificate"_qs, u"Certificate"_qs, u"Certificate"_qs};
    const QStringList statuses{u"Valid"_qs, u"DC-capable"_qs, u"Due"_qs};
    const QList<QStringList> dcNames{
        {},
        {u"server DC · ecdsa_secp256r1_sha256"_qs, u"server DC · ecdsa_secp256r1_sha256"_qs,
         u"server DC · ecdsa_secp256r1_sha256"_qs},
        {u"server DC · ecdsa_secp256r1_sha256"_qs, u"client DC · ecdsa_secp256r1_sha256"_qs}};
    for (int row = 0; row < 3; ++row) {
        const QModelIndex parent = model.index(row, 0);
        QCOMPARE(model.index(row, InventoryModel::KindColumn).data().toString(), kinds[row]);
        QCOMPARE(model.index(row, InventoryModel::StatusColumn).data().toString(), statuses[row]);
        QCOMPARE(model.rowCount(parent), dcNames[row].size());
        for (int dc = 0; dc < model.rowCount(parent); ++dc) {
            QCOMPARE(model.index(dc, InventoryModel::NameColumn, parent).data().toString(),
                     dcNames[row][dc]);
            QCOMPARE(model.index(dc, InventoryModel::KindColumn, parent).data().toString(),
                     u"DC"_qs);
            QCOMPARE(model.index(dc, 0, parent).parent(), parent);
            QCOMPARE(model.rowCount(model.index(dc, 0, parent)), 0);
        }
    }
    // The certificate's expiry, in UTC, and how far it is.
    QCOMPARE(model.index(2, InventoryModel::ExpiresColumn).data().toString(),
             formatUtc(certificate(u"api.demo.test"_qs).notAfter));
    QCOMPARE(model.index(2, InventoryModel::RemainingColumn).data().toString(), u"in 10 d"_qs);
    // Every status carries an icon, so colour is never the only cue.
    QVERIFY(!model.index(1, InventoryModel::StatusColumn)
                 .data(Qt::DecorationRole)
                 .value<QIcon>()
                 .isNull());
    QVERIFY(
        model.index(1, InventoryModel::StatusColumn).data(Qt::ForegroundRole).canConvert<QColor>());
}

void InventoryTest::followsTheSession()
{
    WorkspaceSession session(m_clock);
    InventoryModel model;
    model.setSession(&session);
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(session.open(m_dir.filePath(u"demo.baton"_qs)));
    QCOMPARE(model.rowCount(), 3);
    session.close();
    QCOMPARE(model.rowCount(), 0);
}

void InventoryTest::demoStatuses_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<int>("dc");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("statusKey");
    QTest::addColumn<QString>("remaining");
    QTest::newRow("edge: expired two days ago")
        << u"edge.demo.test"_qs << 0 << u"Expired"_qs << u"expired"_qs << u"2 d ago"_qs;
    QTest::newRow("edge: 18 h left, beyond the 12 h renew-before")
        << u"edge.demo.test"_qs << 1 << u"Valid"_qs << u"valid"_qs << u"in 18 h"_qs;
    QTest::newRow("edge: almost a week")
        << u"edge.demo.test"_qs << 2 << u"Valid"_qs << u"valid"_qs << u"in 5 d 22 h"_qs;
    QTest::newRow("api server: 4 h left")
        << u"api.demo.test"_qs << 0 << u"Due"_qs << u"due"_qs << u"in 4 h"_qs;
    QTest::newRow("api client: 11 h left")
        << u"api.demo.test"_qs << 1 << u"Due"_qs << u"due"_qs << u"in 11 h"_qs;
}

void InventoryTest::demoStatuses()
{
    QFETCH(QString, certificate);
    QFETCH(int, dc);
    QFETCH(QString, status);
    QFETCH(QString, statusKey);
    QFETCH(QString, remaining);
    InventoryModel model;
    model.setSession(&m_session);
    const QModelIndex parent = model.indexOfCertificate(this->certificate(certificate).id);
    const auto cell = [&](int column) {
        return model.index(dc, column, parent);
    };
    QCOMPARE(cell(InventoryModel::StatusColumn).data().toString(), status);
    QCOMPARE(cell(0).data(InventoryModel::StatusKeyRole).toString(), statusKey);
    QCOMPARE(cell(InventoryModel::RemainingColumn).data().toString(), remaining);
    const DcRecord *record = dcsOf(certificate)[dc];
    QCOMPARE(cell(InventoryModel::ExpiresColumn).data().toString(), formatUtc(record->expiresAt));
    QCOMPARE(cell(0).data(InventoryModel::ExpiryRole).toDateTime(), record->expiresAt);
    QVERIFY(!cell(InventoryModel::StatusColumn).data(Qt::ToolTipRole).toString().isEmpty());
}

void InventoryTest::rolesIdentifyItems()
{
    InventoryModel model;
    model.setSession(&m_session);
    const CertificateSummary &edge = certificate(u"edge.demo.test"_qs);
    const DcRecord *dc = dcsOf(u"edge.demo.test"_qs)[1];
    const QModelIndex certificateIndex = model.indexOfCertificate(edge.id);
    QCOMPARE(certificateIndex.data().toString(), u"edge.demo.test"_qs);
    QCOMPARE(certificateIndex.data(InventoryModel::ItemKindRole).toInt(),
             int(InventoryModel::ItemKind::Certificate));
    QCOMPARE(certificateIndex.data(InventoryModel::CertificateIdRole).toLongLong(), edge.id);
    QCOMPARE(certificateIndex.data(InventoryModel::DcIdRole).toLongLong(), 0);
    QCOMPARE(certificateIndex.data(InventoryModel::Sha256Role).toString(), edge.sha256);
    const QModelIndex dcIndex = model.indexOfDc(dc->id);
    QCOMPARE(dcIndex.parent(), certificateIndex);
    QCOMPARE(dcIndex.row(), 1);
    QCOMPARE(dcIndex.data(InventoryModel::ItemKindRole).toInt(), int(InventoryModel::ItemKind::Dc));
    QCOMPARE(dcIndex.data(InventoryModel::DcIdRole).toLongLong(), dc->id);
    QCOMPARE(dcIndex.data(InventoryModel::CertificateIdRole).toLongLong(), edge.id);
    QVERIFY(!model.indexOfDc(999999).isValid());
    QVERIFY(!model.indexOfCertificate(999999).isValid());
    // Sorting by expiry sorts times, not text.
    QCOMPARE(
        model.index(1, InventoryModel::ExpiresColumn).data(InventoryModel::SortKeyRole).metaType(),
        QMetaType::fromType<QDateTime>());
}

void InventoryTest::sortByExpiresIsChronological()
{
    InventoryModel model;
    model.setSession(&m_session);
    InventoryFilterModel filter;
    filter.setSourceModel(&model);
    for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
        filter.sort(InventoryModel::ExpiresColumn, order);
        const QStringList ascending{u"api.demo.test"_qs, u"edge.demo.test"_qs, u"Baton Demo CA"_qs};
        QStringList expected = ascending;
        if (order == Qt::DescendingOrder)
            std::reverse(expected.begin(), expected.end());
        QCOMPARE(topLevelNames(filter), expected);
        // The DCs beneath a certificate are sorted too.
        const QModelIndex edge =
            filter.mapFromSource(model.indexOfCertificate(certificate(u"edge.demo.test"_qs).id));
        QList<QDateTime> expiries;
        for (int row = 0; row < filter.rowCount(edge); ++row)
            expiries << filter.index(row, 0, edge).data(InventoryModel::ExpiryRole).toDateTime();
        QCOMPARE(expiries.size(), 3);
        QVERIFY(order == Qt::AscendingOrder ? std::is_sorted(expiries.begin(), expiries.end())
                                            : std::is_sorted(expiries.rbegin(), expiries.rend()));
    }
}

void InventoryTest::sortByRemainingIsNotAlphabetical()
{
    // "in 10 d" sorts before "in 9 d" as text; in time it comes after.
    WorkspaceSnapshot snapshot;
    snapshot.takenAt = kNow;
    snapshot.certificates = {summary(1, u"ten.test"_qs, kNow.addDays(10)),
                             summary(2, u"nine.test"_qs, kNow.addDays(9)),
                             summary(3, u"hundred.test"_qs, kNow.addDays(100))};
    snapshot.index();
    InventoryModel model;
    model.setSnapshot(snapshot);
    InventoryFilterModel filter;
    filter.setSourceModel(&model);
    filter.sort(InventoryModel::RemainingColumn, Qt::AscendingOrder);
    QStringList remaining;
    for (int row = 0; row < filter.rowCount(); ++row)
        remaining << filter.index(row, InventoryModel::RemainingColumn).data().toString();
    QCOMPARE(remaining, (QStringList{u"in 9 d"_qs, u"in 10 d"_qs, u"in 100 d"_qs}));
}

QString InventoryTest::resolve(QString needle) const
{
    const CertificateSummary &edge = certificate(u"edge.demo.test"_qs);
    needle.replace(u"%serial"_qs, edge.serial.mid(4, 8));
    needle.replace(u"%sha256colons"_qs,
                   colonHex(QByteArray::fromHex(edge.sha256.left(8).toLatin1())));
    needle.replace(u"%sha256"_qs, edge.sha256.left(10));
    return needle;
}

void InventoryTest::search_data()
{
    QTest::addColumn<QString>("needle"); // %serial, %sha256, %sha256colons: edge's
    QTest::addColumn<QStringList>("certificates");
    QTest::addColumn<QList<int>>("dcCounts"); // visible DCs under each, in the same order
    QTest::newRow("nothing: everything")
        << QString() << QStringList{u"api.demo.test"_qs, u"Baton Demo CA"_qs, u"edge.demo.test"_qs}
        << QList<int>{2, 0, 3};
    QTest::newRow("SAN") << u"www.demo.test"_qs << QStringList{u"edge.demo.test"_qs}
                         << QList<int>{3};
    QTest::newRow("SAN, any case")
        << u"WWW.Demo.TEST"_qs << QStringList{u"edge.demo.test"_qs} << QList<int>{3};
    QTest::newRow("serial fragment")
        << u"%serial"_qs << QStringList{u"edge.demo.test"_qs} << QList<int>{3};
    QTest::newRow("fingerprint prefix")
        << u"%sha256"_qs << QStringList{u"edge.demo.test"_qs} << QList<int>{3};
    QTest::newRow("fingerprint prefix with colons")
        << u"%sha256colons"_qs << QStringList{u"edge.demo.test"_qs} << QList<int>{3};
    QTest::newRow("extension value: the CA's key usage")
        << u"keyCertSign"_qs << QStringList{u"Baton Demo CA"_qs} << QList<int>{0};
    QTest::newRow("extension value: DelegationUsage")
        << u"delegationusage"_qs << QStringList{u"api.demo.test"_qs, u"edge.demo.test"_qs}
        << QList<int>{2, 3};
    QTest::newRow("a DC keeps its certificate, alone")
        << u"client dc"_qs << QStringList{u"api.demo.test"_qs} << QList<int>{1};
    QTest::newRow("no match") << u"no-such-name"_qs << QStringList{} << QList<int>{};
}

void InventoryTest::search()
{
    QFETCH(QString, needle);
    QFETCH(QStringList, certificates);
    QFETCH(QList<int>, dcCounts);
    InventoryModel model;
    model.setSession(&m_session);
    InventoryFilterModel filter;
    filter.setSourceModel(&model);
    filter.sort(InventoryModel::NameColumn);
    filter.setSearchText(resolve(needle));
    QCOMPARE(topLevelNames(filter), certificates);
    for (int row = 0; row < filter.rowCount(); ++row)
        QCOMPARE(filter.rowCount(filter.index(row, 0)), dcCounts[row]);
}

void InventoryTest::quickFilters_data()
{
    QTest::addColumn<int>("filters");
    QTest::addColumn<int>("daysLater"); // the snapshot's now, after the demo's
    QTest::addColumn<QStringList>("certificates");
    const QStringList both{u"api.demo.test"_qs, u"edge.demo.test"_qs};
    QTest::newRow("none") << 0 << 0
                          << QStringList{u"api.demo.test"_qs, u"Baton Demo CA"_qs,
                                         u"edge.demo.test"_qs};
    QTest::newRow("DC-capable: not the CA") << int(InventoryModel::DcCapableFilter) << 0 << both;
    QTest::newRow("due: api's DCs are within the renew-before")
        << int(InventoryModel::DueFilter) << 0 << QStringList{u"api.demo.test"_qs};
    QTest::newRow("expired: nothing yet")
        << int(InventoryModel::ExpiredFilter) << 0 << QStringList{};
    // Eleven days on, api has expired and every DC of edge has.
    QTest::newRow("expired: certificate, or all its DCs")
        << int(InventoryModel::ExpiredFilter) << 11 << both;
    QTest::newRow("DC-capable and due")
        << int(InventoryModel::DcCapableFilter | InventoryModel::DueFilter) << 0
        << QStringList{u"api.demo.test"_qs};
}

void InventoryTest::quickFilters()
{
    QFETCH(int, filters);
    QFETCH(int, daysLater);
    QFETCH(QStringList, certificates);
    auto snapshot = ui::loadSnapshot(*m_session.workspace(), kNow.addDays(daysLater));
    QVERIFY2(snapshot, qPrintable(snapshot.errorMessage()));
    InventoryModel model;
    model.setSnapshot(*snapshot);
    InventoryFilterModel filter;
    filter.setSourceModel(&model);
    filter.sort(InventoryModel::NameColumn);
    filter.setQuickFilters(InventoryModel::QuickFilters(filters));
    QCOMPARE(topLevelNames(filter), certificates);
    // A kept certificate keeps its DCs.
    for (int row = 0; row < filter.rowCount(); ++row) {
        const QModelIndex index = filter.index(row, 0);
        QCOMPARE(filter.rowCount(index), model.rowCount(filter.mapToSource(index)));
    }
}

void InventoryTest::modelsPassTheModelTester()
{
    InventoryModel model;
    QAbstractItemModelTester modelTester(&model, kFailures);
    InventoryFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester filterTester(&filter, kFailures);
    model.setSession(&m_session);
    filter.sort(InventoryModel::ExpiresColumn, Qt::DescendingOrder);
    filter.setSearchText(u"demo.test"_qs);
    filter.setQuickFilters(InventoryModel::DueFilter);
    filter.setQuickFilters({});
    filter.setSearchText(u"client"_qs);
    filter.sort(InventoryModel::StatusColumn);
    filter.setSearchText({});
    QVERIFY(m_session.reload());
    QCOMPARE(filter.rowCount(), 3);
    model.setSnapshot({});
    QCOMPARE(filter.rowCount(), 0);
}

void InventoryTest::typingAndFilterButtonsDriveTheView()
{
    InventoryPanel panel;
    panel.setSession(&m_session);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QLineEdit *search = panel.findChild<QLineEdit *>(u"inventorySearch"_qs);
    QVERIFY(search);
    QCOMPARE(search->placeholderText(),
             u"Search subject, SANs, serial, fingerprint, extensions…"_qs);
    QAbstractItemModel *shown = panel.view()->model();
    QCOMPARE(shown->rowCount(), 3);

    auto *count = panel.findChild<QLabel *>(u"inventoryCount"_qs);
    QVERIFY(count);
    QCOMPARE(count->text(), u"3 certificates"_qs);
    QTest::keyClicks(search, u"www.demo"_qs);
    QCOMPARE(topLevelNames(*shown), QStringList{u"edge.demo.test"_qs});
    QCOMPARE(count->text(), u"1 of 3 certificates"_qs);
    // Searching opens the matches, so a matching DC is in sight.
    QVERIFY(panel.view()->isExpanded(shown->index(0, 0)));
    QTest::keyClick(search, Qt::Key_Escape);
    QCOMPARE(search->text(), QString());
    QCOMPARE(shown->rowCount(), 3);

    auto *dcCapable = panel.findChild<QToolButton *>(u"filterDcCapable"_qs);
    auto *due = panel.findChild<QToolButton *>(u"filterDue"_qs);
    auto *expired = panel.findChild<QToolButton *>(u"filterExpired"_qs);
    QVERIFY(dcCapable && due && expired);
    QCOMPARE(dcCapable->text(), u"DC-capable"_qs);
    QVERIFY(dcCapable->isCheckable());
    QTest::mouseClick(dcCapable, Qt::LeftButton);
    QVERIFY(dcCapable->isChecked());
    QCOMPARE(sorted(topLevelNames(*shown)),
             (QStringList{u"api.demo.test"_qs, u"edge.demo.test"_qs}));
    QTest::mouseClick(due, Qt::LeftButton);
    QCOMPARE(topLevelNames(*shown), QStringList{u"api.demo.test"_qs});
    QTest::mouseClick(expired, Qt::LeftButton);
    QCOMPARE(shown->rowCount(), 0);
    for (QToolButton *button : {dcCapable, due, expired})
        QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(shown->rowCount(), 3);

    // Search and filters combine.
    QTest::mouseClick(due, Qt::LeftButton);
    QTest::keyClicks(search, u"edge"_qs);
    QCOMPARE(shown->rowCount(), 0);
    QTest::keyClick(search, Qt::Key_Escape);
    QCOMPARE(topLevelNames(*shown), QStringList{u"api.demo.test"_qs});
}

void InventoryTest::ctrlFFocusesTheSearch()
{
    InventoryPanel panel;
    panel.setSession(&m_session);
    panel.show();
    panel.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    panel.view()->setFocus();
    QVERIFY(!panel.searchField()->hasFocus());
    QTest::keyClick(panel.view(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY(panel.searchField()->hasFocus());
}

void InventoryTest::clickingRowsEmitsSelection()
{
    InventoryPanel panel;
    panel.setSession(&m_session);
    panel.resize(900, 400);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy certificateSelected(&panel, &InventoryPanel::certificateSelected);
    QSignalSpy dcSelected(&panel, &InventoryPanel::dcSelected);
    QSignalSpy cleared(&panel, &InventoryPanel::selectionCleared);
    QTreeView *view = panel.view();
    const auto click = [&](const QModelIndex &sourceIndex) {
        const QModelIndex index = panel.filterModel()->mapFromSource(sourceIndex);
        QVERIFY(index.isValid());
        const QRect rect = view->visualRect(index);
        QVERIFY(!rect.isEmpty()); // a small workspace opens expanded, so every row is in sight
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    };

    const qint64 edge = certificate(u"edge.demo.test"_qs).id;
    click(panel.model()->indexOfCertificate(edge));
    QCOMPARE(certificateSelected.count(), 1);
    QCOMPARE(certificateSelected.last().first().toLongLong(), edge);
    QCOMPARE(panel.selectedCertificate(), edge);

    const DcRecord *clientDc = dcsOf(u"api.demo.test"_qs)[1];
    click(panel.model()->indexOfDc(clientDc->id));
    QCOMPARE(dcSelected.count(), 1);
    QCOMPARE(dcSelected.last().first().toLongLong(), clientDc->id);
    QCOMPARE(panel.selectedDc(), clientDc->id);
    QCOMPARE(certificateSelected.count(), 1);

    // A filter that hides the selection clears it.
    QTest::mouseClick(panel.findChild<QToolButton *>(u"filterExpired"_qs), Qt::LeftButton);
    QCOMPARE(cleared.count(), 1);
    QCOMPARE(panel.selectedDc(), 0);
}

void InventoryTest::selectingFromOutsideDoesNotEmit()
{
    InventoryPanel panel;
    panel.setSession(&m_session);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.view()->collapseAll();
    QSignalSpy certificateSelected(&panel, &InventoryPanel::certificateSelected);
    QSignalSpy dcSelected(&panel, &InventoryPanel::dcSelected);
    QSignalSpy cleared(&panel, &InventoryPanel::selectionCleared);

    const DcRecord *expiredDc = dcsOf(u"edge.demo.test"_qs)[0];
    QVERIFY(panel.selectDc(expiredDc->id));
    QCOMPARE(panel.selectedDc(), expiredDc->id);
    const QModelIndex current = panel.view()->currentIndex();
    QCOMPARE(current.data(InventoryModel::DcIdRole).toLongLong(), expiredDc->id);
    QVERIFY(panel.view()->isExpanded(current.parent())); // its certificate opened to show it

    const qint64 api = certificate(u"api.demo.test"_qs).id;
    QVERIFY(panel.selectCertificate(api));
    QCOMPARE(panel.selectedCertificate(), api);
    QCOMPARE(panel.selectedDc(), 0);

    // Hidden by the search: not selected, nothing selected.
    QTest::keyClicks(panel.searchField(), u"www.demo"_qs);
    QCOMPARE(panel.selectedCertificate(), 0);
    const int clearedBySearch = cleared.count(); // the search hid the user's selection
    QCOMPARE(clearedBySearch, 1);
    QVERIFY(!panel.selectCertificate(api));
    QVERIFY(!panel.selectDc(123456));
    QCOMPARE(panel.selectedCertificate(), 0);

    QCOMPARE(certificateSelected.count(), 0);
    QCOMPARE(dcSelected.count(), 0);
    QCOMPARE(cleared.count(), clearedBySearch);
}

void InventoryTest::selectionSurvivesAReload()
{
    InventoryPanel panel;
    panel.setSession(&m_session);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const qint64 dc = dcsOf(u"edge.demo.test"_qs)[2]->id; // the reload replaces the records
    QVERIFY(panel.selectDc(dc));
    const QModelIndex api = panel.filterModel()->mapFromSource(
        panel.model()->indexOfCertificate(certificate(u"api.demo.test"_qs).id));
    panel.view()->collapse(api);
    QSignalSpy cleared(&panel, &InventoryPanel::selectionCleared);
    QSignalSpy dcSelected(&panel, &InventoryPanel::dcSelected);
    QVERIFY(m_session.reload()); // what the app does every minute
    QCOMPARE(panel.selectedDc(), dc);
    QCOMPARE(cleared.count(), 0);
    QCOMPARE(dcSelected.count(), 0);
    // The user's expansion is kept too.
    const QModelIndex apiAfter = panel.filterModel()->mapFromSource(
        panel.model()->indexOfCertificate(certificate(u"api.demo.test"_qs).id));
    QVERIFY(!panel.view()->isExpanded(apiAfter));
    QVERIFY(panel.view()->isExpanded(panel.view()->currentIndex().parent()));
}

void InventoryTest::largeInventoryBuildsQuickly()
{
    constexpr int kCertificates = 10'000;
    constexpr int kDcsEach = 10;
    WorkspaceSnapshot snapshot;
    snapshot.takenAt = kNow;
    snapshot.certificates.reserve(kCertificates);
    snapshot.dcs.reserve(kCertificates * kDcsEach);
    qint64 dcId = 0;
    for (int i = 1; i <= kCertificates; ++i) {
        snapshot.certificates.append(
            summary(i, u"host-%1.example"_qs.arg(i), kNow.addSecs(qint64(i) * 3571 % 8'000'000)));
        for (int j = 0; j < kDcsEach; ++j) {
            DcRecord dc;
            dc.id = ++dcId;
            dc.certificateId = i;
            dc.role = j % 2 ? DcRole::Client : DcRole::Server;
            dc.dcCertVerifyAlgorithm = 0x0403;
            dc.algorithm = 0x0403;
            dc.issuedAt = kNow.addSecs(-qint64(j) * 86'400);
            dc.expiresAt = dc.issuedAt.addSecs(3 * 86'400);
            snapshot.dcs.append(dc);
        }
    }
    snapshot.index();

    InventoryModel model;
    InventoryFilterModel filter;
    filter.setSourceModel(&model);
    QElapsedTimer timer;
    timer.start();
    model.setSnapshot(snapshot);
    const qint64 build = timer.restart();
    filter.sort(InventoryModel::ExpiresColumn);
    const qint64 sort = timer.restart();
    filter.setSearchText(u"host-4242."_qs);
    const qint64 search = timer.restart();
    qInfo("10,000 certificates, 100,000 DCs: model built in %lld ms, sorted by expiry in %lld ms, "
          "searched in %lld ms",
          build, sort, search);
    QCOMPARE(model.rowCount(), kCertificates);
    QCOMPARE(model.rowCount(model.indexOfCertificate(kCertificates)), kDcsEach);
    QCOMPARE(topLevelNames(filter), QStringList{u"host-4242.example"_qs});
    QVERIFY2(build < 3000, qPrintable(QString::number(build)));
    QVERIFY2(sort < 3000, qPrintable(QString::number(sort)));
    QVERIFY2(search < 3000, qPrintable(QString::number(search)));
}

QTEST_MAIN(InventoryTest)
#include "tst_inventory.moc"
