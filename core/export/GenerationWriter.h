#pragma once

// Bundles reach servers through a directory they read from: DIR/current/... Each export writes
// a complete new generation beside the previous ones, then swaps the `current` symlink in one
// rename, so a server never sees a half-written or mismatched DC and key.

#include "common/Result.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QStringList>
#include <functional>

namespace baton {

struct GenerationFile
{
    QString name;        ///< a plain file name, no directories
    QByteArrayView data; ///< borrowed: key material is not copied
    int mode;            ///< 0600 for keys (set at creation), 0644 otherwise
};

struct WrittenGeneration
{
    QString name; ///< "gen-20261201T100000Z-3fa9"
    QString path; ///< DIR/<name>
    QStringList pruned;
    /// Entries that look like generations but that Baton will not delete, each with the reason
    /// ("gen-…: a symlink, not a generation Baton wrote"): a person should look at them.
    QStringList leftAlone;
};

/// The file in each generation that lists what Baton wrote there. Pruning deletes exactly
/// those files and nothing else, so a generation Baton did not write (or a file someone added
/// to one) is never deleted.
inline constexpr char kGenerationManifest[] = ".baton-generation";

/// Called before each step of writeGeneration with a description ("write dc.bin", "swap
/// current"); returning false makes that step fail as a full disk would. For tests that prove
/// an interrupted export leaves the previous generation serving.
using GenerationStepHook = std::function<bool(const QString &step)>;

inline constexpr int kGenerationsKept = 3;

/// Writes `files` into a new generation directory under `directory` (created 0755 if missing,
/// whatever the umask), syncs it, points DIR/current at it atomically and prunes all but the
/// newest `keep` of Baton's own generations. On any failure the new generation is removed and
/// `current` is left as it was. Refuses to replace a `current` that is not a symlink (a foreign
/// file is never clobbered).
///
/// The target directory may be writable by others (it runs as root from a timer): everything
/// happens relative to directory descriptors, nothing is followed through a symlink, and only
/// files listed in a generation's kGenerationManifest, owned by the caller, are ever deleted.
/// A generation is written under a hidden name and renamed into place when complete, so a
/// crash leaves no half-written `gen-*`; the next run removes such leftovers (and `current`
/// links a crash left half-swapped) first. When the disk is full, Baton's own generations other
/// than the serving one are pruned and the write tried once more: a small filesystem must not
/// wedge rotation until the served DC expires.
Result<WrittenGeneration> writeGeneration(const QString &directory,
                                          const QList<GenerationFile> &files, const QDateTime &now,
                                          int keep = kGenerationsKept,
                                          const GenerationStepHook &hook = {});

/// Whether `name` is one writeGeneration makes: "gen-<UTC time>-<4 hex digits>".
bool isGenerationName(const QString &name);

/// The generations under `directory` (directories named gen-*, not symlinks), oldest first.
QStringList listGenerations(const QString &directory);

} // namespace baton
