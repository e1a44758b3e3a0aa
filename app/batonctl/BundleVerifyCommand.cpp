// batonctl bundle verify: is what a server will load exactly what was exported, and will
// peers accept it?

#include "CliSupport.h"
#include "Commands.h"
#include "common/TimeFormat.h"
#include "export/BundleVerifier.h"

#include <QJsonArray>

namespace baton::cli {

int runBundleVerify(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Check an exported bundle: files against the manifest, the DC key against the DC, and "
        "the DC against its leaf certificate, not expired.\nPATH is the bundle directory (read "
        "through its `current` link), one generation, a bundle.tar.gz, a Kubernetes Secret "
        "manifest (as exported or as `kubectl get -o yaml|json` prints it) or a bare Fizz "
        "combined PEM.\nExit status: 0 ok, 1 problems found (a damaged bundle still gets the "
        "whole report), 2 no bundle at PATH or usage error."));
    const QCommandLineOption at(QStringLiteral("at"),
                                QStringLiteral("Judge as of TIME (RFC 3339; default: now)."),
                                QStringLiteral("TIME"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOptions({at, json});
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("The bundle."));
    int exitCode = ExitOk;
    if (!parseArguments(parser, arguments, &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        return fail(QStringLiteral("bundle verify takes exactly one PATH"));
    auto when = timeOption(parser, at.names().first());
    if (!when)
        return fail(when.errorMessage());
    auto report = verifyBundle(parser.positionalArguments().first(), *when);
    if (!report)
        return fail(report.errorMessage());

    if (parser.isSet(json)) {
        printJson({{QStringLiteral("source"), report->source},
                   {QStringLiteral("form"), report->form},
                   {QStringLiteral("profile"), report->profile},
                   {QStringLiteral("at"), formatRfc3339(*when)},
                   {QStringLiteral("valid"), report->valid()},
                   {QStringLiteral("checks"), checksToJson(report->checks)}});
    } else {
        out() << "Bundle " << report->source << " (" << report->profile << ", " << report->form
              << ") at " << formatUtc(*when) << '\n';
        printChecks(report->checks, QStringLiteral("  "));
        out() << (report->valid() ? "OK\n" : "PROBLEMS FOUND\n");
        out().flush();
    }
    return report->valid() ? ExitOk : ExitInvalid;
}

} // namespace baton::cli
