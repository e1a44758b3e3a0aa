// batonctl as users and scripts meet it: the real binary, its exit codes, its files and their
// modes, and what it prints (and never prints: key bytes, passphrases).

#include "ProcessRun.h"
#include "TestPki.h"
#include "common/FileIo.h"
#include "common/TimeFormat.h"
#include "dc/DcDocument.h"
#include "export/GenerationWriter.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

using namespace baton;
using namespace baton::test;

namespace {

using Run = ProcessRun;

Run batonctl(const QStringList &arguments, const QProcessEnvironment &environment = {})
{
    return runProcess(
        QStringLiteral(BATONCTL_PATH), arguments,
        environment.isEmpty() ? QProcessEnvironment::systemEnvironment() : environment, 60000);
}

/// Runs the row's `arguments` and checks its `exitCode` and that the output has `expected`.
void expectExitAndOutput()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, expected);
    const Run run = batonctl(arguments);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2((run.out + run.err).contains(expected), qPrintable(run.out + run.err));
}

Run openssl(const QStringList &arguments);

int fileMode(const QString &path)
{
    struct stat info
    {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? int(info.st_mode & 0777) : -1;
}

// Every test issues "now" = this instant; certificates are valid around it.
const QDateTime kNow = utc(2026, 6, 1, 12);
const QString kNowText = u"2026-06-01T12:00:00Z"_qs;

} // namespace

class Batonctl : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void issueThenVerify_data();
    void issueThenVerify();
    void issueRefusals_data();
    void issueRefusals();
    void issueRefusesToOverwrite();
    void issueClampsOnRequest();
    void keyPassphraseSources_data();
    void keyPassphraseSources();
    void issueWithGivenDcKey();
    void verifyExitCodes_data();
    void verifyExitCodes();
    void verifyJson();
    void inspectObjects_data();
    void inspectObjects();
    void inspectKeepsGoingAfterABadFile();
    void inspectJson();
    void usageErrors_data();
    void usageErrors();
    void devPkiEndToEnd();
    void devPkiRefusals_data();
    void devPkiRefusals();
    void csrForARealCa();
    void exportProfiles_data();
    void exportProfiles();
    void exportRefusals_data();
    void exportRefusals();
    void exportHooks_data();
    void exportHooks();

private:
    QString path(const QString &name) const { return m_work.filePath(name); }
    QString makeOut();
    QString issueDc();

    QTemporaryDir m_dir;
    QDir m_work;
    QString m_certificate;
    QString m_key;
    QString m_encryptedKey;
    QString m_noDelegationCertificate;
    QString m_noDelegationKey;
    QString m_shortCertificate;
    QString m_shortKey;
    QString m_otherKey;
    int m_outCounter = 0;
};

void Batonctl::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QFileInfo(QStringLiteral(BATONCTL_PATH)).isExecutable());
    m_work = QDir(m_dir.path());
    const TestIdentity leaf = makeIdentity();
    std::tie(m_certificate, m_key) = writeIdentity(leaf, m_dir.path(), u"leaf"_qs);
    m_encryptedKey = path(u"leaf-key-encrypted.pem"_qs);
    QVERIFY(writeFileAtomically(m_encryptedKey, encryptedKeyPem(leaf.key.get(), "s3cret pass"),
                                0600, Overwrite::Refuse));

    CertificateOptions noDelegation;
    noDelegation.delegation = CertificateOptions::Delegation::Absent;
    std::tie(m_noDelegationCertificate, m_noDelegationKey) =
        writeIdentity(makeIdentity(noDelegation), m_dir.path(), u"plain"_qs);

    CertificateOptions ending;
    ending.notAfter = kNow.addSecs(5 * 3600);
    std::tie(m_shortCertificate, m_shortKey) =
        writeIdentity(makeIdentity(ending), m_dir.path(), u"ending"_qs);

    const TestIdentity other = makeIdentity();
    m_otherKey = writeIdentity(other, m_dir.path(), u"other"_qs).second;
}

QString Batonctl::makeOut()
{
    const QString out = path(QStringLiteral("out-%1").arg(++m_outCounter));
    QDir().mkpath(out);
    return out;
}

/// A fresh directory with a server DC (dc.bin, dc-key.pem) issued under the test leaf at kNow.
QString Batonctl::issueDc()
{
    const QString dcDir = makeOut();
    const Run issued = batonctl({u"dc"_qs, u"issue"_qs, u"--cert"_qs, m_certificate, u"--key"_qs,
                                 m_key, u"--now"_qs, kNowText, u"--out"_qs, dcDir});
    if (issued.exitCode != 0)
        qFatal("dc issue failed: %s", qPrintable(issued.err));
    return dcDir;
}

void Batonctl::issueThenVerify_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("keyDescription");
    QTest::addColumn<bool>("client");
    QTest::newRow("default (ecdsa-p256, 24 h)")
        << QStringList{} << u"ecdsa_secp256r1_sha256 (0x0403)"_qs << u"EC P-256 (256 bits)"_qs
        << false;
    QTest::newRow("ecdsa-p384 6h")
        << QStringList{u"--dc-alg"_qs, u"ecdsa-p384"_qs, u"--valid"_qs, u"6h"_qs}
        << u"ecdsa_secp384r1_sha384 (0x0503)"_qs << u"EC P-384 (384 bits)"_qs << false;
    QTest::newRow("ed25519 client") << QStringList{u"--dc-alg"_qs, u"ed25519"_qs, u"--client"_qs}
                                    << u"ed25519 (0x0807)"_qs << u"Ed25519 (256 bits)"_qs << true;
    QTest::newRow("rsa-pss-2048 2d")
        << QStringList{u"--dc-alg"_qs, u"rsa-pss-2048"_qs, u"--valid"_qs, u"2d"_qs}
        << u"rsa_pss_pss_sha256 (0x0809)"_qs << u"RSA-PSS (2048 bits)"_qs << false;
}

void Batonctl::issueThenVerify()
{
    QFETCH(QStringList, extra);
    QFETCH(QString, scheme);
    QFETCH(QString, keyDescription);
    QFETCH(bool, client);
    const QString out = makeOut();
    const Run issued =
        batonctl(QStringList{u"dc"_qs, u"issue"_qs, u"--cert"_qs, m_certificate, u"--key"_qs, m_key,
                             u"--now"_qs, kNowText, u"--out"_qs, out} +
                 extra);
    QVERIFY2(issued.exitCode == 0, qPrintable(issued.err));
    const QString dcPath = out + u"/dc.bin"_qs;
    const QString keyPath = out + u"/dc-key.pem"_qs;
    QCOMPARE(fileMode(keyPath), 0600);
    QCOMPARE(fileMode(dcPath), 0644);
    const QByteArray dc = *readFileBounded(dcPath, 1 << 20);
    QVERIFY(issued.out.contains(
        QString::fromLatin1(QCryptographicHash::hash(dc, QCryptographicHash::Sha256).toHex())));
    QVERIFY2(issued.out.contains(u"DC scheme:     "_qs + scheme), qPrintable(issued.out));
    QVERIFY2(issued.out.contains(keyDescription), qPrintable(issued.out));
    QVERIFY2(issued.out.contains(u"Expires:       2026-06-"_qs), qPrintable(issued.out));
    QVERIFY(issued.out.contains(u"valid_time:"_qs));
    // The key file is PKCS#8 and its bytes never reach the terminal.
    const QByteArray keyPem = *readFileBounded(keyPath, 1 << 20);
    QVERIFY(keyPem.startsWith(pemBeginLine(QStringLiteral("PRIVATE KEY"))));
    const QByteArray keyBody = keyPem.split('\n').at(1);
    QVERIFY(!issued.out.contains(QString::fromLatin1(keyBody)));
    QVERIFY(!issued.err.contains(QString::fromLatin1(keyBody)));

    const QStringList verify{u"dc"_qs,      u"verify"_qs, u"--cert"_qs,
                             m_certificate, u"--at"_qs,   u"2026-06-01T12:30:00Z"_qs,
                             dcPath};
    const Run asIssued = batonctl(client ? verify + QStringList{u"--client"_qs} : verify);
    QVERIFY2(asIssued.exitCode == 0, qPrintable(asIssued.out + asIssued.err));
    QVERIFY(asIssued.out.contains(u"VALID"_qs));
    const Run asOther = batonctl(client ? verify : verify + QStringList{u"--client"_qs});
    QCOMPARE(asOther.exitCode, 1);
    QVERIFY(asOther.out.contains(u"INVALID: 1 check(s) failed"_qs));
}

void Batonctl::issueRefusals_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QStringList base{u"dc"_qs, u"issue"_qs, u"--now"_qs, kNowText};
    const QStringList leaf{u"--cert"_qs, m_certificate, u"--key"_qs, m_key};
    QTest::newRow("lifetime over 7 days")
        << base + leaf + QStringList{u"--valid"_qs, u"8d"_qs} << u"7-day maximum"_qs;
    QTest::newRow("bad duration") << base + leaf + QStringList{u"--valid"_qs, u"1y"_qs}
                                  << u"--valid: '1y' is not a duration"_qs;
    QTest::newRow("missing key") << base + QStringList{u"--cert"_qs, m_certificate}
                                 << u"needs --cert CERT and --key KEY"_qs;
    QTest::newRow("both dc-key and dc-alg")
        << base + leaf + QStringList{u"--dc-key"_qs, m_key, u"--dc-alg"_qs, u"ed25519"_qs}
        << u"exclude each other"_qs;
    QTest::newRow("unknown dc-alg") << base + leaf + QStringList{u"--dc-alg"_qs, u"dsa"_qs}
                                    << u"unknown --dc-alg 'dsa'; choose one of: ecdsa-p256"_qs;
    QTest::newRow("rsaEncryption is not a dc-alg")
        << base + leaf + QStringList{u"--dc-alg"_qs, u"rsa-2048"_qs} << u"unknown --dc-alg"_qs;
    QTest::newRow("bad --now") << QStringList{u"dc"_qs, u"issue"_qs, u"--now"_qs, u"tomorrow"_qs} +
                                      leaf
                               << u"is not an RFC 3339 time"_qs;
    QTest::newRow("no DelegationUsage")
        << base +
               QStringList{u"--cert"_qs, m_noDelegationCertificate, u"--key"_qs, m_noDelegationKey}
        << u"lacks the DelegationUsage extension"_qs;
    QTest::newRow("beyond notAfter")
        << base + QStringList{u"--cert"_qs, m_shortCertificate, u"--key"_qs, m_shortKey}
        << u"--clamp"_qs;
    QTest::newRow("key of another certificate")
        << base + QStringList{u"--cert"_qs, m_certificate, u"--key"_qs, m_otherKey}
        << u"does not belong to the certificate"_qs;
    QTest::newRow("encrypted key, no passphrase, no terminal")
        << base + QStringList{u"--cert"_qs, m_certificate, u"--key"_qs, m_encryptedKey}
        << u"there is no terminal to ask on"_qs;
    QTest::newRow("encrypted key, wrong passphrase")
        << base + QStringList{u"--cert"_qs,   m_certificate,    u"--key"_qs,
                              m_encryptedKey, u"--key-pass"_qs, u"pass:not-it"_qs}
        << u"wrong passphrase"_qs;
    QTest::newRow("missing certificate")
        << base + QStringList{u"--cert"_qs, path(u"nope.pem"_qs), u"--key"_qs, m_key}
        << path(u"nope.pem"_qs) + u": no such file"_qs;
    QTest::newRow("key file is a certificate")
        << base + QStringList{u"--cert"_qs, m_certificate, u"--key"_qs, m_certificate}
        << u"no private key in this PEM (it holds: CERTIFICATE)"_qs;
    QTest::newRow("missing output directory")
        << base + leaf + QStringList{u"--out"_qs, path(u"no/such/dir"_qs)}
        << u"no such directory"_qs;
}

void Batonctl::issueRefusals()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const QString out = makeOut();
    const bool hasOut = arguments.contains(u"--out"_qs);
    const Run run = batonctl(hasOut ? arguments : arguments + QStringList{u"--out"_qs, out});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
    QCOMPARE(run.err.count(u'\n'), 1);        // one clear line
    QVERIFY(!run.err.contains(u"not-it"_qs)); // a passphrase is never echoed
    QVERIFY(QDir(out).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty());
}

void Batonctl::issueRefusesToOverwrite()
{
    const QString out = makeOut();
    const QStringList issue{u"dc"_qs, u"issue"_qs, u"--cert"_qs, m_certificate, u"--key"_qs,
                            m_key,    u"--now"_qs, kNowText,     u"--out"_qs,   out};
    QCOMPARE(batonctl(issue).exitCode, 0);
    const QByteArray first = *readFileBounded(out + u"/dc.bin"_qs, 1 << 20);
    const Run again = batonctl(issue);
    QCOMPARE(again.exitCode, 2);
    QVERIFY(again.err.contains(u"already exists; use --force"_qs));
    QCOMPARE(*readFileBounded(out + u"/dc.bin"_qs, 1 << 20), first);
    QCOMPARE(batonctl(issue + QStringList{u"--force"_qs}).exitCode, 0);
    QVERIFY(*readFileBounded(out + u"/dc.bin"_qs, 1 << 20) != first);
    QCOMPARE(fileMode(out + u"/dc-key.pem"_qs), 0600);
    QCOMPARE(QDir(out).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             (QStringList{u"dc-key.pem"_qs, u"dc.bin"_qs}));
}

void Batonctl::issueClampsOnRequest()
{
    const QString out = makeOut();
    const Run run = batonctl({u"dc"_qs, u"issue"_qs, u"--cert"_qs, m_shortCertificate, u"--key"_qs,
                              m_shortKey, u"--now"_qs, kNowText, u"--out"_qs, out, u"--clamp"_qs});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(u"note: lifetime shortened from 1 d to 5 h"_qs), qPrintable(run.out));
    QVERIFY(run.out.contains(u"Expires:       2026-06-01 17:00:00 UTC (in 5 h)"_qs));
    // The certificate ending within 7 days is worth a warning too.
    QVERIFY2(run.err.contains(u"warning: the certificate expires in 5 h"_qs), qPrintable(run.err));
}

void Batonctl::keyPassphraseSources_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("environmentValue");
    QTest::newRow("pass:") << u"pass:s3cret pass"_qs << QString();
    QTest::newRow("env:") << u"env:BATON_TEST_PASS"_qs << u"s3cret pass"_qs;
    QTest::newRow("file:") << u"file:"_qs << QString();
}

void Batonctl::keyPassphraseSources()
{
    QFETCH(QString, source);
    QFETCH(QString, environmentValue);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!environmentValue.isEmpty())
        environment.insert(u"BATON_TEST_PASS"_qs, environmentValue);
    if (source == u"file:"_qs) {
        source += path(u"pass.txt"_qs);
        QVERIFY(
            writeFileAtomically(path(u"pass.txt"_qs), "s3cret pass\n", 0600, Overwrite::Replace));
    }
    const Run run =
        batonctl({u"dc"_qs, u"issue"_qs, u"--cert"_qs, m_certificate, u"--key"_qs, m_encryptedKey,
                  u"--key-pass"_qs, source, u"--now"_qs, kNowText, u"--out"_qs, makeOut()},
                 environment);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY(!run.out.contains(u"s3cret"_qs));
}

void Batonctl::issueWithGivenDcKey()
{
    const QString out = makeOut();
    const EvpPkeyPtr dcKey = makeKey(u"ecdsa-p384"_qs);
    const QString dcKeyPath = path(u"given-dc-key.pem"_qs);
    QVERIFY(writeFileAtomically(dcKeyPath, encodePrivateKeyPkcs8Pem(dcKey.get())->bytes(), 0600,
                                Overwrite::Replace));
    const Run run =
        batonctl({u"dc"_qs, u"issue"_qs, u"--cert"_qs, m_certificate, u"--key"_qs, m_key,
                  u"--dc-key"_qs, dcKeyPath, u"--now"_qs, kNowText, u"--out"_qs, out});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY(run.out.contains(dcKeyPath + u" (given)"_qs));
    QCOMPARE(QDir(out).entryList(QDir::Files), QStringList{u"dc.bin"_qs});
    auto document = readDelegatedCredentialFile(out + u"/dc.bin"_qs);
    QVERIFY(document);
    QCOMPARE(document->credential.subjectPublicKeyInfo, *encodeSubjectPublicKeyInfo(dcKey.get()));
}

void Batonctl::verifyExitCodes_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expected");
    const QString dir = makeOut();
    const Run issued = batonctl({u"dc"_qs, u"issue"_qs, u"--cert"_qs, m_certificate, u"--key"_qs,
                                 m_key, u"--now"_qs, kNowText, u"--out"_qs, dir});
    QVERIFY(issued.exitCode == 0);
    const QString dc = dir + u"/dc.bin"_qs;
    const QString garbage = path(u"garbage.bin"_qs);
    QVERIFY(writeFileAtomically(garbage, "this is not a DC at all", 0644, Overwrite::Replace));
    const QStringList verify{u"dc"_qs, u"verify"_qs, u"--cert"_qs, m_certificate};
    QTest::newRow("valid") << verify + QStringList{u"--at"_qs, u"2026-06-01T13:00:00Z"_qs, dc} << 0
                           << u"[pass] Signature: valid server DC signature"_qs;
    QTest::newRow("expired") << verify + QStringList{u"--at"_qs, u"2026-06-02T12:00:00Z"_qs, dc}
                             << 1
                             << u"[FAIL] Not expired: the DC expired at 2026-06-02 12:00:00"_qs;
    QTest::newRow("other certificate")
        << QStringList{u"dc"_qs,
                       u"verify"_qs,
                       u"--cert"_qs,
                       m_shortCertificate,
                       u"--at"_qs,
                       u"2026-06-01T13:00:00Z"_qs,
                       dc}
        << 1 << u"[FAIL] Signature: the signature does not verify"_qs;
    QTest::newRow("missing DC") << verify + QStringList{path(u"missing.bin"_qs)} << 2
                                << u"no such file"_qs;
    QTest::newRow("garbage DC") << verify + QStringList{garbage} << 2 << u"garbage.bin: "_qs;
    QTest::newRow("no DC argument") << verify << 2 << u"exactly one DC file"_qs;
    const QString vectors = dcVectorsDirectory();
    if (!vectors.isEmpty())
        QTest::newRow("draft-02 vector")
            << QStringList{u"dc"_qs, u"verify"_qs, u"--cert"_qs,
                           vectors + u"/05_gokeyless_draft02_legacy/cert.pem"_qs,
                           vectors + u"/05_gokeyless_draft02_legacy/dc_draft02.pem"_qs}
            << 2 << u"pre-RFC draft format"_qs;
}

void Batonctl::verifyExitCodes()
{
    expectExitAndOutput();
}

void Batonctl::verifyJson()
{
    const QString dir = makeOut();
    QCOMPARE(batonctl({u"dc"_qs, u"issue"_qs, u"--cert"_qs, m_certificate, u"--key"_qs, m_key,
                       u"--now"_qs, kNowText, u"--valid"_qs, u"90m"_qs, u"--out"_qs, dir})
                 .exitCode,
             0);
    const Run run = batonctl({u"dc"_qs, u"verify"_qs, u"--cert"_qs, m_certificate, u"--at"_qs,
                              kNowText, u"--json"_qs, dir + u"/dc.bin"_qs});
    QCOMPARE(run.exitCode, 0);
    QJsonParseError error;
    const QJsonObject report = QJsonDocument::fromJson(run.out.toUtf8(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(report.value(u"valid"_qs).toBool(), true);
    QCOMPARE(report.value(u"role"_qs).toString(), u"server"_qs);
    QCOMPARE(report.value(u"encoding"_qs).toString(), u"binary"_qs);
    QCOMPARE(report.value(u"expiry"_qs).toString(), u"2026-06-01T13:30:00Z"_qs);
    QCOMPARE(report.value(u"dcCertVerifyAlgorithm"_qs).toObject().value(u"code"_qs).toString(),
             u"0x0403"_qs);
    QStringList ids;
    for (const QJsonValue &check : report.value(u"checks"_qs).toArray()) {
        ids << check.toObject().value(u"id"_qs).toString();
        QCOMPARE(check.toObject().value(u"outcome"_qs).toString(), u"pass"_qs);
    }
    QCOMPARE(ids, (QStringList{u"parse"_qs, u"rsae-ban"_qs, u"scheme-key"_qs, u"not-expired"_qs,
                               u"max-validity"_qs, u"within-certificate"_qs, u"delegation-usage"_qs,
                               u"key-usage"_qs, u"end-entity"_qs, u"certificate-algorithm"_qs,
                               u"signature"_qs}));
}

void Batonctl::inspectObjects_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QStringList>("absent");
    const QString dir = makeOut();
    QVERIFY(batonctl({u"dc"_qs, u"issue"_qs, u"--cert"_qs, m_certificate, u"--key"_qs, m_key,
                      u"--now"_qs, kNowText, u"--out"_qs, dir})
                .exitCode == 0);
    const QByteArray keyPem = *readFileBounded(m_key, 1 << 20);
    QTest::newRow("certificate")
        << QStringList{u"--now"_qs, kNowText, m_certificate}
        << QStringList{u"[PEM block 1 'CERTIFICATE' at byte 0]: certificate: localhost"_qs,
                       u"    Key: EC P-256 (256 bits)"_qs,
                       u"  DelegationUsage (RFC 9345) (1.3.6.1.4.1.44363.44)\n"_qs,
                       u"  Key Usage (2.5.29.15, critical)\n    Usage: digitalSignature\n"_qs,
                       u"DC readiness:  can delegate: DCs up to 7 d"_qs,
                       u"[pass] Certificate has DelegationUsage"_qs,
                       u"SHA-256:"_qs,
                       u"[pass] Firefox (NSS): accepts DCs"_qs}
        << QStringList{};
    QTest::newRow("certificate without DelegationUsage")
        << QStringList{u"--now"_qs, kNowText, m_noDelegationCertificate}
        << QStringList{u"DC readiness:  cannot delegate"_qs,
                       u"[FAIL] Certificate has DelegationUsage"_qs}
        << QStringList{};
    QTest::newRow("DC with its certificate")
        << QStringList{u"--now"_qs, kNowText, u"--cert"_qs, m_certificate, dir + u"/dc.bin"_qs}
        << QStringList{u"delegated credential (binary, "_qs,
                       u"Expires:       2026-06-02 12:00:00 UTC (in 1 d)"_qs,
                       u"DC scheme:     ecdsa_secp256r1_sha256 (0x0403)"_qs}
        << QStringList{};
    QTest::newRow("DC alone") << QStringList{dir + u"/dc.bin"_qs}
                              << QStringList{u"unknown without the certificate"_qs}
                              << QStringList{};
    QTest::newRow("private key, type only")
        << QStringList{m_key} << QStringList{u"private key: EC P-256 (256 bits)"_qs}
        << QStringList{QString::fromLatin1(keyPem.split('\n').at(1))};
    const QString csrDir = path(u"inspect-csr"_qs);
    QVERIFY(batonctl({u"csr"_qs, u"new"_qs, u"--dns"_qs, u"csr.test"_qs, u"--out"_qs, csrDir})
                .exitCode == 0);
    QTest::newRow("certificate request")
        << QStringList{csrDir + u"/csr.pem"_qs}
        << QStringList{u"certificate request: CN=csr.test"_qs,
                       u"Delegation:    asks for DelegationUsage, as RFC 9345 specifies"_qs,
                       u"Signature:     valid (self-signed)"_qs}
        << QStringList{};
    const QString p12 = path(u"leaf.p12"_qs);
    const Run exported =
        openssl({u"pkcs12"_qs, u"-export"_qs, u"-in"_qs, m_certificate, u"-inkey"_qs, m_key,
                 u"-passout"_qs, u"pass:p12 secret"_qs, u"-out"_qs, p12});
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.out));
    QTest::newRow("PKCS#12 with its passphrase")
        << QStringList{u"--pass"_qs, u"pass:p12 secret"_qs, p12}
        << QStringList{u"certificate: localhost"_qs, u"private key: EC P-256 (256 bits)"_qs}
        << QStringList{u"p12 secret"_qs};
    QTest::newRow("encrypted private key, with its passphrase")
        << QStringList{u"--pass"_qs, u"pass:s3cret pass"_qs, m_encryptedKey}
        << QStringList{u"private key: EC P-256 (256 bits) (was encrypted)"_qs}
        << QStringList{u"s3cret"_qs};
}

void Batonctl::inspectObjects()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, expected);
    QFETCH(QStringList, absent);
    const Run run = batonctl(QStringList{u"inspect"_qs} + arguments);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    for (const QString &text : expected)
        QVERIFY2(run.out.contains(text), qPrintable(text + u"\n---\n"_qs + run.out));
    for (const QString &text : absent)
        QVERIFY2(!run.out.contains(text), qPrintable(text));
}

void Batonctl::inspectKeepsGoingAfterABadFile()
{
    const QString garbage = path(u"bad.pem"_qs);
    QVERIFY(writeFileAtomically(garbage, "-----BEGIN CERTIFICATE-----\nAAAA\n", 0644,
                                Overwrite::Replace));
    const Run run =
        batonctl({u"inspect"_qs, garbage, path(u"absent.pem"_qs), m_encryptedKey, m_certificate});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.out.contains(m_certificate + u" [PEM block 1 'CERTIFICATE' at byte 0]: "_qs));
    QVERIFY2(run.err.contains(garbage + u": PEM block 1 'CERTIFICATE' at byte 0: no matching "_qs),
             qPrintable(run.err));
    QVERIFY(run.err.contains(path(u"absent.pem"_qs) + u": no such file"_qs));
    // Without a passphrase (and no terminal to ask on) an encrypted key is not read.
    QVERIFY(run.err.contains(m_encryptedKey + u": PEM block 1 'ENCRYPTED PRIVATE KEY' at byte 0: "
                                              u"encrypted; passphrase needed"_qs));
}

void Batonctl::inspectJson()
{
    const Run run = batonctl({u"inspect"_qs, u"--json"_qs, u"--now"_qs, kNowText, m_certificate,
                              m_key, path(u"absent.pem"_qs)});
    QCOMPARE(run.exitCode, 2);
    QJsonParseError error;
    const QJsonArray files =
        QJsonDocument::fromJson(run.out.toUtf8(), &error).object().value(u"files"_qs).toArray();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(files.size(), 3);
    const QJsonObject certificate = files[0].toObject()[u"objects"_qs].toArray()[0].toObject();
    QCOMPARE(certificate[u"kind"_qs].toString(), u"certificate"_qs);
    QCOMPARE(certificate[u"dcReady"_qs].toBool(), true);
    QCOMPARE(certificate[u"notAfter"_qs].toString(), u"2027-01-01T00:00:00Z"_qs);
    const QJsonObject key = files[1].toObject()[u"objects"_qs].toArray()[0].toObject();
    QCOMPARE(key[u"key"_qs].toString(), u"EC P-256 (256 bits)"_qs);
    QCOMPARE(files[2].toObject()[u"errors"_qs].toArray().size(), 1);
}

void Batonctl::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no command") << QStringList{} << 2 << u"Usage: batonctl COMMAND"_qs;
    QTest::newRow("unknown command")
        << QStringList{u"frobnicate"_qs} << 2 << u"unknown command 'frobnicate'"_qs;
    QTest::newRow("help") << QStringList{u"--help"_qs} << 0 << u"dc issue"_qs;
    QTest::newRow("dc issue --help")
        << QStringList{u"dc"_qs, u"issue"_qs, u"--help"_qs} << 0 << u"--dc-alg <ALG>"_qs;
    QTest::newRow("unknown option")
        << QStringList{u"dc"_qs, u"verify"_qs, u"--bogus"_qs} << 2 << u"Unknown option 'bogus'"_qs;
    QTest::newRow("version") << QStringList{u"--version"_qs} << 0 << u"batonctl 0."_qs;
}

void Batonctl::usageErrors()
{
    expectExitAndOutput();
}

namespace {

/// Runs the openssl CLI (an independent reader of what Baton wrote); stdout and stderr joined.
Run openssl(const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(u"openssl"_qs, arguments);
    Run run;
    if (process.waitForFinished(30000)) {
        run.exitCode = process.exitCode();
        run.out = QString::fromUtf8(process.readAll());
    }
    return run;
}

/// The DelegationUsage lines of `openssl … -text -certopt ext_dump`: the header (which would
/// say "critical" if it were) and the hex dump of the value.
QString delegationUsageLines(const QString &text)
{
    const qsizetype at = text.indexOf(u"1.3.6.1.4.1.44363.44:"_qs);
    if (at < 0)
        return {};
    const qsizetype secondLineEnd = text.indexOf(u'\n', text.indexOf(u'\n', at) + 1);
    return text.mid(at, secondLineEnd - at).simplified();
}

} // namespace

void Batonctl::devPkiEndToEnd()
{
    const QString caDir = path(u"dev-ca"_qs);
    const Run init =
        batonctl({u"pki"_qs, u"init"_qs, u"--dir"_qs, caDir, u"--pass"_qs, u"pass:ca secret"_qs,
                  u"--now"_qs, kNowText, u"--name"_qs, u"Test CA"_qs});
    QVERIFY2(init.exitCode == 0, qPrintable(init.err));
    QVERIFY(!init.out.contains(u"ca secret"_qs));
    QCOMPARE(fileMode(caDir), 0700);
    QCOMPARE(fileMode(caDir + u"/ca-key.pem"_qs), 0600);
    QVERIFY(readFileBounded(caDir + u"/ca-key.pem"_qs, 1 << 16)
                ->startsWith(pemBeginLine(QStringLiteral("ENCRYPTED PRIVATE KEY"))));
    const Run again = batonctl({u"pki"_qs, u"init"_qs, u"--dir"_qs, caDir, u"--no-encrypt"_qs});
    QCOMPARE(again.exitCode, 2);
    QVERIFY(again.err.contains(u"already exists"_qs));

    const QString leafDir = path(u"dev-leaf"_qs);
    const Run cert =
        batonctl({u"pki"_qs, u"cert"_qs, u"--ca"_qs, caDir, u"--pass"_qs, u"pass:ca secret"_qs,
                  u"--dns"_qs, u"app.test"_qs, u"--dns"_qs, u"www.app.test"_qs, u"--ip"_qs,
                  u"127.0.0.1"_qs, u"--now"_qs, kNowText, u"--out"_qs, leafDir});
    QVERIFY2(cert.exitCode == 0, qPrintable(cert.err));
    QVERIFY2(cert.out.contains(u"DC readiness: can delegate: DCs up to 7 d"_qs),
             qPrintable(cert.out));
    QCOMPARE(fileMode(leafDir + u"/key.pem"_qs), 0600);
    QCOMPARE(fileMode(leafDir + u"/cert.pem"_qs), 0644);

    // OpenSSL, independently: the chain verifies, and DelegationUsage is non-critical NULL.
    const QString attime = QString::number(kNow.addSecs(60).toSecsSinceEpoch());
    const Run verified = openssl({u"verify"_qs, u"-attime"_qs, attime, u"-CAfile"_qs,
                                  leafDir + u"/chain.pem"_qs, leafDir + u"/cert.pem"_qs});
    QVERIFY2(verified.exitCode == 0 && verified.out.contains(u": OK"_qs), qPrintable(verified.out));
    const Run text = openssl({u"x509"_qs, u"-noout"_qs, u"-text"_qs, u"-certopt"_qs, u"ext_dump"_qs,
                              u"-in"_qs, leafDir + u"/cert.pem"_qs});
    QCOMPARE(delegationUsageLines(text.out), u"1.3.6.1.4.1.44363.44: 0000 - 05 00 .."_qs);
    QVERIFY(
        text.out.contains(u"X509v3 Key Usage: critical\n                Digital Signature\n"_qs));
    QVERIFY(text.out.contains(u"DNS:app.test, DNS:www.app.test, IP Address:127.0.0.1"_qs));

    // A bundle of leaf and CA is ordered, and its root reported as not trusted by the system.
    const QString bundle = path(u"dev-bundle.pem"_qs);
    QVERIFY(writeFileAtomically(bundle,
                                *readFileBounded(leafDir + u"/chain.pem"_qs, 1 << 16) +
                                    *readFileBounded(leafDir + u"/cert.pem"_qs, 1 << 16),
                                0644, Overwrite::Replace));
    const Run chain = batonctl({u"inspect"_qs, u"--now"_qs, kNowText, bundle});
    QCOMPARE(chain.exitCode, 0);
    QVERIFY2(chain.out.contains(bundle + u": chain: app.test -> Test CA\n  Trusted:       no\n"
                                         u"    problem: certificate 2 (CN=Test CA): self-signed "
                                         u"certificate in certificate chain"_qs),
             qPrintable(chain.out));

    // And Baton's own DC under it verifies.
    const QString dcDir = makeOut();
    QCOMPARE(batonctl({u"dc"_qs, u"issue"_qs, u"--cert"_qs, leafDir + u"/cert.pem"_qs, u"--key"_qs,
                       leafDir + u"/key.pem"_qs, u"--now"_qs, kNowText, u"--out"_qs, dcDir})
                 .exitCode,
             0);
    QCOMPARE(batonctl({u"dc"_qs, u"verify"_qs, u"--cert"_qs, leafDir + u"/cert.pem"_qs, u"--at"_qs,
                       kNowText, dcDir + u"/dc.bin"_qs})
                 .exitCode,
             0);
}

void Batonctl::devPkiRefusals_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QString caDir = path(u"refusal-ca"_qs);
    QVERIFY(batonctl({u"pki"_qs, u"init"_qs, u"--dir"_qs, caDir, u"--pass"_qs, u"pass:right"_qs,
                      u"--now"_qs, kNowText})
                .exitCode == 0);
    const QStringList cert{
        u"pki"_qs,    u"cert"_qs,  u"--ca"_qs, caDir,       u"--dns"_qs,
        u"a.test"_qs, u"--now"_qs, kNowText,   u"--out"_qs, path(u"refusal-leaf"_qs)};
    QTest::newRow("wrong CA passphrase")
        << cert + QStringList{u"--pass"_qs, u"pass:wrong"_qs} << u"wrong passphrase"_qs;
    QTest::newRow("CA passphrase, no terminal") << cert << u"no terminal to ask on"_qs;
    QTest::newRow("no DNS name") << QStringList{u"pki"_qs, u"cert"_qs, u"--ca"_qs, caDir}
                                 << u"at least one --dns NAME"_qs;
    QTest::newRow("unknown key algorithm")
        << cert + QStringList{u"--pass"_qs, u"pass:right"_qs, u"--key-alg"_qs, u"dsa"_qs}
        << u"unknown --key-alg 'dsa'; choose one of: ecdsa-p256"_qs;
    QTest::newRow("bad days") << cert + QStringList{u"--pass"_qs, u"pass:right"_qs, u"--days"_qs,
                                                    u"0"_qs}
                              << u"--days needs a whole number"_qs;
    QTest::newRow("missing CA") << QStringList{u"pki"_qs,        u"cert"_qs,  u"--ca"_qs,
                                               path(u"none"_qs), u"--dns"_qs, u"a.test"_qs}
                                << u"ca.pem: no such file"_qs;
    QTest::newRow("init without --dir") << QStringList{u"pki"_qs, u"init"_qs} << u"--dir DIR"_qs;
    QTest::newRow("csr without --out")
        << QStringList{u"csr"_qs, u"new"_qs, u"--dns"_qs, u"a.test"_qs} << u"--out DIR"_qs;
    QTest::newRow("csr with a bad subject")
        << QStringList{u"csr"_qs,       u"new"_qs,      u"--dns"_qs, u"a.test"_qs,
                       u"--subject"_qs, u"nonsense"_qs, u"--out"_qs, path(u"bad-csr"_qs)}
        << u"is not a distinguished name"_qs;
}

void Batonctl::devPkiRefusals()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Run run = batonctl(arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
    // A passphrase is never echoed back.
    QVERIFY(!run.err.contains(u"pass:wrong"_qs) && !run.err.contains(u"pass:right"_qs));
    QVERIFY(!QFileInfo::exists(path(u"refusal-leaf/key.pem"_qs)));
    QVERIFY(!QFileInfo::exists(path(u"bad-csr/key.pem"_qs)));
}

void Batonctl::csrForARealCa()
{
    const QString dir = path(u"csr"_qs);
    const Run run = batonctl({u"csr"_qs, u"new"_qs, u"--dns"_qs, u"shop.example"_qs, u"--dns"_qs,
                              u"www.shop.example"_qs, u"--subject"_qs, u"CN=shop.example,O=Shop"_qs,
                              u"--key-alg"_qs, u"ecdsa-p384"_qs, u"--out"_qs, dir});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(fileMode(dir + u"/key.pem"_qs), 0600);
    const Run text = openssl({u"req"_qs, u"-verify"_qs, u"-noout"_qs, u"-text"_qs, u"-reqopt"_qs,
                              u"ext_dump"_qs, u"-in"_qs, dir + u"/csr.pem"_qs});
    QVERIFY2(text.out.contains(u"verify OK"_qs) ||
                 text.out.contains(u"Certificate request self-signature verify OK"_qs),
             qPrintable(text.out));
    QCOMPARE(delegationUsageLines(text.out), u"1.3.6.1.4.1.44363.44: 0000 - 05 00 .."_qs);
    QVERIFY(text.out.contains(u"Subject: CN = shop.example, O = Shop"_qs));
    QVERIFY(text.out.contains(u"X509v3 Key Usage: critical"_qs));
    QVERIFY(text.out.contains(u"DNS:shop.example, DNS:www.shop.example"_qs));
    QVERIFY(text.out.contains(u"ASN1 OID: secp384r1"_qs));
}

void Batonctl::exportProfiles_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<bool>("tar");
    QTest::addColumn<QString>("keyFile");
    QTest::addColumn<QString>("alone"); ///< a file that `bundle verify` also reads on its own
    const QList<std::pair<QString, QString>> profiles{
        {u"baton"_qs, u"dc-key.pem"_qs},        {u"fizz"_qs, u"fizz-dc.pem"_qs},
        {u"cloudflare-go"_qs, u"dckey.pem"_qs}, {u"boringssl"_qs, u"dc-key.der"_qs},
        {u"nss"_qs, u"dc-key.der"_qs},          {u"interop-runner"_qs, u"dc.txt"_qs},
        {u"k8s-secret"_qs, u"secret.yaml"_qs}};
    for (const auto &[profile, keyFile] : profiles) {
        const QString alone =
            profile == u"fizz"_qs || profile == u"k8s-secret"_qs ? keyFile : QString();
        QTest::addRow("%s", qPrintable(profile)) << profile << false << keyFile << alone;
        QTest::addRow("%s --tar", qPrintable(profile))
            << profile << true << keyFile << u"bundle.tar.gz"_qs;
    }
}

void Batonctl::exportProfiles()
{
    QFETCH(QString, profile);
    QFETCH(bool, tar);
    QFETCH(QString, keyFile);
    QFETCH(QString, alone);
    const QString dcDir = issueDc();
    const QString bundles = path(u"bundles-"_qs + profile + (tar ? u"-tar"_qs : QString()));
    QStringList exportArguments{u"export"_qs,
                                u"--profile"_qs,
                                profile,
                                u"--cert"_qs,
                                m_certificate,
                                u"--dc"_qs,
                                dcDir + u"/dc.bin"_qs,
                                u"--dc-key"_qs,
                                dcDir + u"/dc-key.pem"_qs,
                                u"--out"_qs,
                                bundles,
                                u"--now"_qs,
                                kNowText};
    if (tar)
        exportArguments << u"--tar"_qs;
    const Run first = batonctl(exportArguments);
    QVERIFY2(first.exitCode == 0, qPrintable(first.err));
    QVERIFY(first.out.contains(u"DC expires:  2026-06-02 12:00:00 UTC (in 1 d)"_qs));
    const QString current = bundles + u"/current/"_qs;
    QCOMPARE(fileMode(current + (tar ? u"bundle.tar.gz"_qs : keyFile)), 0600);
    QCOMPARE(QFileInfo::exists(current + u"manifest.json"_qs), !tar);
    const QString firstTarget = QFileInfo(bundles + u"/current"_qs).symLinkTarget();

    QStringList verifiable{bundles};
    if (!alone.isEmpty())
        verifiable << current + alone;
    if (tar) {
        // tar(1) unpacks it with the key file still 0600, into a bundle that verifies.
        const QString unpacked = makeOut();
        QProcess unpack;
        unpack.start(u"tar"_qs, {u"-xpzf"_qs, current + u"bundle.tar.gz"_qs, u"-C"_qs, unpacked});
        QVERIFY(unpack.waitForFinished(10000));
        QCOMPARE(unpack.exitCode(), 0);
        QVERIFY(QFileInfo::exists(unpacked + u"/manifest.json"_qs));
        QCOMPARE(fileMode(unpacked + u'/' + keyFile), 0600);
        verifiable << unpacked;
    }
    for (const QString &target : verifiable) {
        const Run verified = batonctl({u"bundle"_qs, u"verify"_qs, u"--at"_qs, kNowText, target});
        QVERIFY2(verified.exitCode == 0 && verified.out.endsWith(u"OK\n"_qs),
                 qPrintable(target + u": "_qs + verified.out + verified.err));
        QVERIFY2(verified.out.contains(u"[pass] DC key: the private key belongs to the DC"_qs),
                 qPrintable(verified.out));
    }
    const Run expired =
        batonctl({u"bundle"_qs, u"verify"_qs, u"--at"_qs, u"2026-06-03T00:00:00Z"_qs, bundles});
    QCOMPARE(expired.exitCode, 1);
    QVERIFY(expired.out.contains(u"[FAIL] Not expired"_qs));

    // A second export is a new generation; the first stays beside it.
    const Run second = batonctl(exportArguments);
    QCOMPARE(second.exitCode, 0);
    QVERIFY(QFileInfo(bundles + u"/current"_qs).symLinkTarget() != firstTarget);
    QVERIFY(QFileInfo(firstTarget).isDir());
}

void Batonctl::exportRefusals_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QString dcDir = issueDc();
    const EvpPkeyPtr otherKey = makeKey(u"ecdsa-p256"_qs);
    const QString otherKeyPath = path(u"other-dc-key.pem"_qs);
    QVERIFY(writeFileAtomically(otherKeyPath, encodePrivateKeyPkcs8Pem(otherKey.get())->bytes(),
                                0600, Overwrite::Replace));
    const QStringList base{u"export"_qs,
                           u"--cert"_qs,
                           m_certificate,
                           u"--dc"_qs,
                           dcDir + u"/dc.bin"_qs,
                           u"--out"_qs,
                           path(u"refused-bundles"_qs)};
    const QStringList goodKey{u"--dc-key"_qs, dcDir + u"/dc-key.pem"_qs};
    QTest::newRow("expired DC") << base + goodKey +
                                       QStringList{u"--profile"_qs, u"nss"_qs, u"--now"_qs,
                                                   u"2026-06-03T00:00:00Z"_qs}
                                << u"nothing exported: the DC does not verify (Not expired"_qs;
    QTest::newRow("key of another DC")
        << base + QStringList{u"--dc-key"_qs, otherKeyPath, u"--profile"_qs,
                              u"baton"_qs,    u"--now"_qs,  kNowText}
        << u"nothing exported: the DC key does not belong to the DC"_qs;
    QTest::newRow("unknown profile")
        << base + goodKey + QStringList{u"--profile"_qs, u"apache"_qs}
        << u"unknown --profile 'apache'; choose one of: baton, fizz"_qs;
    QTest::newRow("missing --dc-key") << base + QStringList{u"--profile"_qs, u"nss"_qs}
                                      << u"export needs --profile, --cert, --dc, --dc-key"_qs;
}

void Batonctl::exportRefusals()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Run run = batonctl(arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
    QVERIFY(listGenerations(path(u"refused-bundles"_qs)).isEmpty());
}

void Batonctl::exportHooks_data()
{
    QTest::addColumn<QString>("hook");
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("reported");
    const QString seen = path(u"hook-saw.txt"_qs);
    QTest::newRow("succeeds, with the bundle's facts in its environment")
        << u"sh -c \"echo $BATON_PROFILE $BATON_DC_EXPIRY > '%1'; ls $BATON_BUNDLE_DIR\""_qs.arg(
               seen)
        << QStringList{} << 0 << u"Hook:        sh: exited 0\n    | chain.pem\n"_qs;
    QTest::newRow("fails") << u"sh -c \"echo cannot reload; exit 3\""_qs << QStringList{} << 1
                           << u"Hook:        sh: exited 3\n    | cannot reload\n"_qs;
    QTest::newRow("times out") << u"sleep 30"_qs << QStringList{u"--hook-timeout"_qs, u"1s"_qs} << 1
                               << u"Hook:        sleep: timed out after 1 s (killed)"_qs;
    QTest::newRow("cannot start") << u"/nonexistent/reload"_qs << QStringList{} << 1
                                  << u"Hook:        /nonexistent/reload: could not start"_qs;
}

void Batonctl::exportHooks()
{
    QFETCH(QString, hook);
    QFETCH(QStringList, extra);
    QFETCH(int, exitCode);
    QFETCH(QString, reported);
    const QString dcDir = issueDc();
    const QString bundles = makeOut();
    const Run run = batonctl(QStringList{u"export"_qs, u"--profile"_qs, u"baton"_qs, u"--cert"_qs,
                                         m_certificate, u"--dc"_qs, dcDir + u"/dc.bin"_qs,
                                         u"--dc-key"_qs, dcDir + u"/dc-key.pem"_qs, u"--out"_qs,
                                         bundles, u"--now"_qs, kNowText, u"--hook"_qs, hook} +
                             extra);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(run.out.contains(reported), qPrintable(run.out));
    // Whatever the hook did, the bundle is exported.
    QVERIFY(QFileInfo::exists(bundles + u"/current/dc.bin"_qs));
    if (exitCode == 0)
        QCOMPARE(*readFileBounded(path(u"hook-saw.txt"_qs), 1024),
                 QByteArray("baton 2026-06-02T12:00:00Z\n"));
    else
        QVERIFY(run.err.contains(u"the bundle is exported, but the hook"_qs));
}

QTEST_GUILESS_MAIN(Batonctl)
#include "tst_batonctl.moc"
