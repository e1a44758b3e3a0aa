// Unit tests for dc/DcDocument: every encoding DCs travel in, detected and decoded strictly.

#include "TestPki.h"
#include "common/Pem.h"
#include "dc/DcDocument.h"
#include "dc/DcIssuer.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <optional>

using namespace baton;
using baton::test::utc;

Q_DECLARE_METATYPE(baton::DcEncoding)

namespace {

constexpr int kNoRole = -1;

QByteArray spaced(const QByteArray &text, int group, int perLine)
{
    QByteArray out = " \n\t";
    for (qsizetype i = 0; i < text.size(); i += group) {
        out += text.mid(i, group);
        out += ((i / group) % perLine == perLine - 1) ? "\r\n" : " ";
    }
    return out + "\n\n";
}

QByteArray pemOneLine(const QByteArray &label, const QByteArray &der)
{
    return "-----BEGIN " + label + "-----\n" + der.toBase64() + "\n-----END " + label + "-----\n";
}

} // namespace

class DcDocumentTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void read_data();
    void read();
    void fizzCombinedKeyMatches();
    void readErrors_data();
    void readErrors();
    void readFile_data();
    void readFile();
    void hostileInputIsRejectedCleanly_data();
    void hostileInputIsRejectedCleanly();

private:
    void makeFixtures();

    std::optional<test::TestIdentity> m_identity;
    QByteArray m_dc;       ///< a server DC with an EC P-256 key
    QByteArray m_dcKeyDer; ///< its private key, PKCS#8 DER
    QByteArray m_otherDc;  ///< a second DC, for the two-block case
    QTemporaryDir m_dir;
    bool m_fixturesMade = false;
};

void DcDocumentTest::initTestCase()
{
    makeFixtures();
}

// Also called by the _data functions that use the fixtures: `-datatags` runs those without
// initTestCase.
void DcDocumentTest::makeFixtures()
{
    if (m_fixturesMade)
        return;
    m_fixturesMade = true;
    QVERIFY(m_dir.isValid());
    m_identity.emplace(test::makeIdentity());
    auto issued = issueDelegatedCredential(DcIssueRequest{
        .certificate = m_identity->certificate,
        .certificateKey = m_identity->key.get(),
        .lifetimeSeconds = 24 * 3600,
        .now = utc(2026, 6, 1),
    });
    QVERIFY2(issued.ok(), qPrintable(issued.ok() ? QString() : issued.errorMessage()));
    m_dc = issued->bytes;
    auto keyDer = encodePrivateKeyPkcs8Der(issued->generatedKey.get());
    QVERIFY(keyDer.ok());
    m_dcKeyDer = keyDer->bytes();

    auto other = issueDelegatedCredential(DcIssueRequest{
        .certificate = m_identity->certificate,
        .certificateKey = m_identity->key.get(),
        .lifetimeSeconds = 3600,
        .now = utc(2026, 6, 1),
    });
    QVERIFY(other.ok());
    m_otherDc = other->bytes;
    // A binary DC always starts with a zero byte (valid_time < 2^24 here): never text.
    QCOMPARE(m_dc.at(0), '\0');
}

void DcDocumentTest::read_data()
{
    makeFixtures();
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<DcEncoding>("encoding");
    QTest::addColumn<QString>("pemLabel");
    QTest::addColumn<int>("labelledRole");
    QTest::addColumn<QByteArray>("privateKey");
    QTest::addColumn<QByteArray>("certificateDer");

    const QByteArray dc = m_dc;
    const QByteArray hex = dc.toHex();
    const QByteArray key = m_dcKeyDer;
    const QByteArray certificate = m_identity->certificate.der();
    const QByteArray none;
    const QString noLabel;

    QTest::newRow("binary") << dc << DcEncoding::Binary << noLabel << kNoRole << none << none;
    QTest::newRow("hex, lower case")
        << hex << DcEncoding::Hex << noLabel << kNoRole << none << none;
    QTest::newRow("hex, upper case")
        << hex.toUpper() << DcEncoding::Hex << noLabel << kNoRole << none << none;
    QTest::newRow("hex, with a newline")
        << QByteArray(hex + "\n") << DcEncoding::Hex << noLabel << kNoRole << none << none;
    QTest::newRow("hex, spaced bytes and CRLF lines")
        << spaced(hex, 2, 16) << DcEncoding::Hex << noLabel << kNoRole << none << none;
    QTest::newRow("hex, 0x prefix")
        << QByteArray("0x" + hex) << DcEncoding::Hex << noLabel << kNoRole << none << none;
    QTest::newRow("base64") << dc.toBase64() << DcEncoding::Base64 << noLabel << kNoRole << none
                            << none;
    QTest::newRow("base64, wrapped at 64")
        << spaced(dc.toBase64(), 64, 1) << DcEncoding::Base64 << noLabel << kNoRole << none << none;
    QTest::newRow("PEM DELEGATED CREDENTIAL")
        << encodePem(QStringLiteral("DELEGATED CREDENTIAL"), dc) << DcEncoding::Pem
        << QStringLiteral("DELEGATED CREDENTIAL") << kNoRole << none << none;
    QTest::newRow("PEM SERVER DELEGATED CREDENTIAL")
        << encodePem(QStringLiteral("SERVER DELEGATED CREDENTIAL"), dc) << DcEncoding::Pem
        << QStringLiteral("SERVER DELEGATED CREDENTIAL") << int(DcRole::Server) << none << none;
    QTest::newRow("PEM CLIENT DELEGATED CREDENTIAL")
        << encodePem(QStringLiteral("CLIENT DELEGATED CREDENTIAL"), dc) << DcEncoding::Pem
        << QStringLiteral("CLIENT DELEGATED CREDENTIAL") << int(DcRole::Client) << none << none;
    QTest::newRow("PEM FIZZ DELEGATED CREDENTIAL")
        << encodePem(QStringLiteral("FIZZ DELEGATED CREDENTIAL"), dc) << DcEncoding::Pem
        << QStringLiteral("FIZZ DELEGATED CREDENTIAL") << kNoRole << none << none;
    QTest::newRow("PEM with text around")
        << QByteArray("DC for localhost, issued 2026-06-01:\n" +
                      encodePem(QStringLiteral("DELEGATED CREDENTIAL"), dc) + "end\n")
        << DcEncoding::Pem << QStringLiteral("DELEGATED CREDENTIAL") << kNoRole << none << none;
    // Fizz: the DC base64 on one line, the DC key's PKCS#8 body, then the certificate.
    const QByteArray fizz = pemOneLine("SERVER DELEGATED CREDENTIAL", dc) +
                            encodePem(QStringLiteral("SERVER DC PRIVATE KEY"), key) +
                            m_identity->certificatePem;
    QTest::newRow("Fizz combined PEM")
        << fizz << DcEncoding::FizzCombinedPem << QStringLiteral("SERVER DELEGATED CREDENTIAL")
        << int(DcRole::Server) << key << certificate;
    QTest::newRow("Fizz combined PEM, older label")
        << QByteArray(pemOneLine("FIZZ DELEGATED CREDENTIAL", dc) +
                      encodePem(QStringLiteral("SERVER DC PRIVATE KEY"), key) +
                      m_identity->certificatePem)
        << DcEncoding::FizzCombinedPem << QStringLiteral("FIZZ DELEGATED CREDENTIAL") << kNoRole
        << key << certificate;
    QTest::newRow("Fizz combined PEM, key only")
        << QByteArray(pemOneLine("SERVER DELEGATED CREDENTIAL", dc) +
                      encodePem(QStringLiteral("SERVER DC PRIVATE KEY"), key))
        << DcEncoding::FizzCombinedPem << QStringLiteral("SERVER DELEGATED CREDENTIAL")
        << int(DcRole::Server) << key << none;
    QTest::newRow("interop-runner line")
        << QByteArray(hex + "," + key.toHex() + "\n") << DcEncoding::InteropRunner << noLabel
        << kNoRole << key << none;
    QTest::newRow("interop-runner line, upper case")
        << QByteArray(hex.toUpper() + "," + key.toHex().toUpper()) << DcEncoding::InteropRunner
        << noLabel << kNoRole << key << none;
}

void DcDocumentTest::read()
{
    QFETCH(QByteArray, input);
    QFETCH(DcEncoding, encoding);
    QFETCH(QString, pemLabel);
    QFETCH(int, labelledRole);
    QFETCH(QByteArray, privateKey);
    QFETCH(QByteArray, certificateDer);

    const auto document = readDelegatedCredential(input);
    QVERIFY2(document.ok(), qPrintable(document.ok() ? QString() : document.errorMessage()));
    QCOMPARE(dcEncodingName(document->encoding), dcEncodingName(encoding));
    QCOMPARE(document->encoding, encoding);
    QCOMPARE(document->bytes, m_dc);
    const auto expected = DelegatedCredential::decode(m_dc);
    QVERIFY(expected.ok());
    QVERIFY(document->credential == *expected);
    QCOMPARE(document->pemLabel, pemLabel);
    QCOMPARE(document->labelledRole.has_value(), labelledRole != kNoRole);
    if (labelledRole != kNoRole)
        QCOMPARE(int(*document->labelledRole), labelledRole);
    QCOMPARE(document->privateKey.bytes(), privateKey);
    QCOMPARE(document->certificateDer, certificateDer);
}

void DcDocumentTest::fizzCombinedKeyMatches()
{
    const QByteArray fizz = pemOneLine("SERVER DELEGATED CREDENTIAL", m_dc) +
                            encodePem(QStringLiteral("SERVER DC PRIVATE KEY"), m_dcKeyDer) +
                            m_identity->certificatePem;
    const auto document = readDelegatedCredential(fizz);
    QVERIFY(document.ok());
    QCOMPARE(document->encoding, DcEncoding::FizzCombinedPem);

    // The key that travelled with the DC is the DC's key: its public half is the DC's SPKI.
    const auto privateKey = decodePrivateKey(document->privateKey.bytes());
    QVERIFY2(privateKey.ok(), qPrintable(privateKey.ok() ? QString() : privateKey.errorMessage()));
    const auto dcPublicKey = decodeSubjectPublicKeyInfo(document->credential.subjectPublicKeyInfo);
    QVERIFY(dcPublicKey.ok());
    QVERIFY(samePublicKey(privateKey->get(), dcPublicKey->get()));
    const auto spki = encodeSubjectPublicKeyInfo(privateKey->get());
    QVERIFY(spki.ok());
    QCOMPARE(*spki, document->credential.subjectPublicKeyInfo);
    // … and the certificate is the one the DC was issued under.
    QCOMPARE(document->certificateDer, m_identity->certificate.der());
    QVERIFY(!samePublicKey(privateKey->get(), m_identity->certificate.publicKey()));
}

void DcDocumentTest::readErrors_data()
{
    makeFixtures();
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("messageParts");

    const QByteArray dc = m_dc;
    const QByteArray truncated = dc.chopped(1);

    QTest::newRow("empty") << QByteArray()
                           << QStringList{QStringLiteral("empty input; expected a delegated "
                                                         "credential")};
    QTest::newRow("whitespace") << QByteArray(" \n\t\r\n")
                                << QStringList{QStringLiteral("empty input")};
    QTest::newRow("garbage text") << QByteArray("this is not a DC!\n")
                                  << QStringList{QStringLiteral(
                                         "text that is neither PEM, hex, base64 nor an "
                                         "interop-runner line")};
    QTest::newRow("PEM with only a certificate")
        << m_identity->certificatePem
        << QStringList{QStringLiteral("no '… DELEGATED CREDENTIAL' PEM block (found: "
                                      "CERTIFICATE)")};
    QTest::newRow("PEM with a key and a certificate")
        << QByteArray(m_identity->keyPem + m_identity->certificatePem)
        << QStringList{QStringLiteral("no '… DELEGATED CREDENTIAL' PEM block (found: PRIVATE "
                                      "KEY, CERTIFICATE)")};
    QTest::newRow("two DC blocks")
        << QByteArray(encodePem(QStringLiteral("DELEGATED CREDENTIAL"), dc) +
                      encodePem(QStringLiteral("SERVER DELEGATED CREDENTIAL"), m_otherDc))
        << QStringList{QStringLiteral("two DC blocks ('DELEGATED CREDENTIAL' at byte offset 0 "
                                      "and 'SERVER DELEGATED CREDENTIAL' at %1)")
                           .arg(encodePem(QStringLiteral("DELEGATED CREDENTIAL"), dc).size())};
    QTest::newRow("oversize") << QByteArray(kMaxDcFileSize + 1, 'A')
                              << QStringList{QStringLiteral("%1 bytes is far larger than any DC")
                                                 .arg(kMaxDcFileSize + 1)};
    QTest::newRow("binary, truncated")
        << truncated
        << QStringList{QStringLiteral("(read as binary) field signature at byte offset")};
    QTest::newRow("hex, truncated")
        << truncated.toHex()
        << QStringList{QStringLiteral("(read as hex) field signature at byte offset")};
    QTest::newRow("base64, truncated")
        << truncated.toBase64()
        << QStringList{QStringLiteral("(read as base64) field signature at byte offset")};
    QTest::newRow("PEM, truncated")
        << encodePem(QStringLiteral("DELEGATED CREDENTIAL"), truncated)
        << QStringList{QStringLiteral("PEM block 'DELEGATED CREDENTIAL' at byte offset 0: (read "
                                      "as PEM) field signature at byte offset")};
    QTest::newRow("PEM, broken") << QByteArray("-----BEGIN DELEGATED CREDENTIAL-----\nAAEC\n")
                                 << QStringList{QStringLiteral(
                                        "PEM block 'DELEGATED CREDENTIAL' at byte offset 0 has no "
                                        "matching")};
    QTest::newRow("interop-runner, bad hex")
        << QByteArray(dc.toHex() + ",xyz\n")
        << QStringList{QStringLiteral("(read as interop-runner line) expected "
                                      "'hex(DC),hex(PKCS#8 DER)' on one line")};
    QTest::newRow("interop-runner, three fields")
        << QByteArray(dc.toHex() + ",00,00")
        << QStringList{QStringLiteral("(read as interop-runner line) expected")};
    QTest::newRow("interop-runner, truncated DC")
        << QByteArray(truncated.toHex() + "," + m_dcKeyDer.toHex())
        << QStringList{QStringLiteral("(read as interop-runner line) field signature")};
    QByteArray draft = dc;
    draft.insert(6, QByteArray("\x03\x03"));
    QTest::newRow("draft-02 layout, hex")
        << draft.toHex() << QStringList{QStringLiteral("(read as hex) pre-RFC draft format")};
}

void DcDocumentTest::readErrors()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, messageParts);

    const auto document = readDelegatedCredential(input);
    QVERIFY(!document.ok());
    for (const QString &part : messageParts)
        QVERIFY2(document.errorMessage().contains(part), qPrintable(document.errorMessage()));
}

void DcDocumentTest::readFile_data()
{
    makeFixtures();
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");       // written unless the name is "missing"
    QTest::addColumn<QString>("messageAfterPath"); // empty: the file reads

    QTest::newRow("binary file") << QStringLiteral("dc.bin") << m_dc << QString();
    QTest::newRow("PEM file") << QStringLiteral("dc.pem")
                              << encodePem(QStringLiteral("DELEGATED CREDENTIAL"), m_dc)
                              << QString();
    QTest::newRow("missing file") << QStringLiteral("missing") << QByteArray()
                                  << QStringLiteral(": no such file");
    QTest::newRow("directory") << QStringLiteral("directory") << QByteArray()
                               << QStringLiteral(": is a directory, not a file");
    QTest::newRow("empty file") << QStringLiteral("empty.bin") << QByteArray()
                                << QStringLiteral(": empty input");
    QTest::newRow("bad content") << QStringLiteral("bad.bin") << m_dc.chopped(1)
                                 << QStringLiteral(": (read as binary) field signature");
    QTest::newRow("oversize file")
        << QStringLiteral("huge.bin") << QByteArray(kMaxDcFileSize + 1, '\0')
        << QStringLiteral(": %1 bytes is too large").arg(kMaxDcFileSize + 1);
}

void DcDocumentTest::readFile()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(QString, messageAfterPath);

    const QString path = m_dir.filePath(name);
    if (name == QLatin1String("directory")) {
        QVERIFY(QDir(m_dir.path()).mkpath(name));
    } else if (name != QLatin1String("missing")) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(content), content.size());
    }

    const auto document = readDelegatedCredentialFile(path);
    if (messageAfterPath.isEmpty()) {
        QVERIFY2(document.ok(), qPrintable(document.ok() ? QString() : document.errorMessage()));
        QCOMPARE(document->bytes, m_dc);
        return;
    }
    QVERIFY(!document.ok());
    QVERIFY2(document.errorMessage().startsWith(path + messageAfterPath),
             qPrintable(document.errorMessage()));
}

void DcDocumentTest::hostileInputIsRejectedCleanly_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("random bytes") << QStringLiteral("bytes");
    QTest::newRow("random printable text") << QStringLiteral("text");
    QTest::newRow("a valid DC with random bit flips") << QStringLiteral("flips");
    QTest::newRow("a valid DC PEM with random bit flips") << QStringLiteral("pem-flips");
}

void DcDocumentTest::hostileInputIsRejectedCleanly()
{
    // Thousands of malformed inputs, seeded so a failure replays: none may crash or read out of
    // bounds (the suite also runs under AddressSanitizer), and every rejection says something.
    QFETCH(QString, kind);
    makeFixtures();
    QRandomGenerator random(0xBA7011);
    const QByteArray pem = encodePem(QStringLiteral("DELEGATED CREDENTIAL"), m_dc);
    int accepted = 0;
    for (int round = 0; round < 3000; ++round) {
        QByteArray input;
        if (kind == QLatin1String("bytes") || kind == QLatin1String("text")) {
            input.resize(random.bounded(1, 400));
            for (char &c : input)
                c = kind == QLatin1String("text") ? char(random.bounded(0x20, 0x7f))
                                                  : char(random.bounded(256));
        } else {
            input = kind == QLatin1String("flips") ? m_dc : pem;
            for (int flips = random.bounded(1, 4); flips > 0; --flips) {
                const qsizetype at = random.bounded(input.size());
                input[at] = char(input[at] ^ (1 << random.bounded(8)));
            }
        }
        const auto read = readDelegatedCredential(input);
        if (read)
            ++accepted; // a flip inside the signature or valid_time still parses
        else
            QVERIFY2(!read.errorMessage().isEmpty(), input.toHex().constData());
    }
    // Random bytes and text essentially never form a DC; flipped DCs sometimes still do.
    if (kind == QLatin1String("bytes") || kind == QLatin1String("text"))
        QCOMPARE(accepted, 0);
    else
        QVERIFY(accepted < 3000);
}

QTEST_GUILESS_MAIN(DcDocumentTest)
#include "tst_dc_document.moc"
