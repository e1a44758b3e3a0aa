#pragma once

#include "KeyType.h"
#include "OpenSsl.h"

#include <QByteArrayView>
#include <QList>
#include <optional>
#include <span>

namespace baton {

/// A key Baton can generate: the `--dc-alg` names.
struct KeySpec
{
    const char *name; ///< "ecdsa-p256", "ed25519", "rsa-pss-2048", …
    KeyType type;
    int rsaBits; ///< 0 unless RSA
};

/// The keys a DC may have (`--dc-alg`): no rsaEncryption, which RFC 9345 forbids for DCs.
std::span<const KeySpec> generatableKeys();
const KeySpec *keySpecByName(QStringView name);
/// "ecdsa-p256, ecdsa-p384, …", for usage and error messages.
QString generatableKeyNames();

/// The keys Baton makes for certificates and CSRs (`--key-alg`): ECDSA, Ed25519 and
/// rsaEncryption RSA, what CAs accept.
std::span<const KeySpec> certificateKeys();
const KeySpec *certificateKeySpecByName(QStringView name);
QString certificateKeyNames();

Result<EvpPkeyPtr> generateKey(const KeySpec &spec);

/// Reads a private key from PEM (PKCS#8, encrypted PKCS#8, SEC1 "EC PRIVATE KEY", PKCS#1, and
/// any label ending in "PRIVATE KEY" such as Fizz's "SERVER DC PRIVATE KEY") or DER.
/// `passphrase` is used for encrypted keys; without one an encrypted key is an error saying a
/// passphrase is needed (OpenSSL never prompts on its own).
Result<EvpPkeyPtr> decodePrivateKey(QByteArrayView data,
                                    const std::optional<QByteArray> &passphrase = std::nullopt);

/// The key-derivation cost an encrypted PKCS#8 key (PEM or DER, the block decodePrivateKey
/// would read) asks for, against KdfLimits.h; success for anything else. decodePrivateKey
/// checks it too; a caller that asks for passphrases checks it before asking.
Status checkEncryptedPrivateKeyCost(QByteArrayView data);

/// True when the data holds something that reads as an encrypted private key.
bool isEncryptedPrivateKey(QByteArrayView data);

/// A DER SubjectPublicKeyInfo, strictly: every byte must belong to it.
Result<EvpPkeyPtr> decodeSubjectPublicKeyInfo(QByteArrayView der);
/// `keyType`, when the caller knows it, spares asking OpenSSL (microseconds for an EC key).
Result<QByteArray> encodeSubjectPublicKeyInfo(const EVP_PKEY *key,
                                              std::optional<KeyType> keyType = std::nullopt);

/// What kind of public key an SPKI holds, as checks and messages need it.
struct PublicKeyKind
{
    KeyType type = KeyType::Unknown;
    QString name;                 ///< keyName(): OpenSSL's name for kinds Baton does not know
    bool compressedPoint = false; ///< an EC point in compressed (or hybrid) form
};
PublicKeyKind publicKeyKind(const EVP_PKEY *key);

/// The kind of key a DER SubjectPublicKeyInfo holds, refusing exactly what
/// decodeSubjectPublicKeyInfo refuses, with its messages. An SPKI in the canonical form of a
/// TLS 1.3 signature key (a named-curve P-256/384/521 uncompressed point on its curve, Ed25519,
/// Ed448, an unrestricted RSA-PSS key of 1024 to 16384 bits) is judged from its bytes: OpenSSL
/// 3's decoder would cost as much as a signature verification. Any other goes to the decoder.
Result<PublicKeyKind> inspectSubjectPublicKeyInfo(QByteArrayView der);

/// Encrypted PKCS#8 PEM ("ENCRYPTED PRIVATE KEY"): PBES2 with AES-256-CBC and
/// PBKDF2-HMAC-SHA256 at kPbkdf2Iterations, readable by OpenSSL and every PKCS#8 reader.
/// 600,000 iterations is OWASP's 2023 figure for PBKDF2-HMAC-SHA256: about 0.3 s per
/// decryption, paid once per CA operation, never per DC.
inline constexpr int kPbkdf2Iterations = 600000;
Result<QByteArray> encodeEncryptedPrivateKeyPem(const EVP_PKEY *key, QByteArrayView passphrase);

/// Unencrypted PKCS#8 PrivateKeyInfo, DER. Wiped from memory when the result is destroyed.
Result<SecretBytes> encodePrivateKeyPkcs8Der(const EVP_PKEY *key);
/// The same as PEM ("PRIVATE KEY").
Result<SecretBytes> encodePrivateKeyPkcs8Pem(const EVP_PKEY *key);

/// Whether two keys have the same public half (a private key and a certificate, say).
bool samePublicKey(const EVP_PKEY *a, const EVP_PKEY *b);

} // namespace baton
