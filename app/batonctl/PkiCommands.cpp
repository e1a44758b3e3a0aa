// batonctl pki init | pki cert | csr new: certificates that can delegate, for tests and
// staging, and the request that asks a real CA for one.

#include "CliSupport.h"
#include "Commands.h"
#include "common/FileIo.h"
#include "common/Pem.h"
#include "common/TimeFormat.h"
#include "dc/DcReadiness.h"
#include "pki/DevPki.h"

#include <QDir>

namespace baton::cli {

namespace {

const QString kCaCertificateFile = QStringLiteral("ca.pem");
const QString kCaKeyFile = QStringLiteral("ca-key.pem");

QCommandLineOption keyAlgOption()
{
    return QCommandLineOption(
        QStringLiteral("key-alg"),
        QStringLiteral("Key algorithm: %1 (default ecdsa-p256).").arg(certificateKeyNames()),
        QStringLiteral("ALG"));
}

QCommandLineOption forceOption()
{
    return QCommandLineOption(QStringLiteral("force"),
                              QStringLiteral("Overwrite existing output files."));
}

/// The --key-alg value, or an error message naming the choices.
Result<const KeySpec *> keySpecOption(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("key-alg")))
        return &certificateKeys()[0];
    const KeySpec *spec = certificateKeySpecByName(parser.value(QStringLiteral("key-alg")));
    if (!spec)
        return Error{QStringLiteral("unknown --key-alg '%1'; choose one of: %2")
                         .arg(parser.value(QStringLiteral("key-alg")), certificateKeyNames())};
    return spec;
}

Result<int> daysOption(const QCommandLineParser &parser, int fallback)
{
    if (!parser.isSet(QStringLiteral("days")))
        return fallback;
    bool ok = false;
    const int days = parser.value(QStringLiteral("days")).toInt(&ok);
    if (!ok || days <= 0 || days > 36500)
        return Error{QStringLiteral("--days needs a whole number of days from 1 to 36500")};
    return days;
}

/// An output directory, created 0700 (it will hold keys) when missing, whatever the umask. An
/// existing one is the user's: its mode is left as it is, even when it is `.`.
Result<QDir> outputDirectory(const QString &path)
{
    auto opened = openOrCreateDirectory(path, 0700);
    if (!opened)
        return opened.error();
    return QDir(path);
}

QString describeCertificate(const Certificate &certificate, const QDateTime &now)
{
    return QStringLiteral("%1, %2, valid until %3 (%4)")
        .arg(certificate.subject(), describeKey(certificate.publicKey()),
             formatUtc(certificate.notAfter()), formatRelative(now, certificate.notAfter()));
}

} // namespace

int runPkiInit(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Create a local test CA that issues certificates able to delegate (DelegationUsage).\n"
        "Writes DIR/ca.pem and DIR/ca-key.pem (encrypted PKCS#8 unless --no-encrypt, mode "
        "0600). For tests and staging only: no public client trusts it."));
    const QCommandLineOption dir(QStringLiteral("dir"), QStringLiteral("The CA directory."),
                                 QStringLiteral("DIR"));
    const QCommandLineOption days(QStringLiteral("days"),
                                  QStringLiteral("Validity in days (default 3650)."),
                                  QStringLiteral("N"));
    const QCommandLineOption name(QStringLiteral("name"),
                                  QStringLiteral("The CA's common name (default Baton Dev CA)."),
                                  QStringLiteral("CN"));
    const QCommandLineOption noEncrypt(QStringLiteral("no-encrypt"),
                                       QStringLiteral("Store the CA key unencrypted."));
    const QCommandLineOption pass(QStringLiteral("pass"),
                                  QStringLiteral("Passphrase for the CA key: %1 (else asked twice "
                                                 "on a terminal).")
                                      .arg(secretSourceHelp()),
                                  QStringLiteral("SRC"));
    const QCommandLineOption now = nowOption();
    const QCommandLineOption force = forceOption();
    parser.addOptions({dir, keyAlgOption(), days, name, noEncrypt, pass, now, force});
    int exitCode = ExitOk;
    if (!parseArguments(parser, arguments, &exitCode))
        return exitCode;
    if (!parser.isSet(dir))
        return fail(QStringLiteral("pki init needs --dir DIR"));
    if (const auto problem = notADirectory(QStringLiteral("dir"), parser.value(dir)))
        return fail(*problem);
    if (parser.isSet(noEncrypt) && parser.isSet(pass))
        return fail(QStringLiteral("--no-encrypt and --pass exclude each other"));
    auto spec = keySpecOption(parser);
    auto validity = daysOption(parser, 3650);
    auto when = timeOption(parser, now.names().first());
    for (const QString &problem :
         {spec.errorMessage(), validity.errorMessage(), when.errorMessage()})
        if (!problem.isEmpty())
            return fail(problem);

    const QString directoryPath = parser.value(dir);
    const QString certificatePath = QDir(directoryPath).filePath(kCaCertificateFile);
    const QString keyPath = QDir(directoryPath).filePath(kCaKeyFile);
    const QList<OutputFile> planned{{keyPath, {}, 0600}, {certificatePath, {}, 0644}};
    if (const auto existing = existingOutput(planned, parser.isSet(force)))
        return fail(*existing);
    SecretBytes passphrase;
    if (!parser.isSet(noEncrypt)) {
        auto read = readNewSecret(parser.value(pass), QStringLiteral("Passphrase for the CA key"));
        if (!read)
            return fail(read.errorMessage());
        passphrase = std::move(read).value();
    }

    DevCaOptions options{.keySpec = *spec, .days = *validity, .now = *when};
    if (parser.isSet(name))
        options.commonName = parser.value(name);
    auto ca = createDevCa(options);
    if (!ca)
        return fail(QStringLiteral("cannot create the CA: ") + ca.errorMessage());
    SecretBytes keyPem;
    if (parser.isSet(noEncrypt)) {
        auto pem = encodePrivateKeyPkcs8Pem(ca->key.get());
        if (!pem)
            return fail(pem.errorMessage());
        keyPem = std::move(pem).value();
    } else {
        auto pem = encodeEncryptedPrivateKeyPem(ca->key.get(), passphrase.bytes());
        if (!pem)
            return fail(pem.errorMessage());
        keyPem = SecretBytes(std::move(pem).value());
    }
    auto directory = outputDirectory(directoryPath);
    if (!directory)
        return fail(directory.errorMessage());
    const QByteArray certificatePem =
        encodePem(QStringLiteral("CERTIFICATE"), ca->certificate.der());
    if (auto written =
            writeOutputs({{keyPath, keyPem.bytes(), 0600}, {certificatePath, certificatePem, 0644}},
                         parser.isSet(force) ? Overwrite::Replace : Overwrite::Refuse);
        !written)
        return fail(written.errorMessage());

    out() << "Created a test CA in " << directoryPath << '\n'
          << "  Certificate:  " << certificatePath << " ("
          << describeCertificate(ca->certificate, *when) << ")\n"
          << "  Key:          " << keyPath
          << (parser.isSet(noEncrypt) ? " (unencrypted, mode 0600)\n"
                                      : " (encrypted: PBES2, AES-256, PBKDF2; mode 0600)\n")
          << "  SHA-256:      " << colonHex(ca->certificate.sha256Fingerprint()) << '\n'
          << "Issue certificates with: batonctl pki cert --ca " << directoryPath << " --dns NAME\n";
    out().flush();
    return ExitOk;
}

int runPkiCert(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Issue a leaf certificate that can delegate, from a CA made by 'pki init'.\n"
        "It has DelegationUsage (NULL, non-critical), KeyUsage digitalSignature (critical), EKU "
        "serverAuth (and clientAuth with --client) and the SANs. Writes DIR/cert.pem, "
        "DIR/key.pem (mode 0600) and DIR/chain.pem (the CA certificate)."));
    const QCommandLineOption ca(QStringLiteral("ca"), QStringLiteral("The CA directory."),
                                QStringLiteral("DIR"));
    const QCommandLineOption dns(QStringLiteral("dns"),
                                 QStringLiteral("A DNS name (repeatable; the first is the CN)."),
                                 QStringLiteral("NAME"));
    const QCommandLineOption ip(QStringLiteral("ip"),
                                QStringLiteral("An IP address SAN (repeatable)."),
                                QStringLiteral("ADDR"));
    const QCommandLineOption days(QStringLiteral("days"),
                                  QStringLiteral("Validity in days (default 90)."),
                                  QStringLiteral("N"));
    const QCommandLineOption client(QStringLiteral("client"),
                                    QStringLiteral("Also allow client authentication."));
    const QCommandLineOption noDelegation(
        QStringLiteral("no-delegation"),
        QStringLiteral("Leave out DelegationUsage (a certificate that cannot delegate)."));
    const QCommandLineOption outDir(QStringLiteral("out"),
                                    QStringLiteral("Output directory (default: the current one)."),
                                    QStringLiteral("DIR"), QStringLiteral("."));
    const QCommandLineOption pass(QStringLiteral("pass"),
                                  QStringLiteral("Passphrase of the CA key: %1 (else a prompt on a "
                                                 "terminal).")
                                      .arg(secretSourceHelp()),
                                  QStringLiteral("SRC"));
    const QCommandLineOption now = nowOption();
    const QCommandLineOption force = forceOption();
    parser.addOptions(
        {ca, dns, ip, keyAlgOption(), days, client, noDelegation, outDir, pass, now, force});
    int exitCode = ExitOk;
    if (!parseArguments(parser, arguments, &exitCode))
        return exitCode;
    if (!parser.isSet(ca) || !parser.isSet(dns))
        return fail(QStringLiteral("pki cert needs --ca DIR and at least one --dns NAME"));
    if (const auto problem = notADirectory(QStringLiteral("out"), parser.value(outDir)))
        return fail(*problem);
    auto spec = keySpecOption(parser);
    auto validity = daysOption(parser, 90);
    auto when = timeOption(parser, now.names().first());
    for (const QString &problem :
         {spec.errorMessage(), validity.errorMessage(), when.errorMessage()})
        if (!problem.isEmpty())
            return fail(problem);

    const QDir out(parser.value(outDir));
    const QString certificatePath = out.filePath(QStringLiteral("cert.pem"));
    const QString keyPath = out.filePath(QStringLiteral("key.pem"));
    const QString chainPath = out.filePath(QStringLiteral("chain.pem"));
    const QList<OutputFile> planned{
        {keyPath, {}, 0600}, {certificatePath, {}, 0644}, {chainPath, {}, 0644}};
    if (const auto existing = existingOutput(planned, parser.isSet(force)))
        return fail(*existing);

    auto caCertificate = readCertificateFile(QDir(parser.value(ca)).filePath(kCaCertificateFile));
    if (!caCertificate)
        return fail(caCertificate.errorMessage());
    auto caKey =
        readPrivateKeyFile(QDir(parser.value(ca)).filePath(kCaKeyFile), parser.value(pass));
    if (!caKey)
        return fail(caKey.errorMessage());
    auto leaf = issueDevLeaf(*caCertificate, caKey->get(),
                             {.dnsNames = parser.values(dns),
                              .ipAddresses = parser.values(ip),
                              .keySpec = *spec,
                              .days = *validity,
                              .client = parser.isSet(client),
                              .delegation = !parser.isSet(noDelegation),
                              .now = *when});
    if (!leaf)
        return fail(QStringLiteral("cannot issue: ") + leaf.errorMessage());
    auto keyPem = encodePrivateKeyPkcs8Pem(leaf->issued.key.get());
    if (!keyPem)
        return fail(keyPem.errorMessage());
    auto directory = outputDirectory(parser.value(outDir));
    if (!directory)
        return fail(directory.errorMessage());
    const Certificate &certificate = leaf->issued.certificate;
    const QByteArray certificatePem = encodePem(QStringLiteral("CERTIFICATE"), certificate.der());
    const QByteArray chainPem = encodePem(QStringLiteral("CERTIFICATE"), caCertificate->der());
    if (auto written = writeOutputs({{keyPath, keyPem->bytes(), 0600},
                                     {certificatePath, certificatePem, 0644},
                                     {chainPath, chainPem, 0644}},
                                    parser.isSet(force) ? Overwrite::Replace : Overwrite::Refuse);
        !written)
        return fail(written.errorMessage());

    const DcReadiness readiness = assessDcReadiness(certificate, *when);
    cli::out() << "Issued a certificate for " << parser.values(dns).join(QStringLiteral(", "))
               << '\n'
               << "  Certificate:  " << certificatePath << " ("
               << describeCertificate(certificate, *when) << ")\n"
               << "  Key:          " << keyPath << " (" << describeKey(leaf->issued.key.get())
               << ", mode 0600)\n"
               << "  Chain:        " << chainPath << " (" << caCertificate->subject() << ")\n"
               << "  DC readiness: "
               << (readiness.ready() ? QStringLiteral("can delegate: DCs up to %1")
                                           .arg(formatDuration(readiness.maxLifetimeSeconds))
                                     : QStringLiteral("cannot delegate"))
               << '\n';
    for (const QString &note : leaf->notes)
        cli::out() << "note: " << note << '\n';
    cli::out().flush();
    return ExitOk;
}

int runCsrNew(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Create a certificate request (CSR) that asks a CA for a certificate able to delegate: "
        "its extensionRequest carries DelegationUsage (NULL, non-critical), KeyUsage "
        "digitalSignature, EKU serverAuth and the SANs. Writes DIR/csr.pem and DIR/key.pem "
        "(mode 0600)."));
    const QCommandLineOption dns(QStringLiteral("dns"), QStringLiteral("A DNS name (repeatable)."),
                                 QStringLiteral("NAME"));
    const QCommandLineOption subject(QStringLiteral("subject"),
                                     QStringLiteral("Subject DN, e.g. CN=example.com,O=Example "
                                                    "(default CN=the first DNS name)."),
                                     QStringLiteral("DN"));
    const QCommandLineOption noDelegation(QStringLiteral("no-delegation"),
                                          QStringLiteral("Do not ask for DelegationUsage."));
    const QCommandLineOption outDir(QStringLiteral("out"), QStringLiteral("Output directory."),
                                    QStringLiteral("DIR"));
    const QCommandLineOption force = forceOption();
    parser.addOptions({dns, keyAlgOption(), subject, noDelegation, outDir, force});
    int exitCode = ExitOk;
    if (!parseArguments(parser, arguments, &exitCode))
        return exitCode;
    if (!parser.isSet(dns) || !parser.isSet(outDir))
        return fail(QStringLiteral("csr new needs at least one --dns NAME and --out DIR"));
    if (const auto problem = notADirectory(QStringLiteral("out"), parser.value(outDir)))
        return fail(*problem);
    auto spec = keySpecOption(parser);
    if (!spec)
        return fail(spec.errorMessage());
    const QDir out(parser.value(outDir));
    const QString requestPath = out.filePath(QStringLiteral("csr.pem"));
    const QString keyPath = out.filePath(QStringLiteral("key.pem"));
    if (const auto existing =
            existingOutput({{keyPath, {}, 0600}, {requestPath, {}, 0644}}, parser.isSet(force)))
        return fail(*existing);

    auto request = createDelegationRequest({.dnsNames = parser.values(dns),
                                            .ipAddresses = {},
                                            .subject = parser.value(subject),
                                            .keySpec = *spec,
                                            .delegation = !parser.isSet(noDelegation)});
    if (!request)
        return fail(QStringLiteral("cannot create the request: ") + request.errorMessage());
    auto keyPem = encodePrivateKeyPkcs8Pem(request->key.get());
    if (!keyPem)
        return fail(keyPem.errorMessage());
    auto directory = outputDirectory(parser.value(outDir));
    if (!directory)
        return fail(directory.errorMessage());
    const QByteArray requestPem = encodePem(QStringLiteral("CERTIFICATE REQUEST"), request->der);
    if (auto written =
            writeOutputs({{keyPath, keyPem->bytes(), 0600}, {requestPath, requestPem, 0644}},
                         parser.isSet(force) ? Overwrite::Replace : Overwrite::Refuse);
        !written)
        return fail(written.errorMessage());

    cli::out() << "Wrote a certificate request for "
               << parser.values(dns).join(QStringLiteral(", ")) << '\n'
               << "  Request:  " << requestPath << '\n'
               << "  Key:      " << keyPath << " (" << describeKey(request->key.get())
               << ", mode 0600; keep it: the certificate will be useless without it)\n"
               << "  Asks for: "
               << (parser.isSet(noDelegation)
                       ? QStringLiteral("KeyUsage digitalSignature, EKU serverAuth, SAN")
                       : QStringLiteral("DelegationUsage (1.3.6.1.4.1.44363.44, NULL, "
                                        "non-critical), KeyUsage digitalSignature, EKU "
                                        "serverAuth, SAN"))
               << '\n';
    if (!parser.isSet(noDelegation))
        cli::out() << "Send it to a CA that issues DelegationUsage (DigiCert is the one named "
                      "publicly); check the certificate you get back with 'batonctl inspect'.\n";
    cli::out().flush();
    return ExitOk;
}

} // namespace baton::cli
