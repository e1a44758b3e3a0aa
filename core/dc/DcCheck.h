#pragma once

#include <QList>
#include <QString>

namespace baton {

enum class CheckOutcome
{
    Pass,
    Warn,
    Fail,
    Skipped, ///< could not be judged because an earlier check failed
};

QString checkOutcomeName(CheckOutcome outcome); ///< "pass", "warn", "fail", "skipped"

/// One named check of a certificate or DC, with a sentence a person understands: what was
/// found and, when it is not a pass, why it matters and what to do.
struct DcCheck
{
    QString id;    ///< stable identifier for scripts and tests, e.g. "signature"
    QString title; ///< short label, e.g. "Signature"
    CheckOutcome outcome = CheckOutcome::Skipped;
    QString detail;
};

/// No check failed (warnings allowed); false for an empty list.
bool noCheckFailed(const QList<DcCheck> &checks);

const DcCheck *findCheck(const QList<DcCheck> &checks, QStringView id);

} // namespace baton
