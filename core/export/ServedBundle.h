#pragma once

// What a bundle directory actually serves: the manifest of the generation its `current` link
// names, read as a root-run `batonctl status` may safely read a directory other users write.

#include "common/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace baton {

struct ServedBundle
{
    QString generation; ///< "gen-…", what DIR/current points at
    QString profile;
    QString role;        ///< "server" or "client"
    QByteArray dcSha256; ///< SHA-256 of the raw DC; empty when the manifest does not tell
    QDateTime dcExpiry;
};

/// A manifest is a page of JSON; anything larger is not one of ours.
inline constexpr qint64 kMaxServedManifest = 64 * 1024;

/// Reads DIR/current/manifest.json without following any link but `current` itself, and that
/// only to a generation directory beside it (a `gen-…` name, no slash): a link elsewhere, a
/// generation or manifest that is a symlink, a manifest larger than kMaxServedManifest, a
/// FIFO, are errors naming the path and what was found. The DC is identified by the
/// manifest's dcSha256, or, in manifests of older Baton versions, by the hash the manifest
/// lists for its raw DC file.
Result<ServedBundle> readServedBundle(const QString &directory);

} // namespace baton
