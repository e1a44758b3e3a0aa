// fuzz-seeds DIR: writes the starting corpus of every fuzz target into DIR/<target>/, made
// fresh from TestPki's in-memory fixtures so the repository holds no private key: DCs of
// every DC key type and encoding, certificates with every extension CertificateModel decodes,
// keys as PKCS#8 (plain and encrypted), SEC1 and traditional PEM, requests, PKCS#7 and
// PKCS#12 files, and every bundle profile as files, tar.gz and Kubernetes Secrets (YAML and
// JSON). Seeds for targets that take a selector byte first carry it (see each target).

#include "FuzzSupport.h"
#include "common/Pem.h"
#include "crypto/KeyCodec.h"
#include "dc/DcIssuer.h"
#include "export/BundleProfile.h"
#include "export/KubernetesSecret.h"
#include "x509/extensions/Asn1Dump.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>
#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>

using namespace baton;
using namespace baton::fuzz;

namespace {

QDir g_root;
int g_written = 0;

void write(const char *target, const QString &name, const QByteArray &data)
{
    g_root.mkpath(QLatin1String(target));
    QFile file(g_root.filePath(QLatin1String(target) + QLatin1Char('/') + name));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data) != data.size()) {
        std::fprintf(stderr, "fuzz-seeds: cannot write %s\n", qPrintable(file.fileName()));
        std::exit(2);
    }
    ++g_written;
}

QByteArray selector(int value, const QByteArray &data)
{
    return QByteArray(1, char(value)) + data;
}

/// Into the importer's corpus twice: without and with the passphrase offered.
void importerSeed(const QString &name, const QByteArray &data)
{
    if (data.isEmpty())
        return; // an encoding OpenSSL has no encoder for with this key type
    write("fuzz_importer", name, selector(0, data));
    write("fuzz_importer", name + u"+passphrase"_qs, selector(1, data));
}

/// What `write` put into a memory BIO; empty when it failed.
template <typename T> QByteArray fromBio(T write)
{
    const std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    if (!write(bio.get())) {
        (void)takeOpenSslErrors();
        return {};
    }
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, size);
}

/// A key in `structure` ("type-specific": SEC1/PKCS#1, "PrivateKeyInfo"…), optionally
/// encrypted with the passphrase (traditional PEM with DEK-Info for "type-specific").
QByteArray encodeKey(EVP_PKEY *key, const char *format, const char *structure, bool encrypted)
{
    return fromBio([&](BIO *bio) {
        const std::unique_ptr<OSSL_ENCODER_CTX, decltype(&OSSL_ENCODER_CTX_free)> context(
            OSSL_ENCODER_CTX_new_for_pkey(key, OSSL_KEYMGMT_SELECT_ALL, format, structure, nullptr),
            OSSL_ENCODER_CTX_free);
        if (!context || OSSL_ENCODER_CTX_get_num_encoders(context.get()) == 0)
            return false;
        if (encrypted && (OSSL_ENCODER_CTX_set_cipher(context.get(), "AES-128-CBC", nullptr) != 1 ||
                          OSSL_ENCODER_CTX_set_passphrase(
                              context.get(), reinterpret_cast<const unsigned char *>(kPassphrase),
                              sizeof kPassphrase - 1) != 1))
            return false;
        return OSSL_ENCODER_to_bio(context.get(), bio) == 1;
    });
}

QByteArray pkcs12(const test::TestIdentity &identity, const test::TestIdentity &ca, int iterations,
                  bool encrypted)
{
    const std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509) *)> cas(
        sk_X509_new_null(), [](STACK_OF(X509) * stack) { sk_X509_free(stack); });
    sk_X509_push(cas.get(), ca.certificate.handle());
    const int nid = encrypted ? 0 : -1;
    const std::unique_ptr<PKCS12, decltype(&PKCS12_free)> p12(
        PKCS12_create(encrypted ? kPassphrase : nullptr, "fuzz", identity.key.get(),
                      identity.certificate.handle(), cas.get(), nid, nid, iterations,
                      encrypted ? iterations : -1, 0),
        PKCS12_free);
    return fromBio([&](BIO *bio) { return p12 && i2d_PKCS12_bio(bio, p12.get()) == 1; });
}

QByteArray pkcs7(const QList<Certificate> &certificates, bool pem)
{
    const std::unique_ptr<PKCS7, decltype(&PKCS7_free)> p7(PKCS7_new(), PKCS7_free);
    PKCS7_set_type(p7.get(), NID_pkcs7_signed);
    PKCS7_content_new(p7.get(), NID_pkcs7_data);
    for (const Certificate &certificate : certificates)
        PKCS7_add_certificate(p7.get(), certificate.handle());
    return fromBio([&](BIO *bio) {
        return pem ? PEM_write_bio_PKCS7(bio, p7.get()) == 1 : i2d_PKCS7_bio(bio, p7.get()) == 1;
    });
}

const QString kExtensionConfig = QStringLiteral("[policy]\n"
                                                "policyIdentifier = 1.3.6.1.4.1.55555.1.1\n"
                                                "CPS.1 = \"https://example.com/cps\"\n"
                                                "userNotice.1 = @notice\n"
                                                "[notice]\n"
                                                "explicitText = \"Test notice\"\n"
                                                "organization = \"Example Org\"\n"
                                                "noticeNumbers = 1, 2\n"
                                                "[dir]\n"
                                                "C = DE\n"
                                                "CN = dir.example\n"
                                                "[point]\n"
                                                "relativename = rdn\n"
                                                "reasons = keyCompromise, CACompromise\n"
                                                "CRLissuer = dirName:dir\n"
                                                "[rdn]\n"
                                                "CN = crl1\n");

using Extensions = QList<std::pair<QString, QString>>;

/// Certificates that together carry every extension the model decodes, several forms each.
QList<std::pair<QString, Extensions>> extensionSets()
{
    return {
        {u"constraints"_qs,
         {{u"basicConstraints"_qs, u"critical,CA:TRUE,pathlen:2"_qs},
          {u"keyUsage"_qs, u"critical,digitalSignature,keyCertSign,cRLSign,decipherOnly"_qs},
          {u"nameConstraints"_qs,
           u"critical,permitted;DNS:example.com,permitted;IP:192.0.2.0/255.255.255.0,"
           "excluded;email:x.example,permitted;IP:2001:db8::/ffff:ffff::"_qs},
          {u"policyConstraints"_qs, u"requireExplicitPolicy:1,inhibitPolicyMapping:2"_qs},
          {u"inhibitAnyPolicy"_qs, u"3"_qs}}},
        {u"names"_qs,
         {{u"subjectAltName"_qs,
           u"DNS:a.example,DNS:*.a.example,IP:192.0.2.1,IP:2001:db8::1,IP:::ffff:1.2.3.4,"
           "email:me@example.com,URI:https://example.com/x,dirName:dir,RID:1.2.3.4,"
           "otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com,"
           "otherName:1.2.3.4;INTEGER:5"_qs},
          {u"issuerAltName"_qs, u"DNS:issuer.example"_qs},
          {u"subjectKeyIdentifier"_qs, u"01:02:03:04"_qs},
          {u"authorityKeyIdentifier"_qs, u"keyid:always,issuer:always"_qs}}},
        {u"usage"_qs,
         {{u"extendedKeyUsage"_qs,
           u"serverAuth,clientAuth,codeSigning,emailProtection,timeStamping,OCSPSigning,"
           "anyExtendedKeyUsage,1.3.6.1.4.1.55555.3.1"_qs},
          {u"keyUsage"_qs, u"digitalSignature,nonRepudiation,keyEncipherment,keyAgreement"_qs},
          {u"tlsfeature"_qs, u"status_request,status_request_v2"_qs},
          {u"1.3.6.1.4.1.44363.44"_qs, u"DER:05:00"_qs}}},
        {u"locations"_qs,
         {{u"crlDistributionPoints"_qs, u"URI:http://crl.example/a.crl"_qs},
          {u"authorityInfoAccess"_qs,
           u"OCSP;URI:http://ocsp.example,caIssuers;URI:http://ca.example/ca.crt"_qs},
          {u"certificatePolicies"_qs, u"critical,@policy,2.23.140.1.2.1,anyPolicy"_qs},
          {u"1.3.6.1.4.1.11129.2.4.2"_qs,
           u"DER:043b00390037001111111111111111111111111111111111111111111111111111111111111111"
           "0000019b76daa87b0000040300083006020101020101"_qs}}},
        {u"malformed"_qs,
         {{u"basicConstraints"_qs, u"DER:30:03:01:01"_qs},
          {u"keyUsage"_qs, u"DER:03:01:00"_qs},
          {u"extendedKeyUsage"_qs, u"DER:30:00"_qs},
          {u"subjectAltName"_qs, u"DER:30:02:82:05"_qs},
          {u"1.3.6.1.4.1.44363.44"_qs, u"critical,DER:04:00"_qs},
          {u"1.2.3.4.5"_qs, u"DER:30:06:02:01:01:0c:01:41"_qs}}},
    };
}

/// The index the certificate target's OID selector gives each OID (see fuzz_certificate.cpp).
int extensionSelector(const QString &oid, bool critical)
{
    static const QStringList oids{u"2.5.29.19"_qs,          u"2.5.29.15"_qs,
                                  u"2.5.29.37"_qs,          u"2.5.29.17"_qs,
                                  u"2.5.29.14"_qs,          u"2.5.29.35"_qs,
                                  u"2.5.29.31"_qs,          u"2.5.29.32"_qs,
                                  u"1.3.6.1.5.5.7.1.1"_qs,  u"2.5.29.30"_qs,
                                  u"2.5.29.36"_qs,          u"2.5.29.54"_qs,
                                  u"2.5.29.18"_qs,          u"1.3.6.1.4.1.11129.2.4.2"_qs,
                                  u"1.3.6.1.5.5.7.1.24"_qs, u"1.3.6.1.4.1.44363.44"_qs,
                                  u"1.2.3.4.5"_qs};
    const int index = int(oids.indexOf(oid));
    return index < 0 ? -1 : (index << 1) | (critical ? 1 : 0);
}

void certificateSeeds(const QString &name, const Certificate &certificate)
{
    write("fuzz_certificate", name, selector(0, certificate.der()));
    importerSeed(name + u".der"_qs, certificate.der());
    const X509 *x509 = certificate.handle();
    for (int i = 0; i < X509_get_ext_count(x509); ++i) {
        X509_EXTENSION *extension = X509_get_ext(x509, i);
        char oid[128];
        OBJ_obj2txt(oid, sizeof oid, X509_EXTENSION_get_object(extension), 1);
        const ASN1_OCTET_STRING *value = X509_EXTENSION_get_data(extension);
        const QByteArray bytes(reinterpret_cast<const char *>(ASN1_STRING_get0_data(value)),
                               ASN1_STRING_length(value));
        const int index =
            extensionSelector(QLatin1String(oid), X509_EXTENSION_get_critical(extension) != 0);
        const QString base = name + u"-ext"_qs + QString::number(i);
        if (index >= 0)
            write("fuzz_certificate", base, selector(1, QByteArray(1, char(index)) + bytes));
        write("fuzz_certificate", base + u"-dump"_qs, selector(2, bytes));
    }
}

QByteArray secretJson(const QByteArray &yaml)
{
    const auto secret = readKubernetesSecret(yaml);
    if (!secret)
        return {};
    QJsonObject metadata{{u"name"_qs, secret->name}};
    QJsonObject annotations;
    for (auto it = secret->annotations.cbegin(); it != secret->annotations.cend(); ++it)
        annotations.insert(it.key(), it.value());
    metadata.insert(u"annotations"_qs, annotations);
    metadata.insert(u"resourceVersion"_qs, u"12345"_qs);
    QJsonObject data;
    for (auto it = secret->data.cbegin(); it != secret->data.cend(); ++it)
        data.insert(it.key(), QString::fromLatin1(it.value().toBase64()));
    return QJsonDocument(QJsonObject{{u"apiVersion"_qs, u"v1"_qs},
                                     {u"kind"_qs, u"Secret"_qs},
                                     {u"metadata"_qs, metadata},
                                     {u"type"_qs, secret->type},
                                     {u"data"_qs, data}})
        .toJson();
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz-seeds DIR\n");
        return 2;
    }
    initialise(&argc, &argv);
    g_root = QDir(QFile::decodeName(argv[1]));
    if (!g_root.mkpath(u"."_qs))
        return 2;

    const test::TestChain chain = test::makeChain();
    const QList<Certificate> chainCertificates{
        chain.leaf.certificate, chain.intermediate.certificate, chain.root.certificate};

    // Certificates: the fixtures, every extension, and the certificate key types.
    certificateSeeds(u"leaf"_qs, chain.leaf.certificate);
    certificateSeeds(u"intermediate"_qs, chain.intermediate.certificate);
    certificateSeeds(u"root"_qs, chain.root.certificate);
    for (const auto &[name, extensions] : extensionSets())
        certificateSeeds(
            u"extensions-"_qs + name,
            test::makeCertificateWithExtensions(extensions, kExtensionConfig).certificate);
    for (const auto &[name, identity] : test::makeNonconformingIdentities())
        certificateSeeds(u"nonconforming-"_qs + name, identity.certificate);
    write("fuzz_certificate", u"dump-oid"_qs, selector(2, QByteArray::fromHex("2a864886f70d")));

    // The importer: PEM bundles, DER, keys in every container, requests, PKCS#7 and PKCS#12.
    QByteArray chainPem;
    for (const Certificate &certificate : chainCertificates)
        chainPem += encodePem(u"CERTIFICATE"_qs, certificate.der());
    importerSeed(u"chain.pem"_qs, chainPem);
    importerSeed(u"leaf-and-key.pem"_qs, chainPem.left(chainPem.indexOf("-----END")) +
                                             "-----END CERTIFICATE-----\n" + chain.leaf.keyPem);
    for (const char *keyName :
         {"ecdsa-p256", "ecdsa-p384", "ed25519", "ed448", "rsa-2048", "rsa-pss-2048"}) {
        const EvpPkeyPtr key = test::makeKey(QLatin1String(keyName));
        const QString base = QLatin1String(keyName);
        importerSeed(base + u"-pkcs8.pem"_qs, encodePrivateKeyPkcs8Pem(key.get())->bytes());
        importerSeed(base + u"-pkcs8.der"_qs, encodePrivateKeyPkcs8Der(key.get())->bytes());
        importerSeed(base + u"-pkcs8-encrypted.pem"_qs,
                     test::encryptedKeyPem(key.get(), kPassphrase));
        importerSeed(base + u"-pkcs8-encrypted.der"_qs,
                     encodeKey(key.get(), "DER", "EncryptedPrivateKeyInfo", true));
        importerSeed(base + u"-traditional.pem"_qs,
                     encodeKey(key.get(), "PEM", "type-specific", false));
        importerSeed(base + u"-traditional-encrypted.pem"_qs,
                     encodeKey(key.get(), "PEM", "type-specific", true));
        importerSeed(base + u"-public.pem"_qs,
                     encodePem(u"PUBLIC KEY"_qs, *encodeSubjectPublicKeyInfo(key.get())));
    }
    const test::TestRequest request = test::makeRequest();
    importerSeed(u"request.der"_qs, request.der);
    importerSeed(u"request.pem"_qs, encodePem(u"CERTIFICATE REQUEST"_qs, request.der));
    importerSeed(u"chain.p7b"_qs, pkcs7(chainCertificates, false));
    importerSeed(u"chain-p7.pem"_qs, pkcs7(chainCertificates, true));
    importerSeed(u"identity.p12"_qs, pkcs12(chain.leaf, chain.intermediate, 1, true));
    importerSeed(u"identity-2048.p12"_qs, pkcs12(chain.leaf, chain.intermediate, 2048, true));
    importerSeed(u"identity-plain.p12"_qs, pkcs12(chain.leaf, chain.intermediate, 1, false));

    // DCs: every DC key type under the leaf, raw and in the bundle profiles' encodings.
    for (const KeySpec &spec : generatableKeys()) {
        if (spec.rsaBits > 2048)
            continue; // the same code paths as 2048 bits, at seconds per key
        const DcIssueRequest issue{.certificate = chain.leaf.certificate,
                                   .certificateKey = chain.leaf.key.get(),
                                   .dcKeySpec = &spec,
                                   .role = spec.type == KeyType::Ed25519 ? DcRole::Client
                                                                         : DcRole::Server,
                                   .now = fixedNow().addSecs(-3600)};
        auto issued = issueDelegatedCredential(issue);
        if (!issued) {
            std::fprintf(stderr, "fuzz-seeds: %s\n", qPrintable(issued.error().message));
            return 2;
        }
        const QString base = u"dc-"_qs + QLatin1String(spec.name);
        write("fuzz_dc", base + u".bin"_qs, issued->bytes);
        write("fuzz_dc", base + u".hex"_qs, issued->bytes.toHex() + '\n');
        write("fuzz_dc", base + u".b64"_qs, issued->bytes.toBase64());
        importerSeed(base + u".bin"_qs, issued->bytes);
    }

    // Bundles of every profile, from the leaf and a P-256 DC; their files seed every reader.
    const DcIssueRequest issue{.certificate = chain.leaf.certificate,
                               .certificateKey = chain.leaf.key.get(),
                               .now = fixedNow().addSecs(-3600)};
    auto issued = issueDelegatedCredential(issue);
    if (!issued)
        return 2;
    BundleInput input;
    input.chain = chainCertificates;
    input.dc = issued->bytes;
    input.dcKey = issued->generatedKey.get();
    input.issuedAt = issue.now;
    // In fuzz_bundle's order: its selector bytes name them by index.
    const QList<BundleProfile> profiles{
        BundleProfile::Baton,           BundleProfile::Fizz, BundleProfile::CloudflareGo,
        BundleProfile::BoringSsl,       BundleProfile::Nss,  BundleProfile::InteropRunner,
        BundleProfile::KubernetesSecret};
    for (int profileIndex = 0; profileIndex < int(profiles.size()); ++profileIndex) {
        const BundleProfile *profile = &profiles[profileIndex];
        auto files = buildBundle(*profile, input);
        if (!files) {
            std::fprintf(stderr, "fuzz-seeds: %s\n", qPrintable(files.error().message));
            return 2;
        }
        const QString base = bundleProfileName(*profile);
        const BundleLayout layout = bundleLayout(*profile);
        for (const BundleFile &file : *files) {
            const QString name = base + u'-' + file.name;
            importerSeed(name, file.data.bytes());
            if (file.name == u"manifest.json"_qs)
                write("fuzz_bundle", name, selector(1 + profileIndex, file.data.bytes()));
            if (file.name == QLatin1String(layout.dc)) {
                write("fuzz_bundle", name, selector(8 + profileIndex, file.data.bytes()));
                write("fuzz_dc", name, file.data.bytes());
            }
            if (file.name.endsWith(u".yaml"_qs)) {
                write("fuzz_secret", name, file.data.bytes());
                write("fuzz_secret", name + u".json"_qs, secretJson(file.data.bytes()));
                write("fuzz_bundle", name + u"-file"_qs, selector(0, file.data.bytes()));
                write("fuzz_bundle", name + u"-file.json"_qs,
                      selector(0, secretJson(file.data.bytes())));
            }
            if (*profile == BundleProfile::Fizz && file.name.endsWith(u".pem"_qs))
                write("fuzz_bundle", name + u"-file"_qs, selector(0, file.data.bytes()));
        }
        auto archive = bundleArchive(*files, fixedNow());
        if (!archive)
            return 2;
        write("fuzz_targz", base + u".tar.gz"_qs, archive->data.bytes());
        write("fuzz_bundle", base + u".tar.gz"_qs, selector(0, archive->data.bytes()));
        importerSeed(base + u".tar.gz"_qs, archive->data.bytes());
    }
    std::printf("fuzz-seeds: %d seeds in %s\n", g_written, argv[1]);
    return 0;
}
