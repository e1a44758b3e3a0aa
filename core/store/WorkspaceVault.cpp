// The workspace's vault: unlocking it, upgrading a legacy vault (schema 5) to the envelope
// vault on its first unlock, and changing the passphrase. Sealing and opening the keys is in
// WorkspaceObjects.cpp; the formats are in KeyVault.h.

#include "Workspace.h"
#include "WorkspaceSql.h"
#include "vault/LegacyVault.h"

namespace baton {

Result<int> Workspace::schemaVersion() const
{
    auto version = sqlValue(QStringLiteral("PRAGMA user_version"));
    if (!version)
        return version.error();
    return version->toInt();
}

Result<QByteArray> Workspace::storedVaultKey() const
{
    auto stored = sqlValue(QStringLiteral("SELECT value FROM settings WHERE name = ?"),
                           {QString::fromLatin1(kVaultKeySetting)});
    if (!stored)
        return stored.error();
    if (stored->isNull())
        return Error{QStringLiteral("%1: the workspace has no workspace key").arg(m_path)};
    return stored->toString().toLatin1();
}

Status Workspace::unlock(QByteArrayView passphrase)
{
    auto schema = schemaVersion();
    if (!schema)
        return schema.error();
    if (*schema <= kLegacyVaultSchema) {
        auto upgraded = upgradeLegacyVault(passphrase);
        if (!upgraded)
            return upgraded.error();
        if (*upgraded) {
            m_unlocked = std::move(**upgraded);
            return {};
        }
        // Another process upgraded it while this one waited for the write lock.
    }
    auto stored = storedVaultKey();
    if (!stored)
        return stored.error();
    auto key = VaultKey::unwrap(*stored, passphrase);
    if (!key)
        return key.error();
    m_unlocked = std::move(key).value();
    return {};
}

Status Workspace::unlock(const VaultKey &key)
{
    auto stored = storedVaultKey();
    if (!stored)
        return stored.error();
    if (*stored != key.stored())
        return Error{QStringLiteral("%1: the workspace key was unwrapped for another workspace, or "
                                    "before the passphrase changed")
                         .arg(m_path)};
    m_unlocked = key;
    return {};
}

Result<std::optional<VaultKey>> Workspace::upgradeLegacyVault(QByteArrayView passphrase)
{
    if (readOnly())
        return Error{QStringLiteral("%1: the workspace's keys are still sealed the way of schema "
                                    "%2, and only an unlock with write access upgrades them to "
                                    "schema %3's vault; unlock it once where it can be written")
                         .arg(m_path)
                         .arg(kLegacyVaultSchema)
                         .arg(kLegacyVaultSchema + 1)};
    // One transaction, so that a crash or a kill at any point leaves the legacy vault or the
    // upgraded one, each whole and opened by the same passphrase. The write lock is held for
    // one scrypt run per key: a one-time cost, paid once by whoever unlocks first.
    Transaction transaction(*this);
    // Checked again under the write lock: another process may have upgraded it meanwhile.
    auto schema = schemaVersion();
    if (!schema)
        return schema.error();
    if (*schema > kLegacyVaultSchema)
        return std::optional<VaultKey>();
    auto stored = sqlValue(QStringLiteral("SELECT value FROM settings WHERE name = ?"),
                           {QString::fromLatin1(kLegacyVerifierSetting)});
    if (!stored)
        return stored.error();
    if (stored->isNull())
        return Error{QStringLiteral("%1: the workspace has no passphrase verifier").arg(m_path)};
    auto verifier = PassphraseVerifier::fromStored(stored->toString().toLatin1());
    if (!verifier)
        return Error{QStringLiteral("%1: %2").arg(m_path, verifier.errorMessage())};
    if (Status checked = verifier->check(passphrase); !checked)
        return checked.error();
    // The workspace's work factor stays what it chose when it was created.
    auto key = VaultKey::create(passphrase, verifier->parameters());
    if (!key)
        return key.error();

    struct LegacyKey
    {
        qint64 id;
        QByteArray spkiSha256;
        QByteArray sealed;
    };
    QList<LegacyKey> legacy;
    auto rows = sql(QStringLiteral("SELECT id, spki_sha256, sealed FROM keys ORDER BY id"));
    if (!rows)
        return rows.error();
    while (rows->next())
        legacy.append({rows->value(0).toLongLong(), rows->value(1).toByteArray(),
                       rows->value(2).toByteArray()});
    rows->finish();
    for (const LegacyKey &row : legacy) {
        const auto refused = [&](const QString &why) {
            return Error{QStringLiteral("%1: cannot upgrade the vault (nothing changed): key %2 %3")
                             .arg(m_path)
                             .arg(row.id)
                             .arg(why)};
        };
        auto opened = openLegacySealedKey(row.sealed, passphrase);
        if (!opened)
            return refused(QStringLiteral("does not open: ") + opened.errorMessage());
        // The new seal binds the key to its row's fingerprint: it must be this key's.
        auto fingerprint = spkiSha256(opened->get());
        if (!fingerprint)
            return fingerprint.error();
        if (*fingerprint != row.spkiSha256)
            return refused(QStringLiteral("opens to another key than its row names"));
        auto resealed = key->seal(opened->get(), row.id, row.spkiSha256);
        if (!resealed)
            return refused(resealed.errorMessage());
        if (auto ok =
                sql(QStringLiteral("UPDATE keys SET sealed = ? WHERE id = ?"), {*resealed, row.id});
            !ok)
            return ok.error();
    }
    for (const auto &[statement, bindings] : {
             std::pair{QStringLiteral("DELETE FROM settings WHERE name = ?"),
                       QVariantList{QString::fromLatin1(kLegacyVerifierSetting)}},
             std::pair{QStringLiteral("INSERT INTO settings (name, value) VALUES (?, ?)"),
                       QVariantList{QString::fromLatin1(kVaultKeySetting),
                                    QString::fromLatin1(key->stored())}},
         }) {
        if (auto ok = sql(statement, bindings); !ok)
            return ok.error();
    }
    if (auto ok = migratePastVault(); !ok)
        return ok.error();
    if (auto ok = transaction.commit(); !ok)
        return ok.error();
    return std::optional<VaultKey>(std::move(key).value());
}

Status Workspace::changePassphrase(QByteArrayView newPassphrase, const QDateTime &now)
{
    if (!unlocked())
        return Error{QStringLiteral("the workspace is locked: its passphrase is needed to change "
                                    "it")};
    // The scrypt run happens before the write lock is taken: it is held for milliseconds.
    auto rewrapped = m_unlocked->rewrap(newPassphrase);
    if (!rewrapped)
        return rewrapped.error();
    Transaction transaction(*this);
    auto updated =
        sql(QStringLiteral("UPDATE settings SET value = ? WHERE name = ? AND value = ?"),
            {QString::fromLatin1(rewrapped->stored()), QString::fromLatin1(kVaultKeySetting),
             QString::fromLatin1(m_unlocked->stored())});
    if (!updated)
        return updated.error();
    if (updated->numRowsAffected() != 1)
        return Error{QStringLiteral("%1: the passphrase was changed since this connection "
                                    "unlocked the workspace; nothing changed")
                         .arg(m_path)};
    if (auto ok = logEvent({.at = now,
                            .kind = QStringLiteral("workspace"),
                            .message = QStringLiteral("passphrase changed")});
        !ok)
        return ok;
    if (auto ok = transaction.commit(); !ok)
        return ok;
    m_unlocked = std::move(rewrapped).value();
    return {};
}

} // namespace baton
