#include "CliSupport.h"
#include "Commands.h"
#include "common/FileIo.h"
#include "common/Pem.h"
#include "common/TimeFormat.h"
#include "crypto/KeyCodec.h"
#include "dc/DcDocument.h"
#include "dc/DcReadiness.h"
#include "tls/SignatureScheme.h"

#include <QCryptographicHash>
#include <QJsonArray>

namespace baton::cli {

namespace {

// A certificate bundle or a PEM with a chain is at most a few hundred KiB.
constexpr qint64 kMaxInspectFileSize = 10 << 20;

/// What inspect found in one file: printable sections and a JSON array, side by side.
struct Findings
{
    QStringList text;
    QJsonArray objects;
    QStringList errors;
};

QString field(const QString &name, const QString &value)
{
    return QStringLiteral("  %1 %2").arg(name + QLatin1Char(':'), -14).arg(value);
}

void addCertificate(Findings &findings, const Certificate &certificate, int index, int count,
                    const QDateTime &now)
{
    const DcReadiness readiness = assessDcReadiness(certificate, now);
    const QString validity =
        QStringLiteral("%1 to %2 (%3)")
            .arg(formatUtc(certificate.notBefore()), formatUtc(certificate.notAfter()),
                 now > certificate.notAfter()
                     ? QStringLiteral("expired %1").arg(formatRelative(now, certificate.notAfter()))
                     : QStringLiteral("expires %1")
                           .arg(formatRelative(now, certificate.notAfter())));
    const QByteArray sha1 = QCryptographicHash::hash(certificate.der(), QCryptographicHash::Sha1);
    QStringList lines{
        QStringLiteral("certificate %1 of %2: %3")
            .arg(index + 1)
            .arg(count)
            .arg(certificate.displayName()),
        field(QStringLiteral("Subject"), certificate.subject()),
        field(QStringLiteral("Issuer"),
              certificate.issuer() +
                  (certificate.isSelfIssued() ? QStringLiteral(" (self-issued)") : QString())),
        field(QStringLiteral("Serial"), certificate.serialNumberHex()),
        field(QStringLiteral("Validity"), validity),
        field(QStringLiteral("Key"), describeKey(certificate.publicKey())),
        field(QStringLiteral("SHA-256"), colonHex(certificate.sha256Fingerprint())),
        field(QStringLiteral("SHA-1"), colonHex(sha1)),
    };
    if (const QStringList dns = certificate.dnsNames(); !dns.isEmpty())
        lines << field(QStringLiteral("DNS names"), dns.join(QStringLiteral(", ")));
    lines << field(QStringLiteral("DC readiness"),
                   readiness.ready() ? QStringLiteral("can delegate: DCs up to %1")
                                           .arg(formatDuration(readiness.maxLifetimeSeconds))
                                     : QStringLiteral("cannot delegate"));
    for (const DcCheck &check : readiness.checks)
        lines << QStringLiteral("    [%1] %2: %3")
                     .arg(check.outcome == CheckOutcome::Fail ? QStringLiteral("FAIL")
                                                              : checkOutcomeName(check.outcome),
                          check.title, check.detail);
    findings.text << lines.join(QLatin1Char('\n'));
    findings.objects.append(QJsonObject{
        {QStringLiteral("kind"), QStringLiteral("certificate")},
        {QStringLiteral("subject"), certificate.subject()},
        {QStringLiteral("issuer"), certificate.issuer()},
        {QStringLiteral("serial"), certificate.serialNumberHex()},
        {QStringLiteral("notBefore"), formatRfc3339(certificate.notBefore())},
        {QStringLiteral("notAfter"), formatRfc3339(certificate.notAfter())},
        {QStringLiteral("key"), describeKey(certificate.publicKey())},
        {QStringLiteral("sha256"), colonHex(certificate.sha256Fingerprint())},
        {QStringLiteral("sha1"), colonHex(sha1)},
        {QStringLiteral("dnsNames"), QJsonArray::fromStringList(certificate.dnsNames())},
        {QStringLiteral("dcReady"), readiness.ready()},
        {QStringLiteral("dcMaxLifetimeSeconds"), readiness.maxLifetimeSeconds},
        {QStringLiteral("dcReadiness"), checksToJson(readiness.checks)},
    });
}

void addDelegatedCredential(Findings &findings, const DcDocument &document,
                            const std::optional<Certificate> &certificate, const QDateTime &now)
{
    const DelegatedCredential &dc = document.credential;
    auto dcKey = decodeSubjectPublicKeyInfo(dc.subjectPublicKeyInfo);
    const QString keyDescription = dcKey ? describeKey(dcKey->get()) : dcKey.errorMessage();
    QStringList lines{
        QStringLiteral("delegated credential (%1, %2 bytes)")
            .arg(dcEncodingName(document.encoding))
            .arg(document.bytes.size()),
        field(QStringLiteral("valid_time"),
              QStringLiteral("%1 s (%2) after the certificate's notBefore")
                  .arg(dc.validTime)
                  .arg(formatDuration(dc.validTime))),
    };
    QJsonObject object{
        {QStringLiteral("kind"), QStringLiteral("delegated-credential")},
        {QStringLiteral("encoding"), dcEncodingName(document.encoding)},
        {QStringLiteral("size"), document.bytes.size()},
        {QStringLiteral("validTime"), qint64(dc.validTime)},
        {QStringLiteral("dcKey"), keyDescription},
        {QStringLiteral("dcCertVerifyAlgorithm"),
         signatureSchemeDisplayName(dc.dcCertVerifyAlgorithm)},
        {QStringLiteral("algorithm"), signatureSchemeDisplayName(dc.algorithm)},
        {QStringLiteral("sha256"),
         QString::fromLatin1(
             QCryptographicHash::hash(document.bytes, QCryptographicHash::Sha256).toHex())},
    };
    if (certificate) {
        const QDateTime expiry = dc.expiry(*certificate);
        lines << field(
            QStringLiteral("Expires"),
            QStringLiteral("%1 (%2)").arg(formatUtc(expiry), formatRelative(now, expiry)));
        object.insert(QStringLiteral("expiry"), formatRfc3339(expiry));
    } else {
        lines << field(QStringLiteral("Expires"),
                       QStringLiteral("unknown without the certificate (give --cert)"));
    }
    lines << field(QStringLiteral("DC key"), keyDescription)
          << field(QStringLiteral("DC scheme"),
                   signatureSchemeDisplayName(dc.dcCertVerifyAlgorithm))
          << field(QStringLiteral("Signed with"), signatureSchemeDisplayName(dc.algorithm))
          << field(QStringLiteral("SHA-256"), object.value(QStringLiteral("sha256")).toString());
    if (!document.pemLabel.isEmpty()) {
        lines << field(QStringLiteral("PEM label"), document.pemLabel);
        object.insert(QStringLiteral("pemLabel"), document.pemLabel);
    }
    findings.text << lines.join(QLatin1Char('\n'));
    findings.objects.append(object);
}

void addPrivateKey(Findings &findings, QByteArrayView data)
{
    if (isEncryptedPrivateKey(data)) {
        findings.text << QStringLiteral("private key: encrypted (its type is readable only with "
                                        "the passphrase)");
        findings.objects.append(QJsonObject{{QStringLiteral("kind"), QStringLiteral("private-key")},
                                            {QStringLiteral("encrypted"), true}});
        return;
    }
    auto key = decodePrivateKey(data);
    if (!key) {
        findings.errors << QStringLiteral("private key: ") + key.errorMessage();
        return;
    }
    findings.text << QStringLiteral("private key: %1").arg(describeKey(key->get()));
    findings.objects.append(QJsonObject{{QStringLiteral("kind"), QStringLiteral("private-key")},
                                        {QStringLiteral("encrypted"), false},
                                        {QStringLiteral("key"), describeKey(key->get())}});
}

void addCertificates(Findings &findings, QByteArrayView data, const QDateTime &now)
{
    auto certificates = Certificate::readAll(data);
    if (!certificates) {
        findings.errors << certificates.errorMessage();
        return;
    }
    for (int i = 0; i < certificates->size(); ++i)
        addCertificate(findings, certificates->at(i), i, int(certificates->size()), now);
}

Findings inspectPem(QByteArrayView data, const std::optional<Certificate> &givenCertificate,
                    const QDateTime &now)
{
    Findings findings;
    auto blocks = parsePem(data);
    if (!blocks) {
        findings.errors << blocks.errorMessage();
        return findings;
    }
    bool hasDc = false;
    bool hasCertificate = false;
    for (const PemBlock &block : *blocks) {
        if (block.label.endsWith(QLatin1String("DELEGATED CREDENTIAL"))) {
            hasDc = true;
        } else if (block.label == QLatin1String("CERTIFICATE")) {
            hasCertificate = true;
        } else if (block.label.endsWith(QLatin1String("PRIVATE KEY"))) {
            addPrivateKey(findings, block.hasHeaders ? QByteArrayView(block.text)
                                                     : QByteArrayView(block.der));
        } else if (block.label != QLatin1String("EC PARAMETERS")) {
            findings.errors << QStringLiteral("PEM block '%1' at byte offset %2: not a kind "
                                              "batonctl reads yet")
                                   .arg(block.label)
                                   .arg(block.offset);
        }
    }
    if (hasCertificate)
        addCertificates(findings, data, now);
    if (hasDc) {
        auto document = readDelegatedCredential(data);
        if (!document) {
            findings.errors << document.errorMessage();
        } else {
            std::optional<Certificate> certificate = givenCertificate;
            if (!certificate && !document->certificateDer.isEmpty()) {
                if (auto embedded = Certificate::fromDer(document->certificateDer))
                    certificate = std::move(embedded).value();
            }
            addDelegatedCredential(findings, *document, certificate, now);
        }
    }
    return findings;
}

Findings inspectData(QByteArrayView data, const std::optional<Certificate> &certificate,
                     const QDateTime &now)
{
    if (containsPem(data))
        return inspectPem(data, certificate, now);
    Findings findings;
    if (auto document = readDelegatedCredential(data)) {
        addDelegatedCredential(findings, *document, certificate, now);
    } else if (auto der = Certificate::fromDer(data)) {
        addCertificate(findings, *der, 0, 1, now);
    } else if (auto key = decodePrivateKey(data); key || isEncryptedPrivateKey(data)) {
        addPrivateKey(findings, data);
    } else {
        findings.errors << QStringLiteral("not a certificate, delegated credential or private key "
                                          "(as a DC: %1)")
                               .arg(document.errorMessage());
    }
    return findings;
}

} // namespace

int runInspect(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Show what certificates, delegated credentials and keys contain.\n"
        "Certificates: identity, validity, key, fingerprints and DC readiness. DCs: their fields, "
        "and their expiry when the certificate is known. Keys: type and size only.\n"
        "Exit status: 0 when every object was read, 2 when any file or object could not be."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption cert(QStringLiteral("cert"),
                                  QStringLiteral("The certificate DCs belong to (for expiry)."),
                                  QStringLiteral("CERT"));
    const QCommandLineOption now(QStringLiteral("now"),
                                 QStringLiteral("Judge validity as of TIME (RFC 3339)."),
                                 QStringLiteral("TIME"));
    parser.addOptions({json, cert, now});
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Files to inspect."),
                                 QStringLiteral("FILE..."));
    int exitCode = ExitOk;
    if (!parseArguments(parser, arguments, &exitCode))
        return exitCode;
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty())
        return fail(QStringLiteral("inspect needs at least one FILE"));
    auto when = timeOption(parser, now.names().first());
    if (!when)
        return fail(when.errorMessage());
    std::optional<Certificate> certificate;
    if (parser.isSet(cert)) {
        auto read = readCertificateFile(parser.value(cert));
        if (!read)
            return fail(read.errorMessage());
        certificate = std::move(read).value();
    }

    bool everythingRead = true;
    QJsonArray report;
    for (const QString &path : files) {
        auto data = readFileBounded(path, kMaxInspectFileSize);
        if (!data) {
            everythingRead = false;
            if (parser.isSet(json))
                report.append(
                    QJsonObject{{QStringLiteral("file"), path},
                                {QStringLiteral("objects"), QJsonArray()},
                                {QStringLiteral("errors"), QJsonArray{data.errorMessage()}}});
            else
                fail(data.errorMessage());
            continue;
        }
        const Findings findings = inspectData(*data, certificate, *when);
        everythingRead = everythingRead && findings.errors.isEmpty();
        if (parser.isSet(json)) {
            QJsonObject entry{{QStringLiteral("file"), path},
                              {QStringLiteral("objects"), findings.objects}};
            if (!findings.errors.isEmpty())
                entry.insert(QStringLiteral("errors"), QJsonArray::fromStringList(findings.errors));
            report.append(entry);
            continue;
        }
        for (const QString &section : std::as_const(findings.text))
            out() << path << ": " << section << "\n\n";
        out().flush();
        for (const QString &error : std::as_const(findings.errors))
            err() << "batonctl: " << path << ": " << error << '\n';
        err().flush();
    }
    if (parser.isSet(json))
        printJson(QJsonObject{{QStringLiteral("files"), report}});
    return everythingRead ? ExitOk : ExitUnusable;
}

} // namespace baton::cli
