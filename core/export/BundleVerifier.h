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
    QString source;  ///< what was read: the generation (DIR/current resolved) or the file
    QString form;    ///< "directory", "tar.gz", "Kubernetes Secret" or "Fizz PEM"
    QString profile; ///< as the manifest names it ("fizz" for a bare Fizz PEM)
    QList<DcCheck> checks;

    bool valid() const { return noCheckFailed(checks); }
};

/// Reads a bundle in any form an export writes: a generation directory, DIR/current, DIR
/// (through its `current` link), a bundle.tar.gz (or a generation holding one), a Kubernetes
/// Secret manifest, or a bare Fizz combined PEM.
/// An Error when there is nothing to judge (no manifest, an unknown profile, unreadable files).
Result<BundleVerification> verifyBundle(const QString &path, const QDateTime &at);

} // namespace baton
