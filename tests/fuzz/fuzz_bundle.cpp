// `bundle verify` on a file: the tar.gz, Kubernetes Secret and Fizz PEM readers, the manifest
// parser and everything checkCredential reads. The first byte chooses (modulo 15): 0 the rest
// is the whole file; 1-7 the rest is manifest.json in a bundle of profile 1-7 (baton, fizz, …,
// k8s-secret) otherwise as exported; 8-14 the rest replaces that profile's DC file (for the
// k8s-secret profile: the Secret). The bundles are built at start-up from the fixed DC, and
// go to verifyBundle as a .tar.gz in a scratch directory.

#include "FuzzSupport.h"
#include "export/BundleProfile.h"
#include "export/BundleVerifier.h"
#include "export/TarGz.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <memory>
#include <vector>

using namespace baton;
using namespace baton::fuzz;

namespace {

const QList<BundleProfile> kProfiles{
    BundleProfile::Baton,
    BundleProfile::Fizz,
    BundleProfile::CloudflareGo,
    BundleProfile::BoringSsl,
    BundleProfile::Nss,
    BundleProfile::InteropRunner,
    BundleProfile::KubernetesSecret,
};

struct Fixture
{
    std::unique_ptr<QTemporaryDir> scratch;
    QString path;
    std::vector<std::vector<BundleFile>> bundles; ///< one per kProfiles entry
};

Fixture &fixture()
{
    static Fixture fixture = [] {
        Fixture made;
        // In memory where there is a tmpfs: one file is written per execution.
        made.scratch = QDir(QStringLiteral("/dev/shm")).exists()
                           ? std::make_unique<QTemporaryDir>(
                                 QStringLiteral("/dev/shm/baton-fuzz-bundle-XXXXXX"))
                           : std::make_unique<QTemporaryDir>();
        FUZZ_CHECK(made.scratch->isValid());
        made.path = made.scratch->filePath(QStringLiteral("input"));
        BundleInput input;
        input.chain = {fixedIdentity().certificate};
        input.dc = fixedDc().bytes;
        input.dcKey = fixedDc().key.get();
        input.issuedAt = fixedNow().addSecs(-3600);
        for (const BundleProfile profile : kProfiles) {
            auto files = buildBundle(profile, input);
            FUZZ_CHECK(files);
            made.bundles.push_back(std::move(files).value());
        }
        return made;
    }();
    return fixture;
}

bool writeInput(const QByteArray &data)
{
    QFile file(fixture().path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(data) == data.size();
}

/// The profile's bundle with one file's contents replaced, as a .tar.gz.
QByteArray archiveWith(qsizetype profileIndex, const QString &name, QByteArrayView contents)
{
    std::vector<BundleFile> files;
    for (const BundleFile &file : fixture().bundles[size_t(profileIndex)]) {
        files.push_back(
            {file.name, SecretBytes(file.name == name ? contents.toByteArray() : file.data.bytes()),
             file.mode});
    }
    auto archive = bundleArchive(files, fixedNow());
    FUZZ_CHECK(archive);
    return archive->data.bytes();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    initialise(argc, argv);
    fixture();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArrayView rest = view(data + 1, size - 1);
    const int mode = data[0] % 15;
    QByteArray file;
    if (mode == 0) {
        file = rest.toByteArray();
    } else {
        const qsizetype profile = (mode - 1) % kProfiles.size();
        const QString name = mode <= 7 ? QStringLiteral("manifest.json")
                                       : QLatin1String(bundleLayout(kProfiles[profile]).dc);
        file = archiveWith(profile, name, rest);
    }
    FUZZ_CHECK(writeInput(file));
    const auto verification = verifyBundle(fixture().path, fixedNow());
    if (!verification) {
        FUZZ_CHECK(!verification.error().message.isEmpty());
        return 0;
    }
    FUZZ_CHECK(!verification->form.isEmpty());
    FUZZ_CHECK(!verification->checks.isEmpty());
    for (const DcCheck &check : verification->checks)
        FUZZ_CHECK(!check.id.isEmpty() && !check.detail.isEmpty());
    return 0;
}
