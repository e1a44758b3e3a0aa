// batonctl inspect: renders what the core importer found and the core's certificate model;
// it decodes nothing itself.

#include "CliSupport.h"
#include "Commands.h"
#include "common/TimeFormat.h"
#include "crypto/KeyCodec.h"
#include "dc/DcReadiness.h"
#include "import/Importer.h"
#include "tls/SignatureScheme.h"
#include "x509/CertificateModel.h"
#include "x509/ChainBuilder.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <set>

namespace baton::cli {

namespace {

/// A rendered object: lines for people and JSON for scripts, side by side.
struct Rendered
{
    QStringList lines;
    QJsonObject json;
};

QString field(const QString &name, const QString &value)
{
    return QStringLiteral("  %1 %2").arg(name + QLatin1Char(':'), -14).arg(value);
}

QString checkLine(const DcCheck &check)
{
    return QStringLiteral("    [%1] %2: %3")
        .arg(check.outcome == CheckOutcome::Fail ? QStringLiteral("FAIL")
                                                 : checkOutcomeName(check.outcome),
             check.title, check.detail);
}

void renderFields(QStringList &lines, const QList<ModelField> &fields, int depth)
{
    const QString indent(2 * depth, QLatin1Char(' '));
    for (const ModelField &f : fields) {
        lines << (f.value.isEmpty() ? indent + f.label
                                    : QStringLiteral("%1%2: %3").arg(indent, f.label, f.value));
        renderFields(lines, f.children, depth + 1);
    }
}

void renderSection(QStringList &lines, const ModelSection &section)
{
    QString heading = QStringLiteral("  ") + section.title;
    if (section.isExtension)
        heading += QStringLiteral(" (%1%2)").arg(
            section.oid, section.critical ? QStringLiteral(", critical") : QString());
    lines << heading;
    renderFields(lines, section.fields, 2);
    for (const QString &note : section.notes)
        lines << QStringLiteral("    note: ") + note;
}

Rendered renderCertificate(const Certificate &certificate, const QDateTime &now)
{
    Rendered out;
    const CertificateModel model = describeCertificate(certificate);
    const DcReadiness readiness = assessDcReadiness(certificate, now);
    out.lines << QStringLiteral("certificate: %1").arg(certificate.displayName());
    for (const ModelSection &section : model.sections)
        renderSection(out.lines, section);
    out.lines << field(QStringLiteral("DC readiness"),
                       readiness.ready() ? QStringLiteral("can delegate: DCs up to %1")
                                               .arg(formatDuration(readiness.maxLifetimeSeconds))
                                         : QStringLiteral("cannot delegate"));
    for (const DcCheck &check : readiness.checks)
        out.lines << checkLine(check);
    // No list at all for a key that cannot sign DCs: the signing-key check said why.
    if (!readiness.clients.isEmpty())
        out.lines << field(QStringLiteral("DCs accepted"), QString());
    for (const DcCheck &check : readiness.clients)
        out.lines << checkLine(check);

    out.json = model.toJson();
    out.json.insert(QStringLiteral("subject"), certificate.subject());
    out.json.insert(QStringLiteral("notBefore"), formatRfc3339(certificate.notBefore()));
    out.json.insert(QStringLiteral("notAfter"), formatRfc3339(certificate.notAfter()));
    out.json.insert(QStringLiteral("dcReady"), readiness.ready());
    out.json.insert(QStringLiteral("dcMaxLifetimeSeconds"), readiness.maxLifetimeSeconds);
    out.json.insert(QStringLiteral("dcReadiness"), checksToJson(readiness.checks));
    out.json.insert(QStringLiteral("dcClients"), checksToJson(readiness.clients));
    return out;
}

Rendered renderRequest(const CertificateRequest &request)
{
    Rendered out;
    const DelegationUsage usage = request.delegationUsageRequested();
    out.lines << QStringLiteral("certificate request: %1").arg(request.subject())
              << field(QStringLiteral("Key"), describeKey(request.publicKey()))
              << field(QStringLiteral("Signature"), request.signatureValid()
                                                        ? QStringLiteral("valid (self-signed)")
                                                        : QStringLiteral("INVALID"))
              << field(QStringLiteral("Delegation"),
                       usage.present()
                           ? (usage.conformant() ? QStringLiteral("asks for DelegationUsage, as "
                                                                  "RFC 9345 specifies")
                                                 : QStringLiteral("asks for DelegationUsage, but "
                                                                  "not in RFC 9345's form"))
                           : QStringLiteral("does not ask for DelegationUsage: "
                                            "the certificate will not delegate"));
    QJsonArray extensions;
    const X509ExtensionStackPtr requested = request.requestedExtensions();
    for (int i = 0; requested && i < sk_X509_EXTENSION_num(requested.get()); ++i) {
        const ModelSection section = describeExtension(sk_X509_EXTENSION_value(requested.get(), i));
        renderSection(out.lines, section);
        CertificateModel one{{section}};
        extensions.append(one.toJson().value(QStringLiteral("sections")).toArray().first());
    }
    out.json = {{QStringLiteral("subject"), request.subject()},
                {QStringLiteral("key"), describeKey(request.publicKey())},
                {QStringLiteral("signatureValid"), request.signatureValid()},
                {QStringLiteral("delegationUsageRequested"), usage.present()},
                {QStringLiteral("extensions"), extensions}};
    return out;
}

Rendered renderDelegatedCredential(const DcDocument &document,
                                   const std::optional<Certificate> &certificate,
                                   const QDateTime &now)
{
    Rendered out;
    const DelegatedCredential &dc = document.credential;
    auto dcKey = decodeSubjectPublicKeyInfo(dc.subjectPublicKeyInfo);
    const QString keyDescription = dcKey ? describeKey(dcKey->get()) : dcKey.errorMessage();
    const QString sha256 = QString::fromLatin1(
        QCryptographicHash::hash(document.bytes, QCryptographicHash::Sha256).toHex());
    out.lines << QStringLiteral("delegated credential (%1, %2 bytes)")
                     .arg(dcEncodingName(document.encoding))
                     .arg(document.bytes.size())
              << field(QStringLiteral("valid_time"),
                       QStringLiteral("%1 s (%2) after the certificate's notBefore")
                           .arg(dc.validTime)
                           .arg(formatDuration(dc.validTime)));
    out.json = {{QStringLiteral("encoding"), dcEncodingName(document.encoding)},
                {QStringLiteral("size"), document.bytes.size()},
                {QStringLiteral("validTime"), qint64(dc.validTime)},
                {QStringLiteral("dcKey"), keyDescription},
                {QStringLiteral("dcCertVerifyAlgorithm"),
                 signatureSchemeDisplayName(dc.dcCertVerifyAlgorithm)},
                {QStringLiteral("algorithm"), signatureSchemeDisplayName(dc.algorithm)},
                {QStringLiteral("sha256"), sha256}};
    if (certificate) {
        const QDateTime expiry = dc.expiry(*certificate);
        out.lines << field(
            QStringLiteral("Expires"),
            QStringLiteral("%1 (%2)").arg(formatUtc(expiry), formatRelative(now, expiry)));
        out.json.insert(QStringLiteral("expiry"), formatRfc3339(expiry));
    } else {
        out.lines << field(QStringLiteral("Expires"),
                           QStringLiteral("unknown without the certificate (give --cert)"));
    }
    out.lines << field(QStringLiteral("DC key"), keyDescription)
              << field(QStringLiteral("DC scheme"),
                       signatureSchemeDisplayName(dc.dcCertVerifyAlgorithm))
              << field(QStringLiteral("Signed with"), signatureSchemeDisplayName(dc.algorithm))
              << field(QStringLiteral("SHA-256"), sha256);
    if (!document.pemLabel.isEmpty()) {
        out.lines << field(QStringLiteral("PEM label"), document.pemLabel);
        out.json.insert(QStringLiteral("pemLabel"), document.pemLabel);
    }
    return out;
}

/// The certificate a DC's expiry is counted from: --cert, else the one that travelled with
/// the DC (Fizz's combined PEM), else the first certificate in the same file.
std::optional<Certificate> certificateForDc(const ImportedObject &object,
                                            const std::optional<Certificate> &given,
                                            const QList<ImportedObject> &sameFile)
{
    if (given)
        return given;
    if (!object.delegatedCredential->certificateDer.isEmpty()) {
        if (auto embedded = Certificate::fromDer(object.delegatedCredential->certificateDer))
            return std::move(embedded).value();
    }
    for (const ImportedObject &other : sameFile) {
        if (other.certificate)
            return other.certificate;
    }
    return std::nullopt;
}

Rendered renderObject(const ImportedObject &object, const QList<ImportedObject> &sameFile,
                      const std::optional<Certificate> &givenCertificate, const QDateTime &now)
{
    Rendered rendered;
    if (object.certificate)
        rendered = renderCertificate(*object.certificate, now);
    else if (object.request)
        rendered = renderRequest(*object.request);
    else if (object.delegatedCredential)
        rendered = renderDelegatedCredential(
            *object.delegatedCredential, certificateForDc(object, givenCertificate, sameFile), now);
    else
        rendered.lines << object.summary;
    if (object.privateKey) {
        rendered.json.insert(QStringLiteral("key"), describeKey(object.privateKey.get()));
        rendered.lines = {
            QStringLiteral("private key: %1%2")
                .arg(describeKey(object.privateKey.get()),
                     object.encrypted ? QStringLiteral(" (was encrypted)") : QString())};
    }
    rendered.json.insert(QStringLiteral("kind"), importedKindName(object.kind));
    rendered.json.insert(QStringLiteral("location"), object.location);
    rendered.json.insert(QStringLiteral("summary"), object.summary);
    rendered.json.insert(QStringLiteral("encrypted"), object.encrypted);
    return rendered;
}

/// For a file with several certificates: their order leaf -> root and whether OpenSSL trusts
/// the chain (against the system store) at `now`, with every problem in words.
std::optional<Rendered> renderChain(const QList<ImportedObject> &objects, const QDateTime &now)
{
    QList<Certificate> certificates;
    for (const ImportedObject &object : objects) {
        if (object.certificate)
            certificates << *object.certificate;
    }
    if (certificates.size() < 2)
        return std::nullopt;
    const ChainReport chain = buildChain(certificates, {}, true, now);
    QStringList names;
    for (const Certificate &certificate : chain.ordered)
        names << certificate.displayName();
    Rendered out;
    out.lines << QStringLiteral("chain: %1").arg(names.join(QStringLiteral(" -> ")))
              << field(QStringLiteral("Trusted"),
                       chain.trusted ? QStringLiteral("yes, by the system's trusted roots")
                                     : QStringLiteral("no"));
    for (const QString &problem : chain.problems)
        out.lines << QStringLiteral("    problem: ") + problem;
    out.json = {{QStringLiteral("ordered"), QJsonArray::fromStringList(names)},
                {QStringLiteral("trusted"), chain.trusted},
                {QStringLiteral("problems"), QJsonArray::fromStringList(chain.problems)}};
    return out;
}

} // namespace

int runInspect(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Show everything in certificates, CSRs, keys and delegated credentials: PEM bundles, "
        "DER, PKCS#7, PKCS#12, PKCS#8 (plain or encrypted), SEC1 keys and every DC encoding.\n"
        "Certificates: every field and extension decoded, and whether and for whom they can "
        "delegate. DCs: their fields, and their expiry when the certificate is known. Keys: "
        "type and size only.\n"
        "Exit status: 0 when every object was read, 2 when any file or object could not be "
        "(the others are still shown)."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption pass(QStringLiteral("pass"),
                                  QStringLiteral("Passphrase for encrypted objects (PKCS#12, "
                                                 "encrypted keys): %1 (else a prompt on a "
                                                 "terminal).")
                                      .arg(secretSourceHelp()),
                                  QStringLiteral("SRC"));
    const QCommandLineOption cert(QStringLiteral("cert"),
                                  QStringLiteral("The certificate DCs belong to (for expiry)."),
                                  QStringLiteral("CERT"));
    const QCommandLineOption now =
        nowOption(QStringLiteral("Judge validity as of TIME (RFC 3339)."));
    parser.addOptions({json, pass, cert, now});
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

    // One try per encrypted object: after a wrong passphrase the importer asks again, and
    // answering "no more" reports the object instead of looping.
    std::set<QString> asked;
    const PassphraseProvider passphrase = [&](const QString &what) -> std::optional<QByteArray> {
        if (!asked.insert(what).second)
            return std::nullopt;
        auto secret = readSecret(parser.value(pass), QStringLiteral("Passphrase for ") + what);
        if (!secret)
            return std::nullopt;
        return secret->bytes();
    };

    bool everythingRead = true;
    QJsonArray report;
    for (const QString &path : files) {
        const ImportResult result = importFile(path, passphrase);
        everythingRead = everythingRead && result.complete();
        QJsonArray objects;
        QStringList errors;
        if (!result.error.isEmpty())
            errors << result.error;
        for (const ImportedObject &object : result.objects) {
            if (!object.error.isEmpty()) {
                errors << object.error;
                continue;
            }
            const Rendered rendered = renderObject(object, result.objects, certificate, *when);
            objects.append(rendered.json);
            if (!parser.isSet(json))
                out() << path << " [" << object.location
                      << "]: " << rendered.lines.join(QLatin1Char('\n')) << "\n\n";
        }
        const std::optional<Rendered> chain = renderChain(result.objects, *when);
        if (chain && !parser.isSet(json))
            out() << path << ": " << chain->lines.join(QLatin1Char('\n')) << "\n\n";
        if (parser.isSet(json)) {
            QJsonObject entry{{QStringLiteral("file"), path}, {QStringLiteral("objects"), objects}};
            if (chain)
                entry.insert(QStringLiteral("chain"), chain->json);
            if (!errors.isEmpty())
                entry.insert(QStringLiteral("errors"), QJsonArray::fromStringList(errors));
            report.append(entry);
            continue;
        }
        out().flush();
        for (const QString &error : std::as_const(errors))
            err() << "batonctl: " << (error.startsWith(path) ? error : path + u": "_qs + error)
                  << '\n';
        err().flush();
    }
    if (parser.isSet(json))
        printJson(QJsonObject{{QStringLiteral("files"), report}});
    return everythingRead ? ExitOk : ExitUnusable;
}

} // namespace baton::cli
