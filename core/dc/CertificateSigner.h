#pragma once

#include "common/Result.h"
#include "crypto/KeyType.h"

#include <QByteArray>
#include <QByteArrayView>
#include <openssl/types.h>
#include <optional>

namespace baton {

struct SignatureScheme;

/// A certificate's private key wherever it lives (in memory, on a PKCS#11 token), as the DC
/// issuer needs it: a public half to check against the certificate, and signatures.
class CertificateSigner
{
public:
    virtual ~CertificateSigner() = default;

    /// The public half of the signing key (its type tells which schemes it signs).
    virtual const EVP_PKEY *publicKey() const = 0;

    /// Signs `message` as a TLS 1.3 CertificateVerify with `scheme`: ECDSA signatures
    /// DER-encoded, RSA-PSS with salt length = hash length and MGF1 of the same hash, EdDSA
    /// one-shot.
    virtual Result<QByteArray> sign(const SignatureScheme &scheme,
                                    QByteArrayView message) const = 0;
};

/// A key in memory, borrowed: OpenSSL signs (signWithScheme). `keyType`, when known (the
/// certificate's, once the key is checked against it), spares signWithScheme asking OpenSSL.
class EvpSigner final : public CertificateSigner
{
public:
    explicit EvpSigner(EVP_PKEY *key, std::optional<KeyType> keyType = std::nullopt)
        : m_key(key), m_keyType(keyType)
    {}

    const EVP_PKEY *publicKey() const override { return m_key; }
    Result<QByteArray> sign(const SignatureScheme &scheme, QByteArrayView message) const override;

private:
    EVP_PKEY *m_key;
    std::optional<KeyType> m_keyType;
};

} // namespace baton
