#include "CliSupport.h"
#include "Commands.h"
#include "common/FileIo.h"
#include "common/TimeFormat.h"
#include "dc/DcDocument.h"
#include "dc/DcVerifier.h"
#include "tls/SignatureScheme.h"

#include <QJsonArray>

namespace baton::cli {

namespace {

QJsonObject schemeJson(quint16 code)
{
    const SignatureScheme *scheme = signatureSchemeByCode(code);
    return {{QStringLiteral("code"), QStringLiteral("0x%1").arg(code, 4, 16, QLatin1Char('0'))},
            {QStringLiteral("name"),
             scheme ? QString::fromLatin1(scheme->name) : QStringLiteral("unknown")}};
}
} // namespace

int runDcVerify(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Verify a delegated credential against its certificate, as a TLS peer would.\n"
        "DC may be binary, hex, base64, PEM (any '... DELEGATED CREDENTIAL' label), Fizz's "
        "combined PEM or an interop-runner line.\n"
        "Exit status: 0 valid, 1 invalid, 2 unusable input."));
    const QCommandLineOption cert(QStringLiteral("cert"),
                                  QStringLiteral("The delegating certificate."),
                                  QStringLiteral("CERT"));
    const QCommandLineOption client(QStringLiteral("client"),
                                    QStringLiteral("Verify as a client DC (default: server)."));
    const QCommandLineOption at(QStringLiteral("at"),
                                QStringLiteral("Verify as of TIME (RFC 3339; default: now)."),
                                QStringLiteral("TIME"));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Print the report as JSON."));
    parser.addOptions({cert, client, at, json});
    parser.addPositionalArgument(QStringLiteral("DC"), QStringLiteral("The DC file."));
    int exitCode = ExitOk;
    if (!parseArguments(parser, arguments, &exitCode))
        return exitCode;
    if (!parser.isSet(cert))
        return fail(QStringLiteral("dc verify needs --cert CERT"));
    if (parser.positionalArguments().size() != 1)
        return fail(QStringLiteral("dc verify takes exactly one DC file"));
    const QString dcPath = parser.positionalArguments().first();
    auto when = timeOption(parser, at.names().first());
    if (!when)
        return fail(when.errorMessage());

    auto certificate = readCertificateFile(parser.value(cert));
    if (!certificate)
        return fail(certificate.errorMessage());
    auto document = readDelegatedCredentialFile(dcPath);
    if (!document)
        return fail(document.errorMessage());

    const DcRole role = parser.isSet(client) ? DcRole::Client : DcRole::Server;
    const DcVerification report =
        verifyDelegatedCredential(*certificate, document->bytes, role, *when);
    const DelegatedCredential &dc = document->credential;
    QString labelNote;
    if (document->labelledRole && *document->labelledRole != role)
        labelNote = QStringLiteral("the PEM label says %1 DC, but it was verified as a %2 DC")
                        .arg(dcRoleName(*document->labelledRole), dcRoleName(role));

    if (parser.isSet(json)) {
        QJsonObject object{
            {QStringLiteral("file"), dcPath},
            {QStringLiteral("encoding"), dcEncodingName(document->encoding)},
            {QStringLiteral("role"), dcRoleName(role)},
            {QStringLiteral("at"), formatRfc3339(*when)},
            {QStringLiteral("valid"), report.valid()},
            {QStringLiteral("expiry"), formatRfc3339(report.expiry)},
            {QStringLiteral("validTime"), qint64(dc.validTime)},
            {QStringLiteral("dcCertVerifyAlgorithm"), schemeJson(dc.dcCertVerifyAlgorithm)},
            {QStringLiteral("algorithm"), schemeJson(dc.algorithm)},
            {QStringLiteral("certificate"), certificate->subject()},
            {QStringLiteral("checks"), checksToJson(report.checks)},
        };
        if (!labelNote.isEmpty())
            object.insert(QStringLiteral("note"), labelNote);
        printJson(object);
    } else {
        out() << "DC " << dcPath << " (" << dcEncodingName(document->encoding) << ", "
              << document->bytes.size() << " bytes) as a " << dcRoleName(role) << " DC of "
              << certificate->subject() << '\n'
              << "  at " << formatUtc(*when) << "; expires " << formatUtc(report.expiry) << " ("
              << formatRelative(*when, report.expiry) << ")\n"
              << "  DC scheme " << signatureSchemeDisplayName(dc.dcCertVerifyAlgorithm)
              << ", signed with " << signatureSchemeDisplayName(dc.algorithm) << '\n';
        printChecks(report.checks, QStringLiteral("  "));
        if (!labelNote.isEmpty())
            out() << "note: " << labelNote << '\n';
        qsizetype failed = 0;
        qsizetype warned = 0;
        for (const DcCheck &check : report.checks) {
            failed += check.outcome == CheckOutcome::Fail;
            warned += check.outcome == CheckOutcome::Warn;
        }
        if (report.valid())
            out() << "VALID"
                  << (warned ? QStringLiteral(" (%1 warning(s))").arg(warned) : QString()) << '\n';
        else
            out() << "INVALID: " << failed << " check(s) failed\n";
        out().flush();
    }
    return report.valid() ? ExitOk : ExitInvalid;
}

} // namespace baton::cli
