#include "DcCheck.h"

#include <algorithm>

namespace baton {

QString checkOutcomeName(CheckOutcome outcome)
{
    switch (outcome) {
    case CheckOutcome::Pass:
        return QStringLiteral("pass");
    case CheckOutcome::Warn:
        return QStringLiteral("warn");
    case CheckOutcome::Fail:
        return QStringLiteral("fail");
    case CheckOutcome::Skipped:
        return QStringLiteral("skipped");
    }
    return {};
}

bool noCheckFailed(const QList<DcCheck> &checks)
{
    return !checks.isEmpty() && std::none_of(checks.begin(), checks.end(), [](const DcCheck &c) {
        return c.outcome == CheckOutcome::Fail;
    });
}

const DcCheck *findCheck(const QList<DcCheck> &checks, QStringView id)
{
    const auto it =
        std::find_if(checks.begin(), checks.end(), [id](const DcCheck &c) { return c.id == id; });
    return it == checks.end() ? nullptr : &*it;
}

} // namespace baton
