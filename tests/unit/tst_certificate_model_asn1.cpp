// Unit tests for the ASN.1 listing the certificate model shows for every extension: exact output
// for each kind of element, and bounded, in-bounds behaviour on hostile DER.

#include "x509/CertificateModel.h"
#include "x509/extensions/Asn1Dump.h"

#include <QTest>

namespace {

/// `depth` SEQUENCEs, one inside the other, around a NULL.
QByteArray nested(int depth)
{
    QByteArray der = QByteArrayLiteral("\x05\x00");
    for (int i = 0; i < depth; ++i) {
        QByteArray header("\x30", 1);
        if (der.size() < 0x80) {
            header.append(char(der.size()));
        } else {
            header.append(char(0x82));
            header.append(char(der.size() >> 8));
            header.append(char(der.size() & 0xff));
        }
        der.prepend(header);
    }
    return der;
}

} // namespace

class CertificateModelAsn1Test : public QObject
{
    Q_OBJECT

private slots:
    void dumpDer_data();
    void dumpDer();
    void boundedDepth();
    void boundedLength();
    void everyTruncation();
    void derElementProblem_data();
    void derElementProblem();
    void oidFromDer_data();
    void oidFromDer();
    void hostileExtensionValues_data();
    void hostileExtensionValues();
};

void CertificateModelAsn1Test::dumpDer_data()
{
    QTest::addColumn<QByteArray>("hex");
    QTest::addColumn<QString>("dump");

    const auto row = [](const char *name, const char *hex, const char *dump) {
        QTest::newRow(name) << QByteArray(hex) << QString::fromUtf8(dump);
    };
    row("empty", "", "(empty)");
    row("NULL", "0500", "NULL");
    row("NULL with content", "050100", "NULL 00 (not empty)");
    row("BOOLEAN TRUE", "0101ff", "BOOLEAN TRUE");
    row("BOOLEAN FALSE", "010100", "BOOLEAN FALSE");
    row("BOOLEAN not DER", "010101", "BOOLEAN 01 (not a DER boolean)");
    row("INTEGER", "02020100", "INTEGER 256");
    row("INTEGER negative", "0201ff", "INTEGER -1");
    row("INTEGER 64-bit minimum", "02088000000000000000", "INTEGER -9223372036854775808");
    row("INTEGER wider than 64 bits", "0209010000000000000000", "INTEGER 0x010000000000000000");
    row("INTEGER empty", "0200", "INTEGER (empty)");
    row("ENUMERATED", "0a0103", "ENUMERATED 3");
    row("BIT STRING", "03020780", "BIT STRING 80 (7 unused bits)");
    row("BIT STRING without bits", "030100", "BIT STRING (no bits)");
    row("BIT STRING without the unused-bits byte", "0300",
        "BIT STRING (empty: no unused-bits byte)");
    row("BIT STRING encapsulating", "030500300205 00",
        "BIT STRING (encapsulates)\n  SEQUENCE\n    NULL");
    row("OCTET STRING", "04020a0b", "OCTET STRING 0A:0B");
    row("OCTET STRING empty", "0400", "OCTET STRING (empty)");
    row("OCTET STRING encapsulating", "0404300205 00",
        "OCTET STRING (encapsulates)\n  SEQUENCE\n    NULL");
    row("OCTET STRING not quite DER inside", "04023005", "OCTET STRING 30:05");
    row("OBJECT IDENTIFIER known", "06082b06010505070301",
        "OBJECT IDENTIFIER 1.3.6.1.5.5.7.3.1 (serverAuth)");
    row("OBJECT IDENTIFIER Baton names", "06092b0601040182da4b2c",
        "OBJECT IDENTIFIER 1.3.6.1.4.1.44363.44 (DelegationUsage)");
    row("OBJECT IDENTIFIER unknown", "060a2b0601040183b2030301",
        "OBJECT IDENTIFIER 1.3.6.1.4.1.55555.3.1");
    row("OBJECT IDENTIFIER invalid", "060180", "OBJECT IDENTIFIER 80 (invalid)");
    row("UTF8String", "0c0568c3a96c6c", "UTF8String \"héll\"");
    row("UTF8String with escapes", "0c04410a225c", "UTF8String \"A\\x0a\\\"\\\\\"");
    row("PrintableString", "13024445 0500", "PrintableString \"DE\"\nNULL");
    row("IA5String", "160161", "IA5String \"a\"");
    row("BMPString", "1e0400480069", "BMPString \"Hi\"");
    row("UniversalString", "1c080000004100000042", "UniversalString \"AB\"");
    row("UTCTime", "170d3139303332363030303030305a", "UTCTime 190326000000Z");
    row("GeneralizedTime", "180f32303236303130313030303030305a", "GeneralizedTime 20260101000000Z");
    row("SET", "31030101ff", "SET\n  BOOLEAN TRUE");
    row("context-specific, printable", "8203616263", "[2] \"abc\"");
    row("context-specific, binary", "870401020304", "[7] 01:02:03:04");
    row("context-specific, empty", "8000", "[0] (empty)");
    row("context-specific, constructed", "a0030201 05", "[0]\n  INTEGER 5");
    row("application", "4100", "[APPLICATION 1] (empty)");
    row("private", "c101ff", "[PRIVATE 1] FF");
    row("other universal", "090100", "[UNIVERSAL 9] 00");
    row("high tag number", "9f810100", "[129] (empty)");
    // 64 bytes are shown, then the total.
    QTest::newRow("long OCTET STRING")
        << QByteArray("0441" + QByteArray(65, '\xab').toHex())
        << u"OCTET STRING "_qs + QStringList(64, u"AB"_qs).join(u':') + u"… (65 bytes)"_qs;
    row("truncated element", "30050500",
        "malformed DER at byte 0: a length of 5 runs past the "
        "end (2 bytes left)");
    row("truncated inside", "30020501",
        "SEQUENCE\n  malformed DER at byte 2: a length of 1 runs past the end (0 bytes left)");
    row("indefinite length", "30800000",
        "malformed DER at byte 0: indefinite length (BER, not DER)");
    row("5-byte length", "308501000000000500",
        "malformed DER at byte 0: a 5-byte length field is too long");
    row("huge length", "0484ffffffff",
        "malformed DER at byte 0: a length of 4294967295 runs past the end (0 bytes left)");
    row("length missing", "05", "malformed DER at byte 0: the length is missing");
    row("length truncated", "0582", "malformed DER at byte 0: the length is truncated");
    row("tag truncated", "1f", "malformed DER at byte 0: the tag is truncated");
    row("tag number too large", "1fffffffff0100",
        "malformed DER at byte 0: the tag number is too large");
    row("trailing garbage after an element", "0500ff",
        "NULL\nmalformed DER at byte 2: the tag is truncated");
}

void CertificateModelAsn1Test::dumpDer()
{
    QFETCH(QByteArray, hex);
    QFETCH(QString, dump);

    QCOMPARE(baton::extensions::dumpDer(QByteArray::fromHex(hex)), dump);
}

void CertificateModelAsn1Test::boundedDepth()
{
    // 24 levels are listed; deeper nesting is cut off with a line that says so.
    const QStringList listing = baton::extensions::dumpDer(nested(500)).split(QLatin1Char('\n'));
    QCOMPARE(listing.size(), 25);
    QCOMPARE(listing[23], QString(46, QLatin1Char(' ')) + QStringLiteral("SEQUENCE"));
    QCOMPARE(listing[24],
             QString(48, QLatin1Char(' ')) + QStringLiteral("… (nested deeper than 24 levels)"));

    const QStringList shallow = baton::extensions::dumpDer(nested(3)).split(QLatin1Char('\n'));
    QCOMPARE(shallow,
             QStringList({u"SEQUENCE"_qs, u"  SEQUENCE"_qs, u"    SEQUENCE"_qs, u"      NULL"_qs}));
}

void CertificateModelAsn1Test::boundedLength()
{
    QByteArray manyNulls;
    for (int i = 0; i < 5000; ++i)
        manyNulls.append("\x05\x00", 2);
    const QStringList listing = baton::extensions::dumpDer(manyNulls).split(QLatin1Char('\n'));
    QCOMPARE(listing.size(), 2001);
    QCOMPARE(listing.first(), u"NULL"_qs);
    QCOMPARE(listing.last(), u"… (listing cut off after 2000 lines)"_qs);
}

void CertificateModelAsn1Test::everyTruncation()
{
    // Every prefix of a real extension value, and every single-byte corruption of it: no read
    // past the end (AddressSanitizer watches), and a listing every time.
    const QByteArray value = QByteArray::fromHex(
        "3043303706096086480186fd6c0101302a302806082b06010505070201161c68747470733a2f2f777777"
        "2e64696769636572742e636f6d2f4350533008060667810c010202");
    for (qsizetype length = 0; length <= value.size(); ++length) {
        const QByteArray prefix = value.first(length);
        QVERIFY(!baton::extensions::dumpDer(prefix).isEmpty());
        QCOMPARE(baton::extensions::derElementProblem(prefix).isEmpty(), length == value.size());
    }
    for (qsizetype i = 0; i < value.size(); ++i) {
        for (const char replacement : {char(0x00), char(0x80), char(0xff), char(0x30)}) {
            QByteArray corrupt = value;
            corrupt[i] = replacement;
            QVERIFY(!baton::extensions::dumpDer(corrupt).isEmpty());
        }
    }
}

void CertificateModelAsn1Test::derElementProblem_data()
{
    QTest::addColumn<QByteArray>("hex");
    QTest::addColumn<QString>("problem");

    QTest::newRow("one element") << QByteArray("0500") << QString();
    QTest::newRow("empty") << QByteArray() << u"the value is empty"_qs;
    QTest::newRow("one byte after")
        << QByteArray("050000") << u"1 unexpected byte after the value"_qs;
    QTest::newRow("two elements") << QByteArray("05000500")
                                  << u"2 unexpected bytes after the value"_qs;
    QTest::newRow("truncated")
        << QByteArray("3005")
        << u"the value is not DER: a length of 5 runs past the end (0 bytes left)"_qs;
}

void CertificateModelAsn1Test::derElementProblem()
{
    QFETCH(QByteArray, hex);
    QFETCH(QString, problem);

    QCOMPARE(baton::extensions::derElementProblem(QByteArray::fromHex(hex)), problem);
}

void CertificateModelAsn1Test::oidFromDer_data()
{
    QTest::addColumn<QByteArray>("hex");
    QTest::addColumn<QString>("dotted");

    QTest::newRow("2.5.29.19") << QByteArray("551d13") << u"2.5.29.19"_qs;
    QTest::newRow("first arc 0") << QByteArray("00") << u"0.0"_qs;
    QTest::newRow("first arc 2, large second") << QByteArray("8837") << u"2.999"_qs;
    QTest::newRow("64-bit arc") << QByteArray("2a81ffffffffffffffff7f")
                                << u"1.2.18446744073709551615"_qs;
    QTest::newRow("arc overflowing 64 bits") << QByteArray("2a828080808080808080 00") << QString();
    QTest::newRow("non-minimal arc") << QByteArray("2a8001") << QString();
    QTest::newRow("truncated arc") << QByteArray("2a81") << QString();
    QTest::newRow("empty") << QByteArray() << QString();
}

void CertificateModelAsn1Test::oidFromDer()
{
    QFETCH(QByteArray, hex);
    QFETCH(QString, dotted);

    QCOMPARE(baton::extensions::oidFromDer(QByteArray::fromHex(hex)), dotted);
}

void CertificateModelAsn1Test::hostileExtensionValues_data()
{
    QTest::addColumn<QByteArray>("oid");
    QTest::addColumn<QByteArray>("hex");

    // A valid value for every decoder, each with as many optional parts as possible.
    QTest::newRow("basic constraints") << QByteArray("2.5.29.19") << QByteArray("30060101ff020102");
    QTest::newRow("key usage") << QByteArray("2.5.29.15") << QByteArray("0303078680");
    QTest::newRow("extended key usage")
        << QByteArray("2.5.29.37") << QByteArray("301406082b0601050507030106082b06010505070302");
    QTest::newRow("subject alt name")
        << QByteArray("2.5.29.17")
        << QByteArray("3081bf8209612e6578616d706c658704c0000201871020010db800000000000000000000"
                      "0001871000000000000000000000ffff01020304810e6d65406578616d706c652e636f6d"
                      "861568747470733a2f2f6578616d706c652e636f6d2f78a43a3038310b30090603550406"
                      "1302444531133011060355040a0c0a4261746f6e20546573743114301206035504030c0b"
                      "6469722e6578616d706c65a020060a2b060104018237140203a0120c1075736572406578"
                      "616d706c652e636f6d88032a0304");
    QTest::newRow("subject key identifier")
        << QByteArray("2.5.29.14") << QByteArray("041495d8669aba613e46cd593d86a76eb142cf21fa1d");
    QTest::newRow("authority key identifier")
        << QByteArray("2.5.29.35")
        << QByteArray("302b800401020304a119a41730153113301106035504030c0a6d6f64656c2e7465737482"
                      "080102030405060708");
    QTest::newRow("CRL distribution points")
        << QByteArray("2.5.29.31")
        << QByteArray("30363034a00fa10d300b06035504030c0463726c3181020560a21da41b30193117301506"
                      "035504030c0e6973737565722e6578616d706c65");
    QTest::newRow("authority info access")
        << QByteArray("1.3.6.1.5.5.7.1.1")
        << QByteArray("3047301f06082b060105050730018613687474703a2f2f6f6373702e6578616d706c6530"
                      "2406082b060105050730028618687474703a2f2f63612e6578616d706c652f63612e6372"
                      "74");
    QTest::newRow("certificate policies")
        << QByteArray("2.5.29.32")
        << QByteArray("30713008060667810c0102013065060a2b0601040183b20301013057302306082b060105"
                      "05070201161768747470733a2f2f6578616d706c652e636f6d2f637073303006082b0601"
                      "0505070202302430151a0b4578616d706c65204f726730060201010201021a0b54657374"
                      "206e6f74696365");
    QTest::newRow("name constraints")
        << QByteArray("2.5.29.30")
        << QByteArray("3054a01c300e820c2e6578616d706c652e636f6d300a8708c0a80000ffff0000a1343022"
                      "872020010db8000000000000000000000000ffffffff000000000000000000000000300e"
                      "810c2e6261642e6578616d706c65");
    QTest::newRow("policy constraints")
        << QByteArray("2.5.29.36") << QByteArray("3006800100810101");
    QTest::newRow("inhibit anyPolicy") << QByteArray("2.5.29.54") << QByteArray("020102");
    QTest::newRow("SCT list")
        << QByteArray("1.3.6.1.4.1.11129.2.4.2")
        << QByteArray("043b0039003700111111111111111111111111111111111111111111111111111111111111"
                      "11110000019b76daa87b0000040300083006020101020101");
    QTest::newRow("TLS feature") << QByteArray("1.3.6.1.5.5.7.1.24")
                                 << QByteArray("3006020105020111");
    QTest::newRow("DelegationUsage") << QByteArray("1.3.6.1.4.1.44363.44") << QByteArray("0500");
}

void CertificateModelAsn1Test::hostileExtensionValues()
{
    QFETCH(QByteArray, oid);
    QFETCH(QByteArray, hex);

    // Every prefix and every single-byte corruption goes through OpenSSL's decoder and Baton's
    // fallback: no crash, no read out of bounds (AddressSanitizer watches), the stable id kept,
    // and the raw bytes always shown as they are.
    const baton::Asn1ObjectPtr object(OBJ_txt2obj(oid.constData(), 1));
    QVERIFY(object);
    const QByteArray valid = QByteArray::fromHex(hex);
    const auto describe = [&](const QByteArray &value) {
        baton::OpenSslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> data(ASN1_OCTET_STRING_new());
        ASN1_OCTET_STRING_set(data.get(),
                              reinterpret_cast<const unsigned char *>(value.constData()),
                              int(value.size()));
        const baton::OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free> extension(
            X509_EXTENSION_create_by_OBJ(nullptr, object.get(), 0, data.get()));
        return baton::describeExtension(extension.get());
    };
    const baton::ModelSection reference = describe(valid);
    QVERIFY(reference.id != u"unknown"_qs);
    QVERIFY2(reference.notes.isEmpty() || !reference.notes.first().startsWith(u"could not"_qs),
             qPrintable(reference.notes.join(u"; "_qs)));

    QList<QByteArray> variants;
    for (qsizetype length = 0; length < valid.size(); ++length)
        variants << valid.first(length);
    for (qsizetype i = 0; i < valid.size(); ++i) {
        for (const char replacement :
             {char(0x00), char(0x01), char(0x7f), char(0x80), char(0xff)}) {
            QByteArray corrupt = valid;
            corrupt[i] = replacement;
            variants << corrupt;
        }
    }
    variants << valid + QByteArrayLiteral("\x00") << valid + valid;
    for (const QByteArray &variant : variants) {
        const baton::ModelSection section = describe(variant);
        QCOMPARE(section.id, reference.id);
        QCOMPARE(section.rawDer, variant);
        QVERIFY(!section.asn1Dump.isEmpty());
        if (!section.notes.isEmpty() &&
            section.notes.first().startsWith(u"could not be decoded"_qs))
            QCOMPARE(section.fields.first().label, u"OID"_qs);
    }
}

QTEST_GUILESS_MAIN(CertificateModelAsn1Test)
#include "tst_certificate_model_asn1.moc"
