// batonctl ws init|import|list|passwd|forget-passphrase, policy set, target add, cert replace,
// log: keeping certificates, keys, DCs, rotation policies and export targets in a workspace.

#include "Commands.h"
#include "WorkspaceSupport.h"
#include "common/TimeFormat.h"
#include "crypto/KeyCodec.h"
#include "export/BundleProfile.h"
#include "import/Importer.h"
#include "keyring/Keyring.h"
#include "pkcs11/Pkcs11Uri.h"
#include "rotation/RotationPlanner.h"

#include <QDir>
#include <QJsonArray>
#include <QProcess>

namespace baton::cli {

namespace {

/// Parses the command line with the workspace options added; false (with *exitCode set) when
/// the command should stop.
bool parseWorkspaceCommand(QCommandLineParser &parser, const WorkspaceOptions &options,
                           const QStringList &arguments, int *exitCode)
{
    options.addTo(parser);
    return parseArguments(parser, arguments, exitCode);
}

QString importResultName(ImportOutcome::Result result)
{
    switch (result) {
    case ImportOutcome::Result::Added:
        return QStringLiteral("added");
    case ImportOutcome::Result::AlreadyPresent:
        return QStringLiteral("already present");
    case ImportOutcome::Result::Skipped:
        return QStringLiteral("skipped");
    case ImportOutcome::Result::Failed:
        return QStringLiteral("FAILED");
    }
    return {};
}

QString dcState(const DcRecord &dc, const QDateTime &now)
{
    if (dc.superseded)
        return QStringLiteral("superseded");
    if (now >= dc.expiresAt)
        return QStringLiteral("expired");
    return dc.hasKey ? QStringLiteral("valid") : QStringLiteral("valid, key not here");
}

/// A new workspace passphrase (asked twice at a prompt): never empty, whatever its source.
Result<SecretBytes> readNewWorkspacePassphrase(const QString &source, const QString &prompt)
{
    auto passphrase = readNewSecret(source, prompt);
    if (passphrase && passphrase->isEmpty())
        return Error{QStringLiteral("an empty passphrase protects nothing")};
    return passphrase;
}

} // namespace

/// `ws import --key-uri`: the certificate whose key is on the token, the first end-entity
/// certificate of the file (a chain may follow it). A private key in the same file is refused:
/// the key would then be in two places.
Result<const Certificate *> tokenKeyCertificate(const QList<ImportedObject> &objects,
                                                const QString &file)
{
    const Certificate *leaf = nullptr;
    for (const ImportedObject &object : objects) {
        if (object.privateKey)
            return Error{QStringLiteral("%1 holds a private key (%2), but --key-uri says the "
                                        "key is on a token; import one or the other")
                             .arg(file, object.location)};
        if (object.certificate && !leaf && !object.certificate->isCa())
            leaf = &*object.certificate;
    }
    if (!leaf)
        return Error{QStringLiteral("%1 holds no end-entity certificate for the key on the token")
                         .arg(file)};
    return leaf;
}

int runWsInit(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Create a workspace: one file holding certificates, their keys (sealed with AES-256-GCM "
        "under a workspace key, which the passphrase unlocks through scrypt), DCs, rotation "
        "policies, export targets and an event log. The passphrase is asked twice unless "
        "--passphrase gives it.\nExit status: 0 created, 1 created but the passphrase could not be "
        "stored in the keyring, 2 nothing created."));
    const WorkspaceOptions options;
    const QCommandLineOption keyring(
        QStringLiteral("keyring"),
        QStringLiteral("Also keep the passphrase in the OS keyring, from which batonctl takes it "
                       "when no --passphrase or $BATON_PASSPHRASE_FILE gives it."));
    const QCommandLineOption now = nowOption();
    parser.addOptions({keyring, now});
    int exitCode = ExitOk;
    if (!parseWorkspaceCommand(parser, options, arguments, &exitCode))
        return exitCode;
    // Refused before anything is created: such a build could never store it.
    if (parser.isSet(keyring) && keyringAvailability() == KeyringAvailability::Unavailable)
        return fail(QStringLiteral("--keyring: this batonctl was built without keyring support"));
    auto when = timeOption(parser, now.names().first());
    if (!when)
        return fail(when.errorMessage());
    const QString path = workspacePath(parser, options);
    if (QFileInfo::exists(path))
        return fail(QStringLiteral("%1 already exists; not replacing it").arg(path));
    QString source = parser.value(options.passphrase);
    if (source.isEmpty() && !qEnvironmentVariable("BATON_PASSPHRASE_FILE").isEmpty())
        source = QStringLiteral("file:") + qEnvironmentVariable("BATON_PASSPHRASE_FILE");
    auto passphrase =
        readNewWorkspacePassphrase(source, QStringLiteral("New workspace passphrase"));
    if (!passphrase)
        return fail(passphrase.errorMessage());
    auto workspace = Workspace::create(path, passphrase->bytes(), *when);
    if (!workspace)
        return fail(workspace.errorMessage());
    out() << "Created the workspace " << path << '\n';
    out().flush();
    if (!parser.isSet(keyring))
        return ExitOk;
    if (auto stored = storeWorkspacePassphrase(path, passphrase->bytes(), kKeyringCommandWait);
        !stored) {
        err() << "batonctl: " << stored.errorMessage()
              << "; the workspace stays: give its passphrase with --passphrase or "
                 "$BATON_PASSPHRASE_FILE"
              << Qt::endl;
        return ExitInvalid;
    }
    out() << "Stored its passphrase in the keyring (service " << kKeyringService << ", key "
          << keyringKey(path) << ")\n";
    out().flush();
    return ExitOk;
}

int runWsPasswd(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Change the workspace passphrase. The current one is checked first; then only the "
        "workspace key, which every private key is sealed under, is wrapped under the new one, "
        "in one atomic step: no key is touched, and an interruption leaves the old passphrase or "
        "the new one in force. When the OS keyring holds the workspace's passphrase, it gets the "
        "new one. A workspace made before schema 6 has its vault upgraded first. The new "
        "passphrase is asked twice unless --new-passphrase gives it.\nExit status: 0 changed, 1 "
        "changed but the keyring still holds the old passphrase, 2 nothing changed (a wrong "
        "passphrase among others)."));
    const WorkspaceOptions options;
    const QCommandLineOption newPassphrase(
        QStringLiteral("new-passphrase"),
        QStringLiteral("Where the new passphrase comes from: %1 (default: a prompt, twice).")
            .arg(secretSourceHelp()),
        QStringLiteral("SRC"));
    const QCommandLineOption now = nowOption();
    parser.addOptions({newPassphrase, now});
    int exitCode = ExitOk;
    if (!parseWorkspaceCommand(parser, options, arguments, &exitCode))
        return exitCode;
    auto when = timeOption(parser, now.names().first());
    if (!when)
        return fail(when.errorMessage());
    auto workspace = openWorkspace(parser, options, WorkspaceAccess::ReadWrite);
    if (!workspace)
        return fail(workspace.errorMessage());
    if (auto ok = unlockWorkspace(**workspace, parser, options); !ok)
        return fail(ok.errorMessage());
    auto passphrase = readNewWorkspacePassphrase(
        parser.value(newPassphrase),
        QStringLiteral("New passphrase for the workspace %1").arg((*workspace)->path()));
    if (!passphrase)
        return fail(passphrase.errorMessage());
    if (auto ok = (*workspace)->changePassphrase(passphrase->bytes(), *when); !ok)
        return fail(ok.errorMessage());
    const QString path = (*workspace)->path();
    out() << "Changed the passphrase of " << path << '\n';
    out().flush();
    // The file a systemd unit or a script reads it from does not follow by itself: say so, or
    // the next timer run is the first to find out.
    const QString passphraseFile = qEnvironmentVariable("BATON_PASSPHRASE_FILE");
    if (!parser.isSet(options.passphrase) && !passphraseFile.isEmpty())
        err() << "batonctl: note: " << passphraseFile
              << " ($BATON_PASSPHRASE_FILE) still holds the old passphrase; put the new one there "
                 "before anything reads it again"
              << Qt::endl;

    // Only an entry that is there is replaced: a workspace whose passphrase was never stored
    // keeps out of the keyring.
    const KeyringLookup stored = readWorkspacePassphrase(path, kKeyringLookupWait);
    if (!stored.secret) {
        if (!stored.problem.isEmpty() && keyringAvailability() == KeyringAvailability::Available)
            err() << "batonctl: note: the keyring could not be asked whether it holds this "
                     "workspace's passphrase ("
                  << stored.problem << "); if it does, it holds the old one" << Qt::endl;
        return ExitOk;
    }
    if (auto ok = storeWorkspacePassphrase(path, passphrase->bytes(), kKeyringCommandWait); !ok) {
        err() << "batonctl: " << ok.errorMessage()
              << "; the keyring still holds the old passphrase: remove it with `batonctl ws "
                 "forget-passphrase`"
              << Qt::endl;
        return ExitInvalid;
    }
    out() << "Stored the new passphrase in the keyring (service " << kKeyringService << ", key "
          << keyringKey(path) << ")\n";
    out().flush();
    return ExitOk;
}

int runWsForgetPassphrase(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Remove the workspace's passphrase from the OS keyring (where `ws init --keyring` put "
        "it): batonctl asks for it again. The workspace itself is left alone, and need not "
        "exist any more. With --token, remove that token's PIN instead (where `ws import "
        "--key-uri ... --keyring` put it)."));
    const WorkspaceOptions options;
    const QCommandLineOption token(QStringLiteral("token"),
                                   QStringLiteral("Forget the PIN of the token labelled LABEL."),
                                   QStringLiteral("LABEL"));
    parser.addOptions({options.workspace, token});
    int exitCode = ExitOk;
    if (!parseArguments(parser, arguments, &exitCode))
        return exitCode;
    if (parser.isSet(token)) {
        if (auto ok = forgetTokenPin(parser.value(token), kKeyringCommandWait); !ok)
            return fail(ok.errorMessage());
        out() << "The keyring holds no PIN for token '" << parser.value(token) << "' now\n";
        out().flush();
        return ExitOk;
    }
    const QString path = workspacePath(parser, options);
    if (auto ok = forgetWorkspacePassphrase(path, kKeyringCommandWait); !ok)
        return fail(ok.errorMessage());
    out() << "The keyring holds no passphrase for " << keyringKey(path) << " now\n";
    out().flush();
    return ExitOk;
}

int runWsImport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Add certificates (with their chains), private keys and DCs from files in any format "
        "`inspect` reads. The files readable as a whole are added in one step, all or nothing, "
        "so a certificate and its key in two files arrive together. A newer certificate for the "
        "key or subject of one with a rotation policy renews it: the policy moves to the new "
        "certificate and fresh DCs are issued at once. Needs the workspace passphrase.\nExit "
        "status: 0 all added, 1 some objects not added, 2 unusable input."));
    const WorkspaceOptions options;
    const QCommandLineOption pass(QStringLiteral("pass"),
                                  QStringLiteral("Passphrase for encrypted input files (SRC)."),
                                  QStringLiteral("SRC"));
    const QCommandLineOption keyUri(
        QStringLiteral("key-uri"),
        QStringLiteral("The certificate's private key stays on a PKCS#11 token: this RFC 7512 URI "
                       "names it (pkcs11:token=edge-ca;object=example-com). The workspace keeps "
                       "the URI, never the PIN; a signature on the token proves the key is the "
                       "certificate's first. Takes one FILE, the certificate (and its chain)."),
        QStringLiteral("URI"));
    const QCommandLineOption pin = pinOption();
    const QCommandLineOption keyring(
        QStringLiteral("keyring"),
        QStringLiteral("With --key-uri: also keep the token's PIN in the OS keyring, from which "
                       "rotations take it (filed under the token's label)."));
    const QCommandLineOption now = nowOption();
    parser.addOptions({pass, keyUri, pin, keyring, now});
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Files to import."),
                                 QStringLiteral("FILE..."));
    int exitCode = ExitOk;
    if (!parseWorkspaceCommand(parser, options, arguments, &exitCode))
        return exitCode;
    if (parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("ws import needs at least one FILE"));
    const bool onToken = parser.isSet(keyUri);
    if (onToken && parser.positionalArguments().size() != 1)
        return fail(QStringLiteral("--key-uri names the key of one certificate: give one FILE"));
    if (!onToken && (parser.isSet(pin) || parser.isSet(keyring)))
        return fail(
            QStringLiteral("--%1 is the PIN of a token holding the key --key-uri names")
                .arg(parser.isSet(pin) ? QStringLiteral("pin") : QStringLiteral("keyring")));
    if (parser.isSet(keyring) && keyringAvailability() == KeyringAvailability::Unavailable)
        return fail(QStringLiteral("--keyring: this batonctl was built without keyring support"));
    // Refused before anything is opened: a URI carrying a PIN is never stored or repeated.
    if (onToken) {
        if (auto uri = Pkcs11Uri::parse(parser.value(keyUri)); !uri)
            return fail(QStringLiteral("--key-uri: ") + uri.errorMessage());
    }
    auto when = timeOption(parser, now.names().first());
    if (!when)
        return fail(when.errorMessage());
    auto workspace = openWorkspace(parser, options, WorkspaceAccess::ReadWrite);
    if (!workspace)
        return fail(workspace.errorMessage());
    // Checked before anything is read or written: whoever cannot open the vault has no
    // business changing what it rotates.
    if (auto ok = unlockWorkspace(**workspace, parser, options); !ok)
        return fail(ok.errorMessage());

    std::optional<SecretBytes> filePassphrase;
    const PassphraseProvider provider = [&](const QString &what) -> std::optional<QByteArray> {
        if (!filePassphrase) {
            auto read =
                readSecret(parser.value(pass), QStringLiteral("Passphrase for %1").arg(what));
            if (!read)
                return std::nullopt;
            filePassphrase = std::move(read).value();
        }
        return filePassphrase->bytes();
    };
    bool allAdded = true;
    // A file that could not be read at all (missing, a directory or FIFO, too large, nothing
    // recognisable in it) is unusable input: exit 2, after the other files had their turn.
    bool anyUnusable = false;
    QStringList files;
    QList<qsizetype> counts; // objects per file, to give each file its outcomes
    QList<ImportedObject> objects;
    for (const QString &file : parser.positionalArguments()) {
        ImportResult found = importFile(file, provider);
        if (!found.error.isEmpty()) {
            err() << "batonctl: " << found.error << Qt::endl;
            anyUnusable = true;
            continue;
        }
        files << file;
        counts << found.objects.size();
        for (ImportedObject &object : found.objects)
            objects.append(std::move(object));
    }
    if (files.isEmpty())
        return ExitUnusable;

    // The token key is proved to be the certificate's before anything is written.
    std::optional<TokenKey> tokenKey;
    const Certificate *tokenCertificate = nullptr; // in `objects`
    std::optional<SecretBytes> usedPin;            // for --keyring
    const TokenKey::PinSource pinSource = tokenPinSource(parser.value(pin));
    if (onToken) {
        auto leaf = tokenKeyCertificate(objects, files.first());
        if (!leaf)
            return fail(leaf.errorMessage());
        tokenCertificate = *leaf;
        auto opened = TokenKey::open(
            parser.value(keyUri),
            [&](const QString &token) {
                auto read = pinSource(token);
                if (read)
                    usedPin = SecretBytes(read->bytes());
                return read;
            },
            (*leaf)->publicKey());
        if (!opened)
            return fail(opened.errorMessage());
        if (auto proved = opened->checkIsKeyOf((*leaf)->publicKey()); !proved)
            return fail(parser.value(keyUri) + QStringLiteral(": ") + proved.errorMessage());
        tokenKey.emplace(std::move(opened).value());
    }

    // One transaction under the rotation lock: a rotation sees the workspace before the import
    // or after it, never a renewed certificate whose key is still in the next file.
    auto lock = lockRotations(**workspace);
    if (!lock)
        return fail(lock.errorMessage());
    auto report = (*workspace)->importObjects(objects, *when);
    if (!report)
        return fail(QStringLiteral("%1: nothing imported: %2")
                        .arg(files.join(QStringLiteral(", ")), report.errorMessage()));
    // Before a renewal's rotation below, which signs with it.
    if (tokenKey) {
        auto record = (*workspace)
                          ->resolveCertificate(
                              QString::fromLatin1(tokenCertificate->sha256Fingerprint().toHex()));
        if (!record)
            return fail(record.errorMessage());
        if (auto added =
                (*workspace)
                    ->addTokenKey(record->id,
                                  {.uri = parser.value(keyUri), .token = tokenKey->token()}, *when);
            !added)
            return fail(added.errorMessage());
    }
    qsizetype next = 0;
    for (qsizetype i = 0; i < files.size(); ++i) {
        out() << files[i] << '\n';
        for (qsizetype j = 0; j < counts[i] && next < report->objects.size(); ++j, ++next) {
            const ImportOutcome &object = report->objects[next];
            out() << "  " << importResultName(object.result) << ": " << object.summary;
            if (!object.detail.isEmpty())
                out() << " (" << object.detail << ')';
            out() << '\n';
            allAdded = allAdded && (object.result == ImportOutcome::Result::Added ||
                                    object.result == ImportOutcome::Result::AlreadyPresent);
        }
    }
    if (tokenKey) {
        out() << "  key: the " << tokenKey->description() << " (" << parser.value(keyUri) << ")\n";
        if (parser.isSet(keyring)) {
            if (!usedPin)
                out() << "  the token needs no PIN: nothing stored in the keyring\n";
            else if (auto stored =
                         storeTokenPin(tokenKey->token(), usedPin->bytes(), kKeyringCommandWait);
                     !stored)
                return fail(stored.errorMessage() +
                            QStringLiteral("; the certificate and its key reference were added"));
            else
                out() << "  stored the PIN of token '" << tokenKey->token()
                      << "' in the keyring (service " << kKeyringService << ", key "
                      << tokenPinKey(tokenKey->token()) << ")\n";
        }
    }
    out().flush();
    const QList<qint64> &renewed = report->renewedPolicies;
    if (renewed.isEmpty())
        return anyUnusable ? ExitUnusable : allAdded ? ExitOk : ExitInvalid;

    out() << "Renewed certificates: issuing fresh DCs for policies";
    for (const qint64 id : renewed)
        out() << ' ' << id;
    out() << '\n';
    out().flush();
    const int rotated = rotateNow(**workspace, *lock, renewed, *when, pinSource);
    if (anyUnusable)
        return ExitUnusable;
    return allAdded && rotated == ExitOk ? ExitOk : ExitInvalid;
}

int runWsList(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("List the workspace's certificates, with their DCs beneath them."));
    const WorkspaceOptions options;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption now =
        nowOption(QStringLiteral("Judge validity as of TIME (RFC 3339)."));
    parser.addOptions({json, now});
    int exitCode = ExitOk;
    if (!parseWorkspaceCommand(parser, options, arguments, &exitCode))
        return exitCode;
    auto when = timeOption(parser, now.names().first());
    if (!when)
        return fail(when.errorMessage());
    auto workspace = openWorkspace(parser, options, WorkspaceAccess::ReadOnly);
    if (!workspace)
        return fail(workspace.errorMessage());
    auto certificates = (*workspace)->certificates();
    auto dcs = (*workspace)->dcs();
    auto policies = (*workspace)->policies();
    if (!certificates || !dcs || !policies)
        return fail(!certificates ? certificates.errorMessage()
                                  : (!dcs ? dcs.errorMessage() : policies.errorMessage()));

    QJsonArray listed;
    for (const CertificateRecord &record : *certificates) {
        const Certificate &certificate = record.certificate;
        const auto policy =
            std::find_if(policies->cbegin(), policies->cend(),
                         [&](const PolicyRecord &p) { return p.certificateId == record.id; });
        QJsonArray dcList;
        if (!parser.isSet(json)) {
            out() << record.id << "  " << certificate.displayName() << "  "
                  << (certificate.isCa() ? "CA certificate" : "certificate") << "  SHA-256 "
                  << record.sha256.left(16) << "…  expires " << formatUtc(certificate.notAfter())
                  << " (" << formatRelative(*when, certificate.notAfter()) << ")"
                  << (record.tokenKey.onToken()
                          ? QStringLiteral("  key on token '%1'").arg(record.tokenKey.token)
                      : record.hasKey ? QStringLiteral("  key in vault")
                                      : QString())
                  << (record.supersededBy
                          ? QStringLiteral("  renewed by %1").arg(record.supersededBy)
                          : QString())
                  << (policy != policies->cend() ? QStringLiteral("  policy %1").arg(policy->id)
                                                 : QString())
                  << '\n';
        }
        for (const DcRecord &dc : *dcs) {
            if (dc.certificateId != record.id)
                continue;
            if (parser.isSet(json)) {
                dcList.append(
                    QJsonObject{{QStringLiteral("id"), dc.id},
                                {QStringLiteral("role"), dcRoleName(dc.role)},
                                {QStringLiteral("issuedAt"), formatRfc3339(dc.issuedAt)},
                                {QStringLiteral("expiresAt"), formatRfc3339(dc.expiresAt)},
                                {QStringLiteral("state"), dcState(dc, *when)},
                                {QStringLiteral("hasKey"), dc.hasKey}});
            } else {
                out() << "    DC " << dc.id << "  " << dcRoleName(dc.role) << "  expires "
                      << formatUtc(dc.expiresAt) << " (" << formatRelative(*when, dc.expiresAt)
                      << ")  " << dcState(dc, *when) << '\n';
            }
        }
        if (parser.isSet(json))
            listed.append(QJsonObject{
                {QStringLiteral("id"), record.id},
                {QStringLiteral("name"), certificate.displayName()},
                {QStringLiteral("subject"), certificate.subject()},
                {QStringLiteral("ca"), certificate.isCa()},
                {QStringLiteral("sha256"), record.sha256},
                {QStringLiteral("notBefore"), formatRfc3339(certificate.notBefore())},
                {QStringLiteral("notAfter"), formatRfc3339(certificate.notAfter())},
                {QStringLiteral("hasKey"), record.hasKey},
                {QStringLiteral("keyUri"),
                 record.tokenKey.onToken() ? QJsonValue(record.tokenKey.uri) : QJsonValue()},
                {QStringLiteral("keyToken"),
                 record.tokenKey.onToken() ? QJsonValue(record.tokenKey.token) : QJsonValue()},
                {QStringLiteral("supersededBy"), record.supersededBy},
                {QStringLiteral("policy"), policy != policies->cend() ? policy->id : 0},
                {QStringLiteral("dcs"), dcList}});
    }
    if (parser.isSet(json))
        printJson({{QStringLiteral("workspace"), (*workspace)->path()},
                   {QStringLiteral("certificates"), listed}});
    else if (certificates->isEmpty())
        out() << "The workspace is empty; add files with `batonctl ws import`.\n";
    out().flush();
    return ExitOk;
}

int runPolicySet(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Set how a certificate's DCs are kept alive: DCs of --lifetime (default 24h) are "
        "replaced when less than --renew-before (default half the lifetime) remains. Refused "
        "(exit 2) for a certificate that cannot delegate now: a CA, expired, without the "
        "DelegationUsage extension or without its key in the workspace. Needs the workspace "
        "passphrase.\nCERT is a workspace id, a SHA-256 fingerprint prefix, or a subject or DNS "
        "name."));
    const WorkspaceOptions options;
    const QCommandLineOption lifetime(QStringLiteral("lifetime"),
                                      QStringLiteral("DC lifetime (default 24h)."),
                                      QStringLiteral("DURATION"), QStringLiteral("24h"));
    const QCommandLineOption renewBefore(
        QStringLiteral("renew-before"),
        QStringLiteral("Rotate when less than this remains (default: half the lifetime)."),
        QStringLiteral("DURATION"));
    const QCommandLineOption algorithm(
        QStringLiteral("dc-alg"),
        QStringLiteral("The DC key: %1 (default ecdsa-p256).").arg(generatableKeyNames()),
        QStringLiteral("ALG"), QStringLiteral("ecdsa-p256"));
    const QCommandLineOption client(QStringLiteral("client"),
                                    QStringLiteral("Keep client DCs instead of server DCs."));
    const QCommandLineOption both(QStringLiteral("both"),
                                  QStringLiteral("Keep server and client DCs."));
    const QCommandLineOption now = nowOption();
    parser.addOptions({lifetime, renewBefore, algorithm, client, both, now});
    parser.addPositionalArgument(QStringLiteral("CERT"), QStringLiteral("The certificate."));
    int exitCode = ExitOk;
    if (!parseWorkspaceCommand(parser, options, arguments, &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        return fail(QStringLiteral("policy set takes exactly one CERT"));
    if (parser.isSet(client) && parser.isSet(both))
        return fail(QStringLiteral("--client and --both exclude each other"));
    auto when = timeOption(parser, now.names().first());
    if (!when)
        return fail(when.errorMessage());
    auto seconds = parseDuration(parser.value(lifetime));
    if (!seconds)
        return fail(QStringLiteral("--lifetime: ") + seconds.errorMessage());
    auto renew = parser.isSet(renewBefore) ? parseDuration(parser.value(renewBefore))
                                           : Result<qint64>(*seconds / 2);
    if (!renew)
        return fail(QStringLiteral("--renew-before: ") + renew.errorMessage());
    const RotationPolicy policy{.lifetimeSeconds = *seconds,
                                .renewBeforeSeconds = *renew,
                                .dcAlgorithm = parser.value(algorithm),
                                .roles = parser.isSet(both)     ? DcRoles::Both
                                         : parser.isSet(client) ? DcRoles::Client
                                                                : DcRoles::Server};
    // Checked before the workspace is opened. When the renew-before was derived, not given, a
    // message about it says where it came from: "--lifetime 1s" must not be refused for an
    // option the user never wrote without naming it.
    if (const Status valid = validateRotationPolicy(policy); !valid) {
        if (!parser.isSet(renewBefore) &&
            valid.errorMessage().contains(QLatin1String("renew-before")))
            return fail(QStringLiteral("--lifetime %1: %2 (without --renew-before, the "
                                       "renew-before is half the lifetime, %3; give a longer "
                                       "--lifetime or an explicit --renew-before)")
                            .arg(parser.value(lifetime), valid.errorMessage(),
                                 formatDuration(policy.renewBeforeSeconds)));
        return fail(valid.errorMessage());
    }
    auto workspace = openWorkspace(parser, options, WorkspaceAccess::ReadWrite);
    if (!workspace)
        return fail(workspace.errorMessage());
    auto certificate = (*workspace)->resolveCertificate(parser.positionalArguments().first());
    if (!certificate)
        return fail(certificate.errorMessage());
    if (auto usable = (*workspace)->checkPolicy(certificate->id, policy, *when); !usable)
        return fail(usable.errorMessage());
    if (auto ok = unlockWorkspace(**workspace, parser, options); !ok)
        return fail(ok.errorMessage());
    auto id = (*workspace)->setPolicy(certificate->id, policy, *when);
    if (!id)
        return fail(id.errorMessage());
    out() << "Policy " << *id << " for " << certificate->certificate.displayName() << ": "
          << dcRolesName(policy.roles) << " DCs of " << formatDuration(policy.lifetimeSeconds)
          << ", renewed " << formatDuration(policy.renewBeforeSeconds) << " before expiry, "
          << policy.dcAlgorithm << " keys\n";
    out().flush();
    return ExitOk;
}

int runTargetAdd(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral(
            "Export a certificate's DCs to a bundle directory at every rotation: generations under "
            "DIR and an atomically switched DIR/current, as `batonctl export` writes them; then "
            "the "
            "--hook (no shell), e.g. to reload the server. DIR must be a directory this user "
            "can write (or creatable in one), the hook an executable file. Needs the workspace "
            "passphrase.\nProfiles: %1.")
            .arg(bundleProfileNames().join(QStringLiteral(", "))));
    const WorkspaceOptions options;
    const QCommandLineOption profile(QStringLiteral("profile"), QStringLiteral("The server stack."),
                                     QStringLiteral("NAME"));
    const QCommandLineOption directory(
        QStringLiteral("dir"), QStringLiteral("The bundle directory."), QStringLiteral("DIR"));
    const QCommandLineOption hook(QStringLiteral("hook"),
                                  QStringLiteral("A command to run after each export."),
                                  QStringLiteral("CMD"));
    const QCommandLineOption client(QStringLiteral("client"),
                                    QStringLiteral("Export the client DC (default: server)."));
    const QCommandLineOption hookEnvironment = hookEnvironmentOption();
    const QCommandLineOption now = nowOption();
    parser.addOptions({profile, directory, hook, hookEnvironment, client, now});
    parser.addPositionalArgument(QStringLiteral("CERT"), QStringLiteral("The certificate."));
    int exitCode = ExitOk;
    if (!parseWorkspaceCommand(parser, options, arguments, &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1 || !parser.isSet(profile) ||
        !parser.isSet(directory))
        return fail(QStringLiteral("target add needs CERT, --profile and --dir"));
    if (parser.isSet(hook) && QProcess::splitCommand(parser.value(hook)).isEmpty())
        return fail(QStringLiteral("--hook is empty"));
    auto passThrough = hookEnvironmentNames(parser);
    if (!passThrough)
        return fail(passThrough.errorMessage());
    auto when = timeOption(parser, now.names().first());
    if (!when)
        return fail(when.errorMessage());
    auto workspace = openWorkspace(parser, options, WorkspaceAccess::ReadWrite);
    if (!workspace)
        return fail(workspace.errorMessage());
    auto certificate = (*workspace)->resolveCertificate(parser.positionalArguments().first());
    if (!certificate)
        return fail(certificate.errorMessage());
    auto policy = (*workspace)->policyForCertificate(certificate->id);
    if (!policy)
        return fail(policy.errorMessage());
    if (!*policy)
        return fail(QStringLiteral("%1 has no rotation policy; set one first with `batonctl "
                                   "policy set`")
                        .arg(certificate->certificate.displayName()));
    const TargetRecord target{.policyId = (*policy)->id,
                              .profile = parser.value(profile),
                              .directory = parser.value(directory),
                              .hook = parser.value(hook),
                              .hookEnvironment = *passThrough,
                              .role = parser.isSet(client) ? DcRole::Client : DcRole::Server};
    if (auto usable = (*workspace)->checkTarget(target); !usable)
        return fail(usable.errorMessage());
    if (auto ok = unlockWorkspace(**workspace, parser, options); !ok)
        return fail(ok.errorMessage());
    auto id = (*workspace)->addTarget(target, *when);
    if (!id)
        return fail(id.errorMessage());
    out() << "Target " << *id << ": " << parser.value(profile) << " bundles of "
          << certificate->certificate.displayName() << " in "
          << QFileInfo(parser.value(directory)).absoluteFilePath() << '\n';
    out().flush();
    return ExitOk;
}

int runCertReplace(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Renew a certificate by hand: OLD's rotation policy and targets move to NEW, OLD's DCs "
        "are superseded, and fresh DCs under NEW are issued and exported at once. Needs the "
        "workspace passphrase."));
    const WorkspaceOptions options;
    const QCommandLineOption pin = pinOption();
    const QCommandLineOption now = nowOption();
    parser.addOptions({pin, now});
    parser.addPositionalArgument(QStringLiteral("OLD"), QStringLiteral("The certificate renewed."));
    parser.addPositionalArgument(QStringLiteral("NEW"), QStringLiteral("Its replacement."));
    int exitCode = ExitOk;
    if (!parseWorkspaceCommand(parser, options, arguments, &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 2)
        return fail(QStringLiteral("cert replace takes OLD and NEW"));
    auto when = timeOption(parser, now.names().first());
    if (!when)
        return fail(when.errorMessage());
    auto workspace = openWorkspace(parser, options, WorkspaceAccess::ReadWrite);
    if (!workspace)
        return fail(workspace.errorMessage());
    auto from = (*workspace)->resolveCertificate(parser.positionalArguments().at(0));
    auto to = (*workspace)->resolveCertificate(parser.positionalArguments().at(1));
    if (!from || !to)
        return fail(from ? to.errorMessage() : from.errorMessage());
    auto policy = (*workspace)->policyForCertificate(from->id);
    if (!policy)
        return fail(policy.errorMessage());
    // Unlocked first: every change needs the passphrase, and a renewal that could not issue at
    // once would leave the targets serving DCs of the old certificate for no reason.
    if (auto ok = unlockWorkspace(**workspace, parser, options); !ok)
        return fail(ok.errorMessage());
    // Held from the move through the fresh DCs, as `ws import` holds it for a renewal.
    auto lock = lockRotations(**workspace);
    if (!lock)
        return fail(lock.errorMessage());
    if (auto ok = (*workspace)->replaceCertificate(from->id, to->id, *when); !ok)
        return fail(ok.errorMessage());
    out() << to->certificate.displayName() << " (certificate " << to->id
          << ") replaces certificate " << from->id << '\n';
    out().flush();
    if (!*policy)
        return ExitOk;
    return rotateNow(**workspace, *lock, {(*policy)->id}, *when, tokenPinSource(parser.value(pin)));
}

int runLog(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Show the workspace's event log: imports, issued DCs, exports, hook results, failures."));
    const WorkspaceOptions options;
    const QCommandLineOption since(QStringLiteral("since"),
                                   QStringLiteral("Only events at or after TIME (RFC 3339)."),
                                   QStringLiteral("TIME"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOptions({since, json});
    int exitCode = ExitOk;
    if (!parseWorkspaceCommand(parser, options, arguments, &exitCode))
        return exitCode;
    QDateTime from;
    if (parser.isSet(since)) {
        auto parsed = withContext(parseRfc3339(parser.value(since)), QStringLiteral("--since"));
        if (!parsed)
            return fail(parsed.errorMessage());
        from = *parsed;
    }
    auto workspace = openWorkspace(parser, options, WorkspaceAccess::ReadOnly);
    if (!workspace)
        return fail(workspace.errorMessage());
    auto events = (*workspace)->events(from);
    if (!events)
        return fail(events.errorMessage());
    if (parser.isSet(json)) {
        QJsonArray listed;
        for (const EventRecord &event : *events)
            listed.append(QJsonObject{{QStringLiteral("id"), event.id},
                                      {QStringLiteral("at"), formatRfc3339(event.at)},
                                      {QStringLiteral("kind"), event.kind},
                                      {QStringLiteral("ok"), event.ok},
                                      {QStringLiteral("message"), event.message},
                                      {QStringLiteral("certificate"), event.certificateId},
                                      {QStringLiteral("dc"), event.dcId},
                                      {QStringLiteral("target"), event.targetId}});
        printJson({{QStringLiteral("events"), listed}});
        return ExitOk;
    }
    for (const EventRecord &event : *events)
        out() << formatUtc(event.at) << "  " << QStringLiteral("%1").arg(event.kind, -9) << ' '
              << (event.ok ? "" : "FAILED ") << event.message << '\n';
    out().flush();
    return ExitOk;
}

} // namespace baton::cli
