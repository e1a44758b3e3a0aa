#pragma once

// The one limit on key-derivation work that Baton takes from its input. An iteration count or
// a set of scrypt parameters is a number in a file (a PKCS#12 MAC, an encrypted bag, a PKCS#8
// EncryptedPrivateKeyInfo, a workspace's wrapped key, a legacy workspace's verifier or sealed
// key), and a file can say 2^31-1: at PBKDF2's ~1.5 M iterations per second that is half an
// hour for one guess. Every such number is read from the ASN.1 (or the stored record) and
// checked here before any KDF runs and before any passphrase is asked for.

#include "common/Result.h"

#include <QString>
#include <QtGlobal>

typedef struct X509_algor_st X509_ALGOR;
typedef struct PKCS12_st PKCS12;

namespace baton {

/// The most iterations Baton runs for a PKCS#12 MAC, a PKCS#12 PBE (PBES1) or PBKDF2. What real
/// tools write: OpenSSL 2048, Windows up to 10 000, Baton itself and OWASP's 2023 figure for
/// PBKDF2-HMAC-SHA256 600 000 (about 0.3 s here). Ten million is 16 times the largest of those,
/// room for years of growth, and caps one guess at about 5 s instead of the half hour that
/// 2^31-1 costs.
inline constexpr qint64 kMaxKdfIterations = 10'000'000;

/// scrypt's cost (N, a power of two), block size (r) and parallelism (p), as RFC 7914 names
/// them. Memory needed: about 128 * r * N bytes; time: proportional to N * r * p.
struct ScryptParameters
{
    quint64 n;
    quint32 r;
    quint32 p;

    friend bool operator==(const ScryptParameters &, const ScryptParameters &) = default;
};

/// The most memory scrypt may use: 1 GiB, eight times the vault's own 128 MiB (N=2^17, r=8),
/// and what `openssl kdf … maxmem_bytes` must be given to read the largest allowed.
inline constexpr quint64 kMaxScryptMemory = quint64(1) << 30;
/// N * r * p: 16 times the vault's default, about 9 s on the 2-core development VM.
inline constexpr quint64 kMaxScryptWork = quint64(1) << 24;

/// The rules of RFC 7914 plus the limits above, each error naming the parameter at fault.
Status checkScryptCost(const ScryptParameters &parameters);

/// The cost a password-based encryption AlgorithmIdentifier asks for, checked against the
/// limits: PBES1 and PKCS#12 PBE (PBEParameter's iteration count), PBES2 with PBKDF2 (its
/// iteration count) or scrypt (N, r, p). An algorithm that is no password-based encryption
/// passes (OpenSSL refuses it without deriving anything); a PBE whose parameters cannot be
/// read does not. The error names the scheme and the number against the limit; the caller
/// puts the file and the structure in front.
Status checkPbeCost(const X509_ALGOR *algorithm);

/// checkPbeCost, returning the work the algorithm asks for when allowed: its iteration count,
/// 0 for no password-based encryption, and for scrypt N*r*p scaled so that kMaxScryptWork
/// weighs as much as kMaxKdfIterations.
Result<qint64> pbeWork(const X509_ALGOR *algorithm);

/// A PKCS#12 file's MAC iteration count against kMaxKdfIterations ("MAC: N iterations, …").
Status checkPkcs12MacCost(const PKCS12 *p12);
/// The same, returning the count (0 without a MAC).
Result<qint64> pkcs12MacWork(const PKCS12 *p12);

/// The most work, in iterations, all the key derivations of one file may add up to for one
/// passphrase. A limit per derivation alone would let a file of a thousand key bags at 10 M
/// iterations each cost hours; real files have up to three (a PKCS#12's MAC, certificates and
/// key), so twice the per-derivation limit leaves room for three at OWASP's 600 000 many
/// times over.
inline constexpr qint64 kMaxKdfWorkPerFile = 2 * kMaxKdfIterations;

/// What one pass over a file has spent so far against kMaxKdfWorkPerFile.
class KdfBudget
{
public:
    /// Adds `work`; an error saying the file's derivations together are too much once the
    /// total exceeds the limit.
    Status spend(qint64 work);

private:
    qint64 m_spent = 0;
};

} // namespace baton
