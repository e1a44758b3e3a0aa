#include "CertificateBuilder.h"

#include <openssl/objects.h>
#include <openssl/rand.h>

namespace baton {

namespace {

using X509NamePtr = OpenSslPtr<X509_NAME, X509_NAME_free>;

Result<X509_EXTENSION *> makeConfExtension(X509V3_CTX *context, int nid, const QString &value)
{
    const QByteArray text = value.toUtf8();
    X509_EXTENSION *extension = X509V3_EXT_nconf_nid(nullptr, context, nid, text.constData());
    if (!extension)
        return openSslError(QStringLiteral("invalid %1 extension '%2'")
                                .arg(QString::fromLatin1(OBJ_nid2sn(nid)), value));
    return extension;
}

Result<X509_EXTENSION *> makeDelegationUsage(bool critical, const QByteArray &value)
{
    static const Asn1ObjectPtr oid(OBJ_txt2obj(kDelegationUsageOid, 1));
    OpenSslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> data(ASN1_OCTET_STRING_new());
    if (!oid || !data ||
        !ASN1_OCTET_STRING_set(data.get(),
                               reinterpret_cast<const unsigned char *>(value.constData()),
                               int(value.size())))
        return openSslError(QStringLiteral("cannot build the DelegationUsage extension"));
    X509_EXTENSION *extension =
        X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), critical ? 1 : 0, data.get());
    if (!extension)
        return openSslError(QStringLiteral("cannot build the DelegationUsage extension"));
    return extension;
}

QString subjectAltNameValue(const QStringList &dnsNames, const QStringList &ipAddresses)
{
    QStringList entries;
    for (const QString &dns : dnsNames)
        entries << QStringLiteral("DNS:") + dns;
    for (const QString &ip : ipAddresses)
        entries << QStringLiteral("IP:") + ip;
    return entries.join(QLatin1Char(','));
}

} // namespace

QByteArray delegationUsageNullValue()
{
    return QByteArrayLiteral("\x05\x00");
}

const EVP_MD *signingDigestFor(const EVP_PKEY *key)
{
    switch (keyTypeOf(key)) {
    case KeyType::Ed25519:
    case KeyType::Ed448:
        return nullptr;
    case KeyType::EcP384:
        return EVP_sha384();
    case KeyType::EcP521:
        return EVP_sha512();
    default:
        return EVP_sha256();
    }
}

Result<OpenSslPtr<X509_NAME, X509_NAME_free>> parseDistinguishedName(const QString &text)
{
    const bool slashForm = text.startsWith(QLatin1Char('/'));
    const QChar separator = slashForm ? QLatin1Char('/') : QLatin1Char(',');
    QStringList parts;
    QString current;
    bool escaped = false;
    for (const QChar c : slashForm ? text.mid(1) : text) {
        if (escaped) {
            current += c;
            escaped = false;
        } else if (c == QLatin1Char('\\')) {
            escaped = true;
        } else if (c == separator) {
            parts << current;
            current.clear();
        } else {
            current += c;
        }
    }
    parts << current;
    X509NamePtr name(X509_NAME_new());
    for (const QString &part : std::as_const(parts)) {
        const qsizetype equals = part.indexOf(QLatin1Char('='));
        const QString type = part.left(equals).trimmed();
        const QByteArray value = part.mid(equals + 1).trimmed().toUtf8();
        if (equals <= 0 || value.isEmpty())
            return Error{QStringLiteral("'%1' is not a distinguished name; expected e.g. "
                                        "CN=example.com,O=Example or /CN=example.com/O=Example")
                             .arg(text)};
        if (!X509_NAME_add_entry_by_txt(name.get(), type.toLatin1().constData(), MBSTRING_UTF8,
                                        reinterpret_cast<const unsigned char *>(value.constData()),
                                        int(value.size()), -1, 0))
            return openSslError(
                QStringLiteral("'%1' in the distinguished name is not a known attribute")
                    .arg(type));
    }
    return name;
}

CertificateBuilder::CertificateBuilder() : m_x509(X509_new())
{
    X509_set_version(m_x509.get(), X509_VERSION_3);
}

void CertificateBuilder::setSubject(const X509_NAME *name)
{
    X509_set_subject_name(m_x509.get(), name);
}

void CertificateBuilder::setIssuer(const Certificate &issuer)
{
    m_issuer = issuer;
}

void CertificateBuilder::setValidity(const QDateTime &notBefore, const QDateTime &notAfter)
{
    ASN1_TIME_set(X509_getm_notBefore(m_x509.get()), time_t(notBefore.toSecsSinceEpoch()));
    ASN1_TIME_set(X509_getm_notAfter(m_x509.get()), time_t(notAfter.toSecsSinceEpoch()));
}

void CertificateBuilder::setPublicKey(EVP_PKEY *key)
{
    X509_set_pubkey(m_x509.get(), key);
}

void CertificateBuilder::setRandomSerial()
{
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f; // positive, and DER keeps it 16 bytes
    serial[0] |= 0x01;
    OpenSslPtr<BIGNUM, BN_free> number(BN_bin2bn(serial, sizeof serial, nullptr));
    BN_to_ASN1_INTEGER(number.get(), X509_get_serialNumber(m_x509.get()));
}

Status CertificateBuilder::addExtension(int nid, const QString &value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509 *issuer = m_issuer ? m_issuer->handle() : m_x509.get();
    X509V3_set_ctx(&context, issuer, m_x509.get(), nullptr, nullptr, 0);
    auto extension = makeConfExtension(&context, nid, value);
    if (!extension)
        return extension.error();
    OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free> owned(*extension);
    if (!X509_add_ext(m_x509.get(), owned.get(), -1))
        return openSslError(QStringLiteral("cannot add the %1 extension")
                                .arg(QString::fromLatin1(OBJ_nid2sn(nid))));
    return {};
}

Status CertificateBuilder::addSubjectAltNames(const QStringList &dnsNames,
                                              const QStringList &ipAddresses)
{
    return addExtension(NID_subject_alt_name, subjectAltNameValue(dnsNames, ipAddresses));
}

Status CertificateBuilder::addDelegationUsage(bool critical, const QByteArray &value)
{
    auto extension = makeDelegationUsage(critical, value);
    if (!extension)
        return extension.error();
    OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free> owned(*extension);
    if (!X509_add_ext(m_x509.get(), owned.get(), -1))
        return openSslError(QStringLiteral("cannot add the DelegationUsage extension"));
    return {};
}

Result<Certificate> CertificateBuilder::sign(EVP_PKEY *issuerKey)
{
    X509_set_issuer_name(m_x509.get(), m_issuer ? X509_get_subject_name(m_issuer->handle())
                                                : X509_get_subject_name(m_x509.get()));
    if (!X509_sign(m_x509.get(), issuerKey, signingDigestFor(issuerKey)))
        return openSslError(QStringLiteral("cannot sign the certificate"));
    unsigned char *der = nullptr;
    const int length = i2d_X509(m_x509.get(), &der);
    if (length <= 0)
        return openSslError(QStringLiteral("cannot encode the certificate"));
    const QByteArray bytes(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return Certificate::fromDer(bytes);
}

RequestBuilder::RequestBuilder()
    : m_request(X509_REQ_new()), m_extensions(sk_X509_EXTENSION_new_null())
{
    X509_REQ_set_version(m_request.get(), X509_REQ_VERSION_1);
}

void RequestBuilder::setSubject(const X509_NAME *name)
{
    X509_REQ_set_subject_name(m_request.get(), name);
}

void RequestBuilder::setPublicKey(EVP_PKEY *key)
{
    X509_REQ_set_pubkey(m_request.get(), key);
}

Status RequestBuilder::addExtension(int nid, const QString &value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, nullptr, nullptr, m_request.get(), nullptr, 0);
    auto extension = makeConfExtension(&context, nid, value);
    if (!extension)
        return extension.error();
    sk_X509_EXTENSION_push(m_extensions.get(), *extension);
    return {};
}

Status RequestBuilder::addSubjectAltNames(const QStringList &dnsNames,
                                          const QStringList &ipAddresses)
{
    return addExtension(NID_subject_alt_name, subjectAltNameValue(dnsNames, ipAddresses));
}

Status RequestBuilder::addDelegationUsage()
{
    auto extension = makeDelegationUsage(false, delegationUsageNullValue());
    if (!extension)
        return extension.error();
    sk_X509_EXTENSION_push(m_extensions.get(), *extension);
    return {};
}

Result<QByteArray> RequestBuilder::sign(EVP_PKEY *key)
{
    if (sk_X509_EXTENSION_num(m_extensions.get()) > 0 &&
        !X509_REQ_add_extensions(m_request.get(), m_extensions.get()))
        return openSslError(QStringLiteral("cannot add the requested extensions"));
    if (!X509_REQ_sign(m_request.get(), key, signingDigestFor(key)))
        return openSslError(QStringLiteral("cannot sign the certificate request"));
    unsigned char *der = nullptr;
    const int length = i2d_X509_REQ(m_request.get(), &der);
    if (length <= 0)
        return openSslError(QStringLiteral("cannot encode the certificate request"));
    QByteArray bytes(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return bytes;
}

} // namespace baton
