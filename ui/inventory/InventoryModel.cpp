#include "InventoryModel.h"

namespace baton::ui {

InventoryModel::InventoryModel(QObject *parent) : QAbstractItemModel(parent) {}

QModelIndex InventoryModel::index(int, int, const QModelIndex &) const
{
    return {};
}

QModelIndex InventoryModel::parent(const QModelIndex &) const
{
    return {};
}

int InventoryModel::rowCount(const QModelIndex &) const
{
    return 0;
}

int InventoryModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant InventoryModel::data(const QModelIndex &, int) const
{
    return {};
}

QVariant InventoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case KindColumn:
        return tr("Kind");
    case StatusColumn:
        return tr("Status");
    case ExpiresColumn:
        return tr("Expires (UTC)");
    case RemainingColumn:
        return tr("Remaining");
    default:
        return {};
    }
}

} // namespace baton::ui
