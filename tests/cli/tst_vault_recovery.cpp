// docs/vault-format.md's recipe for recovering a key without Baton, followed literally: its
// code blocks, as they stand in the document, run against a workspace the real batonctl made
// (at the default scrypt cost), and the key they recover must be the one that was imported.
// Skipped where sqlite3, openssl or python3's cryptography package is missing.

#include "ProcessRun.h"
#include "TestPki.h"
#include "common/FileIo.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace baton;
using namespace baton::test;

namespace {

const QString kPassphrase = u"correct horse $battery 'staple'"_qs;

struct CodeBlock
{
    QString language;
    QString code;
};

/// The fenced code blocks of the document's section `heading`, in order.
QList<CodeBlock> codeBlocks(const QString &document, const QString &heading)
{
    const qsizetype start = document.indexOf(u"\n## "_qs + heading + u'\n');
    if (start < 0)
        return {};
    const qsizetype end = document.indexOf(u"\n## "_qs, start + 1);
    const QString section = document.mid(start, end < 0 ? -1 : end - start);
    static const QRegularExpression fence(u"^```(\\w+)\\n(.*?)^```$"_qs,
                                          QRegularExpression::MultilineOption |
                                              QRegularExpression::DotMatchesEverythingOption);
    QList<CodeBlock> blocks;
    for (auto match = fence.globalMatch(section); match.hasNext();) {
        const auto found = match.next();
        blocks.append({found.captured(1), found.captured(2)});
    }
    return blocks;
}

} // namespace

class VaultRecovery : public QObject
{
    Q_OBJECT

private slots:
    void recoversAKeyWithoutBaton();
};

void VaultRecovery::recoversAKeyWithoutBaton()
{
    for (const char *tool : {"sqlite3", "openssl", "python3", "sh"}) {
        if (QStandardPaths::findExecutable(QLatin1String(tool)).isEmpty())
            QSKIP(qPrintable(u"%1 is not installed"_qs.arg(QLatin1String(tool))));
    }
    if (runProcess(u"python3"_qs,
                   {u"-c"_qs, u"import cryptography.hazmat.primitives.ciphers.aead"_qs})
            .exitCode != 0)
        QSKIP("python3's cryptography package is not installed (Debian: python3-cryptography)");
    auto document = readFileBounded(QStringLiteral(BATON_VAULT_FORMAT_DOC), 1 << 20);
    QVERIFY2(document, qPrintable(document.errorMessage()));
    const QList<CodeBlock> blocks =
        codeBlocks(QString::fromUtf8(*document), u"Recovering a key without Baton"_qs);
    QCOMPARE(blocks.size(), 3);
    QCOMPARE(blocks[0].language, u"sh"_qs);
    QCOMPARE(blocks[1].language, u"python"_qs);
    QCOMPARE(blocks[2].language, u"sh"_qs);

    // The workspace, as an operator makes it.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const TestIdentity identity =
        makeIdentity({.commonName = u"recover.test"_qs, .dnsNames = {u"recover.test"_qs}});
    const auto [certificate, key] = writeIdentity(identity, dir.path(), u"identity"_qs);
    const QString workspace = dir.filePath(u"workspace.baton"_qs);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(u"BATON_PASSPHRASE_FILE"_qs);
    environment.insert(u"BATON_WORKSPACE"_qs, workspace);
    environment.insert(u"PASSPHRASE"_qs, kPassphrase);
    const QStringList pass{u"--passphrase"_qs, u"env:PASSPHRASE"_qs};
    for (const QStringList &arguments :
         {QStringList{u"ws"_qs, u"init"_qs} + pass,
          QStringList{u"ws"_qs, u"import"_qs, certificate, key} + pass}) {
        const ProcessRun run =
            runProcess(QStringLiteral(BATONCTL_PATH), arguments, environment, 120000);
        QVERIFY2(run.exitCode == 0, qPrintable(arguments.join(u' ') + u": "_qs + run.err));
    }
    const ProcessRun listed = runProcess(QStringLiteral(BATONCTL_PATH),
                                         {u"ws"_qs, u"list"_qs, u"--json"_qs}, environment);
    const QJsonArray certificates =
        QJsonDocument::fromJson(listed.out.toUtf8())[u"certificates"_qs].toArray();
    QCOMPARE(certificates.size(), 1);
    environment.insert(u"WS"_qs, workspace);
    environment.insert(u"CERT"_qs, QString::number(certificates.first()[u"id"_qs].toInteger()));

    // The recipe, in a directory of its own.
    const QString work = dir.filePath(u"recovery"_qs);
    QVERIFY(QDir().mkpath(work));
    QVERIFY(writeFileAtomically(work + u"/open-key.py"_qs, blocks[1].code.toUtf8(), 0600,
                                Overwrite::Refuse));
    const auto step = [&](const QString &program, const QStringList &arguments) {
        QProcess process;
        process.setWorkingDirectory(work);
        process.setProcessEnvironment(environment);
        process.setStandardInputFile(QProcess::nullDevice());
        process.start(program, arguments);
        return finishProcess(process);
    };
    const ProcessRun derived = step(u"sh"_qs, {u"-euc"_qs, blocks[0].code});
    QVERIFY2(derived.exitCode == 0, qPrintable(derived.err));
    const ProcessRun opened = step(u"python3"_qs, {u"open-key.py"_qs});
    QVERIFY2(opened.exitCode == 0, qPrintable(opened.err));
    const ProcessRun checked = step(u"sh"_qs, {u"-euc"_qs, blocks[2].code});
    QVERIFY2(checked.exitCode == 0, qPrintable(checked.err));
    QCOMPARE(checked.out, u"key.pem is the certificate's private key\n"_qs);

    // The very key that was imported, and nothing else left behind in the clear.
    auto recovered = readFileBounded(work + u"/key.pem"_qs, 1 << 16);
    QVERIFY(recovered);
    auto decoded = decodePrivateKey(*recovered);
    QVERIFY2(decoded, qPrintable(decoded.errorMessage()));
    QCOMPARE(encodePrivateKeyPkcs8Der(decoded->get())->bytes(),
             encodePrivateKeyPkcs8Der(identity.key.get())->bytes());
    QVERIFY(samePublicKey(decoded->get(), identity.certificate.publicKey()));
    QCOMPARE(QDir(work).entryList(QDir::Files), (QStringList{u"key.pem"_qs, u"open-key.py"_qs}));
}

QTEST_GUILESS_MAIN(VaultRecovery)
#include "tst_vault_recovery.moc"
