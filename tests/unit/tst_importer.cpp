// Unit tests for import/Importer: one entry point that finds every certificate, request, key
// and DC in a file or pasted text, in every format they travel in, and keeps going past the
// parts it cannot read. Every fixture is made at run time (OpenSSL's API or its CLI).

#include "TestPki.h"
#include "common/Pem.h"
#include "dc/DcIssuer.h"
#include "import/Importer.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <optional>

using namespace baton;
using baton::test::utc;

namespace {

const QByteArray kPassphrase = QByteArrayLiteral("s3cret");
const QString kSource = QStringLiteral("fixture");

const QString kLeaf = QStringLiteral(
    "certificate CN=localhost, EC P-256, expires 2027-01-01 00:00:00 UTC, DelegationUsage");
const QString kIntermediate = QStringLiteral(
    "certificate CN=Test Intermediate CA, EC P-256, expires 2030-01-01 00:00:00 UTC, CA");
const QString kRoot =
    QStringLiteral("certificate CN=Test Root CA, EC P-256, expires 2035-01-01 00:00:00 UTC, CA");
const QString kKey = QStringLiteral("private key EC P-256 (256 bits)");
const QString kLeafKey = kKey + QStringLiteral(", matches certificate CN=localhost");
const QString kRequest =
    QStringLiteral("certificate request CN=request.example, EC P-256, requests DelegationUsage");
// The DC: issued 2026-06-01 for 24 h under a certificate from 2026-01-01, so valid_time is
// 152 days.
const QString kDcBody =
    QStringLiteral(", EC P-256 key, verifies with ecdsa_secp256r1_sha256 (0x0403), signed with "
                   "ecdsa_secp256r1_sha256 (0x0403)");
const QString kDc = QStringLiteral("delegated credential") + kDcBody +
                    QStringLiteral(", valid_time 13132800 s after its certificate's notBefore");
const QString kNothingImportable =
    QStringLiteral("fixture: nothing importable: not PEM, not DER, and not a delegated "
                   "credential in any encoding (");

/// "kind @ location [encrypted]: summary" or "kind @ location [encrypted] ! error".
QString describe(const ImportedObject &object)
{
    QString text = importedKindName(object.kind) + QStringLiteral(" @ ") + object.location;
    if (object.encrypted)
        text += QStringLiteral(" [encrypted]");
    return object.error.isEmpty() ? text + QStringLiteral(": ") + object.summary
                                  : text + QStringLiteral(" ! ") + object.error;
}

/// Exact, except that an expectation ending in '*' is a prefix (for messages that end in
/// OpenSSL's own reasons, which vary between its releases).
bool matches(const QString &actual, const QString &expected)
{
    if (expected.endsWith(QLatin1Char('*')))
        return actual.startsWith(expected.chopped(1));
    return actual == expected;
}

QString at(const QString &kind, const QString &location, const QString &summary)
{
    return kind + QStringLiteral(" @ ") + location + QStringLiteral(": ") + summary;
}

QString failedAt(const QString &kind, const QString &location, const QString &error)
{
    return kind + QStringLiteral(" @ ") + location + QStringLiteral(" ! ") + location +
           QStringLiteral(": ") + error;
}

QString pemBlock(int number, const QString &label, qsizetype offset)
{
    return QStringLiteral("PEM block %1 '%2' at byte %3").arg(number).arg(label).arg(offset);
}

QByteArray pemOneLine(const QByteArray &label, const QByteArray &der)
{
    return "-----BEGIN " + label + "-----\n" + der.toBase64() + "\n-----END " + label + "-----\n";
}

/// Answers with the scripted passphrases in turn, then gives up; records what it was asked.
struct ScriptedPassphrases
{
    QList<QByteArray> answers;
    QStringList asked;

    PassphraseProvider provider()
    {
        return [this](const QString &what) -> std::optional<QByteArray> {
            asked << what;
            if (answers.isEmpty())
                return std::nullopt;
            return answers.takeFirst();
        };
    }
};

/// Every successfully read object carries the value its kind promises.
bool carriesItsValue(const ImportedObject &object)
{
    if (!object.error.isEmpty())
        return !object.certificate && !object.request && !object.privateKey &&
               !object.delegatedCredential;
    switch (object.kind) {
    case ImportedKind::Certificate:
        return object.certificate.has_value();
    case ImportedKind::CertificateRequest:
        return object.request.has_value();
    case ImportedKind::PrivateKey:
        return object.privateKey != nullptr;
    case ImportedKind::DelegatedCredential:
        return object.delegatedCredential != nullptr;
    case ImportedKind::Unknown:
        return !object.certificate && !object.request && !object.privateKey &&
               !object.delegatedCredential;
    }
    return false;
}

} // namespace

class ImporterTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void importData_data();
    void importData();
    void importFile_data();
    void importFile();
    void valuesAreTheOnesInTheInput();
    void legacyPkcs12WithoutTheLegacyProvider();
    void hostileInputIsRejectedCleanly_data();
    void hostileInputIsRejectedCleanly();
    void manyBrokenBlocksCostLinearTime();

private:
    void makeFixtures();
    QByteArray openssl(const QStringList &arguments);
    QString path(const QString &name) const { return m_dir.filePath(name); }
    void writeFixture(const QString &name, const QByteArray &content);

    std::optional<test::TestChain> m_chain;
    QByteArray m_dc;                     ///< a server DC under the leaf, EC P-256
    QByteArray m_dcKeyDer;               ///< its key, PKCS#8 DER
    QByteArray m_request;                ///< a CSR asking for DelegationUsage, DER
    QByteArray m_encrypted;              ///< the leaf key as encrypted PKCS#8 PEM under kPassphrase
    std::map<QString, QByteArray> m_cli; ///< made by the openssl CLI; empty when it is missing
    QString m_openssl;
    QTemporaryDir m_dir;
    bool m_fixturesMade = false;
};

void ImporterTest::initTestCase()
{
    makeFixtures();
}

QByteArray ImporterTest::openssl(const QStringList &arguments)
{
    QProcess process;
    process.start(m_openssl, arguments);
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        qWarning("openssl %s failed: %s", qPrintable(arguments.join(QLatin1Char(' '))),
                 process.readAllStandardError().constData());
        return {};
    }
    return process.readAllStandardOutput();
}

void ImporterTest::writeFixture(const QString &name, const QByteArray &content)
{
    QFile file(path(name));
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(content), content.size());
}

// Also called by the _data functions: `-datatags` runs those without initTestCase.
void ImporterTest::makeFixtures()
{
    if (m_fixturesMade)
        return;
    m_fixturesMade = true;
    QVERIFY(m_dir.isValid());
    m_chain.emplace(test::makeChain());
    auto issued = issueDelegatedCredential(DcIssueRequest{
        .certificate = m_chain->leaf.certificate,
        .certificateKey = m_chain->leaf.key.get(),
        .lifetimeSeconds = 24 * 3600,
        .now = utc(2026, 6, 1),
    });
    QVERIFY2(issued.ok(), qPrintable(issued.errorMessage()));
    m_dc = issued->bytes;
    auto keyDer = encodePrivateKeyPkcs8Der(issued->generatedKey.get());
    QVERIFY(keyDer.ok());
    m_dcKeyDer = keyDer->bytes();
    m_request = test::makeRequest().der;
    m_encrypted = test::encryptedKeyPem(m_chain->leaf.key.get(), kPassphrase);

    m_openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (m_openssl.isEmpty()) {
        qWarning("openssl CLI not found: the rows made with it are left out");
        return;
    }
    writeFixture(QStringLiteral("leaf.pem"), m_chain->leaf.certificatePem);
    writeFixture(QStringLiteral("leaf-key.pem"), m_chain->leaf.keyPem);
    writeFixture(QStringLiteral("root.pem"), m_chain->root.certificatePem);
    writeFixture(QStringLiteral("chain.pem"),
                 m_chain->intermediate.certificatePem + m_chain->root.certificatePem);
    const QString leafPem = path(QStringLiteral("leaf.pem"));
    const QString leafKey = path(QStringLiteral("leaf-key.pem"));
    const QString chainPem = path(QStringLiteral("chain.pem"));
    const QString pass = QStringLiteral("pass:") + QString::fromLatin1(kPassphrase);
    const auto pkcs12 = [&](const QStringList &extra) {
        return openssl(QStringList{u"pkcs12"_qs, u"-export"_qs, u"-in"_qs, leafPem, u"-inkey"_qs,
                                   leafKey, u"-certfile"_qs, chainPem, u"-name"_qs, u"leaf"_qs} +
                       extra);
    };
    m_cli[u"p12"_qs] = pkcs12({u"-passout"_qs, pass});
    m_cli[u"p12-legacy"_qs] = pkcs12({u"-legacy"_qs, u"-passout"_qs, pass});
    m_cli[u"p12-empty"_qs] = pkcs12({u"-passout"_qs, u"pass:"_qs});
    m_cli[u"p12-nomac"_qs] = pkcs12({u"-nomac"_qs, u"-passout"_qs, pass});
    const QStringList p7{u"crl2pkcs7"_qs, u"-nocrl"_qs,    u"-certfile"_qs,
                         leafPem,         u"-certfile"_qs, chainPem};
    m_cli[u"p7b-der"_qs] = openssl(p7 + QStringList{u"-outform"_qs, u"DER"_qs});
    m_cli[u"p7b-pem"_qs] = openssl(p7);
    m_cli[u"p8-encrypted-der"_qs] =
        openssl({u"pkcs8"_qs, u"-topk8"_qs, u"-v2"_qs, u"aes-256-cbc"_qs, u"-in"_qs, leafKey,
                 u"-passout"_qs, pass, u"-outform"_qs, u"DER"_qs});
    m_cli[u"ecparam-genkey"_qs] =
        openssl({u"ecparam"_qs, u"-name"_qs, u"prime256v1"_qs, u"-genkey"_qs});
    m_cli[u"sec1-pem"_qs] = openssl({u"ec"_qs, u"-in"_qs, leafKey});
    m_cli[u"sec1-der"_qs] = openssl({u"ec"_qs, u"-in"_qs, leafKey, u"-outform"_qs, u"DER"_qs});
    m_cli[u"sec1-encrypted"_qs] =
        openssl({u"ec"_qs, u"-in"_qs, leafKey, u"-aes256"_qs, u"-passout"_qs, pass});
    m_cli[u"rsa-traditional"_qs] = openssl({u"genrsa"_qs, u"-traditional"_qs, u"2048"_qs});
    m_cli[u"public-key"_qs] = openssl({u"pkey"_qs, u"-in"_qs, leafKey, u"-pubout"_qs});
    m_cli[u"trusted-root"_qs] = openssl({u"x509"_qs, u"-in"_qs, path(QStringLiteral("root.pem")),
                                         u"-addtrust"_qs, u"serverAuth"_qs, u"-trustout"_qs});
    m_cli[u"req"_qs] =
        openssl({u"req"_qs, u"-new"_qs, u"-key"_qs, leafKey, u"-subj"_qs, u"/CN=cli.example"_qs,
                 u"-addext"_qs, u"1.3.6.1.4.1.44363.44=ASN1:NULL"_qs});
    for (const auto &[name, bytes] : m_cli)
        QVERIFY2(!bytes.isEmpty(), qPrintable(name));
}

void ImporterTest::importData_data()
{
    makeFixtures();
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("withProvider");
    QTest::addColumn<QList<QByteArray>>("passphrases");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QString>("fileError");
    QTest::addColumn<QStringList>("prompts");

    const QString cert = QStringLiteral("certificate");
    const QString key = QStringLiteral("private key");
    const QString request = QStringLiteral("certificate request");
    const QString dc = QStringLiteral("delegated credential");
    const QString unknown = QStringLiteral("unknown");
    const QList<QByteArray> noAnswers;
    const QList<QByteArray> right{kPassphrase};
    const QList<QByteArray> wrongThenRight{QByteArrayLiteral("wrong"), kPassphrase};
    const QList<QByteArray> wrongOnly{QByteArrayLiteral("wrong")};
    const QStringList noPrompts;
    const QString noError;
    const auto row = [](const char *name) -> QTestData & {
        return QTest::newRow(name);
    };

    const test::TestChain &chain = *m_chain;
    const QByteArray leafPem = chain.leaf.certificatePem;
    const QByteArray interPem = chain.intermediate.certificatePem;
    const QByteArray rootPem = chain.root.certificatePem;
    const QByteArray requestPem = encodePem(u"CERTIFICATE REQUEST"_qs, m_request);
    const QByteArray dcPem = encodePem(u"DELEGATED CREDENTIAL"_qs, m_dc);

    // ---- certificates
    row("PEM certificate") << leafPem << false << noAnswers
                           << QStringList{at(cert, pemBlock(1, u"CERTIFICATE"_qs, 0), kLeaf)}
                           << noError << noPrompts;
    row("DER certificate") << chain.leaf.certificate.der() << false << noAnswers
                           << QStringList{at(cert, u"DER"_qs, kLeaf)} << noError << noPrompts;
    row("X509 CERTIFICATE label") << encodePem(u"X509 CERTIFICATE"_qs, chain.root.certificate.der())
                                  << false << noAnswers
                                  << QStringList{at(cert, pemBlock(1, u"X509 CERTIFICATE"_qs, 0),
                                                    kRoot)}
                                  << noError << noPrompts;
    row("PEM chain, leaf first")
        << QByteArray(leafPem + interPem + rootPem) << false << noAnswers
        << QStringList{at(cert, pemBlock(1, u"CERTIFICATE"_qs, 0), kLeaf),
                       at(cert, pemBlock(2, u"CERTIFICATE"_qs, leafPem.size()), kIntermediate),
                       at(cert, pemBlock(3, u"CERTIFICATE"_qs, leafPem.size() + interPem.size()),
                          kRoot)}
        << noError << noPrompts;
    row("PEM with text around the blocks")
        << QByteArray("subject=CN=localhost\n" + leafPem + "\nissuer=whatever\n") << false
        << noAnswers << QStringList{at(cert, pemBlock(1, u"CERTIFICATE"_qs, 21), kLeaf)} << noError
        << noPrompts;
    const QByteArray leafDer = chain.leaf.certificate.der();
    const QByteArray rootDer = chain.root.certificate.der();
    row("two DER certificates back to back")
        << QByteArray(leafDer + rootDer) << false << noAnswers
        << QStringList{at(cert, u"DER object 1 at byte 0"_qs, kLeaf),
                       at(cert, QStringLiteral("DER object 2 at byte %1").arg(leafDer.size()),
                          kRoot)}
        << noError << noPrompts;
    row("DER certificate and a stray newline")
        << QByteArray(leafDer + "\n") << false << noAnswers
        << QStringList{at(cert, u"DER object 1 at byte 0"_qs, kLeaf),
                       failedAt(unknown,
                                QStringLiteral("DER object 2 at byte %1").arg(leafDer.size()),
                                u"trailing data that is not DER (1 bytes)"_qs)}
        << noError << noPrompts;

    // ---- requests
    row("PEM certificate request")
        << requestPem << false << noAnswers
        << QStringList{at(request, pemBlock(1, u"CERTIFICATE REQUEST"_qs, 0), kRequest)} << noError
        << noPrompts;
    row("DER certificate request")
        << m_request << false << noAnswers << QStringList{at(request, u"DER"_qs, kRequest)}
        << noError << noPrompts;
    row("NEW CERTIFICATE REQUEST label")
        << encodePem(u"NEW CERTIFICATE REQUEST"_qs, m_request) << false << noAnswers
        << QStringList{at(request, pemBlock(1, u"NEW CERTIFICATE REQUEST"_qs, 0), kRequest)}
        << noError << noPrompts;

    // ---- keys
    row("PKCS#8 PEM key") << chain.leaf.keyPem << false << noAnswers
                          << QStringList{at(key, pemBlock(1, u"PRIVATE KEY"_qs, 0), kKey)}
                          << noError << noPrompts;
    auto leafKeyDer = encodePrivateKeyPkcs8Der(chain.leaf.key.get());
    QVERIFY(leafKeyDer.ok());
    row("PKCS#8 DER key") << leafKeyDer->bytes() << false << noAnswers
                          << QStringList{at(key, u"DER"_qs, kKey)} << noError << noPrompts;
    const QString encryptedAt = pemBlock(1, u"ENCRYPTED PRIVATE KEY"_qs, 0) + u" [encrypted]"_qs;
    const QString keyPrompt = u"encrypted private key in PEM block 1 of fixture"_qs;
    row("encrypted PKCS#8 PEM, right passphrase")
        << m_encrypted << true << right
        << QStringList{at(key, encryptedAt, kKey + u", encrypted"_qs)} << noError
        << QStringList{keyPrompt};
    row("encrypted PKCS#8 PEM, wrong then right passphrase")
        << m_encrypted << true << wrongThenRight
        << QStringList{at(key, encryptedAt, kKey + u", encrypted"_qs)} << noError
        << QStringList{keyPrompt, keyPrompt};
    row("encrypted PKCS#8 PEM, wrong passphrase")
        << m_encrypted << true << wrongOnly
        << QStringList{key + u" @ "_qs + encryptedAt + u" ! "_qs +
                       pemBlock(1, u"ENCRYPTED PRIVATE KEY"_qs, 0) +
                       u": wrong passphrase (or the key is damaged); passphrase needed"_qs}
        << noError << QStringList{keyPrompt, keyPrompt};
    row("encrypted PKCS#8 PEM, provider declines")
        << m_encrypted << true << noAnswers
        << QStringList{key + u" @ "_qs + encryptedAt + u" ! "_qs +
                       pemBlock(1, u"ENCRYPTED PRIVATE KEY"_qs, 0) +
                       u": encrypted; passphrase needed"_qs}
        << noError << QStringList{keyPrompt};
    row("encrypted PKCS#8 PEM, no provider")
        << m_encrypted << false << noAnswers
        << QStringList{key + u" @ "_qs + encryptedAt + u" ! "_qs +
                       pemBlock(1, u"ENCRYPTED PRIVATE KEY"_qs, 0) +
                       u": encrypted; passphrase needed"_qs}
        << noError << noPrompts;
    row("OpenSSH key") << pemOneLine("OPENSSH PRIVATE KEY", "openssh-key-v1") << false << noAnswers
                       << QStringList{failedAt(
                              key, pemBlock(1, u"OPENSSH PRIVATE KEY"_qs, 0),
                              u"OpenSSH's own key format; convert it to PKCS#8 first "
                              "(ssh-keygen -p -m PKCS8 -f <file>)"_qs)}
                       << noError << noPrompts;

    // ---- delegated credentials, in every encoding
    row("DC, binary") << m_dc << false << noAnswers << QStringList{at(dc, u"binary"_qs, kDc)}
                      << noError << noPrompts;
    row("DC, hex") << m_dc.toHex() << false << noAnswers << QStringList{at(dc, u"hex"_qs, kDc)}
                   << noError << noPrompts;
    row("DC, hex starting 30") // hex text is never mistaken for DER
        << QByteArray("0x" + m_dc.toHex()) << false << noAnswers
        << QStringList{at(dc, u"hex"_qs, kDc)} << noError << noPrompts;
    row("DC, base64") << m_dc.toBase64() << false << noAnswers
                      << QStringList{at(dc, u"base64"_qs, kDc)} << noError << noPrompts;
    row("DC, PEM") << dcPem << false << noAnswers
                   << QStringList{at(dc, pemBlock(1, u"DELEGATED CREDENTIAL"_qs, 0), kDc)}
                   << noError << noPrompts;
    row("DC, SERVER PEM")
        << encodePem(u"SERVER DELEGATED CREDENTIAL"_qs, m_dc) << false << noAnswers
        << QStringList{at(dc, pemBlock(1, u"SERVER DELEGATED CREDENTIAL"_qs, 0),
                          u"delegated credential (server, by its label)"_qs + kDcBody +
                              u", valid_time 13132800 s after its certificate's notBefore"_qs)}
        << noError << noPrompts;
    const QByteArray fizzDc = pemOneLine("SERVER DELEGATED CREDENTIAL", m_dc);
    const QByteArray fizzKey = encodePem(u"SERVER DC PRIVATE KEY"_qs, m_dcKeyDer);
    const QString fizzDcAt = pemBlock(1, u"SERVER DELEGATED CREDENTIAL"_qs, 0);
    row("DC, Fizz combined PEM")
        << QByteArray(fizzDc + fizzKey + leafPem) << false << noAnswers
        << QStringList{at(dc, fizzDcAt,
                          u"delegated credential (server, by its label)"_qs + kDcBody +
                              u", expires 2026-06-02 00:00:00 UTC under CN=localhost, with its "
                              "private key"_qs),
                       at(key, pemBlock(2, u"SERVER DC PRIVATE KEY"_qs, fizzDc.size()),
                          kKey + u", matches the delegated credential in "_qs + fizzDcAt),
                       at(cert, pemBlock(3, u"CERTIFICATE"_qs, fizzDc.size() + fizzKey.size()),
                          kLeaf)}
        << noError << noPrompts;
    row("DC, interop-runner line")
        << QByteArray(m_dc.toHex() + "," + m_dcKeyDer.toHex() + "\n") << false << noAnswers
        << QStringList{at(dc, u"interop-runner line"_qs, kDc + u", with its private key"_qs)}
        << noError << noPrompts;
    row("DC, hex, truncated") << m_dc.chopped(1).toHex() << false << noAnswers << QStringList()
                              << kNothingImportable + u"(read as hex) field signature*"_qs
                              << noPrompts;

    // ---- mixed and partly broken bundles
    QByteArray badBase64 = interPem;
    badBase64[40] = '!';
    // A kind Baton does not import (a CRL is recognised: tst_import_hardening).
    const QByteArray crl = pemOneLine("DH PARAMETERS", "not really DH parameters");
    const QByteArray keyPem = chain.leaf.keyPem;
    QByteArray mixed = leafPem + keyPem + requestPem + dcPem;
    const qsizetype badAt = mixed.size();
    mixed += badBase64;
    const qsizetype rootAt = mixed.size();
    mixed += rootPem;
    const qsizetype crlAt = mixed.size();
    mixed += crl;
    const qsizetype requestAt = leafPem.size() + keyPem.size();
    row("mixed bundle, one corrupt certificate")
        << mixed << false << noAnswers
        << QStringList{at(cert, pemBlock(1, u"CERTIFICATE"_qs, 0), kLeaf),
                       at(key, pemBlock(2, u"PRIVATE KEY"_qs, leafPem.size()), kLeafKey),
                       at(request, pemBlock(3, u"CERTIFICATE REQUEST"_qs, requestAt), kRequest),
                       // A DC beside an unrelated key is no Fizz combined PEM.
                       at(dc,
                          pemBlock(4, u"DELEGATED CREDENTIAL"_qs, requestAt + requestPem.size()),
                          kDc),
                       failedAt(cert, pemBlock(5, u"CERTIFICATE"_qs, badAt),
                                u"the body is not valid base64"_qs),
                       at(cert, pemBlock(6, u"CERTIFICATE"_qs, rootAt), kRoot),
                       at(unknown, pemBlock(7, u"DH PARAMETERS"_qs, crlAt),
                          u"PEM block 'DH PARAMETERS' (not a kind Baton imports)"_qs)}
        << noError << noPrompts;
    QByteArray damagedDer = chain.intermediate.certificate.der();
    damagedDer.chop(10);
    const QByteArray damagedPem = encodePem(u"CERTIFICATE"_qs, damagedDer);
    row("three certificates, the second's DER damaged")
        << QByteArray(leafPem + damagedPem + rootPem) << false << noAnswers
        << QStringList{at(cert, pemBlock(1, u"CERTIFICATE"_qs, 0), kLeaf),
                       failedAt(cert, pemBlock(2, u"CERTIFICATE"_qs, leafPem.size()),
                                u"not a DER X.509 certificate*"_qs),
                       at(cert, pemBlock(3, u"CERTIFICATE"_qs, leafPem.size() + damagedPem.size()),
                          kRoot)}
        << noError << noPrompts;
    QByteArray noEnd = interPem;
    noEnd.replace("-----END CERTIFICATE-----\n", "");
    row("three certificates, the second without its END line")
        << QByteArray(leafPem + noEnd + rootPem) << false << noAnswers
        << QStringList{at(cert, pemBlock(1, u"CERTIFICATE"_qs, 0), kLeaf),
                       failedAt(cert, pemBlock(2, u"CERTIFICATE"_qs, leafPem.size()),
                                u"no matching '-----END CERTIFICATE-----' line (truncated?)"_qs),
                       at(cert, pemBlock(3, u"CERTIFICATE"_qs, leafPem.size() + noEnd.size()),
                          kRoot)}
        << noError << noPrompts;
    const QByteArray chainPem = leafPem + interPem + rootPem;
    row("PEM cut off in the second block")
        << chainPem.first(leafPem.size() + interPem.size() / 2) << false << noAnswers
        << QStringList{at(cert, pemBlock(1, u"CERTIFICATE"_qs, 0), kLeaf),
                       failedAt(cert, pemBlock(2, u"CERTIFICATE"_qs, leafPem.size()),
                                u"no matching '-----END CERTIFICATE-----' line (truncated?)"_qs)}
        << noError << noPrompts;
    row("PEM with an empty block")
        << QByteArray("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n" + rootPem) << false
        << noAnswers
        << QStringList{failedAt(cert, pemBlock(1, u"CERTIFICATE"_qs, 0), u"the block is empty"_qs),
                       at(cert, pemBlock(2, u"CERTIFICATE"_qs, 54), kRoot)}
        << noError << noPrompts;

    // ---- whole-input failures
    row("DER certificate, truncated")
        << leafDer.chopped(20) << false << noAnswers << QStringList()
        << QStringLiteral("fixture: truncated DER: the element at byte 0 announces %1 bytes but "
                          "only %2 are left (was the file cut short?)")
               .arg(leafDer.size())
               .arg(leafDer.size() - 20)
        << noPrompts;
    row("DER, cut inside the length")
        << QByteArray("\x30\x82\x01", 3) << false << noAnswers << QStringList()
        << u"fixture: truncated DER: the length of the element at byte 0 is cut off"_qs
        << noPrompts;
    QRandomGenerator random(0x1A7E);
    QByteArray garbage(512, Qt::Uninitialized);
    for (char &c : garbage)
        c = char(random.bounded(256));
    garbage[0] = '\x01';
    row("garbage bytes") << garbage << false << noAnswers << QStringList()
                         << kNothingImportable + u"(read as binary) *"_qs << noPrompts;
    row("garbage text") << QByteArray("this is not a certificate!\n") << false << noAnswers
                        << QStringList()
                        << kNothingImportable +
                               u"text that is neither PEM, hex, base64 nor an interop-runner "
                               "line)"_qs
                        << noPrompts;
    row("empty") << QByteArray() << false << noAnswers << QStringList()
                 << u"fixture: empty; nothing to import"_qs << noPrompts;
    row("whitespace") << QByteArray(" \r\n\t\n") << false << noAnswers << QStringList()
                      << u"fixture: only whitespace; nothing to import"_qs << noPrompts;
    row("larger than the limit")
        << QByteArray(kMaxImportSize + 1, 'A') << false << noAnswers << QStringList()
        << QStringLiteral("fixture: %1 bytes is too large to import (at most %2 bytes)")
               .arg(kMaxImportSize + 1)
               .arg(kMaxImportSize)
        << noPrompts;

    if (m_cli.empty())
        return;

    // ---- made by the openssl CLI
    const QString p12Prompt = u"PKCS#12 file fixture"_qs;
    const QString named = u", friendly name \"leaf\""_qs;
    const QStringList p12Objects{
        at(cert, u"PKCS#12 certificate 1 [encrypted]"_qs, kLeaf + named),
        at(cert, u"PKCS#12 certificate 2 [encrypted]"_qs, kIntermediate),
        at(cert, u"PKCS#12 certificate 3 [encrypted]"_qs, kRoot),
        at(key, u"PKCS#12 private key 1 [encrypted]"_qs,
           kKey + u", encrypted"_qs + named + u", matches certificate CN=localhost"_qs)};
    row("PKCS#12, right passphrase")
        << m_cli[u"p12"_qs] << true << right << p12Objects << noError << QStringList{p12Prompt};
    row("PKCS#12, wrong then right passphrase")
        << m_cli[u"p12"_qs] << true << wrongThenRight << p12Objects << noError
        << QStringList{p12Prompt, p12Prompt};
    row("PKCS#12, wrong passphrase")
        << m_cli[u"p12"_qs] << true << wrongOnly
        << QStringList{u"unknown @ PKCS#12 [encrypted] ! PKCS#12: wrong passphrase (or the file "
                       "is damaged); passphrase needed"_qs}
        << noError << QStringList{p12Prompt, p12Prompt};
    row("PKCS#12, no provider")
        << m_cli[u"p12"_qs] << false << noAnswers
        << QStringList{u"unknown @ PKCS#12 [encrypted] ! PKCS#12: encrypted; passphrase "
                       "needed"_qs}
        << noError << noPrompts;
    row("PKCS#12, empty passphrase, not asked")
        << m_cli[u"p12-empty"_qs] << true << noAnswers << p12Objects << noError << noPrompts;
    // `-nomac` also leaves the certificates unencrypted; only the key is shrouded.
    QStringList p12NoMacObjects = p12Objects;
    for (int i = 0; i < 3; ++i)
        p12NoMacObjects[i].replace(u" [encrypted]"_qs, QString());
    row("PKCS#12 without MAC, right passphrase")
        << m_cli[u"p12-nomac"_qs] << true << right << p12NoMacObjects << noError
        << QStringList{p12Prompt};
    row("PKCS#12 without MAC, provider declines")
        << m_cli[u"p12-nomac"_qs] << true << noAnswers
        << (p12NoMacObjects.first(3) +
            QStringList{u"private key @ PKCS#12 private key 1 [encrypted] ! PKCS#12 private key "
                        "1: encrypted; passphrase needed"_qs})
        << noError << QStringList{p12Prompt};
    const QString legacy =
        u", from a PKCS#12 file with legacy encryption (pbeWithSHA1And40BitRC2-CBC)"_qs;
    row("PKCS#12, legacy RC2 encryption")
        << m_cli[u"p12-legacy"_qs] << true << right
        << QStringList{at(cert, u"PKCS#12 certificate 1 [encrypted]"_qs, kLeaf + named + legacy),
                       at(cert, u"PKCS#12 certificate 2 [encrypted]"_qs, kIntermediate + legacy),
                       at(cert, u"PKCS#12 certificate 3 [encrypted]"_qs, kRoot + legacy),
                       at(key, u"PKCS#12 private key 1 [encrypted]"_qs,
                          kKey + u", encrypted"_qs + named + legacy +
                              u", matches certificate CN=localhost"_qs)}
        << noError << QStringList{p12Prompt};
    const QByteArray p12 = m_cli[u"p12"_qs];
    row("PKCS#12, truncated")
        << p12.first(p12.size() / 2) << true << right << QStringList()
        << QStringLiteral("fixture: truncated DER: the element at byte 0 announces %1 bytes but "
                          "only %2 are left (was the file cut short?)")
               .arg(p12.size())
               .arg(p12.size() / 2)
        << noPrompts;
    row("PKCS#7, DER") << m_cli[u"p7b-der"_qs] << false << noAnswers
                       << QStringList{at(cert, u"PKCS#7 certificate 1"_qs, kLeaf),
                                      at(cert, u"PKCS#7 certificate 2"_qs, kIntermediate),
                                      at(cert, u"PKCS#7 certificate 3"_qs, kRoot)}
                       << noError << noPrompts;
    const QString p7At = pemBlock(1, u"PKCS7"_qs, 0) + u", PKCS#7 certificate "_qs;
    row("PKCS#7, PEM") << m_cli[u"p7b-pem"_qs] << false << noAnswers
                       << QStringList{at(cert, p7At + u"1"_qs, kLeaf),
                                      at(cert, p7At + u"2"_qs, kIntermediate),
                                      at(cert, p7At + u"3"_qs, kRoot)}
                       << noError << noPrompts;
    row("encrypted PKCS#8 DER (pkcs8 -topk8 -v2 aes-256-cbc)")
        << m_cli[u"p8-encrypted-der"_qs] << true << right
        << QStringList{at(key, u"DER [encrypted]"_qs, kKey + u", encrypted"_qs)} << noError
        << QStringList{u"encrypted private key in fixture"_qs};
    const QByteArray genkey = m_cli[u"ecparam-genkey"_qs];
    row("EC PARAMETERS and EC PRIVATE KEY (ecparam -genkey)")
        << genkey << false << noAnswers
        << QStringList{at(
               key,
               pemBlock(2, u"EC PRIVATE KEY"_qs,
                        genkey.indexOf(test::pemBeginLine(QStringLiteral("EC PRIVATE KEY")))),
               kKey)}
        << noError << noPrompts;
    row("SEC1 PEM") << m_cli[u"sec1-pem"_qs] << false << noAnswers
                    << QStringList{at(key, pemBlock(1, u"EC PRIVATE KEY"_qs, 0), kKey)} << noError
                    << noPrompts;
    row("SEC1 DER") << m_cli[u"sec1-der"_qs] << false << noAnswers
                    << QStringList{at(key, u"DER"_qs, kKey)} << noError << noPrompts;
    row("SEC1 PEM, legacy PEM encryption")
        << m_cli[u"sec1-encrypted"_qs] << true << right
        << QStringList{at(key, pemBlock(1, u"EC PRIVATE KEY"_qs, 0) + u" [encrypted]"_qs,
                          kKey + u", encrypted"_qs)}
        << noError << QStringList{keyPrompt};
    row("RSA PRIVATE KEY (genrsa -traditional)")
        << m_cli[u"rsa-traditional"_qs] << false << noAnswers
        << QStringList{at(key, pemBlock(1, u"RSA PRIVATE KEY"_qs, 0),
                          u"private key RSA (2048 bits)"_qs)}
        << noError << noPrompts;
    row("PUBLIC KEY") << m_cli[u"public-key"_qs] << false << noAnswers
                      << QStringList{at(unknown, pemBlock(1, u"PUBLIC KEY"_qs, 0),
                                        u"public key EC P-256 (256 bits) (a public key alone is "
                                        "not imported)"_qs)}
                      << noError << noPrompts;
    row("TRUSTED CERTIFICATE (x509 -trustout)")
        << m_cli[u"trusted-root"_qs] << false << noAnswers
        << QStringList{at(cert, pemBlock(1, u"TRUSTED CERTIFICATE"_qs, 0),
                          kRoot + u", with OpenSSL trust settings (not imported)"_qs)}
        << noError << noPrompts;
    row("openssl req") << m_cli[u"req"_qs] << false << noAnswers
                       << QStringList{at(request, pemBlock(1, u"CERTIFICATE REQUEST"_qs, 0),
                                         u"certificate request CN=cli.example, EC P-256, "
                                         "requests DelegationUsage"_qs)}
                       << noError << noPrompts;
}

void ImporterTest::importData()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, withProvider);
    QFETCH(QList<QByteArray>, passphrases);
    QFETCH(QStringList, expected);
    QFETCH(QString, fileError);
    QFETCH(QStringList, prompts);

    ScriptedPassphrases script{passphrases, {}};
    const ImportResult result =
        baton::importData(input, kSource, withProvider ? script.provider() : PassphraseProvider());
    QStringList actual;
    for (const ImportedObject &object : result.objects)
        actual << describe(object);
    const auto report = [&] {
        return QStringLiteral("\n  actual:\n    %1\n  file error: %2")
            .arg(actual.join(QStringLiteral("\n    ")), result.error);
    };
    QVERIFY2(actual.size() == expected.size(), qPrintable(report()));
    for (qsizetype i = 0; i < actual.size(); ++i)
        QVERIFY2(
            matches(actual[i], expected[i]),
            qPrintable(QStringLiteral("object %1:\n  expected %2").arg(i + 1).arg(expected[i]) +
                       report()));
    QVERIFY2(fileError.isEmpty() ? result.error.isEmpty() : matches(result.error, fileError),
             qPrintable(report()));
    QCOMPARE(script.asked, prompts);

    bool anyError = !result.error.isEmpty();
    for (const ImportedObject &object : result.objects) {
        QVERIFY2(carriesItsValue(object), qPrintable(describe(object)));
        anyError = anyError || !object.error.isEmpty();
        // Passphrases and key bytes never reach what people are shown.
        for (const QString &text : {object.summary, object.error, object.location})
            QVERIFY(!text.contains(QString::fromLatin1(kPassphrase)));
    }
    QCOMPARE(result.complete(), !anyError);
    QCOMPARE(takeOpenSslErrors(), QString());
}

void ImporterTest::importFile_data()
{
    makeFixtures();
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<qint64>("sparseSize"); ///< > 0: a sparse file of this size instead
    QTest::addColumn<int>("objects");
    QTest::addColumn<QString>("errorAfterPath"); ///< empty: no file-level error

    const QByteArray bundle = m_chain->leaf.certificatePem + m_chain->leaf.keyPem;
    QTest::newRow("PEM bundle") << u"bundle.pem"_qs << bundle << qint64(0) << 2 << QString();
    QTest::newRow("binary DC") << u"dc.bin"_qs << m_dc << qint64(0) << 1 << QString();
    QTest::newRow("missing") << u"missing.pem"_qs << QByteArray() << qint64(-1) << 0
                             << u": no such file"_qs;
    QTest::newRow("directory") << u"directory"_qs << QByteArray() << qint64(-1) << 0
                               << u": is a directory, not a file"_qs;
    QTest::newRow("empty file") << u"empty.pem"_qs << QByteArray() << qint64(0) << 0
                                << u": empty; nothing to import"_qs;
    QTest::newRow("garbage file") << u"garbage.bin"_qs << QByteArray("\x01\x02\x03", 3) << qint64(0)
                                  << 0 << u": nothing importable: *"_qs;
    const qint64 hundredMegabytes = 100 * 1024 * 1024;
    QTest::newRow("sparse 100 MB file")
        << u"huge.img"_qs << QByteArray() << hundredMegabytes << 0
        << QStringLiteral(": %1 bytes is too large for this kind of file (at most %2 bytes); is "
                          "it the right file?")
               .arg(hundredMegabytes)
               .arg(kMaxImportSize);
}

void ImporterTest::importFile()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(qint64, sparseSize);
    QFETCH(int, objects);
    QFETCH(QString, errorAfterPath);

    const QString filePath = path(name);
    if (name == QLatin1String("directory")) {
        QVERIFY(QDir(m_dir.path()).mkpath(name));
    } else if (sparseSize > 0) {
        // resize() extends with a hole: 100 MB that occupy no disk space.
        QFile file(filePath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.resize(sparseSize));
    } else if (sparseSize == 0) {
        writeFixture(name, content);
    }

    int asked = 0;
    const ImportResult result = baton::importFile(filePath, [&](const QString &) {
        ++asked;
        return std::optional<QByteArray>();
    });
    QCOMPARE(result.objects.size(), objects);
    QCOMPARE(asked, 0);
    if (errorAfterPath.isEmpty()) {
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QVERIFY(result.complete());
    } else {
        QVERIFY2(matches(result.error, filePath + errorAfterPath), qPrintable(result.error));
        QVERIFY(!result.complete());
    }
}

void ImporterTest::valuesAreTheOnesInTheInput()
{
    // Not only the right kinds: the very certificate, key, request and DC that went in.
    const QByteArray fizz = pemOneLine("SERVER DELEGATED CREDENTIAL", m_dc) +
                            encodePem(u"SERVER DC PRIVATE KEY"_qs, m_dcKeyDer) +
                            m_chain->leaf.certificatePem;
    const ImportResult dc = baton::importData(fizz, kSource);
    QVERIFY(dc.complete());
    QCOMPARE(dc.objects.size(), 3);
    const std::shared_ptr<const DcDocument> document = dc.objects[0].delegatedCredential;
    QVERIFY(document);
    QCOMPARE(document->encoding, DcEncoding::FizzCombinedPem);
    QCOMPARE(document->bytes, m_dc);
    QCOMPARE(document->privateKey.bytes(), m_dcKeyDer);
    QCOMPARE(document->certificateDer, m_chain->leaf.certificate.der());
    auto dcKey = decodeSubjectPublicKeyInfo(document->credential.subjectPublicKeyInfo);
    QVERIFY(dcKey.ok());
    QVERIFY(samePublicKey(dc.objects[1].privateKey.get(), dcKey->get()));
    QCOMPARE(dc.objects[2].certificate->der(), m_chain->leaf.certificate.der());

    const QByteArray bundle = m_chain->leaf.certificatePem + m_encrypted +
                              encodePem(u"CERTIFICATE REQUEST"_qs, m_request);
    const ImportResult mixed = baton::importData(
        bundle, kSource, [](const QString &) { return std::optional<QByteArray>(kPassphrase); });
    QVERIFY(mixed.complete());
    QCOMPARE(mixed.objects.size(), 3);
    QCOMPARE(mixed.objects[0].certificate->der(), m_chain->leaf.certificate.der());
    QVERIFY(mixed.objects[1].encrypted);
    QVERIFY(samePublicKey(mixed.objects[1].privateKey.get(), m_chain->leaf.key.get()));
    QCOMPARE(mixed.objects[2].request->der(), m_request);

    // Copies share the objects rather than duplicating (or double-freeing) them.
    const ImportResult copy = mixed;
    QCOMPARE(copy.objects[1].privateKey.get(), mixed.objects[1].privateKey.get());
}

void ImporterTest::legacyPkcs12WithoutTheLegacyProvider()
{
    if (m_cli.empty())
        QSKIP("needs the openssl CLI");
    // Where OpenSSL looks for providers: an empty directory has no legacy provider. What the
    // default provider can decrypt (the 3DES-shrouded key) is still read.
    const QByteArray previous = qgetenv("OPENSSL_MODULES");
    const bool hadPrevious = qEnvironmentVariableIsSet("OPENSSL_MODULES");
    QVERIFY(QDir(m_dir.path()).mkpath(u"no-modules"_qs));
    qputenv("OPENSSL_MODULES", QFile::encodeName(path(u"no-modules"_qs)));
    const ImportResult result =
        baton::importData(m_cli[u"p12-legacy"_qs], kSource,
                          [](const QString &) { return std::optional<QByteArray>(kPassphrase); });
    if (hadPrevious)
        qputenv("OPENSSL_MODULES", previous);
    else
        qunsetenv("OPENSSL_MODULES");

    QStringList actual;
    for (const ImportedObject &object : result.objects)
        actual << describe(object);
    QCOMPARE(actual,
             (QStringList{
                 u"unknown @ PKCS#12 ! PKCS#12: encrypted with pbeWithSHA1And40BitRC2-CBC, a "
                 "legacy cipher that OpenSSL 3 keeps in its legacy provider, which could not be "
                 "loaded; re-export the file with current encryption (openssl pkcs12 -legacy -in "
                 "old.p12 -nodes | openssl pkcs12 -export -out new.p12)"_qs,
                 u"private key @ PKCS#12 private key 1 [encrypted]: private key EC P-256 (256 "
                 "bits), encrypted, friendly name \"leaf\""_qs}));
    QVERIFY(!result.complete());
    QCOMPARE(takeOpenSslErrors(), QString());
}

void ImporterTest::hostileInputIsRejectedCleanly_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("random bytes") << u"bytes"_qs;
    QTest::newRow("random bytes after a SEQUENCE tag") << u"sequence"_qs;
    QTest::newRow("random printable text") << u"text"_qs;
    QTest::newRow("a PEM bundle with random bit flips") << u"pem-flips"_qs;
    QTest::newRow("a PKCS#12 file with random bit flips") << u"p12-flips"_qs;
    QTest::newRow("a PKCS#7 file with random bit flips") << u"p7-flips"_qs;
}

void ImporterTest::hostileInputIsRejectedCleanly()
{
    // Malformed inputs by the hundred, seeded so a failure replays: none may crash, leak or
    // read out of bounds (the suite also runs under AddressSanitizer), and whatever is not
    // read says why.
    QFETCH(QString, kind);
    makeFixtures();
    QByteArray base;
    if (kind == QLatin1String("pem-flips"))
        base = m_chain->leaf.certificatePem + m_encrypted +
               encodePem(u"DELEGATED CREDENTIAL"_qs, m_dc) + m_chain->root.certificatePem;
    else if (kind == QLatin1String("p12-flips") || kind == QLatin1String("p7-flips"))
        base = m_cli[kind == QLatin1String("p12-flips") ? u"p12"_qs : u"p7b-der"_qs];
    if (kind.endsWith(QLatin1String("flips")) && base.isEmpty())
        QSKIP("needs the openssl CLI");
    QRandomGenerator random(0xBA7012);
    const int rounds = kind == QLatin1String("p12-flips") ? 150 : 600;
    for (int round = 0; round < rounds; ++round) {
        QByteArray input = base;
        if (base.isEmpty()) {
            input.resize(random.bounded(1, 600));
            for (char &c : input)
                c = kind == QLatin1String("text") ? char(random.bounded(0x20, 0x7f))
                                                  : char(random.bounded(256));
            if (kind == QLatin1String("sequence"))
                input[0] = '\x30';
        } else {
            for (int flips = random.bounded(1, 4); flips > 0; --flips) {
                const qsizetype position = random.bounded(input.size());
                input[position] = char(input[position] ^ (1 << random.bounded(8)));
            }
        }
        const ImportResult result = baton::importData(
            input, kSource, [](const QString &) { return std::optional<QByteArray>(kPassphrase); });
        QVERIFY2(!result.objects.isEmpty() || !result.error.isEmpty(), input.toHex().constData());
        for (const ImportedObject &object : result.objects) {
            QVERIFY2(carriesItsValue(object), qPrintable(describe(object)));
            QVERIFY2(!object.error.isEmpty() || !object.summary.isEmpty(),
                     qPrintable(describe(object)));
        }
        QCOMPARE(takeOpenSslErrors(), QString());
    }
}

void ImporterTest::manyBrokenBlocksCostLinearTime()
{
    // 2 MB of BEGIN lines without END: each block is reported up to kMaxImportObjects, and the
    // search for each END stops at the next BEGIN (searching to the end every time would take
    // hours, not ms). The rest is not scanned at all, and the input's error says so.
    const QByteArray line = "-----BEGIN CERTIFICATE-----\n";
    const int count = 2 * 1024 * 1024 / int(line.size());
    QVERIFY(count > kMaxImportObjects);
    const ImportResult result = baton::importData(line.repeated(count), kSource);
    QCOMPARE(result.objects.size(), kMaxImportObjects);
    QCOMPARE(describe(result.objects.last()),
             failedAt(u"certificate"_qs,
                      pemBlock(int(kMaxImportObjects), u"CERTIFICATE"_qs,
                               qsizetype(kMaxImportObjects - 1) * line.size()),
                      u"no matching '-----END CERTIFICATE-----' line (truncated?)"_qs));
    QCOMPARE(result.error, u"fixture: more than 10000 objects; only the first 10000 were read"_qs);
}

QTEST_GUILESS_MAIN(ImporterTest)
#include "tst_importer.moc"
