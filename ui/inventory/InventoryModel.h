#pragma once

#include <QAbstractItemModel>

namespace baton::ui {

/// The inventory: certificates, with their DCs beneath them. Empty until the workspace
/// arrives; the columns are the contract the views and tests rely on.
class InventoryModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        KindColumn,
        StatusColumn,
        ExpiresColumn,
        RemainingColumn,
        ColumnCount,
    };

    explicit InventoryModel(QObject *parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
};

} // namespace baton::ui
