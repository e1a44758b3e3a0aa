#include "TestPki.h"

#include "common/FileIo.h"
#include "common/Pem.h"

#include <QDir>
#include <QFileInfo>
#include <QTimeZone>
#include <cstdio>
#include <cstdlib>
#include <openssl/objects.h>
#include <openssl/rand.h>

namespace baton::test {

namespace {

[[noreturn]] void die(const QString &what)
{
    std::fprintf(stderr, "test fixture: %s: %s\n", qPrintable(what),
                 qPrintable(takeOpenSslErrors()));
    std::abort();
}

void addExtension(X509 *x509, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, x509, nullptr, nullptr, 0);
    X509_EXTENSION *extension = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
    if (!extension || !X509_add_ext(x509, extension, -1))
        die(QStringLiteral("extension %1=%2").arg(nid).arg(QLatin1String(value)));
    X509_EXTENSION_free(extension);
}

void addDelegationUsage(X509 *x509, CertificateOptions::Delegation delegation)
{
    using D = CertificateOptions::Delegation;
    if (delegation == D::Absent)
        return;
    Asn1ObjectPtr oid(OBJ_txt2obj("1.3.6.1.4.1.44363.44", 1));
    // EmptyOctetString: an extnValue with no content at all, as in the older test data.
    const QByteArray value =
        delegation == D::EmptyOctetString ? QByteArray() : QByteArrayLiteral("\x05\x00");
    OpenSslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> data(ASN1_OCTET_STRING_new());
    ASN1_OCTET_STRING_set(data.get(), reinterpret_cast<const unsigned char *>(value.constData()),
                          int(value.size()));
    X509_EXTENSION *extension = X509_EXTENSION_create_by_OBJ(
        nullptr, oid.get(), delegation == D::CriticalNull ? 1 : 0, data.get());
    if (!extension || !X509_add_ext(x509, extension, -1))
        die(QStringLiteral("DelegationUsage extension"));
    X509_EXTENSION_free(extension);
}

} // namespace

QDateTime utc(int year, int month, int day, int hour, int minute, int second)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second), Qt::UTC);
}

EvpPkeyPtr makeKey(const QString &name)
{
    static constexpr KeySpec kRsa2048{"rsa-2048", KeyType::Rsa, 2048};
    static constexpr KeySpec kRsa3072{"rsa-3072", KeyType::Rsa, 3072};
    const KeySpec *spec = keySpecByName(name);
    if (name == QLatin1String("rsa-2048"))
        spec = &kRsa2048;
    else if (name == QLatin1String("rsa-3072"))
        spec = &kRsa3072;
    if (!spec)
        die(QStringLiteral("unknown key algorithm %1").arg(name));
    auto key = generateKey(*spec);
    if (!key)
        die(key.errorMessage());
    return std::move(key).value();
}

TestIdentity makeIdentity(const CertificateOptions &options)
{
    EvpPkeyPtr key = makeKey(options.keyAlgorithm);
    X509Ptr x509(X509_new());
    X509_set_version(x509.get(), X509_VERSION_3);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    OpenSslPtr<BIGNUM, BN_free> serialNumber(BN_bin2bn(serial, sizeof serial, nullptr));
    BN_to_ASN1_INTEGER(serialNumber.get(), X509_get_serialNumber(x509.get()));
    ASN1_TIME_set(X509_getm_notBefore(x509.get()), time_t(options.notBefore.toSecsSinceEpoch()));
    ASN1_TIME_set(X509_getm_notAfter(x509.get()), time_t(options.notAfter.toSecsSinceEpoch()));
    X509_NAME *name = X509_get_subject_name(x509.get());
    const QByteArray cn = options.commonName.toUtf8();
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>(cn.constData()), -1, -1, 0);
    X509_set_issuer_name(x509.get(), name);
    X509_set_pubkey(x509.get(), key.get());

    addExtension(x509.get(), x509.get(), NID_basic_constraints,
                 options.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    if (options.keyUsageExtension)
        addExtension(x509.get(), x509.get(), NID_key_usage,
                     options.digitalSignature ? "critical,digitalSignature"
                                              : "critical,keyEncipherment");
    if (!options.dnsNames.isEmpty()) {
        QStringList sans;
        for (const QString &dns : options.dnsNames)
            sans << QStringLiteral("DNS:") + dns;
        addExtension(x509.get(), x509.get(), NID_subject_alt_name,
                     sans.join(QLatin1Char(',')).toLatin1().constData());
    }
    addExtension(x509.get(), x509.get(), NID_subject_key_identifier, "hash");
    addDelegationUsage(x509.get(), options.delegation);

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
    TestIdentity identity{std::move(certificate).value(), std::move(key), {}, keyPem->bytes()};
    identity.certificatePem = encodePem(QStringLiteral("CERTIFICATE"), derBytes);
    return identity;
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

} // namespace baton::test
