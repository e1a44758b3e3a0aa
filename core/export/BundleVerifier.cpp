#include "BundleVerifier.h"

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
#include <optional>
#include <sys/stat.h>

namespace baton {

namespace {

// Bundle files are a DC, a key and a chain: kilobytes; a generation holds a handful. Anything
// larger is not ours, and refusing it bounds the work on any input.
constexpr qint64 kMaxBundleFileSize = 1 << 20;
constexpr qsizetype kMaxBundleFiles = 64;
const QString kManifest = QStringLiteral("manifest.json");

struct Member
{
    QByteArray data;
    std::optional<int> mode; ///< unknown inside a Secret
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

Result<Members> readDirectory(const QString &directory)
{
    const QStringList names = QDir(directory).entryList(QDir::Files | QDir::Hidden, QDir::Name);
    if (names.size() > kMaxBundleFiles)
        return Error{QStringLiteral("%1: %2 files; a bundle has a handful")
                         .arg(directory)
                         .arg(names.size())};
    Members members;
    for (const QString &name : names) {
        if (name == QLatin1String(kGenerationManifest))
            continue; // Baton's record of what it wrote, not part of the bundle
        const QString path = QDir(directory).filePath(name);
        auto data = readFileBounded(path, kMaxBundleFileSize);
        if (!data)
            return data.error();
        struct stat status
        {};
        std::optional<int> mode;
        if (::stat(QFile::encodeName(path).constData(), &status) == 0)
            mode = int(status.st_mode & 07777);
        members.insert(name, {*data, mode});
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
        members.insert(member.name, {std::move(member.data), member.mode});
    return members;
}

/// Every file as exported: a server reading a bundle someone edited by hand is guessing.
void checkFiles(const Members &members, const QJsonArray &listed, const Origin &origin,
                QList<DcCheck> &checks)
{
    QStringList expected{kManifest};
    for (const QJsonValue &entry : listed) {
        const QString name = entry[QStringLiteral("name")].toString();
        const QString id = QStringLiteral("file:") + origin.idPrefix + name;
        const QString title = origin.idPrefix + name;
        expected << name;
        const auto found = members.constFind(name);
        if (found == members.cend()) {
            checks << check(id, title, CheckOutcome::Fail,
                            QStringLiteral("missing: the manifest lists it"));
            continue;
        }
        const QString hash = QString::fromLatin1(
            QCryptographicHash::hash(found->data, QCryptographicHash::Sha256).toHex());
        if (hash != entry[QStringLiteral("sha256")].toString()) {
            checks << check(id, title, CheckOutcome::Fail,
                            QStringLiteral("changed since it was exported (SHA-256 differs from "
                                           "the manifest)"));
            continue;
        }
        // A key file someone widened is a leak waiting to happen, even with the right bytes.
        const int exportedMode = entry[QStringLiteral("mode")].toString().toInt(nullptr, 8);
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
            checks << check(QStringLiteral("file:") + origin.idPrefix + it.key(),
                            origin.idPrefix + it.key(), CheckOutcome::Warn,
                            QStringLiteral("not in the manifest: not part of the export"));
    }
}

/// What the DC really is, to hold the manifest's and the Secret's descriptions against.
struct DcFacts
{
    QDateTime expiry;
    QString certificateSha256;
};

/// The DC key against the DC, the DC against its leaf.
Result<DcFacts> checkCredential(const Members &members, BundleProfile profile, DcRole role,
                                const QDateTime &at, const Origin &origin, QList<DcCheck> &checks)
{
    const BundleLayout layout = bundleLayout(profile);
    const auto member = [&](const char *name) -> Result<QByteArray> {
        const auto found = members.constFind(QLatin1String(name));
        if (found == members.cend())
            return Error{QStringLiteral("%1: missing").arg(origin.where(QLatin1String(name)))};
        return found->data;
    };
    auto dcData = member(layout.dc);
    if (!dcData)
        return dcData.error();
    auto document =
        withContext(readDelegatedCredential(*dcData), origin.where(QLatin1String(layout.dc)));
    if (!document)
        return document.error();
    SecretBytes keyBytes = std::move(document->privateKey);
    if (keyBytes.isEmpty()) {
        auto data = member(layout.key);
        if (!data)
            return data.error();
        keyBytes = SecretBytes(std::move(data).value());
    }
    auto key =
        withContext(decodePrivateKey(keyBytes.bytes()), origin.where(QLatin1String(layout.key)));
    if (!key)
        return key.error();
    auto dcKey = decodeSubjectPublicKeyInfo(document->credential.subjectPublicKeyInfo);
    const QString id = QStringLiteral("dc-key");
    checks << (dcKey && samePublicKey(key->get(), dcKey->get())
                   ? check(id, QStringLiteral("DC key"), CheckOutcome::Pass,
                           QStringLiteral("the private key belongs to the DC"))
                   : check(id, QStringLiteral("DC key"), CheckOutcome::Fail,
                           QStringLiteral("the private key does not belong to the DC: every "
                                          "handshake would fail")));

    QByteArray leafDer = document->certificateDer;
    if (leafDer.isEmpty()) {
        auto chain = member(layout.chain);
        if (!chain)
            return chain.error();
        auto leaf =
            withContext(Certificate::readFirst(*chain), origin.where(QLatin1String(layout.chain)));
        if (!leaf)
            return leaf.error();
        leafDer = leaf->der();
    }
    auto leaf = Certificate::fromDer(leafDer);
    if (!leaf)
        return leaf.error();
    const DcVerification verification = verifyDelegatedCredential(*leaf, document->bytes, role, at);
    checks << verification.checks;
    return DcFacts{document->credential.expiry(*leaf), colonHex(leaf->sha256Fingerprint())};
}

/// The manifest and the Secret annotations say what the bundle holds; operators and monitors
/// read them instead of decoding the DC, so they must be true.
DcCheck describesTheDc(const QString &id, const QString &title, const QString &claimedExpiry,
                       const QString &claimedCertificate, const DcFacts &facts)
{
    QStringList wrong;
    if (claimedExpiry != formatRfc3339(facts.expiry))
        wrong << QStringLiteral("says the DC expires %1, it expires %2")
                     .arg(claimedExpiry, formatRfc3339(facts.expiry));
    if (claimedCertificate != facts.certificateSha256)
        wrong << QStringLiteral("names another certificate");
    return wrong.isEmpty()
               ? check(id, title, CheckOutcome::Pass,
                       QStringLiteral("describes this DC (expiry %1)").arg(formatUtc(facts.expiry)))
               : check(id, title, CheckOutcome::Fail, wrong.join(QStringLiteral("; ")));
}

Result<DcFacts> verifyMembers(const Members &members, const Origin &origin, const QDateTime &at,
                              BundleVerification &report);

Result<DcFacts> verifySecret(const KubernetesSecret &secret, const Origin &origin,
                             const QDateTime &at, BundleVerification &report)
{
    Members inner;
    for (auto it = secret.data.cbegin(); it != secret.data.cend(); ++it)
        inner.insert(it.key(), {it.value(), std::nullopt});
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

Result<DcFacts> verifyMembers(const Members &members, const Origin &origin, const QDateTime &at,
                              BundleVerification &report)
{
    const auto manifestData = members.constFind(kManifest);
    if (manifestData == members.cend())
        return Error{QStringLiteral("%1: no manifest.json; not a bundle Baton wrote")
                         .arg(origin.where(kManifest))};
    QJsonParseError parseError;
    const QJsonObject manifest = QJsonDocument::fromJson(manifestData->data, &parseError).object();
    if (parseError.error != QJsonParseError::NoError)
        return Error{QStringLiteral("%1: not valid JSON (%2)")
                         .arg(origin.where(kManifest), parseError.errorString())};
    report.profile = manifest.value(QStringLiteral("profile")).toString();
    const auto profile = bundleProfileByName(report.profile);
    if (!profile)
        return Error{QStringLiteral("%1: names an unknown profile '%2'")
                         .arg(origin.where(kManifest), report.profile)};
    checkFiles(members, manifest.value(QStringLiteral("files")).toArray(), origin, report.checks);

    if (*profile == BundleProfile::KubernetesSecret) {
        const QString name = QLatin1String(bundleLayout(*profile).dc);
        auto secret =
            withContext(readKubernetesSecret(members.value(name).data), origin.where(name));
        if (!secret)
            return secret.error();
        return verifySecret(
            *secret, {origin.where(name) + QLatin1Char(':'), name + QLatin1Char('/')}, at, report);
    }
    const DcRole role = manifest.value(QStringLiteral("role")).toString() == QLatin1String("client")
                            ? DcRole::Client
                            : DcRole::Server;
    auto facts = checkCredential(members, *profile, role, at, origin, report.checks);
    if (!facts)
        return facts;
    report.checks << describesTheDc(
        origin.idPrefix + QStringLiteral("manifest"), origin.idPrefix + kManifest,
        manifest.value(QStringLiteral("dcExpiry")).toString(),
        manifest.value(QStringLiteral("certificateSha256")).toString(), *facts);
    return facts;
}

/// Fizz's combined PEM on its own, as a Fizz server loads it: no manifest to hold it against.
Result<DcFacts> verifyFizzPem(const QString &path, const QByteArray &data, DcRole role,
                              const QDateTime &at, BundleVerification &report)
{
    report.profile = bundleProfileName(BundleProfile::Fizz);
    report.checks << check(QStringLiteral("manifest"), kManifest, CheckOutcome::Warn,
                           QStringLiteral("a bare Fizz PEM has no manifest: the DC, its key and "
                                          "the certificate are checked, not the export"));
    const Members members{{QLatin1String(bundleLayout(BundleProfile::Fizz).dc), {data, {}}}};
    return checkCredential(members, BundleProfile::Fizz, role, at, {path + QLatin1Char(':'), {}},
                           report.checks);
}

} // namespace

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

    Result<DcFacts> verified = DcFacts{};
    if (QFileInfo(source).isDir()) {
        auto members = readDirectory(source);
        if (!members)
            return members.error();
        const QString archive = QLatin1String(kBundleArchiveName);
        if (!members->contains(kManifest) && members->contains(archive)) {
            // An export with --tar: the generation holds the archive alone.
            report.source = QDir(source).filePath(archive);
            report.form = QStringLiteral("tar.gz");
            auto inner = readArchive(members->value(archive).data, report.source);
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
