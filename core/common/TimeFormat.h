#pragma once

#include "Result.h"

#include <QDateTime>
#include <QString>

namespace baton {

/// Parses an RFC 3339 instant ("2026-12-01T10:00:00Z", "2026-12-01T12:00:00+02:00").
/// The zone is required: an instant without one means something different on every machine.
Result<QDateTime> parseRfc3339(const QString &text);

/// "2026-12-01T10:00:00Z": the form the CLI prints and accepts back.
QString formatRfc3339(const QDateTime &instant);

/// "2026-12-01 10:00:00 UTC": for people.
QString formatUtc(const QDateTime &instant);

/// Parses "90m", "6h", "2d", "1d12h", "1h30m15s" or a plain number of seconds.
Result<qint64> parseDuration(const QString &text);

/// "1 d 12 h", "5 h 3 min", "42 s": the two most significant units, rounded down.
QString formatDuration(qint64 seconds);

/// "in 5 h", "3 d 2 h ago", "now": how far `instant` is from `now`.
QString formatRelative(const QDateTime &now, const QDateTime &instant);

} // namespace baton
