#pragma once

#include <QMainWindow>

class QLabel;
class QStackedWidget;
class QTreeView;

namespace baton::ui {

class InventoryModel;

/// Baton's main window: the inventory of certificates and their DCs.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

    InventoryModel *inventoryModel() const { return m_model; }
    QTreeView *inventoryView() const { return m_view; }

private:
    void createMenus();
    void showAbout();
    /// Shows the empty-state page when there is nothing to list, the inventory otherwise.
    void updateEmptyState();

    InventoryModel *m_model = nullptr;
    QTreeView *m_view = nullptr;
    QLabel *m_emptyState = nullptr;
    QStackedWidget *m_pages = nullptr;
};

} // namespace baton::ui
