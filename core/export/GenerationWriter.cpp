#include "GenerationWriter.h"

#include "common/FileIo.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace baton {

namespace {

const QString kCurrent = QStringLiteral("current");

const QRegularExpression &generationPattern()
{
    static const QRegularExpression pattern(QStringLiteral(R"(^gen-\d{8}T\d{6}Z-[0-9a-f]{4}$)"));
    return pattern;
}

Error systemError(const QString &what)
{
    return Error{QStringLiteral("%1: %2").arg(what, QString::fromLocal8Bit(std::strerror(errno)))};
}

Status syncDirectory(const QString &directory)
{
    const int fd = ::open(QFile::encodeName(directory).constData(), O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return systemError(QStringLiteral("cannot open %1").arg(directory));
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced)
        return systemError(QStringLiteral("cannot sync %1").arg(directory));
    return {};
}

Status checkNames(const QList<GenerationFile> &files)
{
    QStringList seen;
    for (const GenerationFile &file : files) {
        if (file.name.isEmpty() || file.name.contains(QLatin1Char('/')) ||
            file.name == QLatin1String(".") || file.name == QLatin1String("..") ||
            seen.contains(file.name))
            return Error{QStringLiteral("'%1' is not a usable bundle file name").arg(file.name)};
        seen << file.name;
    }
    return {};
}

/// The generation `current` points at, or empty when there is none.
QString currentGeneration(const QString &directory)
{
    const QFileInfo link(QDir(directory).filePath(kCurrent));
    return link.isSymLink() ? QFileInfo(link.symLinkTarget()).fileName() : QString();
}

} // namespace

bool isGenerationName(const QString &name)
{
    return generationPattern().match(name).hasMatch();
}

QStringList listGenerations(const QString &directory)
{
    QStringList generations;
    const QStringList entries =
        QDir(directory).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &entry : entries) {
        if (generationPattern().match(entry).hasMatch())
            generations << entry;
    }
    return generations; // names start with the UTC time, so by name is oldest first
}

Result<WrittenGeneration> writeGeneration(const QString &directory,
                                          const QList<GenerationFile> &files, const QDateTime &now,
                                          int keep, const GenerationStepHook &hook)
{
    const auto step = [&](const QString &what) -> Status {
        if (hook && !hook(what))
            return Error{QStringLiteral("%1 failed: No space left on device (injected)").arg(what)};
        return {};
    };
    if (auto names = checkNames(files); !names)
        return names.error();
    if (!QDir().mkpath(directory))
        return Error{QStringLiteral("cannot create the directory %1").arg(directory)};
    const QString currentPath = QDir(directory).filePath(kCurrent);
    const QFileInfo current(currentPath);
    if (current.exists() && !current.isSymLink())
        return Error{
            QStringLiteral("%1 exists and is not a symlink; not replacing it").arg(currentPath)};

    WrittenGeneration written;
    const QString stamp = now.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    for (int attempt = 0; attempt < 16 && written.name.isEmpty(); ++attempt) {
        const QString name =
            QStringLiteral("gen-%1-%2")
                .arg(stamp)
                .arg(QRandomGenerator::global()->bounded(0x10000), 4, 16, QLatin1Char('0'));
        if (auto ok = step(QStringLiteral("create generation")); !ok)
            return ok.error();
        if (::mkdir(QFile::encodeName(QDir(directory).filePath(name)).constData(), 0755) == 0)
            written.name = name;
        else if (errno != EEXIST)
            return systemError(QStringLiteral("cannot create a generation in %1").arg(directory));
    }
    if (written.name.isEmpty())
        return Error{QStringLiteral("cannot find a free generation name in %1").arg(directory)};
    written.path = QDir(directory).filePath(written.name);

    // Everything until the swap is undone on failure: the previous generation keeps serving.
    const auto abandon = [&](const Error &error) -> Result<WrittenGeneration> {
        QDir(written.path).removeRecursively();
        return error;
    };
    for (const GenerationFile &file : files) {
        const QString what = QStringLiteral("write %1").arg(file.name);
        if (auto ok = step(what); !ok)
            return abandon(ok.error());
        if (auto ok = writeFileAtomically(QDir(written.path).filePath(file.name), file.data,
                                          file.mode, Overwrite::Refuse);
            !ok)
            return abandon(ok.error());
    }
    if (auto ok = step(QStringLiteral("sync generation")); !ok)
        return abandon(ok.error());
    if (auto ok = syncDirectory(written.path); !ok)
        return abandon(ok.error());

    // A new symlink beside `current`, renamed over it: rename(2) is atomic, so readers see the
    // old generation or the new one, never neither.
    if (auto ok = step(QStringLiteral("swap current")); !ok)
        return abandon(ok.error());
    const QString temporaryLink =
        QDir(directory).filePath(QStringLiteral(".current.tmp-%1").arg(written.name));
    const QByteArray linkPath = QFile::encodeName(temporaryLink);
    ::unlink(linkPath.constData());
    if (::symlink(QFile::encodeName(written.name).constData(), linkPath.constData()) != 0)
        return abandon(systemError(QStringLiteral("cannot create %1").arg(temporaryLink)));
    if (::rename(linkPath.constData(), QFile::encodeName(currentPath).constData()) != 0) {
        const Error error = systemError(QStringLiteral("cannot replace %1").arg(currentPath));
        ::unlink(linkPath.constData());
        return abandon(error);
    }
    if (auto ok = syncDirectory(directory); !ok)
        return ok.error(); // swapped, but not yet durable: report it, the new generation stays

    // Pruning is housekeeping: the export has happened whatever it manages to remove.
    const QStringList generations = listGenerations(directory);
    const QString serving = currentGeneration(directory);
    for (qsizetype i = 0; i + keep < generations.size(); ++i) {
        if (generations[i] != serving &&
            QDir(QDir(directory).filePath(generations[i])).removeRecursively())
            written.pruned << generations[i];
    }
    return written;
}

} // namespace baton
