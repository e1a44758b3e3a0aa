// batonctl and unusable input (issue 13): every argument, file and number that cannot be used
// gets exit 2 and one clear, non-empty line, decided before any work; a file that asks for an
// unbounded key derivation is refused at once; a name that is not UTF-8 is refused rather
// than silently replaced by another path.

#include "KdfBombs.h"
#include "ProcessRun.h"
#include "TestPki.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace baton;
using namespace baton::test;

namespace {

using Run = ProcessRun;

/// Runs `script` with /bin/sh in `directory`, batonctl as "$B": the shell passes bytes that
/// QProcess (which encodes arguments as UTF-8) cannot, such as "$(printf 'c\377.pem')".
Run shell(const QString &script, const QString &directory)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("B"), QStringLiteral(BATONCTL_PATH));
    environment.remove(QStringLiteral("BATON_WORKSPACE"));
    environment.remove(QStringLiteral("BATON_PASSPHRASE_FILE"));
    process.setProcessEnvironment(environment);
    process.setWorkingDirectory(directory);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script});
    // Without the KDF limit a hostile PKCS#12 takes half an hour: fail instead of waiting.
    return finishProcess(process, 60000);
}

const QString kUtf8Refusal =
    QStringLiteral(": not valid UTF-8; Baton handles UTF-8 file names and arguments only "
                   "(rename the file or directory)\n");
const QString kWorkspace = QStringLiteral(" --workspace ws/w.baton --passphrase pass:pw");

} // namespace

class BatonctlInputs : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void refused_data();
    void refused();
    void truncatedPemHasASummary();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    void write(const QString &name, const QByteArray &content) const;

    /// "c\xff.pem": Qt cannot name it, so QTemporaryDir could not remove it.
    QByteArray rawName() const { return QFile::encodeName(m_dir.path()) + "/c\xff.pem"; }

    QTemporaryDir m_dir;
};

void BatonctlInputs::write(const QString &name, const QByteArray &content) const
{
    QFile file(path(name));
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(content), content.size());
}

void BatonctlInputs::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const TestIdentity identity = makeIdentity();
    write(QStringLiteral("cert.pem"), identity.certificatePem);
    write(QStringLiteral("key.pem"), identity.keyPem);
    write(QStringLiteral("truncated.pem"), identity.certificatePem.first(300));
    write(
        QStringLiteral("bomb-key.pem"),
        encryptedPkcs8WithCost(identity.key.get(), "pw", {BombPbe::Pbes2Pbkdf2, 0x7fffffff}, true));
    // 1 KB, no passphrase needed to find out what it asks for: 2^31-1 MAC iterations.
    write(QStringLiteral("bomb.p12"),
          pkcs12WithMacIterations(identity.key.get(), identity.certificate.handle(), "pw",
                                  0x7fffffff));
    // The same certificate under a name that is not UTF-8: it exists, so "no such file"
    // would mean batonctl looked for another path.
    const int fd = ::open(rawName().constData(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    QVERIFY(fd >= 0);
    QCOMPARE(
        ::write(fd, identity.certificatePem.constData(), size_t(identity.certificatePem.size())),
        ssize_t(identity.certificatePem.size()));
    ::close(fd);
    QCOMPARE(::mkfifo(QFile::encodeName(path(QStringLiteral("fifo.pem"))).constData(), 0600), 0);
    QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("a-directory")));
    QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("ws")));
    QFile sparse(path(QStringLiteral("big.pem")));
    QVERIFY(sparse.open(QIODevice::WriteOnly) && sparse.resize(100 << 20));
    const Run init = shell(QStringLiteral("\"$B\" ws init") + kWorkspace, m_dir.path());
    QVERIFY2(init.exitCode == 0, qPrintable(init.err));
}

void BatonctlInputs::cleanupTestCase()
{
    ::unlink(rawName().constData());
}

void BatonctlInputs::refused_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QString>("err"); ///< all of stderr; "%DIR%" is the test directory

    QTest::newRow("inspect, a name that is not UTF-8")
        << QStringLiteral("\"$B\" inspect \"$(printf 'c\\377.pem')\"")
        << QStringLiteral("batonctl: argument 2 \"c\\xff.pem\"") + kUtf8Refusal;
    QTest::newRow("target add --dir, a name that is not UTF-8")
        << QStringLiteral("\"$B\" target add --dir \"$(printf 't\\377')\" cert.pem")
        << QStringLiteral("batonctl: argument 4 \"t\\xff\" (after option --dir)") + kUtf8Refusal;
    QTest::newRow("--dir=VALUE, a name that is not UTF-8")
        << QStringLiteral("\"$B\" target add \"$(printf -- '--dir=t\\377')\" cert.pem")
        << QStringLiteral("batonctl: argument 3 \"--dir=t\\xff\" (option --dir)") + kUtf8Refusal;
    // The environment's paths are names too: Qt would open or create another workspace.
    QTest::newRow("BATON_WORKSPACE, a name that is not UTF-8")
        << QStringLiteral("BATON_WORKSPACE=\"$(printf 'w\\377')\" \"$B\" status")
        << QStringLiteral("batonctl: BATON_WORKSPACE=\"w\\xff\"") + kUtf8Refusal;
    QTest::newRow("BATON_PASSPHRASE_FILE, a name that is not UTF-8")
        << QStringLiteral("BATON_PASSPHRASE_FILE=\"$(printf 'p\\377')\" \"$B\" rotate")
        << QStringLiteral("batonctl: BATON_PASSPHRASE_FILE=\"p\\xff\"") + kUtf8Refusal;

    const QString bomb = QStringLiteral("bomb.p12: PKCS#12: MAC: 2147483647 iterations, more "
                                        "than Baton's limit of 10000000 (real files use 2048 to "
                                        "600000); refused before deriving any key\n");
    QTest::newRow("inspect, PKCS#12 MAC 2^31-1")
        << QStringLiteral("\"$B\" inspect bomb.p12") << QStringLiteral("batonctl: ") + bomb;
    QTest::newRow("inspect, PKCS#12 MAC 2^31-1, with a passphrase")
        << QStringLiteral("\"$B\" inspect --pass pass:pw bomb.p12")
        << QStringLiteral("batonctl: ") + bomb;

    // No passphrase source and no terminal: asking for one would fail with another message.
    QTest::newRow("dc issue --key, PBKDF2 2^31-1")
        << QStringLiteral("\"$B\" dc issue --cert cert.pem --key bomb-key.pem --out .")
        << QStringLiteral("batonctl: bomb-key.pem: encrypted private key (PKCS#8 "
                          "EncryptedPrivateKeyInfo): PBES2 with PBKDF2: 2147483647 iterations, "
                          "more than Baton's limit of 10000000 (real files use 2048 to 600000); "
                          "refused before deriving any key\n");
    QTest::newRow("inspect, a FIFO") << QStringLiteral("\"$B\" inspect fifo.pem")
                                     << QStringLiteral("batonctl: fifo.pem: not a regular file "
                                                       "(a FIFO)\n");
    QTest::newRow("ws import, a directory")
        << QStringLiteral("\"$B\" ws import a-directory") + kWorkspace
        << QStringLiteral("batonctl: a-directory: is a directory, not a file\n");
    QTest::newRow("ws import, a FIFO")
        << QStringLiteral("\"$B\" ws import fifo.pem") + kWorkspace
        << QStringLiteral("batonctl: fifo.pem: not a regular file (a FIFO)\n");
    QTest::newRow("ws import, 100 MB")
        << QStringLiteral("\"$B\" ws import big.pem") + kWorkspace
        << QStringLiteral("batonctl: big.pem: 104857600 bytes is too large for this kind of "
                          "file (at most 16777216 bytes); is it the right file?\n");

    QTest::newRow("dc issue --valid, too many digits")
        << QStringLiteral("\"$B\" dc issue --cert cert.pem --key key.pem --valid 99999999999d")
        << QStringLiteral("batonctl: --valid: duration '99999999999d' is too large: longer than "
                          "a century\n");
    QTest::newRow("dc issue --out, a file")
        << QStringLiteral("\"$B\" dc issue --cert cert.pem --key key.pem --out cert.pem")
        << QStringLiteral("batonctl: --out cert.pem: is a file, not a directory\n");
    QTest::newRow("pki cert --out, a file")
        << QStringLiteral("\"$B\" pki cert --ca ca --dns a.example --out cert.pem")
        << QStringLiteral("batonctl: --out cert.pem: is a file, not a directory\n");
    QTest::newRow("csr new --out, a file")
        << QStringLiteral("\"$B\" csr new --dns a.example --out cert.pem")
        << QStringLiteral("batonctl: --out cert.pem: is a file, not a directory\n");
    QTest::newRow("pki init --dir, a file")
        << QStringLiteral("\"$B\" pki init --dir cert.pem --no-encrypt")
        << QStringLiteral("batonctl: --dir cert.pem: is a file, not a directory\n");
    QTest::newRow("policy set --lifetime 1s")
        << QStringLiteral("\"$B\" policy set --lifetime 1s cert.pem") + kWorkspace
        << QStringLiteral("batonctl: --lifetime 1s: the renew-before must be positive, not 0 s: "
                          "a DC replaced only once it has expired leaves peers without one "
                          "(without --renew-before, the renew-before is half the lifetime, "
                          "0 s; give a longer --lifetime or an explicit --renew-before)\n");
}

void BatonctlInputs::refused()
{
    QFETCH(QString, script);
    QFETCH(QString, err);
    const Run run = shell(script, m_dir.path());
    QVERIFY2(run.exitCode == 2, qPrintable(QStringLiteral("exit %1 after %2 ms\n%3")
                                               .arg(run.exitCode)
                                               .arg(run.milliseconds)
                                               .arg(run.err)));
    QCOMPARE(run.err, err);
    // Decided from the input, before any work: a KDF at the announced cost would take minutes.
    QVERIFY2(run.milliseconds < 10000, qPrintable(QString::number(run.milliseconds)));
}

void BatonctlInputs::truncatedPemHasASummary()
{
    // An object that cannot be read is "not added" (exit 1), and says what it is, not "FAILED: ".
    const Run run =
        shell(QStringLiteral("\"$B\" ws import truncated.pem") + kWorkspace, m_dir.path());
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.out, QStringLiteral("truncated.pem\n  FAILED: unreadable certificate (PEM block "
                                     "1 'CERTIFICATE' at byte 0: no matching '-----END "
                                     "CERTIFICATE-----' line (truncated?))\n"));
}

QTEST_GUILESS_MAIN(BatonctlInputs)
#include "tst_batonctl_inputs.moc"
