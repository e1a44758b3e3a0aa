#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <memory>
#include <p11-kit/pkcs11.h>

struct p11_kit_uri;

namespace baton {

/// An RFC 7512 URI naming a private key on a PKCS#11 token
/// (`pkcs11:token=edge-ca;object=example-com`), parsed by p11-kit. Only what names the key is
/// accepted: a URI carrying a PIN (pin-value, pin-source) is refused, since the PIN comes from
/// a secret source and a URI is shown, logged and stored.
class Pkcs11Uri
{
public:
    /// True when `text` is meant as a URI rather than a file name.
    static bool looksLikeUri(QStringView text);

    /// Errors say what is wrong. A URI that parses is repeated in them (one carrying a PIN is
    /// refused first, without being repeated); one that does not parse never is.
    static Result<Pkcs11Uri> parse(const QString &text);

    Pkcs11Uri(Pkcs11Uri &&) noexcept;
    Pkcs11Uri &operator=(Pkcs11Uri &&) noexcept;
    ~Pkcs11Uri();

    const QString &text() const { return m_text; }
    /// The `module-path` query attribute: load this module instead of p11-kit's registry.
    QString modulePath() const;
    /// The `module-name` query attribute: of the registry's modules, only this one.
    QString moduleName() const;

    bool matchesModule(const CK_INFO &info) const;
    bool matchesSlot(CK_SLOT_ID id, const CK_SLOT_INFO &info) const;
    bool matchesToken(const CK_TOKEN_INFO &info) const;

    /// The URI's object attributes (object → CKA_LABEL, id → CKA_ID) for C_FindObjectsInit,
    /// with CKA_CLASS = CKO_PRIVATE_KEY. Points into this URI: valid while it lives.
    QList<CK_ATTRIBUTE> privateKeyTemplate() const;

private:
    Pkcs11Uri() = default;

    struct UriDeleter
    {
        void operator()(p11_kit_uri *uri) const;
    };
    std::unique_ptr<p11_kit_uri, UriDeleter> m_uri;
    QString m_text;
};

} // namespace baton
