// The desktop app's main window, driven as a user would, on the offscreen platform.

#include "DemoSession.h"
#include "TestPki.h"
#include "common/FileIo.h"
#include "details/DetailsPane.h"
#include "dialogs/IssueDcDialog.h"
#include "import/ImportPreviewDialog.h"
#include "import/ImportSources.h"
#include "inventory/InventoryModel.h"
#include "inventory/InventoryPanel.h"
#include "main/MainWindow.h"
#include "session/WorkspaceSession.h"
#include "timeline/TimelineWidget.h"

#include <QAction>
#include <QApplication>
#include <QDialogButtonBox>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QProgressDialog>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>

using namespace baton;
using namespace baton::test;
using namespace baton::ui;

class MainWindowTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void showsEmptyInventoryFirst();
    void inventoryColumns_data();
    void inventoryColumns();
    void menusAreReachableByKeyboard();
    void iconRendersFromSvg();
    void showsTheDemoWorkspace();
    void selectionFollowsBetweenViews_data();
    void selectionFollowsBetweenViews();
    void droppingAFileOpensTheImportPreview_data();
    void droppingAFileOpensTheImportPreview();
    void droppingPemTextImportsIt();
    void issuedDcAppearsEverywhere();
    void itemsAreDraggedOutAsPem_data();
    void itemsAreDraggedOutAsPem();
    void recentWorkspaces();
    void newDemoWorkspaceIsMadeInTheBackground();
    void notifiesWhenDcsBecomeDueOrExpire();
    void minuteTimerRefreshesInTheBackground();

private:
    /// A demo workspace on the fixed clock, with a window rendering it.
    struct Demo : DemoSession
    {
        std::unique_ptr<MainWindow> window;
    };
    std::unique_ptr<Demo> makeDemo();
};

namespace {

/// A clock the test moves, as the minute timer's reloads would see time pass.
class MovableClock final : public Clock
{
public:
    explicit MovableClock(QDateTime at) : at(std::move(at)) {}
    QDateTime now() const override { return at; }
    QDateTime at;
};

QPushButton *okButton(QWidget *dialog)
{
    return dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
}

} // namespace

void MainWindowTest::initTestCase()
{
    // Recent workspaces and window geometry go to a test location, never the user's settings.
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
}

std::unique_ptr<MainWindowTest::Demo> MainWindowTest::makeDemo()
{
    auto demo = std::make_unique<Demo>();
    demo->window = std::make_unique<MainWindow>(&demo->session);
    demo->window->show();
    if (!QTest::qWaitForWindowExposed(demo->window.get()))
        qFatal("window not exposed");
    return demo;
}

void MainWindowTest::showsTheDemoWorkspace()
{
    auto demo = makeDemo();
    MainWindow &window = *demo->window;
    QVERIFY(!window.findChild<QLabel *>(u"emptyState"_qs)->isVisible());
    QVERIFY(window.inventoryView()->isVisible());
    QVERIFY(window.timeline()->isVisible());
    QCOMPARE(window.inventoryModel()->rowCount(), 3);
    QCOMPARE(window.timeline()->timelineLayout().lanes().size(), 2); // not the CA
    QCOMPARE(window.windowTitle(), u"demo.baton — Baton"_qs);
    demo->session.close();
    QVERIFY(window.findChild<QLabel *>(u"emptyState"_qs)->isVisible());
}

void MainWindowTest::selectionFollowsBetweenViews_data()
{
    QTest::addColumn<bool>("fromTimeline");
    QTest::newRow("inventory to timeline and details") << false;
    QTest::newRow("timeline to inventory and details") << true;
}

void MainWindowTest::selectionFollowsBetweenViews()
{
    QFETCH(bool, fromTimeline);
    auto demo = makeDemo();
    MainWindow &window = *demo->window;
    const TimelineLane &lane = window.timeline()->timelineLayout().lanes().first();
    const qint64 certificate = lane.certificateId;
    if (fromTimeline) {
        // A real click on the certificate's band in the timeline.
        const QRectF band = window.timeline()->timelineLayout().certificateBandRect(0);
        QTest::mouseClick(window.timeline()->viewport(), Qt::LeftButton, {},
                          QPointF(band.left() + 4, band.center().y()).toPoint());
        QCOMPARE(window.inventoryPanel()->selectedCertificate(), certificate);
    } else {
        QTreeView *view = window.inventoryView();
        QModelIndex row;
        for (int i = 0; i < view->model()->rowCount(); ++i) {
            const QModelIndex index = view->model()->index(i, 0);
            if (index.data(InventoryModel::CertificateIdRole).toLongLong() == certificate)
                row = index;
        }
        QVERIFY(row.isValid());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(row).center());
        QCOMPARE(window.timeline()->selectedCertificate(), certificate);
    }
    QCOMPARE(window.detailsPane()->certificateId(), certificate);
}

void MainWindowTest::droppingAFileOpensTheImportPreview_data()
{
    QTest::addColumn<bool>("internal");
    QTest::newRow("a PEM file from outside") << false;
    QTest::newRow("an item dragged from Baton itself") << true;
}

void MainWindowTest::droppingAFileOpensTheImportPreview()
{
    QFETCH(bool, internal);
    auto demo = makeDemo();
    MainWindow &window = *demo->window;
    const TestIdentity identity = makeIdentity();
    const QString file = demo->dir.filePath(u"new.pem"_qs);
    QVERIFY(writeFileAtomically(file, identity.certificatePem, 0644, Overwrite::Refuse));
    QMimeData *mime = internal ? mimeForCertificate(identity.certificate) : new QMimeData;
    if (!internal)
        mime->setUrls({QUrl::fromLocalFile(file)});
    const QPoint at = window.rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, mime, Qt::LeftButton, {});
    QApplication::sendEvent(&window, &enter);
    QCOMPARE(enter.isAccepted(), !internal);
    if (!internal) {
        QDropEvent drop(at, Qt::CopyAction, mime, Qt::LeftButton, {});
        QApplication::sendEvent(&window, &drop);
    }
    auto *preview = window.findChild<ImportPreviewDialog *>();
    QCOMPARE(preview != nullptr, !internal);
    if (preview) {
        QVERIFY(preview->isVisible());
        QTRY_VERIFY(!preview->isBusy());
        QCOMPARE(preview->objects().size(), 1);
    }
    delete mime;
}

void MainWindowTest::showsEmptyInventoryFirst()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.windowTitle(), u"Baton"_qs);
    auto *emptyState = window.findChild<QLabel *>(u"emptyState"_qs);
    QVERIFY(emptyState);
    QVERIFY(emptyState->isVisible());
    QVERIFY(emptyState->text().contains(u"No certificates yet"_qs));
    QVERIFY(!window.inventoryView()->isVisible());
    QCOMPARE(window.inventoryModel()->rowCount(), 0);
    QCOMPARE(window.inventoryView()->accessibleName(), u"Inventory"_qs);
}

void MainWindowTest::inventoryColumns_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("title");
    QTest::newRow("name") << int(InventoryModel::NameColumn) << u"Name"_qs;
    QTest::newRow("kind") << int(InventoryModel::KindColumn) << u"Kind"_qs;
    QTest::newRow("status") << int(InventoryModel::StatusColumn) << u"Status"_qs;
    QTest::newRow("expires") << int(InventoryModel::ExpiresColumn) << u"Expires (UTC)"_qs;
    QTest::newRow("remaining") << int(InventoryModel::RemainingColumn) << u"Remaining"_qs;
}

void MainWindowTest::inventoryColumns()
{
    QFETCH(int, column);
    QFETCH(QString, title);
    MainWindow window;
    QCOMPARE(window.inventoryModel()->columnCount(), int(InventoryModel::ColumnCount));
    QCOMPARE(window.inventoryView()->model()->headerData(column, Qt::Horizontal).toString(), title);
}

void MainWindowTest::menusAreReachableByKeyboard()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QStringList menus;
    for (QAction *action : window.menuBar()->actions())
        menus << action->text();
    QCOMPARE(menus, (QStringList{u"&File"_qs, u"&Credentials"_qs, u"&View"_qs, u"&Help"_qs}));
    // The Quit shortcut reaches its action (with no event loop running, quitting is a no-op,
    // so the test process survives it).
    QAction *quit = nullptr;
    for (QAction *action : window.menuBar()->actions().first()->menu()->actions()) {
        if (action->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_Q))
            quit = action;
    }
    QVERIFY(quit);
    QSignalSpy triggered(quit, &QAction::triggered);
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(window.windowHandle(), Qt::Key_Q, Qt::ControlModifier);
    QTRY_COMPARE(triggered.count(), 1);
}

void MainWindowTest::iconRendersFromSvg()
{
    MainWindow window;
    const QPixmap icon = window.windowIcon().pixmap(32, 32);
    QVERIFY(!icon.isNull());
    // The SVG's background is blue: a real render, not an empty placeholder.
    const QColor centre = icon.toImage().pixelColor(4, 16);
    QVERIFY2(centre.blue() > centre.red(), qPrintable(centre.name()));
}

void MainWindowTest::droppingPemTextImportsIt()
{
    auto demo = makeDemo();
    MainWindow &window = *demo->window;
    const TestIdentity identity = makeIdentity();
    // Text selected in an editor or a browser: PEM, no file behind it.
    QMimeData mime;
    mime.setText(QString::fromLatin1(identity.certificatePem));
    const QPoint at = window.rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, {});
    QApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, {});
    QApplication::sendEvent(&window, &drop);

    auto *preview = window.findChild<ImportPreviewDialog *>();
    QVERIFY(preview);
    QVERIFY(preview->isVisible());
    QTRY_VERIFY(!preview->isBusy());
    QCOMPARE(preview->objects().size(), 1);
    QCOMPARE(window.inventoryModel()->rowCount(), 3); // nothing added before the user says so
    QTest::mouseClick(preview->addButton(), Qt::LeftButton);
    QTRY_VERIFY(preview->hasAdded());
    QCOMPARE(window.inventoryModel()->rowCount(), 4);
    const QString sha256 = QString::fromLatin1(identity.certificate.sha256Fingerprint().toHex());
    bool listed = false;
    for (int row = 0; row < 4; ++row)
        listed |= window.inventoryModel()->index(row, 0).data(InventoryModel::Sha256Role) == sha256;
    QVERIFY(listed);
}

void MainWindowTest::issuedDcAppearsEverywhere()
{
    auto demo = makeDemo();
    MainWindow &window = *demo->window;
    const qint64 edge = demo->certificateId(u"edge.demo.test"_qs);
    QVERIFY(window.inventoryPanel()->selectCertificate(edge));
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(window.windowHandle(), Qt::Key_I, Qt::ControlModifier);
    IssueDcDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<IssueDcDialog *>()) && dialog->isVisible());
    QCOMPARE(dialog->certificateId(), edge); // the selection is the certificate offered
    dialog->lifetimeEdit()->selectAll();
    QTest::keyClicks(dialog->lifetimeEdit(), u"20h"_qs);
    QTest::mouseClick(okButton(dialog), Qt::LeftButton);
    QTRY_VERIFY(window.findChild<IssueDcDialog *>() == nullptr || !dialog->isVisible());

    const qint64 dc = window.inventoryPanel()->selectedDc();
    QVERIFY(dc > 0);
    const DcRecord *record = demo->session.snapshot().dc(dc);
    QVERIFY(record);
    QCOMPARE(record->certificateId, edge);
    QCOMPARE(record->expiresAt, kDemoNow.addSecs(20 * 3600));
    // Inventory: a row under edge, selected.
    const QModelIndex row = window.inventoryModel()->indexOfDc(dc);
    QVERIFY(row.isValid());
    QCOMPARE(row.parent(), window.inventoryModel()->indexOfCertificate(edge));
    // Details: the new DC.
    QCOMPARE(window.detailsPane()->dcId(), dc);
    // Timeline: a bar in edge's lane from now to the expiry, selected.
    QCOMPARE(window.timeline()->selectedDc(), dc);
    bool barFound = false;
    for (const TimelineLane &lane : window.timeline()->timelineLayout().lanes()) {
        for (const TimelineBar &bar : lane.bars) {
            if (bar.dcId != dc)
                continue;
            barFound = true;
            QCOMPARE(lane.certificateId, edge);
            QCOMPARE(bar.start, kDemoNow.toMSecsSinceEpoch());
            QCOMPARE(bar.end, kDemoNow.addSecs(20 * 3600).toMSecsSinceEpoch());
        }
    }
    QVERIFY(barFound);
}

void MainWindowTest::itemsAreDraggedOutAsPem_data()
{
    QTest::addColumn<bool>("dc");
    QTest::addColumn<QString>("pemLabel");
    QTest::newRow("certificate") << false << u"CERTIFICATE"_qs;
    QTest::newRow("DC") << true << u"SERVER DELEGATED CREDENTIAL"_qs;
}

void MainWindowTest::itemsAreDraggedOutAsPem()
{
    QFETCH(bool, dc);
    QFETCH(QString, pemLabel);
    auto demo = makeDemo();
    MainWindow &window = *demo->window;
    QTreeView *view = window.inventoryView();
    QVERIFY(view->dragEnabled());
    QCOMPARE(view->dragDropMode(), QAbstractItemView::DragOnly);

    const qint64 edge = demo->certificateId(u"edge.demo.test"_qs);
    const DcRecord *edgeDc = demo->session.snapshot().dcsOf(edge).last();
    QVERIFY(dc ? window.inventoryPanel()->selectDc(edgeDc->id)
               : window.inventoryPanel()->selectCertificate(edge));
    // What the view hands QDrag when the selected row is dragged.
    const QModelIndexList dragged = view->selectionModel()->selectedIndexes();
    QVERIFY(!dragged.isEmpty());
    for (const QModelIndex &index : dragged)
        QVERIFY(index.flags() & Qt::ItemIsDragEnabled);
    std::unique_ptr<QMimeData> mime(view->model()->mimeData(dragged));
    QVERIFY(mime);
    const QString pem = mime->text();
    QVERIFY2(pem.startsWith(u"-----BEGIN %1-----\n"_qs.arg(pemLabel)), qPrintable(pem));
    QVERIFY(!pem.contains(u"PRIVATE KEY"_qs)); // never a key
    QCOMPARE(mime->data(QLatin1String(kPemMimeType)), pem.toLatin1());
    if (dc)
        QCOMPARE(importSourcesFrom(mime.get()).text, pem.toLatin1());
    // Dropped back onto Baton, it is not imported again.
    QVERIFY(isInternalDrag(mime.get()));
    QDragEnterEvent enter(window.rect().center(), Qt::CopyAction, mime.get(), Qt::LeftButton, {});
    QApplication::sendEvent(&window, &enter);
    QVERIFY(!enter.isAccepted());
}

void MainWindowTest::recentWorkspaces()
{
    QSettings().clear();
    DemoSession first;
    DemoSession second;
    MainWindow window(&first.session);
    // Opened before the window existed: not listed (the app lists what it opens itself).
    QVERIFY(window.openWorkspaceFile(second.path()));
    QCOMPARE(MainWindow::recentWorkspaces(), QStringList{second.path()});
    QVERIFY(window.openWorkspaceFile(first.path()));
    QCOMPARE(MainWindow::recentWorkspaces(), (QStringList{first.path(), second.path()}));
    // Reopening moves it to the front instead of listing it twice.
    QVERIFY(window.openWorkspaceFile(second.path()));
    QCOMPARE(MainWindow::recentWorkspaces(), (QStringList{second.path(), first.path()}));

    QMenu *menu = window.recentMenu();
    emit menu->aboutToShow();
    QList<QAction *> entries = menu->actions();
    QCOMPARE(entries.size(), 4); // two workspaces, a separator, Clear List
    QCOMPARE(entries[0]->text(), u"&1 "_qs + second.path());
    QCOMPARE(entries[1]->text(), u"&2 "_qs + first.path());
    entries[1]->trigger();
    QCOMPARE(window.session()->path(), first.path());

    // A workspace that has gone stays listed, greyed.
    QVERIFY(QFile::remove(second.path()));
    emit menu->aboutToShow();
    entries = menu->actions();
    QCOMPARE(entries[1]->text(), u"&2 "_qs + second.path());
    QVERIFY(!entries[1]->isEnabled());
    QVERIFY(entries[0]->isEnabled());

    // At most kRecentLimit, the oldest dropped.
    QList<std::shared_ptr<DemoSession>> more;
    for (int i = 0; i < MainWindow::kRecentLimit; ++i) {
        more << std::make_shared<DemoSession>();
        QVERIFY(window.openWorkspaceFile(more.last()->path()));
    }
    QCOMPARE(MainWindow::recentWorkspaces().size(), MainWindow::kRecentLimit);
    QCOMPARE(MainWindow::recentWorkspaces().first(), more.last()->path());
    QVERIFY(!MainWindow::recentWorkspaces().contains(first.path()));

    emit menu->aboutToShow();
    menu->actions().last()->trigger(); // Clear List
    QVERIFY(MainWindow::recentWorkspaces().isEmpty());
    emit menu->aboutToShow();
    QCOMPARE(menu->actions().size(), 1);
    QVERIFY(!menu->actions().first()->isEnabled());
}

void MainWindowTest::newDemoWorkspaceIsMadeInTheBackground()
{
    QTemporaryDir dir;
    const FixedClock clock(kDemoNow);
    WorkspaceSession session(clock);
    MainWindow window(&session);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QString path = dir.filePath(u"new-demo.baton"_qs);
    window.createWorkspace(path, kDemoPassphrase, true);
    // Sealing the demo's keys runs scrypt several times: the window shows progress meanwhile.
    auto *progress = window.findChild<QProgressDialog *>(u"createProgress"_qs);
    QVERIFY(progress);
    QVERIFY(progress->isVisible());
    QVERIFY(!session.isOpen());
    QTRY_VERIFY_WITH_TIMEOUT(session.isOpen(), 60000);
    QTRY_VERIFY(window.findChild<QProgressDialog *>(u"createProgress"_qs) == nullptr);
    QCOMPARE(session.path(), path);
    QVERIFY(session.isUnlocked());
    QCOMPARE(window.inventoryModel()->rowCount(), 3);
    QCOMPARE(window.windowTitle(), u"new-demo.baton — Baton"_qs);
    QCOMPARE(MainWindow::recentWorkspaces().first(), path);
}

void MainWindowTest::notifiesWhenDcsBecomeDueOrExpire()
{
    DemoSession demo;
    MovableClock clock(kDemoNow);
    WorkspaceSession session(clock);
    QVERIFY(session.open(demo.path()));
    MainWindow window(&session);
    QSignalSpy notified(&window, &MainWindow::notified);
    // What is already due when the workspace opens (api.demo.test) is on screen, not news.
    QVERIFY(session.reload());
    QCOMPARE(notified.count(), 0);

    // Each step moves the clock as the minute timer would find it, and reloads.
    const auto messagesAt = [&](const QDateTime &at) {
        notified.clear();
        clock.at = at;
        if (!session.reload())
            return QStringList{u"reload failed"_qs};
        QStringList messages;
        for (const QList<QVariant> &signal : std::as_const(notified))
            messages << signal[0].toString() + u": "_qs + signal[1].toString();
        return messages;
    };
    // Each message begins with the expected text, in order.
    const auto begin = [](const QStringList &messages, const QStringList &expected) {
        bool same = messages.size() == expected.size();
        for (qsizetype i = 0; same && i < messages.size(); ++i)
            same = messages[i].startsWith(expected[i]);
        if (!same)
            qWarning() << messages;
        return same;
    };
    const qint64 api = demo.certificateId(u"api.demo.test"_qs);
    const DcRecord *apiServer = nullptr;
    for (const DcRecord *dc : session.snapshot().dcsOf(api))
        apiServer = dc->role == DcRole::Server ? dc : apiServer;
    QVERIFY(apiServer);
    const QDateTime apiServerExpiry = apiServer->expiresAt;
    const qint64 edge = demo.certificateId(u"edge.demo.test"_qs);
    const PolicyPlan *edgePolicy = session.snapshot().policyFor(edge);
    QVERIFY(edgePolicy);
    QCOMPARE(edgePolicy->plan.status, RotationStatus::Ok);
    const QDateTime edgeDue = edgePolicy->plan.nextRotation;
    QVERIFY(apiServerExpiry < edgeDue);

    // Nobody rotates api.demo.test: its server DC runs out.
    QVERIFY(begin(messagesAt(apiServerExpiry.addSecs(1)),
                  {u"DC expired: api.demo.test: its server DC expired 2026-06-01 16:00:00 UTC, "
                   u"and no valid one is left"_qs}));
    QVERIFY(window.statusBar()->currentMessage().startsWith(u"api.demo.test: its server DC"_qs));
    // A minute later nothing new has happened.
    QCOMPARE(messagesAt(apiServerExpiry.addSecs(61)), QStringList{});
    // Later, edge.demo.test becomes due (api's client DC has run out meanwhile).
    QVERIFY(
        begin(messagesAt(edgeDue.addSecs(1)),
              {u"DC due for rotation: edge.demo.test: its DC expires 2026-06-07 10:00:00 UTC "
               u"(in 11 h 59 min). Rotate now."_qs,
               u"DC expired: api.demo.test: its client DC expired 2026-06-01 23:00:00 UTC"_qs}));
}

void MainWindowTest::minuteTimerRefreshesInTheBackground()
{
    DemoSession demo;
    MovableClock clock(kDemoNow);
    WorkspaceSession session(clock);
    QVERIFY(session.open(demo.path()));
    MainWindow window(&session);
    auto *minute = window.findChild<QTimer *>(u"minuteRefresh"_qs);
    QVERIFY(minute);
    QVERIFY(minute->isActive());
    QCOMPARE(minute->interval(), 60 * 1000);

    // The timer's tick reads the snapshot for the time it finds.
    clock.at = kDemoNow.addSecs(3600);
    minute->setInterval(1);
    QTRY_COMPARE(session.snapshot().takenAt, clock.at);
    minute->stop();

    // A workspace that cannot be read any more keeps what is shown and says why.
    const int rows = window.inventoryModel()->rowCount();
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(demo.path() + QLatin1String(suffix));
    minute->start(1);
    QTRY_VERIFY(window.statusBar()->currentMessage().startsWith(
        u"Could not refresh the workspace: no workspace at"_qs));
    minute->stop();
    QCOMPARE(window.inventoryModel()->rowCount(), rows);
}

QTEST_MAIN(MainWindowTest)
#include "tst_main_window.moc"
