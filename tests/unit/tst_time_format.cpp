// Unit tests for common/TimeFormat: RFC 3339 instants, durations and the human forms of both.

#include "TestPki.h"
#include "common/TimeFormat.h"

#include <QTest>
#include <QTimeZone>

using namespace baton;
using baton::test::utc;

class TimeFormatTest : public QObject
{
    Q_OBJECT

private slots:
    void parseRfc3339Good_data();
    void parseRfc3339Good();
    void parseRfc3339Bad_data();
    void parseRfc3339Bad();
    void formatInstant_data();
    void formatInstant();
    void parseDurationGood_data();
    void parseDurationGood();
    void parseDurationBad_data();
    void parseDurationBad();
    void formatDuration_data();
    void formatDuration();
    void formatRelative_data();
    void formatRelative();
};

void TimeFormatTest::parseRfc3339Good_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");

    const QDateTime ten = utc(2026, 12, 1, 10);
    QTest::newRow("Z") << QStringLiteral("2026-12-01T10:00:00Z") << ten;
    QTest::newRow("lower-case t and z") << QStringLiteral("2026-12-01t10:00:00z") << ten;
    QTest::newRow("space separator") << QStringLiteral("2026-12-01 10:00:00Z") << ten;
    QTest::newRow("surrounding whitespace") << QStringLiteral("  2026-12-01T10:00:00Z\n") << ten;
    QTest::newRow("+00:00") << QStringLiteral("2026-12-01T10:00:00+00:00") << ten;
    QTest::newRow("-00:00") << QStringLiteral("2026-12-01T10:00:00-00:00") << ten;
    QTest::newRow("+02:00") << QStringLiteral("2026-12-01T12:00:00+02:00") << ten;
    QTest::newRow("-04:30") << QStringLiteral("2026-12-01T05:30:00-04:30") << ten;
    QTest::newRow("offset crosses the date") << QStringLiteral("2026-12-02T01:00:00+15:00") << ten;
    QTest::newRow("offset crosses the year")
        << QStringLiteral("2026-12-31T20:00:00-05:00") << utc(2027, 1, 1, 1);
    // DCs count whole seconds: a fraction is accepted and dropped (never rounded up).
    QTest::newRow("fraction .5") << QStringLiteral("2026-12-01T10:00:00.5Z") << ten;
    QTest::newRow("fraction .123") << QStringLiteral("2026-12-01T10:00:00.123Z") << ten;
    QTest::newRow("fraction .999") << QStringLiteral("2026-12-01T10:00:00.999Z") << ten;
    QTest::newRow("fraction, 9 digits") << QStringLiteral("2026-12-01T10:00:00.123456789Z") << ten;
    QTest::newRow("fraction with offset") << QStringLiteral("2026-12-01T11:00:00.250+01:00") << ten;
    QTest::newRow("leap day") << QStringLiteral("2024-02-29T23:59:59Z")
                              << utc(2024, 2, 29, 23, 59, 59);
    QTest::newRow("epoch") << QStringLiteral("1970-01-01T00:00:00Z")
                           << QDateTime::fromSecsSinceEpoch(0, Qt::UTC);
}

void TimeFormatTest::parseRfc3339Good()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);

    const auto parsed = parseRfc3339(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.errorMessage()));
    QCOMPARE(parsed->toMSecsSinceEpoch(), expected.toMSecsSinceEpoch());
    QCOMPARE(parsed->time().msec(), 0);
    // Always handed back in UTC, whatever zone the text used.
    QCOMPARE(parsed->offsetFromUtc(), 0);
}

void TimeFormatTest::parseRfc3339Bad_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("errorPart");

    const QString shape = QStringLiteral("is not an RFC 3339 time");
    const QString calendar = QStringLiteral("is not a valid calendar time");
    QTest::newRow("no zone") << QStringLiteral("2026-12-01T10:00:00") << shape;
    QTest::newRow("empty") << QString() << shape;
    QTest::newRow("garbage") << QStringLiteral("next tuesday") << shape;
    QTest::newRow("date only") << QStringLiteral("2026-12-01") << shape;
    QTest::newRow("no seconds") << QStringLiteral("2026-12-01T10:00Z") << shape;
    QTest::newRow("offset without colon") << QStringLiteral("2026-12-01T10:00:00+0200") << shape;
    QTest::newRow("offset hours only") << QStringLiteral("2026-12-01T10:00:00+02") << shape;
    QTest::newRow("empty fraction") << QStringLiteral("2026-12-01T10:00:00.Z") << shape;
    QTest::newRow("ten fraction digits")
        << QStringLiteral("2026-12-01T10:00:00.1234567890Z") << shape;
    QTest::newRow("two-digit year") << QStringLiteral("26-12-01T10:00:00Z") << shape;
    QTest::newRow("zone name") << QStringLiteral("2026-12-01T10:00:00 UTC") << shape;
    QTest::newRow("trailing text") << QStringLiteral("2026-12-01T10:00:00Z tomorrow") << shape;
    QTest::newRow("February 30") << QStringLiteral("2026-02-30T00:00:00Z") << calendar;
    QTest::newRow("February 29, no leap year")
        << QStringLiteral("2025-02-29T00:00:00Z") << calendar;
    QTest::newRow("month 13") << QStringLiteral("2026-13-01T00:00:00Z") << calendar;
    QTest::newRow("day 00") << QStringLiteral("2026-12-00T00:00:00Z") << calendar;
    QTest::newRow("hour 25") << QStringLiteral("2026-12-01T25:00:00Z") << calendar;
    QTest::newRow("minute 60") << QStringLiteral("2026-12-01T10:60:00Z") << calendar;
}

void TimeFormatTest::parseRfc3339Bad()
{
    QFETCH(QString, text);
    QFETCH(QString, errorPart);

    const auto parsed = parseRfc3339(text);
    QVERIFY(!parsed.ok());
    const QString message = parsed.errorMessage();
    QVERIFY2(message.contains(errorPart), qPrintable(message));
    // The message quotes what the user typed.
    QVERIFY2(message.startsWith(QStringLiteral("'%1' ").arg(text)), qPrintable(message));
}

void TimeFormatTest::formatInstant_data()
{
    QTest::addColumn<QDateTime>("instant");
    QTest::addColumn<QString>("rfc3339");
    QTest::addColumn<QString>("human");

    QTest::newRow("UTC") << utc(2026, 12, 1, 10) << QStringLiteral("2026-12-01T10:00:00Z")
                         << QStringLiteral("2026-12-01 10:00:00 UTC");
    QTest::newRow("single digits")
        << utc(2027, 1, 2, 3, 4, 5) << QStringLiteral("2027-01-02T03:04:05Z")
        << QStringLiteral("2027-01-02 03:04:05 UTC");
    QTest::newRow("offset +02:00 converted")
        << QDateTime(QDate(2026, 12, 1), QTime(12, 0), QTimeZone(7200))
        << QStringLiteral("2026-12-01T10:00:00Z") << QStringLiteral("2026-12-01 10:00:00 UTC");
    QTest::newRow("offset -05:00 crosses the year")
        << QDateTime(QDate(2026, 12, 31), QTime(20, 0), QTimeZone(-18000))
        << QStringLiteral("2027-01-01T01:00:00Z") << QStringLiteral("2027-01-01 01:00:00 UTC");
    QTest::newRow("milliseconds dropped")
        << utc(2026, 12, 1, 10, 0, 59).addMSecs(999) << QStringLiteral("2026-12-01T10:00:59Z")
        << QStringLiteral("2026-12-01 10:00:59 UTC");
    QTest::newRow("end of day") << utc(2026, 12, 31, 23, 59, 59)
                                << QStringLiteral("2026-12-31T23:59:59Z")
                                << QStringLiteral("2026-12-31 23:59:59 UTC");
}

void TimeFormatTest::formatInstant()
{
    QFETCH(QDateTime, instant);
    QFETCH(QString, rfc3339);
    QFETCH(QString, human);

    QCOMPARE(formatRfc3339(instant), rfc3339);
    QCOMPARE(formatUtc(instant), human);

    // What the CLI prints, it accepts back: the same instant, to the second.
    const auto back = parseRfc3339(formatRfc3339(instant));
    QVERIFY(back.ok());
    QCOMPARE(back->toSecsSinceEpoch(), instant.toSecsSinceEpoch());
}

void TimeFormatTest::parseDurationGood_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("seconds");

    QTest::newRow("90m") << QStringLiteral("90m") << qint64(5400);
    QTest::newRow("6h") << QStringLiteral("6h") << qint64(21600);
    QTest::newRow("2d") << QStringLiteral("2d") << qint64(172800);
    QTest::newRow("1d12h") << QStringLiteral("1d12h") << qint64(129600);
    QTest::newRow("1h30m15s") << QStringLiteral("1h30m15s") << qint64(5415);
    QTest::newRow("1d1s") << QStringLiteral("1d1s") << qint64(86401);
    QTest::newRow("6d23h") << QStringLiteral("6d23h") << qint64(601200);
    QTest::newRow("45s") << QStringLiteral("45s") << qint64(45);
    QTest::newRow("plain 3600") << QStringLiteral("3600") << qint64(3600);
    QTest::newRow("plain 0") << QStringLiteral("0") << qint64(0);
    QTest::newRow("leading zeros") << QStringLiteral("007h") << qint64(25200);
    QTest::newRow("surrounding whitespace") << QStringLiteral(" 6h\n") << qint64(21600);
    QTest::newRow("100 years of days") << QStringLiteral("36600d") << qint64(36600) * 86400;
}

void TimeFormatTest::parseDurationGood()
{
    QFETCH(QString, text);
    QFETCH(qint64, seconds);

    const auto parsed = parseDuration(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.errorMessage()));
    QCOMPARE(*parsed, seconds);
}

void TimeFormatTest::parseDurationBad_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("errorPart");

    const QString invalid = QStringLiteral("is not a duration");
    const QString century = QStringLiteral("is too large: longer than a century");
    QTest::newRow("empty") << QString() << invalid;
    QTest::newRow("whitespace") << QStringLiteral("   ") << invalid;
    QTest::newRow("unknown unit") << QStringLiteral("1x") << invalid;
    QTest::newRow("unit without number") << QStringLiteral("h") << invalid;
    QTest::newRow("units out of order") << QStringLiteral("12h1d") << invalid;
    QTest::newRow("unit twice") << QStringLiteral("1d1d") << invalid;
    QTest::newRow("negative seconds") << QStringLiteral("-5") << invalid;
    QTest::newRow("negative hours") << QStringLiteral("-1h") << invalid;
    QTest::newRow("fraction") << QStringLiteral("1.5h") << invalid;
    QTest::newRow("inner space") << QStringLiteral("1d 12h") << invalid;
    QTest::newRow("hex") << QStringLiteral("0x10") << invalid;
    // Too many digits is too large, not malformed.
    QTest::newRow("13 digits") << QStringLiteral("1234567890123") << century;
    QTest::newRow("7 digits of days") << QStringLiteral("1000000d") << century;
    QTest::newRow("11 digits of days") << QStringLiteral("99999999999d") << century;
    QTest::newRow("40 digits of minutes")
        << QString(40, QLatin1Char('9')) + QLatin1Char('m') << century;
    QTest::newRow("a century in parts") << QStringLiteral("36600d9999999h") << century;
    QTest::newRow("12 digits of seconds") << QStringLiteral("999999999999") << century;
    QTest::newRow("over a century of days") << QStringLiteral("36601d") << century;
    QTest::newRow("over a century of hours") << QStringLiteral("9999999h") << century;
}

void TimeFormatTest::parseDurationBad()
{
    QFETCH(QString, text);
    QFETCH(QString, errorPart);

    const auto parsed = parseDuration(text);
    QVERIFY(!parsed.ok());
    const QString message = parsed.errorMessage();
    QVERIFY2(message.contains(errorPart), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("'%1'").arg(text)), qPrintable(message));
}

void TimeFormatTest::formatDuration_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("expected");

    QTest::newRow("0") << qint64(0) << QStringLiteral("0 s");
    QTest::newRow("1") << qint64(1) << QStringLiteral("1 s");
    QTest::newRow("42") << qint64(42) << QStringLiteral("42 s");
    QTest::newRow("59") << qint64(59) << QStringLiteral("59 s");
    QTest::newRow("60") << qint64(60) << QStringLiteral("1 min");
    QTest::newRow("61") << qint64(61) << QStringLiteral("1 min 1 s");
    QTest::newRow("3599") << qint64(3599) << QStringLiteral("59 min 59 s");
    QTest::newRow("3600") << qint64(3600) << QStringLiteral("1 h");
    QTest::newRow("5 h 3 min 7 s") << qint64(5 * 3600 + 3 * 60 + 7) << QStringLiteral("5 h 3 min");
    QTest::newRow("1 d") << qint64(86400) << QStringLiteral("1 d");
    QTest::newRow("1 d 59 s") << qint64(86400 + 59) << QStringLiteral("1 d");
    QTest::newRow("1 d 12 h") << qint64(129600) << QStringLiteral("1 d 12 h");
    QTest::newRow("6 d 23 h 59 min") << qint64(7 * 86400 - 60) << QStringLiteral("6 d 23 h");
    QTest::newRow("7 d") << qint64(7 * 86400) << QStringLiteral("7 d");
    QTest::newRow("365 d 1 h") << qint64(365 * 86400 + 3600) << QStringLiteral("365 d 1 h");
    QTest::newRow("negative") << qint64(-90) << QStringLiteral("1 min 30 s");
}

void TimeFormatTest::formatDuration()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, expected);

    QCOMPARE(baton::formatDuration(seconds), expected);
}

void TimeFormatTest::formatRelative_data()
{
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<QDateTime>("instant");
    QTest::addColumn<QString>("expected");

    const QDateTime now = utc(2026, 6, 1, 12);
    QTest::newRow("same instant") << now << now << QStringLiteral("now");
    QTest::newRow("same instant, other zone")
        << now << QDateTime(QDate(2026, 6, 1), QTime(14, 0), QTimeZone(7200))
        << QStringLiteral("now");
    QTest::newRow("under a second") << now << now.addMSecs(999) << QStringLiteral("now");
    QTest::newRow("in 1 s") << now << now.addSecs(1) << QStringLiteral("in 1 s");
    QTest::newRow("in 5 h") << now << now.addSecs(5 * 3600) << QStringLiteral("in 5 h");
    QTest::newRow("in 1 d 12 h") << now << now.addSecs(129600) << QStringLiteral("in 1 d 12 h");
    QTest::newRow("59 s ago") << now << now.addSecs(-59) << QStringLiteral("59 s ago");
    QTest::newRow("3 d 2 h ago") << now << now.addSecs(-(3 * 86400 + 2 * 3600 + 5))
                                 << QStringLiteral("3 d 2 h ago");
    QTest::newRow("5 h 3 min ago")
        << now << now.addSecs(-(5 * 3600 + 3 * 60)) << QStringLiteral("5 h 3 min ago");
}

void TimeFormatTest::formatRelative()
{
    QFETCH(QDateTime, now);
    QFETCH(QDateTime, instant);
    QFETCH(QString, expected);

    QCOMPARE(baton::formatRelative(now, instant), expected);
}

QTEST_GUILESS_MAIN(TimeFormatTest)
#include "tst_time_format.moc"
