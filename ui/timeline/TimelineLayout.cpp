#include "TimelineLayout.h"

#include "session/WorkspaceSnapshot.h"

#include <QDateTime>
#include <QLocale>
#include <algorithm>
#include <cmath>

namespace baton::ui {

namespace {

constexpr qint64 kYear = 365 * TimelineLayout::kDay;
/// Room beyond the first and last instant worth showing, so neither sits on the edge.
constexpr qint64 kExtentMargin = 7 * TimelineLayout::kDay;
/// 1970-01-05, the first Monday of the epoch: weeks start on Mondays (ISO 8601).
constexpr qint64 kFirstMonday = 4 * TimelineLayout::kDay;
constexpr int kBarPadding = 4;
constexpr int kRoleGap = 2;
/// So that a one-hour DC stays visible and clickable at a year's zoom.
constexpr double kMinimumBarWidth = 2;
constexpr double kMarkHalfWidth = 5;

struct TickStep
{
    TimelineTickUnit unit = TimelineTickUnit::Hours;
    int count = 1;

    qint64 approximateLength() const
    {
        switch (unit) {
        case TimelineTickUnit::Hours:
            return count * TimelineLayout::kHour;
        case TimelineTickUnit::Days:
            return count * TimelineLayout::kDay;
        case TimelineTickUnit::Weeks:
            return count * 7 * TimelineLayout::kDay;
        case TimelineTickUnit::Months:
            return count * 30 * TimelineLayout::kDay;
        }
        return TimelineLayout::kDay;
    }
};

/// The finest step whose ticks stay `minimumSpacing` pixels apart.
TickStep tickStep(qint64 span, int width, int minimumSpacing)
{
    static constexpr TickStep steps[] = {
        {TimelineTickUnit::Hours, 1},   {TimelineTickUnit::Hours, 2},
        {TimelineTickUnit::Hours, 3},   {TimelineTickUnit::Hours, 6},
        {TimelineTickUnit::Hours, 12},  {TimelineTickUnit::Days, 1},
        {TimelineTickUnit::Days, 2},    {TimelineTickUnit::Weeks, 1},
        {TimelineTickUnit::Weeks, 2},   {TimelineTickUnit::Months, 1},
        {TimelineTickUnit::Months, 3},  {TimelineTickUnit::Months, 6},
        {TimelineTickUnit::Months, 12},
    };
    for (const TickStep &step : steps) {
        if (double(step.approximateLength()) * std::max(width, 1) / double(span) >= minimumSpacing)
            return step;
    }
    return steps[std::size(steps) - 1];
}

qint64 floorTo(qint64 value, qint64 step, qint64 origin = 0)
{
    const qint64 offset = value - origin;
    const qint64 steps = offset / step - (offset % step < 0 ? 1 : 0);
    return origin + steps * step;
}

QDateTime utcFromMSecs(qint64 time)
{
    return QDateTime::fromMSecsSinceEpoch(time, Qt::UTC);
}

} // namespace

TimelineDcState timelineDcState(const TimelineBar &bar, qint64 now)
{
    if (bar.superseded)
        return TimelineDcState::Superseded;
    if (bar.end <= now)
        return TimelineDcState::Expired;
    if (bar.start > now)
        return TimelineDcState::Pending;
    return bar.due ? TimelineDcState::Due : TimelineDcState::Valid;
}

QList<TimelineLane> TimelineLayout::lanesFrom(const WorkspaceSnapshot &snapshot)
{
    QList<TimelineLane> lanes;
    QHash<qint64, int> laneOf;
    for (const CertificateSummary &certificate : snapshot.certificates) {
        if (certificate.ca)
            continue;
        laneOf.insert(certificate.id, int(lanes.size()));
        TimelineLane lane;
        lane.certificateId = certificate.id;
        lane.name = certificate.name;
        lane.notBefore = certificate.notBefore.toMSecsSinceEpoch();
        lane.notAfter = certificate.notAfter.toMSecsSinceEpoch();
        lanes.append(std::move(lane));
    }
    // The expiry of each role's due DC, per lane: the bar to tint.
    QList<QList<std::pair<DcRole, qint64>>> dueExpiries(lanes.size());
    for (const PolicyPlan &status : snapshot.policies) {
        const int index = laneOf.value(status.certificateId, -1);
        if (index < 0)
            continue;
        TimelineLane &lane = lanes[index];
        lane.hasPolicy = true;
        lane.rotationStatus = status.plan.status;
        lane.rotationReason = status.plan.reason;
        lane.hasRotation = status.plan.nextRotation.isValid();
        if (lane.hasRotation)
            lane.nextRotation = status.plan.nextRotation.toMSecsSinceEpoch();
        for (const RolePlan &role : status.plan.roles) {
            if (role.status == RotationStatus::Due && role.currentExpiry.isValid())
                dueExpiries[index].append({role.role, role.currentExpiry.toMSecsSinceEpoch()});
        }
    }
    // Counted first, so that each lane's bars are allocated once.
    QList<int> laneOfDc(snapshot.dcs.size());
    QList<qsizetype> counts(lanes.size());
    for (qsizetype i = 0; i < snapshot.dcs.size(); ++i) {
        laneOfDc[i] = laneOf.value(snapshot.dcs[i].certificateId, -1);
        if (laneOfDc[i] >= 0)
            ++counts[laneOfDc[i]];
    }
    for (qsizetype i = 0; i < lanes.size(); ++i)
        lanes[i].bars.reserve(counts[i]);
    for (qsizetype i = 0; i < snapshot.dcs.size(); ++i) {
        const int index = laneOfDc[i];
        if (index < 0)
            continue;
        const DcRecord &dc = snapshot.dcs[i];
        TimelineBar bar;
        bar.dcId = dc.id;
        bar.role = dc.role;
        bar.start = dc.issuedAt.toMSecsSinceEpoch();
        bar.end = dc.expiresAt.toMSecsSinceEpoch();
        bar.superseded = dc.superseded;
        bar.due = dueExpiries[index].contains(std::pair{bar.role, bar.end});
        lanes[index].bars.append(bar);
    }
    for (TimelineLane &lane : lanes) {
        std::stable_sort(
            lane.bars.begin(), lane.bars.end(),
            [](const TimelineBar &a, const TimelineBar &b) { return a.start < b.start; });
        for (const TimelineBar &bar : lane.bars)
            lane.longestBar = std::max(lane.longestBar, bar.end - bar.start);
    }
    return lanes;
}

void TimelineLayout::setLanes(QList<TimelineLane> lanes)
{
    m_lanes = std::move(lanes);
    m_laneByCertificate.clear();
    m_barByDc.clear();
    m_laneByCertificate.reserve(m_lanes.size());
    qsizetype bars = 0;
    for (const TimelineLane &lane : m_lanes)
        bars += lane.bars.size();
    m_barByDc.reserve(bars);
    bool first = true;
    for (int i = 0; i < m_lanes.size(); ++i) {
        const TimelineLane &lane = m_lanes[i];
        m_laneByCertificate.insert(lane.certificateId, i);
        qint64 start = lane.notBefore;
        qint64 end = lane.notAfter;
        for (qsizetype b = 0; b < lane.bars.size(); ++b) {
            m_barByDc.insert(lane.bars[b].dcId, {i, b});
            start = std::min(start, lane.bars[b].start);
            end = std::max(end, lane.bars[b].end);
        }
        m_dataStart = first ? start : std::min(m_dataStart, start);
        m_dataEnd = first ? end : std::max(m_dataEnd, end);
        first = false;
    }
    if (first)
        m_dataStart = m_dataEnd = m_now;
    updateExtent();
    setScrollY(m_scrollY);
}

int TimelineLayout::laneOfCertificate(qint64 certificateId) const
{
    return m_laneByCertificate.value(certificateId, -1);
}

std::pair<int, qsizetype> TimelineLayout::barOfDc(qint64 dcId) const
{
    return m_barByDc.value(dcId, {-1, -1});
}

void TimelineLayout::setNow(qint64 now)
{
    if (m_lanes.isEmpty())
        m_dataStart = m_dataEnd = now;
    m_now = now;
    updateExtent();
}

void TimelineLayout::setMetrics(int header, int axis, int laneHeight, int minimumTickSpacing)
{
    m_header = header;
    m_axis = axis;
    m_laneHeight = std::max(laneHeight, 2 * kBarPadding + kRoleGap + 2);
    m_minimumTickSpacing = std::max(minimumTickSpacing, 1);
    setScrollY(m_scrollY);
}

void TimelineLayout::setViewportSize(QSize size)
{
    m_viewport = size;
    setScrollY(m_scrollY);
}

void TimelineLayout::updateExtent()
{
    const qint64 limitStart = m_now - 10 * kYear;
    const qint64 limitEnd = m_now + 10 * kYear;
    m_extentStart = std::clamp(std::min(m_dataStart, m_now) - kExtentMargin, limitStart, m_now);
    m_extentEnd =
        std::clamp(std::max(m_dataEnd, m_now + kHorizon) + kExtentMargin, m_now, limitEnd);
    const qint64 missing = kMaximumSpan - (m_extentEnd - m_extentStart);
    if (missing > 0) {
        m_extentStart -= missing / 2;
        m_extentEnd += missing - missing / 2;
    }
    clampRange();
}

void TimelineLayout::clampRange()
{
    m_span = std::clamp(m_span, kMinimumSpan, kMaximumSpan);
    m_from = std::clamp(m_from, m_extentStart, m_extentEnd - m_span);
}

void TimelineLayout::setVisibleRange(qint64 from, qint64 to)
{
    if (to <= from)
        return;
    const qint64 span = std::clamp(to - from, kMinimumSpan, kMaximumSpan);
    m_from = from + (to - from) / 2 - span / 2;
    m_span = span;
    clampRange();
}

void TimelineLayout::showDefaultRange()
{
    setVisibleRange(m_now - 3 * kDay, m_now + kHorizon + kDay);
}

void TimelineLayout::zoom(double factor, qint64 anchor)
{
    if (!(factor > 0))
        return;
    const qint64 span =
        std::clamp(qint64(std::llround(double(m_span) / factor)), kMinimumSpan, kMaximumSpan);
    m_from = anchor - std::llround(double(anchor - m_from) * double(span) / double(m_span));
    m_span = span;
    clampRange();
}

void TimelineLayout::pan(qint64 delta)
{
    m_from += delta;
    clampRange();
}

QRect TimelineLayout::plotRect() const
{
    return QRect(m_header, m_axis, std::max(0, m_viewport.width() - m_header),
                 std::max(0, m_viewport.height() - m_axis));
}

double TimelineLayout::xForTime(qint64 time) const
{
    const QRect plot = plotRect();
    return plot.left() + double(time - m_from) * plot.width() / double(m_span);
}

qint64 TimelineLayout::timeForX(double x) const
{
    const QRect plot = plotRect();
    if (plot.width() <= 0)
        return m_from;
    return m_from + std::llround((x - plot.left()) * double(m_span) / plot.width());
}

TimelineTickUnit TimelineLayout::tickUnit() const
{
    return tickStep(m_span, plotRect().width(), m_minimumTickSpacing).unit;
}

QList<TimelineTick> TimelineLayout::ticks() const
{
    const TickStep step = tickStep(m_span, plotRect().width(), m_minimumTickSpacing);
    const QLocale locale;
    const qint64 to = visibleTo();
    QList<TimelineTick> ticks;
    const auto add = [&](qint64 time, const QString &format) {
        if (time >= m_from && time <= to)
            ticks.append({time, locale.toString(utcFromMSecs(time), format)});
    };
    const QString dayFormat = QStringLiteral("d MMM");
    switch (step.unit) {
    case TimelineTickUnit::Hours: {
        const qint64 length = step.count * kHour;
        for (qint64 t = floorTo(m_from, length); t <= to; t += length)
            add(t, t % kDay == 0 ? dayFormat : QStringLiteral("HH:mm"));
        break;
    }
    case TimelineTickUnit::Days:
    case TimelineTickUnit::Weeks: {
        const bool weeks = step.unit == TimelineTickUnit::Weeks;
        const qint64 length = step.count * (weeks ? 7 : 1) * kDay;
        for (qint64 t = floorTo(m_from, length, weeks ? kFirstMonday : 0); t <= to; t += length)
            add(t, dayFormat);
        break;
    }
    case TimelineTickUnit::Months: {
        const QDate first = utcFromMSecs(m_from).date();
        QDate date(first.year(), first.month() - (first.month() - 1) % step.count, 1);
        const QString format =
            step.count == 12 ? QStringLiteral("yyyy") : QStringLiteral("MMM yyyy");
        for (;; date = date.addMonths(step.count)) {
            const qint64 t = QDateTime(date, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
            if (t > to)
                break;
            add(t, format);
        }
        break;
    }
    }
    return ticks;
}

int TimelineLayout::maximumScrollY() const
{
    return std::max(0, int(m_lanes.size()) * m_laneHeight - plotRect().height());
}

void TimelineLayout::setScrollY(int y)
{
    m_scrollY = std::clamp(y, 0, maximumScrollY());
}

void TimelineLayout::ensureLaneVisible(int lane)
{
    const int top = lane * m_laneHeight;
    if (top < m_scrollY)
        setScrollY(top);
    else if (top + m_laneHeight > m_scrollY + plotRect().height())
        setScrollY(top + m_laneHeight - plotRect().height());
}

int TimelineLayout::laneTop(int lane) const
{
    return m_axis + lane * m_laneHeight - m_scrollY;
}

QRect TimelineLayout::laneRect(int lane) const
{
    return QRect(0, laneTop(lane), m_viewport.width(), m_laneHeight);
}

int TimelineLayout::laneAt(int y) const
{
    if (y < m_axis || y >= m_viewport.height())
        return -1;
    const int lane = (y - m_axis + m_scrollY) / m_laneHeight;
    return lane < m_lanes.size() ? lane : -1;
}

std::pair<int, int> TimelineLayout::visibleLanes() const
{
    const int count = int(m_lanes.size());
    const int first = std::min(count, m_scrollY / m_laneHeight);
    const int last =
        std::min(count, (m_scrollY + plotRect().height() + m_laneHeight - 1) / m_laneHeight);
    return {first, std::max(first, last)};
}

std::pair<qsizetype, qsizetype> TimelineLayout::barCandidates(int lane, qint64 from,
                                                              qint64 to) const
{
    const QList<TimelineBar> &bars = m_lanes[lane].bars;
    const qint64 earliest = from - m_lanes[lane].longestBar;
    const auto first = std::partition_point(
        bars.cbegin(), bars.cend(), [&](const TimelineBar &b) { return b.start <= earliest; });
    const auto last = std::partition_point(first, bars.cend(),
                                           [&](const TimelineBar &b) { return b.start < to; });
    return {first - bars.cbegin(), last - bars.cbegin()};
}

namespace {

/// [left, right] clipped to a pixel beyond the plot, so that a certificate valid for decades
/// seen at an hour's zoom stays within the painter's coordinate range.
std::pair<double, double> clipToPlot(double left, double right, const QRect &plot)
{
    return {std::max(left, plot.left() - 1.0), std::min(right, plot.right() + 2.0)};
}

} // namespace

QRectF TimelineLayout::certificateBandRect(int lane) const
{
    const TimelineLane &data = m_lanes[lane];
    const auto [left, right] =
        clipToPlot(xForTime(data.notBefore), xForTime(data.notAfter), plotRect());
    if (right <= left)
        return {};
    return QRectF(left, laneTop(lane) + 2, right - left, m_laneHeight - 4);
}

QRectF TimelineLayout::barRect(int lane, qsizetype bar) const
{
    const TimelineBar &data = m_lanes[lane].bars[bar];
    // Whole pixels: bars are filled without antialiasing, and hit-testing must match.
    const double start = std::floor(xForTime(data.start));
    const double end = std::max(std::round(xForTime(data.end)), start + kMinimumBarWidth);
    const auto [left, right] = clipToPlot(start, end, plotRect());
    const int half = (m_laneHeight - 2 * kBarPadding - kRoleGap) / 2;
    const int top =
        laneTop(lane) + kBarPadding + (data.role == DcRole::Client ? half + kRoleGap : 0);
    return QRectF(left, top, std::max(0.0, right - left), half);
}

QRectF TimelineLayout::rotationMarkRect(int lane) const
{
    const TimelineLane &data = m_lanes[lane];
    if (!data.hasRotation)
        return {};
    const double x = xForTime(data.nextRotation);
    const QRect plot = plotRect();
    if (x < plot.left() || x > plot.right() + 1)
        return {};
    return QRectF(x - kMarkHalfWidth, laneTop(lane), 2 * kMarkHalfWidth, m_laneHeight);
}

TimelineHit TimelineLayout::hitTest(QPointF point) const
{
    TimelineHit hit;
    const int lane = laneAt(int(std::floor(point.y())));
    if (lane < 0 || point.x() < 0 || point.x() >= m_viewport.width())
        return hit;
    hit.lane = lane;
    hit.certificateId = m_lanes[lane].certificateId;
    hit.kind = TimelineHit::Kind::Lane;
    if (point.x() < m_header)
        return hit;
    if (rotationMarkRect(lane).contains(point)) {
        hit.kind = TimelineHit::Kind::RotationMark;
        return hit;
    }
    // Around the point rather than at it: a bar is never narrower than kMinimumBarWidth.
    const auto [first, last] = barCandidates(lane, timeForX(point.x() - kMinimumBarWidth - 1),
                                             timeForX(point.x() + 1) + 1);
    // Later bars are painted over earlier ones: the topmost wins.
    for (qsizetype bar = last - 1; bar >= first; --bar) {
        if (barRect(lane, bar).contains(point)) {
            hit.kind = TimelineHit::Kind::Dc;
            hit.bar = bar;
            hit.dcId = m_lanes[lane].bars[bar].dcId;
            break;
        }
    }
    return hit;
}

} // namespace baton::ui
