#include "KeyVault.h"

#include "VaultSupport.h"
#include "crypto/KeyCodec.h"

#include <QList>
#include <QtEndian>
#include <algorithm>
#include <iterator>
#include <openssl/rand.h>

namespace baton {

namespace {

using CipherCtxPtr = OpenSslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

constexpr char kRecordScheme[] = "scrypt-aes-256-gcm";
constexpr char kRecordVersion[] = "1";
constexpr qsizetype kSaltLength = 16;
constexpr qsizetype kNonceLength = 12; // GCM's own: no GHASH of the nonce
constexpr qsizetype kTagLength = 16;
constexpr qsizetype kWrappedLength = qsizetype(kAes256KeyLength) + kTagLength;
/// More than any record can be: the scheme, the version, three 20-digit numbers, the base64 of
/// the salt, nonce and wrapped key and the separators come to 190 bytes.
constexpr qsizetype kMaxStoredRecord = 256;

constexpr char kSealMagic[] = {'B', 't', 'n', 'K'};
constexpr char kSealVersion = 1;
constexpr qsizetype kSealHeaderLength = qsizetype(sizeof kSealMagic) + 1 + kNonceLength;
/// The largest PKCS#8 a seal may hold: an RSA-16384 key is about 9.5 KiB. A bound, so that a
/// damaged or hostile row cannot make Baton allocate at will.
constexpr qsizetype kMaxSealedPlaintext = 32 * 1024;
constexpr qsizetype kSpkiSha256Length = 32;

Error wrongPassphrase()
{
    return Error{QLatin1String(kWrongPassphrase)};
}

Status randomBytes(unsigned char *out, qsizetype length, const char *what)
{
    if (RAND_bytes(out, int(length)) != 1)
        return openSslError(QStringLiteral("cannot draw a random %1").arg(QLatin1String(what)));
    return {};
}

Result<QByteArray> randomBytes(qsizetype length, const char *what)
{
    QByteArray bytes(length, Qt::Uninitialized);
    if (Status drawn = randomBytes(reinterpret_cast<unsigned char *>(bytes.data()), length, what);
        !drawn)
        return drawn.error();
    return bytes;
}

/// A GCM context keyed and given its nonce and associated data, ready for the text.
CipherCtxPtr startGcm(bool encrypt, const unsigned char *key, const unsigned char *nonce,
                      QByteArrayView associatedData)
{
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    int ignored = 0;
    if (!ctx ||
        EVP_CipherInit_ex2(ctx.get(), EVP_aes_256_gcm(), key, nonce, encrypt ? 1 : 0, nullptr) !=
            1 ||
        EVP_CipherUpdate(ctx.get(), nullptr, &ignored, bytesOf(associatedData),
                         int(associatedData.size())) != 1)
        return nullptr;
    return ctx;
}

/// AES-256-GCM: `out` (as long as `plain`) receives the ciphertext, `tag` the 16-byte tag.
bool gcmEncrypt(const unsigned char *key, const unsigned char *nonce, QByteArrayView associatedData,
                QByteArrayView plain, unsigned char *out, unsigned char *tag)
{
    CipherCtxPtr ctx = startGcm(true, key, nonce, associatedData);
    int length = 0;
    int finished = 0;
    return ctx &&
           EVP_EncryptUpdate(ctx.get(), out, &length, bytesOf(plain), int(plain.size())) == 1 &&
           EVP_EncryptFinal_ex(ctx.get(), out + length, &finished) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, int(kTagLength), tag) == 1;
}

/// The inverse: false, with OpenSSL's errors discarded, when the tag does not verify. `out`
/// receives unauthenticated bytes before the tag is checked, so it must be a WipedBuffer.
bool gcmDecrypt(const unsigned char *key, const unsigned char *nonce, QByteArrayView associatedData,
                QByteArrayView ciphertext, QByteArrayView tag, WipedBuffer &out)
{
    CipherCtxPtr ctx = startGcm(false, key, nonce, associatedData);
    int length = 0;
    int finished = 0;
    const bool ok = ctx && out.size() >= size_t(ciphertext.size()) &&
                    EVP_DecryptUpdate(ctx.get(), out.data(), &length, bytesOf(ciphertext),
                                      int(ciphertext.size())) == 1 &&
                    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, int(kTagLength),
                                        const_cast<char *>(tag.data())) == 1 &&
                    EVP_DecryptFinal_ex(ctx.get(), out.data() + length, &finished) == 1;
    if (!ok)
        discardOpenSslErrors();
    return ok;
}

/// `key` wrapped under `passphrase` with a fresh salt and nonce: the record to store.
Result<QByteArray> wrapKey(const SecretBytes &key, QByteArrayView passphrase,
                           const ScryptParameters &scrypt)
{
    auto salt = randomBytes(kSaltLength, "salt");
    if (!salt)
        return salt.error();
    auto nonce = randomBytes(kNonceLength, "nonce");
    if (!nonce)
        return nonce.error();
    DerivedKey keyEncryptionKey;
    if (Status derived = deriveKey(passphrase, *salt, scrypt, keyEncryptionKey); !derived)
        return derived.error();
    QByteArray wrapped(kWrappedLength, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(wrapped.data());
    if (!gcmEncrypt(keyEncryptionKey.bytes, bytesOf(*nonce), QByteArrayView(kWorkspaceKeyLabel),
                    key.bytes(), out, out + kAes256KeyLength))
        return openSslError(QStringLiteral("cannot wrap the workspace key"));
    return WrappedWorkspaceKey{scrypt, std::move(*salt), std::move(*nonce), std::move(wrapped)}
        .toStored();
}

/// kSealedKeyLabel | row id (8 bytes, big-endian) | SPKI SHA-256.
QByteArray sealedKeyAssociatedData(qint64 rowId, QByteArrayView spkiSha256)
{
    char id[8];
    qToBigEndian(rowId, id);
    QByteArray data(kSealedKeyLabel);
    data.append(id, sizeof id).append(spkiSha256);
    return data;
}

Status checkSpkiSha256(QByteArrayView spkiSha256)
{
    if (spkiSha256.size() != kSpkiSha256Length)
        return Error{QStringLiteral("a sealed key's SPKI SHA-256 is %1 bytes, not %2")
                         .arg(spkiSha256.size())
                         .arg(kSpkiSha256Length)};
    return {};
}

} // namespace

Result<WrappedWorkspaceKey> WrappedWorkspaceKey::fromStored(QByteArrayView stored)
{
    const auto bad = [](const QString &why) {
        return Error{QStringLiteral("workspace key record: %1").arg(why)};
    };
    if (stored.size() > kMaxStoredRecord)
        return bad(QStringLiteral("%1 bytes long, more than a record can be (%2)")
                       .arg(stored.size())
                       .arg(kMaxStoredRecord));
    const QList<QByteArray> fields = stored.toByteArray().split('$');
    if (fields.size() != 8)
        return bad(QStringLiteral("expected 8 fields separated by '$' "
                                  "(%1$1$N$r$p$salt$nonce$wrapped), found %2")
                       .arg(QLatin1String(kRecordScheme))
                       .arg(fields.size()));
    if (fields[0] != kRecordScheme)
        return bad(QStringLiteral("unknown scheme \"%1\" (expected \"%2\")")
                       .arg(QString::fromUtf8(fields[0]), QLatin1String(kRecordScheme)));
    if (fields[1] != kRecordVersion)
        return bad(QStringLiteral("unsupported version \"%1\" (this Baton reads version 1)")
                       .arg(QString::fromUtf8(fields[1])));
    auto scrypt = parseScryptFields(fields[2], fields[3], fields[4]);
    if (!scrypt)
        return bad(scrypt.errorMessage());
    WrappedWorkspaceKey record{.scrypt = *scrypt};
    const struct
    {
        const char *name;
        qsizetype length;
        QByteArray *into;
    } binary[] = {{"salt", kSaltLength, &record.salt},
                  {"nonce", kNonceLength, &record.nonce},
                  {"wrapped key", kWrappedLength, &record.wrapped}};
    for (qsizetype i = 0; i < qsizetype(std::size(binary)); ++i) {
        const QLatin1String name(binary[i].name);
        auto decoded = parseBase64Field(fields[5 + i]);
        if (!decoded)
            return bad(QStringLiteral("%1 is not canonical base64").arg(name));
        if (decoded->size() != binary[i].length)
            return bad(QStringLiteral("%1 is %2 bytes, not %3")
                           .arg(name)
                           .arg(decoded->size())
                           .arg(binary[i].length));
        *binary[i].into = std::move(*decoded);
    }
    return record;
}

QByteArray WrappedWorkspaceKey::toStored() const
{
    return QByteArray(kRecordScheme) + '$' + kRecordVersion + '$' + scryptFields(scrypt) + '$' +
           salt.toBase64() + '$' + nonce.toBase64() + '$' + wrapped.toBase64();
}

VaultKey::VaultKey(std::shared_ptr<const SecretBytes> key, QByteArray stored,
                   ScryptParameters scrypt)
    : m_key(std::move(key)), m_stored(std::move(stored)), m_scrypt(scrypt)
{}

Result<VaultKey> VaultKey::create(QByteArrayView passphrase, ScryptParameters parameters)
{
    if (passphrase.isEmpty())
        return Error{QStringLiteral("the workspace passphrase must not be empty")};
    if (Status valid = checkScryptCost(parameters); !valid)
        return valid.error();
    auto bytes = randomBytes(qsizetype(kAes256KeyLength), "workspace key");
    if (!bytes)
        return bytes.error();
    auto key = std::make_shared<const SecretBytes>(std::move(bytes).value());
    auto stored = wrapKey(*key, passphrase, parameters);
    if (!stored)
        return stored.error();
    return VaultKey(std::move(key), std::move(stored).value(), parameters);
}

Result<VaultKey> VaultKey::unwrap(QByteArrayView stored, QByteArrayView passphrase)
{
    auto record = WrappedWorkspaceKey::fromStored(stored);
    if (!record)
        return record.error();
    // create() refuses an empty passphrase, so an empty one can never be right.
    if (passphrase.isEmpty())
        return wrongPassphrase();
    DerivedKey keyEncryptionKey;
    if (Status derived = deriveKey(passphrase, record->salt, record->scrypt, keyEncryptionKey);
        !derived)
        return derived.error();
    WipedBuffer key(kAes256KeyLength);
    const QByteArrayView wrapped(record->wrapped);
    if (!gcmDecrypt(keyEncryptionKey.bytes, bytesOf(record->nonce),
                    QByteArrayView(kWorkspaceKeyLabel), wrapped.first(kAes256KeyLength),
                    wrapped.sliced(kAes256KeyLength), key))
        return wrongPassphrase();
    return VaultKey(std::make_shared<const SecretBytes>(QByteArray(
                        reinterpret_cast<const char *>(key.data()), qsizetype(key.size()))),
                    stored.toByteArray(), record->scrypt);
}

Result<VaultKey> VaultKey::rewrap(QByteArrayView passphrase) const
{
    if (passphrase.isEmpty())
        return Error{QStringLiteral("the workspace passphrase must not be empty")};
    auto stored = wrapKey(*m_key, passphrase, m_scrypt);
    if (!stored)
        return stored.error();
    return VaultKey(m_key, std::move(stored).value(), m_scrypt);
}

Result<QByteArray> VaultKey::seal(const EVP_PKEY *key, qint64 rowId,
                                  QByteArrayView spkiSha256) const
{
    if (Status valid = checkSpkiSha256(spkiSha256); !valid)
        return valid.error();
    auto plain = encodePrivateKeyPkcs8Der(key);
    if (!plain)
        return plain.error();
    if (plain->bytes().size() > kMaxSealedPlaintext)
        return Error{QStringLiteral("the %1 key's PKCS#8 is %2 bytes, more than the vault holds "
                                    "(%3)")
                         .arg(describeKey(key))
                         .arg(plain->bytes().size())
                         .arg(kMaxSealedPlaintext)};
    QByteArray sealed(kSealHeaderLength + plain->bytes().size() + kTagLength, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(sealed.data());
    std::copy(std::begin(kSealMagic), std::end(kSealMagic), sealed.data());
    sealed[sizeof kSealMagic] = kSealVersion;
    unsigned char *nonce = out + sizeof kSealMagic + 1;
    if (Status drawn = randomBytes(nonce, kNonceLength, "nonce"); !drawn)
        return drawn.error();
    unsigned char *ciphertext = out + kSealHeaderLength;
    if (!gcmEncrypt(bytesOf(m_key->bytes()), nonce, sealedKeyAssociatedData(rowId, spkiSha256),
                    plain->bytes(), ciphertext, ciphertext + plain->bytes().size()))
        return openSslError(QStringLiteral("cannot seal the %1 key").arg(describeKey(key)));
    return sealed;
}

Result<EvpPkeyPtr> VaultKey::open(QByteArrayView sealed, qint64 rowId,
                                  QByteArrayView spkiSha256) const
{
    const auto bad = [](const QString &why) {
        return Error{QStringLiteral("sealed key: %1").arg(why)};
    };
    if (Status valid = checkSpkiSha256(spkiSha256); !valid)
        return valid.error();
    constexpr qsizetype kShortest = kSealHeaderLength + 1 + kTagLength;
    constexpr qsizetype kLongest = kSealHeaderLength + kMaxSealedPlaintext + kTagLength;
    if (sealed.size() < kShortest)
        return bad(QStringLiteral("%1 bytes, too short to be one (at least %2)")
                       .arg(sealed.size())
                       .arg(kShortest));
    if (sealed.size() > kLongest)
        return bad(
            QStringLiteral("%1 bytes, more than one can be (%2)").arg(sealed.size()).arg(kLongest));
    const QByteArrayView magic(kSealMagic, sizeof kSealMagic);
    if (!sealed.startsWith(magic))
        return bad(QStringLiteral("it starts with %1, not %2 (\"BtnK\")")
                       .arg(QString::fromLatin1(sealed.first(magic.size()).toByteArray().toHex()),
                            QString::fromLatin1(magic.toByteArray().toHex())));
    if (sealed[magic.size()] != kSealVersion)
        return bad(QStringLiteral("unsupported version %1 (this Baton reads version 1)")
                       .arg(int(quint8(sealed[magic.size()]))));
    const QByteArrayView nonce = sealed.sliced(magic.size() + 1, kNonceLength);
    const QByteArrayView ciphertext =
        sealed.sliced(kSealHeaderLength, sealed.size() - kSealHeaderLength - kTagLength);
    WipedBuffer plain(size_t(ciphertext.size()));
    if (!gcmDecrypt(bytesOf(m_key->bytes()), bytesOf(nonce),
                    sealedKeyAssociatedData(rowId, spkiSha256), ciphertext, sealed.last(kTagLength),
                    plain))
        return bad(QStringLiteral("it does not authenticate under this workspace's key: it "
                                  "belongs to another row, key or workspace, or it is damaged"));
    return decodeDecryptedPkcs8(plain.data(), plain.size(),
                                bad(QStringLiteral("it holds no PKCS#8 private key")));
}

} // namespace baton
