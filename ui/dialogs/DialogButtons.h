#pragma once

#include <QString>

class QDialog;
class QDialogButtonBox;

namespace baton::ui {

/// OK and Cancel for a dialog, wired to accept() and reject(), the OK button named for what it
/// does ("Save", "Issue") with an accessible name that says it in full.
QDialogButtonBox *okCancelButtons(QDialog *dialog, const QString &objectName, const QString &okText,
                                  const QString &okAccessibleName);

} // namespace baton::ui
