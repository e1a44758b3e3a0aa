#pragma once

// What every batonctl command shares: exit codes, output streams, option helpers.

#include "common/Clock.h"
#include "common/FileIo.h"
#include "common/Result.h"
#include "crypto/OpenSsl.h"
#include "dc/DcCheck.h"
#include "pkcs11/TokenKey.h"
#include "x509/Certificate.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QJsonObject>
#include <QTextStream>
#include <optional>

namespace baton::cli {

/// The exit codes scripts rely on (a systemd timer, CI jobs): keep them stable.
enum ExitCode : int
{
    ExitOk = 0,
    ExitInvalid = 1,  ///< the answer is "no" (invalid DC, problems found)
    ExitUnusable = 2, ///< unusable input or usage: nothing was judged or written
};

QTextStream &out();
QTextStream &err();

/// Prints "batonctl: <message>" on stderr and returns ExitUnusable.
int fail(const QString &message);

/// Parses a subcommand's arguments; on a usage error prints one line and returns false.
/// `--help` prints the help and sets `*exitCode` to ExitOk.
bool parseArguments(QCommandLineParser &parser, const QStringList &arguments, int *exitCode);

/// --now TIME, which every command that reads the clock takes, so operators and tests can move
/// time.
QCommandLineOption
nowOption(const QString &description = QStringLiteral("Act as if it were TIME (RFC 3339)."));

/// --hook-env NAME (repeatable): a variable of batonctl's environment the hook also gets.
QCommandLineOption hookEnvironmentOption();

/// The --hook-env names, checked (checkHookEnvironmentNames); an error names the option.
Result<QStringList> hookEnvironmentNames(const QCommandLineParser &parser);

/// A DURATION option that must be positive; errors start with "--option: ".
Result<qint64> positiveDurationOption(const QCommandLineParser &parser, const QString &option);

/// `--now`/`--at`: an RFC 3339 time, or the system clock when the option is absent.
Result<QDateTime> timeOption(const QCommandLineParser &parser, const QString &option);

/// Reads a secret named by SRC: pass:TEXT, env:VAR, file:PATH (first line), fd:N (first line),
/// or, when SRC is empty and stdin is a terminal, a prompt that does not echo.
Result<SecretBytes> readSecret(const QString &source, const QString &prompt);

/// How a SRC option is written, for every option's help: pass: puts the secret in argv, where
/// every user on the machine reads it with `ps`, so the help says so and names the others.
QString secretSourceHelp();

/// --pin SRC: the user PIN of the token holding a certificate key.
QCommandLineOption pinOption();

/// A token's user PIN, asked for only when the token needs one: from `source` (--pin SRC), else
/// the file named by $BATON_PIN_FILE, else the OS keyring's entry for the token, else a prompt
/// on a terminal. A PIN from the keyring that the token refuses is not offered again by a
/// rotation (TokenKeyCache), so a timer never locks the token with it.
TokenKey::PinSource tokenPinSource(const QString &source);

/// Like readSecret, but a passphrase being chosen: on a terminal it is asked twice and must
/// match, since a mistyped one would lock the key away for good.
Result<SecretBytes> readNewSecret(const QString &source, const QString &prompt);

struct OutputFile
{
    QString path;
    QByteArrayView data; ///< borrowed: key material is not copied
    int mode;            ///< 0600 for keys, 0644 otherwise
};

/// An error message when any of the paths exists and `force` is off: checked before any work,
/// so a refusal leaves nothing behind.
std::optional<QString> existingOutput(const QList<OutputFile> &files, bool force);

/// Writes the files atomically, in order (put keys first: nothing on disk then lacks its key).
/// If one fails, those already written are removed again: no partial output.
Status writeOutputs(const QList<OutputFile> &files, Overwrite overwrite);

/// For an option naming an output directory: "--out PATH: is a file, not a directory" (or
/// another kind of non-directory) when PATH exists and is no directory; nullopt when it is one
/// (a symlink to one included) or does not exist yet.
std::optional<QString> notADirectory(const QString &option, const QString &path);

/// Reads the first certificate of a PEM or DER file (the leaf, in a chain file).
Result<Certificate> readCertificateFile(const QString &path);

/// Reads a private key file, asking for its passphrase (via `passSource`) only if encrypted.
Result<EvpPkeyPtr> readPrivateKeyFile(const QString &path, const QString &passSource);

/// "[pass] Title: detail" lines, in the order given.
void printChecks(const QList<DcCheck> &checks, const QString &indent);
QJsonArray checksToJson(const QList<DcCheck> &checks);

/// Writes pretty JSON to stdout.
void printJson(const QJsonObject &object);

} // namespace baton::cli
