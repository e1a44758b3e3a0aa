// Unit tests for vault/KeyVault, the envelope vault: the workspace key wrapped under the
// passphrase (scrypt, AES-256-GCM) and read back strictly, and private keys sealed under it
// with AES-256-GCM, bound to their row of the keys table.

#include "TestPki.h"
#include "VaultRecordRows.h"
#include "crypto/KeyCodec.h"
#include "vault/KeyVault.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>
#include <map>
#include <openssl/core_names.h>

using namespace baton;
using baton::test::addSharedRecordFieldRows;
using baton::test::withField;

Q_DECLARE_METATYPE(baton::ScryptParameters)

namespace {

const QByteArray kPassphrase = QByteArrayLiteral("correct horse battery staple");
/// For rows where the work factor is not the point: 1 MiB, a few milliseconds.
constexpr ScryptParameters kFast = {1024, 8, 1};
constexpr qint64 kRow = 7;

const char *const kKeyNames[] = {"ecdsa-p256", "ecdsa-p384", "ecdsa-p521",  "ed25519",
                                 "ed448",      "rsa-2048",   "rsa-pss-2048"};

QByteArray pkcs8(const EVP_PKEY *key)
{
    auto encoded = encodePrivateKeyPkcs8Der(key);
    if (!encoded)
        qFatal("%s", qPrintable(encoded.errorMessage()));
    return encoded->bytes();
}

QByteArray bignumParameter(const EVP_PKEY *key, const char *name, int length)
{
    BIGNUM *raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1)
        qFatal("the key has no %s", name);
    const OpenSslPtr<BIGNUM, BN_clear_free> number(raw);
    QByteArray bytes(length > 0 ? length : BN_num_bytes(number.get()), Qt::Uninitialized);
    BN_bn2binpad(number.get(), reinterpret_cast<unsigned char *>(bytes.data()), int(bytes.size()));
    return bytes;
}

/// The key's secret values as raw bytes: the EC scalar (padded to the field size), the
/// Ed25519/Ed448 seed, or RSA's d and primes.
QList<QByteArray> privateSecrets(const EVP_PKEY *key)
{
    switch (keyTypeOf(key)) {
    case KeyType::EcP256:
    case KeyType::EcP384:
    case KeyType::EcP521:
        return {bignumParameter(key, OSSL_PKEY_PARAM_PRIV_KEY, (EVP_PKEY_get_bits(key) + 7) / 8)};
    case KeyType::Ed25519:
    case KeyType::Ed448: {
        size_t length = 0;
        EVP_PKEY_get_raw_private_key(key, nullptr, &length);
        QByteArray seed(qsizetype(length), Qt::Uninitialized);
        EVP_PKEY_get_raw_private_key(key, reinterpret_cast<unsigned char *>(seed.data()), &length);
        return {seed};
    }
    case KeyType::Rsa:
    case KeyType::RsaPss:
        return {bignumParameter(key, OSSL_PKEY_PARAM_RSA_D, 0),
                bignumParameter(key, OSSL_PKEY_PARAM_RSA_FACTOR1, 0),
                bignumParameter(key, OSSL_PKEY_PARAM_RSA_FACTOR2, 0)};
    default:
        qFatal("no secrets known for %s", qPrintable(describeKey(key)));
    }
}

QByteArray spkiSha256(const EVP_PKEY *key)
{
    return QCryptographicHash::hash(*encodeSubjectPublicKeyInfo(key), QCryptographicHash::Sha256);
}

VaultKey need(Result<VaultKey> key)
{
    if (!key)
        qFatal("%s", qPrintable(key.errorMessage()));
    return std::move(key).value();
}

/// The record with one bit of the binary field `index` (5 salt, 6 nonce, 7 wrapped) flipped at
/// byte `at`, re-encoded: well-formed, but no longer what was written.
QByteArray withFlippedBit(const QByteArray &stored, int index, qsizetype at)
{
    QByteArray bytes = QByteArray::fromBase64(stored.split('$')[index]);
    bytes[at] = char(bytes[at] ^ 0x01);
    return withField(stored, index, bytes.toBase64());
}

QByteArray flipped(QByteArray bytes, qsizetype at)
{
    bytes[at] = char(bytes[at] ^ 0x80);
    return bytes;
}

const QString kWrong = QLatin1String(kWrongPassphrase);
const QString kNotAuthentic =
    u"sealed key: it does not authenticate under this workspace's key: it belongs to another "
    u"row, key or workspace, or it is damaged"_qs;

} // namespace

class KeyVaultTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void wrapRoundTrip_data();
    void wrapRoundTrip();
    void wrongPassphrase_data();
    void wrongPassphrase();
    void damagedRecordIsAWrongPassphrase_data();
    void damagedRecordIsAWrongPassphrase();
    void emptyPassphraseRefused();
    void badParametersRefused_data();
    void badParametersRefused();
    void recordRejects_data();
    void recordRejects();
    void rewrapKeepsTheKey();
    void sealRoundTrip_data();
    void sealRoundTrip();
    void noPlaintextInSealedKey_data();
    void noPlaintextInSealedKey();
    void nonceIsFresh();
    void openRejects_data();
    void openRejects();

private:
    void makeFixtures();
    EVP_PKEY *key(const QString &name) const { return m_keys.at(name).get(); }

    std::map<QString, EvpPkeyPtr> m_keys;
    std::optional<VaultKey> m_vault; ///< kPassphrase, kFast
    QByteArray m_sealedP256;         ///< ecdsa-p256 under m_vault, row kRow
    QByteArray m_spkiP256;
    bool m_fixturesMade = false;
};

void KeyVaultTest::initTestCase()
{
    makeFixtures();
}

// Also called by the _data functions that use the fixtures: `-datatags` runs those without
// initTestCase.
void KeyVaultTest::makeFixtures()
{
    if (m_fixturesMade)
        return;
    m_fixturesMade = true;
    for (const char *name : kKeyNames)
        m_keys[QLatin1String(name)] = test::makeKey(QLatin1String(name));
    m_vault = need(VaultKey::create(kPassphrase, kFast));
    m_spkiP256 = spkiSha256(key(u"ecdsa-p256"_qs));
    auto sealed = m_vault->seal(key(u"ecdsa-p256"_qs), kRow, m_spkiP256);
    QVERIFY2(sealed, qPrintable(sealed.errorMessage()));
    m_sealedP256 = *sealed;
}

void KeyVaultTest::wrapRoundTrip_data()
{
    QTest::addColumn<ScryptParameters>("parameters");
    QTest::addColumn<QString>("storedPattern");
    // salt 16 bytes, nonce 12, wrapped 32 + 16: their canonical base64.
    const QString binaryFields =
        u"\\$[A-Za-z0-9+/]{22}==\\$[A-Za-z0-9+/]{16}\\$[A-Za-z0-9+/]{64}$"_qs;
    const QString scheme = u"^scrypt-aes-256-gcm\\$1\\$"_qs;
    QTest::newRow("default") << kVaultScrypt << scheme + u"131072\\$8\\$1"_qs + binaryFields;
    QTest::newRow("fast") << kFast << scheme + u"1024\\$8\\$1"_qs + binaryFields;
    QTest::newRow("smallest") << ScryptParameters{2, 1, 1}
                              << scheme + u"2\\$1\\$1"_qs + binaryFields;
    QTest::newRow("p 3") << ScryptParameters{4096, 4, 3}
                         << scheme + u"4096\\$4\\$3"_qs + binaryFields;
}

void KeyVaultTest::wrapRoundTrip()
{
    QFETCH(ScryptParameters, parameters);
    QFETCH(QString, storedPattern);
    const VaultKey created = need(VaultKey::create(kPassphrase, parameters));
    const QByteArray stored = created.stored();
    QVERIFY2(QRegularExpression(storedPattern).match(QString::fromLatin1(stored)).hasMatch(),
             stored.constData());
    auto record = WrappedWorkspaceKey::fromStored(stored);
    QVERIFY2(record, qPrintable(record.errorMessage()));
    QCOMPARE(record->scrypt, parameters);
    QCOMPARE(record->toStored(), stored);

    auto unwrapped = VaultKey::unwrap(stored, kPassphrase);
    QVERIFY2(unwrapped, qPrintable(unwrapped.errorMessage()));
    QCOMPARE(unwrapped->stored(), stored);
    // The same key: what one seals, the other opens.
    const EVP_PKEY *p256 = key(u"ecdsa-p256"_qs);
    auto sealed = created.seal(p256, kRow, m_spkiP256);
    QVERIFY2(sealed, qPrintable(sealed.errorMessage()));
    auto opened = unwrapped->open(*sealed, kRow, m_spkiP256);
    QVERIFY2(opened, qPrintable(opened.errorMessage()));
    QCOMPARE(pkcs8(opened->get()), pkcs8(p256));
    // Another workspace's key opens nothing of this one's.
    auto foreign = need(VaultKey::create(kPassphrase, parameters)).open(*sealed, kRow, m_spkiP256);
    QCOMPARE(foreign.errorMessage(), kNotAuthentic);
    QCOMPARE(takeOpenSslErrors(), QString());
}

void KeyVaultTest::wrongPassphrase_data()
{
    QTest::addColumn<QByteArray>("passphrase");
    QTest::newRow("another") << QByteArrayLiteral("Tr0ub4dor&3");
    QTest::newRow("different case") << kPassphrase.toUpper();
    QTest::newRow("one character short") << kPassphrase.chopped(1);
    QTest::newRow("trailing newline") << kPassphrase + '\n';
    QTest::newRow("empty") << QByteArray();
}

void KeyVaultTest::wrongPassphrase()
{
    QFETCH(QByteArray, passphrase);
    auto unwrapped = VaultKey::unwrap(m_vault->stored(), passphrase);
    QVERIFY(!unwrapped);
    QCOMPARE(unwrapped.errorMessage(), kWrong);
    QCOMPARE(takeOpenSslErrors(), QString());
}

void KeyVaultTest::damagedRecordIsAWrongPassphrase_data()
{
    // Well-formed records whose bytes changed: the tag cannot tell a wrong passphrase from a
    // changed salt (another KEK), nonce or wrapped key, and nothing else could either.
    makeFixtures();
    QTest::addColumn<QByteArray>("stored");
    const QByteArray good = m_vault->stored();
    QTest::newRow("salt") << withFlippedBit(good, 5, 3);
    QTest::newRow("nonce") << withFlippedBit(good, 6, 11);
    QTest::newRow("wrapped key") << withFlippedBit(good, 7, 0);
    QTest::newRow("tag") << withFlippedBit(good, 7, 47);
    QTest::newRow("another N") << withField(good, 2, "2048");
}

void KeyVaultTest::damagedRecordIsAWrongPassphrase()
{
    QFETCH(QByteArray, stored);
    QVERIFY(WrappedWorkspaceKey::fromStored(stored));
    auto unwrapped = VaultKey::unwrap(stored, kPassphrase);
    QVERIFY(!unwrapped);
    QCOMPARE(unwrapped.errorMessage(), kWrong);
    QCOMPARE(takeOpenSslErrors(), QString());
}

void KeyVaultTest::emptyPassphraseRefused()
{
    const QString error = u"the workspace passphrase must not be empty"_qs;
    QCOMPARE(VaultKey::create(QByteArray(), kFast).errorMessage(), error);
    QCOMPARE(m_vault->rewrap(QByteArray()).errorMessage(), error);
}

void KeyVaultTest::badParametersRefused_data()
{
    QTest::addColumn<ScryptParameters>("parameters");
    QTest::addColumn<QString>("error");
    QTest::newRow("N not a power of two")
        << ScryptParameters{1000, 8, 1}
        << u"scrypt N must be a power of two of at least 2, not 1000"_qs;
    QTest::newRow("N 1") << ScryptParameters{1, 8, 1}
                         << u"scrypt N must be a power of two of at least 2, not 1"_qs;
    QTest::newRow("r 0") << ScryptParameters{1024, 0, 1} << u"scrypt r must be at least 1"_qs;
    QTest::newRow("p 0") << ScryptParameters{1024, 8, 0} << u"scrypt p must be at least 1"_qs;
    QTest::newRow("N too large for r 1")
        << ScryptParameters{65536, 1, 1}
        << u"scrypt N=65536 is too large for r=1 (N must be below 2^16)"_qs;
    QTest::newRow("too much work")
        << ScryptParameters{quint64(1) << 17, 8, 32}
        << u"scrypt N=131072, r=8, p=32 is more work (N*r*p) than Baton's limit of 16777216"_qs;
    QTest::newRow("N absurd")
        << ScryptParameters{quint64(1) << 62, 8, 1}
        << u"scrypt N=4611686018427387904, r=8, p=1 is more work (N*r*p) than Baton's limit "
           "of 16777216"_qs;
    QTest::newRow("too much memory")
        << ScryptParameters{quint64(1) << 20, 16, 1}
        << u"scrypt N=1048576, r=16, p=1 needs 2048.0 MiB, more than Baton's limit of 1024.0 "
           "MiB"_qs;
}

void KeyVaultTest::badParametersRefused()
{
    QFETCH(ScryptParameters, parameters);
    QFETCH(QString, error);
    auto created = VaultKey::create(kPassphrase, parameters);
    QVERIFY(!created);
    QCOMPARE(created.errorMessage(), error);
}

void KeyVaultTest::recordRejects_data()
{
    makeFixtures();
    QTest::addColumn<QByteArray>("stored");
    QTest::addColumn<QString>("error");
    const QByteArray good = m_vault->stored();
    const QList<QByteArray> fields = good.split('$');
    const QString prefix = u"workspace key record: "_qs;
    const QString fieldCount = prefix +
                               u"expected 8 fields separated by '$' "
                               u"(scrypt-aes-256-gcm$1$N$r$p$salt$nonce$wrapped), found %1"_qs;

    QTest::newRow("empty") << QByteArray() << fieldCount.arg(1);
    QTest::newRow("wrapped key missing") << good.left(good.lastIndexOf('$')) << fieldCount.arg(7);
    QTest::newRow("extra field") << good + "$x" << fieldCount.arg(9);
    QTest::newRow("a legacy verifier")
        << QByteArray("scrypt$1$1024$8$1$c2FsdHNhbHRzYWx0c2FsdA==$") + fields[7]
        << fieldCount.arg(7);
    QTest::newRow("too long") << good + QByteArray(300, 'A')
                              << prefix + u"%1 bytes long, more than a record can be (256)"_qs.arg(
                                              good.size() + 300);
    QTest::newRow("unknown scheme")
        << withField(good, 0, "scrypt-aes-256-cbc")
        << prefix + u"unknown scheme \"scrypt-aes-256-cbc\" (expected \"scrypt-aes-256-gcm\")"_qs;
    addSharedRecordFieldRows(good, prefix);
    QTest::newRow("N 2^24, too much work")
        << withField(good, 2, "16777216")
        << prefix + u"scrypt N=16777216, r=8, p=1 is more work (N*r*p) than Baton's limit of "
                    u"16777216"_qs;
    QTest::newRow("r too much memory")
        << withField(withField(good, 2, "1048576"), 3, "16")
        << prefix + u"scrypt N=1048576, r=16, p=1 needs 2048.0 MiB, more than Baton's limit of "
                    u"1024.0 MiB"_qs;
    QTest::newRow("salt garbled") << withField(good, 5, "c2Fs!dA==")
                                  << prefix + u"salt is not canonical base64"_qs;
    QTest::newRow("salt without padding")
        << withField(good, 5, fields[5].chopped(2)) << prefix + u"salt is not canonical base64"_qs;
    QTest::newRow("salt 8 bytes") << withField(good, 5, QByteArray(8, 's').toBase64())
                                  << prefix + u"salt is 8 bytes, not 16"_qs;
    QTest::newRow("nonce garbled") << withField(good, 6, "*" + fields[6].mid(1))
                                   << prefix + u"nonce is not canonical base64"_qs;
    QTest::newRow("nonce 16 bytes") << withField(good, 6, QByteArray(16, 'n').toBase64())
                                    << prefix + u"nonce is 16 bytes, not 12"_qs;
    QTest::newRow("wrapped key truncated") << withField(good, 7, fields[7].chopped(4))
                                           << prefix + u"wrapped key is 45 bytes, not 48"_qs;
    QTest::newRow("wrapped key without its tag")
        << withField(good, 7, QByteArray::fromBase64(fields[7]).left(32).toBase64())
        << prefix + u"wrapped key is 32 bytes, not 48"_qs;
    QTest::newRow("trailing newline") << good + '\n'
                                      << prefix + u"wrapped key is not canonical base64"_qs;
}

void KeyVaultTest::recordRejects()
{
    QFETCH(QByteArray, stored);
    QFETCH(QString, error);
    auto record = WrappedWorkspaceKey::fromStored(stored);
    QVERIFY(!record);
    QCOMPARE(record.errorMessage(), error);
    // Refused before any scrypt work: "N 2^24" would take minutes and 2^40 never finish.
    QElapsedTimer clock;
    clock.start();
    auto unwrapped = VaultKey::unwrap(stored, kPassphrase);
    QVERIFY(clock.elapsed() < 1000);
    QVERIFY(!unwrapped);
    QCOMPARE(unwrapped.errorMessage(), error);
}

void KeyVaultTest::rewrapKeepsTheKey()
{
    const QByteArray other = "a new passphrase";
    auto rewrapped = m_vault->rewrap(other);
    QVERIFY2(rewrapped, qPrintable(rewrapped.errorMessage()));
    const QList<QByteArray> before = m_vault->stored().split('$');
    const QList<QByteArray> after = rewrapped->stored().split('$');
    QCOMPARE(after.mid(0, 5), before.mid(0, 5)); // scheme, version, N, r, p
    for (int field : {5, 6, 7})                  // salt, nonce, wrapped
        QVERIFY(after[field] != before[field]);
    QCOMPARE(VaultKey::unwrap(rewrapped->stored(), kPassphrase).errorMessage(), kWrong);
    auto unwrapped = VaultKey::unwrap(rewrapped->stored(), other);
    QVERIFY2(unwrapped, qPrintable(unwrapped.errorMessage()));
    // Keys sealed before the change open after it.
    auto opened = unwrapped->open(m_sealedP256, kRow, m_spkiP256);
    QVERIFY2(opened, qPrintable(opened.errorMessage()));
    QCOMPARE(pkcs8(opened->get()), pkcs8(key(u"ecdsa-p256"_qs)));
}

void KeyVaultTest::sealRoundTrip_data()
{
    QTest::addColumn<QString>("keyName");
    for (const char *name : kKeyNames)
        QTest::newRow(name) << QString::fromLatin1(name);
}

void KeyVaultTest::sealRoundTrip()
{
    QFETCH(QString, keyName);
    const EVP_PKEY *original = key(keyName);
    const QByteArray fingerprint = spkiSha256(original);
    auto sealed = m_vault->seal(original, kRow, fingerprint);
    QVERIFY2(sealed, qPrintable(sealed.errorMessage()));
    // "BtnK", version 1, a 12-byte nonce, the ciphertext (as long as the PKCS#8), a 16-byte tag.
    QCOMPARE(sealed->left(5), QByteArray("BtnK\x01"));
    QCOMPARE(sealed->size(), 5 + 12 + pkcs8(original).size() + 16);

    auto opened = m_vault->open(*sealed, kRow, fingerprint);
    QVERIFY2(opened, qPrintable(opened.errorMessage()));
    QCOMPARE(keyTypeOf(opened->get()), keyTypeOf(original));
    // The private half too, not only the public one EVP_PKEY_eq compares.
    QCOMPARE(pkcs8(opened->get()), pkcs8(original));
    QCOMPARE(takeOpenSslErrors(), QString());
}

void KeyVaultTest::noPlaintextInSealedKey_data()
{
    QTest::addColumn<QString>("keyName");
    QTest::addColumn<int>("secretLength"); ///< of the first secret: the scalar, seed or d
    const int lengths[] = {32, 48, 66, 32, 57, 0, 0};
    for (size_t i = 0; i < std::size(kKeyNames); ++i)
        QTest::newRow(kKeyNames[i]) << QString::fromLatin1(kKeyNames[i]) << lengths[i];
}

void KeyVaultTest::noPlaintextInSealedKey()
{
    QFETCH(QString, keyName);
    QFETCH(int, secretLength);
    const EVP_PKEY *original = key(keyName);
    auto sealed = m_vault->seal(original, kRow, spkiSha256(original));
    QVERIFY2(sealed.ok(), qPrintable(sealed.errorMessage()));

    QVERIFY(!sealed->contains(pkcs8(original)));
    const QList<QByteArray> secrets = privateSecrets(original);
    QVERIFY(!secrets.isEmpty());
    if (secretLength > 0)
        QCOMPARE(secrets.front().size(), secretLength);
    else
        QVERIFY(secrets.front().size() >= 250); // RSA-2048's d
    // Not even a fragment: any 8 bytes of a secret in a ~1 KiB random-looking blob would be a
    // chance of about 2^-50.
    constexpr qsizetype kWindow = 8;
    for (const QByteArray &secret : secrets) {
        for (qsizetype at = 0; at + kWindow <= secret.size(); ++at)
            QVERIFY2(!sealed->contains(secret.mid(at, kWindow)),
                     qPrintable(u"secret bytes %1.. are in the sealed key"_qs.arg(at)));
    }
}

void KeyVaultTest::nonceIsFresh()
{
    auto again = m_vault->seal(key(u"ecdsa-p256"_qs), kRow, m_spkiP256);
    QVERIFY2(again, qPrintable(again.errorMessage()));
    QVERIFY(again->mid(5, 12) != m_sealedP256.mid(5, 12));
    QVERIFY(again->mid(17) != m_sealedP256.mid(17));
}

void KeyVaultTest::openRejects_data()
{
    makeFixtures();
    QTest::addColumn<QByteArray>("sealed");
    QTest::addColumn<qint64>("row");
    QTest::addColumn<QByteArray>("spkiSha256");
    QTest::addColumn<QString>("error");
    const QByteArray &good = m_sealedP256;
    const QByteArray &spki = m_spkiP256;
    const qsizetype tagAt = good.size() - 16;

    // Bound to its row: the blob of one key, copied to another row, or to another key's row.
    QTest::newRow("another row id") << good << kRow + 1 << spki << kNotAuthentic;
    QTest::newRow("row id in the high bytes")
        << good << (kRow | (qint64(1) << 40)) << spki << kNotAuthentic;
    QTest::newRow("another key's SPKI hash")
        << good << kRow << spkiSha256(key(u"ed25519"_qs)) << kNotAuthentic;
    QTest::newRow("SPKI hash with one bit changed")
        << good << kRow << flipped(spki, 31) << kNotAuthentic;
    // Any byte changed, wherever it is.
    QTest::newRow("nonce byte flipped") << flipped(good, 5) << kRow << spki << kNotAuthentic;
    QTest::newRow("last nonce byte flipped") << flipped(good, 16) << kRow << spki << kNotAuthentic;
    QTest::newRow("ciphertext byte flipped") << flipped(good, 17) << kRow << spki << kNotAuthentic;
    QTest::newRow("last ciphertext byte flipped")
        << flipped(good, tagAt - 1) << kRow << spki << kNotAuthentic;
    QTest::newRow("tag byte flipped") << flipped(good, tagAt) << kRow << spki << kNotAuthentic;
    QTest::newRow("last tag byte flipped")
        << flipped(good, good.size() - 1) << kRow << spki << kNotAuthentic;
    QTest::newRow("truncated by a byte") << good.chopped(1) << kRow << spki << kNotAuthentic;
    QTest::newRow("a byte appended") << good + '\0' << kRow << spki << kNotAuthentic;
    // Malformed: refused for what is wrong, before any decryption.
    QTest::newRow("empty") << QByteArray() << kRow << spki
                           << u"sealed key: 0 bytes, too short to be one (at least 34)"_qs;
    QTest::newRow("header and tag only")
        << good.left(17) + good.right(16) << kRow << spki
        << u"sealed key: 33 bytes, too short to be one (at least 34)"_qs;
    QTest::newRow("too long") << good + QByteArray(33 * 1024, 'x') << kRow << spki
                              << u"sealed key: %1 bytes, more than one can be (32801)"_qs.arg(
                                     good.size() + 33 * 1024);
    QTest::newRow("wrong magic")
        << "btnK" + good.mid(4) << kRow << spki
        << u"sealed key: it starts with 62746e4b, not 42746e4b (\"BtnK\")"_qs;
    QTest::newRow("a legacy PBES2 blob")
        << QByteArray("\x30\x82\x01\x2c") + good.mid(4) << kRow << spki
        << u"sealed key: it starts with 3082012c, not 42746e4b (\"BtnK\")"_qs;
    QTest::newRow("version 2")
        << good.left(4) + '\x02' + good.mid(5) << kRow << spki
        << u"sealed key: unsupported version 2 (this Baton reads version 1)"_qs;
    QTest::newRow("SPKI hash of 20 bytes")
        << good << kRow << spki.left(20) << u"a sealed key's SPKI SHA-256 is 20 bytes, not 32"_qs;
}

void KeyVaultTest::openRejects()
{
    QFETCH(QByteArray, sealed);
    QFETCH(qint64, row);
    QFETCH(QByteArray, spkiSha256);
    QFETCH(QString, error);
    auto opened = m_vault->open(sealed, row, spkiSha256);
    QVERIFY(!opened);
    QCOMPARE(opened.errorMessage(), error);
    QCOMPARE(takeOpenSslErrors(), QString());
}

QTEST_GUILESS_MAIN(KeyVaultTest)
#include "tst_key_vault.moc"
