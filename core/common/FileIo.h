#pragma once

#include "Result.h"

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

} // namespace baton
