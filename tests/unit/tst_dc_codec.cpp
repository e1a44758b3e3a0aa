// Unit tests for dc/DelegatedCredential: the RFC 9345 wire format, strict decoding and the
// signed message.

#include "TestPki.h"
#include "dc/DcIssuer.h"
#include "dc/DelegatedCredential.h"
#include "tls/SignatureScheme.h"

#include <QTest>
#include <map>
#include <optional>

using namespace baton;
using baton::test::utc;

namespace {

quint32 readBigEndian(const QByteArray &bytes, qsizetype offset, int width)
{
    quint32 value = 0;
    for (int i = 0; i < width; ++i)
        value = (value << 8) | quint8(bytes.at(offset + i));
    return value;
}

QByteArray bigEndian(quint32 value, int width)
{
    QByteArray out;
    for (int i = width - 1; i >= 0; --i)
        out.append(char((value >> (8 * i)) & 0xff));
    return out;
}

/// A DC assembled field by field, lengths as given (so they can lie).
QByteArray assemble(quint32 validTime, quint16 scheme, quint32 spkiLength, const QByteArray &spki,
                    quint16 algorithm, quint16 signatureLength, const QByteArray &signature)
{
    return bigEndian(validTime, 4) + bigEndian(scheme, 2) + bigEndian(spkiLength, 3) + spki +
           bigEndian(algorithm, 2) + bigEndian(signatureLength, 2) + signature;
}

} // namespace

class DcCodecTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void roundTrip_data();
    void roundTrip();
    void truncation_data();
    void truncation();
    void trailingByte_data();
    void trailingByte();
    void malformed_data();
    void malformed();
    void draftLayout_data();
    void draftLayout();
    void encodeExact();
    void signedMessage_data();
    void signedMessage();
    void signatureCoversTheRole_data();
    void signatureCoversTheRole();
    void expiry_data();
    void expiry();

private:
    void makeFixtures();
    void addDcColumns();
    const QByteArray &dc(const QString &keyName) const { return m_dcs.at(keyName); }

    std::optional<test::TestIdentity> m_identity;
    std::map<QString, QByteArray> m_dcs;       ///< server DCs by DC key name
    std::map<QString, QByteArray> m_clientDcs; ///< client DCs by DC key name
    QByteArray m_p256Spki;                     ///< a valid SPKI for hand-made DCs
    bool m_fixturesMade = false;
};

// The DC key types the truncation and round-trip tests run over.
static const char *const kDcKeys[] = {"ecdsa-p256", "ecdsa-p384", "ecdsa-p521",
                                      "ed25519",    "ed448",      "rsa-pss-2048"};

void DcCodecTest::initTestCase()
{
    makeFixtures();
}

// Also called by the _data functions that use the fixtures: `-datatags` runs those without
// initTestCase.
void DcCodecTest::makeFixtures()
{
    if (m_fixturesMade)
        return;
    m_fixturesMade = true;
    m_identity.emplace(test::makeIdentity()); // EC P-256, notBefore 2026-01-01
    for (const char *name : kDcKeys) {
        for (const DcRole role : {DcRole::Server, DcRole::Client}) {
            auto issued = issueDelegatedCredential(DcIssueRequest{
                .certificate = m_identity->certificate,
                .certificateKey = m_identity->key.get(),
                .dcKeySpec = keySpecByName(QString::fromLatin1(name)),
                .lifetimeSeconds = 24 * 3600,
                .role = role,
                .now = utc(2026, 6, 1),
            });
            QVERIFY2(issued.ok(), qPrintable(issued.ok() ? QString() : issued.errorMessage()));
            (role == DcRole::Server ? m_dcs : m_clientDcs)[QLatin1String(name)] = issued->bytes;
        }
    }
    auto spki = encodeSubjectPublicKeyInfo(test::makeKey(QStringLiteral("ecdsa-p256")).get());
    QVERIFY(spki.ok());
    m_p256Spki = *spki;
}

void DcCodecTest::addDcColumns()
{
    QTest::addColumn<QString>("keyName");
    QTest::addColumn<int>("dcCertVerifyAlgorithm");
    for (const char *name : kDcKeys) {
        const SignatureScheme *scheme =
            dcSchemeForKey(keySpecByName(QString::fromLatin1(name))->type);
        QTest::newRow(name) << QString::fromLatin1(name) << int(scheme->code);
    }
}

void DcCodecTest::roundTrip_data()
{
    addDcColumns();
}

void DcCodecTest::roundTrip()
{
    QFETCH(QString, keyName);
    QFETCH(int, dcCertVerifyAlgorithm);

    const QByteArray &bytes = dc(keyName);
    const auto decoded = DelegatedCredential::decode(bytes);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.errorMessage()));

    // 2026-01-01 (notBefore) to 2026-06-02 (issued 2026-06-01 for 24 h) is 152 days.
    QCOMPARE(decoded->validTime, quint32(152 * 86400));
    QCOMPARE(int(decoded->dcCertVerifyAlgorithm), dcCertVerifyAlgorithm);
    QCOMPARE(int(decoded->algorithm), 0x0403); // the P-256 certificate signs
    QCOMPARE(decoded->expiry(m_identity->certificate), utc(2026, 6, 2));

    // Every field where the RFC puts it.
    const qsizetype spkiLength = decoded->subjectPublicKeyInfo.size();
    QCOMPARE(bytes.size(), 4 + 2 + 3 + spkiLength + 2 + 2 + decoded->signature.size());
    QCOMPARE(readBigEndian(bytes, 0, 4), decoded->validTime);
    QCOMPARE(readBigEndian(bytes, 4, 2), quint32(dcCertVerifyAlgorithm));
    QCOMPARE(readBigEndian(bytes, 6, 3), quint32(spkiLength));
    QCOMPARE(bytes.mid(9, spkiLength), decoded->subjectPublicKeyInfo);
    QCOMPARE(readBigEndian(bytes, 9 + spkiLength, 2), quint32(0x0403));
    QCOMPARE(readBigEndian(bytes, 11 + spkiLength, 2), quint32(decoded->signature.size()));
    QCOMPARE(bytes.mid(13 + spkiLength), decoded->signature);

    // The SPKI is the DC key's, of the type the scheme needs.
    const auto key = decodeSubjectPublicKeyInfo(decoded->subjectPublicKeyInfo);
    QVERIFY(key.ok());
    QCOMPARE(keyTypeOf(key->get()), signatureSchemeByCode(quint16(dcCertVerifyAlgorithm))->keyType);

    // Encoding gives back the very same bytes; encodeCredential is their first part.
    QCOMPARE(decoded->encode(), bytes);
    QCOMPARE(decoded->encodeCredential(), bytes.left(9 + spkiLength));
    const auto again = DelegatedCredential::decode(decoded->encode());
    QVERIFY(again.ok());
    QVERIFY(*again == *decoded);
}

void DcCodecTest::truncation_data()
{
    addDcColumns();
}

void DcCodecTest::truncation()
{
    QFETCH(QString, keyName);

    const QByteArray &bytes = dc(keyName);
    const qsizetype spkiLength = readBigEndian(bytes, 6, 3);
    const qsizetype signatureLength = readBigEndian(bytes, 11 + spkiLength, 2);
    QCOMPARE(bytes.size(), 13 + spkiLength + signatureLength);

    // The field being read where the input runs out, and the offset it starts at.
    const auto expectedField = [&](qsizetype size) -> std::pair<QString, qsizetype> {
        if (size < 4)
            return {QStringLiteral("valid_time"), 0};
        if (size < 6)
            return {QStringLiteral("dc_cert_verify_algorithm"), 4};
        if (size < 9)
            return {QStringLiteral("ASN1_subjectPublicKeyInfo length (u24)"), 6};
        if (size < 9 + spkiLength)
            return {QStringLiteral("ASN1_subjectPublicKeyInfo"), 9};
        if (size < 11 + spkiLength)
            return {QStringLiteral("algorithm"), 9 + spkiLength};
        if (size < 13 + spkiLength)
            return {QStringLiteral("signature length (u16)"), 11 + spkiLength};
        return {QStringLiteral("signature"), 13 + spkiLength};
    };

    for (qsizetype size = 0; size < bytes.size(); ++size) {
        const auto decoded = DelegatedCredential::decode(bytes.left(size));
        QVERIFY2(!decoded.ok(),
                 qPrintable(QStringLiteral("accepted %1 of %2 bytes").arg(size).arg(bytes.size())));
        const auto [field, offset] = expectedField(size);
        const QString message = decoded.errorMessage();
        const QString expected =
            QStringLiteral("field %1 at byte offset %2: ").arg(field).arg(offset);
        QVERIFY2(message.startsWith(expected),
                 qPrintable(QStringLiteral("%1 bytes: %2").arg(size).arg(message)));
        QVERIFY2(message.contains(QStringLiteral("truncated?")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("only %1 remain").arg(size - offset)),
                 qPrintable(QStringLiteral("%1 bytes: %2").arg(size).arg(message)));
    }
}

void DcCodecTest::trailingByte_data()
{
    QTest::addColumn<QString>("keyName");
    QTest::addColumn<QByteArray>("extra");

    QTest::newRow("P-256, one 0x00") << QStringLiteral("ecdsa-p256") << QByteArray(1, '\0');
    QTest::newRow("P-256, one 0xff") << QStringLiteral("ecdsa-p256") << QByteArray(1, '\xff');
    QTest::newRow("Ed25519, one 0x00") << QStringLiteral("ed25519") << QByteArray(1, '\0');
    QTest::newRow("RSA-PSS, one 0x01") << QStringLiteral("rsa-pss-2048") << QByteArray(1, '\1');
    QTest::newRow("P-256, a second DC") << QStringLiteral("ecdsa-p256") << QByteArray();
}

void DcCodecTest::trailingByte()
{
    QFETCH(QString, keyName);
    QFETCH(QByteArray, extra);

    const QByteArray &bytes = dc(keyName);
    if (extra.isEmpty())
        extra = bytes; // two DCs back to back
    const auto decoded = DelegatedCredential::decode(bytes + extra);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.errorMessage(),
             QStringLiteral("%1 unexpected trailing bytes at byte offset %2 after the signature")
                 .arg(extra.size())
                 .arg(bytes.size()));
}

void DcCodecTest::malformed_data()
{
    makeFixtures();
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("messageStart");

    const QByteArray spki = m_p256Spki;
    const auto spkiLength = quint32(spki.size());
    const QByteArray signature(70, '\x42');

    // The hand-made frame itself decodes: each row below breaks exactly one thing.
    QTest::newRow("control: well formed")
        << assemble(86400, 0x0403, spkiLength, spki, 0x0403, 70, signature) << QString();
    QTest::newRow("empty SPKI") << assemble(86400, 0x0403, 0, {}, 0x0403, 70, signature)
                                << QStringLiteral(
                                       "field ASN1_subjectPublicKeyInfo at byte offset 6 is empty");
    QTest::newRow("empty signature")
        << assemble(86400, 0x0403, spkiLength, spki, 0x0403, 0, {})
        << QStringLiteral("field signature at byte offset %1 is empty").arg(11 + spki.size());
    QTest::newRow("SPKI not DER")
        << assemble(86400, 0x0403, 3, "\x01\x02\x03", 0x0403, 70, signature)
        << QStringLiteral("field ASN1_subjectPublicKeyInfo at byte offset 9: not a valid "
                          "SubjectPublicKeyInfo");
    QTest::newRow("SPKI of text")
        << assemble(86400, 0x0403, 12, "hello, world", 0x0403, 70, signature)
        << QStringLiteral("field ASN1_subjectPublicKeyInfo at byte offset 9: not a valid "
                          "SubjectPublicKeyInfo");
    QTest::newRow("SPKI cut short inside")
        << assemble(86400, 0x0403, spkiLength - 1, spki.chopped(1), 0x0403, 70, signature)
        << QStringLiteral("field ASN1_subjectPublicKeyInfo at byte offset 9: not a valid "
                          "SubjectPublicKeyInfo");
    QTest::newRow("SPKI with a byte of its own after it")
        << assemble(86400, 0x0403, spkiLength + 1, spki + '\0', 0x0403, 70, signature)
        << QStringLiteral("field ASN1_subjectPublicKeyInfo at byte offset 9: 1 unexpected bytes "
                          "after the SubjectPublicKeyInfo");
    // OpenSSL's d2i_PUBKEY takes BER; RFC 9345 says DER, and BoringSSL, NSS and Go agree.
    const QByteArray berSpki = "\x30\x81" + spki.mid(1);
    QTest::newRow("SPKI in BER, not DER")
        << assemble(86400, 0x0403, quint32(berSpki.size()), berSpki, 0x0403, 70, signature)
        << QStringLiteral("field ASN1_subjectPublicKeyInfo at byte offset 9: not a valid "
                          "SubjectPublicKeyInfo: not DER");
    QTest::newRow("SPKI length overruns")
        << assemble(86400, 0x0403, 0xffffff, spki, 0x0403, 70, signature)
        << QStringLiteral("field ASN1_subjectPublicKeyInfo at byte offset 9: its length says "
                          "16777215 bytes but only %1 remain")
               .arg(spki.size() + 4 + 70);
    QTest::newRow("signature length overruns")
        << assemble(86400, 0x0403, spkiLength, spki, 0x0403, 71, signature)
        << QStringLiteral("field signature at byte offset %1: its length says 71 bytes but only "
                          "70 remain")
               .arg(13 + spki.size());
    QTest::newRow("empty input")
        << QByteArray()
        << QStringLiteral("field valid_time at byte offset 0: expected 4 bytes, only 0 remain");
}

void DcCodecTest::malformed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, messageStart);

    const auto decoded = DelegatedCredential::decode(bytes);
    if (messageStart.isEmpty()) {
        QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.errorMessage()));
        QCOMPARE(decoded->encode(), bytes);
        return;
    }
    QVERIFY(!decoded.ok());
    QVERIFY2(decoded.errorMessage().startsWith(messageStart), qPrintable(decoded.errorMessage()));
}

void DcCodecTest::draftLayout_data()
{
    QTest::addColumn<QString>("keyName");
    QTest::addColumn<QByteArray>("version");

    QTest::newRow("P-256, 0x0303") << QStringLiteral("ecdsa-p256") << QByteArray("\x03\x03");
    QTest::newRow("P-256, 0x0304") << QStringLiteral("ecdsa-p256") << QByteArray("\x03\x04");
    QTest::newRow("Ed25519, 0x0303") << QStringLiteral("ed25519") << QByteArray("\x03\x03");
    QTest::newRow("RSA-PSS, 0x0303") << QStringLiteral("rsa-pss-2048") << QByteArray("\x03\x03");
}

void DcCodecTest::draftLayout()
{
    QFETCH(QString, keyName);
    QFETCH(QByteArray, version);

    // draft-02 and earlier: a protocol version between the scheme and the SPKI length.
    QByteArray draft = dc(keyName);
    draft.insert(6, version);
    const auto decoded = DelegatedCredential::decode(draft);
    QVERIFY(!decoded.ok());
    const QString message = decoded.errorMessage();
    QVERIFY2(message.startsWith(QStringLiteral("pre-RFC draft format")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("(0x%1)").arg(QString::fromLatin1(version.toHex()))),
             qPrintable(message));

    // Another two bytes there that are no TLS version: an ordinary length error.
    QByteArray other = dc(keyName);
    other.insert(6, QByteArray("\x03\x05"));
    const auto otherDecoded = DelegatedCredential::decode(other);
    QVERIFY(!otherDecoded.ok());
    QVERIFY2(!otherDecoded.errorMessage().contains(QStringLiteral("draft")),
             qPrintable(otherDecoded.errorMessage()));
}

void DcCodecTest::encodeExact()
{
    DelegatedCredential dc;
    dc.validTime = 0x01020304;
    dc.dcCertVerifyAlgorithm = 0x0807;
    dc.subjectPublicKeyInfo = QByteArrayLiteral("\x30\x00");
    dc.algorithm = 0x0403;
    dc.signature = QByteArrayLiteral("\xaa\xbb\xcc");

    QCOMPARE(dc.encodeCredential(), QByteArrayLiteral("\x01\x02\x03\x04"
                                                      "\x08\x07"
                                                      "\x00\x00\x02"
                                                      "\x30\x00"));
    QCOMPARE(dc.encode(), QByteArrayLiteral("\x01\x02\x03\x04"
                                            "\x08\x07"
                                            "\x00\x00\x02"
                                            "\x30\x00"
                                            "\x04\x03"
                                            "\x00\x03"
                                            "\xaa\xbb\xcc"));
}

void DcCodecTest::signedMessage_data()
{
    QTest::addColumn<int>("role");
    QTest::addColumn<QByteArray>("context");

    QTest::newRow("server") << int(DcRole::Server)
                            << QByteArray("TLS, server delegated credentials");
    QTest::newRow("client") << int(DcRole::Client)
                            << QByteArray("TLS, client delegated credentials");
}

void DcCodecTest::signedMessage()
{
    QFETCH(int, role);
    QFETCH(QByteArray, context);

    DelegatedCredential dc;
    dc.validTime = 0x00015180; // 86400
    dc.dcCertVerifyAlgorithm = 0x0403;
    dc.subjectPublicKeyInfo = QByteArrayLiteral("\x30\x01\x05");
    dc.algorithm = 0x0809;
    dc.signature = QByteArrayLiteral("\x01"); // not part of what is signed
    const QByteArray certificateDer = QByteArrayLiteral("\xde\xad\xbe\xef");

    QByteArray expected;
    for (int i = 0; i < 64; ++i)
        expected.append('\x20');
    expected.append(context);
    expected.append('\x00');
    expected.append("\xde\xad\xbe\xef", 4); // certificate DER
    expected.append("\x00\x01\x51\x80", 4); // valid_time
    expected.append("\x04\x03", 2);         // dc_cert_verify_algorithm
    expected.append("\x00\x00\x03", 3);     // SPKI length (u24)
    expected.append("\x30\x01\x05", 3);     // SPKI
    expected.append("\x08\x09", 2);         // algorithm
    QCOMPARE(expected.size(), 64 + 33 + 1 + 4 + 4 + 2 + 3 + 3 + 2);

    const QByteArray message = dc.signedMessage(DcRole(role), certificateDer);
    QCOMPARE(message.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QVERIFY2(message.at(i) == expected.at(i),
                 qPrintable(QStringLiteral("byte %1: 0x%2, expected 0x%3")
                                .arg(i)
                                .arg(quint8(message.at(i)), 2, 16, QLatin1Char('0'))
                                .arg(quint8(expected.at(i)), 2, 16, QLatin1Char('0'))));
    }
    QCOMPARE(message, expected);
    QCOMPARE(DelegatedCredential::signedMessage(DcRole(role), certificateDer, dc.encodeCredential(),
                                                dc.algorithm),
             expected);
}

void DcCodecTest::signatureCoversTheRole_data()
{
    addDcColumns();
}

void DcCodecTest::signatureCoversTheRole()
{
    QFETCH(QString, keyName);

    // What the issuer signed is exactly signedMessage(role, certificate DER): a server DC
    // verifies only as a server DC, a client DC only as a client DC.
    const SignatureScheme *algorithm = signatureSchemeByCode(0x0403);
    EVP_PKEY *certificateKey = m_identity->certificate.publicKey();
    const QByteArray &certificateDer = m_identity->certificate.der();
    for (const DcRole role : {DcRole::Server, DcRole::Client}) {
        const auto decoded = DelegatedCredential::decode(
            role == DcRole::Server ? m_dcs.at(keyName) : m_clientDcs.at(keyName));
        QVERIFY(decoded.ok());
        const DcRole other = role == DcRole::Server ? DcRole::Client : DcRole::Server;
        const auto good =
            verifyWithScheme(certificateKey, *algorithm,
                             decoded->signedMessage(role, certificateDer), decoded->signature);
        QVERIFY(good.ok());
        QCOMPARE(*good, true);
        const auto wrongRole =
            verifyWithScheme(certificateKey, *algorithm,
                             decoded->signedMessage(other, certificateDer), decoded->signature);
        QVERIFY(wrongRole.ok());
        QCOMPARE(*wrongRole, false);
    }
}

void DcCodecTest::expiry_data()
{
    QTest::addColumn<quint32>("validTime");
    QTest::addColumn<QDateTime>("expected");

    // The test certificate's notBefore is 2026-01-01T00:00:00Z.
    QTest::newRow("0") << quint32(0) << utc(2026, 1, 1);
    QTest::newRow("1 s") << quint32(1) << utc(2026, 1, 1, 0, 0, 1);
    QTest::newRow("1 d") << quint32(86400) << utc(2026, 1, 2);
    QTest::newRow("152 d 13 h") << quint32(152 * 86400 + 13 * 3600) << utc(2026, 6, 2, 13);
    QTest::newRow("u32 max") << quint32(0xffffffff) << utc(2162, 2, 7, 6, 28, 15);
}

void DcCodecTest::expiry()
{
    QFETCH(quint32, validTime);
    QFETCH(QDateTime, expected);

    QCOMPARE(m_identity->certificate.notBefore(), utc(2026, 1, 1));
    DelegatedCredential dc;
    dc.validTime = validTime;
    QCOMPARE(dc.expiry(m_identity->certificate), expected);
    QCOMPARE(dc.expiry(m_identity->certificate).toSecsSinceEpoch(),
             m_identity->certificate.notBefore().toSecsSinceEpoch() + qint64(validTime));
}

QTEST_GUILESS_MAIN(DcCodecTest)
#include "tst_dc_codec.moc"
