// Unit tests for vault/KeyVault: keys sealed under the workspace passphrase (PBES2 with scrypt
// and AES-256-CBC, read back by Baton and by the openssl CLI) and the passphrase verifier.

#include "TestPki.h"
#include "common/Pem.h"
#include "crypto/KeyCodec.h"
#include "crypto/PkcsObjects.h"
#include "vault/KeyVault.h"

#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>
#include <functional>
#include <map>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <optional>

using namespace baton;

Q_DECLARE_METATYPE(baton::ScryptParameters)

namespace {

const QByteArray kPassphrase = QByteArrayLiteral("correct horse battery staple");
/// For rows where the work factor is not the point: 1 MiB, a few milliseconds.
constexpr ScryptParameters kFast = {1024, 8, 1};
/// What `openssl pkcs8` can still read: its PKCS#8 code caps scrypt at 32 MiB.
constexpr ScryptParameters kOpenSslReadable = {16384, 8, 1};

const char *const kKeyNames[] = {"ecdsa-p256", "ecdsa-p384", "ecdsa-p521",  "ed25519",
                                 "ed448",      "rsa-2048",   "rsa-pss-2048"};

QByteArray asnBytes(const ASN1_STRING *string)
{
    return QByteArray(reinterpret_cast<const char *>(ASN1_STRING_get0_data(string)),
                      ASN1_STRING_length(string));
}

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

/// A sealed key's fields, as OpenSSL's own ASN.1 code reads them (not Baton's parser).
struct SealedFields
{
    QString scheme;
    QString kdf;
    QString cipher;
    quint64 n = 0;
    quint64 r = 0;
    quint64 p = 0;
    bool hasKeyLength = false;
    QByteArray salt;
    QByteArray iv;
    QByteArray ciphertext;
};

QString nameOf(const ASN1_OBJECT *object)
{
    return QString::fromLatin1(OBJ_nid2sn(OBJ_obj2nid(object)));
}

std::optional<SealedFields> decodeSealed(const QByteArray &sealed)
{
    const X509SigPtr sig = parseSig(sealed);
    if (!sig)
        return std::nullopt;
    const X509_ALGOR *scheme = nullptr;
    const ASN1_OCTET_STRING *ciphertext = nullptr;
    X509_SIG_get0(sig.get(), &scheme, &ciphertext);
    const Pbe2ParamPtr pbe2(static_cast<PBE2PARAM *>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), scheme->parameter)));
    if (!pbe2)
        return std::nullopt;
    const ScryptParamsPtr scrypt(static_cast<SCRYPT_PARAMS *>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS), pbe2->keyfunc->parameter)));
    const ASN1_TYPE *iv = pbe2->encryption->parameter;
    if (!scrypt || !iv || iv->type != V_ASN1_OCTET_STRING)
        return std::nullopt;
    SealedFields fields;
    fields.scheme = nameOf(scheme->algorithm);
    fields.kdf = nameOf(pbe2->keyfunc->algorithm);
    fields.cipher = nameOf(pbe2->encryption->algorithm);
    uint64_t value = 0;
    if (ASN1_INTEGER_get_uint64(&value, scrypt->costParameter) == 1)
        fields.n = value;
    if (ASN1_INTEGER_get_uint64(&value, scrypt->blockSize) == 1)
        fields.r = value;
    if (ASN1_INTEGER_get_uint64(&value, scrypt->parallelizationParameter) == 1)
        fields.p = value;
    fields.hasKeyLength = scrypt->keyLength != nullptr;
    fields.salt = asnBytes(scrypt->salt);
    fields.iv = asnBytes(iv->value.octet_string);
    fields.ciphertext = asnBytes(ciphertext);
    return fields;
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

struct CliResult
{
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

CliResult
runOpenSsl(const QString &openssl, const QStringList &arguments, const QByteArray &input,
           const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(openssl, arguments);
    process.write(input);
    process.closeWriteChannel();
    CliResult result;
    result.finished =
        process.waitForFinished(60000) && process.exitStatus() == QProcess::NormalExit;
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

/// The stored verifier with field `index` (0 scheme … 6 check) replaced by `value`.
QByteArray withField(const QByteArray &stored, int index, const QByteArray &value)
{
    QList<QByteArray> fields = stored.split('$');
    fields[index] = value;
    return fields.join('$');
}

const QString kWrong = QLatin1String(kWrongPassphrase);

} // namespace

class KeyVaultTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void roundTrip_data();
    void roundTrip();
    void noPlaintextInSealedKey_data();
    void noPlaintextInSealedKey();
    void saltAndIvAreFresh();
    void opensslPkcs8ReadsSealedKey_data();
    void opensslPkcs8ReadsSealedKey();
    void opensslKdfAndEncReadDefaultSealedKey();
    void opensOpenSslScryptKey();
    void wrongPassphrase_data();
    void wrongPassphrase();
    void emptyPassphraseRefused();
    void badParametersRefused_data();
    void badParametersRefused();
    void openRejects_data();
    void openRejects();
    void verifierRoundTrip_data();
    void verifierRoundTrip();
    void verifierIsSaltedAndNotTheKey();
    void verifierFromStoredRejects_data();
    void verifierFromStoredRejects();

private:
    void makeFixtures();
    EVP_PKEY *key(const QString &name) const { return m_keys.at(name).get(); }

    std::map<QString, EvpPkeyPtr> m_keys;
    QByteArray m_sealedP256;                      ///< ecdsa-p256 under kPassphrase, kFast
    std::optional<PassphraseVerifier> m_verifier; ///< kPassphrase, kFast
    QString m_openssl;
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
    auto sealed = sealPrivateKey(key(u"ecdsa-p256"_qs), kPassphrase, kFast);
    QVERIFY2(sealed.ok(), qPrintable(sealed.errorMessage()));
    m_sealedP256 = *sealed;
    auto verifier = PassphraseVerifier::create(kPassphrase, kFast);
    QVERIFY2(verifier.ok(), qPrintable(verifier.errorMessage()));
    m_verifier.emplace(std::move(verifier).value());
    m_openssl = QStandardPaths::findExecutable(u"openssl"_qs);
}

void KeyVaultTest::roundTrip_data()
{
    QTest::addColumn<QString>("keyName");
    QTest::addColumn<ScryptParameters>("parameters");
    for (const char *name : kKeyNames)
        QTest::newRow(name) << QString::fromLatin1(name) << kFast;
    QTest::newRow("ecdsa-p256, default parameters") << u"ecdsa-p256"_qs << kVaultScrypt;
    QTest::newRow("rsa-pss-2048, default parameters") << u"rsa-pss-2048"_qs << kVaultScrypt;
}

void KeyVaultTest::roundTrip()
{
    QFETCH(QString, keyName);
    QFETCH(ScryptParameters, parameters);
    const EVP_PKEY *original = key(keyName);

    auto sealed = sealPrivateKey(original, kPassphrase, parameters);
    QVERIFY2(sealed.ok(), qPrintable(sealed.errorMessage()));

    // The blob says what it is: PBES2, scrypt with exactly these parameters, AES-256-CBC.
    const auto fields = decodeSealed(*sealed);
    QVERIFY(fields);
    QCOMPARE(fields->scheme, u"PBES2"_qs);
    QCOMPARE(fields->kdf, u"id-scrypt"_qs);
    QCOMPARE(fields->cipher, u"AES-256-CBC"_qs);
    QCOMPARE(fields->n, parameters.n);
    QCOMPARE(fields->r, quint64(parameters.r));
    QCOMPARE(fields->p, quint64(parameters.p));
    QVERIFY(!fields->hasKeyLength);
    QCOMPARE(fields->salt.size(), 16);
    QCOMPARE(fields->iv.size(), 16);
    QCOMPARE(fields->ciphertext.size() % 16, 0);

    auto opened = openPrivateKey(*sealed, kPassphrase);
    QVERIFY2(opened.ok(), qPrintable(opened.errorMessage()));
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
    auto sealed = sealPrivateKey(original, kPassphrase, kFast);
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

void KeyVaultTest::saltAndIvAreFresh()
{
    auto again = sealPrivateKey(key(u"ecdsa-p256"_qs), kPassphrase, kFast);
    QVERIFY2(again.ok(), qPrintable(again.errorMessage()));
    const auto first = decodeSealed(m_sealedP256);
    const auto second = decodeSealed(*again);
    QVERIFY(first && second);
    QVERIFY(first->salt != second->salt);
    QVERIFY(first->iv != second->iv);
    QVERIFY(first->ciphertext != second->ciphertext);
}

void KeyVaultTest::opensslPkcs8ReadsSealedKey_data()
{
    QTest::addColumn<QString>("keyName");
    for (const char *name : kKeyNames)
        QTest::newRow(name) << QString::fromLatin1(name);
}

void KeyVaultTest::opensslPkcs8ReadsSealedKey()
{
    if (m_openssl.isEmpty())
        QSKIP("the openssl command is not installed");
    QFETCH(QString, keyName);
    const EVP_PKEY *original = key(keyName);
    auto sealed = sealPrivateKey(original, kPassphrase, kOpenSslReadable);
    QVERIFY2(sealed.ok(), qPrintable(sealed.errorMessage()));

    // The passphrase through the environment, not the command line other processes can see.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"BATON_VAULT_PASSPHRASE"_qs, QString::fromLatin1(kPassphrase));
    const CliResult result =
        runOpenSsl(m_openssl,
                   {u"pkcs8"_qs, u"-inform"_qs, u"DER"_qs, u"-outform"_qs, u"DER"_qs, u"-passin"_qs,
                    u"env:BATON_VAULT_PASSPHRASE"_qs},
                   *sealed, environment);
    QVERIFY2(result.finished && result.exitCode == 0, result.err.constData());
    // It writes EC and RSA keys in their traditional forms (SEC1, PKCS#1): compare the keys.
    auto decrypted = decodePrivateKey(result.out);
    QVERIFY2(decrypted.ok(), qPrintable(decrypted.errorMessage()));
    QCOMPARE(pkcs8(decrypted->get()), pkcs8(original));
}

void KeyVaultTest::opensslKdfAndEncReadDefaultSealedKey()
{
    // kVaultScrypt needs more memory than `openssl pkcs8` allows itself; KeyVault.h documents
    // this way to read such a key without Baton, and this test keeps the recipe true.
    if (m_openssl.isEmpty())
        QSKIP("the openssl command is not installed");
    const EVP_PKEY *original = key(u"ed25519"_qs);
    auto sealed = sealPrivateKey(original, kPassphrase, kVaultScrypt);
    QVERIFY2(sealed.ok(), qPrintable(sealed.errorMessage()));
    const auto fields = decodeSealed(*sealed);
    QVERIFY(fields);

    const CliResult kdf =
        runOpenSsl(m_openssl,
                   {u"kdf"_qs, u"-binary"_qs, u"-keylen"_qs, u"32"_qs, u"-kdfopt"_qs,
                    u"hexpass:"_qs + QString::fromLatin1(kPassphrase.toHex()), u"-kdfopt"_qs,
                    u"hexsalt:"_qs + QString::fromLatin1(fields->salt.toHex()), u"-kdfopt"_qs,
                    u"n:%1"_qs.arg(fields->n), u"-kdfopt"_qs, u"r:%1"_qs.arg(fields->r),
                    u"-kdfopt"_qs, u"p:%1"_qs.arg(fields->p), u"-kdfopt"_qs,
                    u"maxmem_bytes:%1"_qs.arg(kMaxScryptMemory), u"SCRYPT"_qs},
                   {});
    QVERIFY2(kdf.finished && kdf.exitCode == 0, kdf.err.constData());
    QCOMPARE(kdf.out.size(), 32);
    const CliResult enc = runOpenSsl(m_openssl,
                                     {u"enc"_qs, u"-d"_qs, u"-aes-256-cbc"_qs, u"-K"_qs,
                                      QString::fromLatin1(kdf.out.toHex()), u"-iv"_qs,
                                      QString::fromLatin1(fields->iv.toHex())},
                                     fields->ciphertext);
    QVERIFY2(enc.finished && enc.exitCode == 0, enc.err.constData());
    QCOMPARE(enc.out, pkcs8(original));
}

void KeyVaultTest::opensOpenSslScryptKey()
{
    // Keys sealed by other PBES2 writers open too: the format is the standard's, not Baton's.
    // (OpenSSL 3.0 writes an 8-byte salt.)
    const EVP_PKEY *original = key(u"ed448"_qs);
    const QByteArray sealed = openSslEncrypted(original, -1, EVP_aes_256_cbc(), true);
    auto opened = openPrivateKey(sealed, kPassphrase);
    QVERIFY2(opened.ok(), qPrintable(opened.errorMessage()));
    QCOMPARE(pkcs8(opened->get()), pkcs8(original));
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
    const Status checked = m_verifier->check(passphrase);
    QVERIFY(!checked.ok());
    QCOMPARE(checked.errorMessage(), kWrong);
    auto opened = openPrivateKey(m_sealedP256, passphrase);
    QVERIFY(!opened.ok());
    QCOMPARE(opened.errorMessage(), kWrong);
    QCOMPARE(takeOpenSslErrors(), QString());
}

void KeyVaultTest::emptyPassphraseRefused()
{
    auto verifier = PassphraseVerifier::create(QByteArray(), kFast);
    QVERIFY(!verifier.ok());
    QCOMPARE(verifier.errorMessage(), u"the workspace passphrase must not be empty"_qs);
    auto sealed = sealPrivateKey(key(u"ed25519"_qs), QByteArray(), kFast);
    QVERIFY(!sealed.ok());
    QCOMPARE(sealed.errorMessage(), u"cannot seal a private key under an empty passphrase"_qs);
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
    auto verifier = PassphraseVerifier::create(kPassphrase, parameters);
    QVERIFY(!verifier.ok());
    QCOMPARE(verifier.errorMessage(), error);
    auto sealed = sealPrivateKey(key(u"ecdsa-p256"_qs), kPassphrase, parameters);
    QVERIFY(!sealed.ok());
    QCOMPARE(sealed.errorMessage(), error);
}

void KeyVaultTest::openRejects_data()
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

void KeyVaultTest::openRejects()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, error);
    auto opened = openPrivateKey(input, kPassphrase);
    QVERIFY(!opened.ok());
    QCOMPARE(opened.errorMessage(), error);
    QCOMPARE(takeOpenSslErrors(), QString());
}

void KeyVaultTest::verifierRoundTrip_data()
{
    QTest::addColumn<ScryptParameters>("parameters");
    QTest::addColumn<QString>("storedPattern");
    const QString base64Fields = u"\\$[A-Za-z0-9+/]{22}==\\$[A-Za-z0-9+/]{43}=$"_qs;
    QTest::newRow("default") << kVaultScrypt << u"^scrypt\\$1\\$131072\\$8\\$1"_qs + base64Fields;
    QTest::newRow("fast") << kFast << u"^scrypt\\$1\\$1024\\$8\\$1"_qs + base64Fields;
    QTest::newRow("smallest") << ScryptParameters{2, 1, 1}
                              << u"^scrypt\\$1\\$2\\$1\\$1"_qs + base64Fields;
    QTest::newRow("p 3") << ScryptParameters{4096, 4, 3}
                         << u"^scrypt\\$1\\$4096\\$4\\$3"_qs + base64Fields;
}

void KeyVaultTest::verifierRoundTrip()
{
    QFETCH(ScryptParameters, parameters);
    QFETCH(QString, storedPattern);
    auto created = PassphraseVerifier::create(kPassphrase, parameters);
    QVERIFY2(created.ok(), qPrintable(created.errorMessage()));
    QCOMPARE(created->parameters(), parameters);
    const QByteArray stored = created->toStored();
    QVERIFY2(QRegularExpression(storedPattern).match(QString::fromLatin1(stored)).hasMatch(),
             stored.constData());

    auto restored = PassphraseVerifier::fromStored(stored);
    QVERIFY2(restored.ok(), qPrintable(restored.errorMessage()));
    QCOMPARE(restored->toStored(), stored);
    QCOMPARE(restored->parameters(), parameters);
    const Status right = restored->check(kPassphrase);
    QVERIFY2(right.ok(), qPrintable(right.errorMessage()));
    const Status wrong = restored->check(kPassphrase + 'x');
    QVERIFY(!wrong.ok());
    QCOMPARE(wrong.errorMessage(), kWrong);
    QCOMPARE(takeOpenSslErrors(), QString());
}

void KeyVaultTest::verifierIsSaltedAndNotTheKey()
{
    auto other = PassphraseVerifier::create(kPassphrase, kFast);
    QVERIFY2(other.ok(), qPrintable(other.errorMessage()));
    const QList<QByteArray> first = m_verifier->toStored().split('$');
    const QList<QByteArray> second = other->toStored().split('$');
    QVERIFY(first[5] != second[5]); // salt
    QVERIFY(first[6] != second[6]); // check

    // The check is not scrypt's output itself, which would be a key for a key sealed with the
    // same salt: it is that output's HMAC under a label.
    const QByteArray salt = QByteArray::fromBase64(first[5]);
    QByteArray scryptOutput(32, Qt::Uninitialized);
    QCOMPARE(EVP_PBE_scrypt(kPassphrase.constData(), size_t(kPassphrase.size()),
                            reinterpret_cast<const unsigned char *>(salt.constData()),
                            size_t(salt.size()), kFast.n, kFast.r, kFast.p, 0,
                            reinterpret_cast<unsigned char *>(scryptOutput.data()), 32),
             1);
    QVERIFY(QByteArray::fromBase64(first[6]) != scryptOutput);
}

void KeyVaultTest::verifierFromStoredRejects_data()
{
    makeFixtures();
    QTest::addColumn<QByteArray>("stored");
    QTest::addColumn<QString>("error");
    const QByteArray good = m_verifier->toStored();
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
    QTest::newRow("unknown version")
        << withField(good, 1, "2")
        << prefix + u"unsupported version \"2\" (this Baton reads version 1)"_qs;
    QTest::newRow("N hexadecimal")
        << withField(good, 2, "0x400") << prefix + u"N \"0x400\" is not a decimal number"_qs;
    QTest::newRow("N leading zero")
        << withField(good, 2, "01024") << prefix + u"N \"01024\" is not a decimal number"_qs;
    QTest::newRow("N signed") << withField(good, 2, "+1024")
                              << prefix + u"N \"+1024\" is not a decimal number"_qs;
    QTest::newRow("N empty") << withField(good, 2, "")
                             << prefix + u"N \"\" is not a decimal number"_qs;
    QTest::newRow("N overflows 64 bits")
        << withField(good, 2, "99999999999999999999")
        << prefix + u"N \"99999999999999999999\" is not a decimal number"_qs;
    QTest::newRow("N not a power of two")
        << withField(good, 2, "1000")
        << prefix + u"scrypt N must be a power of two of at least 2, not 1000"_qs;
    QTest::newRow("N 2^40") << withField(good, 2, "1099511627776")
                            << prefix + u"scrypt N=1099511627776, r=8, p=1 is more work "
                                        "(N*r*p) than Baton's limit of 16777216"_qs;
    QTest::newRow("r 0") << withField(good, 3, "0") << prefix + u"scrypt r must be at least 1"_qs;
    QTest::newRow("r beyond 32 bits")
        << withField(good, 3, "4294967296")
        << prefix + u"r \"4294967296\" is not a 32-bit decimal number"_qs;
    QTest::newRow("p 0") << withField(good, 4, "0") << prefix + u"scrypt p must be at least 1"_qs;
    QTest::newRow("p huge") << withField(good, 4, "1000000")
                            << prefix + u"scrypt N=1024, r=8, p=1000000 is more work (N*r*p) "
                                        "than Baton's limit of 16777216"_qs;
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

void KeyVaultTest::verifierFromStoredRejects()
{
    QFETCH(QByteArray, stored);
    QFETCH(QString, error);
    auto verifier = PassphraseVerifier::fromStored(stored);
    QVERIFY(!verifier.ok());
    QCOMPARE(verifier.errorMessage(), error);
}

QTEST_GUILESS_MAIN(KeyVaultTest)
#include "tst_key_vault.moc"
