// Directories Baton creates get exactly their mode, and files it trusts are the caller's alone:
// the checks that keep a root-run rotation from acting on another user's files.

#include "common/FileIo.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace baton;

Q_DECLARE_METATYPE(baton::TrustedOwner)

namespace {

int modeOf(const QString &path)
{
    struct stat info
    {};
    return ::lstat(QFile::encodeName(path).constData(), &info) == 0 ? int(info.st_mode & 07777)
                                                                    : -1;
}

bool setMode(const QString &path, int mode)
{
    return ::chmod(QFile::encodeName(path).constData(), mode_t(mode)) == 0;
}

} // namespace

class FilePermissionsTest : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void createdDirectoriesIgnoreTheUmask_data();
    void createdDirectoriesIgnoreTheUmask();
    void existingDirectoriesKeepTheirMode();
    void fileInTheWay();
    void onlyCallerCanWrite_data();
    void onlyCallerCanWrite();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void FilePermissionsTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void FilePermissionsTest::cleanup()
{
    ::umask(022);
}

void FilePermissionsTest::createdDirectoriesIgnoreTheUmask_data()
{
    QTest::addColumn<int>("umask");
    QTest::addColumn<int>("mode");
    QTest::newRow("umask 000, private") << 0 << 0700;
    QTest::newRow("umask 000, public") << 0 << 0755;
    QTest::newRow("umask 077, public") << 077 << 0755;
    QTest::newRow("umask 002, private") << 002 << 0700;
}

void FilePermissionsTest::createdDirectoriesIgnoreTheUmask()
{
    QFETCH(int, umask);
    QFETCH(int, mode);
    ::umask(mode_t(umask));
    auto opened = openOrCreateDirectory(m_dir->filePath(u"a/b/c"_qs), mode);
    ::umask(022);
    QVERIFY2(opened, qPrintable(opened.errorMessage()));
    QVERIFY(opened->valid());
    for (const char *path : {"a", "a/b", "a/b/c"})
        QCOMPARE(modeOf(m_dir->filePath(QString::fromLatin1(path))), mode);
}

void FilePermissionsTest::existingDirectoriesKeepTheirMode()
{
    // `pki init --dir .` must not chmod the user's directory, nor a symlink's target.
    const QString existing = m_dir->filePath(u"shared"_qs);
    QVERIFY(QDir().mkpath(existing));
    QVERIFY(setMode(existing, 0775));
    QVERIFY(QFile::link(existing, m_dir->filePath(u"link"_qs)));
    QVERIFY(openOrCreateDirectory(existing, 0700));
    QVERIFY(openOrCreateDirectory(m_dir->filePath(u"link"_qs), 0700));
    QVERIFY(openOrCreateDirectory(m_dir->filePath(u"link/new"_qs), 0700));
    QCOMPARE(modeOf(existing), 0775);
    QCOMPARE(modeOf(existing + u"/new"_qs), 0700);
}

void FilePermissionsTest::fileInTheWay()
{
    QFile file(m_dir->filePath(u"plain"_qs));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    auto opened = openOrCreateDirectory(m_dir->filePath(u"plain/sub"_qs), 0700);
    QVERIFY(!opened);
    QCOMPARE(opened.errorMessage(),
             m_dir->filePath(u"plain"_qs) + u" is a file, not a directory"_qs);
}

void FilePermissionsTest::onlyCallerCanWrite_data()
{
    QTest::addColumn<int>("fileMode");
    QTest::addColumn<int>("directoryMode");
    QTest::addColumn<int>("fileOwner"); // -1: the caller
    QTest::addColumn<TrustedOwner>("owner");
    QTest::addColumn<QString>("refusal"); // empty: accepted
    QTest::newRow("private") << 0600 << 0700 << -1 << TrustedOwner::Caller << QString();
    QTest::newRow("readable by all") << 0644 << 0755 << -1 << TrustedOwner::Caller << QString();
    QTest::newRow("group-writable file")
        << 0660 << 0700 << -1 << TrustedOwner::Caller << u"other users can write it (mode 0660)"_qs;
    QTest::newRow("world-writable file")
        << 0666 << 0700 << -1 << TrustedOwner::Caller << u"other users can write it (mode 0666)"_qs;
    QTest::newRow("world-writable directory")
        << 0600 << 0777 << -1 << TrustedOwner::Caller << u"other users can write the directory"_qs;
    QTest::newRow("group-writable directory")
        << 0600 << 0770 << -1 << TrustedOwner::Caller << u"other users can write the directory"_qs;
    // Our own sticky directory is as unsafe as any: only root's (/tmp) is trusted.
    if (::geteuid() != 0)
        QTest::newRow("a user's sticky directory") << 0600 << 01777 << -1 << TrustedOwner::Caller
                                                   << u"other users can write the directory"_qs;
    QTest::newRow("another user's file")
        << 0600 << 0700 << 65534 << TrustedOwner::Caller << u"owned by uid 65534"_qs;
    QTest::newRow("another user's file, read only")
        << 0600 << 0700 << 65534 << TrustedOwner::CallerOrRoot << u"owned by uid 65534"_qs;
    QTest::newRow("root's file, read only")
        << 0644 << 0755 << 0 << TrustedOwner::CallerOrRoot << QString();
}

void FilePermissionsTest::onlyCallerCanWrite()
{
    QFETCH(int, fileMode);
    QFETCH(int, directoryMode);
    QFETCH(int, fileOwner);
    QFETCH(TrustedOwner, owner);
    QFETCH(QString, refusal);
    const QString directory = m_dir->filePath(u"ws"_qs);
    const QString path = directory + u"/workspace.baton"_qs;
    QVERIFY(QDir().mkpath(directory));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QVERIFY(setMode(path, fileMode));
    QVERIFY(setMode(directory, directoryMode));
    if (fileOwner >= 0) {
        if (::geteuid() != 0)
            QSKIP("giving a file to another user needs root");
        QCOMPARE(::chown(QFile::encodeName(path).constData(), uid_t(fileOwner), gid_t(-1)), 0);
    }
    const Status checked = checkNobodyElseCanWrite(path, u"workspace"_qs, owner);
    setMode(directory, 0700);
    if (refusal.isEmpty()) {
        QVERIFY2(checked, qPrintable(checked.errorMessage()));
        return;
    }
    QVERIFY(!checked);
    QVERIFY2(checked.errorMessage().startsWith(path + u": refusing to use this workspace: "_qs),
             qPrintable(checked.errorMessage()));
    QVERIFY2(checked.errorMessage().contains(refusal), qPrintable(checked.errorMessage()));
}

QTEST_GUILESS_MAIN(FilePermissionsTest)
#include "tst_file_permissions.moc"
