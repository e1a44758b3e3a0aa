#include "TargetCheck.h"

#include "common/FileIo.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace baton {

namespace {

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

} // namespace

Status checkExportDirectory(const QString &directory)
{
    if (directory.trimmed().isEmpty())
        return Error{QStringLiteral("the target directory is empty")};
    const QString path = QDir::cleanPath(QFileInfo(directory).absoluteFilePath());
    // The export creates what is missing, so what matters is the nearest part that exists.
    QString existing = path;
    struct stat info
    {};
    while (::stat(QFile::encodeName(existing).constData(), &info) != 0) {
        const int error = errno;
        const QString parent = QFileInfo(existing).absolutePath();
        // ENOTDIR: a file on the way, which the walk up then finds and names.
        if ((error != ENOENT && error != ENOTDIR) || parent == existing)
            return Error{QStringLiteral("cannot use %1 as a target directory: %2")
                             .arg(existing, errnoText(error))};
        existing = parent;
    }
    if (!S_ISDIR(info.st_mode)) {
        const QString what =
            S_ISREG(info.st_mode) ? QStringLiteral("a file") : QStringLiteral("not a directory");
        return Error{existing == path ? QStringLiteral("%1 is %2, not a directory").arg(path, what)
                                      : QStringLiteral("%1 is %2, so %3 cannot be created in it")
                                            .arg(existing, what, path)};
    }
    const QByteArray encoded = QFile::encodeName(existing);
    // Checked on its own: root may write anywhere the mode bits say no, but not here.
    struct statvfs fileSystem
    {};
    if (::statvfs(encoded.constData(), &fileSystem) == 0 && (fileSystem.f_flag & ST_RDONLY))
        return Error{QStringLiteral("%1 is on a read-only file system").arg(existing)};
    // Writing a generation needs write and search permission; AT_EACCESS asks for this
    // process's effective ids, the ones the export will run with.
    if (::faccessat(AT_FDCWD, encoded.constData(), W_OK | X_OK, AT_EACCESS) != 0)
        return Error{QStringLiteral("%1 is not writable here: %2").arg(existing, errnoText(errno))};
    return {};
}

Status checkHookCommand(const QString &hook)
{
    if (hook.isEmpty())
        return {};
    const QStringList command = QProcess::splitCommand(hook);
    if (command.isEmpty())
        return Error{QStringLiteral("the hook is empty")};
    const QString &program = command.first();
    QString path = program;
    if (!program.contains(QLatin1Char('/'))) {
        path = QStandardPaths::findExecutable(program);
        if (path.isEmpty())
            return Error{QStringLiteral("the hook's program '%1' is not an executable on the "
                                        "PATH")
                             .arg(program)};
    } else if (QFileInfo(program).isRelative()) {
        return Error{QStringLiteral("the hook's program '%1' is a relative path; give it as an "
                                    "absolute path (rotations run from a timer, elsewhere)")
                         .arg(program)};
    }
    struct stat info
    {};
    const QByteArray encoded = QFile::encodeName(path);
    if (::stat(encoded.constData(), &info) != 0)
        return Error{QStringLiteral("the hook's program %1: %2").arg(path, errnoText(errno))};
    if (!S_ISREG(info.st_mode))
        return Error{QStringLiteral("the hook's program %1 is not a file").arg(path)};
    if (::faccessat(AT_FDCWD, encoded.constData(), X_OK, AT_EACCESS) != 0)
        return Error{QStringLiteral("the hook's program %1 is not executable").arg(path)};
    // What runExportHook will refuse at 3 a.m. is refused now.
    return checkNobodyElseCanWrite(path, QStringLiteral("hook"), TrustedOwner::CallerOrRoot);
}

} // namespace baton
