#include "InventoryPanel.h"

#include "InventoryFilterModel.h"
#include "session/WorkspaceSession.h"

#include <QBoxLayout>
#include <QEvent>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QScopedValueRollback>
#include <QScrollBar>
#include <QShortcut>
#include <QToolButton>
#include <QTreeView>

namespace baton::ui {

namespace {

/// Up to this many certificates in view, the tree opens them all (after a workspace is opened,
/// and while searching, where a matching DC would otherwise hide under a closed certificate).
/// Beyond it, expanding would cost more than it shows.
constexpr int kExpandAllLimit = 200;

} // namespace

InventoryPanel::InventoryPanel(QWidget *parent) : QWidget(parent)
{
    m_model = new InventoryModel(this);
    m_filter = new InventoryFilterModel(this);
    m_filter->setSourceModel(m_model);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("inventorySearch"));
    m_search->setPlaceholderText(tr("Search subject, SANs, serial, fingerprint, extensions…"));
    m_search->setAccessibleName(tr("Search the inventory"));
    m_search->setToolTip(tr("Search subject, SANs, serial, fingerprint and extension values "
                            "(Ctrl+F; Esc clears)"));
    m_search->setClearButtonEnabled(true);
    m_search->installEventFilter(this);
    connect(m_search, &QLineEdit::textChanged, this, &InventoryPanel::updateSearch);

    auto *find = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_F), this);
    find->setContext(Qt::WindowShortcut);
    connect(find, &QShortcut::activated, this, &InventoryPanel::focusSearch);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_search, 1);
    bar->addWidget(addQuickFilter(QStringLiteral("filterDcCapable"), tr("DC-capable"),
                                  tr("Only certificates that carry DelegationUsage and are not "
                                     "CAs: those that can issue DCs"),
                                  InventoryModel::DcCapableFilter));
    bar->addWidget(addQuickFilter(QStringLiteral("filterDue"), tr("Due"),
                                  tr("Only certificates whose rotation is due or overdue, or "
                                     "with a DC within its policy's renew-before"),
                                  InventoryModel::DueFilter));
    bar->addWidget(addQuickFilter(QStringLiteral("filterExpired"), tr("Expired"),
                                  tr("Only expired certificates, and certificates whose DCs have "
                                     "all expired"),
                                  InventoryModel::ExpiredFilter));
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("inventoryCount"));
    bar->addWidget(m_count);

    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("inventoryView"));
    m_view->setAccessibleName(tr("Inventory"));
    m_view->setAccessibleDescription(tr("Certificates and the delegated credentials under them"));
    m_view->setModel(m_filter);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Dragged out as PEM into an editor, a terminal or an upload field; never dropped onto.
    m_view->setDragEnabled(true);
    m_view->setDragDropMode(QAbstractItemView::DragOnly);
    m_view->setDefaultDropAction(Qt::CopyAction);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(InventoryModel::NameColumn, Qt::AscendingOrder);
    m_view->header()->setStretchLastSection(true);
    m_view->setColumnWidth(InventoryModel::NameColumn, 280);
    m_view->setColumnWidth(InventoryModel::KindColumn, 110);
    m_view->setColumnWidth(InventoryModel::StatusColumn, 160);
    m_view->setColumnWidth(InventoryModel::ExpiresColumn, 180);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &InventoryPanel::emitSelection);

    connect(m_filter, &QAbstractItemModel::modelAboutToBeReset, this,
            &InventoryPanel::rememberState);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &InventoryPanel::restoreState);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &InventoryPanel::updateCount);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &InventoryPanel::updateCount);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &InventoryPanel::updateCount);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    updateCount();
}

QToolButton *InventoryPanel::addQuickFilter(const QString &objectName, const QString &text,
                                            const QString &toolTip,
                                            InventoryModel::QuickFilter filter)
{
    auto *button = new QToolButton(this);
    button->setObjectName(objectName);
    button->setText(text);
    button->setToolTip(toolTip);
    button->setAccessibleName(tr("Show only: %1").arg(text));
    button->setCheckable(true);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    connect(button, &QToolButton::toggled, this, &InventoryPanel::updateQuickFilters);
    m_quickFilters.append({button, filter});
    return button;
}

void InventoryPanel::setSession(WorkspaceSession *session)
{
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    if (session) {
        // Before the new snapshot arrives: the ids kept for a reload belong to the old one.
        connect(session, &WorkspaceSession::workspaceChanged, this, [this] {
            m_view->selectionModel()->clearSelection();
            m_keptCertificate = m_keptDc = 0;
            m_expanded.clear();
            m_freshWorkspace = true;
        });
    }
    m_freshWorkspace = true;
    m_model->setSession(session);
}

void InventoryPanel::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

bool InventoryPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_search && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape && !m_search->text().isEmpty()) {
        m_search->clear();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void InventoryPanel::updateQuickFilters()
{
    InventoryModel::QuickFilters filters;
    for (const auto &[button, filter] : std::as_const(m_quickFilters)) {
        if (button->isChecked())
            filters |= filter;
    }
    changeFilter([&] { m_filter->setQuickFilters(filters); });
}

void InventoryPanel::changeFilter(const std::function<void()> &change)
{
    const qint64 dc = selectedDc();
    const qint64 certificate = selectedCertificate();
    bool kept = true;
    {
        // In single selection, Qt hands the selection of a row that goes to its neighbour:
        // the details would jump to an item the user never chose. It is cleared instead.
        const QScopedValueRollback syncing(m_syncing, true);
        change();
        if (dc || certificate)
            kept = selectSourceIndex(
                dc ? m_model->indexOfDc(dc) : m_model->indexOfCertificate(certificate), false);
    }
    if (!kept)
        emit selectionCleared();
    updateCount();
}

void InventoryPanel::updateSearch(const QString &text)
{
    changeFilter([&] { m_filter->setSearchText(text); });
    if (!m_filter->searchText().isEmpty() && m_filter->rowCount() <= kExpandAllLimit)
        m_view->expandAll();
}

void InventoryPanel::updateCount()
{
    const int total = m_model->rowCount();
    const int shown = m_filter->rowCount();
    // Spelled out: without a translation file Qt renders "%n" plurals as "certificate(s)".
    const QString certificates =
        total == 1 ? tr("1 certificate") : tr("%1 certificates").arg(total);
    m_count->setText(shown == total ? certificates : tr("%1 of %2").arg(shown).arg(certificates));
}

qint64 InventoryPanel::selectedCertificate() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : rows.first().data(InventoryModel::CertificateIdRole).toLongLong();
}

qint64 InventoryPanel::selectedDc() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : rows.first().data(InventoryModel::DcIdRole).toLongLong();
}

void InventoryPanel::emitSelection()
{
    if (m_syncing)
        return;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        emit selectionCleared();
        return;
    }
    const QModelIndex row = rows.first();
    if (row.data(InventoryModel::ItemKindRole).toInt() == int(InventoryModel::ItemKind::Dc))
        emit dcSelected(row.data(InventoryModel::DcIdRole).toLongLong());
    else
        emit certificateSelected(row.data(InventoryModel::CertificateIdRole).toLongLong());
}

bool InventoryPanel::selectCertificate(qint64 id)
{
    return selectSourceIndex(m_model->indexOfCertificate(id), true);
}

bool InventoryPanel::selectDc(qint64 id)
{
    return selectSourceIndex(m_model->indexOfDc(id), true);
}

bool InventoryPanel::selectSourceIndex(const QModelIndex &sourceIndex, bool scroll)
{
    const QScopedValueRollback syncing(m_syncing, true);
    const QModelIndex index = m_filter->mapFromSource(sourceIndex);
    if (!index.isValid()) {
        m_view->selectionModel()->clear();
        return false;
    }
    if (index.parent().isValid())
        m_view->expand(index.parent());
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    if (scroll)
        m_view->scrollTo(index);
    return true;
}

void InventoryPanel::rememberState()
{
    m_keptCertificate = selectedCertificate();
    m_keptDc = selectedDc();
    m_keptScroll = m_view->verticalScrollBar()->value();
    m_expanded.clear();
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        const QModelIndex index = m_filter->index(row, 0);
        if (m_view->isExpanded(index))
            m_expanded.append(index.data(InventoryModel::CertificateIdRole).toLongLong());
    }
}

void InventoryPanel::restoreState()
{
    if (m_freshWorkspace && m_filter->rowCount() <= kExpandAllLimit) {
        m_view->expandAll();
    } else {
        for (const qint64 id : std::as_const(m_expanded))
            m_view->expand(m_filter->mapFromSource(m_model->indexOfCertificate(id)));
    }
    m_expanded.clear();
    // Where the user was: the selection, and the scroll position rather than a jump to it.
    const QModelIndex keptIndex =
        m_keptDc ? m_model->indexOfDc(m_keptDc) : m_model->indexOfCertificate(m_keptCertificate);
    const bool kept = !(m_keptDc || m_keptCertificate) || selectSourceIndex(keptIndex, false);
    if (!m_freshWorkspace) {
        m_view->doItemsLayout();
        m_view->verticalScrollBar()->setValue(m_keptScroll);
    }
    m_freshWorkspace = false;
    const bool hadSelection = m_keptDc || m_keptCertificate;
    m_keptCertificate = m_keptDc = 0;
    // The reset dropped the selection without a signal; tell the window only when the item is
    // gone from the workspace.
    if (hadSelection && !kept)
        emit selectionCleared();
    updateCount();
}

} // namespace baton::ui
