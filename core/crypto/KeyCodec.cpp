#include "KeyCodec.h"

#include "KdfLimits.h"
#include "common/Pem.h"

#include <cstring>
#include <iterator>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <string_view>
#include <utility>

namespace baton {

namespace {

constexpr KeySpec kGeneratableKeys[] = {
    {"ecdsa-p256", KeyType::EcP256, 0},
    {"ecdsa-p384", KeyType::EcP384, 0},
    {"ecdsa-p521", KeyType::EcP521, 0},
    {"ed25519", KeyType::Ed25519, 0},
    {"ed448", KeyType::Ed448, 0},
    {"rsa-pss-2048", KeyType::RsaPss, 2048},
    {"rsa-pss-3072", KeyType::RsaPss, 3072},
    {"rsa-pss-4096", KeyType::RsaPss, 4096},
};

constexpr KeySpec kCertificateKeys[] = {
    {"ecdsa-p256", KeyType::EcP256, 0}, {"ecdsa-p384", KeyType::EcP384, 0},
    {"ecdsa-p521", KeyType::EcP521, 0}, {"ed25519", KeyType::Ed25519, 0},
    {"rsa-2048", KeyType::Rsa, 2048},   {"rsa-3072", KeyType::Rsa, 3072},
    {"rsa-4096", KeyType::Rsa, 4096},
};

const KeySpec *findKeySpec(std::span<const KeySpec> specs, QStringView name)
{
    for (const KeySpec &spec : specs) {
        if (name.compare(QLatin1String(spec.name), Qt::CaseInsensitive) == 0)
            return &spec;
    }
    return nullptr;
}

QString keySpecNames(std::span<const KeySpec> specs)
{
    QStringList names;
    for (const KeySpec &spec : specs)
        names << QLatin1String(spec.name);
    return names.join(QStringLiteral(", "));
}

const char *curveName(KeyType type)
{
    switch (type) {
    case KeyType::EcP256:
        return "P-256";
    case KeyType::EcP384:
        return "P-384";
    case KeyType::EcP521:
        return "P-521";
    default:
        return nullptr;
    }
}

const char *algorithmName(KeyType type)
{
    switch (type) {
    case KeyType::EcP256:
    case KeyType::EcP384:
    case KeyType::EcP521:
        return "EC";
    case KeyType::Ed25519:
        return "ED25519";
    case KeyType::Ed448:
        return "ED448";
    case KeyType::RsaPss:
        return "RSA-PSS";
    case KeyType::Rsa:
        return "RSA";
    default:
        return nullptr;
    }
}

/// The SubjectPublicKeyInfo of a fixed-size key: a constant DER prefix (SEQUENCE,
/// AlgorithmIdentifier with a named curve or no parameters, BIT STRING header) and the public
/// key's bytes, in the one form TLS peers all read (an EC point uncompressed).
struct FixedSpki
{
    KeyType type;
    const char *parameter; ///< the public key as an octet-string parameter
    std::string_view prefix;
    qsizetype keyLength;
    int curve; ///< the EC curve's NID; NID_undef for EdDSA
};

using namespace std::string_view_literals;
constexpr FixedSpki kFixedSpkis[] = {
    {KeyType::EcP256, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
     "\x30\x59\x30\x13\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x08\x2a\x86\x48\xce\x3d"
     "\x03\x01\x07\x03\x42\x00"sv,
     65, NID_X9_62_prime256v1},
    {KeyType::EcP384, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
     "\x30\x76\x30\x10\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x05\x2b\x81\x04\x00\x22"
     "\x03\x62\x00"sv,
     97, NID_secp384r1},
    {KeyType::EcP521, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
     "\x30\x81\x9b\x30\x10\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x05\x2b\x81\x04\x00"
     "\x23\x03\x81\x86\x00"sv,
     133, NID_secp521r1},
    {KeyType::Ed25519, OSSL_PKEY_PARAM_PUB_KEY,
     "\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00"sv, 32, NID_undef},
    {KeyType::Ed448, OSSL_PKEY_PARAM_PUB_KEY, "\x30\x43\x30\x05\x06\x03\x2b\x65\x71\x03\x3a\x00"sv,
     57, NID_undef},
};

/// The id-RSASSA-PSS AlgorithmIdentifier without parameters: an RSA-PSS key not restricted to
/// one hash, as Baton generates it.
constexpr std::string_view kRsaPssAlgorithm =
    "\x30\x0b\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0a"sv;

struct PassphraseState
{
    const std::optional<QByteArray> *passphrase = nullptr;
    bool requested = false;
};

int supplyPassphrase(char *buffer, size_t size, size_t *length, const OSSL_PARAM[], void *arg)
{
    auto *state = static_cast<PassphraseState *>(arg);
    state->requested = true;
    // No passphrase: fail instead of letting any default UI prompt behind the caller's back.
    if (!state->passphrase->has_value())
        return 0;
    const QByteArray &pass = **state->passphrase;
    if (size_t(pass.size()) > size)
        return 0;
    std::memcpy(buffer, pass.constData(), size_t(pass.size()));
    *length = size_t(pass.size());
    return 1;
}

struct DecodeOutcome
{
    EvpPkeyPtr key;
    bool passphraseRequested = false;
    size_t bytesLeft = 0;
};

DecodeOutcome decodeWith(const char *inputType, QByteArrayView bytes,
                         const std::optional<QByteArray> &passphrase)
{
    DecodeOutcome outcome;
    EVP_PKEY *raw = nullptr;
    DecoderCtxPtr ctx(OSSL_DECODER_CTX_new_for_pkey(&raw, inputType, nullptr, nullptr,
                                                    OSSL_KEYMGMT_SELECT_KEYPAIR, nullptr, nullptr));
    if (!ctx)
        return outcome;
    PassphraseState state{&passphrase, false};
    OSSL_DECODER_CTX_set_passphrase_cb(ctx.get(), supplyPassphrase, &state);
    const auto *cursor = reinterpret_cast<const unsigned char *>(bytes.data());
    size_t left = size_t(bytes.size());
    const bool ok = OSSL_DECODER_from_data(ctx.get(), &cursor, &left) == 1;
    outcome.key.reset(raw);
    outcome.passphraseRequested = state.requested;
    outcome.bytesLeft = left;
    if (!ok)
        outcome.key.reset();
    return outcome;
}

/// Labels OpenSSL's PEM decoder reads itself, including the traditional forms that may carry
/// RFC 1421 encryption headers (Proc-Type, DEK-Info) for every key type it has one for.
bool isStandardPrivateKeyLabel(const QString &label)
{
    return label == QLatin1String("PRIVATE KEY") ||
           label == QLatin1String("ENCRYPTED PRIVATE KEY") ||
           label == QLatin1String("EC PRIVATE KEY") || label == QLatin1String("RSA PRIVATE KEY") ||
           label == QLatin1String("DSA PRIVATE KEY");
}

/// The block decodePrivateKey reads: the first whose label ends in "PRIVATE KEY".
const PemBlock *privateKeyBlock(const QList<PemBlock> &blocks)
{
    for (const PemBlock &block : blocks) {
        if (block.label.endsWith(QLatin1String("PRIVATE KEY")))
            return &block;
    }
    return nullptr;
}

/// An EncryptedPrivateKeyInfo's key-derivation cost against KdfLimits; success for anything
/// that is not one (a plain key, a traditional PEM whose DEK-Info KDF is one MD5 round).
Status checkPkcs8Cost(QByteArrayView der)
{
    const auto *cursor = reinterpret_cast<const unsigned char *>(der.data());
    const OpenSslPtr<X509_SIG, X509_SIG_free> sig(d2i_X509_SIG(nullptr, &cursor, long(der.size())));
    discardOpenSslErrors();
    if (!sig)
        return {};
    const X509_ALGOR *algorithm = nullptr;
    X509_SIG_get0(sig.get(), &algorithm, nullptr);
    if (Status cost = checkPbeCost(algorithm); !cost)
        return Error{QStringLiteral("encrypted private key (PKCS#8 EncryptedPrivateKeyInfo): %1")
                         .arg(cost.errorMessage())};
    return {};
}

Result<QByteArray> encodeWith(const EVP_PKEY *key, int selection, const char *structure)
{
    EncoderCtxPtr ctx(OSSL_ENCODER_CTX_new_for_pkey(key, selection, "DER", structure, nullptr));
    if (!ctx || OSSL_ENCODER_CTX_get_num_encoders(ctx.get()) == 0)
        return openSslError(QStringLiteral("no encoder for the key (%1)").arg(describeKey(key)));
    unsigned char *data = nullptr;
    size_t length = 0;
    if (!OSSL_ENCODER_to_data(ctx.get(), &data, &length))
        return openSslError(QStringLiteral("cannot encode the %1 key").arg(describeKey(key)));
    QByteArray out(reinterpret_cast<const char *>(data), qsizetype(length));
    OPENSSL_clear_free(data, length);
    return out;
}

/// DER's length rules, recursively through constructed values: every length definite and in
/// its shortest form. OpenSSL's d2i functions also take BER (indefinite or padded lengths),
/// which the TLS stacks that consume DCs (BoringSSL, NSS, Go) all reject.
bool hasDerLengths(const unsigned char *p, const unsigned char *end, int depth = 0)
{
    if (depth > 32)
        return false;
    while (p < end) {
        const unsigned char tag = *p++;
        if ((tag & 0x1f) == 0x1f) { // high tag number: base-128 continuation bytes
            while (p < end && (*p & 0x80))
                ++p;
            if (p++ >= end)
                return false;
        }
        if (p >= end)
            return false;
        size_t length = *p++;
        if (length == 0x80) // indefinite
            return false;
        if (length & 0x80) {
            const size_t count = length & 0x7f;
            if (count > sizeof(size_t) || size_t(end - p) < count || *p == 0)
                return false;
            length = 0;
            for (size_t i = 0; i < count; ++i)
                length = (length << 8) | *p++;
            if (length < 0x80) // would have fitted the short form
                return false;
        }
        if (size_t(end - p) < length)
            return false;
        if ((tag & 0x20) && !hasDerLengths(p, p + length, depth + 1))
            return false;
        p += length;
    }
    return true;
}

QByteArray derElement(char tag, const QByteArray &content)
{
    QByteArray element(1, tag);
    const qsizetype length = content.size();
    if (length < 0x80) {
        element.append(char(length));
    } else {
        QByteArray octets;
        for (qsizetype rest = length; rest > 0; rest >>= 8)
            octets.prepend(char(rest & 0xff));
        element.append(char(0x80 | octets.size()));
        element.append(octets);
    }
    return element + content;
}

/// A positive INTEGER: big-endian magnitude, with a leading zero when the top bit is set.
QByteArray derInteger(const BIGNUM *number)
{
    QByteArray magnitude(BN_num_bytes(number), Qt::Uninitialized);
    BN_bn2bin(number, reinterpret_cast<unsigned char *>(magnitude.data()));
    if (magnitude.isEmpty() || (magnitude.front() & 0x80))
        magnitude.prepend('\0');
    return derElement(0x02, magnitude);
}

/// The SPKI of an RSA-PSS key without parameter restrictions (what Baton generates): the
/// id-RSASSA-PSS AlgorithmIdentifier has no parameters then, and the key is the RSAPublicKey.
/// Restricted keys (hash, MGF1, salt fixed in the SPKI) get nullopt and the generic encoder.
std::optional<QByteArray> unrestrictedRsaPssSpki(const EVP_PKEY *key)
{
    // One export of the public half (about 2 us here): asked for as a parameter of its own,
    // the modulus alone cost 12 us.
    OSSL_PARAM *raw = nullptr;
    const bool exported = EVP_PKEY_todata(key, EVP_PKEY_PUBLIC_KEY, &raw) == 1;
    const OpenSslPtr<OSSL_PARAM, OSSL_PARAM_free> params(raw);
    BIGNUM *modulus = nullptr;
    BIGNUM *exponent = nullptr;
    // An export names the restrictions only when the key has them.
    const bool usable =
        exported && !OSSL_PARAM_locate_const(params.get(), OSSL_PKEY_PARAM_RSA_DIGEST) &&
        OSSL_PARAM_get_BN(OSSL_PARAM_locate_const(params.get(), OSSL_PKEY_PARAM_RSA_N), &modulus) ==
            1 &&
        OSSL_PARAM_get_BN(OSSL_PARAM_locate_const(params.get(), OSSL_PKEY_PARAM_RSA_E),
                          &exponent) == 1;
    const OpenSslPtr<BIGNUM, BN_free> ownedModulus(modulus);
    const OpenSslPtr<BIGNUM, BN_free> ownedExponent(exponent);
    discardOpenSslErrors();
    if (!usable)
        return std::nullopt;
    const QByteArray rsaPublicKey = derElement(0x30, derInteger(modulus) + derInteger(exponent));
    return derElement(0x30,
                      QByteArray(kRsaPssAlgorithm.data(), qsizetype(kRsaPssAlgorithm.size())) +
                          derElement(0x03, QByteArray(1, '\0') + rsaPublicKey));
}

/// An EC point (SEC1 encoding) on the curve: what OpenSSL's decoder demands of an SPKI's point.
bool isPointOnCurve(int curve, const unsigned char *point, size_t length)
{
    // The groups are built once and only read afterwards, from any thread. Each thread keeps a
    // point per group and a BN_CTX to decode into: allocating them per call would cost as
    // much as the check itself.
    struct Curve
    {
        int nid;
        OpenSslPtr<EC_GROUP, EC_GROUP_free> group;
    };
    static const Curve kCurves[] = {
        {NID_X9_62_prime256v1, OpenSslPtr<EC_GROUP, EC_GROUP_free>(EC_GROUP_new_by_curve_name_ex(
                                   nullptr, nullptr, NID_X9_62_prime256v1))},
        {NID_secp384r1, OpenSslPtr<EC_GROUP, EC_GROUP_free>(
                            EC_GROUP_new_by_curve_name_ex(nullptr, nullptr, NID_secp384r1))},
        {NID_secp521r1, OpenSslPtr<EC_GROUP, EC_GROUP_free>(
                            EC_GROUP_new_by_curve_name_ex(nullptr, nullptr, NID_secp521r1))},
    };
    struct Scratch
    {
        OpenSslPtr<BN_CTX, BN_CTX_free> numbers{BN_CTX_new()};
        OpenSslPtr<EC_POINT, EC_POINT_free> points[std::size(kCurves)];
    };
    thread_local Scratch scratch;
    for (size_t i = 0; i < std::size(kCurves); ++i) {
        const EC_GROUP *group = kCurves[i].group.get();
        if (kCurves[i].nid != curve || !group)
            continue;
        auto &decoded = scratch.points[i];
        if (!decoded)
            decoded.reset(EC_POINT_new(group));
        if (decoded && scratch.numbers &&
            EC_POINT_oct2point(group, decoded.get(), point, length, scratch.numbers.get()) == 1)
            return true;
        discardOpenSslErrors();
        return false;
    }
    return false;
}

/// The content of the DER element at `p` if its tag is `tag` and its length is in the shortest
/// form (up to two length octets, all an SPKI needs); advances `p` past the element.
std::optional<std::span<const unsigned char>>
derContent(const unsigned char *&p, const unsigned char *end, unsigned char tag)
{
    if (end - p < 2 || *p++ != tag)
        return std::nullopt;
    size_t length = *p++;
    if (length == 0x81) {
        if (end - p < 1 || *p < 0x80)
            return std::nullopt;
        length = *p++;
    } else if (length == 0x82) {
        if (end - p < 2 || *p == 0)
            return std::nullopt;
        length = size_t(p[0]) << 8 | p[1];
        p += 2;
    } else if (length & 0x80) {
        return std::nullopt;
    }
    if (size_t(end - p) < length)
        return std::nullopt;
    const std::span<const unsigned char> content(p, length);
    p += length;
    return content;
}

/// A positive INTEGER in its shortest form, as the magnitude of a usable RSA modulus or
/// exponent: odd, and not a leading zero too many.
bool isCanonicalOddInteger(std::span<const unsigned char> content)
{
    if (content.empty() || (content[0] & 0x80))
        return false;
    if (content[0] == 0 && (content.size() < 2 || !(content[1] & 0x80)))
        return false;
    return content.back() & 1;
}

/// An unrestricted id-RSASSA-PSS SPKI as Baton writes it: the AlgorithmIdentifier without
/// parameters, and RSAPublicKey {modulus, exponent} in DER, the modulus 1024 to 16384 bits and
/// the exponent at least 3. OpenSSL's decoder reads every such SPKI (and some sloppier ones).
bool isCanonicalRsaPssSpki(QByteArrayView der)
{
    const auto *p = reinterpret_cast<const unsigned char *>(der.data());
    const auto *end = p + der.size();
    const auto spki = derContent(p, end, 0x30);
    if (!spki || p != end)
        return false;
    const auto *q = spki->data();
    const auto *spkiEnd = q + spki->size();
    if (size_t(spkiEnd - q) < kRsaPssAlgorithm.size() ||
        std::memcmp(q, kRsaPssAlgorithm.data(), kRsaPssAlgorithm.size()) != 0)
        return false;
    q += kRsaPssAlgorithm.size();
    const auto bits = derContent(q, spkiEnd, 0x03);
    if (!bits || q != spkiEnd || bits->empty() || (*bits)[0] != 0)
        return false;
    const auto *r = bits->data() + 1;
    const auto *bitsEnd = bits->data() + bits->size();
    const auto rsaPublicKey = derContent(r, bitsEnd, 0x30);
    if (!rsaPublicKey || r != bitsEnd)
        return false;
    const auto *s = rsaPublicKey->data();
    const auto *keyEnd = s + rsaPublicKey->size();
    const auto modulus = derContent(s, keyEnd, 0x02);
    const auto exponent = modulus ? derContent(s, keyEnd, 0x02) : std::nullopt;
    if (!exponent || s != keyEnd || !isCanonicalOddInteger(*modulus) ||
        !isCanonicalOddInteger(*exponent))
        return false;
    const size_t modulusBytes = modulus->size() - ((*modulus)[0] == 0 ? 1 : 0);
    const size_t exponentBytes = exponent->size() - ((*exponent)[0] == 0 ? 1 : 0);
    return modulusBytes >= 128 && modulusBytes <= 2048 &&
           (exponentBytes > 1 || (*exponent)[0] >= 3);
}

/// The key type of an SPKI in the canonical form of a TLS 1.3 signature key type, judged from
/// its bytes (and, for EC, the point on its curve); nullopt for any other SPKI.
std::optional<KeyType> canonicalSpkiKeyType(QByteArrayView der)
{
    for (const FixedSpki &fixed : kFixedSpkis) {
        const size_t prefix = fixed.prefix.size();
        if (size_t(der.size()) != prefix + size_t(fixed.keyLength) ||
            std::memcmp(der.data(), fixed.prefix.data(), prefix) != 0)
            continue;
        const auto *key = reinterpret_cast<const unsigned char *>(der.data()) + prefix;
        if (fixed.curve != NID_undef &&
            (key[0] != POINT_CONVERSION_UNCOMPRESSED ||
             !isPointOnCurve(fixed.curve, key, size_t(fixed.keyLength))))
            return std::nullopt;
        return fixed.type;
    }
    if (isCanonicalRsaPssSpki(der))
        return KeyType::RsaPss;
    return std::nullopt;
}
} // namespace

std::span<const KeySpec> generatableKeys()
{
    return kGeneratableKeys;
}

const KeySpec *keySpecByName(QStringView name)
{
    return findKeySpec(kGeneratableKeys, name);
}

QString generatableKeyNames()
{
    return keySpecNames(kGeneratableKeys);
}

std::span<const KeySpec> certificateKeys()
{
    return kCertificateKeys;
}

const KeySpec *certificateKeySpecByName(QStringView name)
{
    return findKeySpec(kCertificateKeys, name);
}

QString certificateKeyNames()
{
    return keySpecNames(kCertificateKeys);
}

Result<EvpPkeyPtr> generateKey(const KeySpec &spec)
{
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithmName(spec.type), nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0)
        return openSslError(
            QStringLiteral("cannot set up %1 key generation").arg(QLatin1String(spec.name)));
    if (const char *curve = curveName(spec.type)) {
        if (EVP_PKEY_CTX_set_group_name(ctx.get(), curve) <= 0)
            return openSslError(QStringLiteral("cannot select curve %1").arg(QLatin1String(curve)));
    }
    if (spec.rsaBits > 0 && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), spec.rsaBits) <= 0)
        return openSslError(QStringLiteral("cannot set RSA key size %1").arg(spec.rsaBits));
    EVP_PKEY *raw = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &raw) <= 0)
        return openSslError(
            QStringLiteral("%1 key generation failed").arg(QLatin1String(spec.name)));
    return EvpPkeyPtr(raw);
}

Result<EvpPkeyPtr> decodePrivateKey(QByteArrayView data,
                                    const std::optional<QByteArray> &passphrase)
{
    QByteArrayView input = data;
    const char *inputType = "DER";
    QByteArray pemText;
    if (containsPem(data)) {
        auto blocks = parsePem(data);
        if (!blocks)
            return blocks.error();
        const PemBlock *keyBlock = privateKeyBlock(*blocks);
        if (!keyBlock) {
            QStringList labels;
            for (const PemBlock &block : *blocks)
                labels << block.label;
            return Error{QStringLiteral("no private key in this PEM (it holds: %1)")
                             .arg(labels.join(QStringLiteral(", ")))};
        }
        if (Status cost = checkPkcs8Cost(keyBlock->der); !cost)
            return cost.error();
        if (isStandardPrivateKeyLabel(keyBlock->label)) {
            pemText = keyBlock->text;
            input = pemText;
            inputType = "PEM";
        } else {
            // Fizz's "SERVER DC PRIVATE KEY" and similar carry a plain PKCS#8 body.
            pemText = keyBlock->der;
            input = pemText;
        }
    } else if (Status cost = checkPkcs8Cost(data); !cost) {
        return cost.error();
    }
    DecodeOutcome outcome = decodeWith(inputType, input, passphrase);
    SecretBytes wipe(std::move(pemText));
    if (!outcome.key) {
        if (outcome.passphraseRequested) {
            // The decoders' reasons ("bad decrypt", "interrupted or cancelled") are this
            // sentence; left on the queue they would end up in the next, unrelated error.
            discardOpenSslErrors();
            if (!passphrase)
                return Error{
                    QStringLiteral("the private key is encrypted; its passphrase is needed")};
            return Error{QStringLiteral("wrong passphrase for the encrypted private key (or the "
                                        "key is damaged)")};
        }
        return openSslError(QStringLiteral("not a readable private key (expected PKCS#8, SEC1 or "
                                           "PKCS#1, as PEM or DER)"));
    }
    if (std::strcmp(inputType, "DER") == 0 && outcome.bytesLeft != 0)
        return Error{
            QStringLiteral("%1 unexpected bytes after the DER private key").arg(outcome.bytesLeft)};
    discardOpenSslErrors();
    return std::move(outcome.key);
}

Status checkEncryptedPrivateKeyCost(QByteArrayView data)
{
    if (!containsPem(data))
        return checkPkcs8Cost(data);
    auto blocks = parsePem(data);
    if (!blocks)
        return {}; // decodePrivateKey reports the PEM's own error
    const PemBlock *keyBlock = privateKeyBlock(*blocks);
    return keyBlock ? checkPkcs8Cost(keyBlock->der) : Status{};
}

bool isEncryptedPrivateKey(QByteArrayView data)
{
    if (containsPem(data)) {
        auto blocks = parsePem(data);
        if (!blocks)
            return false;
        for (const PemBlock &block : *blocks) {
            if (block.label == QLatin1String("ENCRYPTED PRIVATE KEY") ||
                (block.label.endsWith(QLatin1String("PRIVATE KEY")) && block.hasHeaders &&
                 block.text.contains("ENCRYPTED")))
                return true;
        }
        return false;
    }
    const DecodeOutcome outcome = decodeWith("DER", data, std::nullopt);
    discardOpenSslErrors();
    return outcome.passphraseRequested;
}

Result<EvpPkeyPtr> decodeSubjectPublicKeyInfo(QByteArrayView der)
{
    const auto *start = reinterpret_cast<const unsigned char *>(der.data());
    // d2i_PUBKEY builds a fresh decoder context on every call, which searches every provider's
    // decoders and costs about four times the decoding itself (more than a P-256 signature
    // verification). One context per thread, reused, keeps parsing a DC key cheap.
    struct SpkiDecoder
    {
        EVP_PKEY *decoded = nullptr;
        DecoderCtxPtr context;
    };
    thread_local SpkiDecoder decoder;
    if (!decoder.context)
        decoder.context.reset(OSSL_DECODER_CTX_new_for_pkey(&decoder.decoded, "DER",
                                                            "SubjectPublicKeyInfo", nullptr,
                                                            EVP_PKEY_PUBLIC_KEY, nullptr, nullptr));
    if (!decoder.context)
        return openSslError(QStringLiteral("cannot set up SubjectPublicKeyInfo decoding"));
    const auto *cursor = start;
    size_t left = size_t(der.size());
    decoder.decoded = nullptr;
    const bool decoded = OSSL_DECODER_from_data(decoder.context.get(), &cursor, &left) == 1;
    EvpPkeyPtr key(std::exchange(decoder.decoded, nullptr));
    if (!decoded || !key)
        return openSslError(QStringLiteral("not a valid SubjectPublicKeyInfo"));
    if (left != 0)
        return Error{
            QStringLiteral("%1 unexpected bytes after the SubjectPublicKeyInfo").arg(left)};
    if (!hasDerLengths(start, start + der.size()))
        return Error{QStringLiteral("not a valid SubjectPublicKeyInfo: not DER (it has BER "
                                    "indefinite or non-minimal lengths)")};
    return key;
}

PublicKeyKind publicKeyKind(const EVP_PKEY *key)
{
    PublicKeyKind kind{keyTypeOf(key), keyName(key), false};
    if (kind.type == KeyType::EcP256 || kind.type == KeyType::EcP384 ||
        kind.type == KeyType::EcP521 || kind.type == KeyType::EcOtherCurve) {
        // A decoded key keeps the form its point was read in.
        char form[32] = {};
        kind.compressedPoint =
            EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, form,
                                           sizeof form, nullptr) == 1 &&
            std::strcmp(form, "uncompressed") != 0;
        discardOpenSslErrors();
    }
    return kind;
}

Result<PublicKeyKind> inspectSubjectPublicKeyInfo(QByteArrayView der)
{
    if (const auto type = canonicalSpkiKeyType(der))
        return PublicKeyKind{*type, keyTypeName(*type), false};
    auto key = decodeSubjectPublicKeyInfo(der);
    if (!key)
        return key.error();
    return publicKeyKind(key->get());
}

Result<QByteArray> encodeSubjectPublicKeyInfo(const EVP_PKEY *key, std::optional<KeyType> keyType)
{
    // Building the SPKI directly avoids i2d_PUBKEY's per-call encoder lookup, which costs as
    // much as generating the key.
    const KeyType type = keyType ? *keyType : keyTypeOf(key);
    for (const FixedSpki &fixed : kFixedSpkis) {
        if (fixed.type != type)
            continue;
        QByteArray spki(qsizetype(fixed.prefix.size()) + fixed.keyLength, Qt::Uninitialized);
        std::memcpy(spki.data(), fixed.prefix.data(), size_t(fixed.prefix.size()));
        size_t length = 0;
        // An EC point in compressed form would have another length: fall through to the
        // generic encoder rather than guess.
        if (EVP_PKEY_get_octet_string_param(key, fixed.parameter,
                                            reinterpret_cast<unsigned char *>(spki.data()) +
                                                fixed.prefix.size(),
                                            size_t(fixed.keyLength), &length) == 1 &&
            length == size_t(fixed.keyLength))
            return spki;
        discardOpenSslErrors();
        break;
    }
    if (type == KeyType::RsaPss) {
        if (auto spki = unrestrictedRsaPssSpki(key))
            return *spki;
    }
    unsigned char *der = nullptr;
    const int length = i2d_PUBKEY(key, &der);
    if (length <= 0)
        return openSslError(
            QStringLiteral("cannot encode the %1 public key").arg(describeKey(key)));
    QByteArray out(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return out;
}

Result<QByteArray> encodeEncryptedPrivateKeyPem(const EVP_PKEY *key, QByteArrayView passphrase)
{
    OpenSslPtr<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free> info(EVP_PKEY2PKCS8(key));
    if (!info)
        return openSslError(QStringLiteral("cannot export the %1 key").arg(describeKey(key)));
    // pbe_nid -1 selects PBES2; OpenSSL 3 pairs it with PBKDF2-HMAC-SHA256 and a random salt.
    OpenSslPtr<X509_SIG, X509_SIG_free> encrypted(
        PKCS8_encrypt_ex(-1, EVP_aes_256_cbc(), passphrase.data(), int(passphrase.size()), nullptr,
                         0, kPbkdf2Iterations, info.get(), nullptr, nullptr));
    if (!encrypted)
        return openSslError(QStringLiteral("cannot encrypt the %1 key").arg(describeKey(key)));
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || !PEM_write_bio_PKCS8(bio.get(), encrypted.get()))
        return openSslError(QStringLiteral("cannot write the encrypted key"));
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, qsizetype(length));
}

Result<SecretBytes> encodePrivateKeyPkcs8Der(const EVP_PKEY *key)
{
    auto der = encodeWith(key, OSSL_KEYMGMT_SELECT_KEYPAIR, "PrivateKeyInfo");
    if (!der)
        return der.error();
    return SecretBytes(std::move(der).value());
}

Result<SecretBytes> encodePrivateKeyPkcs8Pem(const EVP_PKEY *key)
{
    auto der = encodePrivateKeyPkcs8Der(key);
    if (!der)
        return der.error();
    return SecretBytes(encodePem(QStringLiteral("PRIVATE KEY"), der->bytes()));
}

bool samePublicKey(const EVP_PKEY *a, const EVP_PKEY *b)
{
    const bool same = a && b && EVP_PKEY_eq(a, b) == 1;
    discardOpenSslErrors();
    return same;
}

} // namespace baton
