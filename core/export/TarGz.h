#pragma once

// A bundle as one .tar.gz, for operators who ship a single artifact to a fleet. Only what
// bundles need: plain files at the top level, written reproducibly, read strictly and bounded.

#include "BundleLimits.h"
#include "common/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QList>

namespace baton {

struct TarMember
{
    QString name; ///< a plain file name, no directories
    QByteArray data;
    int mode = 0644;
};

/// A ustar archive, gzip-compressed. Owner root, the given mtime and a gzip header without a
/// time stamp, so the same bundle always gives the same bytes.
Result<QByteArray> writeTarGz(const QList<TarMember> &members, const QDateTime &mtime);

/// Reads an archive writeTarGz wrote, or one a user repacked with tar(1): regular files at the
/// top level, with "./" entries allowed, each name once. Errors name the byte offset in the
/// expanded archive and what was expected there. Bounded for any bytes (a fuzzing entry
/// point): the input by kMaxBundleFileSize, its expansion by kMaxTarExpandedSize, the members
/// by kMaxBundleMembers and kMaxBundleMemberSize (BundleLimits.h), before any is copied.
Result<QList<TarMember>> readTarGz(QByteArrayView data);

/// True when the data starts like a gzip stream.
bool looksLikeGzip(QByteArrayView data);

} // namespace baton
