// Opening, creating and migrating the workspace file, the event log. Unlocking the vault (and
// upgrading a legacy one) and changing its passphrase are in WorkspaceVault.cpp; certificates,
// sealed keys and DCs in WorkspaceObjects.cpp; policies and targets in WorkspaceRotation.cpp.

#include "Workspace.h"

#include "WorkspaceSql.h"
#include "common/FileIo.h"
#include "crypto/KeyCodec.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QStandardPaths>
#include <QUrl>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <span>
#include <unistd.h>

namespace baton {

namespace {

// "Batn": lets Baton tell its own files from every other SQLite database.
constexpr qint64 kApplicationId = 0x4261746e;

// Long enough for the GUI and a timer-driven rotate to take turns (a rotation writes for
// milliseconds between signatures), short enough that a stuck peer is reported, not waited on.
constexpr int kBusyTimeoutMs = 15000;

// The first schema. Times are seconds since the epoch (UTC). Certificates are found by the hex
// SHA-256 users type; keys, certificates and DCs meet by the raw SHA-256 of their SPKI.
const char *const kSchema1[] = {
    "CREATE TABLE settings (\n"
    "    name TEXT PRIMARY KEY,\n"
    "    value TEXT NOT NULL\n"
    ") STRICT",
    "CREATE TABLE keys (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    spki_sha256 BLOB NOT NULL UNIQUE,\n"
    "    key_type TEXT NOT NULL,\n"
    "    sealed BLOB NOT NULL\n"
    ") STRICT",
    "CREATE TABLE certificates (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    sha256 TEXT NOT NULL UNIQUE,\n"
    "    der BLOB NOT NULL,\n"
    "    spki_sha256 BLOB NOT NULL,\n"
    "    subject TEXT NOT NULL,\n"
    "    is_ca INTEGER NOT NULL,\n"
    "    not_before INTEGER NOT NULL,\n"
    "    not_after INTEGER NOT NULL,\n"
    "    superseded_by INTEGER REFERENCES certificates(id),\n"
    "    imported_at INTEGER NOT NULL\n"
    ") STRICT",
    "CREATE INDEX certificates_spki ON certificates(spki_sha256)",
    "CREATE TABLE dcs (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    certificate_id INTEGER NOT NULL REFERENCES certificates(id),\n"
    "    role TEXT NOT NULL CHECK (role IN ('server', 'client')),\n"
    "    bytes BLOB NOT NULL UNIQUE,\n"
    "    spki_sha256 BLOB NOT NULL,\n"
    "    dc_cert_verify_algorithm INTEGER NOT NULL,\n"
    "    algorithm INTEGER NOT NULL,\n"
    "    issued_at INTEGER NOT NULL,\n"
    "    expires_at INTEGER NOT NULL,\n"
    "    superseded INTEGER NOT NULL DEFAULT 0\n"
    ") STRICT",
    "CREATE INDEX dcs_certificate ON dcs(certificate_id, expires_at)",
    "CREATE TABLE policies (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    certificate_id INTEGER NOT NULL UNIQUE REFERENCES certificates(id),\n"
    "    lifetime INTEGER NOT NULL CHECK (lifetime > 0),\n"
    "    renew_before INTEGER NOT NULL CHECK (renew_before > 0 AND renew_before < lifetime),\n"
    "    dc_algorithm TEXT NOT NULL,\n"
    "    roles TEXT NOT NULL CHECK (roles IN ('server', 'client', 'both'))\n"
    ") STRICT",
    "CREATE TABLE targets (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    policy_id INTEGER NOT NULL REFERENCES policies(id),\n"
    "    profile TEXT NOT NULL,\n"
    "    directory TEXT NOT NULL UNIQUE,\n"
    "    hook TEXT NOT NULL DEFAULT '',\n"
    "    role TEXT NOT NULL CHECK (role IN ('server', 'client')),\n"
    "    exported_dc_id INTEGER REFERENCES dcs(id),\n"
    "    last_result TEXT NOT NULL DEFAULT '',\n"
    "    last_at INTEGER\n"
    ") STRICT",
    "CREATE TABLE events (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    at INTEGER NOT NULL,\n"
    "    kind TEXT NOT NULL,\n"
    "    ok INTEGER NOT NULL,\n"
    "    message TEXT NOT NULL,\n"
    "    certificate_id INTEGER REFERENCES certificates(id),\n"
    "    dc_id INTEGER REFERENCES dcs(id),\n"
    "    target_id INTEGER REFERENCES targets(id)\n"
    ") STRICT",
    "CREATE INDEX events_at ON events(at)",
    "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events\n"
    "    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;",
    "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events\n"
    "    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;",
};

// Schema 2: a target remembers that its hook is owed, so a rotation killed between an export
// and its hook runs the hook next time.
const char *const kSchema2[] = {
    "ALTER TABLE targets ADD COLUMN hook_pending INTEGER NOT NULL DEFAULT 0",
};

// Schema 3: what lists show and search, kept at import so a workspace of thousands of
// certificates opens without parsing any of them.
const char *const kSchema3[] = {
    "ALTER TABLE certificates ADD COLUMN display_name TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE certificates ADD COLUMN serial TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE certificates ADD COLUMN dns_names TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE certificates ADD COLUMN delegation INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE certificates ADD COLUMN search_text TEXT NOT NULL DEFAULT ''",
};

// Schema 4: importing a certificate looks for the one it renews by key or by subject; without
// this index the subject half scanned every certificate, so a bulk import was quadratic.
const char *const kSchema4[] = {
    "CREATE INDEX certificates_subject ON certificates(subject)",
};

// Schema 5: the variables a target's hook gets beyond the clean environment every hook has.
const char *const kSchema5[] = {
    "ALTER TABLE targets ADD COLUMN hook_environment TEXT NOT NULL DEFAULT ''",
};

// Schema 7: certificate keys on PKCS#11 tokens. The workspace keeps the RFC 7512 URI that names
// the key (never a PIN: a URI carrying one is refused) and the label of the token it was found
// on, for lists; the key meets its certificate by SPKI like a sealed key.
const char *const kSchema7[] = {
    "CREATE TABLE token_keys (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    spki_sha256 BLOB NOT NULL UNIQUE,\n"
    "    uri TEXT NOT NULL,\n"
    "    token TEXT NOT NULL\n"
    ") STRICT",
};

// Each entry migrates from the version of its index to the next. Never edit a shipped entry:
// files in the field were made by it. Add one instead. The step to schema 6 is no SQL: it is
// the envelope vault, which needs the passphrase (Workspace::unlock), so the steps after it
// wait for that unlock too (migratePastVault).
const std::span<const char *const> kMigrations[] = {kSchema1, kSchema2, kSchema3, kSchema4,
                                                    kSchema5, {},       kSchema7};
static_assert(std::size(kMigrations) == kWorkspaceSchemaVersion);

// A connection to a file that has not reached schema 7 (a read-only one, or one to a legacy
// vault before its unlock) sees schema 7's tables as empty TEMP tables of the same name: the
// queries are the same for every file, and such a file has no rows for them anyway.
const char *const kDropStandIns[] = {"DROP TABLE IF EXISTS temp.token_keys"};

QString uniqueConnectionName()
{
    return QStringLiteral("baton-workspace-%1")
        .arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
}

/// Creates the file with mode 0600 before SQLite sees it: SQLite would create it 0644, and the
/// WAL and shared-memory files it adds copy the database file's mode.
Status createPrivateFile(const QString &path)
{
    const int fd =
        ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error{QStringLiteral("cannot create %1: %2")
                         .arg(path, QString::fromLocal8Bit(std::strerror(errno)))};
    ::close(fd);
    return {};
}

} // namespace

// --- WorkspaceSql.h helpers -------------------------------------------------------------------

Error sqlError(const QString &path, const QString &what, const QSqlError &error)
{
    const QString text = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    // SQLite's own words for a damaged or foreign file are terse; say what it means.
    if (text.contains(QLatin1String("malformed")))
        return Error{QStringLiteral("%1: the workspace is damaged (%2); restore it from a backup")
                         .arg(path, text)};
    if (text.contains(QLatin1String("file is not a database")))
        return Error{QStringLiteral("%1: not a Baton workspace (not an SQLite file)").arg(path)};
    if (text.contains(QLatin1String("readonly")) || text.contains(QLatin1String("read-only")))
        return Error{QStringLiteral("%1: the workspace is read-only here (%2)").arg(path, text)};
    return Error{QStringLiteral("%1: %2: %3").arg(path, what, text)};
}

Result<QSqlQuery> runSql(const QSqlDatabase &database, const QString &path, const QString &sql,
                         const QVariantList &bindings)
{
    QSqlQuery query(database);
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return sqlError(path, QStringLiteral("cannot prepare a query"), query.lastError());
    for (const QVariant &value : bindings)
        query.addBindValue(value);
    if (!query.exec())
        return sqlError(path, QStringLiteral("a query failed"), query.lastError());
    return query;
}

QVariant timeValue(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toSecsSinceEpoch())
                          : QVariant(QMetaType::fromType<qint64>());
}

QDateTime timeFrom(const QVariant &value)
{
    return value.isNull() ? QDateTime()
                          : QDateTime::fromSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

QVariant textValue(const QString &text)
{
    // Qt binds a null QString as SQL NULL, which NOT NULL text columns refuse.
    return text.isNull() ? QVariant(QString(u""_qs)) : QVariant(text);
}

QVariant idValue(qint64 id)
{
    return id > 0 ? QVariant(id) : QVariant(QMetaType::fromType<qint64>());
}

Result<QByteArray> spkiSha256(const EVP_PKEY *key)
{
    auto spki = encodeSubjectPublicKeyInfo(key);
    if (!spki)
        return spki.error();
    return QCryptographicHash::hash(*spki, QCryptographicHash::Sha256);
}

// --- Transaction ----------------------------------------------------------------------------

Workspace::Transaction::Transaction(const Workspace &workspace, Sync sync)
    : m_workspace(workspace), m_sync(sync)
{
    // SQLite refuses to change the level inside a transaction; the one in force when COMMIT
    // runs is the one that commit gets. The connection's FULL is back once this one ends.
    if (m_sync == Sync::Deferred) {
        if (auto ok = m_workspace.sql(QStringLiteral("PRAGMA synchronous = NORMAL")); !ok) {
            m_error = ok.error();
            return;
        }
    }
    // IMMEDIATE takes the write lock up front, waiting through the busy timeout. A deferred
    // transaction that upgrades later fails at once with SQLITE_BUSY when another writer
    // holds the lock, which is no use to two processes sharing the file.
    auto begun = m_workspace.sql(QStringLiteral("BEGIN IMMEDIATE"));
    if (!begun)
        m_error = begun.error();
}

Workspace::Transaction::~Transaction()
{
    if (!m_error && !m_committed)
        (void)m_workspace.sql(QStringLiteral("ROLLBACK"));
    if (m_sync == Sync::Deferred)
        (void)m_workspace.sql(QStringLiteral("PRAGMA synchronous = FULL"));
}

Status Workspace::Transaction::commit()
{
    if (m_error)
        return *m_error;
    auto committed = m_workspace.sql(QStringLiteral("COMMIT"));
    if (!committed)
        return committed.error();
    m_committed = true;
    return {};
}

// --- Workspace ------------------------------------------------------------------------------

Workspace::Workspace(QString path, QString connection, WorkspaceAccess access)
    : m_path(std::move(path)), m_connection(std::move(connection)), m_access(access)
{}

Workspace::~Workspace()
{
    {
        QSqlDatabase database = QSqlDatabase::database(m_connection, false);
        database.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QString Workspace::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/baton/workspace.baton");
}

QSqlDatabase Workspace::database() const
{
    return QSqlDatabase::database(m_connection, false);
}

Result<QSqlQuery> Workspace::sql(const QString &statement, const QVariantList &bindings) const
{
    return runSql(database(), m_path, statement, bindings);
}

Result<QVariant> Workspace::sqlValue(const QString &statement, const QVariantList &bindings) const
{
    auto query = sql(statement, bindings);
    if (!query)
        return query.error();
    // Read and finished at once: a statement left open holds a read transaction, and SQLite
    // refuses some changes (the journal mode, for one) while it does.
    const QVariant value = query->next() ? query->value(0) : QVariant();
    query->finish();
    return value;
}

Result<std::unique_ptr<Workspace>> Workspace::connect(const QString &path, WorkspaceAccess access,
                                                      bool immutable)
{
    const QString connection = uniqueConnectionName();
    {
        QSqlDatabase database = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs);
        if (access == WorkspaceAccess::ReadOnly)
            options += QStringLiteral(";QSQLITE_OPEN_READONLY");
        if (immutable) {
            database.setDatabaseName(QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath())
                                         .toString(QUrl::FullyEncoded) +
                                     QStringLiteral("?immutable=1"));
            options += QStringLiteral(";QSQLITE_OPEN_URI");
        } else {
            database.setDatabaseName(path);
        }
        database.setConnectOptions(options);
        if (!database.open()) {
            const Error error = sqlError(path, QStringLiteral("cannot open"), database.lastError());
            database = QSqlDatabase();
            QSqlDatabase::removeDatabase(connection);
            return error;
        }
    }
    return std::unique_ptr<Workspace>(new Workspace(path, connection, access));
}

Result<std::unique_ptr<Workspace>> Workspace::create(const QString &path, QByteArrayView passphrase,
                                                     const QDateTime &now, ScryptParameters work)
{
    if (QFileInfo::exists(path) || QFileInfo(path).isSymLink())
        return Error{QStringLiteral("%1 already exists; not replacing it").arg(path)};
    auto key = VaultKey::create(passphrase, work);
    if (!key)
        return key.error();
    // 0700 whatever the umask: a directory others can write lets them swap the workspace for
    // one whose hooks run as whoever rotates it (root, from the timer).
    if (auto directory = openOrCreateDirectory(QFileInfo(path).absolutePath(), 0700); !directory)
        return directory.error();

    // Built under a temporary name and linked into place only when complete, so a failure
    // leaves no file behind and a concurrent `ws init` cannot be overwritten.
    const QString temporary =
        QStringLiteral("%1.tmp-%2")
            .arg(path)
            .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    if (auto created = createPrivateFile(temporary); !created)
        return created.error();
    const auto discard = [&temporary](const Error &error) -> Result<std::unique_ptr<Workspace>> {
        for (const char *suffix : {"", "-wal", "-shm", "-journal"})
            QFile::remove(temporary + QLatin1String(suffix));
        return error;
    };
    {
        auto workspace = connect(temporary, WorkspaceAccess::ReadWrite, false);
        if (!workspace)
            return discard(workspace.error());
        if (auto ok = (*workspace)->prepare(); !ok)
            return discard(ok.error());
        Transaction transaction(**workspace);
        if (auto ok = (*workspace)
                          ->sql(QStringLiteral("INSERT INTO settings (name, value) VALUES (?, ?)"),
                                QVariantList{QString::fromLatin1(kVaultKeySetting),
                                             QString::fromLatin1(key->stored())});
            !ok)
            return discard(ok.error());
        if (auto ok = (*workspace)->migratePastVault(); !ok)
            return discard(ok.error());
        if (auto ok = transaction.commit(); !ok)
            return discard(ok.error());
        EventRecord created{.at = now,
                            .kind = QStringLiteral("workspace"),
                            .message = QStringLiteral("workspace created")};
        if (auto ok = (*workspace)->logEvent(created); !ok)
            return discard(ok.error());
    } // closed: SQLite checkpoints the WAL into the file and removes it
    if (::link(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) !=
        0) {
        const Error error{QStringLiteral("cannot create %1: %2")
                              .arg(path, QString::fromLocal8Bit(std::strerror(errno)))};
        return discard(error);
    }
    QFile::remove(temporary);
    auto workspace = open(path);
    if (!workspace)
        return workspace.error();
    if (auto ok = (*workspace)->unlock(*key); !ok)
        return ok.error();
    return workspace;
}

Result<std::unique_ptr<Workspace>> Workspace::open(const QString &path, WorkspaceAccess access)
{
    const QFileInfo file(path);
    if (!file.exists())
        return Error{
            QStringLiteral("no workspace at %1; create one with `batonctl ws init`").arg(path)};
    if (!file.isFile())
        return Error{QStringLiteral("%1 is not a file").arg(path)};
    // A workspace says which hooks run and where keys are written, for whoever opens it: one
    // that another user could have written or replaced is refused, as ssh refuses such a key.
    // Only reading it, a workspace of root's is trusted too (a monitoring user's `status`).
    if (auto trusted =
            checkNobodyElseCanWrite(path, QStringLiteral("workspace"),
                                    access == WorkspaceAccess::ReadOnly ? TrustedOwner::CallerOrRoot
                                                                        : TrustedOwner::Caller);
        !trusted)
        return trusted.error();
    auto workspace = connect(path, access, false);
    if (!workspace)
        return workspace.error();
    auto prepared = (*workspace)->prepare();
    // A WAL reader needs the -shm file beside the workspace, or the right to create it. In a
    // directory this user cannot write (another user's workspace, a read-only mount) read the
    // file as it is: as of its last checkpoint, which every batonctl run makes when it exits.
    if (!prepared && access == WorkspaceAccess::ReadOnly &&
        (prepared.errorMessage().contains(QLatin1String("unable to open")) ||
         prepared.errorMessage().contains(QLatin1String("read-only")))) {
        workspace = connect(path, access, true);
        if (!workspace)
            return workspace.error();
        prepared = (*workspace)->prepare();
    }
    if (!prepared)
        return prepared.error();
    return workspace;
}

/// Recognises the file, then sets the connection up and migrates the schema forward.
Status Workspace::prepare()
{
    auto identity = sqlValue(QStringLiteral("PRAGMA application_id"));
    if (!identity)
        return identity.error();
    const qint64 applicationId = identity->toLongLong();
    auto tables = sqlValue(QStringLiteral("SELECT count(*) FROM sqlite_schema"));
    if (!tables)
        return tables.error();
    const bool empty = tables->toLongLong() == 0;
    if (applicationId != kApplicationId && !(applicationId == 0 && empty))
        return Error{QStringLiteral("%1: an SQLite database of another application, not a Baton "
                                    "workspace")
                         .arg(m_path)};
    if (applicationId == 0 && empty && readOnly())
        return Error{QStringLiteral("%1: an empty SQLite file, not a Baton workspace").arg(m_path)};

    auto version = schemaVersion();
    if (!version)
        return version.error();
    const int schema = *version;
    if (schema > kWorkspaceSchemaVersion)
        return Error{QStringLiteral("%1: made by a newer Baton (workspace schema %2; this one "
                                    "reads up to %3)")
                         .arg(m_path)
                         .arg(schema)
                         .arg(kWorkspaceSchemaVersion)};
    // A legacy vault is read as it is until an unlock with write access upgrades it.
    if (schema < kLegacyVaultSchema && readOnly())
        return Error{QStringLiteral("%1: needs migrating to schema %2, which a read-only "
                                    "workspace cannot be")
                         .arg(m_path)
                         .arg(kLegacyVaultSchema)};

    if (!readOnly()) {
        // WAL lets the GUI read while a rotate writes. It is stored in the file, so this only
        // changes anything the first time.
        auto wal = sql(QStringLiteral("PRAGMA journal_mode = WAL"));
        if (!wal)
            return wal.error();
    }
    if (auto keys = sql(QStringLiteral("PRAGMA foreign_keys = ON")); !keys)
        return keys.error();
    // FULL, whatever SQLite was built to default to: in WAL mode it syncs the WAL at every
    // commit, so a commit survives a power loss, not only a crash of the process (NORMAL's
    // promise). Rotation relies on it: a DC is on disk before any target is given it, or a
    // power cut could leave targets serving a DC whose key the workspace never kept. The
    // records a rotation makes after an export ask for less (Transaction::Sync::Deferred):
    // losing one only makes the next run export again, and it saves a sync per target.
    if (auto synchronous = sql(QStringLiteral("PRAGMA synchronous = FULL")); !synchronous)
        return synchronous.error();

    // Read-only, nothing migrates; past the legacy vault, only unlock() goes on.
    for (int from = schema;
         !readOnly() && from < kWorkspaceSchemaVersion && from != kLegacyVaultSchema; ++from) {
        Transaction transaction(*this);
        // Checked again under the write lock: another process may have migrated meanwhile.
        auto current = schemaVersion();
        if (!current)
            return current.error();
        if (*current > from)
            continue;
        if (auto ok = applyMigration(from); !ok)
            return ok;
        if (auto ok = sql(QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId)); !ok)
            return ok.error();
        if (auto ok = sql(QStringLiteral("PRAGMA user_version = %1").arg(from + 1)); !ok)
            return ok.error();
        if (auto ok = transaction.commit(); !ok)
            return ok.error();
    }
    auto reached = schemaVersion();
    if (!reached)
        return reached.error();
    if (*reached < kWorkspaceSchemaVersion) {
        for (const char *statement : kSchema7) {
            const QString standIn = QString::fromLatin1(statement).replace(
                QLatin1String("CREATE TABLE"), QLatin1String("CREATE TEMP TABLE"));
            if (auto ok = sql(standIn); !ok)
                return ok.error();
        }
    }
    return {};
}

Status Workspace::applyMigration(int from)
{
    for (const char *statement : kMigrations[from]) {
        if (auto ok = sql(QString::fromLatin1(statement)); !ok)
            return ok.error();
    }
    // What SQL alone cannot do: values computed from the certificates, same transaction.
    if (from + 1 == 3)
        return fillCertificateSummaries();
    return {};
}

Status Workspace::migratePastVault()
{
    // The stand-ins go first: from now on the file's own tables are meant.
    for (const char *statement : kDropStandIns) {
        if (auto ok = sql(QString::fromLatin1(statement)); !ok)
            return ok.error();
    }
    for (int from = kLegacyVaultSchema + 1; from < kWorkspaceSchemaVersion; ++from) {
        if (auto ok = applyMigration(from); !ok)
            return ok;
    }
    if (auto ok = sql(QStringLiteral("PRAGMA user_version = %1").arg(kWorkspaceSchemaVersion)); !ok)
        return ok.error();
    return {};
}

Status Workspace::integrityCheck() const
{
    QStringList problems;
    for (const QString &pragma :
         {QStringLiteral("PRAGMA integrity_check"), QStringLiteral("PRAGMA foreign_key_check")}) {
        auto result = sql(pragma);
        if (!result)
            return result.error();
        while (result->next()) {
            const QString row = result->value(0).toString();
            if (row != QLatin1String("ok"))
                problems << row;
        }
    }
    if (!problems.isEmpty())
        return Error{QStringLiteral("%1: integrity check failed: %2")
                         .arg(m_path, problems.join(QStringLiteral("; ")))};
    return {};
}

Status Workspace::logEvent(const EventRecord &event)
{
    auto inserted =
        sql(QStringLiteral("INSERT INTO events (at, kind, ok, message, certificate_id, "
                           "dc_id, target_id) VALUES (?, ?, ?, ?, ?, ?, ?)"),
            {timeValue(event.at), event.kind, event.ok ? 1 : 0, textValue(event.message),
             idValue(event.certificateId), idValue(event.dcId), idValue(event.targetId)});
    return inserted ? Status{} : Status{inserted.error()};
}

Result<QList<EventRecord>> Workspace::events(const QDateTime &since) const
{
    QList<EventRecord> events;
    auto rows = sql(QStringLiteral("SELECT id, at, kind, ok, message, certificate_id, dc_id, "
                                   "target_id FROM events WHERE at >= ? ORDER BY id"),
                    {since.isValid() ? since.toSecsSinceEpoch() : qint64(0)});
    if (!rows)
        return rows.error();
    while (rows->next())
        events.append({.id = rows->value(0).toLongLong(),
                       .at = timeFrom(rows->value(1)),
                       .kind = rows->value(2).toString(),
                       .ok = rows->value(3).toBool(),
                       .message = rows->value(4).toString(),
                       .certificateId = rows->value(5).toLongLong(),
                       .dcId = rows->value(6).toLongLong(),
                       .targetId = rows->value(7).toLongLong()});
    return events;
}

} // namespace baton
