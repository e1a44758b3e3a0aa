#include "LegacyVaultWriter.h"

#include "RawSql.h"
#include "crypto/KeyCodec.h"
#include "crypto/PkcsObjects.h"
#include "store/Workspace.h"
#include "store/WorkspaceSql.h"
#include "vault/VaultSupport.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <openssl/rand.h>

namespace baton::test {

namespace {

using Asn1StringPtr = OpenSslPtr<ASN1_STRING, ASN1_STRING_free>;
using CipherCtxPtr = OpenSslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

constexpr int kAesBlockLength = 16;

QByteArray randomBytes(qsizetype length)
{
    QByteArray bytes(length, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(bytes.data()), int(length)) != 1)
        qFatal("RAND_bytes failed");
    return bytes;
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

/// The PBES2 AlgorithmIdentifier built by hand, as Baton did: PKCS5_pbe2_set_scrypt refuses
/// parameters above OpenSSL's 32 MiB default, kVaultScrypt among them.
bool setPbes2Scrypt(X509_ALGOR *algorithm, QByteArrayView salt, QByteArrayView iv,
                    const ScryptParameters &s)
{
    ScryptParamsPtr scrypt(SCRYPT_PARAMS_new());
    Pbe2ParamPtr pbe2(PBE2PARAM_new());
    OpenSslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> ivString(ASN1_OCTET_STRING_new());
    if (!scrypt || !pbe2 || !ivString ||
        !ASN1_OCTET_STRING_set(scrypt->salt, bytesOf(salt), int(salt.size())) ||
        !ASN1_INTEGER_set_uint64(scrypt->costParameter, s.n) ||
        !ASN1_INTEGER_set_uint64(scrypt->blockSize, s.r) ||
        !ASN1_INTEGER_set_uint64(scrypt->parallelizationParameter, s.p) ||
        !setAlgorithm(pbe2->keyfunc, NID_id_scrypt, scrypt.get(), ASN1_ITEM_rptr(SCRYPT_PARAMS)) ||
        !ASN1_OCTET_STRING_set(ivString.get(), bytesOf(iv), int(iv.size())) ||
        !X509_ALGOR_set0(pbe2->encryption, OBJ_nid2obj(NID_aes_256_cbc), V_ASN1_OCTET_STRING,
                         ivString.get()))
        return false;
    ivString.release(); // owned by pbe2->encryption now
    return setAlgorithm(algorithm, NID_pbes2, pbe2.get(), ASN1_ITEM_rptr(PBE2PARAM));
}

void derive(QByteArrayView passphrase, QByteArrayView salt, const ScryptParameters &scrypt,
            DerivedKey &key)
{
    if (Status derived = deriveKey(passphrase, salt, scrypt, key); !derived)
        qFatal("%s", qPrintable(derived.errorMessage()));
}

void run(const QString &path, const QStringList &statements)
{
    if (const QString error = rawSql(path, statements); !error.isEmpty())
        qFatal("%s: %s", qPrintable(path), qPrintable(error));
}

QString hexLiteral(const QByteArray &bytes)
{
    return u"X'"_qs + QString::fromLatin1(bytes.toHex()) + u"'"_qs;
}

} // namespace

QByteArray legacyVerifier(QByteArrayView passphrase, const ScryptParameters &scrypt)
{
    // The label is the legacy format's, frozen: LegacyVault.h documents it.
    static constexpr char kCheckLabel[] = "Baton workspace passphrase verifier v1";
    const QByteArray salt = randomBytes(16);
    DerivedKey key;
    derive(passphrase, salt, scrypt, key);
    QByteArray check(32, Qt::Uninitialized);
    size_t length = 0;
    if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.bytes, sizeof key.bytes,
                   reinterpret_cast<const unsigned char *>(kCheckLabel), sizeof kCheckLabel - 1,
                   reinterpret_cast<unsigned char *>(check.data()), size_t(check.size()), &length))
        qFatal("HMAC failed");
    return "scrypt$1$" + scryptFields(scrypt) + '$' + salt.toBase64() + '$' + check.toBase64();
}

QByteArray sealLegacyKey(const EVP_PKEY *key, QByteArrayView passphrase,
                         const ScryptParameters &scrypt)
{
    auto plain = encodePrivateKeyPkcs8Der(key);
    if (!plain)
        qFatal("%s", qPrintable(plain.errorMessage()));
    const QByteArray salt = randomBytes(16);
    const QByteArray iv = randomBytes(kAesBlockLength);
    DerivedKey aesKey;
    derive(passphrase, salt, scrypt, aesKey);
    QByteArray ciphertext(plain->bytes().size() + kAesBlockLength, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(ciphertext.data());
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    int updated = 0;
    int finished = 0;
    if (!ctx ||
        EVP_EncryptInit_ex2(ctx.get(), EVP_aes_256_cbc(), aesKey.bytes, bytesOf(iv), nullptr) !=
            1 ||
        EVP_EncryptUpdate(ctx.get(), out, &updated, bytesOf(plain->bytes()),
                          int(plain->bytes().size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), out + updated, &finished) != 1)
        qFatal("AES-256-CBC failed");
    ciphertext.truncate(updated + finished);

    X509SigPtr sig(X509_SIG_new());
    X509_ALGOR *scheme = nullptr;
    ASN1_OCTET_STRING *encrypted = nullptr;
    if (sig)
        X509_SIG_getm(sig.get(), &scheme, &encrypted);
    if (!sig || !setPbes2Scrypt(scheme, salt, iv, scrypt) ||
        !ASN1_OCTET_STRING_set(encrypted, bytesOf(ciphertext), int(ciphertext.size())))
        qFatal("cannot build the EncryptedPrivateKeyInfo");
    unsigned char *der = nullptr;
    const int derLength = i2d_X509_SIG(sig.get(), &der);
    if (derLength <= 0)
        qFatal("cannot encode the EncryptedPrivateKeyInfo");
    QByteArray sealed(reinterpret_cast<const char *>(der), derLength);
    OPENSSL_free(der);
    return sealed;
}

void makeLegacyWorkspace(const QString &path, QByteArrayView passphrase, const QDateTime &now,
                         const ScryptParameters &scrypt)
{
    if (auto created = Workspace::create(path, passphrase, now, scrypt); !created)
        qFatal("%s", qPrintable(created.errorMessage()));
    rewriteAsLegacyVault(path, passphrase, scrypt);
}

void rewriteAsLegacyVault(const QString &path, QByteArrayView passphrase,
                          const ScryptParameters &scrypt)
{
    // The tables of schemas 5 and 6 are the same: only the sealed keys and the vault's settings
    // row differ. Schema 7 adds token_keys, which a schema 5 file lacks.
    QStringList statements;
    {
        auto workspace = Workspace::open(path);
        if (!workspace)
            qFatal("%s", qPrintable(workspace.errorMessage()));
        if (Status unlocked = (*workspace)->unlock(passphrase); !unlocked)
            qFatal("%s", qPrintable(unlocked.errorMessage()));
        const VaultKey &vault = *(*workspace)->vaultKey();
        const QString connection = u"legacy-writer"_qs;
        {
            QSqlDatabase database = QSqlDatabase::addDatabase(u"QSQLITE"_qs, connection);
            database.setDatabaseName(path);
            if (!database.open())
                qFatal("%s", qPrintable(database.lastError().text()));
            QSqlQuery rows(u"SELECT id, spki_sha256, sealed FROM keys"_qs, database);
            while (rows.next()) {
                const qint64 id = rows.value(0).toLongLong();
                auto key = vault.open(rows.value(2).toByteArray(), id, rows.value(1).toByteArray());
                if (!key)
                    qFatal("%s", qPrintable(key.errorMessage()));
                statements << u"UPDATE keys SET sealed = %1 WHERE id = %2"_qs
                                  .arg(hexLiteral(sealLegacyKey(key->get(), passphrase, scrypt)))
                                  .arg(id);
            }
        }
        QSqlDatabase::removeDatabase(connection);
    }
    statements << u"DELETE FROM settings WHERE name = '%1'"_qs.arg(QLatin1String(kVaultKeySetting))
               << u"INSERT INTO settings (name, value) VALUES ('%1', '%2')"_qs.arg(
                      QLatin1String(kLegacyVerifierSetting),
                      QString::fromLatin1(legacyVerifier(passphrase, scrypt)))
               << u"DROP TABLE token_keys"_qs
               << u"PRAGMA user_version = %1"_qs.arg(kLegacyVaultSchema);
    run(path, statements);
}

void addLegacyKey(const QString &path, const EVP_PKEY *key, QByteArrayView passphrase,
                  const ScryptParameters &scrypt)
{
    auto fingerprint = spkiSha256(key);
    if (!fingerprint)
        qFatal("%s", qPrintable(fingerprint.errorMessage()));
    run(path, {u"INSERT INTO keys (spki_sha256, key_type, sealed) VALUES (%1, '%2', %3)"_qs.arg(
                  hexLiteral(*fingerprint), keyTypeName(keyTypeOf(key)),
                  hexLiteral(sealLegacyKey(key, passphrase, scrypt)))});
}

} // namespace baton::test
