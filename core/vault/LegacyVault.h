#pragma once

// The vault of workspaces before schema 6, read once to upgrade them (Workspace::unlock): a
// passphrase verifier in the settings row `passphrase_verifier`, and each private key sealed on
// its own under the passphrase as a DER EncryptedPrivateKeyInfo (RFC 5958): PBES2 (RFC 8018)
// with scrypt (RFC 7914) and AES-256-CBC, random 16-byte salt and IV. Every seal, open and
// check cost a full scrypt run, which is why the envelope vault replaced it. Baton no longer
// writes this format (tests/support/LegacyVaultWriter does, to build old workspaces); it only
// reads it, with the same limits as ever.

#include "common/Result.h"
#include "crypto/KdfLimits.h"
#include "crypto/OpenSsl.h"

#include <QByteArray>
#include <QByteArrayView>

namespace baton {

/// What a legacy workspace stores to recognise its passphrase: "scrypt$1$N$r$p$salt$check",
/// salt (16 to 64 bytes) and check in canonical base64, where the check is
/// HMAC-SHA256(scrypt(passphrase, salt), "Baton workspace passphrase verifier v1").
class PassphraseVerifier
{
public:
    /// Parses the stored record strictly: every field checked, errors name the field, scrypt
    /// parameters beyond KdfLimits.h refused before any work.
    static Result<PassphraseVerifier> fromStored(QByteArrayView stored);

    /// Success if `passphrase` is the one the verifier was made from; otherwise the Error
    /// kWrongPassphrase (or, rarely, an OpenSSL failure). Compares in constant time.
    Status check(QByteArrayView passphrase) const;

    const ScryptParameters &parameters() const { return m_parameters; }

private:
    PassphraseVerifier(ScryptParameters parameters, QByteArray salt, QByteArray checkValue);

    ScryptParameters m_parameters;
    QByteArray m_salt;
    QByteArray m_check;
};

/// Opens a legacy sealed key (or any DER PBES2 scrypt AES-256-CBC EncryptedPrivateKeyInfo
/// within KdfLimits.h's limits). Unencrypted keys, other schemes, KDFs and ciphers are refused
/// with an error naming what was found. A wrong passphrase gives the Error kWrongPassphrase; so
/// does a damaged ciphertext, which CBC cannot tell from it. The decrypted PKCS#8 and the
/// derived AES key are wiped before this returns.
Result<EvpPkeyPtr> openLegacySealedKey(QByteArrayView sealed, QByteArrayView passphrase);

} // namespace baton
