#include "TokenKey.h"

#include "Pkcs11Error.h"
#include "Pkcs11Modules.h"
#include "Pkcs11Session.h"
#include "Pkcs11Uri.h"
#include "crypto/KeyCodec.h"
#include "crypto/KeyType.h"
#include "tls/SignatureScheme.h"

#include <QStringList>
#include <cstring>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>

namespace baton {

namespace {

// Bounds on what a module reports. Objects: enough to name the candidates in an error.
// Attributes: a 16384-bit RSA modulus, a P-521 point in its DER wrapping, an OID, a label.
constexpr int kMaxListedObjects = 8;
constexpr qsizetype kMaxModulusBytes = 2048;
constexpr qsizetype kMaxExponentBytes = 16;
constexpr qsizetype kMaxEcPointBytes = 160;
constexpr qsizetype kMaxEcParamsBytes = 64;
constexpr qsizetype kMaxLabelBytes = 256;

using BignumPtr = OpenSslPtr<BIGNUM, BN_free>;
using EcdsaSigPtr = OpenSslPtr<ECDSA_SIG, ECDSA_SIG_free>;
using OctetStringPtr = OpenSslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using ParamBldPtr = OpenSslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamsPtr = OpenSslPtr<OSSL_PARAM, OSSL_PARAM_free>;

struct TokenSlot
{
    CK_FUNCTION_LIST *module;
    CK_SLOT_ID slot;
    CK_TOKEN_INFO info;
};

QString tokenLabel(const CK_TOKEN_INFO &info)
{
    return pkcs11Text(info.label, sizeof info.label);
}

QString quotedList(const QStringList &items)
{
    return items.isEmpty() ? QStringLiteral("none") : items.join(QStringLiteral(", "));
}

/// Every token the URI matches, in every module it matches; `seen` gets the labels of all.
Result<QList<TokenSlot>> matchingTokens(const Pkcs11Modules &modules, const Pkcs11Uri &uri,
                                        QStringList *seen)
{
    QList<TokenSlot> matches;
    for (CK_FUNCTION_LIST *module : modules.modules()) {
        CK_INFO moduleInfo{};
        if (const CK_RV rv = module->C_GetInfo(&moduleInfo); rv != CKR_OK)
            return pkcs11Error(QStringLiteral("cannot ask a PKCS#11 module what it is"), rv);
        auto slotIds = Pkcs11Modules::slotsWithToken(module);
        if (!slotIds)
            return slotIds.error();
        for (const CK_SLOT_ID slot : *slotIds) {
            CK_SLOT_INFO slotInfo{};
            CK_TOKEN_INFO tokenInfo{};
            // A token pulled out between the calls is no longer there to match, and one never
            // initialized (SoftHSM always offers one) holds no key.
            if (module->C_GetSlotInfo(slot, &slotInfo) != CKR_OK ||
                module->C_GetTokenInfo(slot, &tokenInfo) != CKR_OK ||
                !(tokenInfo.flags & CKF_TOKEN_INITIALIZED))
                continue;
            *seen << QStringLiteral("'%1'").arg(tokenLabel(tokenInfo));
            if (uri.matchesModule(moduleInfo) && uri.matchesSlot(slot, slotInfo) &&
                uri.matchesToken(tokenInfo))
                matches << TokenSlot{module, slot, tokenInfo};
        }
    }
    return matches;
}

/// The one token the URI matches: an error says which tokens there were, or which matched.
Result<TokenSlot> oneMatchingToken(const Pkcs11Modules &modules, const Pkcs11Uri &uri)
{
    QStringList seen;
    auto tokens = matchingTokens(modules, uri, &seen);
    if (!tokens)
        return withContext<TokenSlot>(tokens.error(), uri.text());
    if (tokens->isEmpty())
        return Error{QStringLiteral("%1: no token matches it (tokens present: %2; modules: %3)")
                         .arg(uri.text(), quotedList(seen), modules.describe())};
    if (tokens->size() > 1) {
        QStringList labels;
        for (const TokenSlot &token : *tokens)
            labels << QStringLiteral("'%1' (serial %2)")
                          .arg(tokenLabel(token.info),
                               pkcs11Text(token.info.serialNumber, sizeof token.info.serialNumber));
        // A PIN is only ever tried on one token: a wrong one counts against each token tried.
        return Error{QStringLiteral("%1 matches %2 tokens: %3; add token= or serial= so that it "
                                    "names one")
                         .arg(uri.text())
                         .arg(tokens->size())
                         .arg(labels.join(QStringLiteral(", ")))};
    }
    return tokens->first();
}

/// "'example-com' (id 01ab)": how a key is told apart in a message.
QString describeObject(const Pkcs11Session &session, CK_OBJECT_HANDLE object)
{
    const auto label = session.attribute(object, CKA_LABEL, kMaxLabelBytes);
    const auto id = session.attribute(object, CKA_ID, kMaxLabelBytes);
    QString text =
        QStringLiteral("'%1'").arg(label && *label ? QString::fromUtf8(**label) : QString());
    if (id && *id && !(*id)->isEmpty())
        text += QStringLiteral(" (id %1)").arg(QString::fromLatin1((*id)->toHex()));
    return text;
}

Result<QStringList> describeObjects(const Pkcs11Session &session, CK_OBJECT_CLASS objectClass)
{
    auto found =
        session.findObjects({{CKA_CLASS, &objectClass, sizeof objectClass}}, kMaxListedObjects);
    if (!found)
        return found.error();
    QStringList names;
    for (const CK_OBJECT_HANDLE object : *found)
        names << describeObject(session, object);
    return names;
}

/// A CKA_EC_POINT: DER OCTET STRING as PKCS#11 specifies, or the raw point some modules give.
Result<QByteArray> ecPoint(const QByteArray &attribute, qsizetype rawSize)
{
    if (attribute.size() == rawSize)
        return attribute;
    const auto *p = reinterpret_cast<const unsigned char *>(attribute.constData());
    OctetStringPtr wrapped(d2i_ASN1_OCTET_STRING(nullptr, &p, long(attribute.size())));
    if (!wrapped ||
        p != reinterpret_cast<const unsigned char *>(attribute.constData()) + attribute.size() ||
        ASN1_STRING_length(wrapped.get()) != rawSize) {
        discardOpenSslErrors();
        return Error{QStringLiteral("the token's CKA_EC_POINT is neither a %1-byte point nor a "
                                    "DER OCTET STRING holding one")
                         .arg(rawSize)};
    }
    return QByteArray(reinterpret_cast<const char *>(ASN1_STRING_get0_data(wrapped.get())),
                      rawSize);
}

/// The curve a CKA_EC_PARAMS names: an OID (or, for Ed25519, the PrintableString
/// "edwards25519" PKCS#11 3.0 also allows), as an OpenSSL NID.
Result<int> curveOf(const QByteArray &ecParams)
{
    if (ecParams == QByteArrayLiteral("\x13\x0c"
                                      "edwards25519"))
        return NID_ED25519;
    const auto *p = reinterpret_cast<const unsigned char *>(ecParams.constData());
    Asn1ObjectPtr oid(d2i_ASN1_OBJECT(nullptr, &p, long(ecParams.size())));
    const bool whole =
        p == reinterpret_cast<const unsigned char *>(ecParams.constData()) + ecParams.size();
    const int nid = oid && whole ? OBJ_obj2nid(oid.get()) : NID_undef;
    discardOpenSslErrors();
    switch (nid) {
    case NID_X9_62_prime256v1:
    case NID_secp384r1:
    case NID_secp521r1:
    case NID_ED25519:
        return nid;
    default:
        return Error{QStringLiteral("the key's curve (CKA_EC_PARAMS %1) is none of P-256, P-384, "
                                    "P-521 or Ed25519, so it cannot sign a DC")
                         .arg(QString::fromLatin1(ecParams.toHex()))};
    }
}

Result<EvpPkeyPtr> fromParams(const char *keyType, OSSL_PARAM_BLD *builder)
{
    ParamsPtr params(OSSL_PARAM_BLD_to_param(builder));
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, keyType, nullptr));
    EVP_PKEY *key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return openSslError(
            QStringLiteral("the token's %1 public key is not valid").arg(QLatin1String(keyType)));
    return EvpPkeyPtr(key);
}

Result<QByteArray> requiredAttribute(const Pkcs11Session &session, CK_OBJECT_HANDLE object,
                                     CK_ATTRIBUTE_TYPE type, const char *name, qsizetype max)
{
    auto value = session.attribute(object, type, max);
    if (!value)
        return value.error();
    if (!*value || (*value)->isEmpty())
        return Error{
            QStringLiteral("the token's public key object has no %1").arg(QLatin1String(name))};
    return std::move(**value);
}

/// The public key a CKO_PUBLIC_KEY object holds.
Result<EvpPkeyPtr> readPublicKey(const Pkcs11Session &session, CK_OBJECT_HANDLE object,
                                 CK_KEY_TYPE keyType)
{
    if (keyType == CKK_RSA) {
        auto modulus =
            requiredAttribute(session, object, CKA_MODULUS, "CKA_MODULUS", kMaxModulusBytes);
        auto exponent = requiredAttribute(session, object, CKA_PUBLIC_EXPONENT,
                                          "CKA_PUBLIC_EXPONENT", kMaxExponentBytes);
        if (!modulus)
            return modulus.error();
        if (!exponent)
            return exponent.error();
        const auto bignum = [](const QByteArray &bytes) {
            return BignumPtr(BN_bin2bn(reinterpret_cast<const unsigned char *>(bytes.constData()),
                                       int(bytes.size()), nullptr));
        };
        const BignumPtr n = bignum(*modulus);
        const BignumPtr e = bignum(*exponent);
        ParamBldPtr builder(OSSL_PARAM_BLD_new());
        if (!n || !e || !builder ||
            !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
            !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()))
            return openSslError(QStringLiteral("cannot read the token's RSA public key"));
        return fromParams("RSA", builder.get());
    }
    auto params =
        requiredAttribute(session, object, CKA_EC_PARAMS, "CKA_EC_PARAMS", kMaxEcParamsBytes);
    if (!params)
        return params.error();
    auto curve = curveOf(*params);
    if (!curve)
        return curve.error();
    auto point = requiredAttribute(session, object, CKA_EC_POINT, "CKA_EC_POINT", kMaxEcPointBytes);
    if (!point)
        return point.error();
    if (*curve == NID_ED25519) {
        auto raw = ecPoint(*point, 32);
        if (!raw)
            return raw.error();
        EVP_PKEY *key = EVP_PKEY_new_raw_public_key_ex(
            nullptr, "ED25519", nullptr, reinterpret_cast<const unsigned char *>(raw->constData()),
            size_t(raw->size()));
        if (!key)
            return openSslError(QStringLiteral("the token's Ed25519 public key is not valid"));
        return EvpPkeyPtr(key);
    }
    const qsizetype fieldBytes = *curve == NID_X9_62_prime256v1 ? 32
                                 : *curve == NID_secp384r1      ? 48
                                                                : 66;
    auto raw = ecPoint(*point, 1 + 2 * fieldBytes); // uncompressed: 04 | x | y
    if (!raw)
        return raw.error();
    ParamBldPtr builder(OSSL_PARAM_BLD_new());
    if (!builder ||
        !OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                         OBJ_nid2sn(*curve), 0) ||
        !OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, raw->constData(),
                                          size_t(raw->size())))
        return openSslError(QStringLiteral("cannot read the token's EC public key"));
    return fromParams("EC", builder.get());
}

/// PKCS#11's names for the hash a scheme uses, for CK_RSA_PKCS_PSS_PARAMS.
struct PssHash
{
    const char *digest;
    CK_MECHANISM_TYPE hash;
    CK_RSA_PKCS_MGF_TYPE mgf;
};
constexpr PssHash kPssHashes[] = {
    {"SHA256", CKM_SHA256, CKG_MGF1_SHA256},
    {"SHA384", CKM_SHA384, CKG_MGF1_SHA384},
    {"SHA512", CKM_SHA512, CKG_MGF1_SHA512},
};

const PssHash *pssHashFor(const SignatureScheme &scheme)
{
    for (const PssHash &hash : kPssHashes) {
        if (qstrcmp(hash.digest, scheme.digest) == 0)
            return &hash;
    }
    return nullptr;
}

Result<QByteArray> digestOf(const SignatureScheme &scheme, QByteArrayView message)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    size_t length = 0;
    if (EVP_Q_digest(nullptr, scheme.digest, nullptr, message.data(), size_t(message.size()),
                     digest, &length) != 1)
        return openSslError(QStringLiteral("cannot hash for %1").arg(scheme.displayName()));
    return QByteArray(reinterpret_cast<const char *>(digest), qsizetype(length));
}

/// PKCS#11 gives an ECDSA signature as r | s, each as wide as the field; TLS wants the
/// DER ECDSA-Sig-Value.
Result<QByteArray> ecdsaDer(const QByteArray &raw)
{
    const qsizetype half = raw.size() / 2;
    const auto *bytes = reinterpret_cast<const unsigned char *>(raw.constData());
    BignumPtr r(BN_bin2bn(bytes, int(half), nullptr));
    BignumPtr s(BN_bin2bn(bytes + half, int(half), nullptr));
    EcdsaSigPtr signature(ECDSA_SIG_new());
    if (!r || !s || !signature || ECDSA_SIG_set0(signature.get(), r.get(), s.get()) != 1)
        return openSslError(QStringLiteral("cannot encode the token's ECDSA signature"));
    (void)r.release(); // owned by the signature now
    (void)s.release();
    const int length = i2d_ECDSA_SIG(signature.get(), nullptr);
    QByteArray der(length > 0 ? length : 0, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(der.data());
    if (length <= 0 || i2d_ECDSA_SIG(signature.get(), &out) != length)
        return openSslError(QStringLiteral("cannot encode the token's ECDSA signature"));
    return der;
}

/// C_Login as the user when the token asks for it, the PIN asked for only then.
Status logIn(Pkcs11Session &session, const TokenSlot &token, const TokenKey::PinSource &pin)
{
    if (!(token.info.flags & CKF_LOGIN_REQUIRED))
        return {};
    if (token.info.flags & CKF_PROTECTED_AUTHENTICATION_PATH)
        return session.login(CKU_USER, {}); // the reader's PIN pad asks
    if (!pin)
        return Error{QStringLiteral("the token needs its user PIN")};
    auto secret = pin(tokenLabel(token.info));
    if (!secret)
        return secret.error();
    return session.login(CKU_USER, secret->bytes());
}

/// The one private key the URI names on the token; an error lists what was found instead.
Result<CK_OBJECT_HANDLE> findOnePrivateKey(const Pkcs11Session &session, const Pkcs11Uri &uri)
{
    auto keys = session.findObjects(uri.privateKeyTemplate(), kMaxListedObjects);
    if (!keys)
        return keys.error();
    if (keys->size() == 1)
        return keys->first();
    if (keys->isEmpty()) {
        auto present = describeObjects(session, CKO_PRIVATE_KEY);
        if (!present)
            return present.error();
        return Error{QStringLiteral("no private key matches (private keys on the token: %1)")
                         .arg(quotedList(*present))};
    }
    QStringList names;
    for (const CK_OBJECT_HANDLE key : *keys)
        names << describeObject(session, key);
    return Error{
        QStringLiteral("%1%2 private keys match: %3; add id= or a distinct object= so that it "
                       "names one")
            .arg(keys->size() == kMaxListedObjects ? QStringLiteral("at least ") : QString())
            .arg(keys->size())
            .arg(names.join(QStringLiteral(", ")))};
}

/// The key's CKA_KEY_TYPE, if it is one that can sign a DC.
Result<CK_KEY_TYPE> signingKeyType(const Pkcs11Session &session, CK_OBJECT_HANDLE key)
{
    auto bytes = session.attribute(key, CKA_KEY_TYPE, sizeof(CK_KEY_TYPE));
    if (!bytes)
        return bytes.error();
    if (!*bytes || (*bytes)->size() != qsizetype(sizeof(CK_KEY_TYPE)))
        return Error{QStringLiteral("the private key has no CKA_KEY_TYPE")};
    CK_KEY_TYPE keyType = 0;
    std::memcpy(&keyType, (*bytes)->constData(), sizeof keyType);
    if (keyType != CKK_EC && keyType != CKK_RSA && keyType != CKK_EC_EDWARDS)
        return Error{QStringLiteral("the private key is of PKCS#11 key type 0x%1; only EC, "
                                    "Edwards-curve and RSA keys can sign DCs")
                         .arg(qulonglong(keyType), 0, 16)};
    return keyType;
}

/// The key's public half: the public key object paired with it by CKA_ID, as PKCS#11 tools
/// create them; a key imported alone has none, and then the certificate's key stands in.
Result<EvpPkeyPtr> publicHalf(const Pkcs11Session &session, CK_OBJECT_HANDLE key,
                              CK_KEY_TYPE keyType, const EVP_PKEY *certificateKey)
{
    auto keyId = session.attribute(key, CKA_ID, kMaxLabelBytes);
    if (!keyId)
        return keyId.error();
    if (*keyId && !(*keyId)->isEmpty()) {
        CK_OBJECT_CLASS publicClass = CKO_PUBLIC_KEY;
        auto publicObjects =
            session.findObjects({{CKA_CLASS, &publicClass, sizeof publicClass},
                                 {CKA_KEY_TYPE, &keyType, sizeof keyType},
                                 {CKA_ID, (*keyId)->data(), CK_ULONG((*keyId)->size())}},
                                2);
        if (!publicObjects)
            return publicObjects.error();
        if (publicObjects->size() == 1)
            return readPublicKey(session, publicObjects->first(), keyType);
    }
    if (!certificateKey)
        return Error{QStringLiteral("no public key object with the key's CKA_ID is on the "
                                    "token, and no certificate was given to take the public key "
                                    "from")};
    EVP_PKEY_up_ref(const_cast<EVP_PKEY *>(certificateKey));
    return EvpPkeyPtr(const_cast<EVP_PKEY *>(certificateKey));
}
} // namespace

struct TokenKey::Parts
{
    // Declared before the session: members go in reverse order, and the session must be
    // closed before its module is finalized.
    Pkcs11Modules modules;
    Pkcs11Session session;
    CK_OBJECT_HANDLE key;
    CK_KEY_TYPE keyType;
    EvpPkeyPtr publicKey;
    QString description;
    QString tokenLabel;
};

TokenKey::TokenKey(std::unique_ptr<Parts> parts) : m_parts(std::move(parts)) {}
TokenKey::TokenKey(TokenKey &&other) noexcept = default;
TokenKey &TokenKey::operator=(TokenKey &&other) noexcept = default;
TokenKey::~TokenKey() = default;

const EVP_PKEY *TokenKey::publicKey() const
{
    return m_parts->publicKey.get();
}

QString TokenKey::description() const
{
    return m_parts->description;
}

QString TokenKey::token() const
{
    return m_parts->tokenLabel;
}

Status TokenKey::checkIsKeyOf(const EVP_PKEY *certificateKey) const
{
    if (!samePublicKey(publicKey(), certificateKey))
        return Error{
            QStringLiteral("the %1 is not the certificate's key (the token's is %2, the "
                           "certificate's %3)")
                .arg(description(), describeKey(publicKey()), describeKey(certificateKey))};
    const SignatureScheme *scheme = certificateSchemeForKey(keyTypeOf(certificateKey));
    if (!scheme)
        return Error{QStringLiteral("the certificate's key (%1) cannot sign a DC")
                         .arg(describeKey(certificateKey))};
    // sign() verifies what the token made under the key's public half, now known to be the
    // certificate's: a public key object that does not match its private key fails here.
    auto signature = sign(*scheme, QByteArrayView("Baton: is this the certificate's key?"));
    if (!signature)
        return signature.error();
    return {};
}

Result<QString> TokenKey::findToken(const QString &uriText)
{
    auto uri = Pkcs11Uri::parse(uriText);
    if (!uri)
        return uri.error();
    auto modules = Pkcs11Modules::forUri(*uri);
    if (!modules)
        return withContext<QString>(modules.error(), uriText);
    auto token = oneMatchingToken(*modules, *uri);
    if (!token)
        return token.error();
    return tokenLabel(token->info);
}

Result<TokenKey> TokenKey::open(const QString &uriText, const PinSource &pin,
                                const EVP_PKEY *certificateKey)
{
    auto uri = Pkcs11Uri::parse(uriText);
    if (!uri)
        return uri.error();
    auto modules = Pkcs11Modules::forUri(*uri);
    if (!modules)
        return withContext<TokenKey>(modules.error(), uriText);
    auto found = oneMatchingToken(*modules, *uri);
    if (!found)
        return found.error();
    const TokenSlot &token = *found;
    const QString label = tokenLabel(token.info);
    const auto onToken = [&](const Error &error) {
        return Error{QStringLiteral("%1: token '%2': %3").arg(uriText, label, error.message)};
    };

    auto session = Pkcs11Session::open(token.module, token.slot);
    if (!session)
        return onToken(session.error());
    if (Status loggedIn = logIn(*session, token, pin); !loggedIn)
        return onToken(loggedIn.error());
    auto key = findOnePrivateKey(*session, *uri);
    if (!key)
        return onToken(key.error());
    auto keyType = signingKeyType(*session, *key);
    if (!keyType)
        return onToken(keyType.error());
    auto publicKey = publicHalf(*session, *key, *keyType, certificateKey);
    if (!publicKey)
        return onToken(publicKey.error());

    QString description =
        QStringLiteral("key %1 on token '%2'").arg(describeObject(*session, *key), label);
    auto parts = std::make_unique<Parts>(Parts{
        .modules = std::move(modules).value(),
        .session = std::move(session).value(),
        .key = *key,
        .keyType = *keyType,
        .publicKey = std::move(publicKey).value(),
        .description = std::move(description),
        .tokenLabel = label,
    });
    return TokenKey(std::move(parts));
}

Result<QByteArray> TokenKey::sign(const SignatureScheme &scheme, QByteArrayView message) const
{
    Parts &parts = *m_parts;
    EVP_PKEY *publicKey = parts.publicKey.get();
    const KeyType keyType = keyTypeOf(publicKey);
    const bool rsa = scheme.padding == SignatureScheme::Padding::Pss;
    const bool eddsa = !scheme.digest;
    const CK_KEY_TYPE neededType = rsa ? CKK_RSA : eddsa ? CKK_EC_EDWARDS : CKK_EC;
    if (scheme.keyType != keyType || parts.keyType != neededType ||
        scheme.padding == SignatureScheme::Padding::Pkcs1)
        return Error{QStringLiteral("cannot sign with %1 using the %2 (%3)")
                         .arg(scheme.displayName(), parts.description, describeKey(publicKey))};

    Result<QByteArray> signature = QByteArray();
    if (eddsa) {
        signature = parts.session.sign(parts.key, {CKM_EDDSA, nullptr, 0}, message,
                                       EVP_PKEY_get_size(publicKey));
    } else {
        auto digest = digestOf(scheme, message);
        if (!digest)
            return digest.error();
        if (rsa) {
            const PssHash *hash = pssHashFor(scheme);
            if (!hash)
                return Error{QStringLiteral("%1 uses a hash Baton has no PKCS#11 mechanism "
                                            "for")
                                 .arg(scheme.displayName())};
            CK_RSA_PKCS_PSS_PARAMS pss{hash->hash, hash->mgf, CK_ULONG(digest->size())};
            signature = parts.session.sign(parts.key, {CKM_RSA_PKCS_PSS, &pss, sizeof pss}, *digest,
                                           EVP_PKEY_get_size(publicKey));
        } else {
            const qsizetype rawSize = 2 * ((EVP_PKEY_get_bits(publicKey) + 7) / 8);
            signature = parts.session.sign(parts.key, {CKM_ECDSA, nullptr, 0}, *digest, rawSize);
            if (signature && signature->size() != rawSize)
                return Error{QStringLiteral("the %1 returned a %2-byte ECDSA signature; r | s "
                                            "of this curve is %3 bytes")
                                 .arg(parts.description)
                                 .arg(signature->size())
                                 .arg(rawSize)};
            if (signature)
                signature = ecdsaDer(*signature);
        }
    }
    if (!signature)
        return withContext(std::move(signature), parts.description);
    // A signature made outside this process is checked before it is used: it proves the token
    // key is the certificate's when the token had no public key object to compare, and keeps a
    // faulty signer's output (an RSA-CRT fault leaks the key) from leaving Baton.
    auto verified = verifyWithScheme(publicKey, scheme, message, *signature);
    if (!verified)
        return verified.error();
    if (!*verified)
        return Error{QStringLiteral("the signature made by the %1 does not verify under its "
                                    "public key (%2): the key on the token is not the "
                                    "certificate's")
                         .arg(parts.description, describeKey(publicKey))};
    return signature;
}

} // namespace baton
