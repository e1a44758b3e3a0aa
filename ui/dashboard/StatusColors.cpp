#include "StatusColors.h"

#include <QWidget>

namespace baton::ui {

namespace {

QColor onBase(int hue, const QPalette &palette)
{
    const bool darkTheme = palette.color(QPalette::Base).lightness() < 128;
    return QColor::fromHsl(hue, 170, darkTheme ? 170 : 85);
}

} // namespace

QColor rotationStatusColor(RotationStatus status, const QPalette &palette)
{
    switch (status) {
    case RotationStatus::Ok:
        return onBase(130, palette); // green
    case RotationStatus::Due:
        return onBase(45, palette); // amber
    case RotationStatus::CertExpiring:
        return onBase(25, palette); // orange
    case RotationStatus::Expired:
        return onBase(0, palette); // red
    case RotationStatus::Blocked:
        return onBase(320, palette); // magenta: a person must act, unlike the others
    }
    return palette.color(QPalette::Text);
}

QColor errorTextColor(const QPalette &palette)
{
    return onBase(0, palette);
}

void showAsError(QWidget *widget)
{
    QPalette palette = widget->palette();
    palette.setColor(QPalette::WindowText, errorTextColor(palette));
    widget->setPalette(palette);
}

} // namespace baton::ui
