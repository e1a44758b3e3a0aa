#include "TokenKeyCache.h"

#include "Pkcs11Session.h"
#include "x509/Certificate.h"

namespace baton {

Result<const CertificateSigner *> TokenKeyCache::signerFor(const QString &uri,
                                                           const Certificate &certificate)
{
    auto found = m_keys.find(uri);
    if (found == m_keys.end()) {
        m_asked.clear();
        auto opened = TokenKey::open(
            uri, [this](const QString &token) { return pinFor(token); }, certificate.publicKey());
        if (!opened && !m_asked.isEmpty() &&
            opened.errorMessage().contains(QLatin1String(kTokenLoginFailed)))
            m_pins[m_asked].refused = true;
        found = m_keys.try_emplace(uri, std::move(opened)).first;
    }
    if (!found->second)
        return found->second.error();
    const TokenKey &key = *found->second;
    if (EVP_PKEY_eq(key.publicKey(), certificate.publicKey()) != 1)
        return Error{
            QStringLiteral("%1: the %2 is not the certificate's key").arg(uri, key.description())};
    return &key;
}

Result<SecretBytes> TokenKeyCache::pinFor(const QString &token)
{
    TokenPin &entry = m_pins[token];
    if (entry.refused)
        return Error{QStringLiteral("token '%1' refused its PIN earlier in this run; it is not "
                                    "tried again, since a token locks after a few wrong PINs")
                         .arg(token)};
    if (!entry.known) {
        if (!m_pin)
            return Error{
                QStringLiteral("token '%1' needs its user PIN, and none was given").arg(token)};
        auto read = m_pin(token);
        if (!read)
            return read.error();
        entry.pin = std::move(read).value();
        entry.known = true;
    }
    m_asked = token;
    return SecretBytes(entry.pin.bytes());
}

} // namespace baton
