#include "TestPki.h"

#include "common/FileIo.h"
#include "common/Pem.h"
#include "dc/DcIssuer.h"
#include "x509/CertificateBuilder.h"
#include "x509/CertificateRequest.h"

#include <QDir>
#include <QFileInfo>
#include <QTimeZone>
#include <cstdio>
#include <cstdlib>
#include <openssl/conf.h>

namespace baton::test {

namespace {

[[noreturn]] void die(const QString &what)
{
    std::fprintf(stderr, "test fixture: %s: %s\n", qPrintable(what),
                 qPrintable(takeOpenSslErrors()));
    std::abort();
}

} // namespace

QByteArray pemBeginLine(const QString &label)
{
    return "-----BEGIN " + label.toLatin1() + "-----";
}

QByteArray pemEndLine(const QString &label)
{
    return "-----END " + label.toLatin1() + "-----";
}

QDateTime utc(int year, int month, int day, int hour, int minute, int second)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second), Qt::UTC);
}

EvpPkeyPtr makeKey(const QString &name)
{
    const KeySpec *spec = keySpecByName(name);
    if (!spec)
        spec = certificateKeySpecByName(name);
    if (!spec)
        die(QStringLiteral("unknown key algorithm %1").arg(name));
    auto key = generateKey(*spec);
    if (!key)
        die(key.errorMessage());
    return std::move(key).value();
}

std::map<QString, TestIdentity> makeNonconformingIdentities()
{
    using D = CertificateOptions::Delegation;
    const auto variant = [](auto change) {
        CertificateOptions options;
        change(options);
        return makeIdentity(options);
    };
    std::map<QString, TestIdentity> identities;
    identities.emplace(u"no-delegation"_qs,
                       variant([](CertificateOptions &o) { o.delegation = D::Absent; }));
    identities.emplace(u"critical-delegation"_qs,
                       variant([](CertificateOptions &o) { o.delegation = D::CriticalNull; }));
    identities.emplace(u"empty-octet-delegation"_qs,
                       variant([](CertificateOptions &o) { o.delegation = D::EmptyOctetString; }));
    identities.emplace(u"no-digital-signature"_qs,
                       variant([](CertificateOptions &o) { o.digitalSignature = false; }));
    identities.emplace(u"no-key-usage"_qs,
                       variant([](CertificateOptions &o) { o.keyUsageExtension = false; }));
    identities.emplace(u"ca"_qs, variant([](CertificateOptions &o) { o.ca = true; }));
    return identities;
}

QString describeChecks(const QList<DcCheck> &checks)
{
    QStringList lines;
    for (const DcCheck &check : checks)
        lines << QStringLiteral("%1=%2 (%3)")
                     .arg(check.id, checkOutcomeName(check.outcome), check.detail);
    return lines.join(QStringLiteral("\n    "));
}

QByteArray encryptedKeyPem(const EVP_PKEY *key, const QByteArray &passphrase)
{
    EncoderCtxPtr ctx(OSSL_ENCODER_CTX_new_for_pkey(key, OSSL_KEYMGMT_SELECT_KEYPAIR, "PEM",
                                                    "EncryptedPrivateKeyInfo", nullptr));
    if (!ctx || !OSSL_ENCODER_CTX_set_cipher(ctx.get(), "AES-256-CBC", nullptr) ||
        !OSSL_ENCODER_CTX_set_passphrase(
            ctx.get(), reinterpret_cast<const unsigned char *>(passphrase.constData()),
            size_t(passphrase.size())))
        die(QStringLiteral("setting up key encryption"));
    unsigned char *data = nullptr;
    size_t length = 0;
    if (!OSSL_ENCODER_to_data(ctx.get(), &data, &length))
        die(QStringLiteral("encrypting the key"));
    QByteArray pem(reinterpret_cast<const char *>(data), qsizetype(length));
    OPENSSL_free(data);
    return pem;
}

std::pair<QString, QString> writeIdentity(const TestIdentity &identity, const QString &dir,
                                          const QString &base)
{
    const QString certificatePath = dir + QLatin1Char('/') + base + QStringLiteral(".pem");
    const QString keyPath = dir + QLatin1Char('/') + base + QStringLiteral("-key.pem");
    if (!writeFileAtomically(certificatePath, identity.certificatePem, 0644, Overwrite::Replace) ||
        !writeFileAtomically(keyPath, identity.keyPem, 0600, Overwrite::Replace))
        die(QStringLiteral("writing %1").arg(certificatePath));
    return {certificatePath, keyPath};
}

QString dcVectorsDirectory()
{
    QString dir = qEnvironmentVariable("BATON_DC_VECTORS");
    if (dir.isEmpty())
        dir = QStringLiteral(BATON_SOURCE_DIR "/../shared/dc_vectors");
    return QFileInfo(dir + QStringLiteral("/README.txt")).isFile() ? QDir(dir).absolutePath()
                                                                   : QString();
}

TestIdentity makeCertificateWithExtensions(const QList<std::pair<QString, QString>> &nameValue,
                                           const QString &config, const QString &keyAlgorithm)
{
    EvpPkeyPtr key = makeKey(keyAlgorithm);
    X509Ptr x509(X509_new());
    X509_set_version(x509.get(), X509_VERSION_3);
    // Fixed, unlike makeIdentity's: tests assert the serial where extensions copy it.
    ASN1_INTEGER_set_int64(X509_get_serialNumber(x509.get()), 0x0102030405060708);
    ASN1_TIME_set(X509_getm_notBefore(x509.get()), time_t(utc(2026, 1, 1).toSecsSinceEpoch()));
    ASN1_TIME_set(X509_getm_notAfter(x509.get()), time_t(utc(2027, 1, 1).toSecsSinceEpoch()));
    X509_NAME *name = X509_get_subject_name(x509.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>("model.test"), -1, -1, 0);
    X509_set_issuer_name(x509.get(), name);
    X509_set_pubkey(x509.get(), key.get());

    OpenSslPtr<CONF, NCONF_free> conf(NCONF_new(nullptr));
    if (!config.isEmpty()) {
        const QByteArray text = config.toUtf8();
        BioPtr bio(BIO_new_mem_buf(text.constData(), int(text.size())));
        long errorLine = 0;
        if (!conf || !bio || NCONF_load_bio(conf.get(), bio.get(), &errorLine) <= 0)
            die(QStringLiteral("test config, line %1").arg(errorLine));
    }
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x509.get(), x509.get(), nullptr, nullptr, 0);
    X509V3_set_nconf(&ctx, conf.get());
    for (const auto &[extensionName, value] : nameValue) {
        OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free> extension(X509V3_EXT_nconf(
            conf.get(), &ctx, extensionName.toUtf8().constData(), value.toUtf8().constData()));
        if (!extension || !X509_add_ext(x509.get(), extension.get(), -1))
            die(QStringLiteral("extension %1=%2").arg(extensionName, value));
    }

    const KeyType type = keyTypeOf(key.get());
    const bool eddsa = type == KeyType::Ed25519 || type == KeyType::Ed448;
    if (!X509_sign(x509.get(), key.get(), eddsa ? nullptr : EVP_sha256()))
        die(QStringLiteral("signing the test certificate"));
    unsigned char *der = nullptr;
    const int length = i2d_X509(x509.get(), &der);
    if (length <= 0)
        die(QStringLiteral("encoding the test certificate"));
    const QByteArray derBytes(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    auto certificate = Certificate::fromDer(derBytes);
    if (!certificate)
        die(certificate.errorMessage());
    auto keyPem = encodePrivateKeyPkcs8Pem(key.get());
    if (!keyPem)
        die(keyPem.errorMessage());
    return TestIdentity{std::move(certificate).value(), std::move(key),
                        encodePem(QStringLiteral("CERTIFICATE"), derBytes), keyPem->bytes()};
}

namespace {

/// A certificate as `options` describe it, issued by `issuer` (self-signed without one).
/// `authority` makes it one of makeChain's CAs: keyCertSign and no DelegationUsage, whatever
/// the options say (options.ca alone marks an otherwise leaf-shaped certificate CA:TRUE).
/// `subjectKey` certifies a key made elsewhere (then the identity has no private key);
/// without it a key of options.keyAlgorithm is made.
TestIdentity issueTestCertificate(const CertificateOptions &options, bool authority,
                                  const TestIdentity *issuer, const EVP_PKEY *subjectKey = nullptr)
{
    const bool ca = authority || options.ca;
    using D = CertificateOptions::Delegation;
    EvpPkeyPtr key;
    if (subjectKey) {
        EVP_PKEY_up_ref(const_cast<EVP_PKEY *>(subjectKey));
        key.reset(const_cast<EVP_PKEY *>(subjectKey));
    } else {
        key = makeKey(options.keyAlgorithm);
    }
    auto name = parseDistinguishedName(QStringLiteral("CN=") + options.commonName);
    if (!name)
        die(name.errorMessage());
    CertificateBuilder builder;
    builder.setSubject(name->get());
    if (issuer)
        builder.setIssuer(issuer->certificate);
    builder.setRandomSerial();
    builder.setValidity(options.notBefore, options.notAfter);
    builder.setPublicKey(key.get());
    const auto require = [](const Status &status) {
        if (!status)
            die(status.errorMessage());
    };
    require(builder.addExtension(NID_basic_constraints,
                                 ca ? u"critical,CA:TRUE"_qs : u"critical,CA:FALSE"_qs));
    if (authority)
        require(builder.addExtension(NID_key_usage, u"critical,keyCertSign,cRLSign"_qs));
    else if (options.keyUsageExtension)
        require(builder.addExtension(NID_key_usage, options.digitalSignature
                                                        ? u"critical,digitalSignature"_qs
                                                        : u"critical,keyEncipherment"_qs));
    if (!options.dnsNames.isEmpty())
        require(builder.addSubjectAltNames(options.dnsNames, {}));
    require(builder.addExtension(NID_subject_key_identifier, u"hash"_qs));
    if (issuer)
        require(builder.addExtension(NID_authority_key_identifier, u"keyid:always"_qs));
    if (!authority && options.delegation != D::Absent)
        require(builder.addDelegationUsage(
            options.delegation == D::CriticalNull,
            options.delegation == D::EmptyOctetString ? QByteArray() : delegationUsageNullValue()));
    auto certificate = builder.sign(issuer ? issuer->key.get() : key.get());
    if (!certificate)
        die(certificate.errorMessage());
    QByteArray certificatePem = encodePem(QStringLiteral("CERTIFICATE"), certificate->der());
    if (subjectKey)
        return TestIdentity{std::move(certificate).value(), nullptr, std::move(certificatePem), {}};
    auto keyPem = encodePrivateKeyPkcs8Pem(key.get());
    if (!keyPem)
        die(keyPem.errorMessage());
    return TestIdentity{std::move(certificate).value(), std::move(key), std::move(certificatePem),
                        keyPem->bytes()};
}

} // namespace

TestIdentity makeIdentity(const CertificateOptions &options)
{
    return issueTestCertificate(options, false, nullptr);
}

TestIdentity makeIdentityForKey(const EVP_PKEY *publicKey, const TestIdentity &issuer,
                                const CertificateOptions &options)
{
    return issueTestCertificate(options, false, &issuer, publicKey);
}

TestDelegation makeDelegation(const QDateTime &now)
{
    TestDelegation made{.leaf = makeIdentity(), .dcKey = makeKey(QStringLiteral("ecdsa-p256"))};
    auto issued = issueDelegatedCredential({.certificate = made.leaf.certificate,
                                            .certificateKey = made.leaf.key.get(),
                                            .dcKey = made.dcKey.get(),
                                            .now = now});
    if (!issued)
        die(QStringLiteral("issuing the DC: ") + issued.errorMessage());
    made.dc = issued->bytes;
    return made;
}

TestChain makeChain(const ChainOptions &options)
{
    CertificateOptions root;
    root.commonName = options.rootName;
    root.dnsNames.clear();
    root.notBefore = options.caNotBefore;
    root.notAfter = options.rootNotAfter;
    CertificateOptions intermediate = root;
    intermediate.commonName = options.intermediateName;
    intermediate.notAfter = options.intermediateNotAfter;

    TestIdentity rootIdentity = issueTestCertificate(root, true, nullptr);
    TestIdentity intermediateIdentity = issueTestCertificate(intermediate, true, &rootIdentity);
    TestIdentity leafIdentity = issueTestCertificate(options.leaf, false, &intermediateIdentity);
    return TestChain{std::move(rootIdentity), std::move(intermediateIdentity),
                     std::move(leafIdentity)};
}

TestRequest makeRequest(const RequestOptions &options)
{
    using D = CertificateOptions::Delegation;
    EvpPkeyPtr key = makeKey(options.keyAlgorithm);
    OpenSslPtr<X509_REQ, X509_REQ_free> request(X509_REQ_new());
    X509_REQ_set_version(request.get(), X509_REQ_VERSION_1);
    const QByteArray cn = options.commonName.toUtf8();
    X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(request.get()), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>(cn.constData()), -1, -1, 0);
    X509_REQ_set_pubkey(request.get(), key.get());

    X509ExtensionStackPtr extensions(sk_X509_EXTENSION_new_null());
    const auto push = [&](X509_EXTENSION *extension, const QString &what) {
        if (!extension || !sk_X509_EXTENSION_push(extensions.get(), extension)) {
            X509_EXTENSION_free(extension);
            die(what);
        }
    };
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, nullptr, nullptr, request.get(), nullptr, 0);
    if (!options.dnsNames.isEmpty()) {
        const QByteArray value =
            (QStringLiteral("DNS:") + options.dnsNames.join(QStringLiteral(",DNS:"))).toLatin1();
        push(X509V3_EXT_nconf_nid(nullptr, &ctx, NID_subject_alt_name, value.constData()),
             QStringLiteral("request subjectAltName"));
    }
    if (options.keyUsage)
        push(X509V3_EXT_nconf_nid(nullptr, &ctx, NID_key_usage, "critical,digitalSignature"),
             QStringLiteral("request keyUsage"));
    if (options.delegation != D::Absent) {
        const QByteArray value = options.delegation == D::EmptyOctetString
                                     ? QByteArray()
                                     : QByteArrayLiteral("\x05\x00");
        OpenSslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> data(ASN1_OCTET_STRING_new());
        ASN1_OCTET_STRING_set(data.get(),
                              reinterpret_cast<const unsigned char *>(value.constData()),
                              int(value.size()));
        push(X509_EXTENSION_create_by_OBJ(nullptr, delegationUsageObject(),
                                          options.delegation == D::CriticalNull ? 1 : 0,
                                          data.get()),
             QStringLiteral("request DelegationUsage"));
    }
    if (sk_X509_EXTENSION_num(extensions.get()) > 0 &&
        !X509_REQ_add_extensions(request.get(), extensions.get()))
        die(QStringLiteral("request extensions"));

    const KeyType type = keyTypeOf(key.get());
    const bool eddsa = type == KeyType::Ed25519 || type == KeyType::Ed448;
    if (!X509_REQ_sign(request.get(), key.get(), eddsa ? nullptr : EVP_sha256()))
        die(QStringLiteral("signing the test request"));
    unsigned char *der = nullptr;
    const int length = i2d_X509_REQ(request.get(), &der);
    if (length <= 0)
        die(QStringLiteral("encoding the test request"));
    TestRequest made{QByteArray(reinterpret_cast<const char *>(der), length), std::move(key)};
    OPENSSL_free(der);
    return made;
}

} // namespace baton::test
