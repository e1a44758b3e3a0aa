#include "ServedBundle.h"

#include "GenerationWriter.h"
#include "common/TimeFormat.h"
#include "common/UniqueFd.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace baton {

namespace {

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

/// The raw DC's hash: the manifest's own, else the one it lists for a file that is the raw DC.
QByteArray dcHash(const QJsonObject &manifest)
{
    const QByteArray stated =
        QByteArray::fromHex(manifest.value(QStringLiteral("dcSha256")).toString().toLatin1());
    if (stated.size() == 32)
        return stated;
    for (const QJsonValue &file : manifest.value(QStringLiteral("files")).toArray()) {
        const QString name = file.toObject().value(QStringLiteral("name")).toString();
        if (name == QLatin1String("dc.bin") || name == QLatin1String("dc.cred")) {
            const QByteArray hash = QByteArray::fromHex(
                file.toObject().value(QStringLiteral("sha256")).toString().toLatin1());
            if (hash.size() == 32)
                return hash;
        }
    }
    return {};
}

} // namespace

Result<ServedBundle> readServedBundle(const QString &directory)
{
    const QString current = QDir(directory).filePath(QStringLiteral("current"));
    // The directory itself is the operator's choice; only what is inside it is suspect.
    const UniqueFd directoryFd(
        ::open(QFile::encodeName(directory).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!directoryFd.valid())
        return Error{QStringLiteral("%1: %2").arg(directory, errnoText(errno))};
    char target[256];
    const ssize_t length = ::readlinkat(directoryFd.get(), "current", target, sizeof target);
    if (length < 0) {
        const int error = errno;
        if (error == ENOENT)
            return Error{QStringLiteral("%1 is missing: nothing exported yet").arg(current)};
        if (error == EINVAL)
            return Error{QStringLiteral("%1 is not a symlink").arg(current)};
        return Error{QStringLiteral("%1: %2").arg(current, errnoText(error))};
    }
    const QString generation = QString::fromUtf8(target, qsizetype(length));
    if (length == qsizetype(sizeof target) || !isGenerationName(generation))
        return Error{QStringLiteral("%1 points at '%2', not at a generation beside it")
                         .arg(current, generation.left(80))};
    const QString generationPath = QDir(directory).filePath(generation);
    const UniqueFd generationFd(::openat(directoryFd.get(),
                                         QFile::encodeName(generation).constData(),
                                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!generationFd.valid()) {
        const int error = errno;
        if (error == ENOENT)
            return Error{QStringLiteral("%1 points at %2, which does not exist (a dangling link)")
                             .arg(current, generation)};
        if (error == ELOOP || error == ENOTDIR)
            return Error{QStringLiteral("%1 is not a directory (a symlink is not followed)")
                             .arg(generationPath)};
        return Error{QStringLiteral("%1: %2").arg(generationPath, errnoText(error))};
    }
    const QString manifestPath = generationPath + QStringLiteral("/manifest.json");
    // O_NONBLOCK: a FIFO planted as the manifest must not hang status.
    const UniqueFd manifestFd(::openat(generationFd.get(), "manifest.json",
                                       O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!manifestFd.valid()) {
        const int error = errno;
        if (error == ELOOP)
            return Error{QStringLiteral("%1 is a symlink; not followed").arg(manifestPath)};
        return Error{QStringLiteral("%1: %2").arg(manifestPath, errnoText(error))};
    }
    struct stat info
    {};
    if (::fstat(manifestFd.get(), &info) != 0)
        return Error{QStringLiteral("%1: %2").arg(manifestPath, errnoText(errno))};
    if (!S_ISREG(info.st_mode))
        return Error{QStringLiteral("%1 is not a regular file").arg(manifestPath)};
    if (info.st_size > kMaxServedManifest)
        return Error{QStringLiteral("%1 is %2 bytes, more than the %3 a manifest takes")
                         .arg(manifestPath)
                         .arg(qint64(info.st_size))
                         .arg(kMaxServedManifest)};
    QByteArray bytes(qsizetype(kMaxServedManifest) + 1, Qt::Uninitialized);
    qsizetype filled = 0;
    while (filled < bytes.size()) {
        const ssize_t got = ::read(manifestFd.get(), bytes.data() + filled, bytes.size() - filled);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return Error{QStringLiteral("%1: %2").arg(manifestPath, errnoText(errno))};
        if (got == 0)
            break;
        filled += got;
    }
    if (filled > kMaxServedManifest) // grew since fstat
        return Error{QStringLiteral("%1 is more than the %2 bytes a manifest takes")
                         .arg(manifestPath)
                         .arg(kMaxServedManifest)};
    bytes.truncate(filled);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (!document.isObject())
        return Error{QStringLiteral("%1: not a manifest (JSON error at offset %2: %3)")
                         .arg(manifestPath)
                         .arg(parseError.offset)
                         .arg(parseError.errorString())};
    const QJsonObject manifest = document.object();
    auto expiry = parseRfc3339(manifest.value(QStringLiteral("dcExpiry")).toString());
    if (!expiry)
        return Error{QStringLiteral("%1: dcExpiry: %2").arg(manifestPath, expiry.errorMessage())};
    return ServedBundle{.generation = generation,
                        .profile = manifest.value(QStringLiteral("profile")).toString(),
                        .role = manifest.value(QStringLiteral("role")).toString(),
                        .dcSha256 = dcHash(manifest),
                        .dcExpiry = *expiry};
}

} // namespace baton
