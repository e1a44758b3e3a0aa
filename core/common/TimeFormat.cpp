#include "TimeFormat.h"

#include <QRegularExpression>
#include <QTimeZone>
#include <charconv>
#include <iterator>

namespace baton {

namespace {
constexpr qint64 kMinute = 60;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;
// Durations are lifetimes of credentials and certificates; a century is far beyond any of them
// and keeps every arithmetic on them clear of overflow.
constexpr qint64 kMaxDuration = 100LL * 366 * kDay;
} // namespace

Result<QDateTime> parseRfc3339(const QString &text)
{
    static const QRegularExpression shape(QStringLiteral(
        R"(^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$)"));
    const QString trimmed = text.trimmed();
    if (!shape.match(trimmed).hasMatch())
        return Error{QStringLiteral("'%1' is not an RFC 3339 time; expected e.g. "
                                    "2026-12-01T10:00:00Z (the zone, Z or +hh:mm, is required)")
                         .arg(text)};
    QString normalized = trimmed.toUpper();
    normalized[10] = QLatin1Char('T');
    const QDateTime parsed = QDateTime::fromString(normalized, Qt::ISODateWithMs);
    if (!parsed.isValid())
        return Error{QStringLiteral("'%1' is not a valid calendar time").arg(text)};
    // DCs count whole seconds; a fraction kept here would make printed expiries disagree with
    // the valid_time actually written.
    return QDateTime::fromSecsSinceEpoch(parsed.toSecsSinceEpoch(), Qt::UTC);
}

QString formatRfc3339(const QDateTime &instant)
{
    return instant.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"));
}

QString formatUtc(const QDateTime &instant)
{
    const QDateTime utc = instant.toUTC();
    const QDate date = utc.date();
    if (!date.isValid() || date.year() < 0 || date.year() > 9999)
        return utc.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
    // Written digit by digit: QDateTime::toString parses its format on every call (and
    // snprintf its own), and every DC issued or verified prints instants into its checks.
    const QTime time = utc.time();
    QString text = QStringLiteral("0000-00-00 00:00:00 UTC");
    const auto put = [&text](qsizetype at, int value, int digits) {
        for (qsizetype i = at + digits - 1; i >= at; --i, value /= 10)
            text[i] = QLatin1Char(char('0' + value % 10));
    };
    put(0, date.year(), 4);
    put(5, date.month(), 2);
    put(8, date.day(), 2);
    put(11, time.hour(), 2);
    put(14, time.minute(), 2);
    put(17, time.second(), 2);
    return text;
}

Result<qint64> parseDuration(const QString &text)
{
    const QString trimmed = text.trimmed();
    // Any number of digits: a number too large is "too large", not "not a duration".
    static const QRegularExpression plainSeconds(QStringLiteral(R"(^\d+$)"));
    static const QRegularExpression units(
        QStringLiteral(R"(^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$)"));
    const auto invalid = [&] {
        return Error{QStringLiteral("'%1' is not a duration; expected e.g. 90m, 6h, 2d, 1d12h or "
                                    "a number of seconds")
                         .arg(text)};
    };
    const auto tooLarge = [&] {
        return Error{QStringLiteral("duration '%1' is too large: longer than a century").arg(text)};
    };
    // Each part is bounded before it is multiplied or added, so nothing can overflow.
    qint64 seconds = 0;
    const auto addPart = [&](const QString &digits, qint64 factor) {
        if (digits.isEmpty())
            return true;
        bool ok = false;
        const qint64 count = digits.size() <= 18 ? digits.toLongLong(&ok) : 0;
        if (!ok || count > kMaxDuration / factor)
            return false;
        seconds += count * factor;
        return seconds <= kMaxDuration;
    };
    if (plainSeconds.match(trimmed).hasMatch()) {
        if (!addPart(trimmed, 1))
            return tooLarge();
    } else {
        const auto m = units.match(trimmed);
        if (trimmed.isEmpty() || !m.hasMatch())
            return invalid();
        const qint64 factors[] = {kDay, kHour, kMinute, 1};
        for (int i = 0; i < 4; ++i) {
            if (!addPart(m.captured(i + 1), factors[i]))
                return tooLarge();
        }
    }
    return seconds;
}

QString formatDuration(qint64 seconds)
{
    seconds = qAbs(seconds);
    struct Unit
    {
        qint64 size;
        const char *name;
    };
    static constexpr Unit units[] = {{kDay, "d"}, {kHour, "h"}, {kMinute, "min"}, {1, "s"}};
    constexpr int unitCount = int(std::size(units));
    // Appended into one string: every DC check prints durations, and a temporary per piece
    // showed in the verifier's profile.
    QString text;
    const auto append = [&text](qint64 count, const Unit &unit) {
        char digits[24];
        const char *end = std::to_chars(digits, digits + sizeof digits, count).ptr;
        text += QLatin1String(digits, end);
        text += QLatin1Char(' ');
        text += QLatin1String(unit.name);
    };
    // The largest non-zero unit and, when non-zero, the next one: "1 d 12 h", not "… 3 s".
    for (int i = 0; i < unitCount; ++i) {
        const qint64 count = seconds / units[i].size;
        if (count == 0)
            continue;
        text.reserve(16);
        append(count, units[i]);
        if (i + 1 < unitCount) {
            const qint64 rest = (seconds % units[i].size) / units[i + 1].size;
            if (rest > 0) {
                text += QLatin1Char(' ');
                append(rest, units[i + 1]);
            }
        }
        return text;
    }
    return QStringLiteral("0 s");
}

QString formatRelative(const QDateTime &now, const QDateTime &instant)
{
    const qint64 delta = now.secsTo(instant);
    if (delta == 0)
        return QStringLiteral("now");
    return delta > 0 ? QLatin1String("in ") + formatDuration(delta)
                     : formatDuration(delta) + QLatin1String(" ago");
}

} // namespace baton
