#pragma once

// What each DC-capable server stack loads (../shared/rfc9345-notes.md, "Who can consume what"),
// as the files of a bundle. A bundle never holds the certificate's private key: keeping that
// key off the server is the point of delegation.

#include "common/Result.h"
#include "crypto/OpenSsl.h"
#include "dc/DelegatedCredential.h"
#include "x509/Certificate.h"

#include <QList>
#include <QStringList>
#include <optional>
#include <vector>

namespace baton {

enum class BundleProfile
{
    Baton,            ///< dc.bin, dc.pem, dc-key.pem, chain.pem
    Fizz,             ///< Fizz/Proxygen's combined PEM + the raw dc.bin of `fizz s_server`
    CloudflareGo,     ///< dc.cred + dckey.pem + chain.pem
    BoringSsl,        ///< raw DC, PKCS#8 DER key, chain, and a README of the loading calls
    Nss,              ///< raw DC, PKCS#8 DER key, chain
    InteropRunner,    ///< dc.txt = hex(DC),hex(PKCS#8 DER), + chain.pem for `bundle verify`
    KubernetesSecret, ///< secret.yaml: a Secret carrying the `baton` files
};

QString bundleProfileName(BundleProfile profile); ///< "baton", "fizz", "cloudflare-go", …
std::optional<BundleProfile> bundleProfileByName(QStringView name);
QStringList bundleProfileNames();

/// Where a profile keeps the DC, its key and the chain (one file may hold several: Fizz's
/// combined PEM holds all three, interop-runner's dc.txt the DC and its key). The
/// k8s-secret profile keeps them in its Secret, laid out as the baton profile.
struct BundleLayout
{
    const char *dc;
    const char *key;
    const char *chain;
};
BundleLayout bundleLayout(BundleProfile profile);

struct BundleInput
{
    QList<Certificate> chain; ///< the leaf first
    QByteArray dc;            ///< raw RFC 9345 bytes
    EVP_PKEY *dcKey = nullptr;
    DcRole role = DcRole::Server;
    QDateTime issuedAt;
    bool legacyFizzLabels = false; ///< Fizz's older "DELEGATED CREDENTIAL" labels
};

struct BundleFile
{
    QString name;
    SecretBytes data; ///< wiped when done: some files hold the DC key
    int mode;         ///< 0600 for files holding the key
};

/// The files of `profile` for this DC, manifest.json last. The DC is decoded (and its key
/// checked against the DC) first, so a bundle is never made of mismatched parts.
Result<std::vector<BundleFile>> buildBundle(BundleProfile profile, const BundleInput &input);

/// The files as one reproducible .tar.gz, `bundle.tar.gz`: 0600 when any member holds the
/// key. Members keep their modes, so `tar -xpf` restores 0600 key files.
inline constexpr char kBundleArchiveName[] = "bundle.tar.gz";
Result<BundleFile> bundleArchive(const std::vector<BundleFile> &files, const QDateTime &mtime);

/// The Secret annotations that let an operator (and `bundle verify`) see what a Secret holds
/// without decoding it.
inline constexpr char kSecretDcExpiryAnnotation[] = "baton.dev/dc-expiry";
inline constexpr char kSecretCertificateAnnotation[] = "baton.dev/certificate-sha256";

} // namespace baton
