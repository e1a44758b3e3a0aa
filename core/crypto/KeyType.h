#pragma once

#include <QString>
#include <openssl/types.h>

namespace baton {

/// The key kinds TLS 1.3 signature schemes distinguish. ECDSA is bound to its curve in TLS 1.3,
/// and an RSA key is either rsaEncryption (usable with rsa_pss_rsae_*) or id-RSASSA-PSS
/// (rsa_pss_pss_*): the distinction RFC 9345 turns on for DC keys.
enum class KeyType
{
    Unknown,
    EcP256,
    EcP384,
    EcP521,
    EcOtherCurve,
    Ed25519,
    Ed448,
    Rsa,    ///< rsaEncryption
    RsaPss, ///< id-RSASSA-PSS
};

KeyType keyTypeOf(const EVP_PKEY *key);

/// "EC P-256", "Ed25519", "RSA", "RSA-PSS", …
QString keyTypeName(KeyType type);

/// keyTypeName(keyTypeOf(key)), except that a key of a kind Baton does not know gets OpenSSL's
/// name for it ("DSA", "X25519") instead of "unknown key type".
QString keyName(const EVP_PKEY *key);
/// The same for a key whose type the caller already knows (a certificate's).
QString keyName(const EVP_PKEY *key, KeyType type);

/// "EC P-256 (256 bits)", "RSA-PSS (3072 bits)": type and size, never key material.
QString describeKey(const EVP_PKEY *key);

bool isRsa(KeyType type);

} // namespace baton
