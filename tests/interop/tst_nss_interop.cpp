// Interop with Mozilla NSS (Debian 12's NSS 3.87, what Firefox is built on): an NSS server
// serves Baton-issued DCs to an NSS client that has delegated credentials enabled, and DCs
// minted by NSS's own SSL_DelegateCredential are verified by Baton. Loopback only, every
// wait bounded.

#include "SoftHsm.h"
#include "TestPki.h"
#include "common/Clock.h"
#include "common/FileIo.h"
#include "common/TimeFormat.h"
#include "dc/DcDocument.h"
#include "dc/DcIssuer.h"
#include "dc/DcVerifier.h"
#include "pkcs11/TokenKey.h"
#include "tls/SignatureScheme.h"

#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace baton;
using namespace baton::test;

namespace {

constexpr int kProcessTimeoutMs = 20000;

struct ServerRun
{
    QString clientOutput;
    QString serverOutput;
};

QString unixSeconds(const QDateTime &t)
{
    return QString::number(t.toSecsSinceEpoch());
}

} // namespace

class NssInterop : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void bakedIntoNssClient_data();
    void bakedIntoNssClient();
    void rejectedByNssClient_data();
    void rejectedByNssClient();
    void rsaeSignedDcRejectedByNss();
    void devPkiCertificateDelegatesToNss();
    void nssProfileBundleServes();
    void tstclntReportsDelegatedCredential();
    void nssMintedVerifiesInBaton_data();
    void nssMintedVerifiesInBaton();
    void tokenSignedDcAcceptedByNss_data();
    void tokenSignedDcAcceptedByNss();

private:
    /// Starts `nss_peer serve` with the DC, connects `client` (nss_peer connect or tstclnt),
    /// and returns what both printed.
    ServerRun serveAndConnect(const QStringList &credentials,
                              const std::function<QProcess *(int port)> &startClient);
    /// Serves the DC (under `identity`, the EC leaf by default) to `nss_peer connect` with
    /// the client's clock at `clientTime`; returns client and server output.
    QString connectWithNss(const QString &dcPath, const QString &dcKeyPath,
                           const QDateTime &clientTime, const QStringList &identity = {});
    /// Issues a DC through the real `batonctl dc issue`, into a fresh directory.
    QString issueWithBatonctl(const QString &dcAlg, const QString &valid, const QDateTime &now,
                              const QString &certificate = {}, const QString &key = {},
                              const QStringList &extra = {});
    QString writeDc(const QString &name, const QByteArray &bytes, const EVP_PKEY *key);

    QTemporaryDir m_dir;
    QDateTime m_now;
    std::optional<TestIdentity> m_identity;
    std::unique_ptr<SoftHsm> m_softHsm; ///< started by the first token test
    QString m_certificatePath;
    QString m_keyPath;
    int m_counter = 0;
};

void NssInterop::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(QStringLiteral(NSS_PEER_PATH)).isExecutable(), NSS_PEER_PATH);
    // The NSS client is told this time explicitly (SSL_SetTimeFunc); the certificate is made
    // around the real time anyway, so tstclnt, which uses the real clock, agrees.
    m_now = SystemClock().now();
    CertificateOptions options;
    options.notBefore = m_now.addDays(-1);
    options.notAfter = m_now.addDays(60);
    m_identity = makeIdentity(options);
    std::tie(m_certificatePath, m_keyPath) = writeIdentity(*m_identity, m_dir.path(), u"leaf"_qs);
}

ServerRun NssInterop::serveAndConnect(const QStringList &credentials,
                                      const std::function<QProcess *(int port)> &startClient)
{
    ServerRun run;
    QProcess server;
    server.start(QStringLiteral(NSS_PEER_PATH),
                 QStringList{u"serve"_qs} + credentials +
                     QStringList{u"--port"_qs, u"0"_qs, u"--accept"_qs, u"1"_qs, u"--timeout-ms"_qs,
                                 u"15000"_qs});
    if (!server.waitForStarted(kProcessTimeoutMs))
        return run;
    QByteArray banner;
    static const QRegularExpression listening(QStringLiteral(R"(LISTENING (\d+))"));
    QRegularExpressionMatch match;
    while (!(match = listening.match(QString::fromLatin1(banner))).hasMatch()) {
        if (!server.waitForReadyRead(kProcessTimeoutMs)) {
            server.kill();
            server.waitForFinished();
            run.serverOutput = QString::fromLocal8Bit(banner + server.readAllStandardError());
            return run;
        }
        banner += server.readAllStandardOutput();
    }
    std::unique_ptr<QProcess> client(startClient(match.captured(1).toInt()));
    client->waitForFinished(kProcessTimeoutMs);
    run.clientOutput =
        QString::fromLocal8Bit(client->readAllStandardOutput() + client->readAllStandardError());
    if (!server.waitForFinished(kProcessTimeoutMs))
        server.kill();
    run.serverOutput = QString::fromLocal8Bit(banner + server.readAllStandardOutput() +
                                              server.readAllStandardError());
    return run;
}

QString NssInterop::connectWithNss(const QString &dcPath, const QString &dcKeyPath,
                                   const QDateTime &clientTime, const QStringList &identity)
{
    const QStringList certificate =
        identity.isEmpty() ? QStringList{u"--cert"_qs, m_certificatePath, u"--key"_qs, m_keyPath}
                           : identity;
    const QStringList dc{u"--dc"_qs, dcPath, u"--dc-key"_qs, dcKeyPath};
    const ServerRun run = serveAndConnect(certificate + dc, [&](int port) {
        auto *client = new QProcess;
        client->start(QStringLiteral(NSS_PEER_PATH),
                      {u"connect"_qs, u"--port"_qs, QString::number(port), u"--now"_qs,
                       unixSeconds(clientTime), u"--timeout-ms"_qs, u"10000"_qs});
        return client;
    });
    return run.clientOutput.trimmed() + QLatin1Char('\n') + run.serverOutput.trimmed();
}

QString NssInterop::issueWithBatonctl(const QString &dcAlg, const QString &valid,
                                      const QDateTime &now, const QString &certificate,
                                      const QString &key, const QStringList &extra)
{
    const QString out = m_dir.filePath(QStringLiteral("issued-%1").arg(++m_counter));
    QDir().mkpath(out);
    QProcess batonctl;
    batonctl.start(QStringLiteral(BATONCTL_PATH),
                   QStringList{u"dc"_qs, u"issue"_qs, u"--cert"_qs,
                               certificate.isEmpty() ? m_certificatePath : certificate, u"--key"_qs,
                               key.isEmpty() ? m_keyPath : key, u"--dc-alg"_qs, dcAlg,
                               u"--valid"_qs, valid, u"--now"_qs, formatRfc3339(now), u"--out"_qs,
                               out} +
                       extra);
    batonctl.waitForFinished(kProcessTimeoutMs);
    if (batonctl.exitCode() != 0)
        qWarning() << batonctl.readAllStandardError();
    return batonctl.exitCode() == 0 ? out : QString();
}

QString NssInterop::writeDc(const QString &name, const QByteArray &bytes, const EVP_PKEY *key)
{
    const QString dcPath = m_dir.filePath(name + u".bin"_qs);
    const QString keyPath = m_dir.filePath(name + u"-key.pem"_qs);
    auto pem = encodePrivateKeyPkcs8Pem(key);
    if (!pem || !writeFileAtomically(dcPath, bytes, 0644, Overwrite::Replace) ||
        !writeFileAtomically(keyPath, pem->bytes(), 0600, Overwrite::Replace))
        return {};
    return dcPath;
}

void NssInterop::bakedIntoNssClient_data()
{
    QTest::addColumn<QString>("dcAlg");
    QTest::addColumn<QString>("scheme");
    QTest::newRow("ecdsa-p256") << u"ecdsa-p256"_qs << u"0x0403"_qs;
    QTest::newRow("ecdsa-p384") << u"ecdsa-p384"_qs << u"0x0503"_qs;
    QTest::newRow("ecdsa-p521") << u"ecdsa-p521"_qs << u"0x0603"_qs;
    QTest::newRow("rsa-pss-2048") << u"rsa-pss-2048"_qs << u"0x0809"_qs;
}

void NssInterop::bakedIntoNssClient()
{
    QFETCH(QString, dcAlg);
    QFETCH(QString, scheme);
    const QString dir = issueWithBatonctl(dcAlg, u"1d"_qs, m_now);
    QVERIFY(!dir.isEmpty());
    // The client judges the DC an hour after issuance, as a real client would.
    const QString output =
        connectWithNss(dir + u"/dc.bin"_qs, dir + u"/dc-key.pem"_qs, m_now.addSecs(3600));
    QVERIFY2(output.contains(QStringLiteral("RESULT ok dc=yes scheme=%1").arg(scheme)),
             qPrintable(output));
    QVERIFY2(output.contains(u"HANDSHAKE ok"_qs), qPrintable(output));
}

void NssInterop::rejectedByNssClient_data()
{
    QTest::addColumn<QString>("tamper");
    QTest::addColumn<QString>("nssError");
    QTest::newRow("flipped signature bit") << u"flip"_qs << u"SSL_ERROR_DC_BAD_SIGNATURE"_qs;
    QTest::newRow("expired") << u"expired"_qs << u"SSL_ERROR_DC_EXPIRED"_qs;
    QTest::newRow("over 7 days") << u"8d"_qs << u"SSL_ERROR_DC_INAPPROPRIATE_VALIDITY_PERIOD"_qs;
}

void NssInterop::rejectedByNssClient()
{
    QFETCH(QString, tamper);
    QFETCH(QString, nssError);
    EvpPkeyPtr dcKey = makeKey(u"ecdsa-p256"_qs);
    auto issued = issueDelegatedCredential({.certificate = m_identity->certificate,
                                            .certificateKey = m_identity->key.get(),
                                            .dcKey = dcKey.get(),
                                            .lifetimeSeconds = 24 * 3600,
                                            .now = m_now});
    QVERIFY2(issued, qPrintable(issued.errorMessage()));
    DelegatedCredential dc = issued->credential;
    QDateTime clientTime = m_now.addSecs(60);
    if (tamper == u"flip"_qs) {
        dc.signature[dc.signature.size() - 1] = char(dc.signature.back() ^ 0x01);
    } else if (tamper == u"expired"_qs) {
        clientTime = issued->expiry.addSecs(1);
    } else {
        // Baton refuses to issue this; build it by hand (same signature path), as a buggy or
        // hostile issuer would, to see NSS reject it.
        dc.validTime += quint32(7 * 24 * 3600);
        auto signature =
            signWithScheme(m_identity->key.get(), *signatureSchemeByCode(dc.algorithm),
                           dc.signedMessage(DcRole::Server, m_identity->certificate.der()));
        QVERIFY(signature);
        dc.signature = *signature;
    }
    // Baton's own verifier agrees before NSS is asked.
    const QByteArray bytes = dc.encode();
    QVERIFY(!verifyDelegatedCredential(m_identity->certificate, bytes, DcRole::Server, clientTime)
                 .valid());
    const QString dcPath = writeDc(u"tampered-"_qs + tamper, bytes, dcKey.get());
    QVERIFY(!dcPath.isEmpty());
    const QString output = connectWithNss(dcPath, dcPath.chopped(4) + u"-key.pem"_qs, clientTime);
    QVERIFY2(output.contains(u"RESULT error "_qs + nssError), qPrintable(output));
}

void NssInterop::rsaeSignedDcRejectedByNss()
{
    // Under an rsaEncryption certificate RFC 9345 lets the DC be signed with rsa_pss_rsae_*,
    // but NSS requires the DC's algorithm to be in its delegated_credential list, which never
    // holds rsae schemes. Baton warns about exactly this; the test keeps the warning honest.
    CertificateOptions options;
    options.keyAlgorithm = u"rsa-2048"_qs;
    options.notBefore = m_now.addDays(-1);
    options.notAfter = m_now.addDays(60);
    const TestIdentity rsa = makeIdentity(options);
    const auto [certificatePath, keyPath] = writeIdentity(rsa, m_dir.path(), u"rsa-leaf"_qs);
    EvpPkeyPtr dcKey = makeKey(u"ecdsa-p256"_qs);
    auto issued = issueDelegatedCredential({.certificate = rsa.certificate,
                                            .certificateKey = rsa.key.get(),
                                            .dcKey = dcKey.get(),
                                            .now = m_now});
    QVERIFY2(issued, qPrintable(issued.errorMessage()));
    QCOMPARE(issued->credential.algorithm, quint16(0x0804));
    QVERIFY(issued->warnings.join(u' ').contains(u"Firefox/NSS never accepts"_qs));
    const QString dcPath = writeDc(u"rsae-signed"_qs, issued->bytes, dcKey.get());
    const QString output =
        connectWithNss(dcPath, dcPath.chopped(4) + u"-key.pem"_qs, m_now.addSecs(60),
                       {u"--cert"_qs, certificatePath, u"--key"_qs, keyPath});
    QVERIFY2(output.contains(u"RESULT error SSL_ERROR_UNSUPPORTED_SIGNATURE_ALGORITHM"_qs),
             qPrintable(output));
}

void NssInterop::devPkiCertificateDelegatesToNss()
{
    // The whole Baton path: a dev CA, a leaf from it, a DC under the leaf, all made by
    // batonctl, then judged by NSS.
    const auto run = [](const QStringList &arguments) {
        QProcess batonctl;
        batonctl.start(QStringLiteral(BATONCTL_PATH), arguments);
        batonctl.waitForFinished(kProcessTimeoutMs);
        return batonctl.exitCode() == 0 ? QString()
                                        : QString::fromLocal8Bit(batonctl.readAllStandardError());
    };
    const QString ca = m_dir.filePath(u"dev-ca"_qs);
    const QString leaf = m_dir.filePath(u"dev-leaf"_qs);
    const QString now = formatRfc3339(m_now);
    QCOMPARE(run({u"pki"_qs, u"init"_qs, u"--dir"_qs, ca, u"--no-encrypt"_qs, u"--now"_qs, now}),
             QString());
    QCOMPARE(run({u"pki"_qs, u"cert"_qs, u"--ca"_qs, ca, u"--dns"_qs, u"localhost"_qs, u"--now"_qs,
                  now, u"--out"_qs, leaf}),
             QString());
    const QString certificate = leaf + u"/cert.pem"_qs;
    const QString key = leaf + u"/key.pem"_qs;
    const QString dir = issueWithBatonctl(u"ecdsa-p256"_qs, u"12h"_qs, m_now, certificate, key);
    QVERIFY(!dir.isEmpty());
    const QString output =
        connectWithNss(dir + u"/dc.bin"_qs, dir + u"/dc-key.pem"_qs, m_now.addSecs(60),
                       {u"--cert"_qs, certificate, u"--key"_qs, key});
    QVERIFY2(output.contains(u"RESULT ok dc=yes scheme=0x0403"_qs), qPrintable(output));
}

void NssInterop::nssProfileBundleServes()
{
    // What `batonctl export --profile nss` writes is what an NSS server loads: the raw DC,
    // the PKCS#8 DER key and the chain, read here from DIR/current as a server would.
    const QString dir = issueWithBatonctl(u"ecdsa-p384"_qs, u"6h"_qs, m_now);
    QVERIFY(!dir.isEmpty());
    const QString bundles = m_dir.filePath(u"nss-bundles"_qs);
    QProcess exporter;
    exporter.start(QStringLiteral(BATONCTL_PATH),
                   {u"export"_qs, u"--profile"_qs, u"nss"_qs, u"--cert"_qs, m_certificatePath,
                    u"--dc"_qs, dir + u"/dc.bin"_qs, u"--dc-key"_qs, dir + u"/dc-key.pem"_qs,
                    u"--out"_qs, bundles, u"--now"_qs, formatRfc3339(m_now)});
    QVERIFY(exporter.waitForFinished(kProcessTimeoutMs));
    QVERIFY2(exporter.exitCode() == 0, exporter.readAllStandardError().constData());
    const QString current = bundles + u"/current"_qs;
    const QString output =
        connectWithNss(current + u"/dc.bin"_qs, current + u"/dc-key.der"_qs, m_now.addSecs(60),
                       {u"--cert"_qs, current + u"/chain.pem"_qs, u"--key"_qs, m_keyPath});
    QVERIFY2(output.contains(u"RESULT ok dc=yes scheme=0x0503"_qs), qPrintable(output));
}

void NssInterop::tstclntReportsDelegatedCredential()
{
    const QString tstclnt = QStandardPaths::findExecutable(u"tstclnt"_qs);
    QVERIFY2(!tstclnt.isEmpty(), "tstclnt (libnss3-tools) is not installed");
    const QString dir = issueWithBatonctl(u"ecdsa-p256"_qs, u"1d"_qs, SystemClock().now());
    QVERIFY(!dir.isEmpty());
    const QStringList credentials{
        u"--cert"_qs, m_certificatePath,   u"--key"_qs,    m_keyPath,
        u"--dc"_qs,   dir + u"/dc.bin"_qs, u"--dc-key"_qs, dir + u"/dc-key.pem"_qs};
    const ServerRun run = serveAndConnect(credentials, [&](int port) {
        auto *client = new QProcess;
        client->setStandardInputFile(QProcess::nullDevice());
        client->start(tstclnt,
                      {u"-h"_qs, u"127.0.0.1"_qs, u"-p"_qs, QString::number(port), u"-B"_qs,
                       u"-o"_qs, u"-D"_qs, u"-V"_qs, u"tls1.3:tls1.3"_qs, u"-Q"_qs});
        return client;
    });
    QVERIFY2(run.clientOutput.contains(u"Received a Delegated Credential"_qs),
             qPrintable(run.clientOutput + run.serverOutput));
}

void NssInterop::nssMintedVerifiesInBaton_data()
{
    QTest::addColumn<QString>("dcAlg");
    QTest::addColumn<quint16>("scheme");
    QTest::newRow("ecdsa-p256") << u"ecdsa-p256"_qs << quint16(0x0403);
    QTest::newRow("ecdsa-p384") << u"ecdsa-p384"_qs << quint16(0x0503);
    QTest::newRow("ecdsa-p521") << u"ecdsa-p521"_qs << quint16(0x0603);
    QTest::newRow("rsa-pss-2048") << u"rsa-pss-2048"_qs << quint16(0x0809);
}

void NssInterop::nssMintedVerifiesInBaton()
{
    QFETCH(QString, dcAlg);
    QFETCH(quint16, scheme);
    const QString dcPath = m_dir.filePath(u"nss-"_qs + dcAlg + u".bin"_qs);
    const QString keyPath = m_dir.filePath(u"nss-"_qs + dcAlg + u"-key.pem"_qs);
    QProcess mint;
    mint.start(QStringLiteral(NSS_PEER_PATH),
               {u"delegate"_qs, u"--cert"_qs, m_certificatePath, u"--key"_qs, m_keyPath,
                u"--dc-alg"_qs, dcAlg, u"--valid"_qs, u"86400"_qs, u"--now"_qs, unixSeconds(m_now),
                u"--out-dc"_qs, dcPath, u"--out-dc-key"_qs, keyPath});
    QVERIFY(mint.waitForFinished(kProcessTimeoutMs));
    QVERIFY2(mint.exitCode() == 0, mint.readAllStandardError().constData());

    auto document = readDelegatedCredentialFile(dcPath);
    QVERIFY2(document, qPrintable(document.errorMessage()));
    QCOMPARE(document->credential.dcCertVerifyAlgorithm, scheme);
    QCOMPARE(document->credential.algorithm, quint16(0x0403));
    QCOMPARE(document->credential.expiry(m_identity->certificate), m_now.addSecs(86400));
    const DcVerification report = verifyDelegatedCredential(
        m_identity->certificate, document->bytes, DcRole::Server, m_now.addSecs(60));
    for (const DcCheck &check : report.checks)
        QVERIFY2(check.outcome == CheckOutcome::Pass,
                 qPrintable(check.id + u": "_qs + check.detail));
    // NSS's DC key file holds the private half of the DC's public key.
    auto keyFile = readFileBounded(keyPath, 1 << 16);
    QVERIFY(keyFile);
    auto key = decodePrivateKey(*keyFile);
    QVERIFY2(key, qPrintable(key.errorMessage()));
    auto spki = encodeSubjectPublicKeyInfo(key->get());
    QVERIFY(spki);
    QCOMPARE(*spki, document->credential.subjectPublicKeyInfo);
}

void NssInterop::tokenSignedDcAcceptedByNss_data()
{
    QTest::addColumn<QString>("keyAlgorithm");
    QTest::addColumn<QString>("dcAlg");
    QTest::addColumn<QString>("scheme");
    // NSS accepts a DC only when its own signature is ECDSA: these are the token keys a
    // Firefox-facing deployment has.
    QTest::newRow("P-256 token key") << u"ecdsa-p256"_qs << u"ecdsa-p256"_qs << u"0x0403"_qs;
    QTest::newRow("P-384 token key") << u"ecdsa-p384"_qs << u"ecdsa-p384"_qs << u"0x0503"_qs;
    QTest::newRow("P-521 token key") << u"ecdsa-p521"_qs << u"ecdsa-p256"_qs << u"0x0403"_qs;
}

void NssInterop::tokenSignedDcAcceptedByNss()
{
    // The certificate key lives on a SoftHSM2 token: batonctl signs the DC there, and the NSS
    // server, which needs the certificate's key too, uses it from the same token.
    QFETCH(QString, keyAlgorithm);
    QFETCH(QString, dcAlg);
    QFETCH(QString, scheme);
    if (SoftHsm::modulePath().isEmpty())
        QSKIP("softhsm2 is not installed (packaging/install-deps.sh installs it)");
    const QString token = u"interop"_qs;
    if (!m_softHsm) {
        auto started = SoftHsm::start();
        QVERIFY2(started, qPrintable(started.errorMessage()));
        m_softHsm = std::move(started).value();
        QVERIFY(m_softHsm->createToken(token));
    }
    const QString pinFile = m_dir.filePath(u"token-pin"_qs);
    QVERIFY(writeFileAtomically(pinFile, SoftHsm::userPin(), 0600, Overwrite::Replace));
    const QString label = keyAlgorithm;
    QVERIFY(m_softHsm->generateKeyPair(token, keyAlgorithm, label, label.toUtf8()));
    auto key = TokenKey::open(SoftHsm::uri(token, label), [](const QString &) {
        return Result<SecretBytes>(SecretBytes(SoftHsm::userPin()));
    });
    QVERIFY2(key, qPrintable(key.errorMessage()));
    CertificateOptions options;
    options.notBefore = m_now.addDays(-1);
    options.notAfter = m_now.addDays(60);
    const TestIdentity leaf = makeIdentityForKey(key->publicKey(), *m_identity, options);
    const QString certificate = m_dir.filePath(u"token-"_qs + label + u".pem"_qs);
    QVERIFY(writeFileAtomically(certificate, leaf.certificatePem, 0644, Overwrite::Replace));

    const QString dir =
        issueWithBatonctl(dcAlg, u"1d"_qs, m_now, certificate, SoftHsm::uri(token, label),
                          {u"--pin"_qs, u"file:"_qs + pinFile});
    QVERIFY(!dir.isEmpty());
    auto dc = readDelegatedCredentialFile(dir + u"/dc.bin"_qs);
    QVERIFY2(dc, qPrintable(dc.errorMessage()));
    QCOMPARE(dc->credential.algorithm, certificateSchemeForKey(leaf.certificate.keyType())->code);
    const QString output =
        connectWithNss(dir + u"/dc.bin"_qs, dir + u"/dc-key.pem"_qs, m_now.addSecs(3600),
                       {u"--cert"_qs, certificate, u"--key-module"_qs, SoftHsm::modulePath(),
                        u"--key-pin-file"_qs, pinFile});
    QVERIFY2(output.contains(QStringLiteral("RESULT ok dc=yes scheme=%1").arg(scheme)),
             qPrintable(output));
    QVERIFY2(output.contains(u"HANDSHAKE ok"_qs), qPrintable(output));
}

QTEST_GUILESS_MAIN(NssInterop)
#include "tst_nss_interop.moc"
