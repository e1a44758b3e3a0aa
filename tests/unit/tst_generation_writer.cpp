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

QTEST_GUILESS_MAIN(GenerationWriterTest)
#include "tst_generation_writer.moc"
