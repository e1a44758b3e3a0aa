// The containers a bundle can travel in: a .tar.gz and a Kubernetes Secret manifest. Both are
// read back strictly, including the forms tar(1) and kubectl produce from them.

#include "TarBytes.h"
#include "TestPki.h"
#include "export/KubernetesSecret.h"
#include "export/TarGz.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace baton;
using namespace baton::test;

namespace {

const QDateTime kMtime = utc(2026, 6, 1, 12);

QList<TarMember> sampleMembers()
{
    return {{u"dc.bin"_qs, QByteArray(300, 'd'), 0644},
            {u"dc-key.pem"_qs, QByteArray(1024, 'k'), 0600},
            {u"manifest.json"_qs, "{}\n", 0644}};
}

QString tarTool()
{
    return QStandardPaths::findExecutable(u"tar"_qs);
}

const char kKubectlYaml[] = R"(apiVersion: v1
data:
  chain.pem: Y2hhaW4=
  dc.bin: AAEC
kind: Secret
metadata:
  annotations:
    baton.dev/certificate-sha256: "AB:CD"
    baton.dev/dc-expiry: "2026-06-02T12:00:00Z"
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","kind":"Secret"}
  creationTimestamp: "2026-06-01T12:00:05Z"
  labels:
    app.kubernetes.io/managed-by: baton
  managedFields:
  - apiVersion: v1
    fieldsType: FieldsV1
    fieldsV1:
      f:data:
        .: {}
        f:dc.bin: {}
    manager: kubectl-client-side-apply
    operation: Update
  name: baton-dc-example.com
  namespace: edge
  resourceVersion: "4711"
  uid: 0b6e2c1a-5f57-4c1e-9c0e-1f2d3c4b5a69
type: Opaque
)";

} // namespace

class BundleFormatsTest : public QObject
{
    Q_OBJECT

private slots:
    void tarRoundTrip();
    void tarIsReproducible();
    void tarReadByGnuTar();
    void tarWrittenByGnuTar();
    void tarRejects_data();
    void tarRejects();
    void secretRoundTrip();
    void secretAsKubectlPrintsIt_data();
    void secretAsKubectlPrintsIt();
    void secretRejects_data();
    void secretRejects();
    void secretNames_data();
    void secretNames();
};

void BundleFormatsTest::tarRoundTrip()
{
    auto archive = writeTarGz(sampleMembers(), kMtime);
    QVERIFY2(archive, qPrintable(archive.errorMessage()));
    QVERIFY(looksLikeGzip(*archive));
    auto members = readTarGz(*archive);
    QVERIFY2(members, qPrintable(members.errorMessage()));
    QCOMPARE(members->size(), 3);
    for (qsizetype i = 0; i < members->size(); ++i) {
        QCOMPARE(members->at(i).name, sampleMembers().at(i).name);
        QCOMPARE(members->at(i).data, sampleMembers().at(i).data);
        QCOMPARE(members->at(i).mode, sampleMembers().at(i).mode);
    }
}

void BundleFormatsTest::tarIsReproducible()
{
    QCOMPARE(*writeTarGz(sampleMembers(), kMtime), *writeTarGz(sampleMembers(), kMtime));
    QVERIFY(*writeTarGz(sampleMembers(), kMtime) !=
            *writeTarGz(sampleMembers(), kMtime.addSecs(1)));
}

void BundleFormatsTest::tarReadByGnuTar()
{
    if (tarTool().isEmpty())
        QSKIP("tar(1) is not installed");
    QTemporaryDir dir;
    QFile file(dir.filePath(u"bundle.tar.gz"_qs));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(*writeTarGz(sampleMembers(), kMtime));
    file.close();
    QProcess tar;
    tar.start(tarTool(), {u"-tvzf"_qs, file.fileName()});
    QVERIFY(tar.waitForFinished(10000));
    QCOMPARE(tar.exitCode(), 0);
    const QString listing = QString::fromUtf8(tar.readAllStandardOutput());
    // An independent reader sees the names, sizes, modes, owner and time we wrote.
    QVERIFY2(listing.contains(u"-rw------- root/root      1024 2026-06-01 12:00 dc-key.pem"_qs),
             qPrintable(listing));
    QVERIFY2(listing.contains(u"-rw-r--r-- root/root       300 2026-06-01 12:00 dc.bin"_qs),
             qPrintable(listing));
    QCOMPARE(tar.readAllStandardError(), QByteArray());
}

void BundleFormatsTest::tarWrittenByGnuTar()
{
    if (tarTool().isEmpty())
        QSKIP("tar(1) is not installed");
    // An operator unpacked a bundle and packed it again: "./" entries, GNU format, padding.
    QTemporaryDir dir;
    QDir(dir.path()).mkdir(u"in"_qs);
    for (const TarMember &member : sampleMembers()) {
        QFile file(dir.filePath(u"in/"_qs + member.name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(member.data);
        file.close();
        file.setPermissions(member.mode == 0600 ? QFile::ReadOwner | QFile::WriteOwner
                                                : QFile::ReadOwner | QFile::WriteOwner |
                                                      QFile::ReadGroup | QFile::ReadOther);
    }
    QProcess tar;
    tar.start(tarTool(), {u"-czf"_qs, dir.filePath(u"repacked.tar.gz"_qs), u"-C"_qs,
                          dir.filePath(u"in"_qs), u"."_qs});
    QVERIFY(tar.waitForFinished(10000));
    QCOMPARE(tar.exitCode(), 0);
    QFile packed(dir.filePath(u"repacked.tar.gz"_qs));
    QVERIFY(packed.open(QIODevice::ReadOnly));
    auto members = readTarGz(packed.readAll());
    QVERIFY2(members, qPrintable(members.errorMessage()));
    QCOMPARE(members->size(), 3);
    QStringList names;
    for (const TarMember &member : *members) {
        names << member.name;
        if (member.name == u"dc-key.pem"_qs) {
            QCOMPARE(member.mode, 0600);
            QCOMPARE(member.data, QByteArray(1024, 'k'));
        }
    }
    names.sort();
    QCOMPARE(names, (QStringList{u"dc-key.pem"_qs, u"dc.bin"_qs, u"manifest.json"_qs}));
}

void BundleFormatsTest::tarRejects_data()
{
    QTest::addColumn<QByteArray>("archive");
    QTest::addColumn<QString>("message");
    const QByteArray good = *writeTarGz(sampleMembers(), kMtime);
    const QByteArray tar = gunzipped(good);

    QTest::newRow("not gzip") << QByteArray("\x1f\x8bnot really") << u"corrupt"_qs;
    QTest::newRow("truncated gzip") << good.left(good.size() / 2) << u"truncated"_qs;
    QTest::newRow("bytes after the stream")
        << good + "junk" << u"4 unexpected bytes after the gzip stream"_qs;
    QByteArray badChecksum = tar;
    badChecksum[5] = 'X';
    QTest::newRow("header checksum")
        << gzipped(badChecksum) << u"tar header at byte 0: the header checksum does not match"_qs;
    QByteArray notUstar = tar;
    std::memcpy(notUstar.data() + 257, "xxxxx", 5);
    fixTarChecksum(notUstar, 0);
    QTest::newRow("not ustar") << gzipped(notUstar) << u"expected a ustar header"_qs;
    QByteArray symlink = tar;
    symlink[156] = '2';
    fixTarChecksum(symlink, 0);
    QTest::newRow("symlink member")
        << gzipped(symlink) << u"'dc.bin' is a symbolic link; a bundle holds only plain files"_qs;
    QByteArray nested = tar;
    std::memcpy(nested.data(), "etc/dc.bin", 11);
    fixTarChecksum(nested, 0);
    QTest::newRow("subdirectory") << gzipped(nested) << u"'etc/dc.bin' is not a top-level"_qs;
    QByteArray escape = tar;
    std::memcpy(escape.data(), "../dc.bin", 10);
    fixTarChecksum(escape, 0);
    QTest::newRow("path escape") << gzipped(escape) << u"'../dc.bin' is not a top-level"_qs;
    QByteArray oversize = tar;
    std::memcpy(oversize.data() + 124, "77777777777", 11);
    fixTarChecksum(oversize, 0);
    QTest::newRow("size beyond the end")
        << gzipped(oversize) << u"'dc.bin' claims 8589934591 bytes; the archive ends first"_qs;
    QTest::newRow("no end blocks")
        << gzipped(tar.left(512 + 512)) << u"ends without its end-of-archive blocks"_qs;
    QByteArray trailing = tar;
    trailing[trailing.size() - 1] = 'x';
    QTest::newRow("data after the end")
        << gzipped(trailing) << u"data after the end-of-archive block"_qs;
    auto duplicate = writeTarGz({sampleMembers().at(0), sampleMembers().at(0)}, kMtime);
    QTest::newRow("duplicate member") << *duplicate << u"'dc.bin' appears twice"_qs;
    QTest::newRow("decompression bomb")
        << gzipped(QByteArray(kMaxTarExpandedSize + 1, '\0')) << u"expands beyond 8 MiB"_qs;
}

void BundleFormatsTest::tarRejects()
{
    QFETCH(QByteArray, archive);
    QFETCH(QString, message);
    auto members = readTarGz(archive);
    QVERIFY(!members);
    QVERIFY2(members.errorMessage().contains(message), qPrintable(members.errorMessage()));
}

void BundleFormatsTest::secretRoundTrip()
{
    KubernetesSecret secret;
    secret.name = u"baton-dc-example.com"_qs;
    secret.labels.insert(u"app.kubernetes.io/managed-by"_qs, u"baton"_qs);
    secret.annotations.insert(u"baton.dev/dc-expiry"_qs, u"2026-06-02T12:00:00Z"_qs);
    secret.annotations.insert(u"baton.dev/certificate-sha256"_qs, u"AB:\"CD\\"_qs);
    secret.data.insert(u"dc.bin"_qs, QByteArray("\x00\x01\x02\xff", 4));
    secret.data.insert(u"dc-key.pem"_qs, QByteArray(2000, 'k'));
    // Keys Kubernetes allows that YAML could take for list items (found by fuzz_secret).
    secret.annotations.insert(u"-sha128"_qs, u"=F1:WreAgICAgI00:00Z"_qs);
    secret.data.insert(u"-"_qs, QByteArray("dash"));
    secret.data.insert(u"-.pem"_qs, QByteArray("dash dot"));
    const QByteArray yaml = writeKubernetesSecret(secret, u"line one\nline two"_qs);
    QVERIFY(yaml.startsWith("# line one\n# line two\napiVersion: v1\nkind: Secret\n"));
    QVERIFY(looksLikeKubernetesManifest(yaml));
    auto read = readKubernetesSecret(yaml);
    QVERIFY2(read, qPrintable(read.errorMessage()));
    QCOMPARE(read->name, secret.name);
    QCOMPARE(read->type, u"Opaque"_qs);
    QCOMPARE(read->labels, secret.labels);
    QCOMPARE(read->annotations, secret.annotations);
    QCOMPARE(read->data, secret.data);
}

void BundleFormatsTest::secretAsKubectlPrintsIt_data()
{
    QTest::addColumn<QByteArray>("manifest");
    QTest::newRow("kubectl get -o yaml") << QByteArray(kKubectlYaml);
    QTest::newRow("kubectl get -o json")
        << QByteArray(R"({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
  "data": {"chain.pem": "Y2hhaW4=", "dc.bin": "AAEC"},
  "metadata": {"name": "baton-dc-example.com", "namespace": "edge",
    "labels": {"app.kubernetes.io/managed-by": "baton"},
    "annotations": {"baton.dev/certificate-sha256": "AB:CD",
                    "baton.dev/dc-expiry": "2026-06-02T12:00:00Z"},
    "managedFields": [{"manager": "kubectl"}]}})");
    QTest::newRow("document marker, CRLF, comments")
        << QByteArray("---\r\n# exported\r\napiVersion: 'v1'\r\nkind: Secret # a Secret\r\n"
                      "metadata:\r\n  name: baton-dc-example.com\r\n  labels:\r\n"
                      "    app.kubernetes.io/managed-by: baton\r\n  annotations:\r\n"
                      "    baton.dev/certificate-sha256: 'AB:CD'\r\n"
                      "    baton.dev/dc-expiry: \"2026-06-02T12:00:00Z\"\r\ntype: Opaque\r\n"
                      "data:\r\n  dc.bin: AAEC\r\n  chain.pem: Y2hhaW4=\r\n");
}

void BundleFormatsTest::secretAsKubectlPrintsIt()
{
    QFETCH(QByteArray, manifest);
    QVERIFY(looksLikeKubernetesManifest(manifest));
    auto secret = readKubernetesSecret(manifest);
    QVERIFY2(secret, qPrintable(secret.errorMessage()));
    QCOMPARE(secret->name, u"baton-dc-example.com"_qs);
    QCOMPARE(secret->type, u"Opaque"_qs);
    QCOMPARE(secret->annotations.value(u"baton.dev/certificate-sha256"_qs), u"AB:CD"_qs);
    QCOMPARE(secret->annotations.value(u"baton.dev/dc-expiry"_qs), u"2026-06-02T12:00:00Z"_qs);
    QCOMPARE(secret->labels.value(u"app.kubernetes.io/managed-by"_qs), u"baton"_qs);
    QCOMPARE(secret->data.size(), 2);
    QCOMPARE(secret->data.value(u"dc.bin"_qs), QByteArray("\x00\x01\x02", 3));
    QCOMPARE(secret->data.value(u"chain.pem"_qs), QByteArray("chain"));
}

void BundleFormatsTest::secretRejects_data()
{
    QTest::addColumn<QByteArray>("manifest");
    QTest::addColumn<QString>("message");
    const QByteArray head = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n";
    QTest::newRow("a ConfigMap")
        << QByteArray("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n")
        << u"not a Kubernetes Secret (apiVersion 'v1', kind 'ConfigMap'"_qs;
    QTest::newRow("no kind") << QByteArray("apiVersion: v1\n") << u"kind ''"_qs;
    QTest::newRow("tab indentation") << head + "data:\n\tdc.bin: AAEC\n"
                                     << u"line 6: a tab in the indentation"_qs;
    QTest::newRow("not base64") << head + "data:\n  dc.bin: not*base64\n"
                                << u"line 6: data 'dc.bin' is not base64"_qs;
    QTest::newRow("duplicate data") << head + "data:\n  dc.bin: AAEC\n  dc.bin: AAEC\n"
                                    << u"line 7: data 'dc.bin' appears twice"_qs;
    QTest::newRow("a list as data") << head + "data:\n  - AAEC\n"
                                    << u"line 6: a list where data takes key: value lines"_qs;
    QTest::newRow("block scalar data") << head + "data:\n  dc.bin: |\n    AAEC\n"
                                       << u"line 6: 'dc.bin' must be a one-line value"_qs;
    QTest::newRow("unterminated quote") << head + "data:\n  dc.bin: \"AAEC\n"
                                        << u"line 6: a quoted value without its closing quote"_qs;
    QTest::newRow("not key: value") << head + "data:\n  dc.bin:AAEC\n"
                                    << u"line 6: expected 'key: value'"_qs;
    QTest::newRow("unknown escape") << head + "type: \"Op\\aque\"\n"
                                    << u"line 5: an escape other than"_qs;
    QTest::newRow("broken JSON") << QByteArray("{\"kind\": \"Secret\",") << u"not valid JSON"_qs;
}

void BundleFormatsTest::secretRejects()
{
    QFETCH(QByteArray, manifest);
    QFETCH(QString, message);
    auto secret = readKubernetesSecret(manifest);
    QVERIFY(!secret);
    QVERIFY2(secret.errorMessage().contains(message), qPrintable(secret.errorMessage()));
}

void BundleFormatsTest::secretNames_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("name");
    QTest::newRow("host") << u"edge.example.com"_qs << u"baton-dc-edge.example.com"_qs;
    QTest::newRow("wildcard") << u"*.Example.COM"_qs << u"baton-dc-wildcard.example.com"_qs;
    QTest::newRow("spaces and symbols") << u"Edge Proxy #1!"_qs << u"baton-dc-edge-proxy-1"_qs;
    QTest::newRow("too long") << QString(300, QLatin1Char('a'))
                              << u"baton-dc-"_qs + QString(244, QLatin1Char('a'));
}

void BundleFormatsTest::secretNames()
{
    QFETCH(QString, certificate);
    QFETCH(QString, name);
    QCOMPARE(kubernetesSecretName(certificate), name);
}

QTEST_GUILESS_MAIN(BundleFormatsTest)
#include "tst_bundle_formats.moc"
