#include "VaultSupport.h"

#include "crypto/PkcsObjects.h"

#include <openssl/core_dispatch.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <utility>

namespace baton {

namespace {

std::optional<quint64> parseDecimalField(const QByteArray &field)
{
    // Digits only: toULongLong alone would also take signs and spaces. More than 20 cannot fit.
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

} // namespace

DerivedKey::~DerivedKey()
{
    OPENSSL_cleanse(bytes, sizeof bytes);
}

Status deriveKey(QByteArrayView passphrase, QByteArrayView salt, const ScryptParameters &scrypt,
                 DerivedKey &key)
{
    if (EVP_PBE_scrypt_ex(passphrase.data(), size_t(passphrase.size()), bytesOf(salt),
                          size_t(salt.size()), scrypt.n, scrypt.r, scrypt.p, kMaxScryptMemory,
                          key.bytes, sizeof key.bytes, nullptr, nullptr) != 1)
        return openSslError(QStringLiteral("scrypt key derivation failed"));
    return {};
}

WipedBuffer::WipedBuffer(size_t size) : m_data(new unsigned char[size]), m_size(size) {}

WipedBuffer::~WipedBuffer()
{
    OPENSSL_cleanse(m_data.get(), m_size);
}

Result<EvpPkeyPtr> decodeDecryptedPkcs8(const unsigned char *der, size_t length,
                                        const Error &malformed)
{
    const unsigned char *cursor = der;
    const Pkcs8Ptr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, long(length)));
    if (!info || cursor != der + length) {
        discardOpenSslErrors();
        return malformed;
    }
    // EVP_PKCS82PKEY_ex builds a decoder context on every call, searching every provider's
    // decoders, which costs more than the decoding (about a millisecond): one context per
    // thread, reused, as decodeSubjectPublicKeyInfo does. Every rotation opens keys.
    struct Pkcs8Decoder
    {
        EVP_PKEY *decoded = nullptr;
        DecoderCtxPtr context;
    };
    thread_local Pkcs8Decoder decoder;
    if (!decoder.context)
        decoder.context.reset(
            OSSL_DECODER_CTX_new_for_pkey(&decoder.decoded, "DER", "PrivateKeyInfo", nullptr,
                                          OSSL_KEYMGMT_SELECT_KEYPAIR, nullptr, nullptr));
    cursor = der;
    size_t left = length;
    decoder.decoded = nullptr;
    const bool decoded =
        decoder.context && OSSL_DECODER_from_data(decoder.context.get(), &cursor, &left) == 1;
    EvpPkeyPtr key(std::exchange(decoder.decoded, nullptr));
    if (!decoded || !key)
        return openSslError(QStringLiteral("the sealed key decrypts to a PKCS#8 key OpenSSL "
                                           "cannot read"));
    return key;
}

std::optional<QByteArray> parseBase64Field(const QByteArray &field)
{
    auto decoded = QByteArray::fromBase64Encoding(
        field, QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.toBase64() != field)
        return std::nullopt;
    return std::move(decoded.decoded);
}

Result<ScryptParameters> parseScryptFields(const QByteArray &nField, const QByteArray &rField,
                                           const QByteArray &pField)
{
    const auto shown = [](const QByteArray &field) {
        return QString::fromUtf8(field);
    };
    const auto n = parseDecimalField(nField);
    if (!n)
        return Error{QStringLiteral("N \"%1\" is not a decimal number").arg(shown(nField))};
    const auto r = parseDecimalField(rField);
    if (!r || *r > UINT32_MAX)
        return Error{QStringLiteral("r \"%1\" is not a 32-bit decimal number").arg(shown(rField))};
    const auto p = parseDecimalField(pField);
    if (!p || *p > UINT32_MAX)
        return Error{QStringLiteral("p \"%1\" is not a 32-bit decimal number").arg(shown(pField))};
    const ScryptParameters scrypt{*n, quint32(*r), quint32(*p)};
    if (Status valid = checkScryptCost(scrypt); !valid)
        return valid.error();
    return scrypt;
}

QByteArray scryptFields(const ScryptParameters &scrypt)
{
    return QByteArray::number(scrypt.n) + '$' + QByteArray::number(scrypt.r) + '$' +
           QByteArray::number(scrypt.p);
}

} // namespace baton
