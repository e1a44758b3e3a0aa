#include "BundleExport.h"

#include "common/TimeFormat.h"

#include <QDir>
#include <QFileInfo>

namespace baton {

Result<BundleExportResult> exportBundle(const BundleExportRequest &request)
{
    auto files = buildBundle(request.profile, request.input);
    if (!files)
        return files.error();
    if (request.tar) {
        auto archive = bundleArchive(*files, request.now);
        if (!archive)
            return archive.error();
        files->clear();
        files->push_back(std::move(archive).value());
    }
    BundleExportResult result;
    QList<GenerationFile> generation;
    for (const BundleFile &file : *files) {
        generation.append({file.name, file.data.bytes(), file.mode});
        result.files << file.name;
    }
    auto written = writeGeneration(request.directory, generation, request.now);
    if (!written)
        return written.error();
    result.generation = std::move(written).value();
    // buildBundle decoded the DC already; its expiry is what the manifest says.
    auto dc = DelegatedCredential::decode(request.input.dc);
    if (dc)
        result.dcExpiry = dc->expiry(request.input.chain.first());
    return result;
}

HookResult runBundleHook(const QStringList &command, const BundleExportRequest &request,
                         const BundleExportResult &exported, std::chrono::milliseconds timeout,
                         const QStringList &passThrough)
{
    QProcessEnvironment environment;
    environment.insert(
        QStringLiteral("BATON_BUNDLE_DIR"),
        QFileInfo(QDir(request.directory).filePath(QStringLiteral("current"))).absoluteFilePath());
    environment.insert(QStringLiteral("BATON_BUNDLE_GENERATION"),
                       QFileInfo(exported.generation.path).absoluteFilePath());
    environment.insert(QStringLiteral("BATON_PROFILE"), bundleProfileName(request.profile));
    environment.insert(QStringLiteral("BATON_DC_EXPIRY"), formatRfc3339(exported.dcExpiry));
    return runExportHook(command, hookEnvironment(environment, passThrough), timeout);
}

} // namespace baton
