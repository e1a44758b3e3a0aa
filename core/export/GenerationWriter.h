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
};

/// Called before each step of writeGeneration with a description ("write dc.bin", "swap
/// current"); returning false makes that step fail as a full disk would. For tests that prove
/// an interrupted export leaves the previous generation serving.
using GenerationStepHook = std::function<bool(const QString &step)>;

inline constexpr int kGenerationsKept = 3;

/// Writes `files` into a new generation directory under `directory` (created 0755 if missing),
/// syncs it, points DIR/current at it atomically and prunes all but the newest `keep`
/// generations. On any failure the new generation is removed and `current` is left as it was.
/// Refuses to replace a `current` that is not a symlink (a foreign file is never clobbered).
Result<WrittenGeneration> writeGeneration(const QString &directory,
                                          const QList<GenerationFile> &files, const QDateTime &now,
                                          int keep = kGenerationsKept,
                                          const GenerationStepHook &hook = {});

/// Whether `name` is one writeGeneration makes: "gen-<UTC time>-<4 hex digits>".
bool isGenerationName(const QString &name);

/// The generations under `directory`, oldest first.
QStringList listGenerations(const QString &directory);

} // namespace baton
