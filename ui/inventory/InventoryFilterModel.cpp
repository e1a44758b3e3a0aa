#include "InventoryFilterModel.h"

namespace baton::ui {

InventoryFilterModel::InventoryFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(InventoryModel::SortKeyRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    // Not recursive: a certificate's rule already looks at its DCs (so a matching DC keeps its
    // certificate), and Qt's recursive mode would keep a certificate for a DC match even when
    // the certificate fails a quick filter, besides visiting every DC of every rejected one.
    setRecursiveFilteringEnabled(false);
}

void InventoryFilterModel::setSearchText(const QString &text)
{
    const QString search = text.trimmed().toLower();
    if (search == m_search)
        return;
    m_search = search;
    m_hexSearch = QString(search).remove(QLatin1Char(':'));
    invalidateFilter();
}

void InventoryFilterModel::setQuickFilters(InventoryModel::QuickFilters filters)
{
    if (filters == m_filters)
        return;
    m_filters = filters;
    invalidateFilter();
}

bool InventoryFilterModel::certificateMatches(const QModelIndex &certificate) const
{
    if (certificate.data(InventoryModel::SearchTextRole).toString().contains(m_search))
        return true;
    return !m_hexSearch.isEmpty() &&
           certificate.data(InventoryModel::Sha256Role).toString().contains(m_hexSearch);
}

bool InventoryFilterModel::dcMatches(const QModelIndex &dc) const
{
    return dc.data(InventoryModel::SearchTextRole).toString().contains(m_search);
}

bool InventoryFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex row = sourceModel()->index(sourceRow, 0, sourceParent);
    // A DC answers with its certificate's flags: DCs come and go with their certificate.
    const auto flags =
        InventoryModel::QuickFilters(row.data(InventoryModel::QuickFilterRole).toInt());
    if ((flags & m_filters) != m_filters)
        return false;
    if (m_search.isEmpty())
        return true;
    if (sourceParent.isValid())
        return dcMatches(row) || certificateMatches(sourceParent);
    if (certificateMatches(row))
        return true;
    const int dcs = sourceModel()->rowCount(row);
    for (int i = 0; i < dcs; ++i) {
        if (dcMatches(sourceModel()->index(i, 0, row)))
            return true;
    }
    return false;
}

} // namespace baton::ui
