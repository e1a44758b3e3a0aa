#include "InventoryModel.h"

#include "common/TimeFormat.h"
#include "import/ImportSources.h"
#include "session/WorkspaceSession.h"
#include "tls/SignatureScheme.h"

#include <QApplication>
#include <QFont>
#include <QPalette>
#include <QStyle>
#include <array>
#include <limits>

namespace baton::ui {

namespace {

/// How a status reads: a colour and an icon, so colour is never the only cue.
enum class Tone
{
    Ok,
    Neutral,
    Warning,
    Error,
};

struct StatusInfo
{
    const char *key;
    Tone tone;
    int urgency; ///< the Status column's sort key: most pressing first
};

// Indexed by InventoryModel::Status.
constexpr std::array<StatusInfo, 10> kStatusInfo{{
    {"valid", Tone::Ok, 7},
    {"dc-capable", Tone::Ok, 6},
    {"no-delegation", Tone::Neutral, 8},
    {"expired", Tone::Error, 0},
    {"not-yet-valid", Tone::Warning, 5},
    {"superseded", Tone::Neutral, 9},
    {"due", Tone::Warning, 3},
    {"dcs-expired", Tone::Error, 1},
    {"blocked", Tone::Error, 2},
    {"cert-expiring", Tone::Warning, 4},
}};

const StatusInfo &infoOf(InventoryModel::Status status)
{
    return kStatusInfo[size_t(status)];
}

/// A status colour that keeps its contrast on the palette's base, light or dark: the palette has
/// no "good"/"bad" roles, so the hue is fixed and the lightness follows the theme.
QColor toneColour(Tone tone, const QPalette &palette)
{
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    switch (tone) {
    case Tone::Ok:
        return dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x1b, 0x6e, 0x20);
    case Tone::Warning:
        return dark ? QColor(0xff, 0xc1, 0x4d) : QColor(0x9a, 0x5b, 0x00);
    case Tone::Error:
        return dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb7, 0x1c, 0x1c);
    case Tone::Neutral:
        break;
    }
    return palette.color(QPalette::PlaceholderText);
}

// Top-level rows have internal id 0; a DC row's internal id is its certificate's row + 1.
constexpr quintptr kTopLevel = 0;

bool policyCovers(const PolicyPlan &policy, DcRole role)
{
    const DcRoles roles = policy.policy.policy.roles;
    return roles == DcRoles::Both || (roles == DcRoles::Server) == (role == DcRole::Server);
}

} // namespace

InventoryModel::InventoryModel(QObject *parent) : QAbstractItemModel(parent)
{
    // Translated once: data() hands out shared copies instead of a new string per cell.
    for (int status = 0; status < int(kStatusInfo.size()); ++status)
        m_statusTexts.append(statusText(Status(status)));
    for (const ItemKind kind : {ItemKind::Certificate, ItemKind::CaCertificate, ItemKind::Dc})
        m_kindTexts.append(kindText(kind));
}

void InventoryModel::setSession(WorkspaceSession *session)
{
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    if (session) {
        connect(session, &WorkspaceSession::snapshotChanged, this,
                [this] { setSnapshot(m_session->snapshot()); });
    }
    setSnapshot(session ? session->snapshot() : WorkspaceSnapshot{});
}

void InventoryModel::setSnapshot(const WorkspaceSnapshot &snapshot)
{
    beginResetModel();
    m_snapshot = snapshot;
    rebuild();
    endResetModel();
}

int InventoryModel::dcLabel(const DcRecord &dc)
{
    const quint32 key = (dc.role == DcRole::Server ? 0u : 1u) << 16 | dc.dcCertVerifyAlgorithm;
    const auto found = m_dcLabelIndex.constFind(key);
    if (found != m_dcLabelIndex.cend())
        return *found;
    const SignatureScheme *scheme = signatureSchemeByCode(dc.dcCertVerifyAlgorithm);
    const QString algorithm = scheme ? QString::fromLatin1(scheme->name)
                                     : signatureSchemeDisplayName(dc.dcCertVerifyAlgorithm);
    DcLabel label;
    label.display =
        (dc.role == DcRole::Server ? tr("server DC · %1") : tr("client DC · %1")).arg(algorithm);
    label.search = label.display.toLower();
    m_dcLabels.append(label);
    m_dcLabelIndex.insert(key, int(m_dcLabels.size() - 1));
    return int(m_dcLabels.size() - 1);
}

void InventoryModel::rebuild()
{
    m_certificates.clear();
    m_dcs.clear();
    m_dcLabels.clear();
    m_dcLabelIndex.clear();
    m_certificateRows.clear();
    m_dcPositions.clear();

    const QList<CertificateSummary> &certificates = m_snapshot.certificates;
    const QList<DcRecord> &dcs = m_snapshot.dcs;
    const qint64 now = m_snapshot.takenAt.toMSecsSinceEpoch();

    m_certificates.resize(size_t(certificates.size()));
    m_certificateRows.reserve(certificates.size());
    for (qsizetype row = 0; row < certificates.size(); ++row) {
        m_certificates[size_t(row)].summary = row;
        m_certificateRows.insert(certificates[row].id, int(row));
    }

    // Bucket the DCs by certificate (a counting sort, so each certificate's stay oldest first)
    // and note each certificate's latest expiry per role: only that DC can be due.
    std::vector<int> owner(size_t(dcs.size()), -1);
    for (qsizetype i = 0; i < dcs.size(); ++i) {
        const int row = m_certificateRows.value(dcs[i].certificateId, -1);
        owner[size_t(i)] = row;
        if (row >= 0)
            ++m_certificates[size_t(row)].dcCount;
    }
    int placed = 0;
    for (CertificateNode &node : m_certificates) {
        node.firstDc = placed;
        placed += node.dcCount;
    }
    m_dcs.resize(size_t(placed));
    m_dcPositions.reserve(placed);
    std::vector<int> filled(m_certificates.size(), 0);
    std::vector<std::array<qint64, 2>> latest(
        m_certificates.size(),
        {std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::min()});
    for (qsizetype i = 0; i < dcs.size(); ++i) {
        const int row = owner[size_t(i)];
        if (row < 0)
            continue;
        const DcRecord &dc = dcs[i];
        const int position = m_certificates[size_t(row)].firstDc + filled[size_t(row)]++;
        DcNode &node = m_dcs[size_t(position)];
        node.record = i;
        node.certificateRow = row;
        node.label = dcLabel(dc);
        m_dcPositions.insert(dc.id, position);
        if (!dc.superseded) {
            qint64 &last = latest[size_t(row)][dc.role == DcRole::Server ? 0 : 1];
            last = std::max(last, dc.expiresAt.toMSecsSinceEpoch());
        }
    }

    for (size_t row = 0; row < m_certificates.size(); ++row) {
        CertificateNode &node = m_certificates[row];
        const CertificateSummary &certificate = certificates[node.summary];
        node.policy = m_snapshot.policyFor(certificate.id);
        node.kind = certificate.ca ? ItemKind::CaCertificate : ItemKind::Certificate;

        int expiredDcs = 0;
        bool dcDue = false;
        for (int i = node.firstDc; i < node.firstDc + node.dcCount; ++i) {
            DcNode &dcNode = m_dcs[size_t(i)];
            const DcRecord &dc = dcs[dcNode.record];
            const qint64 expiry = dc.expiresAt.toMSecsSinceEpoch();
            const bool expired = expiry <= now;
            expiredDcs += expired ? 1 : 0;
            if (dc.superseded)
                dcNode.status = Status::Superseded;
            else if (expired)
                dcNode.status = Status::Expired;
            else if (node.policy && policyCovers(*node.policy, dc.role) &&
                     expiry == latest[row][dc.role == DcRole::Server ? 0 : 1] &&
                     expiry - now <= node.policy->policy.policy.renewBeforeSeconds * 1000)
                dcNode.status = Status::Due;
            else
                dcNode.status = Status::Valid;
            dcDue = dcDue || dcNode.status == Status::Due;
        }

        const bool expired = now > certificate.notAfter.toMSecsSinceEpoch();
        const RotationStatus rotation = node.policy ? node.policy->plan.status : RotationStatus::Ok;
        if (certificate.delegation && !certificate.ca)
            node.filters |= DcCapableFilter;
        if (dcDue || rotation == RotationStatus::Due || rotation == RotationStatus::Expired)
            node.filters |= DueFilter;
        if (expired || (node.dcCount > 0 && expiredDcs == node.dcCount))
            node.filters |= ExpiredFilter;

        if (certificate.supersededBy != 0)
            node.status = Status::Superseded;
        else if (expired)
            node.status = Status::Expired;
        else if (now < certificate.notBefore.toMSecsSinceEpoch())
            node.status = Status::NotYetValid;
        else if (rotation == RotationStatus::Due)
            node.status = Status::Due;
        else if (rotation == RotationStatus::Expired)
            node.status = Status::DcsExpired;
        else if (rotation == RotationStatus::Blocked)
            node.status = Status::Blocked;
        else if (rotation == RotationStatus::CertExpiring)
            node.status = Status::CertExpiring;
        else if (certificate.ca)
            node.status = Status::Valid;
        else
            node.status = certificate.delegation ? Status::DcCapable : Status::NoDelegation;
    }
}

QString InventoryModel::statusKey(Status status)
{
    return QLatin1String(infoOf(status).key);
}

QModelIndex InventoryModel::indexOfCertificate(qint64 id) const
{
    const int row = m_certificateRows.value(id, -1);
    return row < 0 ? QModelIndex() : createIndex(row, 0, kTopLevel);
}

QModelIndex InventoryModel::indexOfDc(qint64 id) const
{
    const auto found = m_dcPositions.constFind(id);
    if (found == m_dcPositions.cend())
        return {};
    const DcNode &node = m_dcs[size_t(*found)];
    const int row = *found - m_certificates[size_t(node.certificateRow)].firstDc;
    return createIndex(row, 0, quintptr(node.certificateRow) + 1);
}

QModelIndex InventoryModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid())
        return row < int(m_certificates.size()) ? createIndex(row, column, kTopLevel)
                                                : QModelIndex();
    if (parent.internalId() != kTopLevel || parent.column() != 0)
        return {};
    const CertificateNode &certificate = m_certificates[size_t(parent.row())];
    return row < certificate.dcCount ? createIndex(row, column, quintptr(parent.row()) + 1)
                                     : QModelIndex();
}

QModelIndex InventoryModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kTopLevel)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kTopLevel);
}

int InventoryModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_certificates.size());
    if (parent.internalId() != kTopLevel || parent.column() != 0)
        return 0;
    return m_certificates[size_t(parent.row())].dcCount;
}

int InventoryModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool InventoryModel::hasChildren(const QModelIndex &parent) const
{
    return rowCount(parent) > 0;
}

Qt::ItemFlags InventoryModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsDragEnabled;
    if (index.internalId() != kTopLevel)
        flags |= Qt::ItemNeverHasChildren;
    return flags;
}

QStringList InventoryModel::mimeTypes() const
{
    return {QStringLiteral("text/plain"), QLatin1String(kPemMimeType),
            QLatin1String(kBatonMimeType)};
}

QMimeData *InventoryModel::mimeData(const QModelIndexList &indexes) const
{
    // A drag carries one item (the view selects single rows); any column stands for its row.
    if (indexes.isEmpty())
        return nullptr;
    const QModelIndex &index = indexes.first();
    if (const qint64 dcId = index.data(DcIdRole).toLongLong()) {
        const DcRecord *dc = m_snapshot.dc(dcId);
        return dc ? mimeForDc(*dc) : nullptr;
    }
    // Snapshots keep summaries, not certificates: the one dragged is read from the workspace.
    if (!m_session || !m_session->workspace())
        return nullptr;
    auto record = m_session->workspace()->certificate(index.data(CertificateIdRole).toLongLong());
    return record ? mimeForCertificate(record->certificate) : nullptr;
}

QVariant InventoryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (index.internalId() == kTopLevel)
        return certificateData(m_certificates[size_t(index.row())], index.column(), role);
    const CertificateNode &certificate = m_certificates[size_t(index.internalId() - 1)];
    return dcData(m_dcs[size_t(certificate.firstDc + index.row())], index.column(), role);
}

QVariant InventoryModel::rowData(const RowFacts &row, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case NameColumn:
            return row.name;
        case KindColumn:
            return m_kindTexts[int(row.kind)];
        case StatusColumn:
            return m_statusTexts[int(row.status)];
        case ExpiresColumn:
            return formatUtc(row.expiry);
        case RemainingColumn:
            return formatRelative(m_snapshot.takenAt, row.expiry);
        }
        return {};
    case Qt::DecorationRole:
        return column == StatusColumn ? statusDecoration(row.status) : QVariant();
    case Qt::ForegroundRole:
        if (column == StatusColumn)
            return toneColour(infoOf(row.status).tone, QGuiApplication::palette());
        if (row.status == Status::Superseded)
            return QGuiApplication::palette().color(QPalette::PlaceholderText);
        return {};
    case Qt::FontRole:
        if (row.status == Status::Superseded) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case ItemKindRole:
        return int(row.kind);
    case SortKeyRole:
        switch (column) {
        case NameColumn:
            return row.name;
        case KindColumn:
            return int(row.kind);
        case StatusColumn:
            return infoOf(row.status).urgency;
        case ExpiresColumn:
        case RemainingColumn:
            return row.expiry;
        }
        return {};
    case StatusRole:
        return int(row.status);
    case StatusKeyRole:
        return statusKey(row.status);
    case ExpiryRole:
        return row.expiry;
    }
    return {};
}

QVariant InventoryModel::certificateData(const CertificateNode &node, int column, int role) const
{
    const CertificateSummary &certificate = m_snapshot.certificates[node.summary];
    switch (role) {
    case Qt::ToolTipRole:
        if (column == NameColumn)
            return certificate.subject;
        if (column == StatusColumn)
            return statusToolTip(node);
        return {};
    case CertificateIdRole:
        return certificate.id;
    case DcIdRole:
        return qint64(0);
    case SearchTextRole:
        return certificate.searchText;
    case Sha256Role:
        return certificate.sha256;
    case QuickFilterRole:
        return int(node.filters);
    }
    return rowData({certificate.name, node.kind, node.status, certificate.notAfter}, column, role);
}

QVariant InventoryModel::dcData(const DcNode &node, int column, int role) const
{
    const DcRecord &dc = m_snapshot.dcs[node.record];
    switch (role) {
    case Qt::ToolTipRole:
        return column == StatusColumn ? dcStatusToolTip(node) : QVariant();
    case CertificateIdRole:
        return dc.certificateId;
    case DcIdRole:
        return dc.id;
    case SearchTextRole:
        return m_dcLabels[node.label].search;
    case Sha256Role:
        return QString();
    case QuickFilterRole:
        return int(m_certificates[size_t(node.certificateRow)].filters);
    }
    return rowData({m_dcLabels[node.label].display, ItemKind::Dc, node.status, dc.expiresAt},
                   column, role);
}

QVariant InventoryModel::statusDecoration(Status status) const
{
    auto *application = qobject_cast<QApplication *>(QCoreApplication::instance());
    if (!application)
        return {};
    const Tone tone = infoOf(status).tone;
    QIcon &icon = m_toneIcons[size_t(tone)];
    if (icon.isNull()) {
        static constexpr QStyle::StandardPixmap kPixmaps[] = {
            QStyle::SP_DialogApplyButton, QStyle::SP_MessageBoxInformation,
            QStyle::SP_MessageBoxWarning, QStyle::SP_MessageBoxCritical};
        icon = QApplication::style()->standardIcon(kPixmaps[size_t(tone)]);
    }
    return icon;
}

QString InventoryModel::statusText(Status status) const
{
    switch (status) {
    case Status::Valid:
        return tr("Valid");
    case Status::DcCapable:
        return tr("DC-capable");
    case Status::NoDelegation:
        return tr("No DelegationUsage");
    case Status::Expired:
        return tr("Expired");
    case Status::NotYetValid:
        return tr("Not yet valid");
    case Status::Superseded:
        return tr("Superseded");
    case Status::Due:
        return tr("Due");
    case Status::DcsExpired:
        return tr("DCs expired");
    case Status::Blocked:
        return tr("Blocked");
    case Status::CertExpiring:
        return tr("Cert expiring");
    }
    return {};
}

QString InventoryModel::kindText(ItemKind kind) const
{
    switch (kind) {
    case ItemKind::Certificate:
        return tr("Certificate");
    case ItemKind::CaCertificate:
        return tr("CA certificate");
    case ItemKind::Dc:
        return tr("DC");
    }
    return {};
}

QString InventoryModel::statusToolTip(const CertificateNode &node) const
{
    const CertificateSummary &certificate = m_snapshot.certificates[node.summary];
    const QDateTime &now = m_snapshot.takenAt;
    switch (node.status) {
    case Status::Superseded:
        return tr("Replaced by a renewed certificate; its DCs are no longer rotated");
    case Status::Expired:
        return tr("Expired %1 (%2)")
            .arg(formatUtc(certificate.notAfter), formatRelative(now, certificate.notAfter));
    case Status::NotYetValid:
        return tr("Valid from %1 (%2)")
            .arg(formatUtc(certificate.notBefore), formatRelative(now, certificate.notBefore));
    case Status::Due:
    case Status::DcsExpired:
    case Status::Blocked:
    case Status::CertExpiring:
        return node.policy->plan.reason;
    case Status::Valid:
        return tr("Valid until %1").arg(formatUtc(certificate.notAfter));
    case Status::DcCapable:
        if (node.policy && node.policy->plan.nextRotation.isValid())
            return tr("Can issue DCs; the next rotation is %1")
                .arg(formatRelative(now, node.policy->plan.nextRotation));
        return tr("Carries DelegationUsage: it can issue DCs");
    case Status::NoDelegation:
        return tr("Lacks the DelegationUsage extension (RFC 9345), so it cannot issue DCs");
    }
    return {};
}

QString InventoryModel::dcStatusToolTip(const DcNode &node) const
{
    const DcRecord &dc = m_snapshot.dcs[node.record];
    const QString when = formatRelative(m_snapshot.takenAt, dc.expiresAt);
    switch (node.status) {
    case Status::Superseded:
        return tr("Bound to a certificate that has been renewed");
    case Status::Expired:
        return tr("Expired %1: peers reject it").arg(when);
    case Status::Due: {
        const qint64 renewBefore =
            m_certificates[size_t(node.certificateRow)].policy->policy.policy.renewBeforeSeconds;
        return tr("Expires %1, within the policy's %2 renew-before: rotate now")
            .arg(when, formatDuration(renewBefore));
    }
    default:
        return tr("Valid, expires %1").arg(when);
    }
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
