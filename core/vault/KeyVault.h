#pragma once

// The key vault: how private keys are kept in a workspace (schema 6 on; LegacyVault.h has what
// came before). It is an envelope: one random 256-bit workspace key, wrapped under the
// passphrase, and every private key sealed under that workspace key. Unlocking costs one scrypt
// run however many keys there are; sealing or opening a key then costs microseconds; changing
// the passphrase re-wraps 32 bytes and touches no key. Only sealed keys and the wrapped
// workspace key are ever stored, never plaintext key bytes. docs/vault-format.md gives every
// byte of both formats and how to recover a key without Baton.

#include "common/Result.h"
#include "crypto/KdfLimits.h"
#include "crypto/OpenSsl.h"

#include <QByteArray>
#include <QByteArrayView>
#include <memory>

namespace baton {

/// OWASP's scrypt recommendation (N=2^17, r=8, p=1): 128 MiB and, measured on the 2-core
/// development VM, 0.55 to 0.6 s per run. Paid once per unlock (and per passphrase change);
/// an attacker pays it, in memory as well as time, for every guess. What Baton accepts when
/// reading parameters back is KdfLimits.h's kMaxScryptMemory and kMaxScryptWork: a stored
/// record must not make Baton allocate or compute without bound.
inline constexpr ScryptParameters kVaultScrypt = {quint64(1) << 17, 8, 1};

/// The text of the error for a passphrase that does not match, exactly, so a CLI can print it
/// and a caller can tell it from every other failure.
inline constexpr char kWrongPassphrase[] = "wrong passphrase";

/// The workspace key as a workspace stores it (the settings row `vault_key`):
/// "scrypt-aes-256-gcm$1$N$r$p$salt$nonce$wrapped", salt (16 bytes), nonce (12) and wrapped
/// (AES-256-GCM ciphertext of the 32-byte key, then its 16-byte tag) in canonical base64. The
/// key-encryption key is scrypt(passphrase, salt) with N, r, p; the associated data is
/// kWorkspaceKeyLabel. 1 is the version of this record and of both derivations.
struct WrappedWorkspaceKey
{
    ScryptParameters scrypt{};
    QByteArray salt{};
    QByteArray nonce{};
    QByteArray wrapped{};

    /// Parses the stored record strictly: every field checked, errors name the field, scrypt
    /// parameters beyond KdfLimits.h refused before any work is done.
    static Result<WrappedWorkspaceKey> fromStored(QByteArrayView stored);
    QByteArray toStored() const;
};

/// The associated data of the wrapped workspace key (its bytes, without a terminator).
inline constexpr char kWorkspaceKeyLabel[] = "baton workspace key v1";
/// The start of a sealed key's associated data, followed by the key's row id (keys.id, 8 bytes
/// big-endian) and the SHA-256 of its SubjectPublicKeyInfo (32 bytes).
inline constexpr char kSealedKeyLabel[] = "baton sealed key v1";

/// An unwrapped workspace key, and the stored record it came from, which names the workspace
/// it belongs to. Unwrapping costs a scrypt run (about 0.6 s at kVaultScrypt); holding the
/// result lets the run happen on a worker thread and lets further connections to the same
/// workspace (a worker thread's own) unlock without repeating it. Copies share one buffer,
/// wiped when the last copy goes.
class VaultKey
{
public:
    /// A new random workspace key, wrapped under `passphrase`: a new workspace's. Refuses an
    /// empty passphrase and parameters beyond KdfLimits.h.
    static Result<VaultKey> create(QByteArrayView passphrase,
                                   ScryptParameters parameters = kVaultScrypt);
    /// Unwraps a stored record (WrappedWorkspaceKey) with the passphrase: the Error
    /// kWrongPassphrase when the GCM tag does not verify, which is what a wrong passphrase
    /// gives (and a record damaged in its salt, nonce or wrapped bytes).
    static Result<VaultKey> unwrap(QByteArrayView stored, QByteArrayView passphrase);

    /// The same workspace key wrapped under another passphrase, with a fresh salt and nonce
    /// and this record's scrypt parameters. Refuses an empty passphrase.
    Result<VaultKey> rewrap(QByteArrayView passphrase) const;

    /// The stored record this key was unwrapped from (or wrapped into).
    const QByteArray &stored() const { return m_stored; }

    /// Seals a private key for the row `rowId` of the keys table, whose spki_sha256 column is
    /// `spkiSha256`: the blob "BtnK" | 0x01 | nonce (12 bytes) | ciphertext | tag (16 bytes),
    /// AES-256-GCM under the workspace key with a fresh random nonce, the plaintext the
    /// unencrypted PKCS#8 DER, the associated data kSealedKeyLabel | rowId | spkiSha256. Every
    /// copy of the plaintext is wiped before this returns.
    Result<QByteArray> seal(const EVP_PKEY *key, qint64 rowId, QByteArrayView spkiSha256) const;
    /// Opens what seal() wrote for the same row. A blob of another row, another key, another
    /// workspace or with any byte changed does not authenticate and is refused as such; a
    /// malformed one is refused with what is wrong with it.
    Result<EvpPkeyPtr> open(QByteArrayView sealed, qint64 rowId, QByteArrayView spkiSha256) const;

private:
    VaultKey(std::shared_ptr<const SecretBytes> key, QByteArray stored, ScryptParameters scrypt);

    std::shared_ptr<const SecretBytes> m_key;
    QByteArray m_stored;
    ScryptParameters m_scrypt;
};

} // namespace baton
