#pragma once

#include "session/WorkspaceSnapshot.h"

#include <QMainWindow>
#include <memory>

class QLabel;
class QMenu;
class QStackedWidget;
class QSystemTrayIcon;
class QTabWidget;
class QTimer;
class QTreeView;

namespace baton {
class Clock;
}

namespace baton::ui {

class DetailsPane;
class InventoryModel;
class InventoryPanel;
class RotationDashboard;
class TimelineWidget;
class WorkspaceSession;
struct ImportSources;

/// Baton's main window: the inventory of certificates and their DCs with the details of the
/// selection beside it, and below them the expiry timeline and the rotation dashboard, all
/// rendering one workspace session and kept in step with each other.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    /// Without a session the window makes its own, on the system clock and using the OS
    /// keyring (the app); tests pass one on a fixed clock, without the keyring.
    explicit MainWindow(WorkspaceSession *session = nullptr, QWidget *parent = nullptr);
    ~MainWindow() override;

    WorkspaceSession *session() const { return m_session; }
    InventoryModel *inventoryModel() const;
    QTreeView *inventoryView() const;
    InventoryPanel *inventoryPanel() const { return m_inventory; }
    DetailsPane *detailsPane() const { return m_details; }
    TimelineWidget *timeline() const { return m_timeline; }
    RotationDashboard *dashboard() const { return m_dashboard; }

    /// Workspaces opened or created here, most recent first (at most kRecentLimit).
    static QStringList recentWorkspaces();
    static constexpr int kRecentLimit = 8;
    QMenu *recentMenu() const { return m_recentMenu; }
    /// The tray icon, when the desktop has a tray.
    QSystemTrayIcon *trayIcon() const { return m_tray; }

public slots:
    /// The import preview for files or text (a drop, a paste, `baton FILE...`).
    void importSources(const ImportSources &sources);
    void openWorkspace();
    /// Opens `path`, saying why not in a message box.
    bool openWorkspaceFile(const QString &path);
    void newWorkspace(bool demo);
    /// Creates the workspace off the UI thread (sealing the demo's keys takes seconds), with
    /// a progress dialog meanwhile.
    void createWorkspace(const QString &path, const QByteArray &passphrase, bool demo);
    void issueDc();
    void exportDc();
    /// Selects the DC in the inventory and the timeline and shows its details.
    void showDc(qint64 id);

signals:
    /// A DC became due or expired while the window was open (also shown in the tray).
    void notified(const QString &title, const QString &message);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void connectSelection();
    void showAbout();
    void paste();
    void showError(const QString &what, const QString &message);
    void updateTitle();
    /// Shows the first-run page when there is nothing to list, the workspace otherwise.
    void updateEmptyState();
    void rememberRecent();
    void fillRecentMenu();
    /// Tells about what became due or expired since the last snapshot.
    void notifyChanges();
    void forgetRememberedPassphrase();

    std::unique_ptr<Clock> m_ownClock;
    WorkspaceSession *m_session = nullptr;
    InventoryPanel *m_inventory = nullptr;
    DetailsPane *m_details = nullptr;
    TimelineWidget *m_timeline = nullptr;
    RotationDashboard *m_dashboard = nullptr;
    QTabWidget *m_lower = nullptr;
    QLabel *m_emptyState = nullptr;
    QWidget *m_emptyPage = nullptr;
    QWidget *m_workspacePage = nullptr;
    QStackedWidget *m_pages = nullptr;
    QTimer *m_minute = nullptr;
    QMenu *m_recentMenu = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    WorkspaceSnapshot m_notifiedSnapshot; ///< what notifyChanges() compared against last
};

} // namespace baton::ui
