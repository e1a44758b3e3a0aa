#pragma once

// The inventory: every certificate of the workspace (superseded ones too, marked), with its DCs
// beneath it. Built once per snapshot into flat arrays, so that a workspace of 10,000
// certificates and 100,000 DCs lists, sorts and filters without touching the database or
// allocating per data() call; the display texts that depend on the time are formatted only for
// the rows a view asks about.

#include "session/WorkspaceSnapshot.h"

#include <QAbstractItemModel>
#include <QIcon>
#include <QPointer>
#include <vector>

namespace baton::ui {

class WorkspaceSession;

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

    enum class ItemKind
    {
        Certificate,
        CaCertificate,
        Dc,
    };
    Q_ENUM(ItemKind)

    /// Where an item stands. A certificate's status is the most pressing of: superseded,
    /// expired, not yet valid, its policy's rotation status, whether it can delegate.
    enum class Status
    {
        Valid,
        DcCapable,
        NoDelegation,
        Expired,
        NotYetValid,
        Superseded,
        Due,
        DcsExpired, ///< its policy's status "expired": a required role has no valid DC
        Blocked,
        CertExpiring,
    };
    Q_ENUM(Status)

    /// What the quick filters ask of a certificate row (QuickFilterRole).
    enum QuickFilter
    {
        NoQuickFilter = 0,
        DcCapableFilter = 1 << 0, ///< carries DelegationUsage and is not a CA
        DueFilter = 1 << 1,       ///< its policy is due or expired, or a DC is within renew-before
        ExpiredFilter = 1 << 2,   ///< the certificate has expired, or it has DCs and all have
    };
    Q_DECLARE_FLAGS(QuickFilters, QuickFilter)
    Q_FLAG(QuickFilters)

    enum Role
    {
        ItemKindRole = Qt::UserRole + 1, ///< ItemKind, as int
        CertificateIdRole,               ///< qint64: the certificate, or the DC's certificate
        DcIdRole,                        ///< qint64: the DC, 0 for a certificate
        SortKeyRole,     ///< per column: name, kind, urgency rank, expiry as QDateTime
        StatusRole,      ///< Status, as int
        StatusKeyRole,   ///< stable QString: "dc-capable", "due", "expired", "superseded", …
        ExpiryRole,      ///< QDateTime (UTC): notAfter, or the DC's expiry
        SearchTextRole,  ///< lower-case text the search box matches (a certificate's searchText)
        Sha256Role,      ///< lower-case hex fingerprint of a certificate, empty for a DC
        QuickFilterRole, ///< QuickFilters, as int, of the row's certificate
    };

    explicit InventoryModel(QObject *parent = nullptr);

    /// Follows the session's snapshot from now on (nullptr: empty).
    void setSession(WorkspaceSession *session);
    /// Rebuilds the inventory (a model reset). The snapshot's lists are implicitly shared, so
    /// holding a copy costs nothing. `takenAt` is the "now" statuses and remaining times use.
    void setSnapshot(const WorkspaceSnapshot &snapshot);
    const WorkspaceSnapshot &snapshot() const { return m_snapshot; }

    /// The row of a certificate or DC, column 0; invalid when absent.
    QModelIndex indexOfCertificate(qint64 id) const;
    QModelIndex indexOfDc(qint64 id) const;

    static QString statusKey(Status status);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    /// Items are dragged out as PEM (ImportSources' mimeForCertificate and mimeForDc).
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    Qt::DropActions supportedDragActions() const override { return Qt::CopyAction; }
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct CertificateNode
    {
        qsizetype summary = 0; ///< into m_snapshot.certificates
        const PolicyPlan *policy = nullptr;
        ItemKind kind = ItemKind::Certificate;
        Status status = Status::Valid;
        QuickFilters filters{};
        int firstDc = 0; ///< into m_dcs: a certificate's DCs are contiguous, oldest first
        int dcCount = 0;
    };
    struct DcNode
    {
        qsizetype record = 0; ///< into m_snapshot.dcs
        int certificateRow = 0;
        int label = 0; ///< into m_dcLabels: role and algorithm, shared by every alike DC
        Status status = Status::Valid;
    };
    struct DcLabel
    {
        QString display;
        QString search; ///< lower case
    };

    void rebuild();
    int dcLabel(const DcRecord &dc);
    /// What a certificate row and a DC row show alike, from the facts that differ.
    struct RowFacts
    {
        const QString &name;
        ItemKind kind;
        Status status;
        const QDateTime &expiry;
    };
    QVariant rowData(const RowFacts &row, int column, int role) const;
    QVariant certificateData(const CertificateNode &node, int column, int role) const;
    QVariant dcData(const DcNode &node, int column, int role) const;
    QVariant statusDecoration(Status status) const;
    QString statusText(Status status) const;
    QString statusToolTip(const CertificateNode &node) const;
    QString dcStatusToolTip(const DcNode &node) const;
    QString kindText(ItemKind kind) const;

    QPointer<WorkspaceSession> m_session;
    WorkspaceSnapshot m_snapshot;
    std::vector<CertificateNode> m_certificates;
    std::vector<DcNode> m_dcs;
    QStringList m_statusTexts; ///< indexed by Status
    QStringList m_kindTexts;   ///< indexed by ItemKind
    QList<DcLabel> m_dcLabels;
    QHash<quint32, int> m_dcLabelIndex; ///< (role << 16 | dc_cert_verify_algorithm) → label
    QHash<qint64, int> m_certificateRows;
    QHash<qint64, int> m_dcPositions; ///< DC id → index into m_dcs
    mutable QIcon m_toneIcons[4];     ///< loaded on first use (the style may not exist yet)
};

Q_DECLARE_OPERATORS_FOR_FLAGS(InventoryModel::QuickFilters)

} // namespace baton::ui
