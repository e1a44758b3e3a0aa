#pragma once

// Files whose key derivations ask for more work than Baton allows (KdfLimits.h), built
// cheaply: each is made with a small cost and then its cost field is rewritten, so making one
// never pays the cost it announces. Their MACs, where they have one, verify with iteration
// count 1 (a rewritten MAC iteration count makes the MAC itself wrong, which does not matter:
// the count is refused before the MAC is computed).

#include "crypto/OpenSsl.h"

#include <QByteArray>
#include <QtGlobal>

namespace baton::test {

/// How an encrypted part is encrypted: PBES2 with PBKDF2 and AES-256-CBC (OpenSSL 3's default),
/// a PKCS#12 PBE (pbeWithSHA1And3-KeyTripleDES-CBC, PBES1's parameters), or PBES2 with scrypt.
enum class BombPbe
{
    Pbes2Pbkdf2,
    Pkcs12Pbe,
    Pbes2Scrypt,
};

/// The cost written into the file: an iteration count, or scrypt's N (r=8, p=1).
struct BombCost
{
    BombPbe pbe = BombPbe::Pbes2Pbkdf2;
    quint64 value = 2048;
};

/// A PKCS#12 file with `key` and `certificate` under `passphrase`, whose MAC announces
/// `macIterations`.
QByteArray pkcs12WithMacIterations(const EVP_PKEY *key, const X509 *certificate,
                                   const QByteArray &passphrase, qint64 macIterations);

/// The same with an ordinary MAC, where the certificate's encrypted contents (contents 1)
/// announce `cost`.
QByteArray pkcs12WithEncryptedContentsCost(const EVP_PKEY *key, const X509 *certificate,
                                           const QByteArray &passphrase, BombCost cost);

/// The same with an ordinary MAC and plain certificate contents, where the shrouded key bag
/// (private key 1) announces `cost`; with `copies` > 1 it is there that many times (each
/// within the limit, together perhaps not).
QByteArray pkcs12WithKeyBagCost(const EVP_PKEY *key, const X509 *certificate,
                                const QByteArray &passphrase, BombCost cost, int copies = 1);

/// `key` as a PKCS#8 EncryptedPrivateKeyInfo announcing `cost`, as PEM or DER.
QByteArray encryptedPkcs8WithCost(const EVP_PKEY *key, const QByteArray &passphrase, BombCost cost,
                                  bool pem);

} // namespace baton::test
