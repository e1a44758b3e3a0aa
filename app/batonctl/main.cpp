// batonctl: the command-line face of Baton. QtCore only, so it runs headless on servers
// (from a systemd timer, in CI) without any GUI library installed.

#include "CliSupport.h"
#include "Commands.h"

#include <QCoreApplication>
#include <algorithm>
#include <functional>
#include <map>
#include <optional>

namespace {

using baton::cli::out;

struct Command
{
    const char *words; ///< "dc issue"
    const char *summary;
    std::function<int(const QStringList &)> run;
};

const Command kCommands[] = {
    {"dc issue", "issue a delegated credential under a certificate", baton::cli::runDcIssue},
    {"dc verify", "verify a delegated credential against its certificate", baton::cli::runDcVerify},
    {"inspect", "show what certificates, DCs and keys contain", baton::cli::runInspect},
    {"pki init", "create a local test CA", baton::cli::runPkiInit},
    {"pki cert", "issue a test certificate that can delegate", baton::cli::runPkiCert},
    {"csr new", "create a CSR asking a CA for DelegationUsage", baton::cli::runCsrNew},
    {"export", "write a DC bundle for a server stack", baton::cli::runExport},
    {"bundle verify", "check an exported bundle", baton::cli::runBundleVerify},
    {"ws init", "create a workspace (keys encrypted under its passphrase)", baton::cli::runWsInit},
    {"ws import", "add certificates, keys and DCs to the workspace", baton::cli::runWsImport},
    {"ws list", "list the workspace's certificates and their DCs", baton::cli::runWsList},
    {"ws passwd", "change the workspace passphrase", baton::cli::runWsPasswd},
    {"ws forget-passphrase", "remove the workspace passphrase from the OS keyring",
     baton::cli::runWsForgetPassphrase},
    {"policy set", "set how a certificate's DCs are rotated", baton::cli::runPolicySet},
    {"target add", "export a certificate's DCs to a directory at each rotation",
     baton::cli::runTargetAdd},
    {"cert replace", "move a policy to a renewed certificate", baton::cli::runCertReplace},
    {"status", "show every policy: ok, due, expired, blocked", baton::cli::runStatus},
    {"rotate", "issue and export whatever is due (for a timer)", baton::cli::runRotate},
    {"log", "show the workspace's event log", baton::cli::runLog},
};

void printUsage()
{
    out() << "Usage: batonctl COMMAND [OPTIONS]\n\n"
             "Baton: issue, verify and inspect TLS delegated credentials (RFC 9345).\n\n"
             "Commands:\n";
    // The summaries line up after the longest command words.
    qsizetype width = 0;
    for (const Command &command : kCommands)
        width = std::max(width, QLatin1String(command.words).size());
    for (const Command &command : kCommands)
        out() << QStringLiteral("  %1 %2\n")
                     .arg(QLatin1String(command.words), -int(width))
                     .arg(QLatin1String(command.summary));
    out() << "\nRun 'batonctl COMMAND --help' for a command's options.\n"
             "Times are RFC 3339 (2026-12-01T10:00:00Z); durations 90m, 6h, 2d, 1d12h or "
             "seconds;\nsecret sources (SRC) "
          << baton::cli::secretSourceHelp()
          << ".\n"
             "Environment: BATON_WORKSPACE is the workspace when --workspace is not given;\n"
             "BATON_PASSPHRASE_FILE a file holding its passphrase when --passphrase is not given\n"
             "(tried before the OS keyring); BATON_PIN_FILE the same for the PIN of a token\n"
             "holding certificate keys (--pin).\n"
             "Exit status: 0 success, 1 a negative answer (e.g. invalid DC), 2 unusable input "
             "or usage.\n";
    out().flush();
}

/// The raw bytes, printable ASCII as it is and every other byte as \xHH, so the message shows
/// exactly what was given.
QString escapedBytes(const QByteArray &raw)
{
    QString shown;
    for (const char c : raw) {
        const auto byte = quint8(c);
        if (byte >= 0x20 && byte < 0x7f && c != '\\')
            shown += QLatin1Char(c);
        else
            shown += QStringLiteral("\\x%1").arg(byte, 2, 16, QLatin1Char('0'));
    }
    return shown;
}

bool isUtf8(const QByteArray &raw)
{
    return QString::fromUtf8(raw).toUtf8() == raw;
}

/// Qt decodes argv and the environment as UTF-8 and replaces each invalid byte with U+FFFD,
/// and encodes file names back as UTF-8: a name that is not UTF-8 would silently become
/// another path (`inspect $'c\xff.pem'` says "no such file", `target add --dir $'t\xff'`
/// stores and writes to a different directory, BATON_WORKSPACE=$'w\xff' opens or creates
/// another workspace). Qt has no lossless form for such names, so they are refused here, from
/// the raw bytes, before anything acts on them.
std::optional<QString> nonUtf8Input(int argc, char *argv[])
{
    const QString refusal = QStringLiteral(": not valid UTF-8; Baton handles UTF-8 file names "
                                           "and arguments only (rename the file or directory)");
    for (int i = 1; i < argc; ++i) {
        const QByteArray raw(argv[i]);
        if (isUtf8(raw))
            continue;
        QString where = QStringLiteral("argument %1 \"%2\"").arg(i).arg(escapedBytes(raw));
        const qsizetype equals = raw.indexOf('=');
        const QByteArray previous = i > 1 ? QByteArray(argv[i - 1]) : QByteArray();
        if (raw.startsWith('-') && equals > 0)
            where += QStringLiteral(" (option %1)").arg(escapedBytes(raw.left(equals)));
        else if (!raw.startsWith('-') && previous.startsWith('-') && !previous.contains('='))
            where += QStringLiteral(" (after option %1)").arg(escapedBytes(previous));
        return where + refusal;
    }
    // The variables batonctl reads as paths (see printUsage).
    for (const char *variable : {"BATON_WORKSPACE", "BATON_PASSPHRASE_FILE"}) {
        const QByteArray raw = qgetenv(variable);
        if (!isUtf8(raw))
            return QStringLiteral("%1=\"%2\"").arg(QLatin1String(variable), escapedBytes(raw)) +
                   refusal;
    }
    return std::nullopt;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (const auto problem = nonUtf8Input(argc, argv))
        return baton::cli::fail(*problem);
    QCoreApplication::setApplicationName(QStringLiteral("batonctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BATON_VERSION));
    const QStringList arguments = QCoreApplication::arguments();

    if (arguments.size() < 2 || arguments[1] == QLatin1String("help") ||
        arguments[1] == QLatin1String("--help") || arguments[1] == QLatin1String("-h")) {
        printUsage();
        return arguments.size() < 2 ? baton::cli::ExitUnusable : baton::cli::ExitOk;
    }
    if (arguments[1] == QLatin1String("--version")) {
        out() << "batonctl " << BATON_VERSION << '\n';
        return baton::cli::ExitOk;
    }
    for (const Command &command : kCommands) {
        const QStringList words = QString::fromLatin1(command.words).split(QLatin1Char(' '));
        if (arguments.mid(1, words.size()) != words)
            continue;
        // The command's own parser sees "batonctl dc issue" as its program name.
        QStringList rest = arguments.mid(1 + words.size());
        rest.prepend(QStringLiteral("batonctl ") + words.join(QLatin1Char(' ')));
        return command.run(rest);
    }
    return baton::cli::fail(QStringLiteral("unknown command '%1'; run 'batonctl --help'")
                                .arg(arguments.mid(1, 2).join(QLatin1Char(' '))));
}
