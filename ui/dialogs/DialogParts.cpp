#include "DialogParts.h"

#include "dashboard/StatusColors.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>

namespace baton::ui {

QDialogButtonBox *okCancelButtons(QDialog *dialog, const QString &objectName, const QString &okText,
                                  const QString &okAccessibleName)
{
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    buttons->setObjectName(objectName);
    buttons->button(QDialogButtonBox::Ok)->setText(okText);
    buttons->button(QDialogButtonBox::Ok)->setAccessibleName(okAccessibleName);
    buttons->button(QDialogButtonBox::Cancel)->setAccessibleName(QDialog::tr("Cancel"));
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    return buttons;
}

QLabel *dialogErrorLabel(QWidget *parent, const QString &objectName, const QString &accessibleName)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setAccessibleName(accessibleName);
    label->setWordWrap(true);
    showAsError(label);
    return label;
}

} // namespace baton::ui
