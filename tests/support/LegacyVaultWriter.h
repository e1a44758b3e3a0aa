#pragma once

// Workspaces as Baton wrote them before schema 6 (LegacyVault.h): a passphrase verifier, and
// each private key sealed on its own as PBES2/scrypt/AES-256-CBC. Baton only reads that vault
// now, to upgrade it; these build one for the tests of the upgrade and of the legacy reader.
// Each aborts the test binary on failure: a fixture that cannot be built makes every assertion
// after it meaningless.

#include "crypto/KdfLimits.h"
#include "crypto/OpenSsl.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QString>

namespace baton::test {

/// The stored verifier record for `passphrase`: "scrypt$1$N$r$p$salt$check", random 16-byte
/// salt.
QByteArray legacyVerifier(QByteArrayView passphrase, const ScryptParameters &scrypt);

/// The key sealed the legacy way: DER EncryptedPrivateKeyInfo, PBES2 with scrypt (no keyLength)
/// and AES-256-CBC, random 16-byte salt and IV.
QByteArray sealLegacyKey(const EVP_PKEY *key, QByteArrayView passphrase,
                         const ScryptParameters &scrypt);

/// A new, empty workspace at schema 5 with a legacy vault for `passphrase`.
void makeLegacyWorkspace(const QString &path, QByteArrayView passphrase, const QDateTime &now,
                         const ScryptParameters &scrypt);

/// Rewrites a schema 6 workspace (unlocked by `passphrase`) as a Baton before schema 6 would
/// have written it: every key sealed the legacy way, the verifier for the wrapped workspace
/// key, schema 5.
void rewriteAsLegacyVault(const QString &path, QByteArrayView passphrase,
                          const ScryptParameters &scrypt);

/// Adds `key` to a legacy workspace's keys table, sealed the legacy way.
void addLegacyKey(const QString &path, const EVP_PKEY *key, QByteArrayView passphrase,
                  const ScryptParameters &scrypt);

} // namespace baton::test
