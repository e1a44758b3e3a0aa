#include "ValidityBar.h"

#include "common/TimeFormat.h"

#include <QPainter>
#include <algorithm>

namespace baton::ui {

ValidityBar::ValidityBar(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("validityBar"));
    setAccessibleName(tr("Validity"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void ValidityBar::setPeriod(const QDateTime &start, const QDateTime &end, const QDateTime &now)
{
    m_start = start;
    m_end = end;
    m_now = now;
    if (!start.isValid() || !end.isValid() || !now.isValid() || end <= start)
        m_summary.clear();
    else if (now < start)
        m_summary = tr("not valid yet: starts %1, lasts %2")
                        .arg(formatRelative(now, start), formatDuration(start.secsTo(end)));
    else if (now > end)
        m_summary = tr("expired %1, after %2")
                        .arg(formatRelative(now, end), formatDuration(start.secsTo(end)));
    else
        m_summary = tr("%1 elapsed, %2 remaining")
                        .arg(formatDuration(start.secsTo(now)), formatDuration(now.secsTo(end)));
    setAccessibleDescription(m_summary);
    setToolTip(m_summary);
    update();
}

double ValidityBar::elapsedFraction() const
{
    if (m_summary.isEmpty())
        return 0;
    const double total = double(m_start.secsTo(m_end));
    return std::clamp(double(m_start.secsTo(m_now)) / total, 0.0, 1.0);
}

QSize ValidityBar::sizeHint() const
{
    return {240, fontMetrics().height()};
}

QSize ValidityBar::minimumSizeHint() const
{
    return {60, fontMetrics().height()};
}

void ValidityBar::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF frame = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    const qreal radius = frame.height() / 4;
    painter.setPen(palette().color(QPalette::Mid));
    painter.setBrush(palette().color(QPalette::Base));
    painter.drawRoundedRect(frame, radius, radius);
    if (m_summary.isEmpty())
        return;

    // Elapsed is what is used up: filled in the highlight colour, so the open part after it
    // reads as what remains. Past the end the whole bar is used up.
    const double fraction = elapsedFraction();
    QRectF elapsed = frame;
    elapsed.setWidth(frame.width() * fraction);
    painter.setPen(Qt::NoPen);
    painter.setBrush(palette().color(QPalette::Highlight));
    painter.drawRoundedRect(elapsed, radius, radius);

    if (m_now >= m_start && m_now <= m_end) {
        const qreal x = frame.left() + frame.width() * fraction;
        painter.setPen(QPen(palette().color(QPalette::Text), 2));
        painter.drawLine(QPointF(x, frame.top()), QPointF(x, frame.bottom()));
    }
}

} // namespace baton::ui
