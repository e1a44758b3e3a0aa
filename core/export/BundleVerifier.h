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

/// One file as the manifest lists it.
struct BundleManifestFile
{
    QString name;
    QString sha256; ///< lowercase hex, as exported
    int mode = 0;   ///< as exported; 0 when the manifest gives none
};

/// manifest.json: what an export wrote, to hold the files against.
struct BundleManifest
{
    QString profile;
    QString role; ///< "server" or "client"
    QString dcExpiry;
    QString certificateSha256;
    QList<BundleManifestFile> files; ///< each name once
};

/// Parses manifest.json. Refuses (with the entry's index) a file listed twice, a name that is
/// not a plain file name, and more entries than kMaxBundleMembers, before any is used.
/// Bounded for any bytes (a fuzzing entry point).
Result<BundleManifest> readBundleManifest(QByteArrayView json);

/// Reads a bundle in any form an export writes: a generation directory, DIR/current, DIR
/// (through its `current` link), a bundle.tar.gz (or a generation holding one), a Kubernetes
/// Secret manifest, or a bare Fizz combined PEM.
/// A bundle that exists always gets a report: the files against the manifest first, then every
/// check that can still run; a check that cannot (its file missing, damaged or not read) fails
/// or is skipped with the reason. An Error only when there is no bundle to judge: nothing at
/// the path, a file of no bundle form, a container that cannot be read (a broken or oversized
/// archive or Secret, a directory of too many files) or no manifest.json.
Result<BundleVerification> verifyBundle(const QString &path, const QDateTime &at);

} // namespace baton
