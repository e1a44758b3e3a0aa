#include "GenerationWriter.h"

#include "BundleLimits.h"
#include "common/FileIo.h"
#include "common/UniqueFd.h"

#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <vector>

namespace baton {

namespace {

constexpr char kCurrent[] = "current";
constexpr char kManifestHeader[] = "baton generation 1";
/// A target directory is attacker-controlled: its listing and the generation manifests read
/// back from it are bounded before anything is done with them.
constexpr int kMaxEntriesScanned = 100000;
constexpr qint64 kMaxManifestBytes = 16 * 1024;

const QRegularExpression &generationPattern()
{
    static const QRegularExpression pattern(QStringLiteral(R"(^gen-\d{8}T\d{6}Z-[0-9a-f]{4}$)"));
    return pattern;
}

/// Where a generation is written until it is complete; renamed to its gen-* name after.
const QRegularExpression &partialPattern()
{
    static const QRegularExpression pattern(
        QStringLiteral(R"(^\.gen-\d{8}T\d{6}Z-[0-9a-f]{4}\.partial$)"));
    return pattern;
}

/// The new `current` link before it is renamed over the old one.
const QRegularExpression &swapLinkPattern()
{
    static const QRegularExpression pattern(
        QStringLiteral(R"(^\.current\.tmp-gen-\d{8}T\d{6}Z-[0-9a-f]{4}$)"));
    return pattern;
}

QByteArray encoded(const QString &name)
{
    return QFile::encodeName(name);
}

bool isUsableFileName(const QString &name)
{
    return !name.isEmpty() && !name.contains(QLatin1Char('/')) && name != QLatin1String(".") &&
           name != QLatin1String("..") && name != QLatin1String(kGenerationManifest);
}

Status checkNames(const QList<GenerationFile> &files)
{
    QStringList seen;
    if (files.size() > kMaxBundleMembers)
        return Error{QStringLiteral("%1 files are too many for one bundle").arg(files.size())};
    for (const GenerationFile &file : files) {
        if (!isUsableFileName(file.name) || seen.contains(file.name))
            return Error{QStringLiteral("'%1' is not a usable bundle file name").arg(file.name)};
        seen << file.name;
    }
    return {};
}

/// The names in a directory, at most kMaxEntriesScanned of them (a directory stuffed with
/// millions of entries cannot make a run take forever).
QStringList entriesOf(int directoryFd)
{
    QStringList names;
    const int copy = ::dup(directoryFd);
    if (copy < 0)
        return names;
    DIR *listing = ::fdopendir(copy);
    if (!listing) {
        ::close(copy);
        return names;
    }
    ::rewinddir(listing); // the duplicate shares its offset with directoryFd
    while (names.size() < kMaxEntriesScanned) {
        const dirent *entry = ::readdir(listing);
        if (!entry)
            break;
        const QString name = QFile::decodeName(entry->d_name);
        if (name != QLatin1String(".") && name != QLatin1String(".."))
            names << name;
    }
    ::closedir(listing);
    return names;
}

/// A write or sync that failed; `outOfSpace` says whether pruning could help.
struct WriteFailure
{
    Error error;
    bool outOfSpace = false;
};

WriteFailure systemFailure(const QString &what)
{
    const int error = errno;
    return {Error{QStringLiteral("%1: %2").arg(what, QString::fromLocal8Bit(std::strerror(error)))},
            error == ENOSPC || error == EDQUOT};
}

/// A file written but not yet synced, kept open for its fsync.
struct UnsyncedFile
{
    UniqueFd fd;
    QString shownAs;
};

/// Creates `name` in `directoryFd` with exactly `mode` from its first byte and writes it whole,
/// leaving it open in `unsynced`: a generation's files are synced together once all are written
/// (syncGeneration).
std::optional<WriteFailure> writeFileAt(int directoryFd, const QString &name, QByteArrayView data,
                                        int mode, const QString &shownAs,
                                        std::vector<UnsyncedFile> &unsynced)
{
    UniqueFd fd(::openat(directoryFd, encoded(name).constData(),
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(mode)));
    if (!fd.valid())
        return systemFailure(QStringLiteral("cannot create %1").arg(shownAs));
    // O_CREAT's mode went through the umask; the bundle's modes are what servers rely on. This
    // only ever narrows a key file's 0600, which it already has.
    if (::fchmod(fd.get(), mode_t(mode)) != 0)
        return systemFailure(QStringLiteral("cannot set the mode of %1").arg(shownAs));
    const char *cursor = data.data();
    qsizetype left = data.size();
    while (left > 0) {
        const ssize_t written = ::write(fd.get(), cursor, size_t(left));
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0) {
            if (written == 0)
                errno = ENOSPC;
            return systemFailure(QStringLiteral("cannot write %1").arg(shownAs));
        }
        cursor += written;
        left -= written;
    }
    unsynced.push_back({std::move(fd), shownAs});
    return std::nullopt;
}

/// Syncs the files writeFileAt wrote and the generation directory holding them, all at once,
/// each fsync on a thread of its own. Issued together, their writes (the inode table block
/// they share, the directory) go to the disk together and share its cache flushes; one after
/// the other, each waits for its own round trips. Measured on the development VM (ext4): a
/// generation of six files and its directory synced in 2 to 3 ms instead of about 25. Every
/// fsync has returned when this does, so nothing is renamed into place before it is on disk.
std::optional<WriteFailure> syncGeneration(const std::vector<UnsyncedFile> &unsynced,
                                           int generationFd, const QString &generationShownAs)
{
    std::vector<std::pair<int, const QString *>> targets{{generationFd, &generationShownAs}};
    for (const UnsyncedFile &file : unsynced)
        targets.emplace_back(file.fd.get(), &file.shownAs);
    std::vector<int> errors(targets.size(), 0);
    const auto sync = [&](size_t i) {
        errors[i] = ::fsync(targets[i].first) == 0 ? 0 : errno;
    };
    {
        std::vector<std::jthread> threads;
        threads.reserve(targets.size());
        for (size_t i = 0; i < targets.size(); ++i) {
            try {
                threads.emplace_back(sync, i);
            } catch (const std::system_error &) {
                sync(i); // no thread to be had: this one waits for it
            }
        }
    } // joined
    for (size_t i = 0; i < targets.size(); ++i) {
        if (errors[i] != 0) {
            errno = errors[i];
            return systemFailure(QStringLiteral("cannot sync %1").arg(*targets[i].second));
        }
    }
    return std::nullopt;
}

/// The files a generation's manifest says Baton wrote, or why it is not Baton's to delete.
Result<QStringList> readOwnManifest(int generationFd)
{
    UniqueFd fd(::openat(generationFd, kGenerationManifest,
                         O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid())
        return Error{QStringLiteral("it has no %1, so Baton did not write it")
                         .arg(QLatin1String(kGenerationManifest))};
    struct stat info
    {};
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode) || info.st_uid != ::geteuid() ||
        info.st_size > kMaxManifestBytes)
        return Error{QStringLiteral("its %1 is not one Baton wrote")
                         .arg(QLatin1String(kGenerationManifest))};
    QByteArray content(qsizetype(info.st_size), Qt::Uninitialized);
    if (::read(fd.get(), content.data(), size_t(content.size())) != ssize_t(content.size()))
        return Error{
            QStringLiteral("its %1 cannot be read").arg(QLatin1String(kGenerationManifest))};
    QStringList lines = QString::fromUtf8(content).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (lines.isEmpty() || lines.takeFirst() != QLatin1String(kManifestHeader) ||
        lines.size() > kMaxBundleMembers ||
        !std::all_of(lines.cbegin(), lines.cend(), isUsableFileName))
        return Error{QStringLiteral("its %1 is not one Baton wrote")
                         .arg(QLatin1String(kGenerationManifest))};
    return lines;
}

/// Opens `name` in `directoryFd` if it can be a generation Baton wrote: a real directory (not
/// a symlink, checked again on the opened descriptor) owned by the caller.
Result<UniqueFd> openOwnDirectory(int directoryFd, const QString &name)
{
    const QByteArray path = encoded(name);
    struct stat before
    {};
    if (::fstatat(directoryFd, path.constData(), &before, AT_SYMLINK_NOFOLLOW) != 0)
        return Error{QString::fromLocal8Bit(std::strerror(errno))};
    if (S_ISLNK(before.st_mode))
        return Error{QStringLiteral("a symlink, not a generation Baton wrote")};
    if (!S_ISDIR(before.st_mode))
        return Error{QStringLiteral("not a directory, so not a generation Baton wrote")};
    if (before.st_uid != ::geteuid())
        return Error{
            QStringLiteral("owned by uid %1, not by the user running Baton").arg(before.st_uid)};
    UniqueFd generation(
        ::openat(directoryFd, path.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    struct stat opened
    {};
    if (!generation.valid() || ::fstat(generation.get(), &opened) != 0 ||
        opened.st_dev != before.st_dev || opened.st_ino != before.st_ino)
        return Error{QStringLiteral("it changed while Baton looked at it")};
    return generation;
}

/// Removes a generation Baton wrote: the files its manifest lists (regular files of the
/// caller's, never through a symlink), the manifest, then the directory. Anything else in it
/// stays, and so does the directory; the error says why.
Status removeOwnGeneration(int directoryFd, const QString &name)
{
    const QByteArray path = encoded(name);
    auto opened = openOwnDirectory(directoryFd, name);
    if (!opened)
        return opened.error();
    const UniqueFd generation = std::move(opened).value();
    auto listed = readOwnManifest(generation.get());
    if (!listed) {
        // A generation interrupted before its manifest was written is an empty directory.
        if (partialPattern().match(name).hasMatch() &&
            ::unlinkat(directoryFd, path.constData(), AT_REMOVEDIR) == 0)
            return {};
        return listed.error();
    }
    for (const QString &file : *listed) {
        struct stat info
        {};
        const QByteArray filePath = encoded(file);
        if (::fstatat(generation.get(), filePath.constData(), &info, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(info.st_mode) && info.st_uid == ::geteuid())
            ::unlinkat(generation.get(), filePath.constData(), 0);
    }
    ::unlinkat(generation.get(), kGenerationManifest, 0);
    if (::unlinkat(directoryFd, path.constData(), AT_REMOVEDIR) != 0)
        return Error{errno == ENOTEMPTY || errno == EEXIST
                         ? QStringLiteral("it holds files Baton did not write; left in place")
                         : QString::fromLocal8Bit(std::strerror(errno))};
    return {};
}

/// The generation `current` points at, or empty when there is none.
QString currentGeneration(int directoryFd)
{
    char target[256];
    const ssize_t length = ::readlinkat(directoryFd, kCurrent, target, sizeof target);
    if (length <= 0 || size_t(length) >= sizeof target)
        return {};
    return QFile::decodeName(QByteArray(target, length));
}

class GenerationDirectory
{
public:
    GenerationDirectory(QString path, UniqueFd fd, const GenerationStepHook &hook)
        : m_path(std::move(path)), m_fd(std::move(fd)), m_hook(hook)
    {}

    QString pathOf(const QString &name) const { return m_path + QLatin1Char('/') + name; }

    /// What a crash left: half-swapped `current` links and half-written generations. They
    /// are removed before anything is written, so they never take space or count as kept.
    void removeLeftovers(WrittenGeneration &written)
    {
        for (const QString &name : entriesOf(m_fd.get())) {
            if (swapLinkPattern().match(name).hasMatch()) {
                struct stat info
                {};
                if (::fstatat(m_fd.get(), encoded(name).constData(), &info, AT_SYMLINK_NOFOLLOW) ==
                        0 &&
                    S_ISLNK(info.st_mode))
                    ::unlinkat(m_fd.get(), encoded(name).constData(), 0);
            } else if (partialPattern().match(name).hasMatch()) {
                if (auto removed = removeOwnGeneration(m_fd.get(), name); !removed)
                    written.leftAlone << name + QStringLiteral(": ") + removed.errorMessage();
            }
        }
    }

    /// Writes the files under a hidden name and renames the complete generation into place.
    Result<QString> write(const QList<GenerationFile> &files, const QString &stamp,
                          bool &outOfSpace)
    {
        QString name;
        QString partial;
        for (int attempt = 0; attempt < 16 && name.isEmpty(); ++attempt) {
            if (auto ok = step(QStringLiteral("create generation"), outOfSpace); !ok)
                return ok.error();
            const QString candidate =
                QStringLiteral("gen-%1-%2")
                    .arg(stamp)
                    .arg(QRandomGenerator::global()->bounded(0x10000), 4, 16, QLatin1Char('0'));
            struct stat info
            {};
            if (::fstatat(m_fd.get(), encoded(candidate).constData(), &info, AT_SYMLINK_NOFOLLOW) ==
                0)
                continue;
            const QString hidden = QStringLiteral(".%1.partial").arg(candidate);
            if (::mkdirat(m_fd.get(), encoded(hidden).constData(), 0755) == 0) {
                name = candidate;
                partial = hidden;
            } else if (errno != EEXIST) {
                return failed(
                    systemFailure(QStringLiteral("cannot create a generation in %1").arg(m_path)),
                    outOfSpace);
            }
        }
        if (name.isEmpty())
            return Error{QStringLiteral("cannot find a free generation name in %1").arg(m_path)};

        // Everything until the rename is undone on failure: the previous generation serves on.
        // What cannot be removed now is a leftover the next run removes first.
        const auto abandon = [&](const Error &error) -> Result<QString> {
            (void)removeOwnGeneration(m_fd.get(), partial);
            return error;
        };
        UniqueFd generation(::openat(m_fd.get(), encoded(partial).constData(),
                                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!generation.valid() || ::fchmod(generation.get(), 0755) != 0)
            return abandon(
                failed(systemFailure(QStringLiteral("cannot open the new generation %1").arg(name)),
                       outOfSpace));
        // The manifest comes first: whatever a crash leaves behind is then Baton's to remove.
        QByteArray manifest = QByteArray(kManifestHeader) + '\n';
        for (const GenerationFile &file : files)
            manifest += file.name.toUtf8() + '\n';
        std::vector<UnsyncedFile> unsynced;
        if (auto failure = writeFileAt(generation.get(), QLatin1String(kGenerationManifest),
                                       manifest, 0644, pathOf(name), unsynced))
            return abandon(failed(*failure, outOfSpace));
        for (const GenerationFile &file : files) {
            if (auto ok = step(QStringLiteral("write %1").arg(file.name), outOfSpace); !ok)
                return abandon(ok.error());
            if (auto failure = writeFileAt(generation.get(), file.name, file.data, file.mode,
                                           pathOf(name) + QLatin1Char('/') + file.name, unsynced))
                return abandon(failed(*failure, outOfSpace));
        }
        if (auto ok = step(QStringLiteral("sync generation"), outOfSpace); !ok)
            return abandon(ok.error());
        if (auto failure = syncGeneration(unsynced, generation.get(), pathOf(name)))
            return abandon(failed(*failure, outOfSpace));
        if (::renameat2(m_fd.get(), encoded(partial).constData(), m_fd.get(),
                        encoded(name).constData(), RENAME_NOREPLACE) != 0)
            return abandon(failed(
                systemFailure(QStringLiteral("cannot create %1").arg(pathOf(name))), outOfSpace));
        return name;
    }

    /// Points `current` at `name`: a new link beside it, renamed over it. rename(2) is atomic,
    /// so readers see the old generation or the new one, never neither.
    Status swapCurrent(const QString &name, bool &outOfSpace)
    {
        const auto undo = [&](const Error &error) -> Status {
            (void)removeOwnGeneration(m_fd.get(), name); // else pruned as an old one later
            return error;
        };
        if (auto ok = step(QStringLiteral("swap current"), outOfSpace); !ok)
            return undo(ok.error());
        const QByteArray link = encoded(QStringLiteral(".current.tmp-%1").arg(name));
        if (::symlinkat(encoded(name).constData(), m_fd.get(), link.constData()) != 0)
            return undo(
                failed(systemFailure(
                           QStringLiteral("cannot create %1").arg(pathOf(QFile::decodeName(link)))),
                       outOfSpace));
        if (::renameat(m_fd.get(), link.constData(), m_fd.get(), kCurrent) != 0) {
            const WriteFailure failure = systemFailure(
                QStringLiteral("cannot replace %1").arg(pathOf(QLatin1String(kCurrent))));
            ::unlinkat(m_fd.get(), link.constData(), 0);
            return undo(failed(failure, outOfSpace));
        }
        if (::fsync(m_fd.get()) != 0) // swapped, but not yet durable: say so, the swap stays
            return systemFailure(QStringLiteral("cannot sync %1").arg(m_path)).error;
        return {};
    }

    /// Baton's own generations, oldest first; those that look like generations but are not
    /// Baton's are reported and never counted or touched.
    QStringList ownGenerations(WrittenGeneration &written)
    {
        QStringList own;
        QStringList named;
        for (const QString &name : entriesOf(m_fd.get())) {
            if (generationPattern().match(name).hasMatch())
                named << name;
        }
        std::sort(named.begin(), named.end()); // names start with the UTC time: oldest first
        for (const QString &name : named) {
            if (auto whose = ownership(name); whose)
                own << name;
            else
                written.leftAlone << name + QStringLiteral(": ") + whose.errorMessage();
        }
        return own;
    }

    /// Removes Baton's generations, oldest first, until at most `keep` are left; `current`'s
    /// target is never removed.
    void prune(const QStringList &own, qsizetype keep, WrittenGeneration &written)
    {
        const QString serving = currentGeneration(m_fd.get());
        for (qsizetype i = 0; i + keep < own.size(); ++i) {
            if (own[i] == serving || own[i] == written.name)
                continue;
            if (auto removed = removeOwnGeneration(m_fd.get(), own[i]); removed)
                written.pruned << own[i];
            else
                written.leftAlone << own[i] + QStringLiteral(": ") + removed.errorMessage();
        }
    }

    /// Refuses to replace a `current` that is not a symlink: a foreign file is never clobbered.
    Status checkCurrent() const
    {
        struct stat info
        {};
        if (::fstatat(m_fd.get(), kCurrent, &info, AT_SYMLINK_NOFOLLOW) == 0 &&
            !S_ISLNK(info.st_mode))
            return Error{QStringLiteral("%1 exists and is not a symlink; not replacing it")
                             .arg(pathOf(QLatin1String(kCurrent)))};
        return {};
    }

private:
    /// Whether `name` is a generation Baton wrote: a real directory of the caller's with a
    /// generation manifest of Baton's.
    Status ownership(const QString &name) const
    {
        auto generation = openOwnDirectory(m_fd.get(), name);
        if (!generation)
            return generation.error();
        if (auto listed = readOwnManifest(generation->get()); !listed)
            return listed.error();
        return {};
    }

    Status step(const QString &what, bool &outOfSpace) const
    {
        if (m_hook && !m_hook(what)) {
            outOfSpace = true;
            return Error{QStringLiteral("%1 failed: No space left on device (injected)").arg(what)};
        }
        return {};
    }

    static Error failed(const WriteFailure &failure, bool &outOfSpace)
    {
        outOfSpace = failure.outOfSpace;
        return failure.error;
    }

    QString m_path;
    UniqueFd m_fd;
    const GenerationStepHook &m_hook;
};

} // namespace

bool isGenerationName(const QString &name)
{
    return generationPattern().match(name).hasMatch();
}

QStringList listGenerations(const QString &directory)
{
    UniqueFd fd(::open(encoded(directory).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid())
        return {};
    QStringList generations;
    for (const QString &name : entriesOf(fd.get())) {
        struct stat info
        {};
        if (generationPattern().match(name).hasMatch() &&
            ::fstatat(fd.get(), encoded(name).constData(), &info, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISDIR(info.st_mode))
            generations << name;
    }
    std::sort(generations.begin(), generations.end()); // names start with the UTC time
    return generations;
}

Result<WrittenGeneration> writeGeneration(const QString &directory,
                                          const QList<GenerationFile> &files, const QDateTime &now,
                                          int keep, const GenerationStepHook &hook)
{
    if (auto names = checkNames(files); !names)
        return names.error();
    auto opened = openOrCreateDirectory(directory, 0755);
    if (!opened)
        return opened.error();
    GenerationDirectory target(directory, std::move(opened).value(), hook);
    if (auto ok = target.checkCurrent(); !ok)
        return ok.error();

    WrittenGeneration written;
    target.removeLeftovers(written);
    const QString stamp = now.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    bool outOfSpace = false;
    auto name = target.write(files, stamp, outOfSpace);
    if (!name && outOfSpace) {
        // Old generations are pruned only after a new one is written, so a filesystem with room
        // for a few of them would fail every rotation from then on. Make room and try once more.
        const qsizetype prunedBefore = written.pruned.size();
        target.prune(target.ownGenerations(written), 0, written);
        if (written.pruned.size() > prunedBefore)
            name = target.write(files, stamp, outOfSpace);
    }
    if (!name)
        return name.error();
    written.name = *name;
    written.path = target.pathOf(written.name);
    if (auto ok = target.swapCurrent(written.name, outOfSpace); !ok)
        return ok.error();

    // Pruning is housekeeping: the export has happened whatever it manages to remove.
    target.prune(target.ownGenerations(written), keep, written);
    written.leftAlone.removeDuplicates();
    return written;
}

} // namespace baton
