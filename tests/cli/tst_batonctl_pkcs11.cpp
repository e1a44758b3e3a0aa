// `batonctl dc issue --key pkcs11:…` and `ws import --key-uri` + `rotate`: the real binary
// signs DCs with keys on a SoftHSM2 token the test creates, `dc verify` accepts them, the
// workspace keeps the URI and never the PIN, and the PIN is never printed.

#include "ProcessRun.h"
#include "RawSql.h"
#include "SoftHsm.h"
#include "TestPki.h"
#include "common/FileIo.h"
#include "pkcs11/TokenKey.h"
#include "store/Workspace.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

using namespace baton;
using namespace baton::test;

namespace {

const QString kToken = QStringLiteral("edge-ca");
const QString kNow = QStringLiteral("2026-06-01T12:00:00Z");
const QString kPinVariable = QStringLiteral("BATON_TEST_PIN");
const QByteArray kPassphrase = "token test passphrase";

ProcessRun batonctl(const QStringList &arguments, const QString &workspace = {},
                    const QString &pinFile = {})
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(kPinVariable, QString::fromLatin1(SoftHsm::userPin()));
    if (!workspace.isEmpty()) {
        environment.insert(u"BATON_WORKSPACE"_qs, workspace);
        environment.insert(u"BATON_PASSPHRASE_FILE"_qs, workspace + u".pass"_qs);
    }
    if (!pinFile.isEmpty())
        environment.insert(u"BATON_PIN_FILE"_qs, pinFile);
    return runProcess(QStringLiteral(BATONCTL_PATH), arguments, environment, 60000);
}

/// Whether `batonctl dc verify` accepts the DC at `dc` under the certificate half an hour
/// after kNow; `output` gets what it said.
bool dcVerifies(const QString &certificate, const QString &dc, QString *output)
{
    const ProcessRun verified = batonctl({u"dc"_qs, u"verify"_qs, u"--cert"_qs, certificate,
                                          u"--at"_qs, u"2026-06-01T12:30:00Z"_qs, dc});
    *output = verified.out + verified.err;
    return verified.exitCode == 0 && verified.out.contains(u"VALID"_qs);
}

/// A new workspace (a small scrypt cost) beside the file holding its passphrase.
QString newWorkspace(const QString &directory)
{
    const QString path = directory + u"/ws.baton"_qs;
    if (!writeFileAtomically(path + u".pass"_qs, kPassphrase + '\n', 0600, Overwrite::Refuse))
        qFatal("cannot write the passphrase file");
    if (!Workspace::create(path, kPassphrase, utc(2026, 5, 1), kFastWork))
        qFatal("cannot create a workspace");
    return path;
}

QJsonObject listed(const QString &workspace)
{
    return QJsonDocument::fromJson(
               batonctl({u"ws"_qs, u"list"_qs, u"--json"_qs}, workspace).out.toUtf8())
        .object();
}

} // namespace

class BatonctlPkcs11 : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void issueOnTokenThenVerify_data();
    void issueOnTokenThenVerify();
    void refused_data();
    void refused();
    void importTokenKeyThenRotate_data();
    void importTokenKeyThenRotate();
    void importTokenKeyRefused_data();
    void importTokenKeyRefused();
    void rotateTriesARefusedPinOnce();
    void moduleOthersCanWriteIsNeverLoaded();

private:
    QString writeFile(const QString &name, const QByteArray &bytes);

    std::unique_ptr<SoftHsm> m_softHsm;
    QTemporaryDir m_dir;
    QString m_pinFile;
    QString m_wrongPinFile;
    QString m_keyFile;
    std::map<QString, QString> m_certificates; ///< key label -> certificate file
    int m_counter = 0;
};

QString BatonctlPkcs11::writeFile(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir.filePath(name);
    if (!writeFileAtomically(path, bytes, 0600, Overwrite::Replace))
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void BatonctlPkcs11::initTestCase()
{
    if (SoftHsm::modulePath().isEmpty())
        QSKIP("softhsm2 is not installed (packaging/install-deps.sh installs it)");
    QVERIFY(m_dir.isValid());
    auto started = SoftHsm::start();
    QVERIFY2(started, qPrintable(started.errorMessage()));
    m_softHsm = std::move(started).value();
    QVERIFY(m_softHsm->createToken(kToken));
    m_pinFile = writeFile(u"pin"_qs, SoftHsm::userPin() + '\n');
    m_wrongPinFile = writeFile(u"wrong-pin"_qs, "0000-wrong\n");

    CertificateOptions caOptions;
    caOptions.commonName = u"Token Test CA"_qs;
    caOptions.ca = true;
    caOptions.delegation = CertificateOptions::Delegation::Absent;
    const TestIdentity ca = makeIdentity(caOptions);
    const std::pair<const char *, const char *> keys[] = {{"example-com", "ecdsa-p256"},
                                                          {"p384", "ecdsa-p384"},
                                                          {"ed", "ed25519"},
                                                          {"rsa", "rsa-2048"}};
    char id = 1;
    for (const auto &[label, algorithm] : keys) {
        const QString name = QLatin1String(label);
        QVERIFY(m_softHsm->generateKeyPair(kToken, QLatin1String(algorithm), name,
                                           QByteArray(1, id++)));
        auto key = TokenKey::open(SoftHsm::uri(kToken, name), [](const QString &) {
            return Result<SecretBytes>(SecretBytes(SoftHsm::userPin()));
        });
        QVERIFY2(key, qPrintable(key.errorMessage()));
        const TestIdentity leaf = makeIdentityForKey(key->publicKey(), ca);
        m_certificates[name] = writeFile(name + u".pem"_qs, leaf.certificatePem);
    }
    m_keyFile = writeIdentity(makeIdentity(), m_dir.path(), u"file"_qs).second;
}

void BatonctlPkcs11::issueOnTokenThenVerify_data()
{
    QTest::addColumn<QString>("label");
    QTest::addColumn<QString>("pin");
    QTest::addColumn<QString>("algorithm");
    QTest::newRow("P-256, --pin file:")
        << u"example-com"_qs << u"file:"_qs + m_pinFile << u"ecdsa_secp256r1_sha256 (0x0403)"_qs;
    QTest::newRow("P-384, --pin env:")
        << u"p384"_qs << u"env:"_qs + kPinVariable << u"ecdsa_secp384r1_sha384 (0x0503)"_qs;
    QTest::newRow("Ed25519") << u"ed"_qs << u"file:"_qs + m_pinFile << u"ed25519 (0x0807)"_qs;
    QTest::newRow("RSA 2048 (rsaEncryption certificate)")
        << u"rsa"_qs << u"file:"_qs + m_pinFile << u"rsa_pss_rsae_sha256 (0x0804)"_qs;
}

void BatonctlPkcs11::issueOnTokenThenVerify()
{
    QFETCH(QString, label);
    QFETCH(QString, pin);
    QFETCH(QString, algorithm);
    const QString out = m_dir.filePath(QStringLiteral("out-%1").arg(++m_counter));
    QVERIFY(QDir().mkpath(out));
    const QString certificate = m_certificates.at(label);
    const ProcessRun issued = batonctl({u"dc"_qs, u"issue"_qs, u"--cert"_qs, certificate,
                                        u"--key"_qs, SoftHsm::uri(kToken, label), u"--pin"_qs, pin,
                                        u"--now"_qs, kNow, u"--out"_qs, out});
    QVERIFY2(issued.exitCode == 0, qPrintable(issued.err));
    QVERIFY2(issued.out.contains(u"Signed with:   "_qs + algorithm), qPrintable(issued.out));
    QVERIFY2(issued.out.contains(u"Signed on:     key '%1' (id 0"_qs.arg(label)) &&
                 issued.out.contains(u"on token 'edge-ca'"_qs),
             qPrintable(issued.out));
    QVERIFY(!(issued.out + issued.err).contains(QString::fromLatin1(SoftHsm::userPin())));

    QString verification;
    QVERIFY2(dcVerifies(certificate, out + u"/dc.bin"_qs, &verification), qPrintable(verification));
}

void BatonctlPkcs11::refused_data()
{
    QTest::addColumn<QStringList>("options");  ///< after dc issue --cert (P-256) --now --out
    QTest::addColumn<QStringList>("expected"); ///< all in the message
    const QString uri = SoftHsm::uri(kToken, u"example-com"_qs);
    const QString pinFile = u"file:"_qs + m_pinFile;
    QTest::newRow("wrong PIN")
        << QStringList{u"--key"_qs, uri, u"--pin"_qs, u"file:"_qs + m_wrongPinFile}
        << QStringList{u"token 'edge-ca': cannot log in to the token: CKR_PIN_INCORRECT"_qs};
    QTest::newRow("no PIN and no terminal")
        << QStringList{u"--key"_qs, uri}
        << QStringList{u"PIN of token 'edge-ca' is needed, and there is no terminal to ask on"_qs};
    QTest::newRow("PIN in the URI")
        << QStringList{u"--key"_qs, uri + u"&pin-value=1234"_qs, u"--pin"_qs, pinFile}
        << QStringList{u"carries a PIN (pin-value)"_qs};
    // The keys are listed in the token's order, which SoftHSM does not fix.
    QTest::newRow("no such key") << QStringList{u"--key"_qs, SoftHsm::uri(kToken, u"absent"_qs),
                                                u"--pin"_qs, pinFile}
                                 << QStringList{
                                        u"no private key matches (private keys on the token: "_qs,
                                        u"'example-com' (id 01)"_qs, u"'rsa' (id 04)"_qs};
    QTest::newRow("--key-pass with a token key")
        << QStringList{u"--key"_qs, uri, u"--key-pass"_qs, pinFile}
        << QStringList{u"a key on a token is unlocked with --pin"_qs};
    QTest::newRow("--pin with a key file")
        << QStringList{u"--key"_qs, m_keyFile, u"--pin"_qs, pinFile}
        << QStringList{u"--pin unlocks a key on a token"_qs};
    QTest::newRow("token key of another certificate")
        << QStringList{u"--key"_qs, SoftHsm::uri(kToken, u"p384"_qs), u"--pin"_qs, pinFile}
        << QStringList{u"the private key does not belong to the certificate"_qs};
}

void BatonctlPkcs11::refused()
{
    QFETCH(QStringList, options);
    QFETCH(QStringList, expected);
    const QString out = m_dir.filePath(QStringLiteral("refused-%1").arg(++m_counter));
    QVERIFY(QDir().mkpath(out));
    const ProcessRun run = batonctl(QStringList{u"dc"_qs, u"issue"_qs, u"--cert"_qs,
                                                m_certificates.at(u"example-com"_qs), u"--now"_qs,
                                                kNow, u"--out"_qs, out} +
                                    options);
    QCOMPARE(run.exitCode, 2);
    for (const QString &part : expected)
        QVERIFY2(run.err.contains(part), qPrintable(run.err));
    QVERIFY(!(run.out + run.err).contains(QString::fromLatin1(SoftHsm::userPin())));
    QVERIFY(!run.err.contains(u"1234"_qs));
    QVERIFY(QDir(out).isEmpty());
}

void BatonctlPkcs11::importTokenKeyThenRotate_data()
{
    QTest::addColumn<QString>("label");
    QTest::newRow("P-256") << u"example-com"_qs;
    QTest::newRow("P-384") << u"p384"_qs;
    QTest::newRow("Ed25519") << u"ed"_qs;
    QTest::newRow("RSA 2048, signing RSA-PSS") << u"rsa"_qs;
}

void BatonctlPkcs11::importTokenKeyThenRotate()
{
    QFETCH(QString, label);
    const QString directory = m_dir.filePath(QStringLiteral("rotate-%1").arg(++m_counter));
    QVERIFY(QDir().mkpath(directory));
    const QString workspace = newWorkspace(directory);
    const QString uri = SoftHsm::uri(kToken, label);
    const QString certificate = m_certificates.at(label);

    const ProcessRun imported = batonctl({u"ws"_qs, u"import"_qs, u"--key-uri"_qs, uri, u"--pin"_qs,
                                          u"file:"_qs + m_pinFile, certificate, u"--now"_qs, kNow},
                                         workspace);
    QVERIFY2(imported.exitCode == 0, qPrintable(imported.err));
    QVERIFY2(imported.out.contains(u"key: the key '%1' (id 0"_qs.arg(label)) &&
                 imported.out.contains(u"on token 'edge-ca' (%1)"_qs.arg(uri)),
             qPrintable(imported.out));

    // The workspace names the key by its URI and token; the PIN is nowhere in the file.
    const QJsonArray certificates = listed(workspace)[u"certificates"_qs].toArray();
    QCOMPARE(certificates.size(), 1);
    QCOMPARE(certificates[0][u"hasKey"_qs].toBool(), true);
    QCOMPARE(certificates[0][u"keyUri"_qs].toString(), uri);
    QCOMPARE(certificates[0][u"keyToken"_qs].toString(), kToken);
    QVERIFY(batonctl({u"ws"_qs, u"list"_qs}, workspace).out.contains(u"key on token 'edge-ca'"_qs));
    QCOMPARE(rawValue(workspace, u"SELECT count(*) FROM keys"_qs).toInt(), 0);
    for (const QString &file : {workspace, workspace + u"-wal"_qs}) {
        QFile raw(file);
        if (raw.open(QIODevice::ReadOnly))
            QVERIFY(!raw.readAll().contains(SoftHsm::userPin()));
    }

    const QString targetDirectory = directory + u"/served"_qs;
    for (const QStringList &arguments :
         {QStringList{u"policy"_qs, u"set"_qs, u"1"_qs, u"--now"_qs, kNow},
          QStringList{u"target"_qs, u"add"_qs, u"1"_qs, u"--profile"_qs, u"baton"_qs, u"--dir"_qs,
                      targetDirectory, u"--now"_qs, kNow}}) {
        const ProcessRun run = batonctl(arguments, workspace);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    }
    // The timer's way: the PIN from the file BATON_PIN_FILE names.
    const ProcessRun rotated = batonctl({u"rotate"_qs, u"--now"_qs, kNow}, workspace, m_pinFile);
    QVERIFY2(rotated.exitCode == 0, qPrintable(rotated.out + rotated.err));
    QVERIFY2(rotated.out.contains(u"issued server DC"_qs), qPrintable(rotated.out));
    QVERIFY(!(rotated.out + rotated.err).contains(QString::fromLatin1(SoftHsm::userPin())));

    QString verification;
    QVERIFY2(dcVerifies(certificate, targetDirectory + u"/current/dc.bin"_qs, &verification),
             qPrintable(verification));
}

void BatonctlPkcs11::importTokenKeyRefused_data()
{
    QTest::addColumn<QStringList>("arguments"); ///< after ws import
    QTest::addColumn<QString>("expected");
    const QString pin = u"file:"_qs + m_pinFile;
    const QString certificate = m_certificates.at(u"example-com"_qs);
    QTest::newRow("the token key of another certificate")
        << QStringList{u"--key-uri"_qs, SoftHsm::uri(kToken, u"p384"_qs), u"--pin"_qs, pin,
                       certificate}
        << u"is not the certificate's key"_qs;
    QTest::newRow("wrong PIN") << QStringList{u"--key-uri"_qs,
                                              SoftHsm::uri(kToken, u"example-com"_qs), u"--pin"_qs,
                                              u"file:"_qs + m_wrongPinFile, certificate}
                               << u"cannot log in to the token: CKR_PIN_INCORRECT"_qs;
    QTest::newRow("a PIN in the URI")
        << QStringList{u"--key-uri"_qs,
                       SoftHsm::uri(kToken, u"example-com"_qs) + u"&pin-value=1234"_qs, certificate}
        << u"carries a PIN (pin-value)"_qs;
    QTest::newRow("a private key in the file too")
        << QStringList{u"--key-uri"_qs, SoftHsm::uri(kToken, u"example-com"_qs), u"--pin"_qs, pin,
                       m_keyFile}
        << u"holds a private key"_qs;
    QTest::newRow("two files") << QStringList{u"--key-uri"_qs,
                                              SoftHsm::uri(kToken, u"example-com"_qs), certificate,
                                              certificate}
                               << u"give one FILE"_qs;
    QTest::newRow("--pin without --key-uri")
        << QStringList{u"--pin"_qs, pin, certificate} << u"--pin is the PIN of a token"_qs;
    QTest::newRow("a relative module-path that climbs")
        << QStringList{u"--key-uri"_qs,
                       u"pkcs11:token=edge-ca;object=example-com?module-path=../../tmp/x.so"_qs,
                       u"--pin"_qs, pin, certificate}
        << u"module-path must be absolute, or a bare file name"_qs;
}

void BatonctlPkcs11::importTokenKeyRefused()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);
    const QString directory = m_dir.filePath(QStringLiteral("refused-import-%1").arg(++m_counter));
    QVERIFY(QDir().mkpath(directory));
    const QString workspace = newWorkspace(directory);
    const ProcessRun run =
        batonctl(QStringList{u"ws"_qs, u"import"_qs, u"--now"_qs, kNow} + arguments, workspace);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(expected), qPrintable(run.err));
    QVERIFY(!(run.out + run.err).contains(QString::fromLatin1(SoftHsm::userPin())));
    QVERIFY(!run.err.contains(u"1234"_qs));
    // Nothing was added: not the certificate, not a key reference.
    QCOMPARE(listed(workspace)[u"certificates"_qs].toArray().size(), 0);
}

void BatonctlPkcs11::rotateTriesARefusedPinOnce()
{
    const QString directory = m_dir.filePath(u"refused-pin"_qs);
    QVERIFY(QDir().mkpath(directory));
    const QString workspace = newWorkspace(directory);
    for (const QString &label : {u"example-com"_qs, u"p384"_qs}) {
        const ProcessRun imported =
            batonctl({u"ws"_qs, u"import"_qs, u"--key-uri"_qs, SoftHsm::uri(kToken, label),
                      m_certificates.at(label), u"--now"_qs, kNow},
                     workspace, m_pinFile);
        QVERIFY2(imported.exitCode == 0, qPrintable(imported.err));
        const QString id = QString::number(listed(workspace)[u"certificates"_qs].toArray().size());
        const ProcessRun policy =
            batonctl({u"policy"_qs, u"set"_qs, id, u"--now"_qs, kNow}, workspace);
        QVERIFY2(policy.exitCode == 0, qPrintable(policy.err));
    }
    const ProcessRun rotated =
        batonctl({u"rotate"_qs, u"--now"_qs, kNow}, workspace, m_wrongPinFile);
    QCOMPARE(rotated.exitCode, 1);
    // The first policy's login is refused; the second is not tried with the same PIN.
    QCOMPARE(rotated.out.count(u"CKR_PIN_INCORRECT"_qs), 1);
    QVERIFY2(rotated.out.contains(u"token 'edge-ca' refused its PIN earlier in this run"_qs),
             qPrintable(rotated.out));
}

void BatonctlPkcs11::moduleOthersCanWriteIsNeverLoaded()
{
    // A copy of the module in a directory everyone can write: whoever can replace it runs code
    // as whoever signs (root, from the rotation timer).
    const QString shared = m_dir.filePath(u"shared-modules"_qs);
    QVERIFY(QDir().mkpath(shared));
    QCOMPARE(::chmod(QFile::encodeName(shared).constData(), 0777), 0);
    const QString copy = shared + u"/libsofthsm2.so"_qs;
    QVERIFY(QFile::copy(SoftHsm::modulePath(), copy));
    const QString uri = u"pkcs11:token=edge-ca;object=example-com?module-path=%1"_qs.arg(copy);
    const QString expected = u"PKCS#11 module"_qs;

    const QString directory = m_dir.filePath(u"module-trust"_qs);
    QVERIFY(QDir().mkpath(directory));
    const QString workspace = newWorkspace(directory);
    const ProcessRun imported = batonctl({u"ws"_qs, u"import"_qs, u"--key-uri"_qs, uri,
                                          m_certificates.at(u"example-com"_qs), u"--now"_qs, kNow},
                                         workspace, m_pinFile);
    QCOMPARE(imported.exitCode, 2);
    QVERIFY2(imported.err.contains(expected) && imported.err.contains(shared),
             qPrintable(imported.err));

    // A workspace edited behind Baton's back to name that module: rotate refuses to load it.
    const ProcessRun good =
        batonctl({u"ws"_qs, u"import"_qs, u"--key-uri"_qs, SoftHsm::uri(kToken, u"example-com"_qs),
                  m_certificates.at(u"example-com"_qs), u"--now"_qs, kNow},
                 workspace, m_pinFile);
    QVERIFY2(good.exitCode == 0, qPrintable(good.err));
    QVERIFY(batonctl({u"policy"_qs, u"set"_qs, u"1"_qs, u"--now"_qs, kNow}, workspace).exitCode ==
            0);
    QCOMPARE(rawSql(workspace, u"UPDATE token_keys SET uri = '%1'"_qs.arg(uri)), QString());
    const ProcessRun rotated = batonctl({u"rotate"_qs, u"--now"_qs, kNow}, workspace, m_pinFile);
    QCOMPARE(rotated.exitCode, 1);
    QVERIFY2(rotated.out.contains(expected) && rotated.out.contains(shared),
             qPrintable(rotated.out));
    QCOMPARE(rawValue(workspace, u"SELECT count(*) FROM dcs"_qs).toInt(), 0);
}

QTEST_GUILESS_MAIN(BatonctlPkcs11)
#include "tst_batonctl_pkcs11.moc"
