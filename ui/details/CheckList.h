#pragma once

#include "dc/DcCheck.h"

#include <QWidget>

class QGridLayout;

namespace baton::ui {

/// A list of checks (DC readiness, client support, DC verification), one row each: an outcome
/// icon, the check's title and its plain-language detail, wrapped. Labels rather than a view,
/// because the details are sentences meant to be read in full.
class CheckList : public QWidget
{
    Q_OBJECT

public:
    explicit CheckList(QWidget *parent = nullptr);

    void setChecks(const QList<DcCheck> &checks);
    const QList<DcCheck> &checks() const { return m_checks; }

    static QIcon outcomeIcon(CheckOutcome outcome, const QStyle *style);
    static QString outcomeText(CheckOutcome outcome); ///< "Passed", "Warning", …

private:
    QList<DcCheck> m_checks;
    QGridLayout *m_layout = nullptr;
};

} // namespace baton::ui
