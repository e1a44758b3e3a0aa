// The expiry timeline on the demo workspace: lanes, the layout's time <-> x mapping and
// hit-testing, selection both ways, zoom and pan by wheel, drag and keys, tooltips, and the
// pixels painting puts where the layout says.

#include "TestPki.h"
#include "common/TimeFormat.h"
#include "session/WorkspaceSession.h"
#include "timeline/TimelineWidget.h"

#include <QApplication>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>
#include <QWheelEvent>
#include <memory>

using namespace baton;
using namespace baton::test;
using namespace baton::ui;

namespace {

const QDateTime kNow = utc(2026, 6, 1, 12);
constexpr qint64 kHour = TimelineLayout::kHour;
constexpr qint64 kDay = TimelineLayout::kDay;

qint64 ms(const QDateTime &instant)
{
    return instant.toMSecsSinceEpoch();
}

/// `count` certificates with one server DC each, for what the demo's two lanes cannot show.
WorkspaceSnapshot manyCertificates(int count, const QDateTime &now)
{
    WorkspaceSnapshot snapshot;
    snapshot.takenAt = now;
    for (int i = 0; i < count; ++i) {
        CertificateSummary certificate;
        certificate.id = i + 1;
        certificate.name = QStringLiteral("host%1.example").arg(i);
        certificate.notBefore = now.addDays(-30);
        certificate.notAfter = now.addDays(60);
        snapshot.certificates.append(certificate);
        DcRecord dc;
        dc.id = 1000 + i;
        dc.certificateId = certificate.id;
        dc.issuedAt = now.addSecs(-3600);
        dc.expiresAt = now.addDays(1);
        snapshot.dcs.append(dc);
    }
    snapshot.index();
    return snapshot;
}

/// What a data row points at, resolved against the demo workspace.
enum class Target
{
    Bar,
    Band,
    Header,
    RotationMark,
    Axis,
};

} // namespace

Q_DECLARE_METATYPE(Target)
Q_DECLARE_METATYPE(TimelineHit::Kind)
Q_DECLARE_METATYPE(TimelineTickUnit)

class TimelineTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void lanes();
    void timeRoundTrip_data();
    void timeRoundTrip();
    void barCandidatesMatchBruteForce_data();
    void barCandidatesMatchBruteForce();
    void hitTest_data();
    void hitTest();
    void clickSelects_data();
    void clickSelects();
    void selectFromOutsideDoesNotEmit();
    void selectScrollsIntoView();
    void wheelZoomsAroundCursor_data();
    void wheelZoomsAroundCursor();
    void plainWheelScrollsLanes();
    void scrollBarsAndKeysScroll();
    void dragPans_data();
    void dragPans();
    void keys_data();
    void keys();
    void zoomLimits();
    void ticksAdaptToZoom_data();
    void ticksAdaptToZoom();
    void dcToolTip_data();
    void dcToolTip();
    void otherToolTips();
    void renderPaintsWhereTheLayoutSays();
    void coloursFollowThePalette_data();
    void coloursFollowThePalette();
    void newWorkspaceResets();

private:
    /// The demo DC of `certificate` at `index` (oldest first).
    const DcRecord *demoDc(const QString &certificate, int index) const;
    qint64 demoCertificate(const QString &name) const;
    /// The viewport point of a row's target.
    QPoint pointOf(Target target, const QString &certificate, int dcIndex) const;
    void sendWheel(QPoint point, int angle, Qt::KeyboardModifiers modifiers) const;

    QTemporaryDir m_dir;
    std::unique_ptr<FixedClock> m_clock;
    std::unique_ptr<WorkspaceSession> m_session;
    std::unique_ptr<TimelineWidget> m_timeline;
};

void TimelineTest::initTestCase()
{
    m_clock = std::make_unique<FixedClock>(kNow);
    m_session = std::make_unique<WorkspaceSession>(*m_clock);
    const Status created =
        m_session->create(m_dir.filePath(u"demo.baton"_qs), "demo passphrase", true, kFastWork);
    QVERIFY2(created, qPrintable(created.errorMessage()));
}

void TimelineTest::init()
{
    m_timeline = std::make_unique<TimelineWidget>();
    m_timeline->resize(1100, 420);
    m_timeline->setSession(m_session.get());
    m_timeline->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_timeline.get()));
}

void TimelineTest::cleanup()
{
    QToolTip::hideText();
    m_timeline.reset();
}

const DcRecord *TimelineTest::demoDc(const QString &certificate, int index) const
{
    const auto dcs = m_session->snapshot().dcsOf(demoCertificate(certificate));
    return index < dcs.size() ? dcs[index] : nullptr;
}

qint64 TimelineTest::demoCertificate(const QString &name) const
{
    for (const CertificateSummary &certificate : m_session->snapshot().certificates) {
        if (certificate.name == name)
            return certificate.id;
    }
    return 0;
}

QPoint TimelineTest::pointOf(Target target, const QString &certificate, int dcIndex) const
{
    const TimelineLayout &layout = m_timeline->timelineLayout();
    const int lane = layout.laneOfCertificate(demoCertificate(certificate));
    switch (target) {
    case Target::Bar: {
        const auto [barLane, bar] = layout.barOfDc(demoDc(certificate, dcIndex)->id);
        return layout.barRect(barLane, bar).center().toPoint();
    }
    case Target::Band:
        // Past every demo DC, inside the certificate's validity.
        return QPoint(int(layout.xForTime(ms(kNow) + 7 * kDay + 12 * kHour)),
                      layout.laneRect(lane).center().y());
    case Target::Header:
        return QPoint(layout.headerWidth() / 2, layout.laneRect(lane).center().y());
    case Target::RotationMark:
        return layout.rotationMarkRect(lane).center().toPoint();
    case Target::Axis:
        return QPoint(layout.plotRect().center().x(), layout.axisHeight() / 2);
    }
    return {};
}

void TimelineTest::sendWheel(QPoint point, int angle, Qt::KeyboardModifiers modifiers) const
{
    QWidget *viewport = m_timeline->viewport();
    QWheelEvent event(point, viewport->mapToGlobal(point), QPoint(), QPoint(0, angle), Qt::NoButton,
                      modifiers, Qt::NoScrollPhase, false);
    QApplication::sendEvent(viewport, &event);
}

void TimelineTest::lanes()
{
    const WorkspaceSnapshot &snapshot = m_session->snapshot();
    const TimelineLayout &layout = m_timeline->timelineLayout();
    int nonCa = 0;
    for (const CertificateSummary &certificate : snapshot.certificates)
        nonCa += certificate.ca ? 0 : 1;
    QCOMPARE(nonCa, 2);
    QCOMPARE(layout.lanes().size(), nonCa);
    QCOMPARE(layout.lanes()[0].name, u"edge.demo.test"_qs);
    QCOMPARE(layout.lanes()[1].name, u"api.demo.test"_qs);
    for (const TimelineLane &lane : layout.lanes()) {
        QCOMPARE(lane.bars.size(), snapshot.dcsOf(lane.certificateId).size());
        for (qsizetype i = 1; i < lane.bars.size(); ++i)
            QVERIFY(lane.bars[i - 1].start <= lane.bars[i].start);
        // Every demo certificate has a policy, hence a rotation mark.
        QVERIFY(lane.hasPolicy);
        QVERIFY(lane.hasRotation);
    }
    // api's server DC has 4 h left, within the 12 h renew-before: the plan says due.
    const TimelineLane &api = layout.lanes()[1];
    QCOMPARE(api.rotationStatus, RotationStatus::Due);
    QCOMPARE(api.nextRotation, ms(kNow));
    // Both of its DCs are within the renew-before (4 h and 11 h left); none of edge's is.
    for (const TimelineBar &bar : api.bars)
        QVERIFY(bar.due);
    for (const TimelineBar &bar : layout.lanes()[0].bars)
        QVERIFY(!bar.due);
    QCOMPARE(m_timeline->accessibleName(), u"Timeline"_qs);
    QCOMPARE(m_timeline->focusPolicy(), Qt::StrongFocus);
    QCOMPARE(m_timeline->now(), kNow);
    // The default range: three days back, the horizon and a day ahead.
    QCOMPARE(m_timeline->visibleFrom(), kNow.addDays(-3));
    QCOMPARE(m_timeline->visibleTo(), kNow.addDays(8));
}

void TimelineTest::timeRoundTrip_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<qint64>("offset"); ///< from now, inside the range

    QTest::newRow("hours, now") << 3 * kHour << qint64(0);
    QTest::newRow("hours, 40 min ahead") << 3 * kHour << 40 * 60 * 1000LL;
    QTest::newRow("days, a day back") << 9 * kDay << -kDay + kHour;
    QTest::newRow("days, the horizon") << 9 * kDay << 7 * kDay;
    QTest::newRow("weeks, 3 weeks ahead") << 60 * kDay << 21 * kDay;
    QTest::newRow("months, 6 weeks ahead") << 300 * kDay << 42 * kDay + 7;
}

void TimelineTest::timeRoundTrip()
{
    QFETCH(qint64, span);
    QFETCH(qint64, offset);
    m_timeline->setVisibleRange(kNow.addMSecs(offset - span / 2), kNow.addMSecs(offset + span / 2));
    const TimelineLayout &layout = m_timeline->timelineLayout();
    QCOMPARE(layout.visibleSpan(), span);
    const QRect plot = layout.plotRect();
    QCOMPARE(layout.xForTime(layout.visibleFrom()), double(plot.left()));
    QCOMPARE(layout.xForTime(layout.visibleTo()), double(plot.left() + plot.width()));
    const qint64 time = ms(kNow) + offset;
    const double x = layout.xForTime(time);
    QVERIFY(x > plot.left() && x < plot.right());
    // The middle of the range is the middle of the plot.
    QVERIFY(qAbs(layout.xForTime(ms(kNow) + offset) - (plot.left() + plot.width() / 2.0)) < 1);
    QVERIFY(qAbs(layout.timeForX(x) - time) <= 1);
    // Pixel by pixel: a whole x maps to a time that maps back to it.
    for (int px = plot.left(); px <= plot.right(); px += 37)
        QVERIFY(qAbs(layout.xForTime(layout.timeForX(px)) - px) < 0.01);
}

void TimelineTest::barCandidatesMatchBruteForce_data()
{
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::newRow("before every bar") << -10 * kDay << -9 * kDay;
    QTest::newRow("inside a long bar only") << 30 * kDay + kHour << 30 * kDay + 2 * kHour;
    QTest::newRow("a week in the middle") << 20 * kDay << 27 * kDay;
    QTest::newRow("everything") << -kDay << 200 * kDay;
    QTest::newRow("after every bar") << 300 * kDay << 301 * kDay;
}

void TimelineTest::barCandidatesMatchBruteForce()
{
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    // Bars of mixed lengths every 5 h, as rotations with several lifetimes leave them.
    TimelineLane lane;
    const qint64 lengths[] = {kHour, 12 * kHour, 7 * kDay, 2 * kDay, 30 * 60 * 1000};
    for (int i = 0; i < 500; ++i) {
        const qint64 start = i * 5 * kHour;
        lane.bars.append({.dcId = i, .start = start, .end = start + lengths[i % 5]});
        lane.longestBar = std::max(lane.longestBar, lengths[i % 5]);
    }
    TimelineLayout layout;
    layout.setLanes({lane});
    const auto [first, last] = layout.barCandidates(0, from, to);
    QList<qint64> found;
    for (qsizetype i = first; i < last; ++i) {
        if (lane.bars[i].end > from)
            found.append(lane.bars[i].dcId);
    }
    QList<qint64> expected;
    for (const TimelineBar &bar : lane.bars) {
        if (bar.start < to && bar.end > from)
            expected.append(bar.dcId);
    }
    QCOMPARE(found, expected);
    // The search narrows: never more than the bars reaching into the window can start in it.
    QVERIFY(last - first <= expected.size() + 7 * 24 / 5 + 1);
}

void TimelineTest::hitTest_data()
{
    QTest::addColumn<Target>("target");
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<int>("dcIndex");
    QTest::addColumn<TimelineHit::Kind>("kind");

    QTest::newRow("edge: the expired DC")
        << Target::Bar << u"edge.demo.test"_qs << 0 << TimelineHit::Kind::Dc;
    QTest::newRow("edge: the DC with 18 h left")
        << Target::Bar << u"edge.demo.test"_qs << 1 << TimelineHit::Kind::Dc;
    QTest::newRow("edge: the newest DC")
        << Target::Bar << u"edge.demo.test"_qs << 2 << TimelineHit::Kind::Dc;
    QTest::newRow("api: the server DC")
        << Target::Bar << u"api.demo.test"_qs << 0 << TimelineHit::Kind::Dc;
    QTest::newRow("api: the client DC")
        << Target::Bar << u"api.demo.test"_qs << 1 << TimelineHit::Kind::Dc;
    QTest::newRow("edge: the certificate band")
        << Target::Band << u"edge.demo.test"_qs << -1 << TimelineHit::Kind::Lane;
    QTest::newRow("api: the lane header")
        << Target::Header << u"api.demo.test"_qs << -1 << TimelineHit::Kind::Lane;
    QTest::newRow("edge: the rotation mark")
        << Target::RotationMark << u"edge.demo.test"_qs << -1 << TimelineHit::Kind::RotationMark;
    QTest::newRow("api: the rotation mark (due: now)")
        << Target::RotationMark << u"api.demo.test"_qs << -1 << TimelineHit::Kind::RotationMark;
    QTest::newRow("the axis") << Target::Axis << QString() << -1 << TimelineHit::Kind::None;
}

void TimelineTest::hitTest()
{
    QFETCH(Target, target);
    QFETCH(QString, certificate);
    QFETCH(int, dcIndex);
    QFETCH(TimelineHit::Kind, kind);
    const QPoint point = pointOf(target, certificate, dcIndex);
    const TimelineHit hit = m_timeline->timelineLayout().hitTest(point);
    QCOMPARE(hit.kind, kind);
    QCOMPARE(hit.certificateId, certificate.isEmpty() ? 0 : demoCertificate(certificate));
    QCOMPARE(hit.dcId, dcIndex < 0 ? 0 : demoDc(certificate, dcIndex)->id);
}

void TimelineTest::clickSelects_data()
{
    QTest::addColumn<Target>("target");
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<int>("dcIndex");

    QTest::newRow("a DC bar") << Target::Bar << u"edge.demo.test"_qs << 2;
    QTest::newRow("a client DC bar") << Target::Bar << u"api.demo.test"_qs << 1;
    QTest::newRow("a certificate band") << Target::Band << u"api.demo.test"_qs << -1;
    QTest::newRow("a lane header") << Target::Header << u"edge.demo.test"_qs << -1;
    QTest::newRow("a rotation mark") << Target::RotationMark << u"api.demo.test"_qs << -1;
}

void TimelineTest::clickSelects()
{
    QFETCH(Target, target);
    QFETCH(QString, certificate);
    QFETCH(int, dcIndex);
    QSignalSpy dcs(m_timeline.get(), &TimelineWidget::dcSelected);
    QSignalSpy certificates(m_timeline.get(), &TimelineWidget::certificateSelected);
    QTest::mouseClick(m_timeline->viewport(), Qt::LeftButton, {},
                      pointOf(target, certificate, dcIndex));
    const qint64 certificateId = demoCertificate(certificate);
    QCOMPARE(m_timeline->selectedCertificate(), certificateId);
    if (dcIndex >= 0) {
        const qint64 dcId = demoDc(certificate, dcIndex)->id;
        QCOMPARE(dcs.count(), 1);
        QCOMPARE(dcs.first().first().toLongLong(), dcId);
        QCOMPARE(certificates.count(), 0);
        QCOMPARE(m_timeline->selectedDc(), dcId);
    } else {
        QCOMPARE(certificates.count(), 1);
        QCOMPARE(certificates.first().first().toLongLong(), certificateId);
        QCOMPARE(dcs.count(), 0);
        QCOMPARE(m_timeline->selectedDc(), 0);
    }
    QVERIFY(m_timeline->hasFocus());
}

void TimelineTest::selectFromOutsideDoesNotEmit()
{
    QSignalSpy dcs(m_timeline.get(), &TimelineWidget::dcSelected);
    QSignalSpy certificates(m_timeline.get(), &TimelineWidget::certificateSelected);
    const qint64 edge = demoCertificate(u"edge.demo.test"_qs);
    const DcRecord *expired = demoDc(u"edge.demo.test"_qs, 0);
    m_timeline->selectDc(expired->id);
    QCOMPARE(m_timeline->selectedDc(), expired->id);
    QCOMPARE(m_timeline->selectedCertificate(), edge);
    const qint64 api = demoCertificate(u"api.demo.test"_qs);
    m_timeline->selectCertificate(api);
    QCOMPARE(m_timeline->selectedCertificate(), api);
    QCOMPARE(m_timeline->selectedDc(), 0);
    // The CA has no lane: nothing stays highlighted.
    m_timeline->selectCertificate(m_session->snapshot().certificates[0].id);
    QCOMPARE(m_timeline->selectedCertificate(), 0);
    m_timeline->selectDc(999999);
    QCOMPARE(m_timeline->selectedDc(), 0);
    QCOMPARE(dcs.count(), 0);
    QCOMPARE(certificates.count(), 0);
    // A reload (a new snapshot: `expired` points into the old one) keeps a selection that
    // still exists.
    const qint64 expiredId = expired->id;
    m_timeline->selectDc(expiredId);
    QVERIFY(m_session->reload());
    QCOMPARE(m_timeline->selectedDc(), expiredId);
    QCOMPARE(m_timeline->selectedCertificate(), edge);
}

void TimelineTest::selectScrollsIntoView()
{
    // Far from the expired DC: selecting it brings it back, at the same zoom.
    m_timeline->setVisibleRange(kNow.addDays(40), kNow.addDays(41));
    const DcRecord *expired = demoDc(u"edge.demo.test"_qs, 0);
    m_timeline->selectDc(expired->id);
    QCOMPARE(m_timeline->timelineLayout().visibleSpan(), kDay);
    QVERIFY(m_timeline->visibleFrom() < expired->expiresAt);
    QVERIFY(m_timeline->visibleTo() > expired->issuedAt);

    // Lanes below the fold scroll up; the scroll bar follows.
    m_timeline->setSnapshot(manyCertificates(300, kNow));
    const TimelineLayout &layout = m_timeline->timelineLayout();
    QCOMPARE(layout.lanes().size(), 300);
    QCOMPARE(layout.scrollY(), 0);
    m_timeline->selectCertificate(250);
    const QRect lane = layout.laneRect(249);
    QVERIFY(lane.top() >= layout.plotRect().top());
    QVERIFY(lane.bottom() <= layout.plotRect().bottom());
    QVERIFY(layout.scrollY() > 0);
    QCOMPARE(m_timeline->verticalScrollBar()->value(), layout.scrollY());
    m_timeline->selectDc(1000 + 3);
    QCOMPARE(layout.laneAt(layout.laneRect(3).center().y()), 3);
    QVERIFY(layout.laneRect(3).top() >= layout.plotRect().top());
    QCOMPARE(m_timeline->selectedCertificate(), 4);
}

void TimelineTest::wheelZoomsAroundCursor_data()
{
    QTest::addColumn<double>("fraction"); ///< of the plot's width
    QTest::addColumn<int>("angle");

    QTest::newRow("in, a quarter across") << 0.25 << 120;
    QTest::newRow("in by three notches, near the right") << 0.9 << 360;
    QTest::newRow("out, three quarters across") << 0.75 << -120;
    QTest::newRow("out, at the left edge") << 0.0 << -240;
}

void TimelineTest::wheelZoomsAroundCursor()
{
    QFETCH(double, fraction);
    QFETCH(int, angle);
    const TimelineLayout &layout = m_timeline->timelineLayout();
    const QRect plot = layout.plotRect();
    const QPoint point(plot.left() + int(fraction * (plot.width() - 1)), plot.center().y());
    const qint64 spanBefore = layout.visibleSpan();
    const qint64 under = layout.timeForX(point.x());
    QSignalSpy changed(m_timeline.get(), &TimelineWidget::visibleRangeChanged);

    sendWheel(point, angle, Qt::ControlModifier);

    const qint64 expectedSpan = std::llround(spanBefore / std::pow(1.25, angle / 120.0));
    QCOMPARE(layout.visibleSpan(), expectedSpan);
    QVERIFY(angle > 0 ? layout.visibleSpan() < spanBefore : layout.visibleSpan() > spanBefore);
    // The instant under the pointer has not moved (to within the rounding to milliseconds).
    QVERIFY2(qAbs(layout.timeForX(point.x()) - under) <= 2,
             qPrintable(QString::number(layout.timeForX(point.x()) - under)));
    QCOMPARE(changed.count(), 1);
}

void TimelineTest::plainWheelScrollsLanes()
{
    m_timeline->setSnapshot(manyCertificates(300, kNow));
    const TimelineLayout &layout = m_timeline->timelineLayout();
    const qint64 from = layout.visibleFrom();
    const qint64 span = layout.visibleSpan();
    sendWheel(layout.plotRect().center(), -120, {});
    QCOMPARE(layout.scrollY(), QApplication::wheelScrollLines() * layout.laneHeight());
    QCOMPARE(layout.visibleFrom(), from);
    QCOMPARE(layout.visibleSpan(), span);
    // Shift turns it sideways: later by a tenth of the span.
    sendWheel(layout.plotRect().center(), -120, Qt::ShiftModifier);
    QCOMPARE(layout.visibleFrom(), from + span / 10);
    QCOMPARE(layout.scrollY(), QApplication::wheelScrollLines() * layout.laneHeight());
}

void TimelineTest::scrollBarsAndKeysScroll()
{
    m_timeline->setSnapshot(manyCertificates(300, kNow));
    const TimelineLayout &layout = m_timeline->timelineLayout();
    // Shown once the lanes exceed the height (Qt lays scroll bars out from the event loop).
    QScrollBar *vertical = m_timeline->verticalScrollBar();
    QTRY_VERIFY(vertical->isVisible());
    QCOMPARE(vertical->maximum(), layout.maximumScrollY());
    QCOMPARE(layout.viewportSize(), m_timeline->viewport()->size());
    // The horizontal scroll bar counts seconds of the extent.
    QScrollBar *horizontal = m_timeline->horizontalScrollBar();
    const qint64 from = layout.visibleFrom();
    const qint64 span = layout.visibleSpan();
    horizontal->setValue(horizontal->value() + 3600);
    QCOMPARE(layout.visibleFrom(), from + kHour);
    QCOMPARE(layout.visibleSpan(), span);
    vertical->setValue(100);
    QCOMPARE(layout.scrollY(), 100);

    m_timeline->setFocus();
    QTest::keyClick(m_timeline.get(), Qt::Key_Home);
    QCOMPARE(layout.scrollY(), 0);
    QTest::keyClick(m_timeline.get(), Qt::Key_Down);
    QCOMPARE(layout.scrollY(), layout.laneHeight());
    QTest::keyClick(m_timeline.get(), Qt::Key_PageDown);
    QCOMPARE(layout.scrollY(), layout.laneHeight() + layout.plotRect().height());
    QTest::keyClick(m_timeline.get(), Qt::Key_Up);
    QCOMPARE(layout.scrollY(), layout.plotRect().height());
    QTest::keyClick(m_timeline.get(), Qt::Key_End);
    QCOMPARE(layout.scrollY(), layout.maximumScrollY());
    QCOMPARE(vertical->value(), layout.maximumScrollY());
    // The last lane ends at the bottom of the plot.
    QCOMPARE(layout.laneRect(299).bottom(), layout.plotRect().bottom());
    QCOMPARE(layout.visibleLanes().second, 300);
}

void TimelineTest::dragPans_data()
{
    QTest::addColumn<int>("dx");
    QTest::newRow("right: back in time") << 200;
    QTest::newRow("left: ahead in time") << -150;
    QTest::newRow("a few pixels past the drag distance") << QApplication::startDragDistance() + 2;
}

void TimelineTest::dragPans()
{
    QFETCH(int, dx);
    const TimelineLayout &layout = m_timeline->timelineLayout();
    const qint64 from = layout.visibleFrom();
    const qint64 span = layout.visibleSpan();
    // Start on a DC: a drag is not a click, whatever it starts on.
    const QPoint start = pointOf(Target::Bar, u"edge.demo.test"_qs, 2);
    QSignalSpy dcs(m_timeline.get(), &TimelineWidget::dcSelected);
    QSignalSpy certificates(m_timeline.get(), &TimelineWidget::certificateSelected);
    QWidget *viewport = m_timeline->viewport();
    QTest::mousePress(viewport, Qt::LeftButton, {}, start);
    QTest::mouseMove(viewport, start + QPoint(dx / 2, 0));
    QTest::mouseMove(viewport, start + QPoint(dx, 0));
    QTest::mouseRelease(viewport, Qt::LeftButton, {}, start + QPoint(dx, 0));
    const qint64 expected = -std::llround(dx * double(span) / layout.plotRect().width());
    QCOMPARE(layout.visibleFrom() - from, expected);
    QCOMPARE(layout.visibleSpan(), span);
    QCOMPARE(dcs.count(), 0);
    QCOMPARE(certificates.count(), 0);
    QVERIFY(viewport->cursor().shape() != Qt::ClosedHandCursor);
}

void TimelineTest::keys_data()
{
    QTest::addColumn<int>("key");
    QTest::addColumn<double>("spanRatio");
    QTest::addColumn<double>("shift"); ///< of the span before, of the range's middle

    QTest::newRow("+ zooms in") << int(Qt::Key_Plus) << 1 / 1.25 << 0.0;
    QTest::newRow("= zooms in") << int(Qt::Key_Equal) << 1 / 1.25 << 0.0;
    QTest::newRow("- zooms out") << int(Qt::Key_Minus) << 1.25 << 0.0;
    QTest::newRow("Right pans ahead") << int(Qt::Key_Right) << 1.0 << 0.1;
    QTest::newRow("Left pans back") << int(Qt::Key_Left) << 1.0 << -0.1;
}

void TimelineTest::keys()
{
    QFETCH(int, key);
    QFETCH(double, spanRatio);
    QFETCH(double, shift);
    const TimelineLayout &layout = m_timeline->timelineLayout();
    const qint64 span = layout.visibleSpan();
    const qint64 middle = layout.visibleFrom() + span / 2;
    m_timeline->setFocus();
    QTest::keyClick(m_timeline.get(), Qt::Key(key));
    QVERIFY(qAbs(layout.visibleSpan() - span * spanRatio) <= 1);
    const qint64 newMiddle = layout.visibleFrom() + layout.visibleSpan() / 2;
    QVERIFY2(qAbs(newMiddle - middle - span * shift) <= 2,
             qPrintable(QString::number(newMiddle - middle)));
    // 0 goes back to the default range.
    QTest::keyClick(m_timeline.get(), Qt::Key_0);
    QCOMPARE(m_timeline->visibleFrom(), kNow.addDays(-3));
    QCOMPARE(m_timeline->visibleTo(), kNow.addDays(8));
}

void TimelineTest::zoomLimits()
{
    const TimelineLayout &layout = m_timeline->timelineLayout();
    for (int i = 0; i < 60; ++i)
        m_timeline->zoomIn();
    QCOMPARE(layout.visibleSpan(), TimelineLayout::kMinimumSpan);
    for (int i = 0; i < 60; ++i)
        m_timeline->zoomOut();
    QCOMPARE(layout.visibleSpan(), TimelineLayout::kMaximumSpan);
    QVERIFY(layout.visibleFrom() >= layout.extentStart());
    QVERIFY(layout.visibleTo() <= layout.extentEnd());
    // The scroll bar covers the extent, in seconds.
    const QScrollBar *scrollBar = m_timeline->horizontalScrollBar();
    QCOMPARE(scrollBar->maximum() + scrollBar->pageStep(),
             int((layout.extentEnd() - layout.extentStart()) / 1000));
}

void TimelineTest::ticksAdaptToZoom_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<TimelineTickUnit>("unit");
    // Spans well inside each unit's range for any reasonable label width.
    QTest::newRow("6 hours") << 6 * kHour << TimelineTickUnit::Hours;
    QTest::newRow("9 days") << 9 * kDay << TimelineTickUnit::Days;
    QTest::newRow("50 days") << 50 * kDay << TimelineTickUnit::Weeks;
    QTest::newRow("300 days") << 300 * kDay << TimelineTickUnit::Months;
}

void TimelineTest::ticksAdaptToZoom()
{
    QFETCH(qint64, span);
    QFETCH(TimelineTickUnit, unit);
    // A plot about 1000 px wide.
    m_timeline->resize(m_timeline->timelineLayout().headerWidth() + 1000 +
                           m_timeline->verticalScrollBar()->sizeHint().width(),
                       420);
    m_timeline->setVisibleRange(kNow.addMSecs(-span / 3), kNow.addMSecs(span - span / 3));
    const TimelineLayout &layout = m_timeline->timelineLayout();
    QCOMPARE(layout.tickUnit(), unit);
    const QList<TimelineTick> ticks = layout.ticks();
    QVERIFY(ticks.size() >= 2);
    for (qsizetype i = 0; i < ticks.size(); ++i) {
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(ticks[i].time, Qt::UTC);
        QVERIFY(ticks[i].time >= layout.visibleFrom() && ticks[i].time <= layout.visibleTo());
        QVERIFY(!ticks[i].label.isEmpty());
        if (i > 0)
            QVERIFY(ticks[i].time > ticks[i - 1].time);
        QCOMPARE(at.time().minute(), 0);
        if (unit != TimelineTickUnit::Hours)
            QCOMPARE(at.time(), QTime(0, 0)); // UTC midnight
        if (unit == TimelineTickUnit::Weeks)
            QCOMPARE(at.date().dayOfWeek(), 1); // Mondays
        if (unit == TimelineTickUnit::Months)
            QCOMPARE(at.date().day(), 1);
    }
}

void TimelineTest::dcToolTip_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<int>("dcIndex");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("role");

    QTest::newRow("expired") << u"edge.demo.test"_qs << 0 << u"Status: expired"_qs
                             << u"Server DC"_qs;
    QTest::newRow("valid, days left")
        << u"edge.demo.test"_qs << 2 << u"Status: valid"_qs << u"Server DC"_qs;
    QTest::newRow("due") << u"api.demo.test"_qs << 0 << u"Status: valid, due for rotation"_qs
                         << u"Server DC"_qs;
    QTest::newRow("client, 11 h left: due too")
        << u"api.demo.test"_qs << 1 << u"Status: valid, due for rotation"_qs << u"Client DC"_qs;
}

void TimelineTest::dcToolTip()
{
    QFETCH(QString, certificate);
    QFETCH(int, dcIndex);
    QFETCH(QString, status);
    QFETCH(QString, role);
    const DcRecord *dc = demoDc(certificate, dcIndex);
    const QPoint point = pointOf(Target::Bar, certificate, dcIndex);
    QWidget *viewport = m_timeline->viewport();
    // Qt's offscreen platform cannot raise the tooltip window, and says so.
    if (QGuiApplication::platformName() == u"offscreen"_qs)
        QTest::ignoreMessage(QtWarningMsg, "This plugin does not support raise()");
    QHelpEvent event(QEvent::ToolTip, point, viewport->mapToGlobal(point));
    QApplication::sendEvent(viewport, &event);
    QTRY_VERIFY(QToolTip::isVisible());
    const QString text = QToolTip::text();
    QCOMPARE(text, m_timeline->toolTipAt(point));
    QVERIFY2(text.contains(u"Expires: "_qs + formatUtc(dc->expiresAt)), qPrintable(text));
    QVERIFY2(text.contains(u"Issued: "_qs + formatUtc(dc->issuedAt)), qPrintable(text));
    QVERIFY2(text.contains(u"UTC"_qs), qPrintable(text));
    const QString relative = formatRelative(kNow, dc->expiresAt);
    QVERIFY(dc->expiresAt <= kNow ? relative.endsWith(u" ago"_qs) : relative.startsWith(u"in "_qs));
    QVERIFY2(text.contains(u"("_qs + relative + u")"_qs), qPrintable(text));
    QVERIFY2(text.contains(status), qPrintable(text));
    QVERIFY2(text.startsWith(role + u" #"_qs + QString::number(dc->id)), qPrintable(text));
    QVERIFY2(text.contains(certificate), qPrintable(text));
}

void TimelineTest::otherToolTips()
{
    const CertificateSummary *edge =
        m_session->snapshot().certificate(demoCertificate(u"edge.demo.test"_qs));
    const QString lane = m_timeline->toolTipAt(pointOf(Target::Band, u"edge.demo.test"_qs, -1));
    QVERIFY2(lane.startsWith(u"edge.demo.test\n"_qs), qPrintable(lane));
    QVERIFY2(lane.contains(u"Valid from: "_qs + formatUtc(edge->notBefore)), qPrintable(lane));
    QVERIFY2(lane.contains(u"Valid until: "_qs + formatUtc(edge->notAfter) + u" (in 60 d)"_qs),
             qPrintable(lane));
    QVERIFY2(lane.contains(u"DCs: 3"_qs), qPrintable(lane));
    QCOMPARE(m_timeline->toolTipAt(pointOf(Target::Header, u"edge.demo.test"_qs, -1)), lane);

    const QString due =
        m_timeline->toolTipAt(pointOf(Target::RotationMark, u"api.demo.test"_qs, -1));
    QVERIFY2(due.contains(u"Next rotation: "_qs + formatUtc(kNow) + u" (now)"_qs), qPrintable(due));
    QVERIFY2(due.contains(u"Policy status: due"_qs), qPrintable(due));
    const QString ok =
        m_timeline->toolTipAt(pointOf(Target::RotationMark, u"edge.demo.test"_qs, -1));
    const TimelineLane &edgeLane = m_timeline->timelineLayout().lanes()[0];
    const QDateTime next = QDateTime::fromMSecsSinceEpoch(edgeLane.nextRotation, Qt::UTC);
    QVERIFY2(ok.contains(u"Next rotation: "_qs + formatUtc(next) + u" ("_qs +
                         formatRelative(kNow, next) + u")"_qs),
             qPrintable(ok));
    QVERIFY2(ok.contains(u"Policy status: ok"_qs), qPrintable(ok));
    QVERIFY(m_timeline->toolTipAt(pointOf(Target::Axis, {}, -1)).isEmpty());
}

void TimelineTest::renderPaintsWhereTheLayoutSays()
{
    const TimelineLayout &layout = m_timeline->timelineLayout();
    QImage image(m_timeline->size(), QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    m_timeline->render(&image);
    const QPoint offset = m_timeline->viewport()->mapTo(m_timeline.get(), QPoint());
    const QRect plot = layout.plotRect();
    const QColor now = m_timeline->colors().nowLine;
    const int x = int(std::lround(layout.xForTime(ms(kNow))));
    int onLine = 0;
    int rows = 0;
    for (int y = plot.top(); y <= plot.bottom(); y += 7, ++rows)
        onLine += image.pixel(offset + QPoint(x, y)) == now.rgba() ? 1 : 0;
    QCOMPARE(onLine, rows);
    // Not a column of that colour everywhere: 30 px either side is something else.
    for (const int dx : {-30, 30})
        QVERIFY(image.pixel(offset + QPoint(x + dx, plot.center().y())) != now.rgba());
    // A DC bar's fill at its centre, in its state's colour.
    const DcRecord *expired = demoDc(u"edge.demo.test"_qs, 0);
    const auto [lane, bar] = layout.barOfDc(expired->id);
    const QPoint centre = layout.barRect(lane, bar).center().toPoint();
    QCOMPARE(QColor(image.pixel(offset + centre)),
             m_timeline->colors().bar(DcRole::Server, TimelineDcState::Expired));
    const DcRecord *client = demoDc(u"api.demo.test"_qs, 1);
    const auto [clientLane, clientBar] = layout.barOfDc(client->id);
    QCOMPARE(QColor(image.pixel(offset + layout.barRect(clientLane, clientBar).center().toPoint())),
             m_timeline->colors().bar(DcRole::Client, TimelineDcState::Due));
    QVERIFY(m_timeline->colors().serverBar != m_timeline->colors().clientBar);
}

void TimelineTest::coloursFollowThePalette_data()
{
    QTest::addColumn<QColor>("base");
    QTest::addColumn<QColor>("text");
    QTest::addColumn<QColor>("highlight");
    QTest::newRow("light") << QColor(255, 255, 255) << QColor(20, 20, 20) << QColor(48, 140, 198);
    QTest::newRow("dark") << QColor(30, 30, 32) << QColor(230, 230, 230) << QColor(42, 130, 218);
    QTest::newRow("grey highlight")
        << QColor(245, 245, 245) << QColor(0, 0, 0) << QColor(128, 128, 128);
}

void TimelineTest::coloursFollowThePalette()
{
    QFETCH(QColor, base);
    QFETCH(QColor, text);
    QFETCH(QColor, highlight);
    QPalette palette = m_timeline->palette();
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, base);
    palette.setColor(QPalette::Window, base);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Highlight, highlight);
    m_timeline->setPalette(palette);
    const TimelineColors &colors = m_timeline->colors();
    QCOMPARE(colors.laneBackground, base);
    QCOMPARE(colors.headerText, text);
    // Alternate lanes differ even when the theme's alternate base does not.
    QVERIFY(colors.alternateLaneBackground != colors.laneBackground);
    const auto contrast = [&](const QColor &color) {
        return qAbs(color.lightness() - base.lightness());
    };
    QVERIFY2(contrast(colors.nowLine) >= 60, qPrintable(colors.nowLine.name()));
    QVERIFY(colors.serverBar.hslHue() != colors.clientBar.hslHue());
    for (const DcRole role : {DcRole::Server, DcRole::Client}) {
        const QColor valid = colors.bar(role, TimelineDcState::Valid);
        QVERIFY2(contrast(valid) >= 60, qPrintable(valid.name()));
        QVERIFY(valid.hslSaturation() >= 100); // a colour even under a grey highlight
        // Muted: nearer the lane than a valid bar, yet still visible.
        const QColor expired = colors.bar(role, TimelineDcState::Expired);
        QVERIFY(contrast(expired) < contrast(valid));
        QVERIFY(contrast(expired) >= 15);
        QCOMPARE(colors.bar(role, TimelineDcState::Superseded), expired);
        QVERIFY(colors.bar(role, TimelineDcState::Due) != valid);
    }
    QVERIFY(colors.rotation(RotationStatus::Ok) != colors.rotation(RotationStatus::Due));
    QVERIFY(colors.rotation(RotationStatus::Due) != colors.rotation(RotationStatus::Expired));
}

void TimelineTest::newWorkspaceResets()
{
    m_timeline->setVisibleRange(kNow.addDays(10), kNow.addDays(12));
    m_timeline->selectCertificate(demoCertificate(u"edge.demo.test"_qs));
    QTemporaryDir dir;
    const FixedClock later(kNow.addDays(3));
    WorkspaceSession other(later);
    m_timeline->setSession(&other);
    QCOMPARE(m_timeline->timelineLayout().lanes().size(), 0);
    QCOMPARE(m_timeline->selectedCertificate(), 0);
    QVERIFY(other.create(dir.filePath(u"other.baton"_qs), "other", true, kFastWork));
    // The other session's clock, not the first one's nor the wall clock.
    QCOMPARE(m_timeline->now(), kNow.addDays(3));
    QCOMPARE(m_timeline->timelineLayout().lanes().size(), 2);
    QCOMPARE(m_timeline->visibleFrom(), kNow);
    m_timeline->setSession(nullptr);
    QCOMPARE(m_timeline->timelineLayout().lanes().size(), 0);
}

QTEST_MAIN(TimelineTest)
#include "tst_timeline.moc"
