#include "TimelineColors.h"

#include <algorithm>
#include <cmath>

namespace baton::ui {

namespace {

/// `amount` of `b` into `a`, alpha included, rounded to 8 bits a channel: what gets painted.
QColor mix(const QColor &a, const QColor &b, double amount)
{
    const auto channel = [amount](int x, int y) {
        return int(std::lround(x + (y - x) * amount));
    };
    return QColor(channel(a.red(), b.red()), channel(a.green(), b.green()),
                  channel(a.blue(), b.blue()), channel(a.alpha(), b.alpha()));
}

QColor withAlpha(QColor color, int alpha)
{
    color.setAlpha(alpha);
    return color;
}

/// The highlight colour with enough saturation to be told apart from the lanes even under
/// themes whose highlight is grey, and the same hue turned by `turn` degrees.
QColor saturatedHue(const QColor &highlight, int turn, bool dark)
{
    const QColor hsl = highlight.toHsl();
    const int hue = hsl.hslHue() < 0 ? 210 : hsl.hslHue();
    return QColor::fromHsl((hue + turn) % 360, std::max(hsl.hslSaturation(), 150),
                           std::clamp(hsl.lightness(), dark ? 120 : 90, dark ? 170 : 140));
}

} // namespace

TimelineColors TimelineColors::fromPalette(const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    const QColor highlight = palette.color(QPalette::Highlight);
    const bool dark = base.lightness() < 128;
    TimelineColors colors;
    colors.laneBackground = base;
    colors.alternateLaneBackground = palette.color(QPalette::AlternateBase) == base
                                         ? mix(base, text, 0.04)
                                         : palette.color(QPalette::AlternateBase);
    colors.selectedLane = mix(base, highlight, 0.18);
    colors.header = palette.color(QPalette::Window);
    colors.headerText = palette.color(QPalette::WindowText);
    colors.selectedHeader = highlight;
    colors.selectedHeaderText = palette.color(QPalette::HighlightedText);
    colors.axis = palette.color(QPalette::Window);
    colors.axisText = palette.color(QPalette::WindowText);
    colors.grid = withAlpha(text, 28);
    colors.certificateBand = withAlpha(text, dark ? 26 : 18);
    colors.certificateBandEdge = withAlpha(text, 90);
    colors.horizon = withAlpha(highlight, dark ? 36 : 24);
    colors.horizonEdge = withAlpha(highlight, 160);
    colors.nowLine = dark ? QColor(255, 96, 96) : QColor(210, 30, 40);
    colors.serverBar = saturatedHue(highlight, 0, dark);
    // A quarter turn from the server colour: told apart at a glance, and far from the warning
    // orange and the ok green of the status tints.
    colors.clientBar = saturatedHue(highlight, 90, dark);
    colors.outline = withAlpha(text, 110);
    colors.selectedOutline = text;
    colors.warning = dark ? QColor(255, 184, 77) : QColor(214, 122, 0);
    colors.error = dark ? QColor(255, 120, 140) : QColor(180, 20, 60);
    colors.ok = dark ? QColor(110, 210, 130) : QColor(30, 140, 60);
    colors.blocked = mix(text, base, 0.45);
    return colors;
}

QColor TimelineColors::bar(DcRole role, TimelineDcState state) const
{
    const QColor color = role == DcRole::Server ? serverBar : clientBar;
    switch (state) {
    case TimelineDcState::Valid:
        return color;
    case TimelineDcState::Due:
        return mix(color, warning, 0.3);
    case TimelineDcState::Pending:
        return mix(color, laneBackground, 0.35);
    case TimelineDcState::Expired:
    case TimelineDcState::Superseded:
        return mix(mix(color, blocked, 0.6), laneBackground, 0.45);
    }
    return color;
}

QColor TimelineColors::barOutline(TimelineDcState state) const
{
    return state == TimelineDcState::Due ? warning : outline;
}

QColor TimelineColors::rotation(RotationStatus status) const
{
    switch (status) {
    case RotationStatus::Ok:
        return ok;
    case RotationStatus::Due:
    case RotationStatus::CertExpiring:
        return warning;
    case RotationStatus::Expired:
        return error;
    case RotationStatus::Blocked:
        return blocked;
    }
    return ok;
}

} // namespace baton::ui
