#pragma once

#include "common/Result.h"
#include "dc/DcCheck.h"

#include <QDateTime>
#include <QString>

namespace baton {

/// What `bundle verify` found: the files against the manifest, the DC key against the DC, and
/// the DC against its leaf certificate, as named checks.
struct BundleVerification
{
    QString directory; ///< the generation that was read (DIR/current resolved)
    QString profile;
    QList<DcCheck> checks;

    bool valid() const { return noCheckFailed(checks); }
};

/// Reads a bundle: a generation directory, DIR/current, or DIR (through its `current` link).
/// An Error when there is nothing to judge (no manifest, an unknown profile, unreadable files).
Result<BundleVerification> verifyBundle(const QString &path, const QDateTime &at);

} // namespace baton
