// batonctl export: a verified DC, its key and the chain, written for one server stack as a new
// generation under DIR, then made current in one atomic step.

#include "CliSupport.h"
#include "Commands.h"
#include "common/TimeFormat.h"
#include "dc/DcDocument.h"
#include "dc/DcVerifier.h"
#include "export/BundleExport.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>

namespace baton::cli {

int runExport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Export a delegated credential for a server: the DC, its private key and "
                       "the certificate chain (never the certificate's key), in the files a "
                       "server stack loads. Each export is a new generation directory under "
                       "DIR, made current by an atomic switch of DIR/current; the 3 newest are "
                       "kept. With --tar a generation holds one bundle.tar.gz instead.\nProfiles: "
                       "%1.\nA --hook runs after the switch (no shell) with "
                       "BATON_BUNDLE_DIR, BATON_BUNDLE_GENERATION, BATON_PROFILE and "
                       "BATON_DC_EXPIRY set.\nExit status: 0 exported, 1 exported but the hook "
                       "failed, 2 nothing written (unusable input, or the DC does not verify).")
            .arg(bundleProfileNames().join(QStringLiteral(", "))));
    const QCommandLineOption profile(QStringLiteral("profile"),
                                     QStringLiteral("The server stack: %1.")
                                         .arg(bundleProfileNames().join(QStringLiteral(", "))),
                                     QStringLiteral("NAME"));
    const QCommandLineOption cert(QStringLiteral("cert"),
                                  QStringLiteral("The certificate the DC was issued under."),
                                  QStringLiteral("CERT"));
    const QCommandLineOption chain(QStringLiteral("chain"),
                                   QStringLiteral("Intermediate certificates to send after it."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption dc(QStringLiteral("dc"), QStringLiteral("The DC (any encoding)."),
                                QStringLiteral("DC"));
    const QCommandLineOption dcKey(QStringLiteral("dc-key"),
                                   QStringLiteral("The DC's private key."), QStringLiteral("KEY"));
    const QCommandLineOption outDir(QStringLiteral("out"),
                                    QStringLiteral("The bundle directory servers read from."),
                                    QStringLiteral("DIR"));
    const QCommandLineOption client(QStringLiteral("client"),
                                    QStringLiteral("The DC is a client DC (default: server)."));
    const QCommandLineOption fizzLabels(
        QStringLiteral("fizz-labels"),
        QStringLiteral("Fizz PEM labels: current (default) or legacy."), QStringLiteral("STYLE"),
        QStringLiteral("current"));
    const QCommandLineOption tar(QStringLiteral("tar"),
                                 QStringLiteral("Write the profile's files as one bundle.tar.gz "
                                                "(modes kept, 0600 when it holds the key)."));
    const QCommandLineOption hook(QStringLiteral("hook"),
                                  QStringLiteral("A command to run after the export, e.g. to "
                                                 "reload the server. Split into arguments at "
                                                 "spaces (group with double quotes) and run "
                                                 "without a shell."),
                                  QStringLiteral("CMD"));
    const QCommandLineOption hookTimeout(QStringLiteral("hook-timeout"),
                                         QStringLiteral("Kill the hook after DURATION (default "
                                                        "30s)."),
                                         QStringLiteral("DURATION"), QStringLiteral("30s"));
    const QCommandLineOption hookEnvironment = hookEnvironmentOption();
    const QCommandLineOption now = nowOption();
    parser.addOptions({profile, cert, chain, dc, dcKey, outDir, client, fizzLabels, tar, hook,
                       hookEnvironment, hookTimeout, now});
    int exitCode = ExitOk;
    if (!parseArguments(parser, arguments, &exitCode))
        return exitCode;
    for (const QCommandLineOption *required : {&profile, &cert, &dc, &dcKey, &outDir}) {
        if (!parser.isSet(*required))
            return fail(QStringLiteral("export needs --profile, --cert, --dc, --dc-key and --out"));
    }
    if (const auto problem = notADirectory(QStringLiteral("out"), parser.value(outDir)))
        return fail(*problem);
    const auto chosen = bundleProfileByName(parser.value(profile));
    if (!chosen)
        return fail(
            QStringLiteral("unknown --profile '%1'; choose one of: %2")
                .arg(parser.value(profile), bundleProfileNames().join(QStringLiteral(", "))));
    const QString labels = parser.value(fizzLabels);
    if (labels != QLatin1String("current") && labels != QLatin1String("legacy"))
        return fail(QStringLiteral("--fizz-labels takes current or legacy"));
    auto when = timeOption(parser, now.names().first());
    if (!when)
        return fail(when.errorMessage());
    auto hookSeconds = positiveDurationOption(parser, hookTimeout.names().first());
    if (!hookSeconds)
        return fail(hookSeconds.errorMessage());
    const QStringList hookCommand = QProcess::splitCommand(parser.value(hook));
    if (parser.isSet(hook) && hookCommand.isEmpty())
        return fail(QStringLiteral("--hook is empty"));
    auto passThrough = hookEnvironmentNames(parser);
    if (!passThrough)
        return fail(passThrough.errorMessage());

    auto leaf = readCertificateFile(parser.value(cert));
    if (!leaf)
        return fail(leaf.errorMessage());
    QList<Certificate> certificates{*leaf};
    if (parser.isSet(chain)) {
        auto data = readFileBounded(parser.value(chain), 10 << 20);
        if (!data)
            return fail(data.errorMessage());
        auto intermediates = withContext(Certificate::readAll(*data), parser.value(chain));
        if (!intermediates)
            return fail(intermediates.errorMessage());
        certificates << *intermediates;
    }
    auto document = readDelegatedCredentialFile(parser.value(dc));
    if (!document)
        return fail(document.errorMessage());
    auto key = readPrivateKeyFile(parser.value(dcKey), QString());
    if (!key)
        return fail(key.errorMessage());

    // A server must never be handed a DC that peers will reject.
    const DcRole role = parser.isSet(client) ? DcRole::Client : DcRole::Server;
    const DcVerification verification =
        verifyDelegatedCredential(*leaf, document->bytes, role, *when);
    if (!verification.valid()) {
        QStringList failed;
        for (const DcCheck &check : verification.checks) {
            if (check.outcome == CheckOutcome::Fail)
                failed << check.title + QStringLiteral(": ") + check.detail;
        }
        return fail(QStringLiteral("nothing exported: the DC does not verify (%1)")
                        .arg(failed.join(QStringLiteral("; "))));
    }

    const BundleExportRequest request{
        .profile = *chosen,
        .input = {.chain = certificates,
                  .dc = document->bytes,
                  .dcKey = key->get(),
                  .role = role,
                  .issuedAt = *when,
                  .legacyFizzLabels = labels == QLatin1String("legacy")},
        .directory = parser.value(outDir),
        .tar = parser.isSet(tar),
        .now = *when};
    auto written = exportBundle(request);
    if (!written)
        return fail(QStringLiteral("nothing exported: ") + written.errorMessage());

    out() << "Exported a " << dcRoleName(role) << " DC for " << bundleProfileName(*chosen) << '\n'
          << "  Generation:  " << written->generation.path << '\n'
          << "  Current:     " << QDir(parser.value(outDir)).filePath(QStringLiteral("current"))
          << " -> " << written->generation.name << '\n'
          << "  Files:       " << written->files.join(QLatin1Char(' ')) << '\n'
          << "  DC expires:  " << formatUtc(verification.expiry) << " ("
          << formatRelative(*when, verification.expiry) << ")\n";
    if (!written->generation.pruned.isEmpty())
        out() << "  Pruned:      " << written->generation.pruned.join(QStringLiteral(", ")) << '\n';
    for (const QString &entry : written->generation.leftAlone)
        out() << "  Left alone:  " << entry << '\n';
    out().flush();
    if (hookCommand.isEmpty())
        return ExitOk;

    const HookResult ran = runBundleHook(hookCommand, request, *written,
                                         std::chrono::seconds(*hookSeconds), *passThrough);
    out() << "  Hook:        " << hookCommand.first() << ": " << ran.summary() << '\n';
    for (const QString &line : ran.output.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        out() << "    | " << line << '\n';
    out().flush();
    if (ran.ok())
        return ExitOk;
    err() << "batonctl: the bundle is exported, but the hook " << ran.summary() << Qt::endl;
    return ExitInvalid;
}

} // namespace baton::cli
