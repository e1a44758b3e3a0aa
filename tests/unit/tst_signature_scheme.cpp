// Unit tests for tls/SignatureScheme: the scheme table, the key-to-scheme rules of RFC 9345 and
// signing exactly as a TLS 1.3 CertificateVerify (checked against OpenSSL directly).

#include "TestPki.h"
#include "crypto/KeyCodec.h"
#include "tls/SignatureScheme.h"

#include <QTest>
#include <map>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

using namespace baton;

Q_DECLARE_METATYPE(baton::KeyType)
Q_DECLARE_METATYPE(baton::SignatureScheme::Padding)

namespace {

const QByteArray kMessage = QByteArrayLiteral("TLS 1.3, server CertificateVerify\x00 test message");

/// Verifies with OpenSSL directly, spelling out every TLS 1.3 parameter (an explicit PSS salt
/// length equal to the hash length, not "auto"), so that a signature made with other
/// parameters fails here even if it verifies with Baton's own verifier.
bool verifyIndependently(EVP_PKEY *key, const char *digest, bool pss, QByteArrayView message,
                         QByteArrayView signature)
{
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX *pctx = nullptr;
    if (EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, key, nullptr) != 1)
        return false;
    if (pss) {
        const int hashLength = EVP_MD_get_size(EVP_get_digestbyname(digest));
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, hashLength) != 1 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, digest, nullptr) != 1)
            return false;
    }
    const int verdict = EVP_DigestVerify(
        ctx.get(), reinterpret_cast<const unsigned char *>(signature.data()),
        size_t(signature.size()), reinterpret_cast<const unsigned char *>(message.data()),
        size_t(message.size()));
    discardOpenSslErrors();
    return verdict == 1;
}

} // namespace

class SignatureSchemeTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void table_data();
    void table();
    void lookupMisses_data();
    void lookupMisses();
    void displayName_data();
    void displayName();
    void schemesForKey_data();
    void schemesForKey();
    void signAndVerify_data();
    void signAndVerify();
    void mismatchedKey_data();
    void mismatchedKey();

private:
    EVP_PKEY *key(const QString &name) const { return m_keys.at(name).get(); }

    std::map<QString, EvpPkeyPtr> m_keys;
};

void SignatureSchemeTest::initTestCase()
{
    // RSA keys are slow to make: one of each, shared by every row.
    for (const char *name :
         {"ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "ed25519", "ed448", "rsa-pss-2048", "rsa-2048"})
        m_keys[QLatin1String(name)] = test::makeKey(QLatin1String(name));
}

void SignatureSchemeTest::table_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("name");
    QTest::addColumn<KeyType>("keyType");
    QTest::addColumn<QString>("digest");
    QTest::addColumn<SignatureScheme::Padding>("padding");
    QTest::addColumn<bool>("dcKeyAllowed");
    QTest::addColumn<bool>("certSignatureAllowed");
    QTest::addColumn<bool>("firefoxAcceptsDc");

    using P = SignatureScheme::Padding;
    const auto row = [](int code, const char *name, KeyType type, const char *digest, P padding,
                        bool dcKey, bool certSignature, bool firefox) {
        QTest::newRow(name) << code << QString::fromLatin1(name) << type
                            << QString::fromLatin1(digest) << padding << dcKey << certSignature
                            << firefox;
    };
    row(0x0403, "ecdsa_secp256r1_sha256", KeyType::EcP256, "SHA256", P::None, true, true, true);
    row(0x0503, "ecdsa_secp384r1_sha384", KeyType::EcP384, "SHA384", P::None, true, true, true);
    row(0x0603, "ecdsa_secp521r1_sha512", KeyType::EcP521, "SHA512", P::None, true, true, true);
    row(0x0807, "ed25519", KeyType::Ed25519, nullptr, P::None, true, true, false);
    row(0x0808, "ed448", KeyType::Ed448, nullptr, P::None, true, true, false);
    row(0x0804, "rsa_pss_rsae_sha256", KeyType::Rsa, "SHA256", P::Pss, false, true, false);
    row(0x0805, "rsa_pss_rsae_sha384", KeyType::Rsa, "SHA384", P::Pss, false, true, false);
    row(0x0806, "rsa_pss_rsae_sha512", KeyType::Rsa, "SHA512", P::Pss, false, true, false);
    row(0x0809, "rsa_pss_pss_sha256", KeyType::RsaPss, "SHA256", P::Pss, true, true, false);
    row(0x080a, "rsa_pss_pss_sha384", KeyType::RsaPss, "SHA384", P::Pss, true, true, false);
    row(0x080b, "rsa_pss_pss_sha512", KeyType::RsaPss, "SHA512", P::Pss, true, true, false);
    row(0x0401, "rsa_pkcs1_sha256", KeyType::Rsa, "SHA256", P::Pkcs1, false, false, false);
    row(0x0501, "rsa_pkcs1_sha384", KeyType::Rsa, "SHA384", P::Pkcs1, false, false, false);
    row(0x0601, "rsa_pkcs1_sha512", KeyType::Rsa, "SHA512", P::Pkcs1, false, false, false);
    row(0x0201, "rsa_pkcs1_sha1", KeyType::Rsa, "SHA1", P::Pkcs1, false, false, false);
    row(0x0203, "ecdsa_sha1", KeyType::Unknown, "SHA1", P::None, false, false, false);
}

void SignatureSchemeTest::table()
{
    QFETCH(int, code);
    QFETCH(QString, name);
    QFETCH(KeyType, keyType);
    QFETCH(QString, digest);
    QFETCH(SignatureScheme::Padding, padding);
    QFETCH(bool, dcKeyAllowed);
    QFETCH(bool, certSignatureAllowed);
    QFETCH(bool, firefoxAcceptsDc);

    QCOMPARE(signatureSchemes().size(), std::size_t(16));

    const SignatureScheme *byCode = signatureSchemeByCode(quint16(code));
    QVERIFY(byCode);
    QCOMPARE(QLatin1String(byCode->name), name);
    QCOMPARE(int(byCode->code), code);
    QCOMPARE(byCode->keyType, keyType);
    QCOMPARE(byCode->digest ? QLatin1String(byCode->digest) : QString(), digest);
    QCOMPARE(byCode->padding, padding);
    QCOMPARE(byCode->dcKeyAllowed, dcKeyAllowed);
    QCOMPARE(byCode->certSignatureAllowed, certSignatureAllowed);
    QCOMPARE(byCode->firefoxAcceptsDc, firefoxAcceptsDc);

    // The same entry by name, in any case.
    QCOMPARE(signatureSchemeByName(name), byCode);
    QCOMPARE(signatureSchemeByName(name.toUpper()), byCode);
    // RFC 9345 §4: an rsae scheme is never a DC's own scheme.
    if (name.startsWith(QLatin1String("rsa_pss_rsae")))
        QVERIFY(!byCode->dcKeyAllowed);
}

void SignatureSchemeTest::lookupMisses_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("name");

    QTest::newRow("0x1234") << 0x1234 << QStringLiteral("ecdsa_secp256r1");
    QTest::newRow("0x0000") << 0x0000 << QString();
    QTest::newRow("0xffff") << 0xffff << QStringLiteral("ecdsa_secp256r1_sha256 ");
    QTest::newRow("byte-swapped 0x0304") << 0x0304 << QStringLiteral("ed25519_sha256");
    QTest::newRow("0x0806 + 0x100") << 0x0906 << QStringLiteral("rsa_pss_sha256");
}

void SignatureSchemeTest::lookupMisses()
{
    QFETCH(int, code);
    QFETCH(QString, name);

    QCOMPARE(signatureSchemeByCode(quint16(code)), nullptr);
    QCOMPARE(signatureSchemeByName(name), nullptr);
}

void SignatureSchemeTest::displayName_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("expected");

    QTest::newRow("0x0403") << 0x0403 << QStringLiteral("ecdsa_secp256r1_sha256 (0x0403)");
    QTest::newRow("0x0807") << 0x0807 << QStringLiteral("ed25519 (0x0807)");
    QTest::newRow("0x080a") << 0x080a << QStringLiteral("rsa_pss_pss_sha384 (0x080a)");
    QTest::newRow("0x0201") << 0x0201 << QStringLiteral("rsa_pkcs1_sha1 (0x0201)");
    QTest::newRow("0x1234") << 0x1234 << QStringLiteral("unknown (0x1234)");
    QTest::newRow("0x0000") << 0x0000 << QStringLiteral("unknown (0x0000)");
    QTest::newRow("0x00ab") << 0x00ab << QStringLiteral("unknown (0x00ab)");
    QTest::newRow("0xffff") << 0xffff << QStringLiteral("unknown (0xffff)");
}

void SignatureSchemeTest::displayName()
{
    QFETCH(int, code);
    QFETCH(QString, expected);

    QCOMPARE(signatureSchemeDisplayName(quint16(code)), expected);
    if (const SignatureScheme *scheme = signatureSchemeByCode(quint16(code)))
        QCOMPARE(scheme->displayName(), expected);
}

void SignatureSchemeTest::schemesForKey_data()
{
    QTest::addColumn<KeyType>("keyType");
    QTest::addColumn<int>("dcScheme");          // 0: none
    QTest::addColumn<int>("certificateScheme"); // 0: none

    QTest::newRow("EC P-256") << KeyType::EcP256 << 0x0403 << 0x0403;
    QTest::newRow("EC P-384") << KeyType::EcP384 << 0x0503 << 0x0503;
    QTest::newRow("EC P-521") << KeyType::EcP521 << 0x0603 << 0x0603;
    QTest::newRow("EC other curve") << KeyType::EcOtherCurve << 0 << 0;
    QTest::newRow("Ed25519") << KeyType::Ed25519 << 0x0807 << 0x0807;
    QTest::newRow("Ed448") << KeyType::Ed448 << 0x0808 << 0x0808;
    // RFC 9345: an rsaEncryption key is never a DC key, but a certificate may sign with rsae.
    QTest::newRow("rsaEncryption") << KeyType::Rsa << 0 << 0x0804;
    QTest::newRow("RSA-PSS") << KeyType::RsaPss << 0x0809 << 0x0809;
    QTest::newRow("unknown") << KeyType::Unknown << 0 << 0;
}

void SignatureSchemeTest::schemesForKey()
{
    QFETCH(KeyType, keyType);
    QFETCH(int, dcScheme);
    QFETCH(int, certificateScheme);

    const SignatureScheme *dc = dcSchemeForKey(keyType);
    QCOMPARE(dc ? int(dc->code) : 0, dcScheme);
    if (dc) {
        QVERIFY(dc->dcKeyAllowed);
        QCOMPARE(dc->keyType, keyType);
    }
    const SignatureScheme *certificate = certificateSchemeForKey(keyType);
    QCOMPARE(certificate ? int(certificate->code) : 0, certificateScheme);
    if (certificate) {
        QVERIFY(certificate->certSignatureAllowed);
        QCOMPARE(certificate->keyType, keyType);
    }
}

void SignatureSchemeTest::signAndVerify_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("keyName");
    QTest::addColumn<int>("signatureSize"); // 0: variable (ECDSA DER)

    QTest::newRow("ecdsa_secp256r1_sha256") << 0x0403 << QStringLiteral("ecdsa-p256") << 0;
    QTest::newRow("ecdsa_secp384r1_sha384") << 0x0503 << QStringLiteral("ecdsa-p384") << 0;
    QTest::newRow("ecdsa_secp521r1_sha512") << 0x0603 << QStringLiteral("ecdsa-p521") << 0;
    QTest::newRow("ed25519") << 0x0807 << QStringLiteral("ed25519") << 64;
    QTest::newRow("ed448") << 0x0808 << QStringLiteral("ed448") << 114;
    QTest::newRow("rsa_pss_rsae_sha256") << 0x0804 << QStringLiteral("rsa-2048") << 256;
    QTest::newRow("rsa_pss_rsae_sha384") << 0x0805 << QStringLiteral("rsa-2048") << 256;
    QTest::newRow("rsa_pss_rsae_sha512") << 0x0806 << QStringLiteral("rsa-2048") << 256;
    QTest::newRow("rsa_pss_pss_sha256") << 0x0809 << QStringLiteral("rsa-pss-2048") << 256;
    QTest::newRow("rsa_pss_pss_sha384") << 0x080a << QStringLiteral("rsa-pss-2048") << 256;
    QTest::newRow("rsa_pss_pss_sha512") << 0x080b << QStringLiteral("rsa-pss-2048") << 256;
}

void SignatureSchemeTest::signAndVerify()
{
    QFETCH(int, code);
    QFETCH(QString, keyName);
    QFETCH(int, signatureSize);

    const SignatureScheme *scheme = signatureSchemeByCode(quint16(code));
    QVERIFY(scheme);
    QVERIFY(scheme->certSignatureAllowed);
    EVP_PKEY *signer = key(keyName);
    QCOMPARE(keyTypeOf(signer), scheme->keyType);

    const auto signature = signWithScheme(signer, *scheme, kMessage);
    QVERIFY2(signature.ok(), qPrintable(signature.ok() ? QString() : signature.errorMessage()));
    if (signatureSize > 0) {
        QCOMPARE(signature->size(), signatureSize);
    } else {
        // ECDSA: an ASN.1 DER SEQUENCE of two INTEGERs, as TLS 1.3 sends it.
        QCOMPARE(quint8(signature->at(0)), quint8(0x30));
        QVERIFY(signature->size() >= 8);
    }

    // Verifies with Baton and with OpenSSL given TLS 1.3's parameters explicitly.
    const auto verdict = verifyWithScheme(signer, *scheme, kMessage, *signature);
    QVERIFY(verdict.ok());
    QCOMPARE(*verdict, true);
    QVERIFY(verifyIndependently(signer, scheme->digest,
                                scheme->padding == SignatureScheme::Padding::Pss, kMessage,
                                *signature));

    // The public half alone is enough to verify.
    const auto spki = encodeSubjectPublicKeyInfo(signer);
    QVERIFY(spki.ok());
    auto publicKey = decodeSubjectPublicKeyInfo(*spki);
    QVERIFY(publicKey.ok());
    const auto publicVerdict = verifyWithScheme(publicKey->get(), *scheme, kMessage, *signature);
    QVERIFY(publicVerdict.ok());
    QCOMPARE(*publicVerdict, true);

    // One flipped bit anywhere in the signature, or in the message, and it fails (without an
    // Error: a bad signature is a verdict, not a failure to verify).
    for (const qsizetype position : {qsizetype(0), signature->size() / 2, signature->size() - 1}) {
        QByteArray damaged = *signature;
        damaged[position] = char(damaged.at(position) ^ 0x01);
        const auto bad = verifyWithScheme(signer, *scheme, kMessage, damaged);
        QVERIFY(bad.ok());
        QVERIFY2(!*bad, qPrintable(QStringLiteral("bit flipped at %1").arg(position)));
    }
    QByteArray otherMessage = kMessage;
    otherMessage[10] = char(otherMessage.at(10) ^ 0x80);
    const auto wrongMessage = verifyWithScheme(signer, *scheme, otherMessage, *signature);
    QVERIFY(wrongMessage.ok());
    QCOMPARE(*wrongMessage, false);
    const auto empty = verifyWithScheme(signer, *scheme, kMessage, QByteArrayView());
    QVERIFY(empty.ok());
    QCOMPARE(*empty, false);
    const auto truncated = verifyWithScheme(signer, *scheme, kMessage, signature->chopped(1));
    QVERIFY(truncated.ok());
    QCOMPARE(*truncated, false);
    // Bad signatures are verdicts: nothing is left on OpenSSL's queue for the next error.
    QCOMPARE(ERR_peek_error(), 0UL);
}

void SignatureSchemeTest::mismatchedKey_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("keyName");
    QTest::addColumn<QString>("signMessage");
    QTest::addColumn<QString>("verifyMessage");

    // %3, the key type the scheme needs, is filled in by the test from the scheme itself.
    const auto cannot = [](const char *key, const char *scheme) {
        return std::pair{QStringLiteral("cannot sign with %2: it needs key type %3, not %1")
                             .arg(QLatin1String(key), QLatin1String(scheme)),
                         QStringLiteral("cannot verify with %2: it needs key type %3, not %1")
                             .arg(QLatin1String(key), QLatin1String(scheme))};
    };
    const auto row = [](const char *tag, int code, const char *keyName,
                        const std::pair<QString, QString> &messages) {
        QTest::newRow(tag) << code << QString::fromLatin1(keyName) << messages.first
                           << messages.second;
    };
    row("P-384 key, P-256 scheme", 0x0403, "ecdsa-p384",
        cannot("EC P-384 (384 bits)", "ecdsa_secp256r1_sha256 (0x0403)"));
    row("P-256 key, P-521 scheme", 0x0603, "ecdsa-p256",
        cannot("EC P-256 (256 bits)", "ecdsa_secp521r1_sha512 (0x0603)"));
    row("Ed25519 key, ECDSA scheme", 0x0403, "ed25519",
        cannot("Ed25519 (256 bits)", "ecdsa_secp256r1_sha256 (0x0403)"));
    row("Ed448 key, Ed25519 scheme", 0x0807, "ed448",
        cannot("Ed448 (456 bits)", "ed25519 (0x0807)"));
    row("P-256 key, Ed25519 scheme", 0x0807, "ecdsa-p256",
        cannot("EC P-256 (256 bits)", "ed25519 (0x0807)"));
    row("RSA-PSS key, rsae scheme", 0x0804, "rsa-pss-2048",
        cannot("RSA-PSS (2048 bits)", "rsa_pss_rsae_sha256 (0x0804)"));
    row("rsaEncryption key, pss scheme", 0x0809, "rsa-2048",
        cannot("RSA (2048 bits)", "rsa_pss_pss_sha256 (0x0809)"));
    row("RSA key, ECDSA scheme", 0x0503, "rsa-2048",
        cannot("RSA (2048 bits)", "ecdsa_secp384r1_sha384 (0x0503)"));
    const QString sha1 = QStringLiteral("ecdsa_sha1 (0x0203) is not a TLS 1.3 signature scheme");
    row("P-256 key, ecdsa_sha1", 0x0203, "ecdsa-p256", std::pair{sha1, sha1});
    const QString pkcs1 =
        QStringLiteral("rsa_pkcs1_sha256 (0x0401) is not a TLS 1.3 signature scheme");
    row("RSA key, rsa_pkcs1_sha256", 0x0401, "rsa-2048", std::pair{pkcs1, pkcs1});
}

void SignatureSchemeTest::mismatchedKey()
{
    QFETCH(int, code);
    QFETCH(QString, keyName);
    QFETCH(QString, signMessage);
    QFETCH(QString, verifyMessage);

    const SignatureScheme *scheme = signatureSchemeByCode(quint16(code));
    QVERIFY(scheme);
    if (signMessage.contains(u"%3"_qs)) {
        signMessage = signMessage.arg(keyTypeName(scheme->keyType));
        verifyMessage = verifyMessage.arg(keyTypeName(scheme->keyType));
    }
    const auto signature = signWithScheme(key(keyName), *scheme, kMessage);
    QVERIFY(!signature.ok());
    QCOMPARE(signature.errorMessage(), signMessage);

    const auto verdict = verifyWithScheme(key(keyName), *scheme, kMessage, QByteArray(64, '\x01'));
    QVERIFY(!verdict.ok());
    QCOMPARE(verdict.errorMessage(), verifyMessage);
    QCOMPARE(ERR_peek_error(), 0UL);
}

QTEST_GUILESS_MAIN(SignatureSchemeTest)
#include "tst_signature_scheme.moc"
