#pragma once

// The key vault: how private keys are kept in a workspace. Only sealed keys are stored there
// (encrypted PKCS#8 under the one workspace passphrase), never plaintext key bytes, and a
// passphrase verifier lets Baton say "wrong passphrase" before it tries to open any key.

#include "common/Result.h"
#include "crypto/KdfLimits.h"
#include "crypto/OpenSsl.h"

#include <QByteArray>
#include <QByteArrayView>
#include <memory>

namespace baton {

/// OWASP's scrypt recommendation (N=2^17, r=8, p=1): 128 MiB and, measured on the 2-core
/// development VM, 0.55 to 0.6 s for each seal, open or passphrase check (N=2^16: 0.29 s;
/// OpenSSL's own default, 2^14: 0.07 s). Paid once when a workspace is unlocked and once per
/// key opened; an attacker pays it, in memory as well as time, for every guess.
///
/// OpenSSL's PKCS#8 code (PKCS5_pbe2_set_scrypt, PKCS8_decrypt, `openssl pkcs8`) caps scrypt
/// at 32 MiB, which r=8 exceeds from N=2^15 on, so the vault does the PBES2 steps itself. To
/// read a sealed key without Baton, derive the AES key with `openssl kdf -binary -keylen 32
/// -kdfopt pass:… -kdfopt hexsalt:… -kdfopt n:… -kdfopt r:… -kdfopt p:… -kdfopt
/// maxmem_bytes:1073741824 SCRYPT` and decrypt with `openssl enc -d -aes-256-cbc -K … -iv …`;
/// salt and IV are in `openssl asn1parse -inform DER`'s output.
inline constexpr ScryptParameters kVaultScrypt = {quint64(1) << 17, 8, 1};

// What Baton accepts when reading parameters back (and when asked to use them) is
// KdfLimits.h's kMaxScryptMemory and kMaxScryptWork: a stored verifier or sealed key must not
// make Baton allocate or compute without bound.

/// The text of the error for a passphrase that does not match, exactly, so a CLI can print it
/// and a caller can tell it from every other failure.
inline constexpr char kWrongPassphrase[] = "wrong passphrase";

/// What a workspace stores to recognise its passphrase: a salt and a check value derived from
/// the passphrase with scrypt (kVaultScrypt) and then HMAC-SHA256 under a fixed label.
/// Checking a guess costs as much as opening a key, so the verifier is no faster oracle than
/// the sealed keys themselves, and it holds nothing that decrypts them (their salts differ).
class CheckedPassphrase;

class PassphraseVerifier
{
public:
    /// A new verifier with a random 16-byte salt. Refuses an empty passphrase.
    static Result<PassphraseVerifier> create(QByteArrayView passphrase,
                                             ScryptParameters parameters = kVaultScrypt);
    /// Parses what toStored() wrote, strictly: every field checked, errors name the field.
    static Result<PassphraseVerifier> fromStored(QByteArrayView stored);

    /// "scrypt$1$<N>$<r>$<p>$<salt>$<check>", salt and check in padded base64; 1 is the
    /// version of this format and of the check's derivation.
    QByteArray toStored() const;

    /// Success if `passphrase` is the one the verifier was made from; otherwise the Error
    /// kWrongPassphrase (or, rarely, an OpenSSL failure). Compares in constant time.
    Status check(QByteArrayView passphrase) const;
    /// check(), keeping the passphrase it accepted.
    Result<CheckedPassphrase> accept(QByteArrayView passphrase) const;

    const ScryptParameters &parameters() const { return m_parameters; }

private:
    PassphraseVerifier(ScryptParameters parameters, QByteArray salt, QByteArray checkValue);

    ScryptParameters m_parameters;
    QByteArray m_salt;
    QByteArray m_check;
};

/// A passphrase together with the verifier that accepted it. Checking a passphrase costs a
/// scrypt run (about 0.6 s at kVaultScrypt); holding the result lets the check run on a worker
/// thread and lets further connections to the same workspace (a worker thread's own) unlock
/// without paying it again. Only an accepting verifier makes one. Copies share one buffer,
/// wiped when the last copy goes.
class CheckedPassphrase
{
public:
    /// A new verifier for `passphrase` (a new workspace's), with the passphrase it accepts.
    static Result<CheckedPassphrase> create(QByteArrayView passphrase,
                                            ScryptParameters parameters = kVaultScrypt);

    QByteArrayView passphrase() const { return m_passphrase->bytes(); }
    const ScryptParameters &parameters() const { return m_parameters; }
    /// The accepting verifier, as PassphraseVerifier::toStored() writes it.
    const QByteArray &verifier() const { return m_verifier; }

private:
    friend class PassphraseVerifier;
    CheckedPassphrase(QByteArrayView passphrase, const PassphraseVerifier &verifier);

    std::shared_ptr<const SecretBytes> m_passphrase;
    ScryptParameters m_parameters;
    QByteArray m_verifier;
};

/// Seals a private key: DER EncryptedPrivateKeyInfo (RFC 5958), PBES2 (RFC 8018) with scrypt
/// (RFC 7914) and AES-256-CBC, random 16-byte salt and IV. Refuses an empty passphrase. Every
/// copy of the unencrypted PKCS#8 and of the derived AES key is wiped before this returns.
Result<QByteArray> sealPrivateKey(const EVP_PKEY *key, QByteArrayView passphrase,
                                  ScryptParameters parameters = kVaultScrypt);

/// Opens what sealPrivateKey wrote (or any DER PBES2 scrypt AES-256-CBC EncryptedPrivateKeyInfo
/// within the limits above). Unencrypted keys, other schemes, KDFs and ciphers are refused with
/// an error naming what was found. A wrong passphrase gives the Error kWrongPassphrase; so does
/// a damaged ciphertext, which CBC cannot tell from it.
Result<EvpPkeyPtr> openPrivateKey(QByteArrayView sealed, QByteArrayView passphrase);

} // namespace baton
