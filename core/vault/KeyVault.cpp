#include "KeyVault.h"

#include "crypto/KeyCodec.h"
#include "crypto/PkcsObjects.h"

#include <QList>
#include <cstring>
#include <memory>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <optional>

namespace baton {

namespace {

using Asn1StringPtr = OpenSslPtr<ASN1_STRING, ASN1_STRING_free>;
using CipherCtxPtr = OpenSslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

constexpr size_t kAesKeyLength = 32;
constexpr size_t kAesBlockLength = 16;
constexpr qsizetype kSaltLength = 16;
/// Salts Baton reads back. Its own are 16 bytes. A sealed key may have RFC 8018's minimum of 8,
/// which is what OpenSSL 3.0's PKCS#8 writers use; a verifier, which only Baton writes, has 16.
/// Longer than 64 bytes is no stronger, only a sign of a damaged or hostile record.
constexpr qsizetype kMinSealedSaltLength = 8;
constexpr qsizetype kMinVerifierSaltLength = kSaltLength;
constexpr qsizetype kMaxSaltLength = 64;
constexpr qsizetype kCheckLength = 32;
/// Domain separation: the verifier's check is this label's HMAC, so it never equals a scrypt
/// output that could serve as a key, and a future derivation can change the label.
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

/// An AES key derived from the passphrase: wiped when it goes out of scope, whatever path.
struct DerivedKey
{
    unsigned char bytes[kAesKeyLength];
    DerivedKey() = default;
    DerivedKey(const DerivedKey &) = delete;
    DerivedKey &operator=(const DerivedKey &) = delete;
    ~DerivedKey() { OPENSSL_cleanse(bytes, sizeof bytes); }
};

/// A decrypted PKCS#8 DER: wiped when it goes out of scope.
class WipedBuffer
{
public:
    explicit WipedBuffer(size_t size) : m_data(new unsigned char[size]), m_size(size) {}
    WipedBuffer(const WipedBuffer &) = delete;
    WipedBuffer &operator=(const WipedBuffer &) = delete;
    ~WipedBuffer() { OPENSSL_cleanse(m_data.get(), m_size); }
    unsigned char *data() { return m_data.get(); }

private:
    std::unique_ptr<unsigned char[]> m_data;
    size_t m_size;
};

const unsigned char *bytesOf(QByteArrayView view)
{
    return reinterpret_cast<const unsigned char *>(view.data());
}

/// RFC 7914's rules and Baton's limits (KdfLimits.h), each error naming the parameter at fault.
Status validateScrypt(const ScryptParameters &s)
{
    return checkScryptCost(s);
}

/// scrypt with an explicit memory limit: OpenSSL's default (32 MiB) is below kVaultScrypt's.
/// The parameters must have passed validateScrypt.
Status deriveKey(QByteArrayView passphrase, QByteArrayView salt, const ScryptParameters &s,
                 DerivedKey &key)
{
    if (EVP_PBE_scrypt_ex(passphrase.data(), size_t(passphrase.size()), bytesOf(salt),
                          size_t(salt.size()), s.n, s.r, s.p, kMaxScryptMemory, key.bytes,
                          sizeof key.bytes, nullptr, nullptr) != 1)
        return openSslError(QStringLiteral("scrypt key derivation failed"));
    return {};
}

/// AES-256-CBC with PKCS#7 padding; `out` must hold input + one block. False on any failure,
/// which when decrypting is almost always a padding mismatch, i.e. the wrong key.
bool aes256Cbc(bool encrypt, const DerivedKey &key, const unsigned char *iv, QByteArrayView in,
               unsigned char *out, size_t &outLength)
{
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    int updated = 0;
    int finished = 0;
    const bool ok = ctx &&
                    EVP_CipherInit_ex2(ctx.get(), EVP_aes_256_cbc(), key.bytes, iv, encrypt ? 1 : 0,
                                       nullptr) == 1 &&
                    EVP_CipherUpdate(ctx.get(), out, &updated, bytesOf(in), int(in.size())) == 1 &&
                    EVP_CipherFinal_ex(ctx.get(), out + updated, &finished) == 1;
    outLength = ok ? size_t(updated) + size_t(finished) : 0;
    return ok;
}

QString objectName(const ASN1_OBJECT *object)
{
    char name[128] = {};
    OBJ_obj2txt(name, sizeof name, object, 0);
    return QString::fromLatin1(name);
}

/// Sets `algorithm` to `nid` with `value`, an ASN.1 SEQUENCE of type `item`, as parameters.
bool setAlgorithm(X509_ALGOR *algorithm, int nid, void *value, const ASN1_ITEM *item)
{
    Asn1StringPtr sequence(ASN1_item_pack(value, item, nullptr));
    if (!sequence || !X509_ALGOR_set0(algorithm, OBJ_nid2obj(nid), V_ASN1_SEQUENCE, sequence.get()))
        return false;
    sequence.release(); // owned by the algorithm now
    return true;
}

/// The PBES2 AlgorithmIdentifier built by hand: PKCS5_pbe2_set_scrypt refuses parameters
/// above OpenSSL's 32 MiB default, kVaultScrypt among them.
bool setPbes2Scrypt(X509_ALGOR *algorithm, QByteArrayView salt, const unsigned char *iv,
                    const ScryptParameters &s)
{
    ScryptParamsPtr scrypt(SCRYPT_PARAMS_new());
    Pbe2ParamPtr pbe2(PBE2PARAM_new());
    OpenSslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> ivString(ASN1_OCTET_STRING_new());
    // keyLength is optional and left out, as OpenSSL writes it: AES-256 fixes the length.
    if (!scrypt || !pbe2 || !ivString ||
        !ASN1_OCTET_STRING_set(scrypt->salt, bytesOf(salt), int(salt.size())) ||
        !ASN1_INTEGER_set_uint64(scrypt->costParameter, s.n) ||
        !ASN1_INTEGER_set_uint64(scrypt->blockSize, s.r) ||
        !ASN1_INTEGER_set_uint64(scrypt->parallelizationParameter, s.p) ||
        !setAlgorithm(pbe2->keyfunc, NID_id_scrypt, scrypt.get(), ASN1_ITEM_rptr(SCRYPT_PARAMS)) ||
        !ASN1_OCTET_STRING_set(ivString.get(), iv, int(kAesBlockLength)) ||
        !X509_ALGOR_set0(pbe2->encryption, OBJ_nid2obj(NID_aes_256_cbc), V_ASN1_OCTET_STRING,
                         ivString.get()))
        return false;
    ivString.release(); // owned by pbe2->encryption now
    return setAlgorithm(algorithm, NID_pbes2, pbe2.get(), ASN1_ITEM_rptr(PBE2PARAM));
}

/// Everything openPrivateKey needs from a sealed key, checked before any scrypt work is done.
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
    if (scrypt->keyLength && asnUint64(scrypt->keyLength) != kAesKeyLength)
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
    if (Status valid = validateScrypt(sealed.scrypt); !valid)
        return notSealed(valid.errorMessage());

    const int length = ASN1_STRING_length(ciphertext);
    if (length <= 0 || length % int(kAesBlockLength) != 0)
        return notSealed(QStringLiteral("the ciphertext is %1 bytes, not a whole number of AES "
                                        "blocks")
                             .arg(length));
    sealed.ciphertext = QByteArrayView(ASN1_STRING_get0_data(ciphertext), length);
    return sealed;
}

/// HMAC-SHA256(scrypt(passphrase, salt), kCheckLabel).
Result<QByteArray> computeCheck(QByteArrayView passphrase, QByteArrayView salt,
                                const ScryptParameters &s)
{
    DerivedKey key;
    if (Status derived = deriveKey(passphrase, salt, s, key); !derived)
        return derived.error();
    QByteArray check(kCheckLength, Qt::Uninitialized);
    size_t length = 0;
    if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.bytes, sizeof key.bytes,
                   reinterpret_cast<const unsigned char *>(kCheckLabel), sizeof kCheckLabel - 1,
                   reinterpret_cast<unsigned char *>(check.data()), size_t(check.size()),
                   &length) ||
        length != size_t(kCheckLength))
        return openSslError(QStringLiteral("cannot compute the passphrase check"));
    return check;
}

std::optional<quint64> parseDecimal(const QByteArray &field)
{
    // Digits only (toULongLong would also take signs and spaces), no leading zero: one
    // spelling per number, so toStored(fromStored(x)) == x.
    if (field.isEmpty() || field.size() > 20 || (field.size() > 1 && field.front() == '0'))
        return std::nullopt;
    for (const char c : field) {
        if (c < '0' || c > '9')
            return std::nullopt;
    }
    bool ok = false;
    const quint64 value = field.toULongLong(&ok);
    return ok ? std::optional<quint64>(value) : std::nullopt;
}

std::optional<QByteArray> parseBase64(const QByteArray &field)
{
    auto decoded = QByteArray::fromBase64Encoding(
        field, QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    // Canonical only (padding present, unused bits zero), for the same reason as above.
    if (!decoded || decoded.decoded.toBase64() != field)
        return std::nullopt;
    return std::move(decoded.decoded);
}

} // namespace

PassphraseVerifier::PassphraseVerifier(ScryptParameters parameters, QByteArray salt,
                                       QByteArray checkValue)
    : m_parameters(parameters), m_salt(std::move(salt)), m_check(std::move(checkValue))
{}

Result<PassphraseVerifier> PassphraseVerifier::create(QByteArrayView passphrase,
                                                      ScryptParameters parameters)
{
    if (passphrase.isEmpty())
        return Error{QStringLiteral("the workspace passphrase must not be empty")};
    if (Status valid = validateScrypt(parameters); !valid)
        return valid.error();
    QByteArray salt(kSaltLength, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(salt.data()), int(salt.size())) != 1)
        return openSslError(QStringLiteral("cannot draw a random salt"));
    auto check = computeCheck(passphrase, salt, parameters);
    if (!check)
        return check.error();
    return PassphraseVerifier(parameters, std::move(salt), std::move(check).value());
}

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
    const auto shown = [](const QByteArray &field) {
        return QString::fromUtf8(field);
    };
    if (fields[0] != kVerifierScheme)
        return bad(
            QStringLiteral("unknown scheme \"%1\" (expected \"scrypt\")").arg(shown(fields[0])));
    if (fields[1] != kVerifierVersion)
        return bad(QStringLiteral("unsupported version \"%1\" (this Baton reads version 1)")
                       .arg(shown(fields[1])));
    const auto n = parseDecimal(fields[2]);
    if (!n)
        return bad(QStringLiteral("N \"%1\" is not a decimal number").arg(shown(fields[2])));
    const auto r = parseDecimal(fields[3]);
    if (!r || *r > UINT32_MAX)
        return bad(QStringLiteral("r \"%1\" is not a 32-bit decimal number").arg(shown(fields[3])));
    const auto p = parseDecimal(fields[4]);
    if (!p || *p > UINT32_MAX)
        return bad(QStringLiteral("p \"%1\" is not a 32-bit decimal number").arg(shown(fields[4])));
    const ScryptParameters parameters{*n, quint32(*r), quint32(*p)};
    if (Status valid = validateScrypt(parameters); !valid)
        return bad(valid.errorMessage());
    auto salt = parseBase64(fields[5]);
    if (!salt)
        return bad(QStringLiteral("salt is not canonical base64"));
    if (salt->size() < kMinVerifierSaltLength || salt->size() > kMaxSaltLength)
        return bad(QStringLiteral("salt is %1 bytes, not %2 to %3")
                       .arg(salt->size())
                       .arg(kMinVerifierSaltLength)
                       .arg(kMaxSaltLength));
    auto check = parseBase64(fields[6]);
    if (!check)
        return bad(QStringLiteral("check is not canonical base64"));
    if (check->size() != kCheckLength)
        return bad(
            QStringLiteral("check is %1 bytes, not %2").arg(check->size()).arg(kCheckLength));
    return PassphraseVerifier(parameters, std::move(*salt), std::move(*check));
}

QByteArray PassphraseVerifier::toStored() const
{
    return QByteArray(kVerifierScheme) + '$' + kVerifierVersion + '$' +
           QByteArray::number(m_parameters.n) + '$' + QByteArray::number(m_parameters.r) + '$' +
           QByteArray::number(m_parameters.p) + '$' + m_salt.toBase64() + '$' + m_check.toBase64();
}

Status PassphraseVerifier::check(QByteArrayView passphrase) const
{
    // create() refuses an empty passphrase, so an empty one can never be right.
    if (passphrase.isEmpty())
        return wrongPassphrase();
    auto computed = computeCheck(passphrase, m_salt, m_parameters);
    if (!computed)
        return computed.error();
    if (CRYPTO_memcmp(computed->constData(), m_check.constData(), size_t(kCheckLength)) != 0)
        return wrongPassphrase();
    return {};
}

Result<CheckedPassphrase> PassphraseVerifier::accept(QByteArrayView passphrase) const
{
    if (Status checked = check(passphrase); !checked)
        return checked.error();
    return CheckedPassphrase(passphrase, *this);
}

CheckedPassphrase::CheckedPassphrase(QByteArrayView passphrase, const PassphraseVerifier &verifier)
    : m_passphrase(std::make_shared<const SecretBytes>(passphrase.toByteArray())),
      m_parameters(verifier.parameters()), m_verifier(verifier.toStored())
{}

Result<CheckedPassphrase> CheckedPassphrase::create(QByteArrayView passphrase,
                                                    ScryptParameters parameters)
{
    auto verifier = PassphraseVerifier::create(passphrase, parameters);
    if (!verifier)
        return verifier.error();
    // Made from this very passphrase: checking it again would only repeat the scrypt run.
    return CheckedPassphrase(passphrase, *verifier);
}

Result<QByteArray> sealPrivateKey(const EVP_PKEY *key, QByteArrayView passphrase,
                                  ScryptParameters parameters)
{
    if (passphrase.isEmpty())
        return Error{QStringLiteral("cannot seal a private key under an empty passphrase")};
    if (Status valid = validateScrypt(parameters); !valid)
        return valid.error();
    auto plain = encodePrivateKeyPkcs8Der(key);
    if (!plain)
        return plain.error();
    QByteArray salt(kSaltLength, Qt::Uninitialized);
    unsigned char iv[kAesBlockLength];
    if (RAND_bytes(reinterpret_cast<unsigned char *>(salt.data()), int(salt.size())) != 1 ||
        RAND_bytes(iv, sizeof iv) != 1)
        return openSslError(QStringLiteral("cannot draw a random salt and IV"));
    DerivedKey aesKey;
    if (Status derived = deriveKey(passphrase, salt, parameters, aesKey); !derived)
        return derived.error();
    QByteArray ciphertext(plain->bytes().size() + qsizetype(kAesBlockLength), Qt::Uninitialized);
    size_t ciphertextLength = 0;
    if (!aes256Cbc(true, aesKey, iv, plain->bytes(),
                   reinterpret_cast<unsigned char *>(ciphertext.data()), ciphertextLength))
        return openSslError(QStringLiteral("cannot encrypt the %1 key").arg(describeKey(key)));
    ciphertext.truncate(qsizetype(ciphertextLength));

    X509SigPtr sig(X509_SIG_new());
    X509_ALGOR *scheme = nullptr;
    ASN1_OCTET_STRING *encrypted = nullptr;
    if (sig)
        X509_SIG_getm(sig.get(), &scheme, &encrypted);
    if (!sig || !setPbes2Scrypt(scheme, salt, iv, parameters) ||
        !ASN1_OCTET_STRING_set(encrypted, bytesOf(ciphertext), int(ciphertext.size())))
        return openSslError(QStringLiteral("cannot build the EncryptedPrivateKeyInfo"));
    unsigned char *der = nullptr;
    const int derLength = i2d_X509_SIG(sig.get(), &der);
    if (derLength <= 0)
        return openSslError(QStringLiteral("cannot encode the EncryptedPrivateKeyInfo"));
    QByteArray out(reinterpret_cast<const char *>(der), derLength);
    OPENSSL_free(der);
    return out;
}

Result<EvpPkeyPtr> openPrivateKey(QByteArrayView sealedDer, QByteArrayView passphrase)
{
    auto sealed = parseSealedKey(sealedDer);
    if (!sealed)
        return sealed.error();
    // sealPrivateKey refuses an empty passphrase, so an empty one can never be right.
    if (passphrase.isEmpty())
        return wrongPassphrase();
    DerivedKey aesKey;
    if (Status derived = deriveKey(passphrase, sealed->salt, sealed->scrypt, aesKey); !derived)
        return derived.error();
    const size_t capacity = size_t(sealed->ciphertext.size()) + kAesBlockLength;
    WipedBuffer plain(capacity);
    size_t plainLength = 0;
    if (!aes256Cbc(false, aesKey, reinterpret_cast<const unsigned char *>(sealed->iv.constData()),
                   sealed->ciphertext, plain.data(), plainLength)) {
        discardOpenSslErrors();
        return wrongPassphrase();
    }
    // A wrong key still yields valid padding about once in 256 tries; the PKCS#8 structure
    // then fails to parse instead.
    const unsigned char *cursor = plain.data();
    const Pkcs8Ptr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, long(plainLength)));
    if (!info || cursor != plain.data() + plainLength) {
        discardOpenSslErrors();
        return wrongPassphrase();
    }
    EvpPkeyPtr key(EVP_PKCS82PKEY_ex(info.get(), nullptr, nullptr));
    if (!key)
        return openSslError(QStringLiteral("the sealed key decrypts to a PKCS#8 key OpenSSL "
                                           "cannot read"));
    return key;
}

} // namespace baton
