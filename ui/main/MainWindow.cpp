#include "MainWindow.h"

#include "dashboard/RotationDashboard.h"
#include "details/DetailsPane.h"
#include "dialogs/IssueDcDialog.h"
#include "export/ExportWizard.h"
#include "import/ImportPreviewDialog.h"
#include "import/ImportSources.h"
#include "inventory/InventoryModel.h"
#include "inventory/InventoryPanel.h"
#include "keyring/Keyring.h"
#include "notify/ExpiryNotices.h"
#include "session/WorkspaceSession.h"
#include "timeline/TimelineWidget.h"

#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressDialog>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace baton::ui {

namespace {

// Plans depend on the time: a DC becomes due without anything in the workspace changing.
constexpr int kRefreshMs = 60 * 1000;
constexpr char kRecentKey[] = "recent/workspaces";

} // namespace

MainWindow::MainWindow(WorkspaceSession *session, QWidget *parent) : QMainWindow(parent)
{
    if (!session) {
        m_ownClock = std::make_unique<SystemClock>();
        session = new WorkspaceSession(*m_ownClock, this);
        session->setUsesKeyring(true);
    }
    m_session = session;
    setWindowIcon(QIcon(QStringLiteral(":/icons/baton.svg")));
    setAcceptDrops(true);
    resize(1280, 800);

    m_inventory = new InventoryPanel(this);
    m_inventory->setSession(m_session);
    m_details = new DetailsPane(m_session, this);
    m_timeline = new TimelineWidget(this);
    m_timeline->setSession(m_session);
    m_dashboard = new RotationDashboard(*m_session, this);

    auto *upper = new QSplitter(Qt::Horizontal, this);
    upper->addWidget(m_inventory);
    upper->addWidget(m_details);
    upper->setStretchFactor(0, 3);
    upper->setStretchFactor(1, 2);
    // Stretch factors share out only the spare width: without sizes the inventory's wide columns
    // would leave the details a narrow strip.
    upper->setSizes({720, 560});
    m_lower = new QTabWidget(this);
    m_lower->setObjectName(QStringLiteral("lowerTabs"));
    m_lower->addTab(m_timeline, tr("&Timeline"));
    m_lower->addTab(m_dashboard, tr("&Rotation"));
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(upper);
    splitter->addWidget(m_lower);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    m_workspacePage = splitter;

    // The first screen: what Baton is for, and three ways to start.
    m_emptyPage = new QWidget(this);
    auto *emptyLayout = new QVBoxLayout(m_emptyPage);
    m_emptyState = new QLabel(m_emptyPage);
    m_emptyState->setObjectName(QStringLiteral("emptyState"));
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_emptyState->setText(
        tr("<h2>No certificates yet</h2>"
           "<p>Baton will list your certificates here, with their delegated credentials "
           "beneath them, their expiry and what is due.</p>"
           "<p>Drop certificate, key or DC files anywhere on this window, paste PEM text with "
           "Ctrl+V, or start with a demo workspace.</p>"));
    emptyLayout->addStretch();
    emptyLayout->addWidget(m_emptyState);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    for (const auto &[text, name, slot] :
         {std::tuple{tr("New &demo workspace"), "demoButton",
                     std::function<void()>([this] { newWorkspace(true); })},
          std::tuple{tr("&Open workspace…"), "openButton",
                     std::function<void()>([this] { openWorkspace(); })},
          std::tuple{tr("&Import files…"), "importButton", std::function<void()>([this] {
                         const QStringList files = QFileDialog::getOpenFileNames(
                             this, tr("Import certificates, keys and DCs"));
                         if (!files.isEmpty())
                             importSources({.files = files});
                     })}}) {
        auto *button = new QPushButton(text, m_emptyPage);
        button->setObjectName(QLatin1String(name));
        button->setAccessibleName(QString(text).remove(QLatin1Char('&')).remove(u'…'));
        connect(button, &QPushButton::clicked, this, slot);
        buttons->addWidget(button);
    }
    buttons->addStretch();
    emptyLayout->addLayout(buttons);
    emptyLayout->addStretch();

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(m_emptyPage);
    m_pages->addWidget(m_workspacePage);
    setCentralWidget(m_pages);

    createMenus();
    connectSelection();
    // Where a desktop has a tray, news of DCs reaches the operator with the window hidden.
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(windowIcon(), this);
        m_tray->setToolTip(tr("Baton"));
        connect(m_tray, &QSystemTrayIcon::activated, this, [this] {
            showNormal();
            raise();
            activateWindow();
        });
        m_tray->show();
    }
    connect(m_session, &WorkspaceSession::workspaceChanged, this, [this] {
        m_details->clear();
        m_notifiedSnapshot = {};
        updateTitle();
        rememberRecent();
    });
    connect(m_session, &WorkspaceSession::snapshotChanged, this, [this] {
        updateEmptyState();
        notifyChanges();
    });
    connect(m_session, &WorkspaceSession::reloadFailed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("Could not refresh the workspace: %1").arg(message));
    });
    m_minute = new QTimer(this);
    m_minute->setObjectName(QStringLiteral("minuteRefresh"));
    m_minute->setInterval(kRefreshMs);
    connect(m_minute, &QTimer::timeout, m_session, &WorkspaceSession::reloadInBackground);
    m_minute->start();

    const QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    updateTitle();
    updateEmptyState();
    statusBar()->showMessage(tr("Ready"));
}

MainWindow::~MainWindow() = default;

InventoryModel *MainWindow::inventoryModel() const
{
    return m_inventory->model();
}

QTreeView *MainWindow::inventoryView() const
{
    return m_inventory->view();
}

void MainWindow::connectSelection()
{
    // Each view follows a selection made in another; the select* slots do not emit, so the
    // views never answer each other in a loop.
    connect(m_inventory, &InventoryPanel::certificateSelected, this, [this](qint64 id) {
        m_details->showCertificate(id);
        m_timeline->selectCertificate(id);
        m_dashboard->selectCertificate(id);
    });
    connect(m_inventory, &InventoryPanel::dcSelected, this, [this](qint64 id) {
        m_details->showDc(id);
        m_timeline->selectDc(id);
    });
    connect(m_inventory, &InventoryPanel::selectionCleared, m_details, &DetailsPane::clear);
    connect(m_timeline, &TimelineWidget::certificateSelected, this, [this](qint64 id) {
        m_inventory->selectCertificate(id);
        m_details->showCertificate(id);
        m_dashboard->selectCertificate(id);
    });
    connect(m_timeline, &TimelineWidget::dcSelected, this, &MainWindow::showDc);
}

void MainWindow::showDc(qint64 id)
{
    m_inventory->selectDc(id);
    m_details->showDc(id);
    m_timeline->selectDc(id);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New Workspace…"), this, [this] { newWorkspace(false); });
    file->addAction(tr("New &Demo Workspace…"), this, [this] { newWorkspace(true); });
    QAction *open = file->addAction(tr("&Open Workspace…"), this, &MainWindow::openWorkspace);
    open->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    fillRecentMenu();
    if (m_session->usesKeyring())
        file->addAction(tr("&Forget Remembered Passphrase"), this,
                        &MainWindow::forgetRememberedPassphrase);
    file->addSeparator();
    QAction *import = file->addAction(tr("&Import Files…"), this, [this] {
        const QStringList files =
            QFileDialog::getOpenFileNames(this, tr("Import certificates, keys and DCs"));
        if (!files.isEmpty())
            importSources({.files = files});
    });
    import->setShortcut(QKeySequence(tr("Ctrl+O")));
    QAction *paste = file->addAction(tr("&Paste to Import"), this, &MainWindow::paste);
    paste->setShortcut(QKeySequence(tr("Ctrl+V")));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    // Spelled out: QKeySequence::Quit is empty under platform themes without a Quit binding
    // (the Windows scheme, the offscreen platform), and Ctrl+Q is what Linux users press.
    quit->setShortcut(QKeySequence(tr("Ctrl+Q")));

    QMenu *credentials = menuBar()->addMenu(tr("&Credentials"));
    QAction *issue = credentials->addAction(tr("&Issue DC…"), this, &MainWindow::issueDc);
    issue->setShortcut(QKeySequence(tr("Ctrl+I")));
    QAction *exportAction = credentials->addAction(tr("&Export DC…"), this, &MainWindow::exportDc);
    exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    credentials->addSeparator();
    credentials->addAction(tr("Rotate &All Due"), m_dashboard, &RotationDashboard::rotateAllDue);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *zoomIn = view->addAction(tr("Zoom &In Timeline"), m_timeline, &TimelineWidget::zoomIn);
    zoomIn->setShortcut(QKeySequence(tr("Ctrl+=")));
    QAction *zoomOut =
        view->addAction(tr("Zoom &Out Timeline"), m_timeline, &TimelineWidget::zoomOut);
    zoomOut->setShortcut(QKeySequence(tr("Ctrl+-")));
    view->addAction(tr("&Reset Timeline"), m_timeline, &TimelineWidget::showDefaultRange);

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

void MainWindow::showError(const QString &what, const QString &message)
{
    QMessageBox::warning(this, what, message);
}

void MainWindow::updateTitle()
{
    setWindowTitle(m_session->isOpen()
                       ? tr("%1 — Baton").arg(QFileInfo(m_session->path()).fileName())
                       : tr("Baton"));
}

QStringList MainWindow::recentWorkspaces()
{
    return QSettings().value(QLatin1String(kRecentKey)).toStringList();
}

void MainWindow::rememberRecent()
{
    if (!m_session->isOpen())
        return;
    const QString path = QFileInfo(m_session->path()).absoluteFilePath();
    QStringList recent = recentWorkspaces();
    recent.removeAll(path);
    recent.prepend(path);
    QSettings().setValue(QLatin1String(kRecentKey), recent.mid(0, kRecentLimit));
    fillRecentMenu();
}

void MainWindow::fillRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = recentWorkspaces();
    for (qsizetype i = 0; i < recent.size(); ++i) {
        const QString &path = recent[i];
        // &1 … &8: each entry has its own key in the menu.
        QAction *action =
            m_recentMenu->addAction(tr("&%1 %2").arg(i + 1).arg(QDir::toNativeSeparators(path)),
                                    this, [this, path] { openWorkspaceFile(path); });
        // A moved or deleted workspace stays listed, greyed, so the user sees where it was.
        action->setEnabled(QFileInfo::exists(path));
    }
    if (!recent.isEmpty())
        m_recentMenu->addSeparator();
    QAction *clear = m_recentMenu->addAction(tr("&Clear List"), this, [this] {
        QSettings().remove(QLatin1String(kRecentKey));
        fillRecentMenu();
    });
    clear->setEnabled(!recent.isEmpty());
}

void MainWindow::notifyChanges()
{
    const WorkspaceSnapshot &now = m_session->snapshot();
    const QList<ExpiryNotice> notices = expiryNotices(m_notifiedSnapshot, now);
    m_notifiedSnapshot = now;
    for (const ExpiryNotice &notice : notices) {
        statusBar()->showMessage(notice.message);
        if (m_tray)
            m_tray->showMessage(notice.title, notice.message,
                                notice.kind == ExpiryNotice::Kind::Expired
                                    ? QSystemTrayIcon::Critical
                                    : QSystemTrayIcon::Warning);
        emit notified(notice.title, notice.message);
    }
}

void MainWindow::forgetRememberedPassphrase()
{
    if (!m_session->isOpen())
        return;
    if (const Status forgotten = forgetWorkspacePassphrase(m_session->path(), kKeyringCommandWait);
        !forgotten)
        return showError(tr("Keyring"), forgotten.errorMessage());
    statusBar()->showMessage(tr("The keyring no longer holds the passphrase of %1")
                                 .arg(QFileInfo(m_session->path()).fileName()),
                             5000);
}

void MainWindow::updateEmptyState()
{
    const bool empty = !m_session->isOpen() || m_session->snapshot().certificates.isEmpty();
    m_pages->setCurrentWidget(empty ? m_emptyPage : m_workspacePage);
}

void MainWindow::importSources(const ImportSources &sources)
{
    if (sources.isEmpty())
        return;
    if (!m_session->isOpen()) {
        // Imported objects need a home: the default workspace, made on first use.
        const QString path = Workspace::defaultPath();
        const Status opened = QFileInfo::exists(path) ? m_session->open(path) : Status{};
        if (!opened)
            return showError(tr("Open workspace"), opened.errorMessage());
        if (!m_session->isOpen()) {
            newWorkspace(false);
            if (!m_session->isOpen())
                return;
        }
    }
    auto *dialog = new ImportPreviewDialog(m_session, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->addSources(sources);
    dialog->open();
}

void MainWindow::paste()
{
    importSources(importSourcesFrom(QGuiApplication::clipboard()->mimeData()));
}

void MainWindow::openWorkspace()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open workspace"), QFileInfo(Workspace::defaultPath()).absolutePath(),
        tr("Baton workspaces (*.baton);;All files (*)"));
    if (!path.isEmpty())
        openWorkspaceFile(path);
}

bool MainWindow::openWorkspaceFile(const QString &path)
{
    const Status opened = m_session->open(path);
    if (!opened)
        showError(tr("Open workspace"), opened.errorMessage());
    return bool(opened);
}

void MainWindow::newWorkspace(bool demo)
{
    const QString path = QFileDialog::getSaveFileName(
        this, demo ? tr("New demo workspace") : tr("New workspace"),
        QFileInfo(Workspace::defaultPath()).absolutePath() +
            (demo ? QStringLiteral("/demo.baton") : QStringLiteral("/workspace.baton")),
        tr("Baton workspaces (*.baton)"));
    if (path.isEmpty())
        return;
    bool ok = false;
    const QString first =
        QInputDialog::getText(this, tr("Workspace passphrase"),
                              tr("The passphrase that encrypts the workspace's private keys:"),
                              QLineEdit::Password, QString(), &ok);
    if (!ok)
        return;
    const QString again =
        QInputDialog::getText(this, tr("Workspace passphrase"), tr("The same passphrase again:"),
                              QLineEdit::Password, QString(), &ok);
    if (!ok)
        return;
    if (first != again || first.isEmpty())
        return showError(tr("New workspace"), first.isEmpty()
                                                  ? tr("An empty passphrase protects nothing.")
                                                  : tr("The two passphrases differ."));
    createWorkspace(path, first.toUtf8(), demo);
}

void MainWindow::createWorkspace(const QString &path, const QByteArray &passphrase, bool demo)
{
    auto *progress = new QProgressDialog(
        demo ? tr("Creating the demo workspace: issuing certificates and DCs and sealing their "
                  "keys…")
             : tr("Creating the workspace…"),
        QString(), 0, 0, this);
    progress->setObjectName(QStringLiteral("createProgress"));
    progress->setWindowTitle(demo ? tr("New demo workspace") : tr("New workspace"));
    progress->setCancelButton(nullptr); // scrypt runs cannot be interrupted; it is seconds
    progress->setMinimumDuration(0);
    progress->setWindowModality(Qt::WindowModal);
    progress->show();
    m_session->createInBackground(path, passphrase, demo, this,
                                  [this, progress](const Status &created) {
                                      progress->deleteLater();
                                      if (!created)
                                          showError(tr("New workspace"), created.errorMessage());
                                  });
}

void MainWindow::issueDc()
{
    if (!m_session->isOpen())
        return;
    auto *dialog = new IssueDcDialog(*m_session, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (const qint64 certificate = m_inventory->selectedCertificate())
        dialog->setCertificate(certificate);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (dialog->issuedDcId())
            showDc(dialog->issuedDcId());
    });
    dialog->open();
}

void MainWindow::exportDc()
{
    const qint64 dc = m_inventory->selectedDc();
    if (!dc)
        return statusBar()->showMessage(tr("Select a DC to export"), 5000);
    auto *wizard = new ExportWizard(m_session, dc, this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    wizard->open();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    // Items dragged out of Baton itself are not imported back when they land on the window.
    if (canImport(event->mimeData()))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    if (!canImport(event->mimeData()))
        return;
    event->acceptProposedAction();
    importSources(importSourcesFrom(event->mimeData()));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    QMainWindow::closeEvent(event);
}

} // namespace baton::ui
