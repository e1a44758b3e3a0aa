#pragma once

// The parts every dialog of the app has: its OK/Cancel buttons and its error line.

#include <QString>

class QDialog;
class QDialogButtonBox;
class QLabel;
class QWidget;

namespace baton::ui {

/// OK and Cancel for a dialog, wired to accept() and reject(), the OK button named for what it
/// does ("Save", "Issue") with an accessible name that says it in full.
QDialogButtonBox *okCancelButtons(QDialog *dialog, const QString &objectName, const QString &okText,
                                  const QString &okAccessibleName);

/// The line beneath a dialog's fields that says what is wrong: wrapped, in the palette's error
/// colour, with an accessible name for screen readers.
QLabel *dialogErrorLabel(QWidget *parent, const QString &objectName, const QString &accessibleName);

} // namespace baton::ui
