#pragma once

#include "rotation/RotationPlanner.h"

#include <QColor>
#include <QPalette>

class QWidget;

namespace baton::ui {

/// The colour of a rotation status. QPalette has no roles for "fine" or "act now", so each
/// status keeps its hue and takes its lightness from the palette: dark on light themes, light
/// on dark ones, always legible against QPalette::Base.
QColor rotationStatusColor(RotationStatus status, const QPalette &palette);

/// The colour of an inline error message, derived from the palette the same way.
QColor errorTextColor(const QPalette &palette);

/// Gives a label (or any widget showing text) the error colour of its own palette.
void showAsError(QWidget *widget);

} // namespace baton::ui
