#pragma once

// The expiry timeline's geometry, apart from painting: which lane lies where, where an instant
// falls on the x axis, what is under a point, and the axis ticks. The widget paints and
// hit-tests with these very numbers, so tests can compute points from the layout and check what
// the widget does there. Instants are milliseconds since the epoch (UTC); coordinates are the
// viewport's.

#include "dc/DelegatedCredential.h"
#include "rotation/RotationPlanner.h"

#include <QHash>
#include <QList>
#include <QRect>
#include <QRectF>
#include <QSize>
#include <QString>
#include <utility>

namespace baton::ui {

struct WorkspaceSnapshot;

/// One DC as the timeline draws it.
struct TimelineBar
{
    qint64 dcId = 0;
    DcRole role = DcRole::Server;
    qint64 start = 0; ///< issuedAt
    qint64 end = 0;   ///< expiresAt
    bool superseded = false;
    /// The DC its policy's plan says is due: the latest of its role, within the renew-before.
    bool due = false;
};

/// One certificate: its validity, its DCs and its policy's next rotation.
struct TimelineLane
{
    qint64 certificateId = 0;
    QString name{};
    qint64 notBefore = 0;
    qint64 notAfter = 0;
    QList<TimelineBar> bars{}; ///< sorted by start
    /// The longest bar's duration: how far before the visible range a bar may start and still
    /// reach into it, the bound of the binary search.
    qint64 longestBar = 0;
    bool hasPolicy = false;
    RotationStatus rotationStatus = RotationStatus::Ok;
    QString rotationReason{};
    bool hasRotation = false; ///< the plan has a next rotation (none when blocked)
    qint64 nextRotation = 0;
};

/// Where a DC stands at `now`, most telling first: what its bar's colour says.
enum class TimelineDcState
{
    Valid,
    Due,        ///< valid, but its policy wants it replaced now
    Pending,    ///< issued for a later start: not valid yet
    Expired,    ///< peers reject it
    Superseded, ///< bound to a certificate that has been renewed
};

TimelineDcState timelineDcState(const TimelineBar &bar, qint64 now);

enum class TimelineTickUnit
{
    Hours,
    Days,
    Weeks,
    Months,
};

struct TimelineTick
{
    qint64 time = 0;
    QString label{}; ///< UTC
};

/// What lies under a point, most specific first: a rotation mark, a DC bar, a lane.
struct TimelineHit
{
    enum class Kind
    {
        None,
        Lane,
        Dc,
        RotationMark,
    };
    Kind kind = Kind::None;
    int lane = -1;
    qsizetype bar = -1;
    qint64 certificateId = 0;
    qint64 dcId = 0;
};

class TimelineLayout
{
public:
    static constexpr qint64 kHour = 3600 * 1000;
    static constexpr qint64 kDay = 24 * kHour;
    /// RFC 9345 caps a DC's validity at 7 days: no DC issued now can reach past now + 7 d.
    static constexpr qint64 kHorizon = 7 * kDay;
    /// Zoom limits: an hour's detail to a year's overview.
    static constexpr qint64 kMinimumSpan = kHour;
    static constexpr qint64 kMaximumSpan = 366 * kDay;

    /// The non-CA certificates of the snapshot, in its order, with their DCs.
    static QList<TimelineLane> lanesFrom(const WorkspaceSnapshot &snapshot);

    void setLanes(QList<TimelineLane> lanes);
    const QList<TimelineLane> &lanes() const { return m_lanes; }
    int laneOfCertificate(qint64 certificateId) const;
    /// {lane, bar} of a DC; {-1, -1} when it has none.
    std::pair<int, qsizetype> barOfDc(qint64 dcId) const;

    /// Also moves the scrollable extent, which always covers now .. now + the horizon.
    void setNow(qint64 now);
    qint64 now() const { return m_now; }

    /// `header` is the width of the lane name column, `axis` the height of the time axis.
    void setMetrics(int header, int axis, int laneHeight, int minimumTickSpacing);
    void setViewportSize(QSize size);
    QSize viewportSize() const { return m_viewport; }
    int headerWidth() const { return m_header; }
    int axisHeight() const { return m_axis; }
    int laneHeight() const { return m_laneHeight; }

    // Time ------------------------------------------------------------------------------

    /// What can be scrolled to: every lane's validity and DCs, now and the horizon, with a
    /// margin; never more than ten years either side of now (certificates valid "forever",
    /// until 9999, would otherwise make the scroll bar useless), never less than kMaximumSpan.
    qint64 extentStart() const { return m_extentStart; }
    qint64 extentEnd() const { return m_extentEnd; }
    qint64 visibleFrom() const { return m_from; }
    qint64 visibleTo() const { return m_from + m_span; }
    qint64 visibleSpan() const { return m_span; }
    /// Clamped to the zoom limits, then moved inside the extent.
    void setVisibleRange(qint64 from, qint64 to);
    /// Three days back (what expired lately), the whole horizon and a day ahead: what matters
    /// when opening a workspace.
    void showDefaultRange();
    /// Divides the visible span by `factor` (> 1 zooms in), keeping `anchor` where it is.
    void zoom(double factor, qint64 anchor);
    void pan(qint64 delta);

    QRect plotRect() const;
    double xForTime(qint64 time) const;
    qint64 timeForX(double x) const;

    TimelineTickUnit tickUnit() const;
    /// The ticks inside the visible range, at round UTC instants of the tick unit.
    QList<TimelineTick> ticks() const;

    // Lanes -----------------------------------------------------------------------------

    int scrollY() const { return m_scrollY; }
    int maximumScrollY() const;
    void setScrollY(int y);
    /// Scrolls the least that shows the whole lane.
    void ensureLaneVisible(int lane);

    int laneTop(int lane) const;
    /// Header and plot, across the whole width.
    QRect laneRect(int lane) const;
    /// The lane under viewport row `y`, or -1.
    int laneAt(int y) const;
    /// [first, last): the lanes at least partly below the axis.
    std::pair<int, int> visibleLanes() const;

    /// [first, last) of the lane's bars that may intersect [from, to): those starting before
    /// `to` and after `from` minus the longest bar. Binary searches, so a repaint
    /// costs the visible bars, not the lane's history.
    std::pair<qsizetype, qsizetype> barCandidates(int lane, qint64 from, qint64 to) const;

    QRectF certificateBandRect(int lane) const;
    /// Server DCs in the upper half of the lane, client DCs in the lower one.
    QRectF barRect(int lane, qsizetype bar) const;
    /// The marker at the lane's next rotation (a triangle over a line through the lane); null
    /// when the lane has none.
    QRectF rotationMarkRect(int lane) const;

    TimelineHit hitTest(QPointF point) const;

private:
    void updateExtent();
    void clampRange();

    QList<TimelineLane> m_lanes;
    QHash<qint64, int> m_laneByCertificate;
    QHash<qint64, std::pair<int, qsizetype>> m_barByDc;
    qint64 m_dataStart = 0;
    qint64 m_dataEnd = 0;
    qint64 m_now = 0;
    qint64 m_extentStart = 0;
    qint64 m_extentEnd = 0;
    qint64 m_from = 0;
    qint64 m_span = 9 * kDay;
    QSize m_viewport{800, 400};
    int m_header = 160;
    int m_axis = 32;
    int m_laneHeight = 32;
    int m_minimumTickSpacing = 90;
    int m_scrollY = 0;
};

} // namespace baton::ui
