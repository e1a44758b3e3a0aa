#include "CheckList.h"

#include <QGridLayout>
#include <QLabel>
#include <QStyle>

namespace baton::ui {

CheckList::CheckList(QWidget *parent) : QWidget(parent)
{
    m_layout = new QGridLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setColumnStretch(1, 1);
}

QIcon CheckList::outcomeIcon(CheckOutcome outcome, const QStyle *style)
{
    switch (outcome) {
    case CheckOutcome::Pass:
        return style->standardIcon(QStyle::SP_DialogApplyButton);
    case CheckOutcome::Warn:
        return style->standardIcon(QStyle::SP_MessageBoxWarning);
    case CheckOutcome::Fail:
        return style->standardIcon(QStyle::SP_MessageBoxCritical);
    case CheckOutcome::Skipped:
        break;
    }
    return style->standardIcon(QStyle::SP_MessageBoxQuestion);
}

QString CheckList::outcomeText(CheckOutcome outcome)
{
    switch (outcome) {
    case CheckOutcome::Pass:
        return tr("Passed");
    case CheckOutcome::Warn:
        return tr("Warning");
    case CheckOutcome::Fail:
        return tr("Failed");
    case CheckOutcome::Skipped:
        break;
    }
    return tr("Not checked");
}

void CheckList::setChecks(const QList<DcCheck> &checks)
{
    m_checks = checks;
    // Deleted now, not later: a second selection in the same event-loop pass must not find the
    // rows of the first.
    qDeleteAll(findChildren<QLabel *>(Qt::FindDirectChildrenOnly));
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    int row = 0;
    for (const DcCheck &check : checks) {
        const QString outcome = checkOutcomeName(check.outcome);
        auto *icon = new QLabel(this);
        icon->setObjectName(QStringLiteral("checkOutcome"));
        icon->setPixmap(outcomeIcon(check.outcome, style()).pixmap(iconSize, iconSize));
        icon->setAccessibleName(outcomeText(check.outcome));
        icon->setToolTip(outcomeText(check.outcome));
        icon->setProperty("checkId", check.id);
        icon->setProperty("outcome", outcome);

        auto *title = new QLabel(check.title, this);
        title->setTextFormat(Qt::PlainText);
        title->setObjectName(QStringLiteral("checkTitle"));
        title->setProperty("checkId", check.id);
        title->setProperty("outcome", outcome);
        QFont bold = title->font();
        bold.setBold(true);
        title->setFont(bold);
        title->setAccessibleName(tr("%1: %2").arg(check.title, outcomeText(check.outcome)));

        auto *detail = new QLabel(check.detail, this);
        detail->setObjectName(QStringLiteral("checkDetail"));
        detail->setProperty("checkId", check.id);
        detail->setWordWrap(true);
        detail->setTextFormat(Qt::PlainText);
        detail->setTextInteractionFlags(Qt::TextSelectableByMouse);

        m_layout->addWidget(icon, row, 0, 2, 1, Qt::AlignTop);
        m_layout->addWidget(title, row, 1);
        m_layout->addWidget(detail, row + 1, 1);
        row += 2;
    }
}

} // namespace baton::ui
