#include "CliSupport.h"

#include "common/FileIo.h"
#include "common/TimeFormat.h"
#include "crypto/KeyCodec.h"
#include "export/ExportHook.h"
#include "keyring/Keyring.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <cerrno>
#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace baton::cli {

namespace {

// Key files hold one key, perhaps with its certificate chain: a few KiB. A larger file is a
// wrong path, and refusing it keeps every read bounded.
constexpr qint64 kMaxKeyFileSize = 1 << 20;
constexpr qint64 kMaxSecretSize = 4096;
// A certificate chain is a few KiB; even a large CA bundle stays far below this.
constexpr qint64 kMaxCertificateFileSize = 10 << 20;

QByteArray firstLine(QByteArray data)
{
    const qsizetype newline = data.indexOf('\n');
    QByteArray line = newline >= 0 ? data.left(newline) : data;
    if (line.endsWith('\r'))
        line.chop(1);
    OPENSSL_cleanse(data.data(), size_t(data.size()));
    return line;
}

Result<SecretBytes> readFromFd(int fd)
{
    QByteArray data;
    char buffer[512];
    while (data.size() <= kMaxSecretSize) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return Error{QStringLiteral("cannot read the secret from descriptor %1").arg(fd)};
        if (n == 0)
            break;
        data.append(buffer, n);
        if (data.contains('\n'))
            break;
    }
    OPENSSL_cleanse(buffer, sizeof buffer);
    return SecretBytes(firstLine(std::move(data)));
}

Result<SecretBytes> promptWithoutEcho(const QString &prompt)
{
    if (!::isatty(STDIN_FILENO))
        return Error{QStringLiteral("%1 is needed, and there is no terminal to ask on; give it "
                                    "with a SRC option: %2")
                         .arg(prompt, secretSourceHelp())};
    termios saved{};
    const bool restore = ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (restore) {
        termios silent = saved;
        silent.c_lflag &= tcflag_t(~ECHO);
        // Echo goes off (and typed-ahead input is dropped) before the prompt shows: whatever
        // is typed once it is visible is kept, and never echoed.
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
    }
    std::fprintf(stderr, "%s: ", qPrintable(prompt));
    std::fflush(stderr);
    auto secret = readFromFd(STDIN_FILENO);
    if (restore)
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::fprintf(stderr, "\n");
    return secret;
}

} // namespace

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

int fail(const QString &message)
{
    out().flush();
    err() << "batonctl: " << message << Qt::endl;
    return ExitUnusable;
}

bool parseArguments(QCommandLineParser &parser, const QStringList &arguments, int *exitCode)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(arguments)) {
        *exitCode = fail(parser.errorText() + QStringLiteral(" (see --help)"));
        return false;
    }
    if (parser.isSet(help)) {
        out() << parser.helpText();
        out().flush();
        *exitCode = ExitOk;
        return false;
    }
    return true;
}

QCommandLineOption nowOption(const QString &description)
{
    return QCommandLineOption(QStringLiteral("now"), description, QStringLiteral("TIME"));
}

QCommandLineOption hookEnvironmentOption()
{
    return QCommandLineOption(
        QStringLiteral("hook-env"),
        QStringLiteral("Also give the hook this variable of batonctl's environment (repeatable); "
                       "otherwise it gets only PATH, HOME, LANG and Baton's BATON_* variables."),
        QStringLiteral("NAME"));
}

Result<QStringList> hookEnvironmentNames(const QCommandLineParser &parser)
{
    const QStringList names = parser.values(QStringLiteral("hook-env"));
    if (auto ok = checkHookEnvironmentNames(names); !ok)
        return Error{QStringLiteral("--hook-env: ") + ok.errorMessage()};
    return names;
}

Result<qint64> positiveDurationOption(const QCommandLineParser &parser, const QString &option)
{
    auto seconds = withContext(parseDuration(parser.value(option)), QStringLiteral("--") + option);
    if (seconds && *seconds <= 0)
        return Error{QStringLiteral("--%1: must be positive").arg(option)};
    return seconds;
}

Result<QDateTime> timeOption(const QCommandLineParser &parser, const QString &option)
{
    if (!parser.isSet(option))
        return SystemClock().now();
    return withContext(parseRfc3339(parser.value(option)), QStringLiteral("--") + option);
}

QString secretSourceHelp()
{
    return QStringLiteral("file:PATH (first line), fd:N, env:VAR, or pass:TEXT (visible to every "
                          "user in `ps`: tests only)");
}

Result<SecretBytes> readSecret(const QString &source, const QString &prompt)
{
    if (source.isEmpty())
        return promptWithoutEcho(prompt);
    const qsizetype colon = source.indexOf(QLatin1Char(':'));
    const QString kind = source.left(colon);
    const QString argument = colon >= 0 ? source.mid(colon + 1) : QString();
    if (kind == QLatin1String("pass") && colon >= 0)
        return SecretBytes(argument.toUtf8());
    if (kind == QLatin1String("env") && !argument.isEmpty()) {
        if (!qEnvironmentVariableIsSet(argument.toLocal8Bit().constData()))
            return Error{QStringLiteral("environment variable %1 is not set").arg(argument)};
        return SecretBytes(qgetenv(argument.toLocal8Bit().constData()));
    }
    if (kind == QLatin1String("file") && !argument.isEmpty()) {
        auto data = readFileBounded(argument, kMaxSecretSize);
        if (!data)
            return data.error();
        return SecretBytes(firstLine(std::move(data).value()));
    }
    if (kind == QLatin1String("fd")) {
        bool ok = false;
        const int fd = argument.toInt(&ok);
        if (ok && fd >= 0)
            return readFromFd(fd);
    }
    // Never echo the source back: it may be pass:<the secret itself>.
    return Error{QStringLiteral("a secret source must be %1").arg(secretSourceHelp())};
}

QCommandLineOption pinOption()
{
    return QCommandLineOption(
        QStringLiteral("pin"),
        QStringLiteral("User PIN of the token holding a certificate key: %1 (default: the file "
                       "named by $BATON_PIN_FILE, else the OS keyring, else a prompt).")
            .arg(secretSourceHelp()),
        QStringLiteral("SRC"));
}

TokenKey::PinSource tokenPinSource(const QString &source)
{
    return [source](const QString &token) -> Result<SecretBytes> {
        QString from = source;
        const QString file = qEnvironmentVariable("BATON_PIN_FILE");
        if (from.isEmpty() && !file.isEmpty())
            from = QStringLiteral("file:") + file;
        QString keyringProblem;
        if (from.isEmpty()) {
            KeyringLookup stored = readTokenPin(token, kKeyringLookupWait);
            if (stored.secret)
                return std::move(*stored.secret);
            keyringProblem = stored.problem;
        }
        auto pin = readSecret(from, QStringLiteral("PIN of token '%1'").arg(token));
        // Said only when nothing else worked: on a server without a keyring it is no news.
        if (!pin && !keyringProblem.isEmpty())
            return Error{pin.errorMessage() + QStringLiteral("; the keyring could not help: ") +
                         keyringProblem};
        return pin;
    };
}

Result<SecretBytes> readNewSecret(const QString &source, const QString &prompt)
{
    auto first = readSecret(source, prompt);
    if (!first || !source.isEmpty())
        return first;
    auto again = readSecret(source, prompt + QStringLiteral(" (again)"));
    if (!again)
        return again;
    if (first->bytes() != again->bytes())
        return Error{QStringLiteral("the two passphrases differ; nothing was written")};
    if (first->isEmpty())
        return Error{QStringLiteral("an empty passphrase protects nothing; use --no-encrypt to "
                                    "mean that")};
    return first;
}

std::optional<QString> existingOutput(const QList<OutputFile> &files, bool force)
{
    if (force)
        return std::nullopt;
    for (const OutputFile &file : files) {
        if (QFileInfo::exists(file.path) || QFileInfo(file.path).isSymLink())
            return QStringLiteral("%1 already exists; use --force to overwrite it, or --out "
                                  "another directory")
                .arg(file.path);
    }
    return std::nullopt;
}

Status writeOutputs(const QList<OutputFile> &files, Overwrite overwrite)
{
    for (qsizetype i = 0; i < files.size(); ++i) {
        const Status written =
            writeFileAtomically(files[i].path, files[i].data, files[i].mode, overwrite);
        if (!written) {
            for (qsizetype done = 0; done < i; ++done)
                QFile::remove(files[done].path);
            return written;
        }
    }
    return {};
}

std::optional<QString> notADirectory(const QString &option, const QString &path)
{
    const QFileInfo info(path);
    if (info.isDir() || (!info.exists() && !info.isSymLink()))
        return std::nullopt;
    const QString prefix = QStringLiteral("--%1 %2: ").arg(option, path);
    if (!info.exists())
        return prefix + QStringLiteral("is a dangling symlink, not a directory");
    if (info.isFile())
        return prefix + QStringLiteral("is a file, not a directory");
    return prefix + QStringLiteral("exists and is not a directory");
}

Result<Certificate> readCertificateFile(const QString &path)
{
    auto data = readFileBounded(path, kMaxCertificateFileSize);
    if (!data)
        return data.error();
    return withContext(Certificate::readFirst(*data), path);
}

Result<EvpPkeyPtr> readPrivateKeyFile(const QString &path, const QString &passSource)
{
    auto data = readFileBounded(path, kMaxKeyFileSize);
    if (!data)
        return data.error();
    SecretBytes keyFile(std::move(data).value());
    // A key asking for more key-derivation work than Baton allows is refused before anyone is
    // asked for its passphrase.
    if (Status cost = checkEncryptedPrivateKeyCost(keyFile.bytes()); !cost)
        return withContext<EvpPkeyPtr>(cost.error(), path);
    std::optional<QByteArray> passphrase;
    SecretBytes secret;
    if (isEncryptedPrivateKey(keyFile.bytes()) || !passSource.isEmpty()) {
        auto read = readSecret(passSource, QStringLiteral("Passphrase for %1").arg(path));
        if (!read)
            return withContext<EvpPkeyPtr>(read.error(), path);
        secret = std::move(read).value();
        passphrase = secret.bytes();
    }
    auto key = decodePrivateKey(keyFile.bytes(), passphrase);
    passphrase.reset(); // drop the shared reference so `secret` alone owns, and wipes, it
    return withContext(std::move(key), path);
}

void printChecks(const QList<DcCheck> &checks, const QString &indent)
{
    for (const DcCheck &check : checks) {
        const QString mark = check.outcome == CheckOutcome::Fail ? QStringLiteral("FAIL")
                                                                 : checkOutcomeName(check.outcome);
        out() << indent << '[' << mark << "] " << check.title << ": " << check.detail << '\n';
    }
}

QJsonArray checksToJson(const QList<DcCheck> &checks)
{
    QJsonArray array;
    for (const DcCheck &check : checks)
        array.append(QJsonObject{{QStringLiteral("id"), check.id},
                                 {QStringLiteral("title"), check.title},
                                 {QStringLiteral("outcome"), checkOutcomeName(check.outcome)},
                                 {QStringLiteral("detail"), check.detail}});
    return array;
}

void printJson(const QJsonObject &object)
{
    out() << QJsonDocument(object).toJson(QJsonDocument::Indented);
    out().flush();
}

} // namespace baton::cli
