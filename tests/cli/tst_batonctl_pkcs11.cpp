// `batonctl dc issue --key pkcs11:…`: the real binary signs DCs with keys on a SoftHSM2 token
// the test creates, `dc verify` accepts them, and the PIN is never printed.

#include "ProcessRun.h"
#include "SoftHsm.h"
#include "TestPki.h"
#include "common/FileIo.h"
#include "pkcs11/TokenKey.h"

#include <QTemporaryDir>
#include <QTest>

using namespace baton;
using namespace baton::test;

namespace {

const QString kToken = QStringLiteral("edge-ca");
const QString kNow = QStringLiteral("2026-06-01T12:00:00Z");
const QString kPinVariable = QStringLiteral("BATON_TEST_PIN");

ProcessRun batonctl(const QStringList &arguments)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(kPinVariable, QString::fromLatin1(SoftHsm::userPin()));
    return runProcess(QStringLiteral(BATONCTL_PATH), arguments, environment, 60000);
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

    const ProcessRun verified =
        batonctl({u"dc"_qs, u"verify"_qs, u"--cert"_qs, certificate, u"--at"_qs,
                  u"2026-06-01T12:30:00Z"_qs, out + u"/dc.bin"_qs});
    QVERIFY2(verified.exitCode == 0, qPrintable(verified.out + verified.err));
    QVERIFY(verified.out.contains(u"VALID"_qs));
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

QTEST_GUILESS_MAIN(BatonctlPkcs11)
#include "tst_batonctl_pkcs11.moc"
