// The desktop app's main window, driven as a user would, on the offscreen platform.

#include "inventory/InventoryModel.h"
#include "main/MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

using baton::ui::InventoryModel;
using baton::ui::MainWindow;

class MainWindowTest : public QObject
{
    Q_OBJECT

private slots:
    void showsEmptyInventoryFirst();
    void inventoryColumns_data();
    void inventoryColumns();
    void menusAreReachableByKeyboard();
    void iconRendersFromSvg();
};

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
    QCOMPARE(menus, (QStringList{u"&File"_qs, u"&Help"_qs}));
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
