// Generations and the `current` symlink: what a server reads is always a complete bundle.

#include "TestPki.h"
#include "common/FileIo.h"
#include "export/GenerationWriter.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

using namespace baton;
using baton::test::utc;

namespace {

const QDateTime kNow = utc(2026, 12, 1, 10);
const QByteArray kDc = QByteArrayLiteral("dc-bytes-1");
const QByteArray kKey = QByteArrayLiteral("key-bytes-1");

int modeOf(const QString &path)
{
    struct stat info
    {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? int(info.st_mode & 0777) : -1;
}

QByteArray contentOf(const QString &path)
{
    auto data = readFileBounded(path, 1 << 20);
    return data ? *data : QByteArray();
}

QList<GenerationFile> bundle(const QByteArray &dc, const QByteArray &key)
{
    return {{u"dc-key.pem"_qs, key, 0600}, {u"dc.bin"_qs, dc, 0644}};
}

} // namespace

class GenerationWriterTest : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void writesAndSwaps();
    void prunesOldGenerations();
    void interruptedExportKeepsServing_data();
    void interruptedExportKeepsServing();
    void refusesForeignCurrent();
    void badFileNames_data();
    void badFileNames();
    void hostileEntriesAreLeftAlone_data();
    void hostileEntriesAreLeftAlone();
    void addedFilesSurvivePruning();
    void crashLeftoversAreRemoved();
    void modesIgnoreTheUmask();
    void fullDiskPrunesAndRetries();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_out;
};

void GenerationWriterTest::init()
{
    ::umask(022);
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_out = m_dir->filePath(u"bundle"_qs);
}

void GenerationWriterTest::writesAndSwaps()
{
    auto first = writeGeneration(m_out, bundle(kDc, kKey), kNow);
    QVERIFY2(first, qPrintable(first.errorMessage()));
    QVERIFY(first->name.startsWith(u"gen-20261201T100000Z-"_qs));
    QCOMPARE(QFileInfo(m_out + u"/current"_qs).symLinkTarget(), first->path);
    QCOMPARE(contentOf(m_out + u"/current/dc.bin"_qs), kDc);
    QCOMPARE(contentOf(m_out + u"/current/dc-key.pem"_qs), kKey);
    QCOMPARE(modeOf(m_out + u"/current/dc-key.pem"_qs), 0600);
    QCOMPARE(modeOf(m_out + u"/current/dc.bin"_qs), 0644);

    auto second = writeGeneration(m_out, bundle("dc-bytes-2", "key-bytes-2"), kNow.addSecs(3600));
    QVERIFY(second);
    QCOMPARE(QFileInfo(m_out + u"/current"_qs).symLinkTarget(), second->path);
    QCOMPARE(contentOf(m_out + u"/current/dc.bin"_qs), QByteArray("dc-bytes-2"));
    QCOMPARE(listGenerations(m_out), (QStringList{first->name, second->name}));
    QCOMPARE(contentOf(first->path + u"/dc.bin"_qs), kDc); // the previous one stays, untouched
    // Nothing but generations and the link: no temporary left behind.
    QCOMPARE(QDir(m_out).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot |
                                   QDir::System),
             (QStringList{u"current"_qs, first->name, second->name}));
}

void GenerationWriterTest::prunesOldGenerations()
{
    // A file and a directory of someone else's survive every export and every pruning.
    QVERIFY(QDir().mkpath(m_out + u"/gen-not-ours"_qs));
    QVERIFY(writeFileAtomically(m_out + u"/README"_qs, "keep me", 0644, Overwrite::Refuse));
    QStringList written;
    for (int i = 0; i < 5; ++i) {
        auto generation = writeGeneration(m_out, bundle(kDc, kKey), kNow.addSecs(i));
        QVERIFY(generation);
        written << generation->name;
        QCOMPARE(generation->pruned.size(), i < 3 ? 0 : 1);
    }
    QCOMPARE(listGenerations(m_out), written.mid(2));
    QCOMPARE(QFileInfo(m_out + u"/current"_qs).symLinkTarget(), m_out + u"/"_qs + written.last());
    QVERIFY(QFileInfo(m_out + u"/gen-not-ours"_qs).isDir());
    QCOMPARE(contentOf(m_out + u"/README"_qs), QByteArray("keep me"));
}

void GenerationWriterTest::interruptedExportKeepsServing_data()
{
    QTest::addColumn<QString>("failingStep");
    for (const char *step : {"create generation", "write dc-key.pem", "write dc.bin",
                             "sync generation", "swap current"})
        QTest::newRow(step) << QString::fromLatin1(step);
}

void GenerationWriterTest::interruptedExportKeepsServing()
{
    QFETCH(QString, failingStep);
    auto serving = writeGeneration(m_out, bundle(kDc, kKey), kNow);
    QVERIFY(serving);
    QStringList steps;
    auto failed = writeGeneration(m_out, bundle("new dc", "new key"), kNow.addSecs(60),
                                  kGenerationsKept, [&](const QString &step) {
                                      steps << step;
                                      return step != failingStep;
                                  });
    QVERIFY(!failed);
    QCOMPARE(failed.errorMessage(),
             failingStep + u" failed: No space left on device (injected)"_qs);
    QVERIFY(steps.contains(failingStep));
    // The old generation still serves, whole, and the new one left nothing behind.
    QCOMPARE(QFileInfo(m_out + u"/current"_qs).symLinkTarget(), serving->path);
    QCOMPARE(contentOf(m_out + u"/current/dc.bin"_qs), kDc);
    QCOMPARE(contentOf(m_out + u"/current/dc-key.pem"_qs), kKey);
    QCOMPARE(QDir(m_out).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot |
                                   QDir::System),
             (QStringList{u"current"_qs, serving->name}));
}

void GenerationWriterTest::refusesForeignCurrent()
{
    QVERIFY(QDir().mkpath(m_out));
    QVERIFY(writeFileAtomically(m_out + u"/current"_qs, "a file of someone else's", 0644,
                                Overwrite::Refuse));
    auto result = writeGeneration(m_out, bundle(kDc, kKey), kNow);
    QVERIFY(!result);
    QVERIFY(result.errorMessage().contains(u"is not a symlink; not replacing it"_qs));
    QCOMPARE(contentOf(m_out + u"/current"_qs), QByteArray("a file of someone else's"));
    QVERIFY(listGenerations(m_out).isEmpty());
}

void GenerationWriterTest::badFileNames_data()
{
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("second");
    QTest::newRow("empty") << QString() << u"dc.bin"_qs;
    QTest::newRow("a path") << u"../dc.bin"_qs << u"dc.bin"_qs;
    QTest::newRow("dot-dot") << u".."_qs << u"dc.bin"_qs;
    QTest::newRow("twice the same") << u"dc.bin"_qs << u"dc.bin"_qs;
}

void GenerationWriterTest::badFileNames()
{
    QFETCH(QString, first);
    QFETCH(QString, second);
    auto result = writeGeneration(m_out, {{first, kDc, 0644}, {second, kDc, 0644}}, kNow);
    QVERIFY(!result);
    QVERIFY(result.errorMessage().contains(u"is not a usable bundle file name"_qs));
    QVERIFY(listGenerations(m_out).isEmpty());
}

void GenerationWriterTest::hostileEntriesAreLeftAlone_data()
{
    // Each is named like a generation, older than any Baton writes, so pruning reaches it first.
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("reason");
    QTest::newRow("symlink to a directory") << u"symlink"_qs << u"a symlink"_qs;
    QTest::newRow("directory without manifest")
        << u"directory"_qs << u"has no .baton-generation"_qs;
    QTest::newRow("forged manifest") << u"forged"_qs << u"is not one Baton wrote"_qs;
    QTest::newRow("regular file") << u"file"_qs << u"not a directory"_qs;
}

void GenerationWriterTest::hostileEntriesAreLeftAlone()
{
    QFETCH(QString, kind);
    QFETCH(QString, reason);
    // What a local attacker plants in a target directory root rotates into.
    const QString victim = m_dir->filePath(u"victim"_qs);
    QVERIFY(QDir().mkpath(victim + u"/sub"_qs));
    QVERIFY(writeFileAtomically(victim + u"/a"_qs, "x", 0644, Overwrite::Refuse));
    QVERIFY(writeFileAtomically(victim + u"/sub/b"_qs, "y", 0644, Overwrite::Refuse));
    QVERIFY(QDir().mkpath(m_out));
    const QString planted = m_out + u"/gen-20000101T000000Z-0000"_qs;
    if (kind == u"symlink"_qs) {
        QVERIFY(QFile::link(victim, planted));
    } else if (kind == u"file"_qs) {
        QVERIFY(writeFileAtomically(planted, "x", 0644, Overwrite::Refuse));
    } else {
        QVERIFY(QDir().mkpath(planted));
        QVERIFY(writeFileAtomically(planted + u"/a"_qs, "x", 0644, Overwrite::Refuse));
        if (kind == u"forged"_qs)
            QVERIFY(writeFileAtomically(planted + u"/.baton-generation"_qs, "a\n", 0644,
                                        Overwrite::Refuse));
    }
    for (int i = 0; i < kGenerationsKept + 2; ++i) {
        auto written = writeGeneration(m_out, bundle(kDc, kKey), kNow.addSecs(3600 * i));
        QVERIFY2(written, qPrintable(written.errorMessage()));
        QCOMPARE(written->leftAlone.size(), 1);
        QVERIFY2(written->leftAlone.first().startsWith(u"gen-20000101T000000Z-0000: "_qs),
                 qPrintable(written->leftAlone.first()));
        QVERIFY2(written->leftAlone.first().contains(reason),
                 qPrintable(written->leftAlone.first()));
        QVERIFY(!written->pruned.contains(u"gen-20000101T000000Z-0000"_qs));
    }
    QCOMPARE(contentOf(victim + u"/a"_qs), QByteArray("x"));
    QCOMPARE(contentOf(victim + u"/sub/b"_qs), QByteArray("y"));
    QVERIFY(QFileInfo(planted).isSymLink() || QFileInfo::exists(planted));
    if (kind != u"symlink"_qs && kind != u"file"_qs)
        QCOMPARE(contentOf(planted + u"/a"_qs), QByteArray("x"));
    // Not counted as kept either: Baton's own newest generations are all still there.
    QCOMPARE(listGenerations(m_out).size() - (kind == u"directory"_qs || kind == u"forged"_qs),
             qsizetype(kGenerationsKept));
}

void GenerationWriterTest::addedFilesSurvivePruning()
{
    auto first = writeGeneration(m_out, bundle(kDc, kKey), kNow);
    QVERIFY(first);
    QVERIFY(writeFileAtomically(first->path + u"/notes.txt"_qs, "mine", 0644, Overwrite::Refuse));
    WrittenGeneration last;
    for (int i = 1; i <= kGenerationsKept; ++i) {
        auto written = writeGeneration(m_out, bundle(kDc, kKey), kNow.addSecs(i));
        QVERIFY(written);
        last = *written;
    }
    // Baton removed its own files and left the directory, with the file it did not write.
    QVERIFY(!last.pruned.contains(first->name));
    QCOMPARE(last.leftAlone, QStringList{first->name + u": it holds files Baton did not write; "
                                                       u"left in place"_qs});
    QCOMPARE(QDir(first->path).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{u"notes.txt"_qs});
}

void GenerationWriterTest::crashLeftoversAreRemoved()
{
    auto serving = writeGeneration(m_out, bundle(kDc, kKey), kNow);
    QVERIFY(serving);
    // A crash between symlink() and rename(), and one in the middle of writing a generation.
    const QString staleLink = m_out + u"/.current.tmp-gen-20261201T100500Z-00aa"_qs;
    QVERIFY(QFile::link(u"gen-20261201T100500Z-00aa"_qs, staleLink));
    const QString half = m_out + u"/.gen-20261201T100600Z-00bb.partial"_qs;
    QVERIFY(QDir().mkpath(half));
    QVERIFY(writeFileAtomically(half + u"/.baton-generation"_qs,
                                "baton generation 1\ndc-key.pem\ndc.bin\n", 0644,
                                Overwrite::Refuse));
    QVERIFY(writeFileAtomically(half + u"/dc-key.pem"_qs, "half", 0600, Overwrite::Refuse));
    // Someone else's partial-looking directory is not Baton's to remove.
    const QString foreign = m_out + u"/.gen-20261201T100700Z-00cc.partial"_qs;
    QVERIFY(QDir().mkpath(foreign));
    QVERIFY(writeFileAtomically(foreign + u"/x"_qs, "x", 0644, Overwrite::Refuse));

    auto next = writeGeneration(m_out, bundle(kDc, kKey), kNow.addSecs(3600));
    QVERIFY(next);
    QVERIFY(!QFileInfo(staleLink).isSymLink());
    QVERIFY(!QFileInfo::exists(half));
    QVERIFY(QFileInfo::exists(foreign + u"/x"_qs));
    QCOMPARE(next->leftAlone.size(), 1);
    QVERIFY(next->leftAlone.first().startsWith(u".gen-20261201T100700Z-00cc.partial: "_qs));
    QCOMPARE(listGenerations(m_out), (QStringList{serving->name, next->name}));
}

void GenerationWriterTest::modesIgnoreTheUmask()
{
    ::umask(0);
    auto written = writeGeneration(m_dir->filePath(u"a/b/bundle"_qs), bundle(kDc, kKey), kNow);
    ::umask(022);
    QVERIFY(written);
    for (const QString &directory : {m_dir->filePath(u"a"_qs), m_dir->filePath(u"a/b"_qs),
                                     m_dir->filePath(u"a/b/bundle"_qs), written->path})
        QCOMPARE(modeOf(directory), 0755);
    QCOMPARE(modeOf(written->path + u"/dc-key.pem"_qs), 0600);
    QCOMPARE(modeOf(written->path + u"/dc.bin"_qs), 0644);
}

void GenerationWriterTest::fullDiskPrunesAndRetries()
{
    // A filesystem with room for three generations: a write fails while three are there.
    int rotations = 0;
    const GenerationStepHook roomForThree = [&](const QString &step) {
        return step != u"write dc.bin"_qs || listGenerations(m_out).size() < 3;
    };
    for (int i = 0; i < 6; ++i) {
        auto written = writeGeneration(m_out, bundle(kDc, kKey), kNow.addSecs(3600 * i),
                                       kGenerationsKept, roomForThree);
        QVERIFY2(written, qPrintable(u"rotation %1: "_qs.arg(i) + written.errorMessage()));
        QCOMPARE(QFileInfo(m_out + u"/current"_qs).symLinkTarget(), written->path);
        ++rotations;
    }
    QCOMPARE(rotations, 6);
    QVERIFY(listGenerations(m_out).size() <= 3);
    // Nothing half-written stays behind from the failed first attempts.
    for (const QString &entry :
         QDir(m_out).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot))
        QVERIFY2(entry == u"current"_qs || entry.startsWith(u"gen-"_qs), qPrintable(entry));
}

QTEST_GUILESS_MAIN(GenerationWriterTest)
#include "tst_generation_writer.moc"
