#include "SignatureScheme.h"

#include "crypto/OpenSsl.h"

#include <array>
#include <cstring>
#include <iterator>
#include <openssl/rsa.h>
#include <utility>

namespace baton {

namespace {

using P = SignatureScheme::Padding;

// clang-format off
constexpr SignatureScheme kSchemes[] = {
    // code   IANA name                 key              digest    padding   dcKey  certSig firefox
    {0x0403, "ecdsa_secp256r1_sha256", KeyType::EcP256,  "SHA256", P::None,  true,  true,  true},
    {0x0503, "ecdsa_secp384r1_sha384", KeyType::EcP384,  "SHA384", P::None,  true,  true,  true},
    {0x0603, "ecdsa_secp521r1_sha512", KeyType::EcP521,  "SHA512", P::None,  true,  true,  true},
    {0x0807, "ed25519",                KeyType::Ed25519, nullptr,  P::None,  true,  true,  false},
    {0x0808, "ed448",                  KeyType::Ed448,   nullptr,  P::None,  true,  true,  false},
    // rsae: the certificate may sign with it; a DC key never may (RFC 9345 §4).
    {0x0804, "rsa_pss_rsae_sha256",    KeyType::Rsa,     "SHA256", P::Pss,   false, true,  false},
    {0x0805, "rsa_pss_rsae_sha384",    KeyType::Rsa,     "SHA384", P::Pss,   false, true,  false},
    {0x0806, "rsa_pss_rsae_sha512",    KeyType::Rsa,     "SHA512", P::Pss,   false, true,  false},
    {0x0809, "rsa_pss_pss_sha256",     KeyType::RsaPss,  "SHA256", P::Pss,   true,  true,  false},
    {0x080a, "rsa_pss_pss_sha384",     KeyType::RsaPss,  "SHA384", P::Pss,   true,  true,  false},
    {0x080b, "rsa_pss_pss_sha512",     KeyType::RsaPss,  "SHA512", P::Pss,   true,  true,  false},
    // Known only so they can be named when rejected: never valid in TLS 1.3 signatures.
    {0x0401, "rsa_pkcs1_sha256",       KeyType::Rsa,     "SHA256", P::Pkcs1, false, false, false},
    {0x0501, "rsa_pkcs1_sha384",       KeyType::Rsa,     "SHA384", P::Pkcs1, false, false, false},
    {0x0601, "rsa_pkcs1_sha512",       KeyType::Rsa,     "SHA512", P::Pkcs1, false, false, false},
    {0x0201, "rsa_pkcs1_sha1",         KeyType::Rsa,     "SHA1",   P::Pkcs1, false, false, false},
    {0x0203, "ecdsa_sha1",             KeyType::Unknown, "SHA1",   P::None,  false, false, false},
};
// clang-format on

/// The scheme's digest, fetched once for the life of the process. Given by name instead, each
/// EVP_DigestSignInit/EVP_DigestVerifyInit fetches it again (the provider's own fetch aside).
const EVP_MD *fetchedDigest(const char *name)
{
    using EvpMdPtr = OpenSslPtr<EVP_MD, EVP_MD_free>;
    static const std::pair<const char *, EvpMdPtr> kDigests[] = {
        {"SHA256", EvpMdPtr(EVP_MD_fetch(nullptr, "SHA256", nullptr))},
        {"SHA384", EvpMdPtr(EVP_MD_fetch(nullptr, "SHA384", nullptr))},
        {"SHA512", EvpMdPtr(EVP_MD_fetch(nullptr, "SHA512", nullptr))},
    };
    for (const auto &[digestName, digest] : kDigests) {
        if (std::strcmp(digestName, name) == 0)
            return digest.get();
    }
    return nullptr;
}

Result<EvpMdCtxPtr> makeContext(EVP_PKEY *key, std::optional<KeyType> keyType,
                                const SignatureScheme &scheme, bool forSigning)
{
    const QString purpose = forSigning ? QStringLiteral("sign") : QStringLiteral("verify");
    if (scheme.padding == P::Pkcs1 || scheme.keyType == KeyType::Unknown)
        return Error{
            QStringLiteral("%1 is not a TLS 1.3 signature scheme").arg(scheme.displayName())};
    if ((keyType ? *keyType : keyTypeOf(key)) != scheme.keyType)
        return Error{
            QStringLiteral("cannot %1 with %2: it needs key type %3, not %4")
                .arg(purpose, scheme.displayName(), keyTypeName(scheme.keyType), describeKey(key))};
    const EVP_MD *digest = scheme.digest ? fetchedDigest(scheme.digest) : nullptr;
    if (scheme.digest && !digest)
        return openSslError(QStringLiteral("no %1 digest").arg(QLatin1String(scheme.digest)));
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    // One signature per context: without this flag, finishing one first copies the whole
    // signature context so that it could go on (OpenSSL 3's EVP_PKEY_CTX_dup, per call).
    if (ctx)
        EVP_MD_CTX_set_flags(ctx.get(), EVP_MD_CTX_FLAG_FINALISE);
    EVP_PKEY_CTX *pctx = nullptr;
    const int initialized =
        ctx ? (forSigning ? EVP_DigestSignInit(ctx.get(), &pctx, digest, nullptr, key)
                          : EVP_DigestVerifyInit(ctx.get(), &pctx, digest, nullptr, key))
            : 0;
    if (initialized != 1)
        return openSslError(QStringLiteral("cannot %1 with %2").arg(purpose, scheme.displayName()));
    if (scheme.padding == P::Pss &&
        (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
         EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, scheme.digest, nullptr) != 1))
        return openSslError(
            QStringLiteral("cannot set up RSA-PSS for %1").arg(scheme.displayName()));
    return ctx;
}

} // namespace

QString SignatureScheme::displayName() const
{
    const auto format = [](const SignatureScheme &scheme) {
        return QStringLiteral("%1 (0x%2)")
            .arg(QLatin1String(scheme.name))
            .arg(scheme.code, 4, 16, QLatin1Char('0'));
    };
    // The table's names are formatted once: every DC issued or verified names its schemes.
    static const auto kNames = [&format] {
        std::array<QString, std::size(kSchemes)> names;
        for (size_t i = 0; i < std::size(kSchemes); ++i)
            names[i] = format(kSchemes[i]);
        return names;
    }();
    for (size_t i = 0; i < std::size(kSchemes); ++i) {
        if (&kSchemes[i] == this)
            return kNames[i];
    }
    return format(*this);
}

std::span<const SignatureScheme> signatureSchemes()
{
    return kSchemes;
}

const SignatureScheme *signatureSchemeByCode(quint16 code)
{
    for (const SignatureScheme &scheme : kSchemes) {
        if (scheme.code == code)
            return &scheme;
    }
    return nullptr;
}

const SignatureScheme *signatureSchemeByName(QStringView name)
{
    for (const SignatureScheme &scheme : kSchemes) {
        if (name.compare(QLatin1String(scheme.name), Qt::CaseInsensitive) == 0)
            return &scheme;
    }
    return nullptr;
}

QString signatureSchemeDisplayName(quint16 code)
{
    if (const SignatureScheme *scheme = signatureSchemeByCode(code))
        return scheme->displayName();
    return QStringLiteral("unknown (0x%1)").arg(code, 4, 16, QLatin1Char('0'));
}

const SignatureScheme *dcSchemeForKey(KeyType type)
{
    for (const SignatureScheme &scheme : kSchemes) {
        if (scheme.dcKeyAllowed && scheme.keyType == type)
            return &scheme; // the table lists the SHA-256 RSA-PSS variant first
    }
    return nullptr;
}

const SignatureScheme *certificateSchemeForKey(KeyType type)
{
    for (const SignatureScheme &scheme : kSchemes) {
        if (scheme.certSignatureAllowed && scheme.keyType == type)
            return &scheme;
    }
    return nullptr;
}

Result<QByteArray> signWithScheme(EVP_PKEY *key, const SignatureScheme &scheme,
                                  QByteArrayView message, std::optional<KeyType> keyType)
{
    auto ctx = makeContext(key, keyType, scheme, true);
    if (!ctx)
        return ctx.error();
    const auto *data = reinterpret_cast<const unsigned char *>(message.data());
    size_t length = 0;
    if (EVP_DigestSign(ctx->get(), nullptr, &length, data, size_t(message.size())) != 1)
        return openSslError(QStringLiteral("signing with %1 failed").arg(scheme.displayName()));
    QByteArray signature(qsizetype(length), Qt::Uninitialized);
    if (EVP_DigestSign(ctx->get(), reinterpret_cast<unsigned char *>(signature.data()), &length,
                       data, size_t(message.size())) != 1)
        return openSslError(QStringLiteral("signing with %1 failed").arg(scheme.displayName()));
    signature.resize(qsizetype(length)); // ECDSA DER signatures vary in length
    return signature;
}

Result<bool> verifyWithScheme(EVP_PKEY *key, const SignatureScheme &scheme, QByteArrayView message,
                              QByteArrayView signature, std::optional<KeyType> keyType)
{
    auto ctx = makeContext(key, keyType, scheme, false);
    if (!ctx)
        return ctx.error();
    const int verdict = EVP_DigestVerify(
        ctx->get(), reinterpret_cast<const unsigned char *>(signature.data()),
        size_t(signature.size()), reinterpret_cast<const unsigned char *>(message.data()),
        size_t(message.size()));
    // A bad or malformed signature leaves reasons on the queue; they are the verdict, not news.
    if (verdict != 1)
        discardOpenSslErrors();
    return verdict == 1;
}

} // namespace baton
