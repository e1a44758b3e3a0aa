#include "TimelineWidget.h"

#include "common/TimeFormat.h"
#include "session/WorkspaceSession.h"
#include "session/WorkspaceSnapshot.h"

#include <QApplication>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>
#include <cmath>

namespace baton::ui {

namespace {

/// One wheel notch or one +/- press.
constexpr double kZoomStep = 1.25;
/// Left/Right and a horizontal wheel notch move a tenth of the visible span.
constexpr double kPanStep = 0.1;
/// The horizontal scroll bar counts seconds: ten years either side of now fit in an int.
constexpr qint64 kScrollUnit = 1000;
constexpr int kTextPadding = 6;

QDateTime utcFromMSecs(qint64 time)
{
    return QDateTime::fromMSecsSinceEpoch(time, Qt::UTC);
}

/// `above` (translucent) painted over `below` (opaque).
QColor over(const QColor &below, const QColor &above)
{
    const double alpha = above.alphaF();
    const auto channel = [alpha](int b, int a) {
        return int(std::lround(b + (a - b) * alpha));
    };
    return QColor(channel(below.red(), above.red()), channel(below.green(), above.green()),
                  channel(below.blue(), above.blue()));
}

/// "2026-06-01 12:00:00 UTC (in 5 h)"
QString instantText(qint64 time, qint64 now)
{
    const QDateTime instant = utcFromMSecs(time);
    return QStringLiteral("%1 (%2)").arg(formatUtc(instant),
                                         formatRelative(utcFromMSecs(now), instant));
}

} // namespace

TimelineWidget::TimelineWidget(QWidget *parent) : QAbstractScrollArea(parent)
{
    setObjectName(QStringLiteral("timeline"));
    setAccessibleName(tr("Timeline"));
    setAccessibleDescription(
        tr("Certificates and the validity of their delegated credentials over time"));
    setFocusPolicy(Qt::StrongFocus);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    // Every pixel is painted (paintLanes, paintHeader, paintAxis): no background fill first.
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    horizontalScrollBar()->setAccessibleName(tr("Time"));
    verticalScrollBar()->setAccessibleName(tr("Certificates"));
    m_colors = TimelineColors::fromPalette(palette());
    updateMetrics();
    m_layout.showDefaultRange();
    viewChanged();
}

void TimelineWidget::setSession(WorkspaceSession *session)
{
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    resetForNewWorkspace();
    if (!session)
        return;
    connect(session, &WorkspaceSession::workspaceChanged, this,
            &TimelineWidget::resetForNewWorkspace);
    connect(session, &WorkspaceSession::snapshotChanged, this,
            &TimelineWidget::takeSessionSnapshot);
    takeSessionSnapshot();
}

void TimelineWidget::takeSessionSnapshot()
{
    if (!m_session)
        return;
    setNow(m_session->clock().now());
    setSnapshot(m_session->snapshot());
}

void TimelineWidget::resetForNewWorkspace()
{
    m_selectedCertificate = 0;
    m_selectedDc = 0;
    m_nameCache.clear();
    m_layout.setLanes({});
    m_layout.setScrollY(0);
    m_rangeChosen = false;
    m_layout.showDefaultRange();
    viewChanged();
}

void TimelineWidget::setSnapshot(const WorkspaceSnapshot &snapshot)
{
    m_nameCache.clear();
    m_layout.setLanes(TimelineLayout::lanesFrom(snapshot));
    // The selection outlives a reload when its certificate or DC still has a place.
    if (m_selectedDc != 0 && m_layout.barOfDc(m_selectedDc).first < 0)
        m_selectedDc = 0;
    if (m_selectedCertificate != 0 && m_layout.laneOfCertificate(m_selectedCertificate) < 0)
        m_selectedCertificate = 0;
    if (!m_rangeChosen)
        m_layout.showDefaultRange();
    viewChanged();
}

void TimelineWidget::setNow(const QDateTime &now)
{
    m_layout.setNow(now.toMSecsSinceEpoch());
    if (!m_rangeChosen)
        m_layout.showDefaultRange();
    viewChanged();
}

QDateTime TimelineWidget::now() const
{
    return utcFromMSecs(m_layout.now());
}

void TimelineWidget::setVisibleRange(const QDateTime &from, const QDateTime &to)
{
    m_layout.setVisibleRange(from.toMSecsSinceEpoch(), to.toMSecsSinceEpoch());
    userRangeChange();
}

QDateTime TimelineWidget::visibleFrom() const
{
    return utcFromMSecs(m_layout.visibleFrom());
}

QDateTime TimelineWidget::visibleTo() const
{
    return utcFromMSecs(m_layout.visibleTo());
}

void TimelineWidget::zoomIn()
{
    zoomBy(kZoomStep);
}

void TimelineWidget::zoomOut()
{
    zoomBy(1 / kZoomStep);
}

void TimelineWidget::zoomBy(double factor)
{
    m_layout.zoom(factor, m_layout.visibleFrom() + m_layout.visibleSpan() / 2);
    userRangeChange();
}

void TimelineWidget::showDefaultRange()
{
    m_rangeChosen = false;
    m_layout.showDefaultRange();
    viewChanged();
}

void TimelineWidget::selectCertificate(qint64 certificateId)
{
    const int lane = m_layout.laneOfCertificate(certificateId);
    m_selectedDc = 0;
    m_selectedCertificate = lane < 0 ? 0 : certificateId;
    if (lane >= 0)
        m_layout.ensureLaneVisible(lane);
    viewChanged();
}

void TimelineWidget::selectDc(qint64 dcId)
{
    const auto [lane, bar] = m_layout.barOfDc(dcId);
    if (lane < 0) {
        m_selectedDc = 0;
        m_selectedCertificate = 0;
        viewChanged();
        return;
    }
    m_selectedDc = dcId;
    m_selectedCertificate = m_layout.lanes()[lane].certificateId;
    m_layout.ensureLaneVisible(lane);
    const TimelineBar &data = m_layout.lanes()[lane].bars[bar];
    if (data.end <= m_layout.visibleFrom() || data.start >= m_layout.visibleTo()) {
        // Out of sight: centre it, at the current zoom.
        const qint64 middle = data.start + (data.end - data.start) / 2;
        m_layout.pan(middle - (m_layout.visibleFrom() + m_layout.visibleSpan() / 2));
        m_rangeChosen = true;
    }
    viewChanged();
}

void TimelineWidget::userRangeChange()
{
    m_rangeChosen = true;
    viewChanged();
}

void TimelineWidget::viewChanged()
{
    m_syncingScrollBars = true;
    QScrollBar *horizontal = horizontalScrollBar();
    const qint64 span = m_layout.visibleSpan();
    horizontal->setRange(0,
                         int((m_layout.extentEnd() - m_layout.extentStart() - span) / kScrollUnit));
    horizontal->setPageStep(int(span / kScrollUnit));
    horizontal->setSingleStep(int(std::max<qint64>(1, qint64(span * kPanStep) / kScrollUnit)));
    horizontal->setValue(int((m_layout.visibleFrom() - m_layout.extentStart()) / kScrollUnit));
    QScrollBar *vertical = verticalScrollBar();
    vertical->setRange(0, m_layout.maximumScrollY());
    vertical->setPageStep(m_layout.plotRect().height());
    vertical->setSingleStep(m_layout.laneHeight());
    vertical->setValue(m_layout.scrollY());
    m_syncingScrollBars = false;

    if (m_layout.visibleFrom() != m_emittedFrom || m_layout.visibleTo() != m_emittedTo) {
        m_emittedFrom = m_layout.visibleFrom();
        m_emittedTo = m_layout.visibleTo();
        emit visibleRangeChanged(visibleFrom(), visibleTo());
    }
    viewport()->update();
}

void TimelineWidget::updateMetrics()
{
    m_nameCache.clear();
    const QFontMetrics metrics = fontMetrics();
    m_layout.setMetrics(std::clamp(metrics.averageCharWidth() * 26, 120, 260),
                        2 * metrics.height() + 8, std::max(36, 2 * metrics.height() + 4),
                        metrics.horizontalAdvance(QStringLiteral("May 8888")) + 3 * kTextPadding);
    m_layout.setViewportSize(viewport()->size());
}

void TimelineWidget::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    m_layout.setViewportSize(viewport()->size());
    viewChanged();
}

void TimelineWidget::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        m_colors = TimelineColors::fromPalette(palette());
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) {
        updateMetrics();
        viewChanged();
    }
}

void TimelineWidget::scrollContentsBy(int dx, int dy)
{
    if (m_syncingScrollBars)
        return;
    // The user moved a scroll bar.
    if (dx != 0) {
        m_layout.pan(m_layout.extentStart() + horizontalScrollBar()->value() * kScrollUnit -
                     m_layout.visibleFrom());
        m_rangeChosen = true;
    }
    if (dy != 0)
        m_layout.setScrollY(verticalScrollBar()->value());
    viewChanged();
}

void TimelineWidget::wheelEvent(QWheelEvent *event)
{
    const QPoint angle = event->angleDelta();
    if (event->modifiers() & Qt::ControlModifier) {
        if (angle.y() == 0) {
            event->ignore();
            return;
        }
        const QRect plot = m_layout.plotRect();
        const QPointF point = event->position();
        const qint64 anchor = point.x() >= plot.left()
                                  ? m_layout.timeForX(point.x())
                                  : m_layout.visibleFrom() + m_layout.visibleSpan() / 2;
        m_layout.zoom(std::pow(kZoomStep, angle.y() / 120.0), anchor);
        userRangeChange();
        event->accept();
        return;
    }
    // Shift turns the wheel sideways where the platform has not done so already.
    const bool sideways = (event->modifiers() & Qt::ShiftModifier) && angle.x() == 0;
    const int horizontal = sideways ? angle.y() : angle.x();
    const int vertical = sideways ? 0 : angle.y();
    if (horizontal == 0 && vertical == 0) {
        event->ignore();
        return;
    }
    if (horizontal != 0) {
        m_layout.pan(qint64(-horizontal / 120.0 * kPanStep * double(m_layout.visibleSpan())));
        m_rangeChosen = true;
    }
    if (vertical != 0) {
        const QPoint pixels = event->pixelDelta();
        const int step =
            !pixels.isNull() && !sideways
                ? pixels.y()
                : int(vertical / 120.0 * QApplication::wheelScrollLines() * m_layout.laneHeight());
        m_layout.setScrollY(m_layout.scrollY() - step);
    }
    viewChanged();
    event->accept();
}

void TimelineWidget::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    m_pressed = true;
    m_dragging = false;
    m_pressPoint = event->position().toPoint();
    m_pressFrom = m_layout.visibleFrom();
    m_pressScrollY = m_layout.scrollY();
    event->accept();
}

void TimelineWidget::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_pressed || !(event->buttons() & Qt::LeftButton)) {
        QAbstractScrollArea::mouseMoveEvent(event);
        return;
    }
    const QPoint moved = event->position().toPoint() - m_pressPoint;
    if (!m_dragging && moved.manhattanLength() < QApplication::startDragDistance())
        return;
    if (!m_dragging) {
        m_dragging = true;
        viewport()->setCursor(Qt::ClosedHandCursor);
    }
    // The grabbed instant follows the pointer.
    const double width = std::max(1, m_layout.plotRect().width());
    const qint64 from =
        m_pressFrom - std::llround(moved.x() * double(m_layout.visibleSpan()) / width);
    m_layout.pan(from - m_layout.visibleFrom());
    m_layout.setScrollY(m_pressScrollY - moved.y());
    if (moved.x() != 0)
        m_rangeChosen = true;
    viewChanged();
    event->accept();
}

void TimelineWidget::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_pressed) {
        QAbstractScrollArea::mouseReleaseEvent(event);
        return;
    }
    m_pressed = false;
    if (m_dragging) {
        m_dragging = false;
        viewport()->unsetCursor();
    } else {
        clickAt(event->position().toPoint());
    }
    event->accept();
}

void TimelineWidget::clickAt(QPoint point)
{
    const TimelineHit hit = m_layout.hitTest(point);
    switch (hit.kind) {
    case TimelineHit::Kind::None:
        return;
    case TimelineHit::Kind::Dc:
        m_selectedDc = hit.dcId;
        m_selectedCertificate = hit.certificateId;
        viewport()->update();
        emit dcSelected(hit.dcId);
        return;
    case TimelineHit::Kind::Lane:
    case TimelineHit::Kind::RotationMark:
        m_selectedDc = 0;
        m_selectedCertificate = hit.certificateId;
        viewport()->update();
        emit certificateSelected(hit.certificateId);
        return;
    }
}

void TimelineWidget::keyPressEvent(QKeyEvent *event)
{
    const qint64 panStep = qint64(kPanStep * double(m_layout.visibleSpan()));
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        break;
    case Qt::Key_Minus:
        zoomOut();
        break;
    case Qt::Key_0:
        showDefaultRange();
        break;
    case Qt::Key_Left:
        m_layout.pan(-panStep);
        userRangeChange();
        break;
    case Qt::Key_Right:
        m_layout.pan(panStep);
        userRangeChange();
        break;
    case Qt::Key_Up:
        m_layout.setScrollY(m_layout.scrollY() - m_layout.laneHeight());
        viewChanged();
        break;
    case Qt::Key_Down:
        m_layout.setScrollY(m_layout.scrollY() + m_layout.laneHeight());
        viewChanged();
        break;
    case Qt::Key_PageUp:
        m_layout.setScrollY(m_layout.scrollY() - m_layout.plotRect().height());
        viewChanged();
        break;
    case Qt::Key_PageDown:
        m_layout.setScrollY(m_layout.scrollY() + m_layout.plotRect().height());
        viewChanged();
        break;
    case Qt::Key_Home:
        m_layout.setScrollY(0);
        viewChanged();
        break;
    case Qt::Key_End:
        m_layout.setScrollY(m_layout.maximumScrollY());
        viewChanged();
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    event->accept();
}

bool TimelineWidget::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty()) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(), text, viewport());
        }
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

// Tooltips --------------------------------------------------------------------------------

QString TimelineWidget::toolTipAt(QPoint point) const
{
    const TimelineHit hit = m_layout.hitTest(point);
    switch (hit.kind) {
    case TimelineHit::Kind::None:
        return {};
    case TimelineHit::Kind::Dc:
        return dcToolTip(hit.lane, hit.bar);
    case TimelineHit::Kind::RotationMark:
        return rotationToolTip(hit.lane);
    case TimelineHit::Kind::Lane:
        return laneToolTip(hit.lane);
    }
    return {};
}

QString TimelineWidget::dcToolTip(int lane, qsizetype bar) const
{
    const TimelineLane &data = m_layout.lanes()[lane];
    const TimelineBar &dc = data.bars[bar];
    QString status;
    switch (timelineDcState(dc, m_layout.now())) {
    case TimelineDcState::Valid:
        status = tr("valid");
        break;
    case TimelineDcState::Due:
        status = tr("valid, due for rotation");
        break;
    case TimelineDcState::Pending:
        status = tr("not valid yet");
        break;
    case TimelineDcState::Expired:
        status = tr("expired");
        break;
    case TimelineDcState::Superseded:
        status = tr("superseded: its certificate was renewed");
        break;
    }
    const QString role = dc.role == DcRole::Server ? tr("Server DC") : tr("Client DC");
    return tr("%1 #%2 of %3\nIssued: %4\nExpires: %5\nStatus: %6")
        .arg(role)
        .arg(dc.dcId)
        .arg(data.name, instantText(dc.start, m_layout.now()), instantText(dc.end, m_layout.now()),
             status);
}

QString TimelineWidget::laneToolTip(int lane) const
{
    const TimelineLane &data = m_layout.lanes()[lane];
    const QString policy =
        data.hasPolicy ? tr("Rotation policy: %1").arg(rotationStatusName(data.rotationStatus))
                       : tr("No rotation policy");
    return tr("%1\nValid from: %2\nValid until: %3\n%4\n%5")
        .arg(data.name, instantText(data.notBefore, m_layout.now()),
             instantText(data.notAfter, m_layout.now()), tr("DCs: %1").arg(data.bars.size()),
             policy);
}

QString TimelineWidget::rotationToolTip(int lane) const
{
    const TimelineLane &data = m_layout.lanes()[lane];
    QString text = tr("%1\nNext rotation: %2\nPolicy status: %3")
                       .arg(data.name, instantText(data.nextRotation, m_layout.now()),
                            rotationStatusName(data.rotationStatus));
    if (!data.rotationReason.isEmpty())
        text += QLatin1Char('\n') + data.rotationReason;
    return text;
}

// Painting --------------------------------------------------------------------------------

void TimelineWidget::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    paintLanes(painter);
    paintHeader(painter);
    paintAxis(painter);

    const QRect plot = m_layout.plotRect();
    const int now = int(std::lround(m_layout.xForTime(m_layout.now())));
    if (now >= plot.left() && now <= plot.right())
        painter.fillRect(QRect(now - 1, 0, 2, viewport()->height()), m_colors.nowLine);

    if (m_layout.lanes().isEmpty()) {
        painter.setPen(m_colors.headerText);
        painter.drawText(plot, Qt::AlignCenter | Qt::TextWordWrap,
                         tr("No certificates to show: import a certificate that can delegate."));
    }
}

void TimelineWidget::paintLanes(QPainter &painter) const
{
    // Backgrounds, the horizon's shade and the certificate bands cover most of the viewport:
    // they are composited here and filled opaque, each pixel once, since blending whole-viewport
    // layers is what would cost a repaint its frame.
    const QRect plot = m_layout.plotRect();
    const int plotEnd = plot.left() + plot.width();
    const auto pixel = [&](qint64 time) {
        return int(
            std::clamp(std::lround(m_layout.xForTime(time)), long(plot.left()), long(plotEnd)));
    };
    // The horizon: from now, as far as any DC issued now could reach.
    const int now = pixel(m_layout.now());
    const int horizon = pixel(m_layout.now() + TimelineLayout::kHorizon);
    const int segments[][2] = {{plot.left(), now}, {now, horizon}, {horizon, plotEnd}};
    const auto fillRow = [&](int top, int height, const QColor &background, int bandStart,
                             int bandEnd) {
        for (int i = 0; i < 3; ++i) {
            const auto [left, right] = segments[i];
            if (right <= left)
                continue;
            const QColor color = i == 1 ? over(background, m_colors.horizon) : background;
            painter.fillRect(QRect(left, top, right - left, height), color);
            const int start = std::max(left, bandStart);
            const int end = std::min(right, bandEnd);
            if (end > start)
                painter.fillRect(QRect(start, top + 2, end - start, height - 4),
                                 over(color, m_colors.certificateBand));
        }
    };
    const auto [first, last] = m_layout.visibleLanes();
    for (int lane = first; lane < last; ++lane) {
        const TimelineLane &data = m_layout.lanes()[lane];
        const bool selected = data.certificateId == m_selectedCertificate;
        fillRow(m_layout.laneTop(lane), m_layout.laneHeight(),
                selected        ? m_colors.selectedLane
                : lane % 2 == 1 ? m_colors.alternateLaneBackground
                                : m_colors.laneBackground,
                pixel(data.notBefore), pixel(data.notAfter));
    }
    const int below = std::max(plot.top(), m_layout.laneTop(last));
    if (below <= plot.bottom())
        fillRow(below, plot.bottom() + 1 - below, m_colors.laneBackground, 0, 0);

    painter.save();
    painter.setClipRect(plot);
    painter.setPen(m_colors.grid);
    for (const TimelineTick &tick : m_layout.ticks()) {
        const int x = int(std::lround(m_layout.xForTime(tick.time)));
        painter.drawLine(x, plot.top(), x, plot.bottom());
    }
    const double horizonX = m_layout.xForTime(m_layout.now() + TimelineLayout::kHorizon);
    if (horizonX >= plot.left() && horizonX <= plotEnd) {
        painter.setPen(QPen(m_colors.horizonEdge, 1, Qt::DashLine));
        painter.drawLine(QPointF(horizonX, plot.top()), QPointF(horizonX, plot.bottom()));
    }
    for (int lane = first; lane < last; ++lane)
        paintLaneContent(painter, lane);
    painter.restore();
}

void TimelineWidget::paintLaneContent(QPainter &painter, int lane) const
{
    const TimelineLane &data = m_layout.lanes()[lane];
    const QRect plot = m_layout.plotRect();
    const QRectF band = m_layout.certificateBandRect(lane);
    if (!band.isNull()) {
        // Only the certificate's real ends get an edge, not where the plot cuts the band.
        for (const qint64 end : {data.notBefore, data.notAfter}) {
            const int x = int(std::lround(m_layout.xForTime(end)));
            if (x >= plot.left() && x <= plot.right())
                painter.fillRect(QRect(x, int(band.top()), 1, int(band.height())),
                                 m_colors.certificateBandEdge);
        }
    }

    // A pixel's worth of time before the plot, for bars drawn wider than their duration.
    const qint64 from = m_layout.timeForX(plot.left() - 3);
    const auto [first, last] = m_layout.barCandidates(lane, from, m_layout.visibleTo());
    QRect selectedRect;
    for (qsizetype bar = first; bar < last; ++bar) {
        const QRect rect = m_layout.barRect(lane, bar).toRect();
        if (rect.right() < plot.left())
            continue;
        const TimelineBar &dc = data.bars[bar];
        const TimelineDcState state = timelineDcState(dc, m_layout.now());
        const QColor fill = m_colors.bar(dc.role, state);
        // An outline separates a bar from the older one it overlaps (rotations overlap). Two
        // opaque fills: far cheaper than stroking a rectangle, for thousands of bars.
        painter.fillRect(rect, over(fill, m_colors.barOutline(state)));
        if (rect.width() > 2 && rect.height() > 2)
            painter.fillRect(rect.adjusted(1, 1, -1, -1), fill);
        if (state == TimelineDcState::Pending) {
            painter.setPen(QPen(m_colors.laneBackground, 1, Qt::DashLine));
            painter.drawRect(rect.adjusted(0, 0, -1, -1));
        }
        if (dc.dcId == m_selectedDc)
            selectedRect = rect;
    }
    if (!selectedRect.isNull()) {
        painter.setPen(QPen(m_colors.selectedOutline, 2));
        painter.drawRect(selectedRect.adjusted(-1, -1, 1, 1));
    }

    const QRectF mark = m_layout.rotationMarkRect(lane);
    if (!mark.isNull()) {
        const QColor color = m_colors.rotation(data.rotationStatus);
        const double x = mark.center().x();
        QColor line = color;
        line.setAlpha(150);
        painter.fillRect(QRect(int(std::floor(x)), int(mark.top()), 1, int(mark.height())), line);
        QPainterPath triangle;
        triangle.moveTo(mark.left(), mark.top());
        triangle.lineTo(mark.right(), mark.top());
        triangle.lineTo(x, mark.top() + mark.width() * 0.8);
        triangle.closeSubpath();
        painter.setRenderHint(QPainter::Antialiasing, true);
        painter.fillPath(triangle, color);
        painter.setRenderHint(QPainter::Antialiasing, false);
    }
}

void TimelineWidget::paintHeader(QPainter &painter) const
{
    const QRect plot = m_layout.plotRect();
    const int width = m_layout.headerWidth();
    painter.fillRect(QRect(0, plot.top(), width, plot.height()), m_colors.header);
    const QFontMetrics metrics = fontMetrics();
    const auto [first, last] = m_layout.visibleLanes();
    painter.save();
    painter.setClipRect(QRect(0, plot.top(), width, plot.height()));
    for (int lane = first; lane < last; ++lane) {
        const TimelineLane &data = m_layout.lanes()[lane];
        const QRect rect(0, m_layout.laneTop(lane), width, m_layout.laneHeight());
        const bool selected = data.certificateId == m_selectedCertificate;
        if (selected)
            painter.fillRect(rect, m_colors.selectedHeader);
        painter.setPen(selected ? m_colors.selectedHeaderText : m_colors.headerText);
        // Laid out once per name (and font), not at every repaint.
        auto name = m_nameCache.find(data.certificateId);
        if (name == m_nameCache.end()) {
            QStaticText text(
                metrics.elidedText(data.name, Qt::ElideMiddle, width - 2 * kTextPadding));
            text.setTextFormat(Qt::PlainText);
            text.prepare(QTransform(), font());
            name = m_nameCache.insert(data.certificateId, text);
        }
        painter.drawStaticText(
            kTextPadding, rect.top() + (rect.height() - int(name->size().height())) / 2, *name);
        painter.setPen(m_colors.grid);
        painter.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom());
    }
    painter.restore();
    painter.setPen(m_colors.grid);
    painter.drawLine(width - 1, plot.top(), width - 1, plot.bottom());
}

void TimelineWidget::paintAxis(QPainter &painter) const
{
    const QRect plot = m_layout.plotRect();
    const int height = m_layout.axisHeight();
    const int width = viewport()->width();
    const QFontMetrics metrics = fontMetrics();
    painter.fillRect(QRect(0, 0, width, height), m_colors.axis);
    painter.setPen(m_colors.grid);
    painter.drawLine(0, height - 1, width, height - 1);

    // The corner says what the axis counts in.
    painter.setPen(m_colors.axisText);
    const QRect corner(kTextPadding, 0, m_layout.headerWidth() - 2 * kTextPadding, height);
    painter.drawText(corner, Qt::AlignLeft | Qt::AlignBottom, tr("Certificate"));
    painter.drawText(corner, Qt::AlignRight | Qt::AlignBottom, tr("UTC"));

    painter.save();
    painter.setClipRect(QRect(plot.left(), 0, plot.width(), height));
    const int labelsTop = height / 2;
    const int labelsBaseline =
        labelsTop + (height - labelsTop - metrics.height()) / 2 + metrics.ascent();
    for (const TimelineTick &tick : m_layout.ticks()) {
        const int x = int(std::lround(m_layout.xForTime(tick.time)));
        painter.setPen(m_colors.grid);
        painter.drawLine(x, labelsTop, x, height - 1);
        painter.setPen(m_colors.axisText);
        painter.drawText(QPoint(x + 3, labelsBaseline), tick.label);
    }
    // Markers in the upper row: now, and the horizon's end.
    const QRect markers(plot.left(), 0, plot.width(), labelsTop);
    const double now = m_layout.xForTime(m_layout.now());
    const double horizon = m_layout.xForTime(m_layout.now() + TimelineLayout::kHorizon);
    const QString nowLabel = tr("now");
    const int nowWidth = metrics.horizontalAdvance(nowLabel) + 2;
    if (now >= plot.left() - nowWidth && now <= plot.right()) {
        painter.setPen(m_colors.nowLine);
        painter.drawText(QRectF(now + 4, markers.top(), nowWidth, markers.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, nowLabel);
    }
    const QString horizonLabel = tr("7-day horizon");
    const int horizonWidth = metrics.horizontalAdvance(horizonLabel) + 2;
    // Zoomed far out the two would overlap: "now" matters more.
    if (horizon >= plot.left() && horizon <= plot.right() + horizonWidth &&
        horizon - now > nowWidth + horizonWidth + 12) {
        painter.setPen(m_colors.horizonEdge);
        painter.drawText(
            QRectF(horizon - horizonWidth - 4, markers.top(), horizonWidth, markers.height()),
            Qt::AlignRight | Qt::AlignVCenter, horizonLabel);
    }
    painter.restore();
}

} // namespace baton::ui
