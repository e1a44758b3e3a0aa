#pragma once

// The workspace: one SQLite file holding certificates, their sealed keys, DCs, rotation
// policies, export targets and an append-only event log. The desktop app and a timer-driven
// `batonctl rotate` share it, so every change is one IMMEDIATE transaction in WAL mode with a
// busy timeout, and nothing is ever half-written.

#include "common/Result.h"
#include "crypto/OpenSsl.h"
#include "dc/DelegatedCredential.h"
#include "rotation/RotationPlanner.h"
#include "vault/KeyVault.h"
#include "x509/Certificate.h"

#include <QDateTime>
#include <QList>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>
#include <memory>
#include <optional>

namespace baton {

struct DcDocument;
struct ImportedObject;

/// The schema this build reads and writes. Older files are migrated forward when opened with
/// write access, except across kLegacyVaultSchema: that step needs the passphrase, and the
/// first unlock with write access takes it and every later one.
inline constexpr int kWorkspaceSchemaVersion = 7;
/// The last schema whose keys are sealed each on its own under the passphrase (LegacyVault.h).
/// Schema 6 changes no table, only the vault (KeyVault.h), and upgrading it needs the
/// passphrase: Workspace::unlock does it, in one transaction.
inline constexpr int kLegacyVaultSchema = 5;

/// A certificate key on a PKCS#11 token: what names it, never what unlocks it.
struct TokenKeyRecord
{
    QString uri{};   ///< RFC 7512, as given when it was added; empty for a key in the vault
    QString token{}; ///< the label of the token the URI found then
    bool onToken() const { return !uri.isEmpty(); }
};

struct CertificateRecord
{
    qint64 id = 0;
    Certificate certificate;
    QString sha256{};          ///< lower-case hex, no colons: what fingerprint prefixes match
    bool hasKey = false;       ///< its private key is in the vault or on a token
    TokenKeyRecord tokenKey{}; ///< where its key is when that is a token
    qint64 supersededBy = 0;   ///< the certificate that renewed it, 0 when current
    QDateTime importedAt{};
};

/// A certificate as lists show and search it, read without parsing its DER: the columns are
/// kept at import, so thousands of certificates load in milliseconds.
struct CertificateSummary
{
    qint64 id = 0;
    QString name{};    ///< CN, else the first DNS name, else the subject
    QString subject{}; ///< RFC 2253
    QStringList dnsNames{};
    QString serial{}; ///< hex
    QString sha256{}; ///< lower-case hex
    bool ca = false;
    bool hasKey = false; ///< in the vault or on a token
    TokenKeyRecord tokenKey{};
    bool delegation = false; ///< carries DelegationUsage
    QDateTime notBefore{};
    QDateTime notAfter{};
    qint64 supersededBy = 0;
    /// Lower-case text of every decoded field (subject, SANs, serial, fingerprints, extension
    /// values), for search boxes.
    QString searchText{};
};

struct DcRecord
{
    qint64 id = 0;
    qint64 certificateId = 0;
    DcRole role = DcRole::Server;
    QByteArray bytes{};
    quint16 dcCertVerifyAlgorithm = 0;
    quint16 algorithm = 0;
    bool hasKey = false;
    QDateTime issuedAt{};
    QDateTime expiresAt{};
    bool superseded = false; ///< bound to a certificate that has been renewed
};

struct PolicyRecord
{
    qint64 id = 0;
    qint64 certificateId = 0;
    RotationPolicy policy{};
};

struct TargetRecord
{
    qint64 id = 0;
    qint64 policyId = 0;
    QString profile{};   ///< a bundle profile name
    QString directory{}; ///< where generations and `current` live
    QString hook{};      ///< a command line, empty for none
    /// Variables of the rotating process the hook also gets (its environment is otherwise
    /// PATH, HOME, LANG and BATON_*): what a reload command needs, e.g. a KUBECONFIG.
    QStringList hookEnvironment{};
    DcRole role = DcRole::Server;
    qint64 exportedDcId = 0; ///< the DC its `current` holds, 0 before the first export
    /// Exported, but its hook has not succeeded since: a rotation interrupted between the two,
    /// or a hook that failed. The next rotation runs it (again).
    bool hookPending = false;
    QString lastResult{}; ///< one line: "exported gen-…", "hook exited 3", …
    QDateTime lastAt{};
};

/// What the event log records. Appended, never changed: it is the audit trail.
struct EventRecord
{
    qint64 id = 0;
    QDateTime at{};
    QString kind{}; ///< "workspace", "imported", "issued", "exported", "hook", "policy", "target",
                    ///< "renewed", "failure"
    bool ok = true;
    QString message{};
    qint64 certificateId = 0;
    qint64 dcId = 0;
    qint64 targetId = 0;
};

/// One object of an import, as the workspace took it.
struct ImportOutcome
{
    QString location{}; ///< from the importer: "PEM block 2 'CERTIFICATE' at byte 1234"
    QString summary{};
    enum class Result
    {
        Added,
        AlreadyPresent,
        Skipped,
        Failed
    } result = Result::Added;
    QString detail{}; ///< why skipped or failed
};

struct ImportReport
{
    QList<ImportOutcome> objects{};
    /// Policies moved to a renewed certificate: each needs fresh DCs at once.
    QList<qint64> renewedPolicies{};
};

enum class WorkspaceAccess
{
    ReadWrite,
    ReadOnly, ///< status, list and log on a workspace the caller may not change
};

class Workspace
{
public:
    ~Workspace();
    Workspace(const Workspace &) = delete;
    Workspace &operator=(const Workspace &) = delete;

    /// `~/.local/share/baton/workspace.baton` (the platform's data location), shared by the
    /// desktop app and batonctl.
    static QString defaultPath();

    /// Creates a new workspace file (mode 0600) protected by `passphrase`. Refuses an existing
    /// file. Built under a temporary name and renamed into place, so a failure leaves nothing.
    /// The scrypt work factor is the workspace's for good: its wrapped workspace key records
    /// it, and a new passphrase is wrapped with it again. Only tests ask for less than the
    /// default.
    static Result<std::unique_ptr<Workspace>> create(const QString &path, QByteArrayView passphrase,
                                                     const QDateTime &now,
                                                     ScryptParameters work = kVaultScrypt);
    /// Opens an existing workspace, migrating an older schema forward. A missing, foreign,
    /// corrupt or newer file is an Error that names the file and says what it is.
    static Result<std::unique_ptr<Workspace>>
    open(const QString &path, WorkspaceAccess access = WorkspaceAccess::ReadWrite);

    QString path() const { return m_path; }
    bool readOnly() const { return m_access == WorkspaceAccess::ReadOnly; }

    /// Unwraps the workspace key with the passphrase (Error kWrongPassphrase when it is
    /// wrong) and keeps it, wiped on destruction, for sealing and opening keys: one scrypt run.
    /// A workspace still at kLegacyVaultSchema is upgraded first, in one transaction: the
    /// passphrase checked against its verifier, a workspace key made and wrapped, every key
    /// opened the old way and sealed under it, the verifier replaced by the wrapped key (one
    /// scrypt run per key, once). A read-only connection cannot upgrade, and says so.
    Status unlock(QByteArrayView passphrase);
    /// Unlocks with a workspace key another connection unwrapped (on another thread): no
    /// scrypt run. Refused when this workspace's stored record is not the key's.
    Status unlock(const VaultKey &key);
    bool unlocked() const { return m_unlocked.has_value(); }
    /// What unlocked this connection, for unlocking another one (a worker thread's) cheaply.
    const std::optional<VaultKey> &vaultKey() const { return m_unlocked; }

    /// Needs unlock(). Wraps the workspace key under `newPassphrase` instead, in one UPDATE of
    /// the stored record with a "workspace" event: no key is touched, and a crash leaves the
    /// old passphrase or the new one in force, never neither. Refused when the record changed
    /// since this connection unlocked (another passphrase change won the race).
    Status changePassphrase(QByteArrayView newPassphrase, const QDateTime &now);

    /// PRAGMA integrity_check and foreign_key_check: Success, or an Error listing problems.
    Status integrityCheck() const;

    // Certificates, keys, DCs ------------------------------------------------------------

    /// Adds what an import found, all in one transaction: certificates, private keys (sealed;
    /// needs unlock() when there are any), and DCs (bound to the certificate that signed them).
    /// A newer certificate for the key or subject of one that has a policy renews it: the
    /// policy moves, the old certificate's DCs are superseded (listed in renewedPolicies).
    Result<ImportReport> importObjects(const QList<ImportedObject> &objects, const QDateTime &now);
    Result<QList<CertificateRecord>> certificates() const;
    Result<QList<CertificateSummary>> certificateSummaries() const;
    Result<CertificateRecord> certificate(qint64 id) const;
    /// CERT as users type it: a workspace id, a SHA-256 fingerprint prefix (colons allowed, at
    /// least 4 hex digits), or a subject CN / SAN / whole RFC 2253 subject when exactly one
    /// current certificate has it (end-entity certificates first, CAs when none has it).
    Result<CertificateRecord> resolveCertificate(const QString &reference) const;
    /// The intermediates in the workspace that chain the certificate, leaf excluded.
    Result<QList<Certificate>> intermediatesFor(const Certificate &leaf) const;
    /// Moves `from`'s policy (and its targets) to `to` and supersedes `from`'s DCs.
    Status replaceCertificate(qint64 from, qint64 to, const QDateTime &now);

    /// Whether the vault holds this private key (found by its public key; needs no unlock).
    Result<bool> holdsKey(const EVP_PKEY *key) const;
    /// Needs unlock(). The key of a certificate or of a DC, opened from the vault; an Error
    /// naming the token for a certificate whose key is on one (TokenKeyRecord).
    Result<EvpPkeyPtr> certificateKey(qint64 certificateId) const;
    /// Records that the certificate's key is the token key `key.uri` names, with an "imported"
    /// event: the caller has proved it (a signature on the token that verifies under the
    /// certificate's key). Needs unlock(), as adding a sealed key does: whoever cannot open
    /// the vault has no business changing what signs. A URI already recorded for the key is
    /// replaced (a token relabelled); a key the vault holds is refused, since one key is kept in
    /// one place.
    Status addTokenKey(qint64 certificateId, const TokenKeyRecord &key, const QDateTime &now);
    Result<EvpPkeyPtr> dcKey(qint64 dcId) const;

    /// Stores an issued DC and its key (sealed; needs unlock()) with an "issued" event.
    Result<qint64> addDc(qint64 certificateId, DcRole role, const QByteArray &bytes,
                         const EVP_PKEY *dcKey, const QDateTime &issuedAt,
                         const QDateTime &expiresAt, const QString &eventMessage);
    /// The DCs of one certificate (or of all when 0), oldest first.
    Result<QList<DcRecord>> dcs(qint64 certificateId = 0) const;
    Result<DcRecord> dc(qint64 id) const;

    // Rotation -----------------------------------------------------------------------------

    /// Creates or replaces the certificate's policy (validated first).
    Result<qint64> setPolicy(qint64 certificateId, const RotationPolicy &policy,
                             const QDateTime &now);
    /// Whether rotating `policy` on the certificate could issue DCs at `now`: not a CA, not
    /// renewed, valid, with DelegationUsage and its key in the vault (checkCanIssue). What the
    /// CLI and the dialogs ask before setPolicy, so a mistake is refused when it is made rather
    /// than found blocked by the 3 a.m. rotation. setPolicy itself refuses only what can never
    /// work (a CA, a renewed certificate): a certificate's state changes after the fact anyway.
    Status checkPolicy(qint64 certificateId, const RotationPolicy &policy,
                       const QDateTime &now) const;
    Result<QList<PolicyRecord>> policies() const;
    Result<std::optional<PolicyRecord>> policyForCertificate(qint64 certificateId) const;
    Result<PolicyRecord> policy(qint64 id) const;

    Result<qint64> addTarget(const TargetRecord &target, const QDateTime &now);
    /// What addTarget checks, and whether a rotation could export there: the directory (or
    /// the nearest part of it that exists) a writable directory, the hook an executable file
    /// (checkExportDirectory, checkHookCommand). For the CLI and the dialogs, before addTarget.
    Status checkTarget(const TargetRecord &target) const;
    /// A policy's targets; every target when policyId is 0.
    Result<QList<TargetRecord>> targets(qint64 policyId = 0) const;
    /// Records an export to the target (or its failure, or its hook's result: `eventKind`)
    /// with its event, in one transaction.
    Status recordExport(qint64 targetId, qint64 dcId, bool ok, const QString &result,
                        const QDateTime &now,
                        const QString &eventKind = QStringLiteral("exported"));

    // Event log ------------------------------------------------------------------------------

    Status logEvent(const EventRecord &event);
    Result<QList<EventRecord>> events(const QDateTime &since = {}) const;

private:
    /// BEGIN IMMEDIATE … COMMIT, rolled back unless committed.
    class Transaction
    {
    public:
        enum class Sync
        {
            /// On disk when commit() returns, power loss included: what the caller does next
            /// relies on it (a DC exported after it is stored), or a person was told it is done.
            Durable,
            /// On disk with the next durable commit or checkpoint (the last connection to close
            /// makes one; while the desktop app holds the workspace open, the next durable
            /// commit or automatic checkpoint does): for a record whose loss to a power cut
            /// only makes the next run repeat work.
            Deferred,
        };
        explicit Transaction(const Workspace &workspace, Sync sync = Sync::Durable);
        ~Transaction();
        Status commit();

    private:
        const Workspace &m_workspace;
        Sync m_sync;
        std::optional<Error> m_error;
        bool m_committed = false;
    };

    Workspace(QString path, QString connection, WorkspaceAccess access);
    static Result<std::unique_ptr<Workspace>> connect(const QString &path, WorkspaceAccess access,
                                                      bool immutable);
    Status prepare();
    /// The SQL of the migration from schema `from`, inside the caller's transaction.
    Status applyMigration(int from);
    /// The migrations after the envelope vault's, the stand-ins for their tables dropped, and
    /// the schema version set: inside the transaction that made the vault (create, unlock).
    Status migratePastVault();
    /// Seals and stores a private key inside the caller's transaction, under the row id it
    /// gets there: false when the vault holds the key already. Needs unlock().
    Result<bool> insertKey(const EVP_PKEY *key);
    Result<qint64> insertDc(qint64 certificateId, DcRole role, const QByteArray &bytes,
                            const QDateTime &issuedAt, const QDateTime &expiresAt);
    /// Error when `directory` (absolute, cleaned) is another target's already.
    Status checkDirectoryFree(const QString &directory) const;
    /// The renewal cascade, inside the caller's transaction: the moved policy's id, or 0.
    Result<qint64> moveToRenewed(qint64 from, qint64 to, const QDateTime &now);
    QSqlDatabase database() const;
    Result<QSqlQuery> sql(const QString &statement, const QVariantList &bindings = {}) const;
    /// Schema 3's migration: the summary columns of certificates imported before it.
    Status fillCertificateSummaries();
    /// The first column of the first row (null when there is none), the statement finished.
    Result<QVariant> sqlValue(const QString &statement, const QVariantList &bindings = {}) const;
    Result<EvpPkeyPtr> openKey(const QByteArray &spkiSha256) const;
    /// PRAGMA user_version, read now: another process may have upgraded the vault meanwhile.
    Result<int> schemaVersion() const;
    /// The stored record of the workspace key (schema 6 on).
    Result<QByteArray> storedVaultKey() const;
    /// unlock(passphrase)'s upgrade of a workspace at kLegacyVaultSchema: its workspace key,
    /// or nothing when another process upgraded it first.
    Result<std::optional<VaultKey>> upgradeLegacyVault(QByteArrayView passphrase);
    Result<qint64> bindDc(const DcDocument &document, const QDateTime &now, ImportOutcome &outcome);

    QString m_path;
    QString m_connection;
    WorkspaceAccess m_access;
    std::optional<VaultKey> m_unlocked;
};

} // namespace baton
