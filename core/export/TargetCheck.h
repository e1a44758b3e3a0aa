#pragma once

// Whether a rotation will be able to export to a target, checked when the target is
// configured: a typo found then costs a retry, found by the unattended rotation it costs the
// served DC.

#include "common/Result.h"

#include <QString>

namespace baton {

/// Whether `directory` can hold bundles: not empty, and the directory itself or, when it does
/// not exist yet, the nearest of its parents that exists is a directory this process can write
/// and search, on a file system mounted read-write. The error names the path and the problem.
Status checkExportDirectory(const QString &directory);

/// Whether a hook command line (as splitCommand reads it; empty for none) can run: its program
/// is an absolute path or a name on the PATH, and an executable regular file. A relative path
/// is refused: rotations run from a timer, in another working directory.
Status checkHookCommand(const QString &hook);

} // namespace baton
