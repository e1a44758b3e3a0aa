#include "LegacyVault.h"

#include "KeyVault.h"
#include "VaultSupport.h"
#include "crypto/PkcsObjects.h"

#include <QList>
#include <cstring>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <optional>

namespace baton {

namespace {

using CipherCtxPtr = OpenSslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

constexpr size_t kAesBlockLength = 16;
/// Salts Baton reads back. A sealed key may have RFC 8018's minimum of 8, which is what OpenSSL
/// 3.0's PKCS#8 writers use; a verifier, which only Baton wrote, has 16. Longer than 64 bytes
/// is no stronger, only a sign of a damaged or hostile record.
constexpr qsizetype kMinSealedSaltLength = 8;
constexpr qsizetype kMinVerifierSaltLength = 16;
constexpr qsizetype kMaxSaltLength = 64;
constexpr qsizetype kCheckLength = 32;
/// Domain separation: the verifier's check is this label's HMAC, so it never equals a scrypt
/// output that could serve as a key.
constexpr char kCheckLabel[] = "Baton workspace passphrase verifier v1";
constexpr char kVerifierScheme[] = "scrypt";
constexpr char kVerifierVersion[] = "1";
/// The longest verifier a record may hold: scheme, version, three 20-digit numbers, base64 of
/// the longest salt and of the check, and the separators come to 205 bytes.
constexpr qsizetype kMaxStoredVerifier = 256;

Error wrongPassphrase()
{
    return Error{QLatin1String(kWrongPassphrase)};
}

/// AES-256-CBC decryption with PKCS#7 padding; `out` must hold the input and one block more
/// (EVP_DecryptUpdate may write that far). False on any failure, which is almost always a
/// padding mismatch, i.e. the wrong key.
bool aes256CbcDecrypt(const DerivedKey &key, const unsigned char *iv, QByteArrayView in,
                      unsigned char *out, size_t &outLength)
{
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    int updated = 0;
    int finished = 0;
    const bool ok =
        ctx && EVP_DecryptInit_ex2(ctx.get(), EVP_aes_256_cbc(), key.bytes, iv, nullptr) == 1 &&
        EVP_DecryptUpdate(ctx.get(), out, &updated, bytesOf(in), int(in.size())) == 1 &&
        EVP_DecryptFinal_ex(ctx.get(), out + updated, &finished) == 1;
    outLength = ok ? size_t(updated) + size_t(finished) : 0;
    return ok;
}

QString objectName(const ASN1_OBJECT *object)
{
    char name[128] = {};
    OBJ_obj2txt(name, sizeof name, object, 0);
    return QString::fromLatin1(name);
}

/// Everything openLegacySealedKey needs from a sealed key, checked before any scrypt work.
struct SealedKey
{
    X509SigPtr sig;
    ScryptParameters scrypt{};
    QByteArray salt;
    QByteArray iv;
    QByteArrayView ciphertext;
};

std::optional<quint64> asnUint64(const ASN1_INTEGER *integer)
{
    uint64_t value = 0;
    if (!integer || ASN1_INTEGER_get_uint64(&value, integer) != 1)
        return std::nullopt;
    return value;
}

QByteArray asnBytes(const ASN1_STRING *string)
{
    return QByteArray(reinterpret_cast<const char *>(ASN1_STRING_get0_data(string)),
                      ASN1_STRING_length(string));
}

Result<SealedKey> parseSealedKey(QByteArrayView der)
{
    const auto notSealed = [](const QString &why) {
        discardOpenSslErrors();
        return Error{QStringLiteral("not a sealed private key: %1").arg(why)};
    };
    SealedKey sealed;
    const unsigned char *cursor = bytesOf(der);
    sealed.sig.reset(d2i_X509_SIG(nullptr, &cursor, long(der.size())));
    if (!sealed.sig) {
        cursor = bytesOf(der);
        const Pkcs8Ptr plain(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, long(der.size())));
        if (plain)
            return notSealed(QStringLiteral("it is an unencrypted PKCS#8 private key, which the "
                                            "vault never holds"));
        return notSealed(QStringLiteral("expected a DER EncryptedPrivateKeyInfo"));
    }
    // Re-encoding must give the input back: no trailing bytes, no BER.
    unsigned char *encoded = nullptr;
    const int encodedLength = i2d_X509_SIG(sealed.sig.get(), &encoded);
    const bool canonical = encodedLength == der.size() && encoded &&
                           std::memcmp(encoded, der.data(), size_t(encodedLength)) == 0;
    OPENSSL_free(encoded);
    if (!canonical)
        return notSealed(QStringLiteral("the EncryptedPrivateKeyInfo is not DER or has bytes "
                                        "after it"));

    const X509_ALGOR *scheme = nullptr;
    const ASN1_OCTET_STRING *ciphertext = nullptr;
    X509_SIG_get0(sealed.sig.get(), &scheme, &ciphertext);
    if (OBJ_obj2nid(scheme->algorithm) != NID_pbes2)
        return notSealed(QStringLiteral("encrypted with %1, not PBES2 with scrypt")
                             .arg(objectName(scheme->algorithm)));
    const Pbe2ParamPtr pbe2(static_cast<PBE2PARAM *>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), scheme->parameter)));
    if (!pbe2)
        return notSealed(QStringLiteral("unreadable PBES2 parameters"));
    if (OBJ_obj2nid(pbe2->keyfunc->algorithm) != NID_id_scrypt)
        return notSealed(QStringLiteral("its key derivation is %1, not scrypt")
                             .arg(objectName(pbe2->keyfunc->algorithm)));
    if (OBJ_obj2nid(pbe2->encryption->algorithm) != NID_aes_256_cbc)
        return notSealed(QStringLiteral("its cipher is %1, not aes-256-cbc")
                             .arg(objectName(pbe2->encryption->algorithm)));
    const ASN1_TYPE *ivParameter = pbe2->encryption->parameter;
    if (!ivParameter || ivParameter->type != V_ASN1_OCTET_STRING ||
        ASN1_STRING_length(ivParameter->value.octet_string) != int(kAesBlockLength))
        return notSealed(QStringLiteral("the AES-256-CBC IV is not a 16-byte OCTET STRING"));
    sealed.iv = asnBytes(ivParameter->value.octet_string);

    const ScryptParamsPtr scrypt(static_cast<SCRYPT_PARAMS *>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS), pbe2->keyfunc->parameter)));
    if (!scrypt)
        return notSealed(QStringLiteral("unreadable scrypt parameters"));
    sealed.salt = asnBytes(scrypt->salt);
    if (sealed.salt.size() < kMinSealedSaltLength || sealed.salt.size() > kMaxSaltLength)
        return notSealed(QStringLiteral("the scrypt salt is %1 bytes, not %2 to %3")
                             .arg(sealed.salt.size())
                             .arg(kMinSealedSaltLength)
                             .arg(kMaxSaltLength));
    if (scrypt->keyLength && asnUint64(scrypt->keyLength) != kAes256KeyLength)
        return notSealed(QStringLiteral("the scrypt key length is not 32 (AES-256's)"));
    const auto n = asnUint64(scrypt->costParameter);
    const auto r = asnUint64(scrypt->blockSize);
    const auto p = asnUint64(scrypt->parallelizationParameter);
    if (!n)
        return notSealed(QStringLiteral("the scrypt N is not a 64-bit unsigned number"));
    if (!r || *r > UINT32_MAX)
        return notSealed(QStringLiteral("the scrypt r is not a 32-bit unsigned number"));
    if (!p || *p > UINT32_MAX)
        return notSealed(QStringLiteral("the scrypt p is not a 32-bit unsigned number"));
    sealed.scrypt = {*n, quint32(*r), quint32(*p)};
    if (Status valid = checkScryptCost(sealed.scrypt); !valid)
        return notSealed(valid.errorMessage());

    const int length = ASN1_STRING_length(ciphertext);
    if (length <= 0 || length % int(kAesBlockLength) != 0)
        return notSealed(QStringLiteral("the ciphertext is %1 bytes, not a whole number of AES "
                                        "blocks")
                             .arg(length));
    sealed.ciphertext = QByteArrayView(ASN1_STRING_get0_data(ciphertext), length);
    return sealed;
}

} // namespace

PassphraseVerifier::PassphraseVerifier(ScryptParameters parameters, QByteArray salt,
                                       QByteArray checkValue)
    : m_parameters(parameters), m_salt(std::move(salt)), m_check(std::move(checkValue))
{}

Result<PassphraseVerifier> PassphraseVerifier::fromStored(QByteArrayView stored)
{
    const auto bad = [](const QString &why) {
        return Error{QStringLiteral("passphrase verifier: %1").arg(why)};
    };
    if (stored.size() > kMaxStoredVerifier)
        return bad(QStringLiteral("%1 bytes long, more than a verifier can be (%2)")
                       .arg(stored.size())
                       .arg(kMaxStoredVerifier));
    const QList<QByteArray> fields = stored.toByteArray().split('$');
    if (fields.size() != 7)
        return bad(QStringLiteral("expected 7 fields separated by '$' "
                                  "(scrypt$1$N$r$p$salt$check), found %1")
                       .arg(fields.size()));
    if (fields[0] != kVerifierScheme)
        return bad(QStringLiteral("unknown scheme \"%1\" (expected \"scrypt\")")
                       .arg(QString::fromUtf8(fields[0])));
    if (fields[1] != kVerifierVersion)
        return bad(QStringLiteral("unsupported version \"%1\" (this Baton reads version 1)")
                       .arg(QString::fromUtf8(fields[1])));
    auto parameters = parseScryptFields(fields[2], fields[3], fields[4]);
    if (!parameters)
        return bad(parameters.errorMessage());
    auto salt = parseBase64Field(fields[5]);
    if (!salt)
        return bad(QStringLiteral("salt is not canonical base64"));
    if (salt->size() < kMinVerifierSaltLength || salt->size() > kMaxSaltLength)
        return bad(QStringLiteral("salt is %1 bytes, not %2 to %3")
                       .arg(salt->size())
                       .arg(kMinVerifierSaltLength)
                       .arg(kMaxSaltLength));
    auto check = parseBase64Field(fields[6]);
    if (!check)
        return bad(QStringLiteral("check is not canonical base64"));
    if (check->size() != kCheckLength)
        return bad(
            QStringLiteral("check is %1 bytes, not %2").arg(check->size()).arg(kCheckLength));
    return PassphraseVerifier(*parameters, std::move(*salt), std::move(*check));
}

Status PassphraseVerifier::check(QByteArrayView passphrase) const
{
    // Verifiers were never made for an empty passphrase, so an empty one can never be right.
    if (passphrase.isEmpty())
        return wrongPassphrase();
    DerivedKey key;
    if (Status derived = deriveKey(passphrase, m_salt, m_parameters, key); !derived)
        return derived.error();
    unsigned char computed[kCheckLength];
    size_t length = 0;
    if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.bytes, sizeof key.bytes,
                   reinterpret_cast<const unsigned char *>(kCheckLabel), sizeof kCheckLabel - 1,
                   computed, sizeof computed, &length) ||
        length != sizeof computed)
        return openSslError(QStringLiteral("cannot compute the passphrase check"));
    if (CRYPTO_memcmp(computed, m_check.constData(), sizeof computed) != 0)
        return wrongPassphrase();
    return {};
}

Result<EvpPkeyPtr> openLegacySealedKey(QByteArrayView sealedDer, QByteArrayView passphrase)
{
    auto sealed = parseSealedKey(sealedDer);
    if (!sealed)
        return sealed.error();
    // Keys were never sealed under an empty passphrase, so an empty one can never be right.
    if (passphrase.isEmpty())
        return wrongPassphrase();
    DerivedKey aesKey;
    if (Status derived = deriveKey(passphrase, sealed->salt, sealed->scrypt, aesKey); !derived)
        return derived.error();
    WipedBuffer plain(size_t(sealed->ciphertext.size()) + kAesBlockLength);
    size_t plainLength = 0;
    if (!aes256CbcDecrypt(aesKey, reinterpret_cast<const unsigned char *>(sealed->iv.constData()),
                          sealed->ciphertext, plain.data(), plainLength)) {
        discardOpenSslErrors();
        return wrongPassphrase();
    }
    // A wrong key still yields valid padding about once in 256 tries; the PKCS#8 structure
    // then fails to parse instead.
    return decodeDecryptedPkcs8(plain.data(), plainLength, wrongPassphrase());
}

} // namespace baton
