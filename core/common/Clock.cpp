#include "Clock.h"

#include <QTimeZone>

namespace baton {

namespace {
QDateTime wholeSecondsUtc(const QDateTime &t)
{
    return QDateTime::fromSecsSinceEpoch(t.toSecsSinceEpoch(), Qt::UTC);
}
} // namespace

QDateTime SystemClock::now() const
{
    return wholeSecondsUtc(QDateTime::currentDateTimeUtc());
}

FixedClock::FixedClock(QDateTime instant) : m_instant(wholeSecondsUtc(instant)) {}

} // namespace baton
