#pragma once

#include "Result.h"
#include "UniqueFd.h"

#include <QByteArray>
#include <QString>

namespace baton {

/// Reads a whole file, refusing anything larger than `maxBytes` before reading it, so a
/// mistaken path to a disk image cannot exhaust memory. Errors name the file.
Result<QByteArray> readFileBounded(const QString &path, qint64 maxBytes);

enum class Overwrite
{
    Refuse,
    Replace,
};

/// Writes a file so that readers see either the old content or the new, never a mix: the data
/// goes to a temporary file in the same directory, created with `mode` (so a key file is 0600
/// from its first byte, never chmod'ed later), is synced, then renamed into place.
/// With Overwrite::Refuse an existing file is left untouched and reported, race-free.
Status writeFileAtomically(const QString &path, QByteArrayView data, int mode, Overwrite overwrite);

/// Opens the directory at `path`, creating it and any missing parents first. Every directory
/// Baton creates gets exactly `mode`, whatever the umask (under `umask 000` a target's or a
/// workspace's directory must not become world-writable); directories that already exist are
/// left exactly as they are, never chmod'ed.
Result<UniqueFd> openOrCreateDirectory(const QString &path, int mode);

enum class TrustedOwner
{
    Caller,       ///< acting on it (writing, running its hooks): only the caller's own
    CallerOrRoot, ///< only reading it: root's files are trusted too, as ssh trusts them
};

/// The checks ssh and sudo make before trusting a file they act on: `path` is owned by the
/// caller (or root, where `owner` allows) and nobody else can write it, and no directory above
/// it lets another user replace it (each is owned by the caller or root and not group- or
/// world-writable, or is root's sticky directory such as /tmp). `what` names the file in the
/// error ("workspace").
Status checkNobodyElseCanWrite(const QString &path, const QString &what, TrustedOwner owner);

} // namespace baton
