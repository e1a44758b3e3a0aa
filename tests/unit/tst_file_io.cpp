// Unit tests for common/FileIo: atomic writes with exact modes, and bounded reads.

#include "TestPki.h"
#include "common/FileIo.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace baton;

Q_DECLARE_METATYPE(baton::Overwrite)

namespace {

struct FileState
{
    bool exists = false;
    int mode = 0;
    ino_t inode = 0;
};

FileState stateOf(const QString &path)
{
    struct stat info;
    if (::lstat(QFile::encodeName(path).constData(), &info) != 0)
        return {};
    return {true, int(info.st_mode & 07777), info.st_ino};
}

QByteArray contentOf(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray("<unreadable>");
    return file.readAll();
}

/// Every entry of the directory, hidden ones included: a leftover ".name.tmp-…" shows here.
QStringList entriesOf(const QString &directory)
{
    return QDir(directory).entryList(
        QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

void writeRaw(const QString &path, const QByteArray &content, int mode)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(content), content.size());
    file.close();
    QCOMPARE(::chmod(QFile::encodeName(path).constData(), mode_t(mode)), 0);
}

} // namespace

class FileIoTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void writeNew_data();
    void writeNew();
    void writeExisting_data();
    void writeExisting();
    void writeFailure_data();
    void writeFailure();
    void readBounded_data();
    void readBounded();

private:
    mode_t m_savedUmask = 0;
};

void FileIoTest::initTestCase()
{
    // The mode asked for is the mode created under the usual umask; set it, do not assume it.
    m_savedUmask = ::umask(022);
}

void FileIoTest::cleanupTestCase()
{
    ::umask(m_savedUmask);
}

void FileIoTest::writeNew_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<Overwrite>("overwrite");
    QTest::addColumn<QByteArray>("content");

    const QByteArray key = test::pemBeginLine(QStringLiteral("PRIVATE KEY")) + "\nAAEC\n" +
                           test::pemEndLine(QStringLiteral("PRIVATE KEY")) + '\n';
    QTest::newRow("0600, Refuse") << 0600 << Overwrite::Refuse << key;
    QTest::newRow("0600, Replace") << 0600 << Overwrite::Replace << key;
    QTest::newRow("0644, Refuse") << 0644 << Overwrite::Refuse << QByteArray("certificate");
    QTest::newRow("0644, Replace") << 0644 << Overwrite::Replace << QByteArray("certificate");
    QTest::newRow("0640, Refuse") << 0640 << Overwrite::Refuse << QByteArray("group");
    QTest::newRow("0400, Replace") << 0400 << Overwrite::Replace << QByteArray("read-only");
    QTest::newRow("empty file") << 0644 << Overwrite::Refuse << QByteArray();
    QTest::newRow("binary, 1 MiB") << 0600 << Overwrite::Replace << QByteArray(1 << 20, '\xa5');
}

void FileIoTest::writeNew()
{
    QFETCH(int, mode);
    QFETCH(Overwrite, overwrite);
    QFETCH(QByteArray, content);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("out.pem"));

    const Status written = writeFileAtomically(path, content, mode, overwrite);
    QVERIFY2(written.ok(), qPrintable(written.errorMessage()));
    const FileState state = stateOf(path);
    QVERIFY(state.exists);
    QCOMPARE(state.mode, mode);
    QCOMPARE(contentOf(path), content);
    QCOMPARE(entriesOf(dir.path()), QStringList{QStringLiteral("out.pem")});
}

void FileIoTest::writeExisting_data()
{
    QTest::addColumn<Overwrite>("overwrite");
    QTest::addColumn<int>("mode");
    QTest::addColumn<bool>("replaced");

    QTest::newRow("Refuse, 0600") << Overwrite::Refuse << 0600 << false;
    QTest::newRow("Refuse, 0644") << Overwrite::Refuse << 0644 << false;
    QTest::newRow("Replace, 0600") << Overwrite::Replace << 0600 << true;
    QTest::newRow("Replace, 0644") << Overwrite::Replace << 0644 << true;
}

void FileIoTest::writeExisting()
{
    QFETCH(Overwrite, overwrite);
    QFETCH(int, mode);
    QFETCH(bool, replaced);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("dc.bin"));
    writeRaw(path, "old content", 0664);
    const FileState before = stateOf(path);
    QCOMPARE(before.mode, 0664);

    const Status written = writeFileAtomically(path, "new content", mode, overwrite);
    const FileState after = stateOf(path);
    QVERIFY(after.exists);
    if (replaced) {
        QVERIFY2(written.ok(), qPrintable(written.errorMessage()));
        QCOMPARE(contentOf(path), QByteArray("new content"));
        QCOMPARE(after.mode, mode);           // the new file's own mode
        QVERIFY(after.inode != before.inode); // a new file renamed into place
    } else {
        QVERIFY(!written.ok());
        QCOMPARE(written.errorMessage(),
                 QStringLiteral("%1 already exists; not overwriting it").arg(path));
        QCOMPARE(contentOf(path), QByteArray("old content"));
        QCOMPARE(after.mode, 0664);
        QCOMPARE(after.inode, before.inode);
    }
    QCOMPARE(entriesOf(dir.path()), QStringList{QStringLiteral("dc.bin")});
}

void FileIoTest::writeFailure_data()
{
    QTest::addColumn<QString>("target"); // relative to a fresh temporary directory
    QTest::addColumn<Overwrite>("overwrite");
    QTest::addColumn<QString>("setup");      // what exists before: "", "dir", "symlink"
    QTest::addColumn<QString>("messageEnd"); // after "<absolute target>"
    QTest::addColumn<QStringList>("entriesAfter");

    QTest::newRow("missing directory")
        << QStringLiteral("missing/out.pem") << Overwrite::Replace << QString()
        << QStringLiteral(": the directory %DIR%/missing does not exist") << QStringList();
    QTest::newRow("missing directory, Refuse")
        << QStringLiteral("missing/deeper/out.pem") << Overwrite::Refuse << QString()
        << QStringLiteral(": the directory %DIR%/missing/deeper does not exist") << QStringList();
    QTest::newRow("Replace onto a directory")
        << QStringLiteral("taken") << Overwrite::Replace << QStringLiteral("dir")
        << QStringLiteral(": cannot replace: Is a directory")
        << QStringList{QStringLiteral("taken")};
    QTest::newRow("Refuse onto a directory")
        << QStringLiteral("taken") << Overwrite::Refuse << QStringLiteral("dir")
        << QStringLiteral(" already exists; not overwriting it")
        << QStringList{QStringLiteral("taken")};
    QTest::newRow("Refuse onto a dangling symlink")
        << QStringLiteral("link") << Overwrite::Refuse << QStringLiteral("symlink")
        << QStringLiteral(" already exists; not overwriting it")
        << QStringList{QStringLiteral("link")};
}

void FileIoTest::writeFailure()
{
    QFETCH(QString, target);
    QFETCH(Overwrite, overwrite);
    QFETCH(QString, setup);
    QFETCH(QString, messageEnd);
    QFETCH(QStringList, entriesAfter);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(target);
    if (setup == QLatin1String("dir"))
        QVERIFY(QDir(dir.path()).mkdir(target));
    else if (setup == QLatin1String("symlink"))
        QVERIFY(QFile::link(dir.filePath(QStringLiteral("nowhere")), path));

    const Status written = writeFileAtomically(path, "data", 0600, overwrite);
    QVERIFY(!written.ok());
    QString expected = path + messageEnd;
    expected.replace(QLatin1String("%DIR%"), dir.path());
    QCOMPARE(written.errorMessage(), expected);
    // Nothing was created or left behind, temporary files included.
    QCOMPARE(entriesOf(dir.path()), entriesAfter);
    if (setup == QLatin1String("symlink"))
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("nowhere"))));
}

void FileIoTest::readBounded_data()
{
    QTest::addColumn<QString>("name");       // "" : the directory itself; "/proc…": as is
    QTest::addColumn<QByteArray>("content"); // written unless null
    QTest::addColumn<qint64>("maxBytes");
    QTest::addColumn<QString>("messageEnd"); // after the path; empty: reads back the content

    QTest::newRow("small file") << QStringLiteral("a.bin") << QByteArray("hello") << qint64(100)
                                << QString();
    QTest::newRow("exactly at the limit")
        << QStringLiteral("a.bin") << QByteArray(64, 'x') << qint64(64) << QString();
    QTest::newRow("empty file") << QStringLiteral("a.bin") << QByteArray("") << qint64(0)
                                << QString();
    QTest::newRow("one byte over the limit")
        << QStringLiteral("a.bin") << QByteArray(65, 'x') << qint64(64)
        << QStringLiteral(": 65 bytes is too large for this kind of file (at most 64 bytes); is "
                          "it the right file?");
    QTest::newRow("far over the limit")
        << QStringLiteral("big.img") << QByteArray(1 << 20, '\0') << qint64(1024)
        << QStringLiteral(": 1048576 bytes is too large for this kind of file (at most 1024 "
                          "bytes); is it the right file?");
    QTest::newRow("missing file") << QStringLiteral("missing.pem") << QByteArray() << qint64(100)
                                  << QStringLiteral(": no such file");
    QTest::newRow("directory") << QString() << QByteArray() << qint64(100)
                               << QStringLiteral(": is a directory, not a file");
    // Opened without waiting for a writer, and refused by what the descriptor is.
    QTest::newRow("FIFO") << QStringLiteral("fifo:in.pem") << QByteArray() << qint64(100)
                          << QStringLiteral(": not a regular file (a FIFO)");
    QTest::newRow("character device")
        << QStringLiteral("/dev/null") << QByteArray() << qint64(100)
        << QStringLiteral(": not a regular file (a character device)");
    // A symlink is followed (certbot's live/ directory is made of them).
    QTest::newRow("symlink to a file")
        << QStringLiteral("link:a.bin") << QByteArray("hello") << qint64(100) << QString();
    // A file whose size is unknown until read (stat says 0): the bound still holds.
    QTest::newRow("/proc file over the limit")
        << QStringLiteral("/proc/self/status") << QByteArray() << qint64(10)
        << QStringLiteral(": larger than 10 bytes");
}

void FileIoTest::readBounded()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(qint64, maxBytes);
    QFETCH(QString, messageEnd);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString path = name.startsWith(QLatin1Char('/')) ? name : dir.filePath(name);
    if (name.isEmpty())
        path = dir.path();
    if (name.startsWith(QLatin1String("fifo:"))) {
        path = dir.filePath(name.mid(5));
        QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
    } else if (name.startsWith(QLatin1String("link:"))) {
        const QString target = dir.filePath(name.mid(5));
        writeRaw(target, content, 0644);
        path = dir.filePath(QStringLiteral("link"));
        QVERIFY(QFile::link(target, path));
    } else if (!content.isNull()) {
        writeRaw(path, content, 0644);
    }

    const auto read = readFileBounded(path, maxBytes);
    if (messageEnd.isEmpty()) {
        QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.errorMessage()));
        QCOMPARE(*read, content);
        return;
    }
    QVERIFY(!read.ok());
    QCOMPARE(read.errorMessage(), path + messageEnd);
}

QTEST_GUILESS_MAIN(FileIoTest)
#include "tst_file_io.moc"
