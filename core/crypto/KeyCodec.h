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

std::span<const KeySpec> generatableKeys();
const KeySpec *keySpecByName(QStringView name);
/// "ecdsa-p256, ecdsa-p384, …", for usage and error messages.
QString generatableKeyNames();

Result<EvpPkeyPtr> generateKey(const KeySpec &spec);

/// Reads a private key from PEM (PKCS#8, encrypted PKCS#8, SEC1 "EC PRIVATE KEY", PKCS#1, and
/// any label ending in "PRIVATE KEY" such as Fizz's "SERVER DC PRIVATE KEY") or DER.
/// `passphrase` is used for encrypted keys; without one an encrypted key is an error saying a
/// passphrase is needed (OpenSSL never prompts on its own).
Result<EvpPkeyPtr> decodePrivateKey(QByteArrayView data,
                                    const std::optional<QByteArray> &passphrase = std::nullopt);

/// True when the data holds something that reads as an encrypted private key.
bool isEncryptedPrivateKey(QByteArrayView data);

/// A DER SubjectPublicKeyInfo, strictly: every byte must belong to it.
Result<EvpPkeyPtr> decodeSubjectPublicKeyInfo(QByteArrayView der);
Result<QByteArray> encodeSubjectPublicKeyInfo(const EVP_PKEY *key);

/// Unencrypted PKCS#8 PrivateKeyInfo, DER. Wiped from memory when the result is destroyed.
Result<SecretBytes> encodePrivateKeyPkcs8Der(const EVP_PKEY *key);
/// The same as PEM ("PRIVATE KEY").
Result<SecretBytes> encodePrivateKeyPkcs8Pem(const EVP_PKEY *key);

/// Whether two keys have the same public half (a private key and a certificate, say).
bool samePublicKey(const EVP_PKEY *a, const EVP_PKEY *b);

} // namespace baton
