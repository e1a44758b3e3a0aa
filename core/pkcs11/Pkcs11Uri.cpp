#include "Pkcs11Uri.h"

#include <QUrl>
#include <p11-kit/uri.h>

namespace baton {

namespace {

// Far beyond any real URI (a token label is 32 bytes, an id rarely more than 20): a bound on
// what is handed to the parser, not a style rule.
constexpr qsizetype kMaxUriLength = 4096;

// CKA_CLASS of the only objects a URI may name here; C_FindObjectsInit takes a non-const
// pointer but only reads it.
CK_OBJECT_CLASS privateKeyClass = CKO_PRIVATE_KEY;

QString uriParseError(int code)
{
    switch (code) {
    case P11_KIT_URI_BAD_SCHEME:
        return QStringLiteral("it does not start with pkcs11:");
    case P11_KIT_URI_BAD_ENCODING:
        return QStringLiteral("it has a bad %-escape or a character that must be escaped");
    case P11_KIT_URI_BAD_VERSION:
        return QStringLiteral("its library-version is malformed");
    default:
        return QStringLiteral("p11-kit cannot parse it (%1)")
            .arg(QString::fromUtf8(p11_kit_uri_message(code)));
    }
}

} // namespace

void Pkcs11Uri::UriDeleter::operator()(p11_kit_uri *uri) const
{
    p11_kit_uri_free(uri);
}

Pkcs11Uri::Pkcs11Uri(Pkcs11Uri &&) noexcept = default;
Pkcs11Uri &Pkcs11Uri::operator=(Pkcs11Uri &&) noexcept = default;
Pkcs11Uri::~Pkcs11Uri() = default;

bool Pkcs11Uri::looksLikeUri(QStringView text)
{
    return text.startsWith(QLatin1String(P11_KIT_URI_SCHEME ":"), Qt::CaseInsensitive);
}

Result<Pkcs11Uri> Pkcs11Uri::parse(const QString &text)
{
    const Error carriesPin{QStringLiteral(
        "the PKCS#11 URI carries a PIN (pin-value), so the PIN is in the command line, logs and "
        "wherever the URI is kept; remove pin-value and give the PIN with --pin (file:, env:, "
        "fd: or a prompt)")};
    // Checked on the text, %-escapes decoded, before the parser sees it.
    if (QUrl::fromPercentEncoding(text.toUtf8())
            .contains(QLatin1String("pin-value"), Qt::CaseInsensitive))
        return carriesPin;
    if (text.size() > kMaxUriLength)
        return Error{QStringLiteral("the PKCS#11 URI is %1 characters long; at most %2 are "
                                    "accepted")
                         .arg(text.size())
                         .arg(kMaxUriLength)};
    Pkcs11Uri uri;
    uri.m_text = text;
    uri.m_uri.reset(p11_kit_uri_new());
    if (!uri.m_uri)
        return Error{QStringLiteral("out of memory parsing a PKCS#11 URI")};
    const int parsed =
        p11_kit_uri_parse(text.toUtf8().constData(), P11_KIT_URI_FOR_ANY, uri.m_uri.get());
    if (parsed != P11_KIT_URI_OK)
        // Not quoted: text the parser could not take apart may hold anything, a PIN included.
        return Error{QStringLiteral("the PKCS#11 URI is not valid (RFC 7512): %1")
                         .arg(uriParseError(parsed))};
    if (p11_kit_uri_get_pin_value(uri.m_uri.get()))
        return carriesPin; // however the parser came to read one
    if (p11_kit_uri_get_pin_source(uri.m_uri.get()))
        return Error{QStringLiteral("%1 names a PIN source (pin-source); give the PIN with --pin "
                                    "instead, so that the URI alone never unlocks the token")
                         .arg(text)};
    if (p11_kit_uri_any_unrecognized(uri.m_uri.get()))
        return Error{QStringLiteral("%1 has an attribute p11-kit does not know; RFC 7512 names "
                                    "are token, manufacturer, serial, model, library-description, "
                                    "library-manufacturer, library-version, slot-description, "
                                    "slot-manufacturer, slot-id, object, id, type and, as query "
                                    "attributes, module-name and module-path")
                         .arg(text)};
    if (const CK_ATTRIBUTE *type = p11_kit_uri_get_attribute(uri.m_uri.get(), CKA_CLASS)) {
        if (type->ulValueLen != sizeof(CK_OBJECT_CLASS) ||
            *static_cast<const CK_OBJECT_CLASS *>(type->pValue) != CKO_PRIVATE_KEY)
            return Error{QStringLiteral("%1 names objects of another type than a private key; "
                                        "use type=private or leave type out")
                             .arg(text)};
    }
    return uri;
}

QString Pkcs11Uri::modulePath() const
{
    return QString::fromUtf8(p11_kit_uri_get_module_path(m_uri.get()));
}

QString Pkcs11Uri::moduleName() const
{
    return QString::fromUtf8(p11_kit_uri_get_module_name(m_uri.get()));
}

bool Pkcs11Uri::matchesModule(const CK_INFO &info) const
{
    return p11_kit_uri_match_module_info(m_uri.get(), &info) == 1;
}

bool Pkcs11Uri::matchesSlot(CK_SLOT_ID id, const CK_SLOT_INFO &info) const
{
    // slot-id is not part of CK_SLOT_INFO, so p11-kit leaves it to the caller; -1: not given.
    const CK_SLOT_ID wanted = p11_kit_uri_get_slot_id(m_uri.get());
    return (wanted == CK_SLOT_ID(-1) || wanted == id) &&
           p11_kit_uri_match_slot_info(m_uri.get(), &info) == 1;
}

bool Pkcs11Uri::matchesToken(const CK_TOKEN_INFO &info) const
{
    return p11_kit_uri_match_token_info(m_uri.get(), &info) == 1;
}

QList<CK_ATTRIBUTE> Pkcs11Uri::privateKeyTemplate() const
{
    QList<CK_ATTRIBUTE> attributes{{CKA_CLASS, &privateKeyClass, sizeof privateKeyClass}};
    for (const CK_ATTRIBUTE_TYPE type : {CKA_LABEL, CKA_ID}) {
        if (const CK_ATTRIBUTE *attribute = p11_kit_uri_get_attribute(m_uri.get(), type))
            attributes << *attribute;
    }
    return attributes;
}

} // namespace baton
