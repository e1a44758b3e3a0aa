#pragma once

#include "crypto/OpenSsl.h"
#include "dc/CertificateSigner.h"

#include <QString>
#include <functional>
#include <memory>

namespace baton {

/// A certificate's private key on a PKCS#11 token, named by an RFC 7512 URI: found, logged in
/// to and signed with on the token, which it never leaves. Modules are loaded through p11-kit
/// and finalized, and the session closed, when the TokenKey goes. One signature at a time.
class TokenKey final : public CertificateSigner
{
public:
    /// Asked for the user PIN of the token the key is on (its label is passed, for a prompt),
    /// only once the key's token is known and only if it needs a login without a PIN pad.
    using PinSource = std::function<Result<SecretBytes>(const QString &tokenLabel)>;

    /// Finds the one private key the URI names on the one token it matches. The key's public
    /// half comes from the token's public key object with the same CKA_ID or, when the token
    /// has none, from `certificateKey` (the certificate's public key, may be null); either way
    /// every signature is verified under it before it is returned.
    static Result<TokenKey> open(const QString &uri, const PinSource &pin,
                                 const EVP_PKEY *certificateKey = nullptr);

    /// The label of the one token the URI matches, found without logging in: whether the
    /// token holding a key is reachable now (plugged in, its module loadable), for readiness.
    static Result<QString> findToken(const QString &uri);

    TokenKey(TokenKey &&other) noexcept;
    TokenKey &operator=(TokenKey &&other) noexcept;
    ~TokenKey() override;

    const EVP_PKEY *publicKey() const override;
    /// CKM_ECDSA over the hash computed here, the token's r||s turned into DER; CKM_EDDSA over
    /// the message; CKM_RSA_PKCS_PSS over the hash with MGF1 of the same hash and salt length
    /// = hash length.
    Result<QByteArray> sign(const SignatureScheme &scheme, QByteArrayView message) const override;

    /// "key 'example-com' on token 'edge-ca'": for messages (never a PIN, never key material).
    QString description() const;
    /// The label of the token the key is on.
    QString token() const;

    /// Proves the key is the one `certificateKey` is the public half of, before a workspace
    /// records it as such: the public halves are equal, and a signature made on the token
    /// verifies under the certificate's key.
    Status checkIsKeyOf(const EVP_PKEY *certificateKey) const;

private:
    struct Parts;
    explicit TokenKey(std::unique_ptr<Parts> parts);

    std::unique_ptr<Parts> m_parts;
};

} // namespace baton
