#include "FileIo.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace baton {

namespace {

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

Error fileError(const QString &path, const QString &what, int error)
{
    return Error{QStringLiteral("%1: %2: %3").arg(path, what, systemError(error))};
}

QString fileTypeName(const struct stat &status)
{
    if (S_ISFIFO(status.st_mode))
        return QStringLiteral("a FIFO");
    if (S_ISSOCK(status.st_mode))
        return QStringLiteral("a socket");
    if (S_ISCHR(status.st_mode))
        return QStringLiteral("a character device");
    if (S_ISBLK(status.st_mode))
        return QStringLiteral("a block device");
    return QStringLiteral("not a file");
}

/// Closes the descriptor and removes the temporary file unless the write was committed.
class TemporaryFile
{
public:
    TemporaryFile(QByteArray path, int fd) : m_path(std::move(path)), m_fd(fd) {}
    TemporaryFile(const TemporaryFile &) = delete;
    TemporaryFile &operator=(const TemporaryFile &) = delete;
    ~TemporaryFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        if (!m_committed)
            ::unlink(m_path.constData());
    }
    int fd() const { return m_fd; }
    const QByteArray &path() const { return m_path; }
    int close()
    {
        const int result = ::close(m_fd);
        m_fd = -1;
        return result;
    }
    void commit() { m_committed = true; }

private:
    QByteArray m_path;
    int m_fd;
    bool m_committed = false;
};

void syncDirectory(const QString &directory)
{
    const int fd = ::open(QFile::encodeName(directory).constData(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

QString octalMode(mode_t mode)
{
    return QStringLiteral("%1").arg(uint(mode & 07777), 4, 8, QLatin1Char('0'));
}

} // namespace

Result<UniqueFd> openOrCreateDirectory(const QString &path, int mode)
{
    if (path.isEmpty())
        return Error{QStringLiteral("no directory given")};
    const QString absolute = QFileInfo(path).absoluteFilePath();
    UniqueFd current(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!current.valid())
        return fileError(QStringLiteral("/"), QStringLiteral("cannot open"), errno);
    QString reached;
    for (const QString &part : absolute.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        reached += QLatin1Char('/') + part;
        const QByteArray name = QFile::encodeName(part);
        const bool created = ::mkdirat(current.get(), name.constData(), mode_t(mode)) == 0;
        if (!created && errno != EEXIST)
            return fileError(reached, QStringLiteral("cannot create the directory"), errno);
        // What Baton just made is opened without following a symlink (one swapped in since
        // would be someone else's); existing components are the user's path, links and all.
        UniqueFd next(::openat(current.get(), name.constData(),
                               O_RDONLY | O_DIRECTORY | O_CLOEXEC | (created ? O_NOFOLLOW : 0)));
        if (!next.valid()) {
            if (errno == ENOTDIR)
                return Error{QStringLiteral("%1 is a file, not a directory").arg(reached)};
            return fileError(reached, QStringLiteral("cannot open the directory"), errno);
        }
        // mkdir's mode passes through the umask; the mode asked for is the mode Baton means.
        if (created && ::fchmod(next.get(), mode_t(mode)) != 0)
            return fileError(reached, QStringLiteral("cannot set the mode"), errno);
        current = std::move(next);
    }
    return current;
}

Status checkNobodyElseCanWrite(const QString &path, const QString &what, TrustedOwner owner)
{
    const uid_t caller = ::geteuid();
    struct stat info
    {};
    const QString canonical = QFileInfo(path).canonicalFilePath();
    if (canonical.isEmpty() || ::stat(QFile::encodeName(canonical).constData(), &info) != 0)
        return fileError(path, QStringLiteral("cannot examine"), errno ? errno : ENOENT);
    const auto refuse = [&](const QString &reason) {
        return Error{QStringLiteral("%1: refusing to use this %2: %3").arg(path, what, reason)};
    };
    if (info.st_uid != caller && !(owner == TrustedOwner::CallerOrRoot && info.st_uid == 0))
        return refuse(QStringLiteral("it is owned by uid %1, not by the user running Baton (uid "
                                     "%2)")
                          .arg(info.st_uid)
                          .arg(caller));
    if (info.st_mode & (S_IWGRP | S_IWOTH))
        return refuse(QStringLiteral("other users can write it (mode %1); run chmod go-w on it")
                          .arg(octalMode(info.st_mode)));
    QString directory = QFileInfo(canonical).path();
    for (;;) {
        if (::stat(QFile::encodeName(directory).constData(), &info) != 0)
            return fileError(directory, QStringLiteral("cannot examine"), errno);
        if (info.st_uid != caller && info.st_uid != 0)
            return refuse(QStringLiteral("the directory %1 is owned by uid %2, who could replace "
                                         "it")
                              .arg(directory)
                              .arg(info.st_uid));
        // A sticky directory of root's (/tmp) lets nobody else rename or remove what is ours.
        const bool rootSticky = info.st_uid == 0 && (info.st_mode & S_ISVTX);
        if ((info.st_mode & (S_IWGRP | S_IWOTH)) && !rootSticky)
            return refuse(QStringLiteral("other users can write the directory %1 (mode %2), so "
                                         "they could replace it; run chmod go-w on it")
                              .arg(directory, octalMode(info.st_mode)));
        if (directory == QLatin1String("/"))
            return {};
        directory = QFileInfo(directory).path();
    }
}

Result<QByteArray> readFileBounded(const QString &path, qint64 maxBytes)
{
    if (path.isEmpty())
        return Error{QStringLiteral("an empty file name")};
    // O_NONBLOCK: opening a FIFO (or a device) must not wait for a writer. The type is then
    // judged on the descriptor itself, so the path cannot be swapped between a check and the
    // open. Symlinks are followed on purpose: certificates are commonly read through them
    // (certbot's live/ directory), and what they lead to passes the same checks.
    const int fd =
        ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        const int error = errno;
        if (error == ENOENT)
            return Error{QStringLiteral("%1: no such file").arg(path)};
        return fileError(path, QStringLiteral("cannot open"), error);
    }
    const auto closeFd = qScopeGuard([fd] { ::close(fd); });
    struct stat status
    {};
    if (::fstat(fd, &status) != 0)
        return fileError(path, QStringLiteral("cannot examine"), errno);
    if (S_ISDIR(status.st_mode))
        return Error{QStringLiteral("%1: is a directory, not a file").arg(path)};
    if (!S_ISREG(status.st_mode))
        return Error{QStringLiteral("%1: not a regular file (%2)").arg(path, fileTypeName(status))};
    if (status.st_size > maxBytes)
        return Error{QStringLiteral("%1: %2 bytes is too large for this kind of file (at most %3 "
                                    "bytes); is it the right file?")
                         .arg(path)
                         .arg(qint64(status.st_size))
                         .arg(maxBytes)};
    // A regular file never blocks; clearing O_NONBLOCK keeps reads of a file on a network or
    // FUSE filesystem from failing with EAGAIN.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    // Read up to one byte beyond the limit: a file that grew since fstat is still refused.
    QByteArray data(qsizetype(status.st_size) + 1, Qt::Uninitialized);
    qsizetype filled = 0;
    for (;;) {
        if (filled == data.size()) {
            if (filled > maxBytes)
                return Error{QStringLiteral("%1: larger than %2 bytes").arg(path).arg(maxBytes)};
            data.resize(std::min<qsizetype>(data.size() * 2, qsizetype(maxBytes) + 1));
        }
        const ssize_t n = ::read(fd, data.data() + filled, size_t(data.size() - filled));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fileError(path, QStringLiteral("cannot read"), errno);
        if (n == 0)
            break;
        filled += n;
    }
    if (filled > maxBytes)
        return Error{QStringLiteral("%1: larger than %2 bytes").arg(path).arg(maxBytes)};
    data.truncate(filled);
    return data;
}

Status writeFileAtomically(const QString &path, QByteArrayView data, int mode, Overwrite overwrite)
{
    const QFileInfo target(path);
    const QString directory = target.absolutePath();
    if (!QFileInfo(directory).isDir())
        return Error{QStringLiteral("%1: the directory %2 does not exist").arg(path, directory)};
    if (overwrite == Overwrite::Refuse && (target.exists() || target.isSymLink()))
        return Error{QStringLiteral("%1 already exists; not overwriting it").arg(path)};

    // The temporary is created with the final mode (O_CREAT's mode, under the umask), so a key
    // file is 0600 from the moment it exists; nothing is chmod'ed afterwards.
    QByteArray temporaryPath;
    int fd = -1;
    for (int attempt = 0; fd < 0 && attempt < 16; ++attempt) {
        temporaryPath = QFile::encodeName(
            QStringLiteral("%1/.%2.tmp-%3")
                .arg(directory, target.fileName())
                .arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0')));
        fd = ::open(temporaryPath.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                    mode_t(mode));
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0)
        return fileError(path, QStringLiteral("cannot create a temporary file beside it"), errno);
    TemporaryFile temporary(temporaryPath, fd);

    const char *cursor = data.data();
    qsizetype left = data.size();
    while (left > 0) {
        const ssize_t written = ::write(fd, cursor, size_t(left));
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return fileError(path, QStringLiteral("cannot write"), written < 0 ? errno : ENOSPC);
        cursor += written;
        left -= written;
    }
    if (::fsync(fd) != 0)
        return fileError(path, QStringLiteral("cannot sync"), errno);
    if (temporary.close() != 0)
        return fileError(path, QStringLiteral("cannot close"), errno);

    const QByteArray finalPath = QFile::encodeName(path);
    if (overwrite == Overwrite::Refuse) {
        // link() fails with EEXIST instead of replacing: no window where another file that
        // appeared since the check above would be clobbered.
        if (::link(temporary.path().constData(), finalPath.constData()) != 0) {
            if (errno == EEXIST)
                return Error{QStringLiteral("%1 already exists; not overwriting it").arg(path)};
            return fileError(path, QStringLiteral("cannot create"), errno);
        }
    } else if (::rename(temporary.path().constData(), finalPath.constData()) != 0) {
        return fileError(path, QStringLiteral("cannot replace"), errno);
    } else {
        temporary.commit();
    }
    syncDirectory(directory);
    return {};
}

} // namespace baton
