#pragma once

// One export, as `batonctl export` and rotation both do it: the profile's files (or their
// archive) written as a new generation, made current, then the optional reload hook.

#include "BundleProfile.h"
#include "ExportHook.h"
#include "GenerationWriter.h"

namespace baton {

struct BundleExportRequest
{
    BundleProfile profile = BundleProfile::Baton;
    BundleInput input;
    QString directory; ///< the bundle directory servers read DIR/current/… from
    bool tar = false;  ///< one bundle.tar.gz instead of the profile's files
    QDateTime now;
};

struct BundleExportResult
{
    WrittenGeneration generation;
    QStringList files; ///< as written into the generation
    QDateTime dcExpiry;
};

/// Builds and writes the bundle. Nothing is changed when it fails (see writeGeneration).
Result<BundleExportResult> exportBundle(const BundleExportRequest &request);

/// Runs the hook after an export, with BATON_BUNDLE_DIR (DIR/current), BATON_BUNDLE_GENERATION,
/// BATON_PROFILE and BATON_DC_EXPIRY in its environment, and the caller's variables named in
/// `passThrough` (see hookEnvironment).
HookResult runBundleHook(const QStringList &command, const BundleExportRequest &request,
                         const BundleExportResult &exported, std::chrono::milliseconds timeout,
                         const QStringList &passThrough = {});

} // namespace baton
