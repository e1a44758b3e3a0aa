// The desktop app's main window, driven as a user would, on the offscreen platform.

#include "DemoSession.h"
#include "TestPki.h"
#include "common/FileIo.h"
#include "details/DetailsPane.h"
#include "import/ImportPreviewDialog.h"
#include "import/ImportSources.h"
#include "inventory/InventoryModel.h"
#include "inventory/InventoryPanel.h"
#include "main/MainWindow.h"
#include "session/WorkspaceSession.h"
#include "timeline/TimelineWidget.h"

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace baton;
using namespace baton::test;
using namespace baton::ui;

class MainWindowTest : public QObject
{
    Q_OBJECT

private slots:
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

private:
    /// A demo workspace on the fixed clock, with a window rendering it.
    struct Demo : DemoSession
    {
        std::unique_ptr<MainWindow> window;
    };
    std::unique_ptr<Demo> makeDemo();
};

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

QTEST_MAIN(MainWindowTest)
#include "tst_main_window.moc"
