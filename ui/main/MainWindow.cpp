#include "MainWindow.h"

#include "inventory/InventoryModel.h"

#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTreeView>

namespace baton::ui {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Baton"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/baton.svg")));
    resize(1000, 640);

    m_model = new InventoryModel(this);
    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("inventoryView"));
    m_view->setAccessibleName(tr("Inventory"));
    m_view->setAccessibleDescription(tr("Certificates and the delegated credentials under them"));
    m_view->setModel(m_model);
    m_view->setSortingEnabled(true);
    m_view->setAlternatingRowColors(true);
    m_view->setUniformRowHeights(true);
    m_view->header()->setStretchLastSection(true);

    m_emptyState = new QLabel(this);
    m_emptyState->setObjectName(QStringLiteral("emptyState"));
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_emptyState->setText(
        tr("<h2>No certificates yet</h2>"
           "<p>Baton will list your certificates here, with their delegated credentials "
           "beneath them, their expiry and what is due.</p>"));

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(m_emptyState);
    m_pages->addWidget(m_view);
    setCentralWidget(m_pages);

    createMenus();
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateEmptyState);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateEmptyState);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::updateEmptyState);
    updateEmptyState();
    statusBar()->showMessage(tr("Ready"));
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    // Spelled out: QKeySequence::Quit is empty under platform themes without a Quit binding
    // (the Windows scheme, the offscreen platform), and Ctrl+Q is what Linux users press.
    quit->setShortcut(QKeySequence(tr("Ctrl+Q")));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Baton"), this, &MainWindow::showAbout);
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About Baton"),
        tr("<h3>Baton %1</h3><p>The workbench for TLS delegated credentials (RFC 9345): inspect "
           "certificates, issue DCs every implementation accepts, watch their expiry and rotate "
           "them on schedule.</p>")
            .arg(QApplication::applicationVersion()));
}

void MainWindow::updateEmptyState()
{
    m_pages->setCurrentWidget(m_model->rowCount() == 0 ? static_cast<QWidget *>(m_emptyState)
                                                       : m_view);
}

} // namespace baton::ui
