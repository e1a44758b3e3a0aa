// Unit tests for vault/LegacyVault: reading the vault of workspaces before schema 6 (keys
// sealed one by one as PBES2 with scrypt and AES-256-CBC, a passphrase verifier), which Baton
// does once, to upgrade them. The blobs come from tests/support/LegacyVaultWriter and from
// OpenSSL's own PKCS#8 code.

#include "LegacyVaultWriter.h"
#include "TestPki.h"
#include "VaultRecordRows.h"
#include "common/Pem.h"
#include "crypto/KeyCodec.h"
#include "crypto/PkcsObjects.h"
#include "vault/KeyVault.h"
#include "vault/LegacyVault.h"

#include <QTest>
#include <functional>
#include <map>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>

using namespace baton;
using namespace baton::test;

Q_DECLARE_METATYPE(baton::ScryptParameters)

namespace {

const QByteArray kPassphrase = QByteArrayLiteral("correct horse battery staple");
/// For rows where the work factor is not the point: 1 MiB, a few milliseconds.
constexpr ScryptParameters kFast = {1024, 8, 1};

const char *const kKeyNames[] = {"ecdsa-p256", "ecdsa-p384", "ecdsa-p521",  "ed25519",
                                 "ed448",      "rsa-2048",   "rsa-pss-2048"};

QByteArray der(const X509_SIG *sig)
{
    unsigned char *out = nullptr;
    const int length = i2d_X509_SIG(sig, &out);
    if (length <= 0)
        qFatal("i2d_X509_SIG failed");
    QByteArray bytes(reinterpret_cast<const char *>(out), length);
    OPENSSL_free(out);
    return bytes;
}

X509SigPtr parseSig(const QByteArray &sealed)
{
    const auto *cursor = reinterpret_cast<const unsigned char *>(sealed.constData());
    return X509SigPtr(d2i_X509_SIG(nullptr, &cursor, long(sealed.size())));
}

/// The sealed key with its scrypt parameters changed by `change`, re-encoded with OpenSSL's
/// ASN.1 code: the way to make well-formed blobs with parameters Baton would never write.
QByteArray withScrypt(const QByteArray &sealed, const std::function<void(SCRYPT_PARAMS *)> &change)
{
    const X509SigPtr sig = parseSig(sealed);
    X509_ALGOR *scheme = nullptr;
    ASN1_OCTET_STRING *ciphertext = nullptr;
    X509_SIG_getm(sig.get(), &scheme, &ciphertext);
    const Pbe2ParamPtr pbe2(static_cast<PBE2PARAM *>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), scheme->parameter)));
    const ScryptParamsPtr scrypt(static_cast<SCRYPT_PARAMS *>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS), pbe2->keyfunc->parameter)));
    change(scrypt.get());
    if (!ASN1_TYPE_pack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS), scrypt.get(),
                                 &pbe2->keyfunc->parameter) ||
        !ASN1_TYPE_pack_sequence(ASN1_ITEM_rptr(PBE2PARAM), pbe2.get(), &scheme->parameter))
        qFatal("cannot re-pack the scrypt parameters");
    return der(sig.get());
}

QByteArray withScryptNumbers(const QByteArray &sealed, quint64 n, quint64 r, quint64 p)
{
    return withScrypt(sealed, [&](SCRYPT_PARAMS *scrypt) {
        ASN1_INTEGER_set_uint64(scrypt->costParameter, n);
        ASN1_INTEGER_set_uint64(scrypt->blockSize, r);
        ASN1_INTEGER_set_uint64(scrypt->parallelizationParameter, p);
    });
}

/// The key encrypted by OpenSSL's PKCS#8 code (PKCS8_set0_pbe_ex / PKCS8_encrypt_ex) with
/// the given scheme, DER, under kPassphrase.
QByteArray openSslEncrypted(const EVP_PKEY *key, int pbeNid, const EVP_CIPHER *cipher, bool scrypt)
{
    const Pkcs8Ptr info(EVP_PKEY2PKCS8(key));
    X509SigPtr sig;
    if (scrypt) {
        X509_ALGOR *algorithm =
            PKCS5_pbe2_set_scrypt(cipher, nullptr, 0, nullptr, kFast.n, kFast.r, kFast.p);
        sig.reset(PKCS8_set0_pbe_ex(kPassphrase.constData(), int(kPassphrase.size()), info.get(),
                                    algorithm, nullptr, nullptr));
        if (!sig)
            X509_ALGOR_free(algorithm);
    } else {
        sig.reset(PKCS8_encrypt_ex(pbeNid, cipher, kPassphrase.constData(), int(kPassphrase.size()),
                                   nullptr, 0, 2048, info.get(), nullptr, nullptr));
    }
    if (!info || !sig)
        qFatal("OpenSSL cannot encrypt the fixture key: %s", qPrintable(takeOpenSslErrors()));
    return der(sig.get());
}

QByteArray pkcs8(const EVP_PKEY *key)
{
    auto encoded = encodePrivateKeyPkcs8Der(key);
    if (!encoded)
        qFatal("%s", qPrintable(encoded.errorMessage()));
    return encoded->bytes();
}

const QString kWrong = QLatin1String(kWrongPassphrase);

} // namespace

class LegacyVaultTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void opens_data();
    void opens();
    void opensOpenSslScryptKey();
    void wrongPassphrase_data();
    void wrongPassphrase();
    void openRejects_data();
    void openRejects();
    void verifierChecks_data();
    void verifierChecks();
    void verifierFromStoredRejects_data();
    void verifierFromStoredRejects();

private:
    void makeFixtures();
    EVP_PKEY *key(const QString &name) const { return m_keys.at(name).get(); }

    std::map<QString, EvpPkeyPtr> m_keys;
    QByteArray m_sealedP256; ///< ecdsa-p256 under kPassphrase, kFast
    QByteArray m_verifier;   ///< kPassphrase, kFast
    bool m_fixturesMade = false;
};

void LegacyVaultTest::initTestCase()
{
    makeFixtures();
}

// Also called by the _data functions that use the fixtures: `-datatags` runs those without
// initTestCase.
void LegacyVaultTest::makeFixtures()
{
    if (m_fixturesMade)
        return;
    m_fixturesMade = true;
    for (const char *name : kKeyNames)
        m_keys[QLatin1String(name)] = makeKey(QLatin1String(name));
    m_sealedP256 = sealLegacyKey(key(u"ecdsa-p256"_qs), kPassphrase, kFast);
    m_verifier = legacyVerifier(kPassphrase, kFast);
}

void LegacyVaultTest::opens_data()
{
    QTest::addColumn<QString>("keyName");
    QTest::addColumn<ScryptParameters>("parameters");
    for (const char *name : kKeyNames)
        QTest::newRow(name) << QString::fromLatin1(name) << kFast;
    QTest::newRow("ecdsa-p256, default parameters") << u"ecdsa-p256"_qs << kVaultScrypt;
}

void LegacyVaultTest::opens()
{
    QFETCH(QString, keyName);
    QFETCH(ScryptParameters, parameters);
    const EVP_PKEY *original = key(keyName);
    auto opened =
        openLegacySealedKey(sealLegacyKey(original, kPassphrase, parameters), kPassphrase);
    QVERIFY2(opened.ok(), qPrintable(opened.errorMessage()));
    QCOMPARE(keyTypeOf(opened->get()), keyTypeOf(original));
    // The private half too, not only the public one EVP_PKEY_eq compares.
    QCOMPARE(pkcs8(opened->get()), pkcs8(original));
    QCOMPARE(takeOpenSslErrors(), QString());
}

void LegacyVaultTest::opensOpenSslScryptKey()
{
    // Keys sealed by other PBES2 writers open too: the format is the standard's, not Baton's.
    // (OpenSSL 3.0 writes an 8-byte salt.)
    const EVP_PKEY *original = key(u"ed448"_qs);
    const QByteArray sealed = openSslEncrypted(original, -1, EVP_aes_256_cbc(), true);
    auto opened = openLegacySealedKey(sealed, kPassphrase);
    QVERIFY2(opened.ok(), qPrintable(opened.errorMessage()));
    QCOMPARE(pkcs8(opened->get()), pkcs8(original));
}

void LegacyVaultTest::wrongPassphrase_data()
{
    QTest::addColumn<QByteArray>("passphrase");
    QTest::newRow("another") << QByteArrayLiteral("Tr0ub4dor&3");
    QTest::newRow("different case") << kPassphrase.toUpper();
    QTest::newRow("one character short") << kPassphrase.chopped(1);
    QTest::newRow("trailing newline") << kPassphrase + '\n';
    QTest::newRow("empty") << QByteArray();
}

void LegacyVaultTest::wrongPassphrase()
{
    QFETCH(QByteArray, passphrase);
    auto verifier = PassphraseVerifier::fromStored(m_verifier);
    QVERIFY2(verifier, qPrintable(verifier.errorMessage()));
    const Status checked = verifier->check(passphrase);
    QVERIFY(!checked.ok());
    QCOMPARE(checked.errorMessage(), kWrong);
    auto opened = openLegacySealedKey(m_sealedP256, passphrase);
    QVERIFY(!opened.ok());
    QCOMPARE(opened.errorMessage(), kWrong);
    QCOMPARE(takeOpenSslErrors(), QString());
}

void LegacyVaultTest::openRejects_data()
{
    makeFixtures();
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("error");
    const QString notSealed = u"not a sealed private key: "_qs;
    const QString notDer = notSealed + u"expected a DER EncryptedPrivateKeyInfo"_qs;
    const EVP_PKEY *p256 = key(u"ecdsa-p256"_qs);

    QTest::newRow("empty") << QByteArray() << notDer;
    QTest::newRow("garbage") << QByteArrayLiteral("\x30\x03\x02\x01") + QByteArray(64, '\x5a')
                             << notDer;
    QTest::newRow("truncated") << m_sealedP256.chopped(1) << notDer;
    QTest::newRow("PEM") << encodePem(u"ENCRYPTED PRIVATE KEY"_qs, m_sealedP256) << notDer;
    QTest::newRow("unencrypted PKCS#8")
        << pkcs8(p256)
        << notSealed + u"it is an unencrypted PKCS#8 private key, which the vault never holds"_qs;
    QTest::newRow("trailing byte")
        << m_sealedP256 + '\0'
        << notSealed + u"the EncryptedPrivateKeyInfo is not DER or has bytes after it"_qs;
    QTest::newRow("PBES2 with PBKDF2")
        << openSslEncrypted(p256, -1, EVP_aes_256_cbc(), false)
        << notSealed + u"its key derivation is PBKDF2, not scrypt"_qs;
    QTest::newRow("PBES1 (PKCS#12 3DES)")
        << openSslEncrypted(p256, NID_pbe_WithSHA1And3_Key_TripleDES_CBC, nullptr, false)
        << notSealed + u"encrypted with pbeWithSHA1And3-KeyTripleDES-CBC, not PBES2 with scrypt"_qs;
    QTest::newRow("scrypt with AES-128")
        << openSslEncrypted(p256, -1, EVP_aes_128_cbc(), true)
        << notSealed + u"its cipher is aes-128-cbc, not aes-256-cbc"_qs;
    QTest::newRow("N not a power of two")
        << withScryptNumbers(m_sealedP256, 1000, 8, 1)
        << notSealed + u"scrypt N must be a power of two of at least 2, not 1000"_qs;
    QTest::newRow("r 0") << withScryptNumbers(m_sealedP256, 1024, 0, 1)
                         << notSealed + u"scrypt r must be at least 1"_qs;
    QTest::newRow("N 2^40")
        << withScryptNumbers(m_sealedP256, quint64(1) << 40, 8, 1)
        << notSealed + u"scrypt N=1099511627776, r=8, p=1 is more work (N*r*p) than Baton's "
                       "limit of 16777216"_qs;
    QTest::newRow("r beyond 32 bits")
        << withScryptNumbers(m_sealedP256, 1024, quint64(1) << 32, 1)
        << notSealed + u"the scrypt r is not a 32-bit unsigned number"_qs;
    QTest::newRow("negative p") << withScrypt(m_sealedP256, [](SCRYPT_PARAMS *scrypt) {
        ASN1_INTEGER_set_int64(scrypt->parallelizationParameter, -1);
    }) << notSealed + u"the scrypt p is not a 32-bit unsigned number"_qs;
    QTest::newRow("short salt") << withScrypt(m_sealedP256, [](SCRYPT_PARAMS *scrypt) {
        ASN1_OCTET_STRING_set(scrypt->salt, scrypt->salt->data, 4);
    }) << notSealed + u"the scrypt salt is 4 bytes, not 8 to 64"_qs;
    QTest::newRow("key length 16") << withScrypt(m_sealedP256, [](SCRYPT_PARAMS *scrypt) {
        scrypt->keyLength = ASN1_INTEGER_new();
        ASN1_INTEGER_set(scrypt->keyLength, 16);
    }) << notSealed + u"the scrypt key length is not 32 (AES-256's)"_qs;
    // Damage to the salt is a wrong key, as a wrong passphrase is: CBC cannot tell them apart.
    QTest::newRow("changed salt") << withScrypt(m_sealedP256, [](SCRYPT_PARAMS *scrypt) {
        scrypt->salt->data[0] ^= 1;
    }) << kWrong;

    const X509SigPtr sig = parseSig(m_sealedP256);
    X509_ALGOR *scheme = nullptr;
    ASN1_OCTET_STRING *ciphertext = nullptr;
    X509_SIG_getm(sig.get(), &scheme, &ciphertext);
    ASN1_OCTET_STRING_set(ciphertext, ciphertext->data, ciphertext->length - 1);
    QTest::newRow("ciphertext not whole blocks")
        << der(sig.get())
        << notSealed + u"the ciphertext is %1 bytes, not a whole number of AES blocks"_qs.arg(
                           ciphertext->length);
}

void LegacyVaultTest::openRejects()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, error);
    auto opened = openLegacySealedKey(input, kPassphrase);
    QVERIFY(!opened.ok());
    QCOMPARE(opened.errorMessage(), error);
    QCOMPARE(takeOpenSslErrors(), QString());
}

void LegacyVaultTest::verifierChecks_data()
{
    QTest::addColumn<ScryptParameters>("parameters");
    QTest::newRow("default") << kVaultScrypt;
    QTest::newRow("fast") << kFast;
    QTest::newRow("smallest") << ScryptParameters{2, 1, 1};
    QTest::newRow("p 3") << ScryptParameters{4096, 4, 3};
}

void LegacyVaultTest::verifierChecks()
{
    QFETCH(ScryptParameters, parameters);
    auto verifier = PassphraseVerifier::fromStored(legacyVerifier(kPassphrase, parameters));
    QVERIFY2(verifier.ok(), qPrintable(verifier.errorMessage()));
    QCOMPARE(verifier->parameters(), parameters);
    const Status right = verifier->check(kPassphrase);
    QVERIFY2(right.ok(), qPrintable(right.errorMessage()));
    const Status wrong = verifier->check(kPassphrase + 'x');
    QVERIFY(!wrong.ok());
    QCOMPARE(wrong.errorMessage(), kWrong);
    QCOMPARE(takeOpenSslErrors(), QString());
}

void LegacyVaultTest::verifierFromStoredRejects_data()
{
    makeFixtures();
    QTest::addColumn<QByteArray>("stored");
    QTest::addColumn<QString>("error");
    const QByteArray good = m_verifier;
    const QList<QByteArray> fields = good.split('$');
    const QString prefix = u"passphrase verifier: "_qs;

    QTest::newRow("empty") << QByteArray()
                           << prefix + u"expected 7 fields separated by '$' "
                                       "(scrypt$1$N$r$p$salt$check), found 1"_qs;
    QTest::newRow("check missing")
        << good.left(good.lastIndexOf('$'))
        << prefix + u"expected 7 fields separated by '$' (scrypt$1$N$r$p$salt$check), found 6"_qs;
    QTest::newRow("extra field")
        << good + "$x"
        << prefix + u"expected 7 fields separated by '$' (scrypt$1$N$r$p$salt$check), found 8"_qs;
    QTest::newRow("too long") << good + QByteArray(300, 'A')
                              << prefix +
                                     u"%1 bytes long, more than a verifier can be (256)"_qs.arg(
                                         good.size() + 300);
    QTest::newRow("unknown scheme")
        << withField(good, 0, "argon2id")
        << prefix + u"unknown scheme \"argon2id\" (expected \"scrypt\")"_qs;
    addSharedRecordFieldRows(good, prefix);
    QTest::newRow("salt garbled") << withField(good, 5, "c2Fs!dA==")
                                  << prefix + u"salt is not canonical base64"_qs;
    QTest::newRow("salt without padding")
        << withField(good, 5, fields[5].chopped(2)) << prefix + u"salt is not canonical base64"_qs;
    QTest::newRow("salt 8 bytes") << withField(good, 5, QByteArray(8, 's').toBase64())
                                  << prefix + u"salt is 8 bytes, not 16 to 64"_qs;
    QTest::newRow("check truncated")
        << withField(good, 6, fields[6].chopped(4)) << prefix + u"check is 30 bytes, not 32"_qs;
    QTest::newRow("check garbled")
        << withField(good, 6, fields[6].left(10) + "*" + fields[6].mid(11))
        << prefix + u"check is not canonical base64"_qs;
    QTest::newRow("trailing newline") << good + '\n'
                                      << prefix + u"check is not canonical base64"_qs;
}

void LegacyVaultTest::verifierFromStoredRejects()
{
    QFETCH(QByteArray, stored);
    QFETCH(QString, error);
    auto verifier = PassphraseVerifier::fromStored(stored);
    QVERIFY(!verifier.ok());
    QCOMPARE(verifier.errorMessage(), error);
}

QTEST_GUILESS_MAIN(LegacyVaultTest)
#include "tst_legacy_vault.moc"
