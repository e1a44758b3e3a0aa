// Unit tests for common/Pem: strict parsing (labels, offsets, errors) and encoding.

#include "TestPki.h"
#include "common/Pem.h"

#include <QTest>

using namespace baton;

namespace {

QByteArray bytesUpTo(int count)
{
    QByteArray out;
    for (int i = 0; i < count; ++i)
        out.append(char(i & 0xff));
    return out;
}

// "-----BEGIN A-----\nAAEC\n-----END A-----\n": 39 bytes, body 00 01 02.
const QByteArray kBlockA = QByteArrayLiteral("-----BEGIN A-----\nAAEC\n-----END A-----\n");
// 95 bytes, body "hello".
const QByteArray kBlockDc =
    QByteArrayLiteral("-----BEGIN SERVER DELEGATED CREDENTIAL-----\naGVsbG8=\n"
                      "-----END SERVER DELEGATED CREDENTIAL-----\n");
// Two body lines (64 + 16 characters), body 00 01 … 3b.
const QByteArray kBlockCertificate =
    QByteArrayLiteral("-----BEGIN CERTIFICATE-----\n"
                      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v\n"
                      "MDEyMzQ1Njc4OTo7\n"
                      "-----END CERTIFICATE-----\n");
const QByteArray kAbc = QByteArrayLiteral("\x00\x01\x02");

} // namespace

class PemTest : public QObject
{
    Q_OBJECT

private slots:
    void containsPem_data();
    void containsPem();
    void parseGood_data();
    void parseGood();
    void parseBad_data();
    void parseBad();
    void encodeRoundTrip_data();
    void encodeRoundTrip();
    void encodeExact();
};

void PemTest::containsPem_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<bool>("expected");

    QTest::newRow("block") << kBlockA << true;
    QTest::newRow("text before a block") << QByteArray("Certificate:\n" + kBlockA) << true;
    QTest::newRow("BEGIN line only") << QByteArray("-----BEGIN X-----") << true;
    QTest::newRow("plain text") << QByteArray("hello") << false;
    QTest::newRow("END line only") << QByteArray("-----END A-----\n") << false;
    QTest::newRow("empty") << QByteArray() << false;
}

void PemTest::containsPem()
{
    QFETCH(QByteArray, data);
    QFETCH(bool, expected);

    QCOMPARE(baton::containsPem(data), expected);
}

void PemTest::parseGood_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QStringList>("labels");
    QTest::addColumn<QList<int>>("offsets");
    QTest::addColumn<QList<QByteArray>>("ders");
    QTest::addColumn<QList<bool>>("headers");
    QTest::addColumn<QList<QByteArray>>("texts");

    QTest::newRow("no PEM at all")
        << QByteArray("just some text\n") << QStringList() << QList<int>() << QList<QByteArray>()
        << QList<bool>() << QList<QByteArray>();
    QTest::newRow("empty input") << QByteArray() << QStringList() << QList<int>()
                                 << QList<QByteArray>() << QList<bool>() << QList<QByteArray>();
    QTest::newRow("one block") << kBlockA << QStringList{QStringLiteral("A")} << QList<int>{0}
                               << QList<QByteArray>{kAbc} << QList<bool>{false}
                               << QList<QByteArray>{kBlockA};
    QTest::newRow("text around") << QByteArray("Certificate:\n    Data: (text output)\n" + kBlockA +
                                               "trailer\n")
                                 << QStringList{QStringLiteral("A")} << QList<int>{37}
                                 << QList<QByteArray>{kAbc} << QList<bool>{false}
                                 << QList<QByteArray>{kBlockA};
    QTest::newRow("three blocks") << QByteArray(kBlockA + kBlockDc + kBlockCertificate)
                                  << QStringList{QStringLiteral("A"),
                                                 QStringLiteral("SERVER DELEGATED CREDENTIAL"),
                                                 QStringLiteral("CERTIFICATE")}
                                  << QList<int>{0, 39, 134}
                                  << QList<QByteArray>{kAbc, "hello", bytesUpTo(60)}
                                  << QList<bool>{false, false, false}
                                  << QList<QByteArray>{kBlockA, kBlockDc, kBlockCertificate};
    QTest::newRow("text between blocks")
        << QByteArray("intro\n" + kBlockA + "middle: text\n" + kBlockDc + "outro")
        << QStringList{QStringLiteral("A"), QStringLiteral("SERVER DELEGATED CREDENTIAL")}
        << QList<int>{6, 58} << QList<QByteArray>{kAbc, "hello"} << QList<bool>{false, false}
        << QList<QByteArray>{kBlockA, kBlockDc};
    QTest::newRow("same label twice")
        << QByteArray(kBlockA + kBlockA) << QStringList{QStringLiteral("A"), QStringLiteral("A")}
        << QList<int>{0, 39} << QList<QByteArray>{kAbc, kAbc} << QList<bool>{false, false}
        << QList<QByteArray>{kBlockA, kBlockA};
    QTest::newRow("CRLF") << QByteArray("-----BEGIN A-----\r\nAAEC\r\n-----END A-----\r\n")
                          << QStringList{QStringLiteral("A")} << QList<int>{0}
                          << QList<QByteArray>{kAbc} << QList<bool>{false}
                          << QList<QByteArray>{"-----BEGIN A-----\r\nAAEC\r\n-----END A-----\n"};
    QTest::newRow("no final newline")
        << QByteArray("-----BEGIN A-----\nAAEC\n-----END A-----")
        << QStringList{QStringLiteral("A")} << QList<int>{0} << QList<QByteArray>{kAbc}
        << QList<bool>{false} << QList<QByteArray>{kBlockA};
    QTest::newRow("spaces in the body")
        << QByteArray("-----BEGIN A-----\n  AA EC\t\n-----END A-----\n")
        << QStringList{QStringLiteral("A")} << QList<int>{0} << QList<QByteArray>{kAbc}
        << QList<bool>{false}
        << QList<QByteArray>{"-----BEGIN A-----\n  AA EC\t\n-----END A-----\n"};
    const QByteArray procType = test::pemBeginLine(QStringLiteral("RSA PRIVATE KEY")) +
                                "\nProc-Type: 4,ENCRYPTED\n"
                                "DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n"
                                "\n"
                                "aGVsbG8=\n" +
                                test::pemEndLine(QStringLiteral("RSA PRIVATE KEY")) + '\n';
    QTest::newRow("Proc-Type headers")
        << QByteArray(kBlockA + procType)
        << QStringList{QStringLiteral("A"), QStringLiteral("RSA PRIVATE KEY")} << QList<int>{0, 39}
        << QList<QByteArray>{kAbc, "hello"} << QList<bool>{false, true}
        << QList<QByteArray>{kBlockA, procType};
    QByteArray procTypeCrlf = procType;
    procTypeCrlf.replace("\n", "\r\n");
    QTest::newRow("Proc-Type headers, CRLF")
        << procTypeCrlf << QStringList{QStringLiteral("RSA PRIVATE KEY")} << QList<int>{0}
        << QList<QByteArray>{"hello"} << QList<bool>{true}
        << QList<QByteArray>{procTypeCrlf.chopped(2) + "\n"};
}

void PemTest::parseGood()
{
    QFETCH(QByteArray, data);
    QFETCH(QStringList, labels);
    QFETCH(QList<int>, offsets);
    QFETCH(QList<QByteArray>, ders);
    QFETCH(QList<bool>, headers);
    QFETCH(QList<QByteArray>, texts);

    const auto blocks = parsePem(data);
    QVERIFY2(blocks.ok(), qPrintable(blocks.ok() ? QString() : blocks.errorMessage()));
    QCOMPARE(blocks->size(), labels.size());
    for (qsizetype i = 0; i < blocks->size(); ++i) {
        const PemBlock &block = blocks->at(i);
        QCOMPARE(block.label, labels.at(i));
        QCOMPARE(block.offset, qsizetype(offsets.at(i)));
        QCOMPARE(block.der, ders.at(i));
        QCOMPARE(block.hasHeaders, headers.at(i));
        QCOMPARE(block.text, texts.at(i));
        // The offset points at the BEGIN line of this very block.
        QVERIFY(
            data.mid(block.offset).startsWith("-----BEGIN " + block.label.toLatin1() + "-----"));
    }
}

void PemTest::parseBad_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("message");

    QTest::newRow("missing END")
        << QByteArray("junk\n-----BEGIN FOO-----\naGVsbG8=\n")
        << QStringLiteral("PEM block 'FOO' at byte offset 5 has no matching '-----END FOO-----' "
                          "line (truncated file?)");
    QTest::newRow("missing END in the second block")
        << QByteArray(kBlockA + "-----BEGIN SECOND-----\nAAEC\n")
        << QStringLiteral("PEM block 'SECOND' at byte offset 39 has no matching "
                          "'-----END SECOND-----' line (truncated file?)");
    QTest::newRow("END only after the next block")
        << QByteArray("-----BEGIN A-----\nAAEC\n" + kBlockDc + "-----END A-----\n")
        << QStringLiteral("PEM block 'A' at byte offset 0 has no matching '-----END A-----' "
                          "line (truncated file?)");
    QTest::newRow("mismatched END label")
        << QByteArray("-----BEGIN FOO-----\naGVsbG8=\n-----END BAR-----\n")
        << QStringLiteral("PEM block 'FOO' at byte offset 0 has no matching '-----END FOO-----' "
                          "line (truncated file?)");
    QTest::newRow("END label differs in case")
        << QByteArray("-----BEGIN FOO-----\naGVsbG8=\n-----END foo-----\n")
        << QStringLiteral("PEM block 'FOO' at byte offset 0 has no matching '-----END FOO-----' "
                          "line (truncated file?)");
    QTest::newRow("invalid base64 character")
        << QByteArray("-----BEGIN FOO-----\naGVs*G8=\n-----END FOO-----\n")
        << QStringLiteral("PEM block 'FOO' at byte offset 0: the body is not valid base64");
    QTest::newRow("base64 without padding")
        << QByteArray("-----BEGIN FOO-----\naGVsbG8\n-----END FOO-----\n")
        << QStringLiteral("PEM block 'FOO' at byte offset 0: the body is not valid base64");
    QTest::newRow("invalid base64 in the second block")
        << QByteArray(kBlockA + "-----BEGIN B-----\n!!!!\n-----END B-----\n")
        << QStringLiteral("PEM block 'B' at byte offset 39: the body is not valid base64");
    QTest::newRow("empty body") << QByteArray("-----BEGIN FOO-----\n-----END FOO-----\n")
                                << QStringLiteral("PEM block 'FOO' at byte offset 0 is empty");
    QTest::newRow("whitespace body")
        << QByteArray("text\n-----BEGIN FOO-----\n  \n\n-----END FOO-----\n")
        << QStringLiteral("PEM block 'FOO' at byte offset 5 is empty");
    QTest::newRow("headers without a blank line")
        << test::pemBeginLine(QStringLiteral("RSA PRIVATE KEY")) +
               "\nProc-Type: 4,ENCRYPTED\naGVsbG8=\n" +
               test::pemEndLine(QStringLiteral("RSA PRIVATE KEY")) + '\n'
        << QStringLiteral("PEM block 'RSA PRIVATE KEY' at byte offset 0 has headers but no blank "
                          "line after them");
    QTest::newRow("BEGIN line without closing dashes")
        << QByteArray("-----BEGIN FOO\nAAEC\n-----END FOO-----\n")
        << QStringLiteral("malformed PEM BEGIN line at byte offset 0");
    QTest::newRow("BEGIN line with an empty label")
        << QByteArray(kBlockA + "-----BEGIN -----\nAAEC\n")
        << QStringLiteral("malformed PEM BEGIN line at byte offset 39");
}

void PemTest::parseBad()
{
    QFETCH(QByteArray, data);
    QFETCH(QString, message);

    const auto blocks = parsePem(data);
    QVERIFY(!blocks.ok());
    QCOMPARE(blocks.errorMessage(), message);
}

void PemTest::encodeRoundTrip_data()
{
    QTest::addColumn<QString>("label");
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("bodyLines");

    // 48 bytes are exactly 64 base64 characters: one full line, no empty line after it.
    QTest::newRow("1 byte") << QStringLiteral("CERTIFICATE") << 1 << 1;
    QTest::newRow("47 bytes") << QStringLiteral("CERTIFICATE") << 47 << 1;
    QTest::newRow("48 bytes") << QStringLiteral("PRIVATE KEY") << 48 << 1;
    QTest::newRow("49 bytes") << QStringLiteral("PRIVATE KEY") << 49 << 2;
    QTest::newRow("96 bytes") << QStringLiteral("DELEGATED CREDENTIAL") << 96 << 2;
    QTest::newRow("175 bytes") << QStringLiteral("SERVER DELEGATED CREDENTIAL") << 175 << 4;
    QTest::newRow("1000 bytes") << QStringLiteral("X") << 1000 << 21;
}

void PemTest::encodeRoundTrip()
{
    QFETCH(QString, label);
    QFETCH(int, size);
    QFETCH(int, bodyLines);

    const QByteArray der = bytesUpTo(size);
    const QByteArray pem = encodePem(label, der);

    QVERIFY(pem.endsWith('\n'));
    QList<QByteArray> lines = pem.split('\n');
    QCOMPARE(lines.takeLast(), QByteArray()); // after the final newline
    QCOMPARE(lines.size(), bodyLines + 2);
    QCOMPARE(lines.first(), "-----BEGIN " + label.toLatin1() + "-----");
    QCOMPARE(lines.last(), "-----END " + label.toLatin1() + "-----");
    const QByteArray base64 = der.toBase64();
    for (int i = 1; i <= bodyLines; ++i) {
        const QByteArray &line = lines.at(i);
        if (i < bodyLines)
            QCOMPARE(line.size(), 64);
        else
            QCOMPARE(line.size(), base64.size() - 64 * (bodyLines - 1));
        QCOMPARE(line, base64.mid(64 * (i - 1), 64));
    }

    const auto blocks = parsePem(pem);
    QVERIFY(blocks.ok());
    QCOMPARE(blocks->size(), 1);
    QCOMPARE(blocks->first().label, label);
    QCOMPARE(blocks->first().der, der);
    QCOMPARE(blocks->first().offset, qsizetype(0));
    QCOMPARE(blocks->first().hasHeaders, false);
    QCOMPARE(blocks->first().text, pem);
}

void PemTest::encodeExact()
{
    QCOMPARE(encodePem(QStringLiteral("TEST"), "hello"),
             QByteArray("-----BEGIN TEST-----\naGVsbG8=\n-----END TEST-----\n"));
    QCOMPARE(encodePem(QStringLiteral("CERTIFICATE"), bytesUpTo(60)), kBlockCertificate);
}

QTEST_GUILESS_MAIN(PemTest)
#include "tst_pem.moc"
