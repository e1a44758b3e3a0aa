#pragma once

// Helpers the workspace's source files share: SQL errors in words, time columns, the vault's
// settings rows and the fingerprint keys are found by.

#include "common/Result.h"
#include "crypto/OpenSsl.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>

class QSqlError;

namespace baton {

/// An SQL failure as a sentence that starts with the workspace's path.
Error sqlError(const QString &path, const QString &what, const QSqlError &error);
Result<QSqlQuery> runSql(const QSqlDatabase &database, const QString &path, const QString &sql,
                         const QVariantList &bindings);

QVariant timeValue(const QDateTime &time); ///< NULL for an invalid time
QDateTime timeFrom(const QVariant &value); ///< invalid for NULL
QVariant idValue(qint64 id);               ///< NULL for 0
QVariant textValue(const QString &text);   ///< '' for an empty (even null) string, never NULL

/// The settings row holding the wrapped workspace key (KeyVault.h), from schema 6 on.
inline constexpr char kVaultKeySetting[] = "vault_key";
/// The settings row holding the passphrase verifier of a legacy vault (LegacyVault.h).
inline constexpr char kLegacyVerifierSetting[] = "passphrase_verifier";

/// The SHA-256 of the key's SubjectPublicKeyInfo: what the keys, certificates and dcs tables
/// meet by, and what a sealed key's associated data binds it to.
Result<QByteArray> spkiSha256(const EVP_PKEY *key);

} // namespace baton
