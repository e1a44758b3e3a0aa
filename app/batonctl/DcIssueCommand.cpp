#include "CliSupport.h"
#include "Commands.h"
#include "common/FileIo.h"
#include "common/TimeFormat.h"
#include "crypto/KeyCodec.h"
#include "dc/DcIssuer.h"
#include "pkcs11/Pkcs11Uri.h"
#include "pkcs11/TokenKey.h"
#include "tls/SignatureScheme.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>

namespace baton::cli {

namespace {

QString sha256Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}
} // namespace

int runDcIssue(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Issue a delegated credential (RFC 9345) under a certificate.\n"
        "Writes DIR/dc.bin (the raw DC) and, when the DC key is generated, DIR/dc-key.pem "
        "(unencrypted PKCS#8, mode 0600)."));
    const QCommandLineOption cert(QStringLiteral("cert"),
                                  QStringLiteral("The delegating certificate (PEM or DER; the "
                                                 "first of a chain)."),
                                  QStringLiteral("CERT"));
    const QCommandLineOption key(
        QStringLiteral("key"),
        QStringLiteral("The certificate's private key: a key file, or the RFC 7512 URI of a key "
                       "on a PKCS#11 token (pkcs11:token=T;object=O), which signs the DC "
                       "without leaving the token."),
        QStringLiteral("KEY"));
    const QCommandLineOption keyPass(QStringLiteral("key-pass"),
                                     QStringLiteral("Passphrase of an encrypted KEY: %1 (else a "
                                                    "prompt on a terminal).")
                                         .arg(secretSourceHelp()),
                                     QStringLiteral("SRC"));
    const QCommandLineOption pin = pinOption();
    const QCommandLineOption dcKey(QStringLiteral("dc-key"),
                                   QStringLiteral("Use this existing DC private key."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption dcAlg(
        QStringLiteral("dc-alg"),
        QStringLiteral("Generate the DC key: %1 (default ecdsa-p256).").arg(generatableKeyNames()),
        QStringLiteral("ALG"));
    const QCommandLineOption valid(QStringLiteral("valid"),
                                   QStringLiteral("DC lifetime: 90m, 6h, 2d, 1d12h or seconds "
                                                  "(default 24h, at most 7d)."),
                                   QStringLiteral("DURATION"), QStringLiteral("24h"));
    const QCommandLineOption client(QStringLiteral("client"),
                                    QStringLiteral("Issue a client DC (default: server)."));
    const QCommandLineOption clamp(QStringLiteral("clamp"),
                                   QStringLiteral("Shorten the lifetime to end at the "
                                                  "certificate's notAfter instead of refusing."));
    const QCommandLineOption now = nowOption(
        QStringLiteral("Issue as if it were TIME (RFC 3339, e.g. 2026-12-01T10:00:00Z)."));
    const QCommandLineOption outDir(QStringLiteral("out"),
                                    QStringLiteral("Output directory (default: the current one)."),
                                    QStringLiteral("DIR"), QStringLiteral("."));
    const QCommandLineOption force(QStringLiteral("force"),
                                   QStringLiteral("Overwrite existing output files."));
    parser.addOptions(
        {cert, key, keyPass, pin, dcKey, dcAlg, valid, client, clamp, now, outDir, force});
    int exitCode = ExitOk;
    if (!parseArguments(parser, arguments, &exitCode))
        return exitCode;
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("dc issue takes no file arguments (got '%1')")
                        .arg(parser.positionalArguments().first()));
    if (!parser.isSet(cert) || !parser.isSet(key))
        return fail(QStringLiteral("dc issue needs --cert CERT and --key KEY"));
    const bool onToken = Pkcs11Uri::looksLikeUri(parser.value(key));
    if (onToken && parser.isSet(keyPass))
        return fail(QStringLiteral("--key-pass is the passphrase of a key file; a key on a token "
                                   "is unlocked with --pin"));
    if (!onToken && parser.isSet(pin))
        return fail(QStringLiteral("--pin unlocks a key on a token (--key pkcs11:…); a key file "
                                   "takes --key-pass"));
    if (parser.isSet(dcKey) && parser.isSet(dcAlg))
        return fail(QStringLiteral("--dc-key and --dc-alg exclude each other: give an existing "
                                   "key, or the algorithm of a new one"));

    const KeySpec *dcKeySpec = nullptr;
    if (parser.isSet(dcAlg)) {
        dcKeySpec = keySpecByName(parser.value(dcAlg));
        if (!dcKeySpec)
            return fail(QStringLiteral("unknown --dc-alg '%1'; choose one of: %2")
                            .arg(parser.value(dcAlg), generatableKeyNames()));
    }
    auto lifetime = parseDuration(parser.value(valid));
    if (!lifetime)
        return fail(QStringLiteral("--valid: ") + lifetime.errorMessage());
    // Before any key is read (or its passphrase asked for).
    if (const auto problem = notADirectory(QStringLiteral("out"), parser.value(outDir)))
        return fail(*problem);
    auto issueTime = timeOption(parser, now.names().first());
    if (!issueTime)
        return fail(issueTime.errorMessage());

    auto certificate = readCertificateFile(parser.value(cert));
    if (!certificate)
        return fail(certificate.errorMessage());
    // Either key stays open until the DC is signed; only the one named is opened.
    std::optional<EvpPkeyPtr> keyFromFile;
    std::optional<TokenKey> keyOnToken;
    if (onToken) {
        auto opened = TokenKey::open(parser.value(key), tokenPinSource(parser.value(pin)),
                                     certificate->publicKey());
        if (!opened)
            return fail(opened.errorMessage());
        keyOnToken.emplace(std::move(opened).value());
    } else {
        auto read = readPrivateKeyFile(parser.value(key), parser.value(keyPass));
        if (!read)
            return fail(read.errorMessage());
        keyFromFile = std::move(read).value();
    }
    std::optional<EvpPkeyPtr> givenDcKey;
    if (parser.isSet(dcKey)) {
        auto loaded = readPrivateKeyFile(parser.value(dcKey), QString());
        if (!loaded)
            return fail(loaded.errorMessage());
        givenDcKey = std::move(loaded).value();
    }

    const QDir directory(parser.value(outDir));
    if (!directory.exists())
        return fail(QStringLiteral("--out %1: no such directory").arg(parser.value(outDir)));
    const QString dcPath = directory.filePath(QStringLiteral("dc.bin"));
    const QString keyPath = directory.filePath(QStringLiteral("dc-key.pem"));
    const bool writesKey = !givenDcKey.has_value();
    // Checked before any work, so a refusal costs no signature.
    const QList<OutputFile> planned =
        writesKey ? QList<OutputFile>{{keyPath, {}, 0600}, {dcPath, {}, 0644}}
                  : QList<OutputFile>{{dcPath, {}, 0644}};
    if (const auto existing = existingOutput(planned, parser.isSet(force)))
        return fail(*existing);

    const DcIssueRequest request{
        .certificate = *certificate,
        .certificateKey = keyFromFile ? keyFromFile->get() : nullptr,
        .certificateSigner = keyOnToken ? &*keyOnToken : nullptr,
        .dcKey = givenDcKey ? givenDcKey->get() : nullptr,
        .dcKeySpec = dcKeySpec,
        .lifetimeSeconds = *lifetime,
        .role = parser.isSet(client) ? DcRole::Client : DcRole::Server,
        .now = *issueTime,
        .clampToCertificate = parser.isSet(clamp),
    };
    auto issued = issueDelegatedCredential(request);
    if (!issued)
        return fail(QStringLiteral("cannot issue: ") + issued.errorMessage());

    SecretBytes keyPem;
    if (writesKey) {
        auto pem = encodePrivateKeyPkcs8Pem(issued->generatedKey.get());
        if (!pem)
            return fail(pem.errorMessage());
        keyPem = std::move(pem).value();
    }
    QList<OutputFile> outputs{{dcPath, issued->bytes, 0644}};
    if (writesKey)
        outputs.prepend({keyPath, keyPem.bytes(), 0600});
    if (auto written =
            writeOutputs(outputs, parser.isSet(force) ? Overwrite::Replace : Overwrite::Refuse);
        !written)
        return fail(written.errorMessage());

    const DelegatedCredential &dc = issued->credential;
    const EVP_PKEY *dcKeyUsed = writesKey ? issued->generatedKey.get() : givenDcKey->get();
    out() << "Issued a " << dcRoleName(request.role) << " delegated credential\n"
          << "  DC:            " << dcPath << " (" << issued->bytes.size() << " bytes)\n"
          << "  SHA-256:       " << sha256Hex(issued->bytes) << '\n'
          << "  DC key:        "
          << (writesKey ? keyPath + QStringLiteral(" (generated, mode 0600)")
                        : parser.value(dcKey) + QStringLiteral(" (given)"))
          << ", " << describeKey(dcKeyUsed) << '\n'
          << "  Expires:       " << formatUtc(issued->expiry) << " ("
          << formatRelative(request.now, issued->expiry) << ")\n"
          << "  Lifetime:      " << formatDuration(issued->lifetimeSeconds) << '\n'
          << "  valid_time:    " << dc.validTime << " s after the certificate's notBefore ("
          << formatUtc(certificate->notBefore()) << ")\n"
          << "  DC scheme:     " << signatureSchemeDisplayName(dc.dcCertVerifyAlgorithm)
          << "  (dc_cert_verify_algorithm)\n"
          << "  Signed with:   " << signatureSchemeDisplayName(dc.algorithm) << "  (algorithm)\n";
    if (keyOnToken)
        out() << "  Signed on:     " << keyOnToken->description() << '\n';
    out() << "  Certificate:   " << certificate->subject() << '\n'
          << "  Cert SHA-256:  " << colonHex(certificate->sha256Fingerprint()) << '\n';
    for (const QString &note : issued->notes)
        out() << "note: " << note << '\n';
    out().flush();
    for (const QString &warning : issued->warnings)
        err() << "warning: " << warning << '\n';
    err().flush();
    return ExitOk;
}

} // namespace baton::cli
