// Unit tests for crypto/KeyCodec and crypto/KeyType: reading private keys in every form tools
// write them, SPKI strictness, key generation and descriptions.

#include "TestPki.h"
#include "common/Pem.h"
#include "crypto/KeyCodec.h"

#include <QTest>
#include <map>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <optional>

using namespace baton;

Q_DECLARE_METATYPE(baton::KeyType)

namespace {

const QByteArray kPassphrase = QByteArrayLiteral("correct horse battery staple");

/// Encodes a key with OpenSSL's encoders: `structure` "PrivateKeyInfo", "type-specific",
/// "EncryptedPrivateKeyInfo" …; with a cipher the result is encrypted under kPassphrase.
QByteArray encodeKey(const EVP_PKEY *key, int selection, const char *outputType,
                     const char *structure, const char *cipher = nullptr)
{
    EncoderCtxPtr ctx(
        OSSL_ENCODER_CTX_new_for_pkey(key, selection, outputType, structure, nullptr));
    if (!ctx || OSSL_ENCODER_CTX_get_num_encoders(ctx.get()) == 0)
        qFatal("no encoder for %s %s", outputType, structure);
    if (cipher) {
        if (OSSL_ENCODER_CTX_set_cipher(ctx.get(), cipher, nullptr) != 1 ||
            OSSL_ENCODER_CTX_set_passphrase(
                ctx.get(), reinterpret_cast<const unsigned char *>(kPassphrase.constData()),
                size_t(kPassphrase.size())) != 1)
            qFatal("cannot set up encryption");
    }
    unsigned char *data = nullptr;
    size_t length = 0;
    if (OSSL_ENCODER_to_data(ctx.get(), &data, &length) != 1)
        qFatal("encoding failed: %s", qPrintable(takeOpenSslErrors()));
    QByteArray out(reinterpret_cast<const char *>(data), qsizetype(length));
    OPENSSL_free(data);
    return out;
}

QByteArray firstLine(const QByteArray &pem)
{
    return pem.left(pem.indexOf('\n'));
}

/// The OID of id-RSASSA-PSS (1.2.840.113549.1.1.10), DER.
const QByteArray kRsaPssOid = QByteArrayLiteral("\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0a");
/// The OID of rsaEncryption (1.2.840.113549.1.1.1), DER.
const QByteArray kRsaEncryptionOid =
    QByteArrayLiteral("\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01");

} // namespace

class KeyCodecTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void decodeGood_data();
    void decodeGood();
    void decodeBad_data();
    void decodeBad();
    void isEncrypted_data();
    void isEncrypted();
    void subjectPublicKeyInfo_data();
    void subjectPublicKeyInfo();
    void restrictedRsaPssSpki_data();
    void restrictedRsaPssSpki();
    void subjectPublicKeyInfoStrict_data();
    void subjectPublicKeyInfoStrict();
    void samePublicKey_data();
    void samePublicKey();
    void generate_data();
    void generate();
    void keySpecs_data();
    void keySpecs();
    void describe_data();
    void describe();

private:
    void makeFixtures();
    EVP_PKEY *key(const QString &name) const { return m_keys.at(name).get(); }
    QByteArray pkcs8Der(const QString &name) const;
    QByteArray pkcs8Pem(const QString &name) const;

    std::map<QString, EvpPkeyPtr> m_keys;
    std::optional<test::TestIdentity> m_identity;
    bool m_fixturesMade = false;
};

static const char *const kKeyNames[] = {"ecdsa-p256", "ecdsa-p384", "ecdsa-p521",  "ed25519",
                                        "ed448",      "rsa-2048",   "rsa-pss-2048"};

void KeyCodecTest::initTestCase()
{
    makeFixtures();
}

// Also called by the _data functions that use the fixtures: `-datatags` runs those without
// initTestCase.
void KeyCodecTest::makeFixtures()
{
    if (m_fixturesMade)
        return;
    m_fixturesMade = true;
    for (const char *name : kKeyNames)
        m_keys[QLatin1String(name)] = test::makeKey(QLatin1String(name));
    m_keys[QStringLiteral("ecdsa-p256-other")] = test::makeKey(QStringLiteral("ecdsa-p256"));
    m_keys[QStringLiteral("secp256k1")].reset(
        EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp256k1"));
    m_keys[QStringLiteral("x25519")].reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
    QVERIFY(key(QStringLiteral("secp256k1")));
    QVERIFY(key(QStringLiteral("x25519")));
    m_identity.emplace(test::makeIdentity());
}

QByteArray KeyCodecTest::pkcs8Der(const QString &name) const
{
    auto der = encodePrivateKeyPkcs8Der(key(name));
    if (!der)
        qFatal("%s", qPrintable(der.errorMessage()));
    return der->bytes();
}

QByteArray KeyCodecTest::pkcs8Pem(const QString &name) const
{
    auto pem = encodePrivateKeyPkcs8Pem(key(name));
    if (!pem)
        qFatal("%s", qPrintable(pem.errorMessage()));
    return pem->bytes();
}

void KeyCodecTest::decodeGood_data()
{
    makeFixtures();
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("keyName");
    QTest::addColumn<bool>("withPassphrase");

    constexpr int keypair = OSSL_KEYMGMT_SELECT_KEYPAIR;
    for (const char *name : kKeyNames) {
        const QString keyName = QLatin1String(name);
        const QByteArray pem = pkcs8Pem(keyName);
        QCOMPARE(firstLine(pem), test::pemBeginLine(QStringLiteral("PRIVATE KEY")));
        QTest::addRow("%s, PKCS#8 PEM", name) << pem << keyName << false;
        QTest::addRow("%s, PKCS#8 DER", name) << pkcs8Der(keyName) << keyName << false;
        QTest::addRow("%s, PKCS#8 PEM, text around", name)
            << QByteArray("Key for localhost\n" + pem + "\n(end)\n") << keyName << false;
        QTest::addRow("%s, certificate then key", name)
            << QByteArray(m_identity->certificatePem + pem) << keyName << false;
        QTest::addRow("%s, Fizz SERVER DC PRIVATE KEY", name)
            << encodePem(QStringLiteral("SERVER DC PRIVATE KEY"), pkcs8Der(keyName)) << keyName
            << false;
        const QByteArray encrypted =
            encodeKey(key(keyName), keypair, "PEM", "EncryptedPrivateKeyInfo", "AES-256-CBC");
        QCOMPARE(firstLine(encrypted), test::pemBeginLine(QStringLiteral("ENCRYPTED PRIVATE KEY")));
        QTest::addRow("%s, encrypted PKCS#8 PEM", name) << encrypted << keyName << true;
    }

    const QString p256 = QStringLiteral("ecdsa-p256");
    const QString p384 = QStringLiteral("ecdsa-p384");
    const QByteArray sec1 = encodeKey(key(p256), keypair, "PEM", "type-specific");
    QCOMPARE(firstLine(sec1), test::pemBeginLine(QStringLiteral("EC PRIVATE KEY")));
    QTest::newRow("SEC1 PEM") << sec1 << p256 << false;
    QTest::newRow("SEC1 DER") << encodeKey(key(p256), keypair, "DER", "type-specific") << p256
                              << false;
    const QByteArray parameters =
        encodeKey(key(p384), OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS, "PEM", "type-specific");
    QCOMPARE(firstLine(parameters), QByteArray("-----BEGIN EC PARAMETERS-----"));
    QTest::newRow("SEC1 PEM after EC PARAMETERS")
        << QByteArray(parameters + encodeKey(key(p384), keypair, "PEM", "type-specific")) << p384
        << false;
    const QByteArray legacyEncrypted =
        encodeKey(key(p256), keypair, "PEM", "type-specific", "AES-128-CBC");
    QVERIFY(legacyEncrypted.contains("Proc-Type: 4,ENCRYPTED"));
    QTest::newRow("SEC1 PEM, encrypted (Proc-Type)") << legacyEncrypted << p256 << true;

    const QString rsa = QStringLiteral("rsa-2048");
    const QByteArray pkcs1 = encodeKey(key(rsa), keypair, "PEM", "type-specific");
    QCOMPARE(firstLine(pkcs1), test::pemBeginLine(QStringLiteral("RSA PRIVATE KEY")));
    QTest::newRow("PKCS#1 PEM") << pkcs1 << rsa << false;
    QTest::newRow("PKCS#1 DER") << encodeKey(key(rsa), keypair, "DER", "type-specific") << rsa
                                << false;
    QTest::newRow("encrypted PKCS#8 DER")
        << encodeKey(key(p256), keypair, "DER", "EncryptedPrivateKeyInfo", "AES-256-CBC") << p256
        << true;
    QTest::newRow("encrypted PKCS#8 PEM, RSA")
        << encodeKey(key(rsa), keypair, "PEM", "EncryptedPrivateKeyInfo", "AES-128-CBC") << rsa
        << true;
}

void KeyCodecTest::decodeGood()
{
    QFETCH(QByteArray, data);
    QFETCH(QString, keyName);
    QFETCH(bool, withPassphrase);

    const auto decoded =
        withPassphrase ? decodePrivateKey(data, kPassphrase) : decodePrivateKey(data);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.errorMessage()));
    QCOMPARE(keyTypeOf(decoded->get()), keyTypeOf(key(keyName)));
    QVERIFY(baton::samePublicKey(decoded->get(), key(keyName)));
    // A private key, not just a public one: it re-encodes to the same PKCS#8.
    QCOMPARE(pkcs8Der(keyName), [&] {
        auto der = encodePrivateKeyPkcs8Der(decoded->get());
        return der ? der->bytes() : QByteArray();
    }());
    // Nothing left on OpenSSL's error queue for the next operation to report.
    QCOMPARE(ERR_peek_error(), 0UL);

    // An unencrypted key ignores a passphrase it does not need.
    if (!withPassphrase) {
        const auto again = decodePrivateKey(data, QByteArray("unused"));
        QVERIFY(again.ok());
        QVERIFY(baton::samePublicKey(again->get(), key(keyName)));
    }
}

void KeyCodecTest::decodeBad_data()
{
    makeFixtures();
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("passphrase"); // null: none given
    QTest::addColumn<QString>("messageStart");

    constexpr int keypair = OSSL_KEYMGMT_SELECT_KEYPAIR;
    const QString p256 = QStringLiteral("ecdsa-p256");
    const QByteArray encryptedPem =
        encodeKey(key(p256), keypair, "PEM", "EncryptedPrivateKeyInfo", "AES-256-CBC");
    const QByteArray encryptedDer =
        encodeKey(key(p256), keypair, "DER", "EncryptedPrivateKeyInfo", "AES-256-CBC");
    const QByteArray legacyEncrypted =
        encodeKey(key(p256), keypair, "PEM", "type-specific", "AES-128-CBC");
    const QString needed = QStringLiteral("the private key is encrypted; its passphrase is needed");
    const QString wrong = QStringLiteral("wrong passphrase for the encrypted private key");
    const QString unreadable = QStringLiteral("not a readable private key (expected PKCS#8, SEC1 "
                                              "or PKCS#1, as PEM or DER)");

    QTest::newRow("encrypted PEM, no passphrase") << encryptedPem << QByteArray() << needed;
    QTest::newRow("encrypted PEM, wrong passphrase")
        << encryptedPem << QByteArray("Tr0ub4dor&3") << wrong;
    QTest::newRow("encrypted PEM, empty passphrase") << encryptedPem << QByteArray("") << wrong;
    QTest::newRow("encrypted DER, no passphrase") << encryptedDer << QByteArray() << needed;
    QTest::newRow("encrypted DER, wrong passphrase")
        << encryptedDer << QByteArray("Tr0ub4dor&3") << wrong;
    QTest::newRow("Proc-Type PEM, no passphrase") << legacyEncrypted << QByteArray() << needed;
    QTest::newRow("Proc-Type PEM, wrong passphrase")
        << legacyEncrypted << QByteArray("Tr0ub4dor&3") << wrong;
    QTest::newRow("certificate only")
        << m_identity->certificatePem << QByteArray()
        << QStringLiteral("no private key in this PEM (it holds: CERTIFICATE)");
    QTest::newRow("certificate and public key")
        << QByteArray(m_identity->certificatePem +
                      encodePem(QStringLiteral("PUBLIC KEY"),
                                encodeKey(key(p256), OSSL_KEYMGMT_SELECT_PUBLIC_KEY, "DER",
                                          "SubjectPublicKeyInfo")))
        << QByteArray()
        << QStringLiteral("no private key in this PEM (it holds: CERTIFICATE, PUBLIC KEY)");
    QTest::newRow("broken PEM") << test::pemBeginLine(QStringLiteral("PRIVATE KEY")) + "\nAAEC\n"
                                << QByteArray()
                                << QStringLiteral(
                                       "PEM block 'PRIVATE KEY' at byte offset 0 has no matching");
    QTest::newRow("DER with a trailing byte")
        << QByteArray(pkcs8Der(p256) + '\0') << QByteArray()
        << QStringLiteral("1 unexpected bytes after the DER private key");
    QTest::newRow("DER with a second key after it")
        << QByteArray(pkcs8Der(p256) + pkcs8Der(QStringLiteral("ed25519"))) << QByteArray()
        << QStringLiteral("%1 unexpected bytes after the DER private key")
               .arg(pkcs8Der(QStringLiteral("ed25519")).size());
    QTest::newRow("Fizz label, trailing byte in the body")
        << encodePem(QStringLiteral("SERVER DC PRIVATE KEY"), pkcs8Der(p256) + '\0') << QByteArray()
        << QStringLiteral("1 unexpected bytes after the DER private key");
    QTest::newRow("DER cut short") << pkcs8Der(p256).chopped(1) << QByteArray() << unreadable;
    QTest::newRow("garbage bytes")
        << QByteArray("\x30\x03\x02\x01\x00", 5) << QByteArray() << unreadable;
    QTest::newRow("text") << QByteArray("hello") << QByteArray() << unreadable;
    QTest::newRow("empty") << QByteArray() << QByteArray() << unreadable;
    QTest::newRow("SPKI, not a private key")
        << encodeKey(key(p256), OSSL_KEYMGMT_SELECT_PUBLIC_KEY, "DER", "SubjectPublicKeyInfo")
        << QByteArray() << unreadable;
    QTest::newRow("Fizz label, body not a key")
        << encodePem(QStringLiteral("SERVER DC PRIVATE KEY"), "hello") << QByteArray()
        << unreadable;
}

void KeyCodecTest::decodeBad()
{
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, passphrase);
    QFETCH(QString, messageStart);

    const auto decoded = decodePrivateKey(
        data, passphrase.isNull() ? std::nullopt : std::optional<QByteArray>(passphrase));
    QVERIFY(!decoded.ok());
    QVERIFY2(decoded.errorMessage().startsWith(messageStart), qPrintable(decoded.errorMessage()));
    if (messageStart.contains(QLatin1String("passphrase")))
        QVERIFY(decoded.errorMessage().contains(QLatin1String("passphrase")));
    // Whatever failed was reported in the message, not left behind for the next operation.
    QCOMPARE(ERR_peek_error(), 0UL);
}

void KeyCodecTest::isEncrypted_data()
{
    makeFixtures();
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<bool>("expected");

    constexpr int keypair = OSSL_KEYMGMT_SELECT_KEYPAIR;
    const QString p256 = QStringLiteral("ecdsa-p256");
    QTest::newRow("encrypted PKCS#8 PEM")
        << encodeKey(key(p256), keypair, "PEM", "EncryptedPrivateKeyInfo", "AES-256-CBC") << true;
    QTest::newRow("encrypted PKCS#8 DER")
        << encodeKey(key(p256), keypair, "DER", "EncryptedPrivateKeyInfo", "AES-256-CBC") << true;
    QTest::newRow("Proc-Type SEC1 PEM")
        << encodeKey(key(p256), keypair, "PEM", "type-specific", "AES-128-CBC") << true;
    QTest::newRow("certificate, then encrypted key")
        << QByteArray(m_identity->certificatePem + encodeKey(key(p256), keypair, "PEM",
                                                             "EncryptedPrivateKeyInfo",
                                                             "AES-256-CBC"))
        << true;
    QTest::newRow("PKCS#8 PEM") << pkcs8Pem(p256) << false;
    QTest::newRow("PKCS#8 DER") << pkcs8Der(p256) << false;
    QTest::newRow("SEC1 PEM") << encodeKey(key(p256), keypair, "PEM", "type-specific") << false;
    QTest::newRow("Fizz SERVER DC PRIVATE KEY")
        << encodePem(QStringLiteral("SERVER DC PRIVATE KEY"), pkcs8Der(p256)) << false;
    QTest::newRow("certificate") << m_identity->certificatePem << false;
    QTest::newRow("broken PEM") << test::pemBeginLine(QStringLiteral("ENCRYPTED PRIVATE KEY")) +
                                       "\nAAEC\n"
                                << false;
    QTest::newRow("garbage") << QByteArray("\x01\x02\x03", 3) << false;
    QTest::newRow("empty") << QByteArray() << false;
}

void KeyCodecTest::isEncrypted()
{
    QFETCH(QByteArray, data);
    QFETCH(bool, expected);

    QCOMPARE(isEncryptedPrivateKey(data), expected);
    QCOMPARE(ERR_peek_error(), 0UL);
}

void KeyCodecTest::subjectPublicKeyInfo_data()
{
    QTest::addColumn<QString>("keyName");
    QTest::addColumn<KeyType>("type");
    QTest::addColumn<QByteArray>("algorithmOid"); // empty: not checked

    QTest::newRow("EC P-256") << QStringLiteral("ecdsa-p256") << KeyType::EcP256 << QByteArray();
    QTest::newRow("EC P-384") << QStringLiteral("ecdsa-p384") << KeyType::EcP384 << QByteArray();
    QTest::newRow("EC P-521") << QStringLiteral("ecdsa-p521") << KeyType::EcP521 << QByteArray();
    QTest::newRow("Ed25519") << QStringLiteral("ed25519") << KeyType::Ed25519 << QByteArray();
    QTest::newRow("Ed448") << QStringLiteral("ed448") << KeyType::Ed448 << QByteArray();
    QTest::newRow("rsaEncryption")
        << QStringLiteral("rsa-2048") << KeyType::Rsa << kRsaEncryptionOid;
    // RFC 9345: an RSA DC key is an id-RSASSA-PSS SPKI.
    QTest::newRow("RSA-PSS") << QStringLiteral("rsa-pss-2048") << KeyType::RsaPss << kRsaPssOid;
}

void KeyCodecTest::subjectPublicKeyInfo()
{
    QFETCH(QString, keyName);
    QFETCH(KeyType, type);
    QFETCH(QByteArray, algorithmOid);

    const auto spki = encodeSubjectPublicKeyInfo(key(keyName));
    QVERIFY(spki.ok());
    // The same bytes OpenSSL's own i2d_PUBKEY writes.
    unsigned char *der = nullptr;
    const int length = i2d_PUBKEY(key(keyName), &der);
    QVERIFY(length > 0);
    const QByteArray reference(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    QCOMPARE(*spki, reference);
    if (!algorithmOid.isEmpty())
        QCOMPARE(spki->mid(6, algorithmOid.size()), algorithmOid); // 30 82 xx xx 30 len OID

    const auto decoded = decodeSubjectPublicKeyInfo(*spki);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.errorMessage()));
    QCOMPARE(keyTypeOf(decoded->get()), type);
    QVERIFY(baton::samePublicKey(decoded->get(), key(keyName)));
}

void KeyCodecTest::restrictedRsaPssSpki_data()
{
    QTest::addColumn<QString>("digest");
    QTest::newRow("unrestricted") << QString();
    QTest::newRow("restricted to SHA-256") << QStringLiteral("SHA256");
}

void KeyCodecTest::restrictedRsaPssSpki()
{
    // Baton writes unrestricted RSA-PSS SPKIs itself; a key whose SPKI carries PSS parameters
    // must go through OpenSSL's encoder. Either way the bytes are OpenSSL's.
    QFETCH(QString, digest);
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr));
    QVERIFY(ctx && EVP_PKEY_keygen_init(ctx.get()) == 1);
    QVERIFY(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 1024) == 1);
    if (!digest.isEmpty())
        QVERIFY(EVP_PKEY_CTX_set_rsa_pss_keygen_md_name(ctx.get(), qPrintable(digest), nullptr) ==
                1);
    EVP_PKEY *raw = nullptr;
    QVERIFY(EVP_PKEY_generate(ctx.get(), &raw) == 1);
    const EvpPkeyPtr generated(raw);
    const auto spki = encodeSubjectPublicKeyInfo(generated.get());
    QVERIFY(spki.ok());
    unsigned char *der = nullptr;
    const int length = i2d_PUBKEY(generated.get(), &der);
    QVERIFY(length > 0);
    const QByteArray reference(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    QCOMPARE(*spki, reference);
    QVERIFY(spki->size() > 150); // a 1024-bit modulus and its exponent, not a stub
    QCOMPARE(reference.contains(QByteArray::fromHex("0609608648016503040201")), !digest.isEmpty());
}

void KeyCodecTest::subjectPublicKeyInfoStrict_data()
{
    makeFixtures();
    QTest::addColumn<QByteArray>("der");
    QTest::addColumn<QString>("messageStart");

    const QString p256 = QStringLiteral("ecdsa-p256");
    const QByteArray spki = *encodeSubjectPublicKeyInfo(key(p256));
    const QString invalid = QStringLiteral("not a valid SubjectPublicKeyInfo");
    QTest::newRow("one trailing byte") << QByteArray(spki + '\0')
                                       << QStringLiteral("1 unexpected bytes after the "
                                                         "SubjectPublicKeyInfo");
    QTest::newRow("two SPKIs")
        << QByteArray(spki + spki)
        << QStringLiteral("%1 unexpected bytes after the SubjectPublicKeyInfo").arg(spki.size());
    // BER that OpenSSL's d2i takes but DER forbids (and the TLS stacks reject).
    const QString notDer = QStringLiteral("not a valid SubjectPublicKeyInfo: not DER (it has BER "
                                          "indefinite or non-minimal lengths)");
    QCOMPARE(spki.left(4), QByteArray("\x30\x59\x30\x13")); // P-256: short-form lengths
    QTest::newRow("BER: long-form outer length") << QByteArray("\x30\x81" + spki.mid(1)) << notDer;
    QTest::newRow("BER: long-form length with a leading zero")
        << QByteArray(QByteArray("\x30\x82\x00", 3) + spki.mid(1)) << notDer;
    QTest::newRow("BER: indefinite outer length")
        << QByteArray("\x30\x80" + spki.mid(2) + QByteArray(2, '\0')) << notDer;
    QTest::newRow("BER: long-form inner length")
        << QByteArray("\x30\x5a\x30\x81" + spki.mid(3)) << notDer;
    QTest::newRow("one byte short") << spki.chopped(1) << invalid;
    QTest::newRow("header only") << spki.left(2) << invalid;
    QTest::newRow("empty") << QByteArray() << invalid;
    QTest::newRow("garbage") << QByteArray("\x01\x02\x03", 3) << invalid;
    QTest::newRow("PEM text") << encodePem(QStringLiteral("PUBLIC KEY"), spki) << invalid;
    QTest::newRow("PKCS#8 private key") << pkcs8Der(p256) << invalid;
    QTest::newRow("certificate") << m_identity->certificate.der() << invalid;
}

void KeyCodecTest::subjectPublicKeyInfoStrict()
{
    QFETCH(QByteArray, der);
    QFETCH(QString, messageStart);

    const auto decoded = decodeSubjectPublicKeyInfo(der);
    QVERIFY(!decoded.ok());
    QVERIFY2(decoded.errorMessage().startsWith(messageStart), qPrintable(decoded.errorMessage()));
    QCOMPARE(ERR_peek_error(), 0UL);
}

void KeyCodecTest::samePublicKey_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("expected");

    QTest::newRow("P-256, itself")
        << QStringLiteral("ecdsa-p256") << QStringLiteral("ecdsa-p256") << true;
    QTest::newRow("RSA-PSS, itself")
        << QStringLiteral("rsa-pss-2048") << QStringLiteral("rsa-pss-2048") << true;
    QTest::newRow("two P-256 keys")
        << QStringLiteral("ecdsa-p256") << QStringLiteral("ecdsa-p256-other") << false;
    QTest::newRow("P-256 and P-384")
        << QStringLiteral("ecdsa-p256") << QStringLiteral("ecdsa-p384") << false;
    QTest::newRow("P-256 and Ed25519")
        << QStringLiteral("ecdsa-p256") << QStringLiteral("ed25519") << false;
    QTest::newRow("RSA and RSA-PSS")
        << QStringLiteral("rsa-2048") << QStringLiteral("rsa-pss-2048") << false;
    QTest::newRow("null") << QStringLiteral("ecdsa-p256") << QString() << false;
}

void KeyCodecTest::samePublicKey()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, expected);

    EVP_PKEY *first = key(a);
    EVP_PKEY *second = b.isEmpty() ? nullptr : key(b);
    QCOMPARE(baton::samePublicKey(first, second), expected);
    QCOMPARE(baton::samePublicKey(second, first), expected);
    // The public half alone (as a certificate or a DC carries it) compares the same way.
    if (second) {
        const auto publicOnly = decodeSubjectPublicKeyInfo(*encodeSubjectPublicKeyInfo(second));
        QVERIFY(publicOnly.ok());
        QCOMPARE(baton::samePublicKey(first, publicOnly->get()), expected);
    }
    QCOMPARE(ERR_peek_error(), 0UL);
}

void KeyCodecTest::generate_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<KeyType>("type");
    QTest::addColumn<int>("bits");

    QTest::newRow("ecdsa-p256") << QStringLiteral("ecdsa-p256") << KeyType::EcP256 << 256;
    QTest::newRow("ecdsa-p384") << QStringLiteral("ecdsa-p384") << KeyType::EcP384 << 384;
    QTest::newRow("ecdsa-p521") << QStringLiteral("ecdsa-p521") << KeyType::EcP521 << 521;
    QTest::newRow("ed25519") << QStringLiteral("ed25519") << KeyType::Ed25519 << 256;
    QTest::newRow("ed448") << QStringLiteral("ed448") << KeyType::Ed448 << 456;
    QTest::newRow("rsa-pss-2048") << QStringLiteral("rsa-pss-2048") << KeyType::RsaPss << 2048;
    QTest::newRow("rsa-pss-3072") << QStringLiteral("rsa-pss-3072") << KeyType::RsaPss << 3072;
    QTest::newRow("rsa-pss-4096") << QStringLiteral("rsa-pss-4096") << KeyType::RsaPss << 4096;
}

void KeyCodecTest::generate()
{
    QFETCH(QString, name);
    QFETCH(KeyType, type);
    QFETCH(int, bits);

    const KeySpec *spec = keySpecByName(name);
    QVERIFY(spec);
    QCOMPARE(QLatin1String(spec->name), name);
    QCOMPARE(spec->type, type);
    QCOMPARE(spec->rsaBits, isRsa(type) ? bits : 0);

    const auto generated = generateKey(*spec);
    QVERIFY2(generated.ok(), qPrintable(generated.ok() ? QString() : generated.errorMessage()));
    QCOMPARE(keyTypeOf(generated->get()), type);
    QCOMPARE(EVP_PKEY_get_bits(generated->get()), bits);
    QCOMPARE(describeKey(generated->get()),
             QStringLiteral("%1 (%2 bits)").arg(keyTypeName(type)).arg(bits));
    // Two generations give two keys.
    if (!isRsa(type)) {
        const auto second = generateKey(*spec);
        QVERIFY(second.ok());
        QVERIFY(!baton::samePublicKey(generated->get(), second->get()));
    }
    // A generated key survives a PKCS#8 round trip.
    const auto der = encodePrivateKeyPkcs8Der(generated->get());
    QVERIFY(der.ok());
    const auto back = decodePrivateKey(der->bytes());
    QVERIFY(back.ok());
    QVERIFY(baton::samePublicKey(back->get(), generated->get()));
}

void KeyCodecTest::keySpecs_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("canonical"); // empty: unknown

    QTest::newRow("ecdsa-p256") << QStringLiteral("ecdsa-p256") << QStringLiteral("ecdsa-p256");
    QTest::newRow("upper case") << QStringLiteral("ECDSA-P384") << QStringLiteral("ecdsa-p384");
    QTest::newRow("ed448") << QStringLiteral("ed448") << QStringLiteral("ed448");
    QTest::newRow("rsa-pss-4096") << QStringLiteral("rsa-pss-4096")
                                  << QStringLiteral("rsa-pss-4096");
    // rsaEncryption is never a DC key: not generatable.
    QTest::newRow("rsa-2048") << QStringLiteral("rsa-2048") << QString();
    QTest::newRow("p256") << QStringLiteral("p256") << QString();
    QTest::newRow("empty") << QString() << QString();
}

void KeyCodecTest::keySpecs()
{
    QFETCH(QString, name);
    QFETCH(QString, canonical);

    QCOMPARE(generatableKeyNames(), QStringLiteral("ecdsa-p256, ecdsa-p384, ecdsa-p521, ed25519, "
                                                   "ed448, rsa-pss-2048, rsa-pss-3072, "
                                                   "rsa-pss-4096"));
    QCOMPARE(generatableKeys().size(), std::size_t(8));
    QCOMPARE(QLatin1String(generatableKeys()[0].name), QLatin1String("ecdsa-p256"));
    const KeySpec *spec = keySpecByName(name);
    QCOMPARE(spec ? QString::fromLatin1(spec->name) : QString(), canonical);
}

void KeyCodecTest::describe_data()
{
    QTest::addColumn<QString>("keyName");
    QTest::addColumn<KeyType>("type");
    QTest::addColumn<QString>("typeName");
    QTest::addColumn<QString>("description");

    QTest::newRow("P-256") << QStringLiteral("ecdsa-p256") << KeyType::EcP256
                           << QStringLiteral("EC P-256") << QStringLiteral("EC P-256 (256 bits)");
    QTest::newRow("P-384") << QStringLiteral("ecdsa-p384") << KeyType::EcP384
                           << QStringLiteral("EC P-384") << QStringLiteral("EC P-384 (384 bits)");
    QTest::newRow("P-521") << QStringLiteral("ecdsa-p521") << KeyType::EcP521
                           << QStringLiteral("EC P-521") << QStringLiteral("EC P-521 (521 bits)");
    QTest::newRow("secp256k1") << QStringLiteral("secp256k1") << KeyType::EcOtherCurve
                               << QStringLiteral("EC (other curve)")
                               << QStringLiteral("EC (other curve) (256 bits)");
    QTest::newRow("Ed25519") << QStringLiteral("ed25519") << KeyType::Ed25519
                             << QStringLiteral("Ed25519") << QStringLiteral("Ed25519 (256 bits)");
    QTest::newRow("Ed448") << QStringLiteral("ed448") << KeyType::Ed448 << QStringLiteral("Ed448")
                           << QStringLiteral("Ed448 (456 bits)");
    QTest::newRow("RSA") << QStringLiteral("rsa-2048") << KeyType::Rsa << QStringLiteral("RSA")
                         << QStringLiteral("RSA (2048 bits)");
    QTest::newRow("RSA-PSS") << QStringLiteral("rsa-pss-2048") << KeyType::RsaPss
                             << QStringLiteral("RSA-PSS") << QStringLiteral("RSA-PSS (2048 bits)");
    QTest::newRow("X25519, unknown")
        << QStringLiteral("x25519") << KeyType::Unknown << QStringLiteral("unknown key type")
        << QStringLiteral("X25519 (253 bits)");
}

void KeyCodecTest::describe()
{
    QFETCH(QString, keyName);
    QFETCH(KeyType, type);
    QFETCH(QString, typeName);
    QFETCH(QString, description);

    QCOMPARE(keyTypeOf(key(keyName)), type);
    QCOMPARE(keyTypeName(type), typeName);
    QCOMPARE(describeKey(key(keyName)), description);
    // keyName: the description without its size (OpenSSL's name for a kind Baton does not know).
    QCOMPARE(baton::keyName(key(keyName)), description.left(description.lastIndexOf(u" ("_qs)));
    QCOMPARE(isRsa(type), type == KeyType::Rsa || type == KeyType::RsaPss);
}

QTEST_GUILESS_MAIN(KeyCodecTest)
#include "tst_key_codec.moc"
