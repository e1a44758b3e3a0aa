#pragma once

#include "pkcs11/TokenKey.h"

#include <QString>
#include <map>

namespace baton {

class Certificate;

/// The token keys of one run over many certificates (a rotation): each URI opened once and
/// kept for the certificates after it, each token's PIN asked for once. What failed is not
/// tried again in the run: a URI that found no key fails the same way for the next policy, and
/// a PIN a token refused is never offered to it again, since tokens lock after a few wrong
/// PINs.
class TokenKeyCache
{
public:
    /// `pin` may be empty: then a token that needs a PIN cannot be used.
    explicit TokenKeyCache(TokenKey::PinSource pin) : m_pin(std::move(pin)) {}
    TokenKeyCache(const TokenKeyCache &) = delete;
    TokenKeyCache &operator=(const TokenKeyCache &) = delete;

    /// The signer for the key `uri` names; the certificate's public key stands in for the
    /// key's public half when the token has no public key object (TokenKey::open). Whether it
    /// is the certificate's key is the issuer's to check, as for any key.
    Result<const CertificateSigner *> signerFor(const QString &uri, const Certificate &certificate);

private:
    Result<SecretBytes> pinFor(const QString &token);

    struct TokenPin
    {
        SecretBytes pin;
        bool known = false;
        bool refused = false;
    };
    TokenKey::PinSource m_pin;
    std::map<QString, Result<TokenKey>> m_keys;
    std::map<QString, TokenPin> m_pins;
    QString m_asked; ///< the token whose PIN the open in progress asked for
};

} // namespace baton
