#pragma once

// The inventory as a panel: a search box, quick filters and the certificate/DC tree. Tells the
// window what the user selected; the window tells it what another view (the timeline) selected,
// and it follows without echoing that back.

#include "InventoryModel.h"

#include <QPointer>
#include <QWidget>
#include <functional>

class QLabel;
class QLineEdit;
class QToolButton;
class QTreeView;

namespace baton::ui {

class InventoryFilterModel;
class WorkspaceSession;

class InventoryPanel : public QWidget
{
    Q_OBJECT

public:
    explicit InventoryPanel(QWidget *parent = nullptr);

    /// Lists the session's snapshot and follows it (nullptr: empty).
    void setSession(WorkspaceSession *session);

    InventoryModel *model() const { return m_model; }
    InventoryFilterModel *filterModel() const { return m_filter; }
    QTreeView *view() const { return m_view; }
    QLineEdit *searchField() const { return m_search; }

    /// The selected certificate or DC; 0 for none.
    qint64 selectedCertificate() const;
    qint64 selectedDc() const;

public slots:
    /// Selects the row and scrolls to it (a DC's certificate is expanded) without emitting the
    /// selection signals. False, with the selection cleared, when the row is absent or hidden
    /// by the search or a quick filter.
    bool selectCertificate(qint64 id);
    bool selectDc(qint64 id);
    void focusSearch();

signals:
    void certificateSelected(qint64 id);
    void dcSelected(qint64 id);
    void selectionCleared();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QToolButton *addQuickFilter(const QString &objectName, const QString &text,
                                const QString &toolTip, InventoryModel::QuickFilter filter);
    void updateQuickFilters();
    void updateSearch(const QString &text);
    /// Applies a search or quick filter change, keeping the selection when it stays in view and
    /// clearing it (with selectionCleared) when it does not.
    void changeFilter(const std::function<void()> &change);
    void emitSelection();
    bool selectSourceIndex(const QModelIndex &sourceIndex, bool scroll);
    void rememberState();
    void restoreState();
    void updateCount();

    InventoryModel *m_model = nullptr;
    InventoryFilterModel *m_filter = nullptr;
    QLineEdit *m_search = nullptr;
    QList<std::pair<QToolButton *, InventoryModel::QuickFilter>> m_quickFilters;
    QTreeView *m_view = nullptr;
    QLabel *m_count = nullptr;
    bool m_syncing = false; ///< selecting for another view: emit nothing
    /// Kept across a snapshot reload (a model reset), which happens every minute.
    qint64 m_keptCertificate = 0;
    qint64 m_keptDc = 0;
    int m_keptScroll = 0;
    QList<qint64> m_expanded;
    QPointer<WorkspaceSession> m_session;
    bool m_freshWorkspace = true; ///< the next reset brings another workspace: open small trees
};

} // namespace baton::ui
