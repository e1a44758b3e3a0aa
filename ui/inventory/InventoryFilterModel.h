#pragma once

// The inventory as the panel shows it: narrowed by the search box and the quick filters, sorted
// by InventoryModel::SortKeyRole (expiry as a time, so "Expires" sorts chronologically).

#include "InventoryModel.h"

#include <QSortFilterProxyModel>

namespace baton::ui {

class InventoryFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit InventoryFilterModel(QObject *parent = nullptr);

    /// Case-insensitive; matched against a certificate's search text (subject, SANs, serial,
    /// fingerprints, extension values) and its SHA-256 fingerprint (colons ignored), and against
    /// a DC's name. A certificate stays when it or one of its DCs matches; a matching
    /// certificate keeps all its DCs.
    void setSearchText(const QString &text);
    QString searchText() const { return m_search; }

    /// Certificates must have every flag set (none: no quick filter); their DCs come along.
    void setQuickFilters(InventoryModel::QuickFilters filters);
    InventoryModel::QuickFilters quickFilters() const { return m_filters; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    bool certificateMatches(const QModelIndex &certificate) const;
    bool dcMatches(const QModelIndex &dc) const;

    QString m_search;    ///< lower case, trimmed
    QString m_hexSearch; ///< m_search without colons, for fingerprint prefixes "ab:cd:…"
    InventoryModel::QuickFilters m_filters{};
};

} // namespace baton::ui
