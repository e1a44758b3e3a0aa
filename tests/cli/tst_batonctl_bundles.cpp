// `batonctl bundle verify` on bundles that are damaged or hostile: a bundle that exists always
// gets a full report (exit 1), text and JSON alike; hostile archives are refused early and
// cheaply; exit 2 stays for no bundle at all.

#include "ProcessRun.h"
#include "TestPki.h"
#include "common/FileIo.h"
#include "export/TarGz.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace baton;
using namespace baton::test;

namespace {

using Run = ProcessRun;

Run batonctl(const QStringList &arguments)
{
    return runProcess(QStringLiteral(BATONCTL_PATH), arguments,
                      QProcessEnvironment::systemEnvironment(), 60000);
}

const QString kNowText = u"2026-06-01T12:00:00Z"_qs;
const QDateTime kNow = utc(2026, 6, 1, 12);

/// The check ids every report of an intact-enough baton bundle lists.
const QStringList kFileChecks{u"file:chain.pem"_qs, u"file:dc-key.pem"_qs, u"file:dc.bin"_qs};

} // namespace

class BatonctlBundles : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void damagedBundleGetsFullReport_data();
    void damagedBundleGetsFullReport();
    void hostileInput_data();
    void hostileInput();

private:
    QString path(const QString &name) const { return m_work.filePath(name); }
    /// A fresh baton-profile export; returns its generation directory.
    QString exportBundle();

    QTemporaryDir m_dir;
    QDir m_work;
    QString m_certificate;
    QString m_key;
    QString m_dcDir;
    int m_counter = 0;
};

void BatonctlBundles::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_work = QDir(m_dir.path());
    std::tie(m_certificate, m_key) = writeIdentity(makeIdentity(), m_dir.path(), u"leaf"_qs);
    m_dcDir = path(u"dc"_qs);
    QVERIFY(QDir().mkpath(m_dcDir));
    const Run issued = batonctl({u"dc"_qs, u"issue"_qs, u"--cert"_qs, m_certificate, u"--key"_qs,
                                 m_key, u"--now"_qs, kNowText, u"--out"_qs, m_dcDir});
    QVERIFY2(issued.exitCode == 0, qPrintable(issued.err));
}

QString BatonctlBundles::exportBundle()
{
    const QString out = path(QStringLiteral("bundles-%1").arg(++m_counter));
    const Run exported =
        batonctl({u"export"_qs, u"--profile"_qs, u"baton"_qs, u"--cert"_qs, m_certificate,
                  u"--dc"_qs, m_dcDir + u"/dc.bin"_qs, u"--dc-key"_qs, m_dcDir + u"/dc-key.pem"_qs,
                  u"--out"_qs, out, u"--now"_qs, kNowText});
    if (exported.exitCode != 0)
        qFatal("export failed: %s", qPrintable(exported.err));
    return QFileInfo(out + u"/current"_qs).canonicalFilePath();
}

void BatonctlBundles::damagedBundleGetsFullReport_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QStringList>("failing"); ///< check ids that must fail
    QTest::addColumn<QStringList>("present"); ///< check ids the report must list
    const QStringList dcChecks{u"dc-key"_qs, u"parse"_qs, u"signature"_qs, u"not-expired"_qs,
                               u"manifest"_qs};
    // The issue's three cases first: a byte of the DC's public key (inside the SPKI's EC point,
    // 9 bytes of header + 26 of SPKI prefix + 10), an emptied key file, a signature byte.
    QTest::newRow("dc.bin: a byte of the DC key changed")
        << u"dc.bin"_qs << u"flip:45"_qs << QStringList{u"file:dc.bin"_qs}
        << kFileChecks + dcChecks;
    QTest::newRow("dc-key.pem emptied")
        << u"dc-key.pem"_qs << u"empty"_qs << QStringList{u"file:dc-key.pem"_qs, u"dc-key"_qs}
        << kFileChecks + dcChecks;
    QTest::newRow("dc.bin: a signature byte changed")
        << u"dc.bin"_qs << u"flip:-1"_qs << QStringList{u"file:dc.bin"_qs, u"signature"_qs}
        << kFileChecks + dcChecks;
    QTest::newRow("dc.bin truncated")
        << u"dc.bin"_qs << u"truncate"_qs << QStringList{u"file:dc.bin"_qs, u"parse"_qs}
        << kFileChecks + dcChecks;
    QTest::newRow("dc.bin removed")
        << u"dc.bin"_qs << u"remove"_qs << QStringList{u"file:dc.bin"_qs, u"parse"_qs}
        << kFileChecks + dcChecks;
    QTest::newRow("chain.pem removed")
        << u"chain.pem"_qs << u"remove"_qs << QStringList{u"file:chain.pem"_qs, u"certificate"_qs}
        << kFileChecks + QStringList{u"dc-key"_qs, u"dc-checks"_qs, u"manifest"_qs};
    QTest::newRow("manifest.json emptied")
        << u"manifest.json"_qs << u"empty"_qs << QStringList{u"manifest"_qs}
        << QStringList{u"manifest"_qs, u"dc-checks"_qs};
}

void BatonctlBundles::damagedBundleGetsFullReport()
{
    QFETCH(QString, file);
    QFETCH(QString, damage);
    QFETCH(QStringList, failing);
    QFETCH(QStringList, present);
    const QString generation = exportBundle();
    const QString target = generation + u'/' + file;
    auto data = readFileBounded(target, 1 << 20);
    QVERIFY(data);
    QVERIFY(QFile::remove(target));
    if (damage.startsWith(u"flip:"_qs)) {
        qsizetype offset = damage.mid(5).toLongLong();
        if (offset < 0)
            offset += data->size();
        (*data)[offset] = char((*data)[offset] ^ 0x01);
    } else if (damage == u"truncate"_qs) {
        data->truncate(20);
    } else if (damage == u"empty"_qs) {
        data->clear();
    }
    if (damage != u"remove"_qs)
        QVERIFY(writeFileAtomically(target, *data, 0600, Overwrite::Refuse));

    const Run text = batonctl({u"bundle"_qs, u"verify"_qs, u"--at"_qs, kNowText, generation});
    QCOMPARE(text.exitCode, 1);
    QVERIFY2(text.out.startsWith(u"Bundle "_qs + generation), qPrintable(text.out + text.err));
    QVERIFY2(text.out.endsWith(u"PROBLEMS FOUND\n"_qs), qPrintable(text.out));

    const Run json =
        batonctl({u"bundle"_qs, u"verify"_qs, u"--json"_qs, u"--at"_qs, kNowText, generation});
    QCOMPARE(json.exitCode, 1);
    QJsonParseError error;
    const QJsonObject report = QJsonDocument::fromJson(json.out.toUtf8(), &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(json.out + json.err));
    QCOMPARE(report.value(u"valid"_qs).toBool(true), false);
    QMap<QString, QJsonObject> checks;
    QStringList order;
    for (const QJsonValue &value : report.value(u"checks"_qs).toArray()) {
        checks.insert(value[u"id"_qs].toString(), value.toObject());
        order << value[u"id"_qs].toString();
    }
    for (const QString &id : present)
        QVERIFY2(checks.contains(id), qPrintable(id + u" not in "_qs + order.join(u' ')));
    for (const QString &id : failing) {
        QVERIFY2(checks.value(id).value(u"outcome"_qs).toString() == u"fail"_qs,
                 qPrintable(id + u": "_qs + order.join(u' ')));
        // The text report says the same, on a [FAIL] line of that check's title.
        const QString title = checks.value(id).value(u"title"_qs).toString();
        QVERIFY2(text.out.contains(u"[FAIL] "_qs + title + u": "_qs), qPrintable(text.out));
    }
    for (const QJsonObject &check : checks) {
        if (check.value(u"outcome"_qs).toString() != u"pass"_qs)
            QVERIFY2(!check.value(u"detail"_qs).toString().isEmpty(),
                     qPrintable(check.value(u"id"_qs).toString()));
    }
    // Manifest hashes first.
    QVERIFY2(order.first().startsWith(u"file:"_qs) || order.first() == u"manifest"_qs,
             qPrintable(order.join(u' ')));
}

void BatonctlBundles::hostileInput_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("contents");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expected");
    // The issue's bomb, in small: one member listed again and again must be refused, not hashed
    // once per listing.
    const QByteArray member(1 << 20, 'd');
    const QByteArray hash = QCryptographicHash::hash(member, QCryptographicHash::Sha256).toHex();
    QByteArray manifest = R"({"profile": "baton", "files": [)";
    for (int i = 0; i < 20000; ++i)
        manifest += QByteArray(i ? "," : "") + R"({"name":"dc.bin"})";
    manifest += "]}";
    QTest::newRow("a member listed 20000 times")
        << u"bomb.tar.gz"_qs
        << *writeTarGz({{u"dc.bin"_qs, member, 0644}, {u"manifest.json"_qs, manifest, 0644}}, kNow)
        << 1 << u"'files' lists 20000 entries; a bundle has at most 64"_qs;
    const QByteArray twice = R"({"profile": "baton", "files": [{"name":"dc.bin","sha256":")" +
                             hash + R"("},{"name":"dc.bin","sha256":")" + hash + R"("}]})";
    QTest::newRow("a member listed twice")
        << u"twice.tar.gz"_qs
        << *writeTarGz({{u"dc.bin"_qs, member, 0644}, {u"manifest.json"_qs, twice, 0644}}, kNow)
        << 1 << u"'dc.bin' is listed twice (also files[0])"_qs;
    QTest::newRow("gzip bomb") << u"zeros.tar.gz"_qs
                               << *writeTarGz({{u"z"_qs, QByteArray(9 << 20, '\0'), 0644}}, kNow)
                               << 2 << u"zeros.tar.gz: the archive expands beyond 8 MiB"_qs;
    QTest::newRow("no such bundle") << QString() << QByteArray() << 2 << u"no such file"_qs;
}

void BatonctlBundles::hostileInput()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, contents);
    QFETCH(int, exitCode);
    QFETCH(QString, expected);
    const QString file = path(name.isEmpty() ? u"missing.tar.gz"_qs : name);
    if (!name.isEmpty())
        QVERIFY(writeFileAtomically(file, contents, 0644, Overwrite::Replace));
    QElapsedTimer timer;
    timer.start();
    const Run run = batonctl({u"bundle"_qs, u"verify"_qs, u"--at"_qs, kNowText, file});
    QVERIFY(timer.elapsed() < 20000);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2((run.out + run.err).contains(expected), qPrintable(run.out + run.err));
}

QTEST_GUILESS_MAIN(BatonctlBundles)
#include "tst_batonctl_bundles.moc"
