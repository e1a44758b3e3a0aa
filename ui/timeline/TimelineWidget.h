#pragma once

// The expiry timeline: one lane per certificate (CAs have no DCs and get none), with the
// certificate's validity as a faint band, its DCs as bars (server DCs in the upper half of the
// lane, client DCs in the lower half, each role its own colour, expired and superseded ones
// muted, due ones tinted), each policy's next rotation as a mark, the "now" line and the 7-day
// horizon no DC issued now can reach past. Times on the axis are UTC.
//
// Controls: Ctrl+wheel zooms around the pointer (the plain wheel scrolls the lanes, as in every
// list, and Shift+wheel or a horizontal wheel pans time); dragging pans time and lanes; + and -
// zoom around the middle, Left and Right pan, Up, Down, Page Up, Page Down, Home and End scroll
// the lanes, 0 shows the default range again. Clicking selects a DC, a certificate (its lane)
// or a policy's certificate (its rotation mark).

#include "TimelineColors.h"
#include "TimelineLayout.h"

#include <QAbstractScrollArea>
#include <QDateTime>
#include <QHash>
#include <QPointer>
#include <QStaticText>

namespace baton::ui {

class WorkspaceSession;
struct WorkspaceSnapshot;

class TimelineWidget : public QAbstractScrollArea
{
    Q_OBJECT

public:
    explicit TimelineWidget(QWidget *parent = nullptr);

    /// Follows the session: its snapshot, and its clock for "now" (read again at every new
    /// snapshot, which the session takes at least each minute). A new workspace resets the
    /// view. `session` is not owned.
    void setSession(WorkspaceSession *session);
    /// Shows a snapshot without a session (benchmarks, previews). Selection and zoom are kept.
    void setSnapshot(const WorkspaceSnapshot &snapshot);
    void setNow(const QDateTime &now);
    QDateTime now() const;

    /// Clamped to an hour .. a year, inside the scrollable extent (see TimelineLayout).
    void setVisibleRange(const QDateTime &from, const QDateTime &to);
    QDateTime visibleFrom() const;
    QDateTime visibleTo() const;

    qint64 selectedCertificate() const { return m_selectedCertificate; }
    qint64 selectedDc() const { return m_selectedDc; }

    /// The geometry the widget paints and hit-tests with, in viewport coordinates.
    const TimelineLayout &timelineLayout() const { return m_layout; }
    const TimelineColors &colors() const { return m_colors; }
    /// What the tooltip says at a viewport point; empty over nothing.
    QString toolTipAt(QPoint point) const;

public slots:
    void zoomIn();
    void zoomOut();
    /// Three days back and the whole 7-day horizon ahead (TimelineLayout::showDefaultRange),
    /// following "now" until zoomed or panned.
    void showDefaultRange();
    /// Highlight and scroll into view, without emitting: for keeping other views in step.
    /// An id without a lane (a CA, a DC of another workspace) clears the selection.
    void selectCertificate(qint64 certificateId);
    void selectDc(qint64 dcId);

signals:
    /// A click on a lane, its name or a rotation mark.
    void certificateSelected(qint64 certificateId);
    /// A click on a DC bar.
    void dcSelected(qint64 dcId);
    /// Zoomed or panned (by the user or a slot).
    void visibleRangeChanged(const QDateTime &from, const QDateTime &to);

protected:
    bool viewportEvent(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void takeSessionSnapshot();
    void resetForNewWorkspace();
    void updateMetrics();
    /// After any change of range or lane scroll: scroll bars, signal, repaint.
    void viewChanged();
    void userRangeChange();
    void zoomBy(double factor);
    void clickAt(QPoint point);

    void paintLanes(QPainter &painter) const;
    void paintLaneContent(QPainter &painter, int lane) const;
    void paintHeader(QPainter &painter) const;
    void paintAxis(QPainter &painter) const;

    QString dcToolTip(int lane, qsizetype bar) const;
    QString laneToolTip(int lane) const;
    QString rotationToolTip(int lane) const;

    QPointer<WorkspaceSession> m_session;
    TimelineLayout m_layout;
    TimelineColors m_colors;
    qint64 m_selectedCertificate = 0;
    qint64 m_selectedDc = 0;
    /// False while the range follows "now" (the default range); set by zooming and panning.
    bool m_rangeChosen = false;
    /// Set while the scroll bars are being moved to match the layout, not by the user.
    bool m_syncingScrollBars = false;
    qint64 m_emittedFrom = 0;
    qint64 m_emittedTo = 0;

    /// Each lane's name, elided to the header and laid out: text layout is what a repaint of
    /// many lanes would otherwise spend its time on. Cleared with the lanes and the font.
    mutable QHash<qint64, QStaticText> m_nameCache;

    bool m_pressed = false;
    bool m_dragging = false;
    QPoint m_pressPoint;
    qint64 m_pressFrom = 0;
    int m_pressScrollY = 0;
};

} // namespace baton::ui
