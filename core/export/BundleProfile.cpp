#include "BundleProfile.h"

#include "KubernetesSecret.h"
#include "TarGz.h"
#include "common/Pem.h"
#include "common/TimeFormat.h"
#include "crypto/KeyCodec.h"
#include "tls/SignatureScheme.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace baton {

namespace {

struct ProfileName
{
    BundleProfile profile;
    const char *name;
};

constexpr ProfileName kProfiles[] = {
    {BundleProfile::Baton, "baton"},
    {BundleProfile::Fizz, "fizz"},
    {BundleProfile::CloudflareGo, "cloudflare-go"},
    {BundleProfile::BoringSsl, "boringssl"},
    {BundleProfile::Nss, "nss"},
    {BundleProfile::InteropRunner, "interop-runner"},
    {BundleProfile::KubernetesSecret, "k8s-secret"},
};

QByteArray roleWord(DcRole role)
{
    return role == DcRole::Server ? QByteArrayLiteral("SERVER") : QByteArrayLiteral("CLIENT");
}

/// Fizz's combined PEM: the DC with its base64 on one line (Fizz's reader wants it so), the DC
/// key, then the leaf certificate.
QByteArray fizzCombinedPem(const BundleInput &input, const QByteArray &keyDer,
                           const QByteArray &keyPem)
{
    const QByteArray dcLabel = input.legacyFizzLabels
                                   ? QByteArrayLiteral("DELEGATED CREDENTIAL")
                                   : roleWord(input.role) + " DELEGATED CREDENTIAL";
    QByteArray pem = "-----BEGIN " + dcLabel + "-----\n" + input.dc.toBase64() + "\n-----END " +
                     dcLabel + "-----\n";
    pem += input.legacyFizzLabels
               ? keyPem
               : encodePem(QString::fromLatin1(roleWord(input.role) + " DC PRIVATE KEY"), keyDer);
    pem += encodePem(QStringLiteral("CERTIFICATE"), input.chain.first().der());
    return pem;
}

QByteArray boringSslReadme()
{
    return QByteArrayLiteral(
        "Loading this delegated credential into a BoringSSL server:\n\n"
        "  dc.bin        the raw DC:  CRYPTO_BUFFER from these bytes, then\n"
        "                SSL_CREDENTIAL_set1_delegated_credential(cred, buffer)\n"
        "  dc-key.der    the DC's private key (PKCS#8 DER): EVP_parse_private_key, then\n"
        "                SSL_CREDENTIAL_set1_private_key(cred, key)\n"
        "  chain.pem     the certificate chain, leaf first:\n"
        "                SSL_CREDENTIAL_set1_cert_chain(cred, certs, n)\n\n"
        "Create the credential with SSL_CREDENTIAL_new_delegated() and add it to the context\n"
        "with SSL_CTX_add1_credential(). The certificate's private key is not needed and is\n"
        "not in this bundle. BoringSSL does not serve RSA DCs.\n");
}

QString hexSha256(QByteArrayView data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

BundleFile manifestFile(BundleProfile profile, const std::vector<BundleFile> &files,
                        const BundleInput &input, const DelegatedCredential &dc)
{
    const Certificate &leaf = input.chain.first();
    QJsonArray listed;
    for (const BundleFile &file : files)
        listed.append(QJsonObject{
            {QStringLiteral("name"), file.name},
            {QStringLiteral("sha256"), hexSha256(file.data.bytes())},
            {QStringLiteral("mode"), QStringLiteral("%1").arg(file.mode, 4, 8, QLatin1Char('0'))}});
    const QJsonObject manifest{
        {QStringLiteral("profile"), bundleProfileName(profile)},
        {QStringLiteral("files"), listed},
        {QStringLiteral("role"), dcRoleName(input.role)},
        {QStringLiteral("dcExpiry"), formatRfc3339(dc.expiry(leaf))},
        // Which DC this is, whatever file holds it: what `status` compares with the workspace.
        {QStringLiteral("dcSha256"), hexSha256(input.dc)},
        {QStringLiteral("validTime"), qint64(dc.validTime)},
        {QStringLiteral("dcCertVerifyAlgorithm"),
         signatureSchemeDisplayName(dc.dcCertVerifyAlgorithm)},
        {QStringLiteral("algorithm"), signatureSchemeDisplayName(dc.algorithm)},
        {QStringLiteral("certificateSha256"), colonHex(leaf.sha256Fingerprint())},
        {QStringLiteral("certificateNotAfter"), formatRfc3339(leaf.notAfter())},
        {QStringLiteral("issuedAt"), formatRfc3339(input.issuedAt)},
        {QStringLiteral("batonVersion"), QStringLiteral(BATON_VERSION)},
    };
    return {QStringLiteral("manifest.json"),
            SecretBytes(QJsonDocument(manifest).toJson(QJsonDocument::Indented)), 0644};
}

/// The baton profile's files, manifest included, as the data of one Secret.
QByteArray kubernetesSecretFile(const std::vector<BundleFile> &batonFiles, const BundleInput &input,
                                const DelegatedCredential &dc)
{
    const Certificate &leaf = input.chain.first();
    KubernetesSecret secret;
    secret.name = kubernetesSecretName(leaf.displayName());
    secret.labels.insert(QStringLiteral("app.kubernetes.io/managed-by"), QStringLiteral("baton"));
    secret.annotations.insert(QLatin1String(kSecretDcExpiryAnnotation),
                              formatRfc3339(dc.expiry(leaf)));
    secret.annotations.insert(QLatin1String(kSecretCertificateAnnotation),
                              colonHex(leaf.sha256Fingerprint()));
    for (const BundleFile &file : batonFiles)
        secret.data.insert(file.name, file.data.bytes());
    return writeKubernetesSecret(
        secret, QStringLiteral("A delegated credential for %1, written by Baton %2.\n"
                               "It holds the DC's private key, never the certificate's.")
                    .arg(leaf.displayName(), QStringLiteral(BATON_VERSION)));
}

} // namespace

BundleLayout bundleLayout(BundleProfile profile)
{
    switch (profile) {
    case BundleProfile::Baton:
        return {"dc.bin", "dc-key.pem", "chain.pem"};
    case BundleProfile::Fizz:
        return {"fizz-dc.pem", "fizz-dc.pem", "fizz-dc.pem"};
    case BundleProfile::CloudflareGo:
        return {"dc.cred", "dckey.pem", "chain.pem"};
    case BundleProfile::BoringSsl:
    case BundleProfile::Nss:
        return {"dc.bin", "dc-key.der", "chain.pem"};
    case BundleProfile::InteropRunner:
        return {"dc.txt", "dc.txt", "chain.pem"};
    case BundleProfile::KubernetesSecret:
        return {"secret.yaml", "secret.yaml", "secret.yaml"};
    }
    return {};
}

QString bundleProfileName(BundleProfile profile)
{
    for (const ProfileName &entry : kProfiles) {
        if (entry.profile == profile)
            return QLatin1String(entry.name);
    }
    return {};
}

std::optional<BundleProfile> bundleProfileByName(QStringView name)
{
    for (const ProfileName &entry : kProfiles) {
        if (name == QLatin1String(entry.name))
            return entry.profile;
    }
    return std::nullopt;
}

QStringList bundleProfileNames()
{
    QStringList names;
    for (const ProfileName &entry : kProfiles)
        names << QLatin1String(entry.name);
    return names;
}

Result<std::vector<BundleFile>> buildBundle(BundleProfile profile, const BundleInput &input)
{
    if (input.chain.isEmpty())
        return Error{QStringLiteral("a bundle needs the certificate the DC was issued under")};
    EvpPkeyPtr dcPublicKey;
    auto dc = DelegatedCredential::decode(input.dc, &dcPublicKey);
    if (!dc)
        return Error{QStringLiteral("the DC cannot be read: ") + dc.errorMessage()};
    if (!input.dcKey || !samePublicKey(input.dcKey, dcPublicKey.get()))
        return Error{QStringLiteral("the DC key does not belong to the DC (its public key is "
                                    "not the DC's); a server holding both could not complete "
                                    "a handshake")};
    auto keyDer = encodePrivateKeyPkcs8Der(input.dcKey);
    auto keyPem = encodePrivateKeyPkcs8Pem(input.dcKey);
    if (!keyDer || !keyPem)
        return Error{keyDer ? keyPem.errorMessage() : keyDer.errorMessage()};
    QByteArray chainPem;
    for (const Certificate &certificate : input.chain)
        chainPem += encodePem(QStringLiteral("CERTIFICATE"), certificate.der());
    const QByteArray dcPem =
        encodePem(QString::fromLatin1(roleWord(input.role) + " DELEGATED CREDENTIAL"), input.dc);

    std::vector<BundleFile> files;
    const auto add = [&files](const char *name, QByteArray data, int mode) {
        files.push_back(BundleFile{QLatin1String(name), SecretBytes(std::move(data)), mode});
    };
    switch (profile) {
    case BundleProfile::Baton:
        add("dc.bin", input.dc, 0644);
        add("dc.pem", dcPem, 0644);
        add("dc-key.pem", keyPem->bytes(), 0600);
        add("chain.pem", chainPem, 0644);
        break;
    case BundleProfile::Fizz:
        add("fizz-dc.pem", fizzCombinedPem(input, keyDer->bytes(), keyPem->bytes()), 0600);
        add("dc.bin", input.dc, 0644);
        break;
    case BundleProfile::CloudflareGo:
        add("dc.cred", input.dc, 0644);
        add("dckey.pem", keyPem->bytes(), 0600);
        add("chain.pem", chainPem, 0644);
        break;
    case BundleProfile::BoringSsl:
        add("dc.bin", input.dc, 0644);
        add("dc-key.der", keyDer->bytes(), 0600);
        add("chain.pem", chainPem, 0644);
        add("README.txt", boringSslReadme(), 0644);
        break;
    case BundleProfile::Nss:
        add("dc.bin", input.dc, 0644);
        add("dc-key.der", keyDer->bytes(), 0600);
        add("chain.pem", chainPem, 0644);
        break;
    case BundleProfile::InteropRunner:
        add("dc.txt", input.dc.toHex() + ',' + keyDer->bytes().toHex() + '\n', 0600);
        // Not read by the runner; it lets `bundle verify` check the DC against its leaf.
        add("chain.pem", chainPem, 0644);
        break;
    case BundleProfile::KubernetesSecret: {
        auto batonFiles = buildBundle(BundleProfile::Baton, input);
        if (!batonFiles)
            return batonFiles.error();
        add("secret.yaml", kubernetesSecretFile(*batonFiles, input, *dc), 0600);
        break;
    }
    }

    files.push_back(manifestFile(profile, files, input, *dc));
    return files;
}

Result<BundleFile> bundleArchive(const std::vector<BundleFile> &files, const QDateTime &mtime)
{
    QList<TarMember> members;
    int mode = 0644;
    for (const BundleFile &file : files) {
        members.append({file.name, file.data.bytes(), file.mode});
        mode = qMin(mode, file.mode);
    }
    auto archive = writeTarGz(members, mtime);
    if (!archive)
        return archive.error();
    return BundleFile{QLatin1String(kBundleArchiveName), SecretBytes(std::move(archive).value()),
                      mode};
}

} // namespace baton
