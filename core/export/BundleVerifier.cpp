#include "BundleVerifier.h"

#include "BundleLimits.h"
#include "BundleProfile.h"
#include "GenerationWriter.h"
#include "KubernetesSecret.h"
#include "TarGz.h"
#include "common/FileIo.h"
#include "common/TimeFormat.h"
#include "crypto/KeyCodec.h"
#include "dc/DcDocument.h"
#include "dc/DcVerifier.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QScopeGuard>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace baton {

namespace {

const QString kManifest = QStringLiteral("manifest.json");

struct Member
{
    QByteArray data;
    std::optional<int> mode; ///< unknown inside a Secret
    QString refused;         ///< why the file was not read (a symlink, too large, ...)
};
using Members = QMap<QString, Member>;

/// How the files were reached, for messages: "/srv/dc/gen-…/dc.bin", "bundle.tar.gz:dc.bin".
struct Origin
{
    QString prefix; ///< joined to a member name to say where it is
    QString idPrefix;

    QString where(const QString &name) const { return prefix + name; }
};

DcCheck check(const QString &id, const QString &title, CheckOutcome outcome, const QString &detail)
{
    return DcCheck{id, title, outcome, detail};
}

/// One directory member, opened relative to the directory and never through a symlink: a
/// generation is in a directory others may write, and a link in it must not make `bundle
/// verify` read (or block on) something else. Problems with one file are that file's answer.
Member readDirectoryMember(int directoryFd, const QByteArray &name, qint64 &total)
{
    const int fd = ::openat(directoryFd, name.constData(),
                            O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return {{},
                {},
                errno == ELOOP ? QStringLiteral("a symbolic link; not followed")
                               : QStringLiteral("cannot open: %1").arg(qt_error_string(errno))};
    const auto closeFd = qScopeGuard([fd] { ::close(fd); });
    struct stat info
    {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode))
        return {{}, {}, QStringLiteral("not a regular file")};
    const int mode = int(info.st_mode & 07777);
    if (info.st_size > kMaxBundleMemberSize)
        return {{},
                mode,
                QStringLiteral("%1 bytes; a bundle file is at most %2")
                    .arg(qint64(info.st_size))
                    .arg(kMaxBundleMemberSize)};
    QByteArray data(qsizetype(info.st_size) + 1, Qt::Uninitialized);
    qsizetype filled = 0;
    while (filled < data.size()) {
        const ssize_t got = ::read(fd, data.data() + filled, size_t(data.size() - filled));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return {{}, mode, QStringLiteral("cannot read: %1").arg(qt_error_string(errno))};
        if (got == 0)
            break;
        filled += got;
    }
    if (filled > info.st_size) // it grew while being read
        return {{}, mode, QStringLiteral("changed while it was read")};
    data.truncate(filled);
    total += filled;
    return {data, mode, {}};
}

Result<Members> readDirectory(const QString &directory)
{
    const int directoryFd =
        ::open(QFile::encodeName(directory).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directoryFd < 0)
        return Error{QStringLiteral("%1: cannot open: %2").arg(directory, qt_error_string(errno))};
    // fdopendir owns the descriptor from here on.
    const std::unique_ptr<DIR, int (*)(DIR *)> listing(::fdopendir(directoryFd), &::closedir);
    if (!listing) {
        ::close(directoryFd);
        return Error{QStringLiteral("%1: cannot list: %2").arg(directory, qt_error_string(errno))};
    }
    Members members;
    qint64 total = 0;
    while (const dirent *entry = ::readdir(listing.get())) {
        const QByteArray name(entry->d_name);
        // The generation's record of what Baton wrote is not part of the bundle.
        if (name == "." || name == ".." || name == kGenerationManifest)
            continue;
        struct stat info
        {};
        if (::fstatat(directoryFd, name.constData(), &info, AT_SYMLINK_NOFOLLOW) != 0 ||
            S_ISDIR(info.st_mode))
            continue; // gone since listed, or a directory: a bundle's files are at the top
        if (members.size() == kMaxBundleMembers)
            return Error{QStringLiteral("%1: more than %2 files; a bundle has a handful")
                             .arg(directory)
                             .arg(kMaxBundleMembers)};
        members.insert(QFile::decodeName(name), readDirectoryMember(directoryFd, name, total));
        if (total > kMaxBundleTotalSize)
            return Error{QStringLiteral("%1: its files hold more than %2 bytes; a bundle holds a "
                                        "few KiB")
                             .arg(directory)
                             .arg(kMaxBundleTotalSize)};
    }
    return members;
}

Result<Members> readArchive(QByteArrayView data, const QString &where)
{
    auto archive = withContext(readTarGz(data), where);
    if (!archive)
        return archive.error();
    Members members;
    for (TarMember &member : *archive)
        members.insert(member.name, {std::move(member.data), member.mode, {}});
    return members;
}

/// Every file as exported: a server reading a bundle someone edited by hand is guessing. The
/// manifest names each file once, so each is hashed once.
void checkFiles(const Members &members, const BundleManifest &manifest, const Origin &origin,
                QList<DcCheck> &checks)
{
    QStringList expected{kManifest};
    for (const BundleManifestFile &entry : manifest.files) {
        const QString id = QStringLiteral("file:") + origin.idPrefix + entry.name;
        const QString title = origin.idPrefix + entry.name;
        expected << entry.name;
        const auto found = members.constFind(entry.name);
        if (found == members.cend()) {
            checks << check(id, title, CheckOutcome::Fail,
                            QStringLiteral("missing: the manifest lists it"));
            continue;
        }
        if (!found->refused.isEmpty()) {
            checks << check(id, title, CheckOutcome::Fail,
                            QStringLiteral("not read: %1").arg(found->refused));
            continue;
        }
        const QString hash = QString::fromLatin1(
            QCryptographicHash::hash(found->data, QCryptographicHash::Sha256).toHex());
        if (hash != entry.sha256) {
            checks << check(id, title, CheckOutcome::Fail,
                            QStringLiteral("changed since it was exported (SHA-256 differs from "
                                           "the manifest)"));
            continue;
        }
        // A key file someone widened is a leak waiting to happen, even with the right bytes.
        const int exportedMode = entry.mode;
        if (found->mode && (exportedMode & 077) == 0 && (*found->mode & 077) != 0) {
            checks << check(id, title, CheckOutcome::Fail,
                            QStringLiteral("mode %1, exported %2: the DC key is readable by "
                                           "other users")
                                .arg(*found->mode, 4, 8, QLatin1Char('0'))
                                .arg(exportedMode, 4, 8, QLatin1Char('0')));
            continue;
        }
        checks << check(id, title, CheckOutcome::Pass,
                        QStringLiteral("as exported (SHA-256 matches the manifest)"));
    }
    for (auto it = members.cbegin(); it != members.cend(); ++it) {
        if (!expected.contains(it.key()))
            checks << check(
                QStringLiteral("file:") + origin.idPrefix + it.key(), origin.idPrefix + it.key(),
                CheckOutcome::Warn,
                it->refused.isEmpty()
                    ? QStringLiteral("not in the manifest: not part of the export")
                    : QStringLiteral("not in the manifest, and not read: %1").arg(it->refused));
    }
}

/// What the DC really is, to hold the manifest's and the Secret's descriptions against.
struct DcFacts
{
    QDateTime expiry;
    QString certificateSha256;
};

/// The DC key against the DC, the DC against its leaf. Each check that cannot run, because a
/// file it needs is missing or unreadable, is reported as failed or skipped with the reason,
/// and every check that can still run does: a damaged bundle gets a full answer.
std::optional<DcFacts> checkCredential(const Members &members, BundleProfile profile, DcRole role,
                                       const QDateTime &at, const Origin &origin,
                                       QList<DcCheck> &checks)
{
    const BundleLayout layout = bundleLayout(profile);
    const auto member = [&](const char *name) -> Result<QByteArray> {
        const QString where = origin.where(QLatin1String(name));
        const auto found = members.constFind(QLatin1String(name));
        if (found == members.cend())
            return Error{QStringLiteral("%1: missing").arg(where)};
        if (!found->refused.isEmpty())
            return Error{QStringLiteral("%1: %2").arg(where, found->refused)};
        return found->data;
    };
    const QString dcTitle = QStringLiteral("Well-formed"); // as the DC verifier titles it
    auto dcData = member(layout.dc);
    Result<DcDocument> document = dcData ? withContext(readDelegatedCredential(*dcData),
                                                       origin.where(QLatin1String(layout.dc)))
                                         : Result<DcDocument>(dcData.error());

    // The DC key.
    const QString keyId = QStringLiteral("dc-key");
    const QString keyTitle = QStringLiteral("DC key");
    const bool keyInDc = qstrcmp(layout.key, layout.dc) == 0;
    Result<SecretBytes> keyBytes = Error{QString()};
    if (document && !document->privateKey.isEmpty())
        keyBytes = std::move(document->privateKey);
    else if (!keyInDc || document) {
        if (auto data = member(layout.key))
            keyBytes = SecretBytes(std::move(data).value());
        else
            keyBytes = data.error();
    }
    if (!document && keyInDc) {
        checks << check(keyId, keyTitle, CheckOutcome::Skipped,
                        QStringLiteral("not checked: the DC file could not be read"));
    } else if (!keyBytes) {
        checks << check(keyId, keyTitle, CheckOutcome::Fail, keyBytes.errorMessage());
    } else if (auto key = withContext(decodePrivateKey(keyBytes->bytes()),
                                      origin.where(QLatin1String(layout.key)));
               !key) {
        checks << check(keyId, keyTitle, CheckOutcome::Fail, key.errorMessage());
    } else if (!document) {
        checks << check(keyId, keyTitle, CheckOutcome::Skipped,
                        QStringLiteral("not checked: the DC could not be read"));
    } else {
        auto dcKey = decodeSubjectPublicKeyInfo(document->credential.subjectPublicKeyInfo);
        checks << (dcKey && samePublicKey(key->get(), dcKey->get())
                       ? check(keyId, keyTitle, CheckOutcome::Pass,
                               QStringLiteral("the private key belongs to the DC"))
                       : check(keyId, keyTitle, CheckOutcome::Fail,
                               QStringLiteral("the private key does not belong to the DC: every "
                                              "handshake would fail")));
    }

    // The leaf certificate, from the DC file when it carries one, else from the chain.
    Result<Certificate> leaf = Error{QString()};
    if (document && !document->certificateDer.isEmpty())
        leaf = Certificate::fromDer(document->certificateDer);
    else if (document || qstrcmp(layout.chain, layout.dc) != 0) {
        if (auto chain = member(layout.chain))
            leaf = withContext(Certificate::readFirst(*chain),
                               origin.where(QLatin1String(layout.chain)));
        else
            leaf = chain.error();
    } else {
        leaf = Error{QStringLiteral("not read: the DC file that holds it could not be read")};
    }
    if (!leaf) {
        checks << check(QStringLiteral("certificate"), QStringLiteral("Certificate"),
                        CheckOutcome::Fail, leaf.errorMessage());
        if (!document)
            checks << check(QStringLiteral("parse"), dcTitle, CheckOutcome::Fail,
                            document.errorMessage());
        checks << check(QStringLiteral("dc-checks"), QStringLiteral("DC against its certificate"),
                        CheckOutcome::Skipped,
                        QStringLiteral("not checked: no certificate to check the DC against"));
        return std::nullopt;
    }
    // An unreadable DC still gets the verifier's full list: its parse check fails with the
    // reason, the checks of the certificate alone run, the others are skipped.
    DcVerification verification = verifyDelegatedCredential(
        *leaf, document ? QByteArrayView(document->bytes) : QByteArrayView(), role, at);
    if (!document) {
        for (DcCheck &entry : verification.checks) {
            if (entry.id == QLatin1String("parse"))
                entry.detail = document.errorMessage();
        }
    }
    checks << verification.checks;
    if (!document)
        return std::nullopt;
    return DcFacts{document->credential.expiry(*leaf), colonHex(leaf->sha256Fingerprint())};
}

/// The manifest and the Secret annotations say what the bundle holds; operators and monitors
/// read them instead of decoding the DC, so they must be true.
DcCheck describesTheDc(const QString &id, const QString &title, const QString &claimedExpiry,
                       const QString &claimedCertificate, const std::optional<DcFacts> &facts)
{
    if (!facts)
        return check(id, title, CheckOutcome::Skipped,
                     QStringLiteral("not checked whether it describes the DC: the DC or its "
                                    "certificate could not be read"));
    QStringList wrong;
    if (claimedExpiry != formatRfc3339(facts->expiry))
        wrong << QStringLiteral("says the DC expires %1, it expires %2")
                     .arg(claimedExpiry, formatRfc3339(facts->expiry));
    if (claimedCertificate != facts->certificateSha256)
        wrong << QStringLiteral("names another certificate");
    return wrong.isEmpty()
               ? check(
                     id, title, CheckOutcome::Pass,
                     QStringLiteral("describes this DC (expiry %1)").arg(formatUtc(facts->expiry)))
               : check(id, title, CheckOutcome::Fail, wrong.join(QStringLiteral("; ")));
}

/// The DC's facts when the checks got that far; an Error only when there is no manifest at
/// all, so nothing says this is a bundle.
using Verified = Result<std::optional<DcFacts>>;

Verified verifyMembers(const Members &members, const Origin &origin, const QDateTime &at,
                       BundleVerification &report);

Verified verifySecret(const KubernetesSecret &secret, const Origin &origin, const QDateTime &at,
                      BundleVerification &report)
{
    Members inner;
    for (auto it = secret.data.cbegin(); it != secret.data.cend(); ++it)
        inner.insert(it.key(), {it.value(), std::nullopt, {}});
    auto facts = verifyMembers(inner, origin, at, report);
    if (!facts)
        return facts;
    report.profile = bundleProfileName(BundleProfile::KubernetesSecret);
    report.checks << describesTheDc(
        origin.idPrefix + QStringLiteral("annotations"), QStringLiteral("Secret annotations"),
        secret.annotations.value(QLatin1String(kSecretDcExpiryAnnotation)),
        secret.annotations.value(QLatin1String(kSecretCertificateAnnotation)), *facts);
    return facts;
}

/// Reading the manifest, or a Secret inside the bundle, failed: the bundle exists, so it gets a
/// report that says which file and why, and that the DC checks could not run.
void reportUnusable(const QString &id, const QString &title, const QString &why,
                    QList<DcCheck> &checks)
{
    checks << check(id, title, CheckOutcome::Fail, why)
           << check(QStringLiteral("dc-checks"), QStringLiteral("DC checks"), CheckOutcome::Skipped,
                    QStringLiteral("not checked: %1 is needed to know which files hold the DC")
                        .arg(title));
}

Verified verifyMembers(const Members &members, const Origin &origin, const QDateTime &at,
                       BundleVerification &report)
{
    const auto manifestData = members.constFind(kManifest);
    if (manifestData == members.cend())
        return Error{QStringLiteral("%1: no manifest.json; not a bundle Baton wrote")
                         .arg(origin.where(kManifest))};
    const QString manifestId = origin.idPrefix + QStringLiteral("manifest");
    const QString manifestTitle = origin.idPrefix + kManifest;
    auto manifest = manifestData->refused.isEmpty()
                        ? readBundleManifest(manifestData->data)
                        : Result<BundleManifest>(Error{manifestData->refused});
    if (!manifest) {
        reportUnusable(
            manifestId, manifestTitle,
            QStringLiteral("%1: %2").arg(origin.where(kManifest), manifest.errorMessage()),
            report.checks);
        return std::optional<DcFacts>();
    }
    report.profile = manifest->profile;
    const auto profile = bundleProfileByName(manifest->profile);
    if (!profile) {
        reportUnusable(manifestId, manifestTitle,
                       QStringLiteral("%1: names an unknown profile '%2'")
                           .arg(origin.where(kManifest), manifest->profile),
                       report.checks);
        return std::optional<DcFacts>();
    }
    checkFiles(members, *manifest, origin, report.checks);

    if (*profile == BundleProfile::KubernetesSecret) {
        const QString name = QLatin1String(bundleLayout(*profile).dc);
        const Member &file = members.value(name);
        auto secret = file.refused.isEmpty()
                          ? withContext(readKubernetesSecret(file.data), origin.where(name))
                          : Result<KubernetesSecret>(Error{
                                QStringLiteral("%1: %2").arg(origin.where(name), file.refused)});
        if (!secret) {
            reportUnusable(origin.idPrefix + QStringLiteral("secret"), origin.idPrefix + name,
                           secret.errorMessage(), report.checks);
            return std::optional<DcFacts>();
        }
        return verifySecret(
            *secret, {origin.where(name) + QLatin1Char(':'), name + QLatin1Char('/')}, at, report);
    }
    const DcRole role = manifest->role == QLatin1String("client") ? DcRole::Client : DcRole::Server;
    const auto facts = checkCredential(members, *profile, role, at, origin, report.checks);
    report.checks << describesTheDc(manifestId, manifestTitle, manifest->dcExpiry,
                                    manifest->certificateSha256, facts);
    return facts;
}
/// Fizz's combined PEM on its own, as a Fizz server loads it: no manifest to hold it against.
Verified verifyFizzPem(const QString &path, const QByteArray &data, DcRole role,
                       const QDateTime &at, BundleVerification &report)
{
    report.profile = bundleProfileName(BundleProfile::Fizz);
    report.checks << check(QStringLiteral("manifest"), kManifest, CheckOutcome::Warn,
                           QStringLiteral("a bare Fizz PEM has no manifest: the DC, its key and "
                                          "the certificate are checked, not the export"));
    const Members members{{QLatin1String(bundleLayout(BundleProfile::Fizz).dc), {data, {}, {}}}};
    return checkCredential(members, BundleProfile::Fizz, role, at, {path + QLatin1Char(':'), {}},
                           report.checks);
}

} // namespace

Result<BundleManifest> readBundleManifest(QByteArrayView json)
{
    if (json.size() > kMaxBundleMemberSize)
        return Error{QStringLiteral("%1 bytes; a manifest is at most %2")
                         .arg(json.size())
                         .arg(kMaxBundleMemberSize)};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error{QStringLiteral("byte %1: not valid JSON (%2)")
                         .arg(parseError.offset)
                         .arg(parseError.errorString())};
    if (!document.isObject())
        return Error{QStringLiteral("expected a JSON object")};
    const QJsonObject root = document.object();
    BundleManifest manifest;
    manifest.profile = root.value(QStringLiteral("profile")).toString();
    manifest.role = root.value(QStringLiteral("role")).toString();
    manifest.dcExpiry = root.value(QStringLiteral("dcExpiry")).toString();
    manifest.certificateSha256 = root.value(QStringLiteral("certificateSha256")).toString();
    const QJsonValue files = root.value(QStringLiteral("files"));
    if (!files.isArray())
        return Error{QStringLiteral("'files' is not a list; expected the exported files")};
    const QJsonArray listed = files.toArray();
    // Bounded before the loop: each entry costs a hash of its file.
    if (listed.size() > kMaxBundleMembers)
        return Error{QStringLiteral("'files' lists %1 entries; a bundle has at most %2")
                         .arg(listed.size())
                         .arg(kMaxBundleMembers)};
    QMap<QString, qsizetype> seen;
    for (qsizetype index = 0; index < listed.size(); ++index) {
        const QJsonObject entry = listed.at(index).toObject();
        const QString where = QStringLiteral("files[%1]").arg(index);
        const QJsonValue name = entry.value(QStringLiteral("name"));
        if (!name.isString() || name.toString().isEmpty() ||
            name.toString().contains(QLatin1Char('/')) || name.toString() == QLatin1String(".."))
            return Error{QStringLiteral("%1: expected a \"name\" that is a file name").arg(where)};
        if (const auto first = seen.constFind(name.toString()); first != seen.cend())
            return Error{QStringLiteral("%1: '%2' is listed twice (also files[%3]); each "
                                        "file is listed once")
                             .arg(where, name.toString())
                             .arg(*first)};
        seen.insert(name.toString(), index);
        bool modeOk = false;
        const int mode = entry.value(QStringLiteral("mode")).toString().toInt(&modeOk, 8);
        manifest.files.append({name.toString(), entry.value(QStringLiteral("sha256")).toString(),
                               modeOk && mode >= 0 && mode <= 07777 ? mode : 0});
    }
    return manifest;
}

Result<BundleVerification> verifyBundle(const QString &path, const QDateTime &at)
{
    BundleVerification report;
    QString source = path;
    if (QFileInfo(QDir(path).filePath(QStringLiteral("current"))).isSymLink())
        source = QDir(path).filePath(QStringLiteral("current"));
    source = QFileInfo(source).canonicalFilePath();
    if (source.isEmpty())
        return Error{QStringLiteral("%1: no such file or directory").arg(path)};
    report.source = source;

    Verified verified = std::optional<DcFacts>();
    if (QFileInfo(source).isDir()) {
        auto members = readDirectory(source);
        if (!members)
            return members.error();
        const QString archive = QLatin1String(kBundleArchiveName);
        if (!members->contains(kManifest) && members->contains(archive)) {
            // An export with --tar: the generation holds the archive alone.
            report.source = QDir(source).filePath(archive);
            report.form = QStringLiteral("tar.gz");
            const Member &file = members->value(archive);
            if (!file.refused.isEmpty())
                return Error{QStringLiteral("%1: %2").arg(report.source, file.refused)};
            auto inner = readArchive(file.data, report.source);
            if (!inner)
                return inner.error();
            verified =
                verifyMembers(*inner, {report.source + QLatin1Char(':'), QString()}, at, report);
        } else {
            report.form = QStringLiteral("directory");
            verified = verifyMembers(*members, {source + QLatin1Char('/'), QString()}, at, report);
        }
    } else {
        auto data = readFileBounded(source, kMaxBundleFileSize);
        if (!data)
            return data.error();
        if (looksLikeGzip(*data)) {
            report.form = QStringLiteral("tar.gz");
            auto members = readArchive(*data, source);
            if (!members)
                return members.error();
            verified = verifyMembers(*members, {source + QLatin1Char(':'), QString()}, at, report);
        } else if (looksLikeKubernetesManifest(*data)) {
            report.form = QStringLiteral("Kubernetes Secret");
            auto secret = withContext(readKubernetesSecret(*data), source);
            if (!secret)
                return secret.error();
            verified = verifySecret(*secret, {source + QLatin1Char(':'), QString()}, at, report);
        } else if (auto document = readDelegatedCredential(*data);
                   document && document->encoding == DcEncoding::FizzCombinedPem) {
            report.form = QStringLiteral("Fizz PEM");
            verified = verifyFizzPem(source, *data, document->labelledRole.value_or(DcRole::Server),
                                     at, report);
        } else {
            return Error{QStringLiteral("%1: not a bundle: expected a bundle directory, a "
                                        ".tar.gz, a Kubernetes Secret manifest or a Fizz "
                                        "combined PEM")
                             .arg(path)};
        }
    }
    if (!verified)
        return verified.error();
    return report;
}

} // namespace baton
