#pragma once

#include "common/Result.h"
#include "crypto/KeyType.h"

#include <QByteArrayView>
#include <QString>
#include <openssl/types.h>
#include <optional>
#include <span>

namespace baton {

/// One TLS SignatureScheme (IANA registry), with what RFC 9345 and the shipping clients allow
/// of it. The one table every part of Baton consults: codec, issuer, verifier, CLI names.
struct SignatureScheme
{
    enum class Padding
    {
        None,  ///< ECDSA, EdDSA
        Pss,   ///< salt length = hash length, MGF1 with the same hash (TLS 1.3)
        Pkcs1, ///< legacy, never allowed in a DC
    };

    quint16 code;
    const char *name;   ///< IANA name, e.g. "ecdsa_secp256r1_sha256"
    KeyType keyType;    ///< the key the scheme needs (TLS 1.3 binds ECDSA to its curve)
    const char *digest; ///< OpenSSL digest name; nullptr for EdDSA (one-shot, no prehash)
    Padding padding;
    bool dcKeyAllowed;         ///< may be a DC's dc_cert_verify_algorithm
    bool certSignatureAllowed; ///< may be a DC's algorithm (a TLS 1.3 CertificateVerify)
    bool firefoxAcceptsDc;     ///< Firefox offers it for DCs (ECDSA only)

    QString displayName() const;
};

std::span<const SignatureScheme> signatureSchemes();
const SignatureScheme *signatureSchemeByCode(quint16 code);
const SignatureScheme *signatureSchemeByName(QStringView name);

/// "ecdsa_secp256r1_sha256 (0x0403)", or "unknown (0x1234)".
QString signatureSchemeDisplayName(quint16 code);

/// The scheme a DC key of this type signs CertificateVerify with (dc_cert_verify_algorithm),
/// or nullptr when RFC 9345 forbids the key as a DC key (rsaEncryption) or TLS 1.3 has none.
const SignatureScheme *dcSchemeForKey(KeyType type);

/// The scheme a certificate key of this type signs a DC with (the DC's algorithm).
const SignatureScheme *certificateSchemeForKey(KeyType type);

/// Signs exactly as a TLS 1.3 CertificateVerify: ECDSA signatures DER-encoded, RSA-PSS with
/// salt length = hash length, EdDSA one-shot. `keyType`, when the caller knows it (a
/// certificate's, read once), spares asking OpenSSL, which costs microseconds for an EC key.
Result<QByteArray> signWithScheme(EVP_PKEY *key, const SignatureScheme &scheme,
                                  QByteArrayView message,
                                  std::optional<KeyType> keyType = std::nullopt);

/// True for a good signature, false for a bad one; an Error only when the key cannot be used
/// with the scheme at all. `keyType` as for signWithScheme.
Result<bool> verifyWithScheme(EVP_PKEY *key, const SignatureScheme &scheme, QByteArrayView message,
                              QByteArrayView signature,
                              std::optional<KeyType> keyType = std::nullopt);

} // namespace baton
