#pragma once

// The timeline's colours, derived from the widget's palette so that light and dark themes both
// read well: backgrounds, text and the DC bars come from palette roles; the status tints (due,
// expired, the now line) are fixed hues chosen light or dark to contrast with the theme's base.

#include "TimelineLayout.h"

#include <QColor>
#include <QPalette>

namespace baton::ui {

struct TimelineColors
{
    QColor laneBackground{};
    QColor alternateLaneBackground{};
    QColor selectedLane{};
    QColor header{};
    QColor headerText{};
    QColor selectedHeader{};
    QColor selectedHeaderText{};
    QColor axis{};
    QColor axisText{};
    QColor grid{};
    QColor certificateBand{};
    QColor certificateBandEdge{};
    QColor horizon{};
    QColor horizonEdge{};
    QColor nowLine{};
    QColor serverBar{};
    QColor clientBar{};
    QColor outline{};         ///< translucent: separates overlapping bars
    QColor selectedOutline{}; ///< around the selected DC, whatever its fill
    QColor warning{};
    QColor error{};
    QColor ok{};
    QColor blocked{};

    static TimelineColors fromPalette(const QPalette &palette);

    /// A DC bar's fill: its role's colour, tinted by its state (muted when it no longer counts).
    QColor bar(DcRole role, TimelineDcState state) const;
    /// Its outline: the warning colour for a due DC, `outline` for the others.
    QColor barOutline(TimelineDcState state) const;
    /// A rotation mark's colour: its policy's status.
    QColor rotation(RotationStatus status) const;
};

} // namespace baton::ui
