#include "Certificate.h"

#include "X509Names.h"
#include "common/Pem.h"

#include <QTimeZone>
#include <ctime>
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/objects.h>

namespace baton {

namespace {

QDateTime fromAsn1Time(const ASN1_TIME *time)
{
    std::tm tm{};
    if (!time || ASN1_TIME_to_tm(time, &tm) != 1)
        return {};
    return QDateTime(QDate(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday),
                     QTime(tm.tm_hour, tm.tm_min, tm.tm_sec), Qt::UTC);
}

KeyType keyTypeOfCertificate(X509 *x509)
{
    const KeyType type = keyTypeOf(X509_get0_pubkey(x509));
    discardOpenSslErrors(); // a key OpenSSL cannot read is KeyType::Unknown, not a failure here
    return type;
}

} // namespace

Certificate::Certificate(X509Ptr x509, QByteArray der)
    : m_x509(x509.release(), X509_free), m_der(std::move(der)),
      m_notBefore(fromAsn1Time(X509_get0_notBefore(m_x509.get()))),
      m_notAfter(fromAsn1Time(X509_get0_notAfter(m_x509.get()))),
      m_keyType(keyTypeOfCertificate(m_x509.get()))
{}

Result<Certificate> Certificate::fromDer(QByteArrayView der)
{
    const auto *cursor = reinterpret_cast<const unsigned char *>(der.data());
    const auto *end = cursor + der.size();
    X509Ptr x509(d2i_X509(nullptr, &cursor, long(der.size())));
    if (!x509)
        return openSslError(QStringLiteral("not a DER X.509 certificate"));
    if (cursor != end)
        return Error{
            QStringLiteral("%1 unexpected bytes after the DER certificate").arg(end - cursor)};
    Certificate certificate(std::move(x509), der.toByteArray());
    if (!certificate.m_notBefore.isValid() || !certificate.m_notAfter.isValid())
        return Error{QStringLiteral("the certificate's validity dates cannot be read")};
    return certificate;
}

Result<QList<Certificate>> Certificate::readAll(QByteArrayView data)
{
    QList<Certificate> certificates;
    if (!containsPem(data)) {
        auto one = fromDer(data);
        if (!one)
            return one.error();
        certificates.append(std::move(one).value());
        return certificates;
    }
    auto blocks = parsePem(data);
    if (!blocks)
        return blocks.error();
    for (const PemBlock &block : *blocks) {
        if (block.label != QLatin1String("CERTIFICATE") &&
            block.label != QLatin1String("X509 CERTIFICATE") &&
            block.label != QLatin1String("TRUSTED CERTIFICATE"))
            continue;
        auto certificate = fromDer(block.der);
        if (!certificate)
            return Error{QStringLiteral("PEM block '%1' at byte offset %2: %3")
                             .arg(block.label)
                             .arg(block.offset)
                             .arg(certificate.errorMessage())};
        certificates.append(std::move(certificate).value());
    }
    if (certificates.isEmpty())
        return Error{QStringLiteral("no CERTIFICATE block in this PEM")};
    return certificates;
}

Result<Certificate> Certificate::readFirst(QByteArrayView data)
{
    auto all = readAll(data);
    if (!all)
        return all.error();
    return all->first();
}

bool Certificate::isValidAt(const QDateTime &at) const
{
    return m_notBefore <= at && at <= m_notAfter;
}

QString Certificate::subject() const
{
    return distinguishedNameText(X509_get_subject_name(m_x509.get()));
}

QString Certificate::issuer() const
{
    return distinguishedNameText(X509_get_issuer_name(m_x509.get()));
}

QString Certificate::commonName() const
{
    return commonNameOf(X509_get_subject_name(m_x509.get()));
}

QStringList Certificate::dnsNames() const
{
    QStringList names;
    auto *sans = static_cast<GENERAL_NAMES *>(
        X509_get_ext_d2i(m_x509.get(), NID_subject_alt_name, nullptr, nullptr));
    if (!sans)
        return names;
    for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
        const GENERAL_NAME *entry = sk_GENERAL_NAME_value(sans, i);
        if (entry->type == GEN_DNS) {
            const ASN1_STRING *dns = entry->d.dNSName;
            names << QString::fromLatin1(reinterpret_cast<const char *>(ASN1_STRING_get0_data(dns)),
                                         ASN1_STRING_length(dns));
        }
    }
    GENERAL_NAMES_free(sans);
    return names;
}

QString Certificate::displayName() const
{
    if (const QString cn = commonName(); !cn.isEmpty())
        return cn;
    if (const QStringList dns = dnsNames(); !dns.isEmpty())
        return dns.first();
    return subject();
}

QString Certificate::serialNumberHex() const
{
    const ASN1_INTEGER *serial = X509_get0_serialNumber(m_x509.get());
    OpenSslPtr<BIGNUM, BN_free> bn(ASN1_INTEGER_to_BN(serial, nullptr));
    if (!bn)
        return {};
    char *hex = BN_bn2hex(bn.get());
    QString text = QString::fromLatin1(hex);
    OPENSSL_free(hex);
    return text;
}

QByteArray Certificate::sha256Fingerprint() const
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!X509_digest(m_x509.get(), EVP_sha256(), digest, &length))
        return {};
    return QByteArray(reinterpret_cast<const char *>(digest), int(length));
}

bool Certificate::isSelfIssued() const
{
    return X509_NAME_cmp(X509_get_subject_name(m_x509.get()), X509_get_issuer_name(m_x509.get())) ==
           0;
}

EVP_PKEY *Certificate::publicKey() const
{
    return X509_get0_pubkey(m_x509.get());
}

const ASN1_OBJECT *delegationUsageObject()
{
    static const Asn1ObjectPtr oid(OBJ_txt2obj(kDelegationUsageOid, 1));
    return oid.get();
}

DelegationUsage classifyDelegationUsage(const X509_EXTENSION *extension)
{
    DelegationUsage usage;
    const ASN1_OBJECT *oid = delegationUsageObject();
    // OpenSSL 3.0's X509_EXTENSION getters take non-const pointers but only read.
    if (!extension || !oid ||
        OBJ_cmp(X509_EXTENSION_get_object(const_cast<X509_EXTENSION *>(extension)), oid) != 0)
        return usage;
    usage.critical = X509_EXTENSION_get_critical(extension) == 1;
    const ASN1_OCTET_STRING *data =
        X509_EXTENSION_get_data(const_cast<X509_EXTENSION *>(extension));
    const QByteArray value(reinterpret_cast<const char *>(ASN1_STRING_get0_data(data)),
                           ASN1_STRING_length(data));
    // DelegationUsage ::= NULL, so extnValue holds 05 00. The "empty OCTET STRING" of older test
    // data (tls-tris, the draft's test vectors, gokeyless) is an empty extnValue (04 00 on the
    // wire); an empty OCTET STRING inside extnValue (04 02 04 00) is taken as the same thing.
    if (value == QByteArrayLiteral("\x05\x00"))
        usage.value = DelegationUsage::Value::Null;
    else if (value.isEmpty() || value == QByteArrayLiteral("\x04\x00"))
        usage.value = DelegationUsage::Value::EmptyOctetString;
    else
        usage.value = DelegationUsage::Value::Other;
    return usage;
}

DelegationUsage Certificate::delegationUsage() const
{
    const ASN1_OBJECT *oid = delegationUsageObject();
    const int index = oid ? X509_get_ext_by_OBJ(m_x509.get(), oid, -1) : -1;
    return classifyDelegationUsage(index < 0 ? nullptr : X509_get_ext(m_x509.get(), index));
}

bool Certificate::hasKeyUsage() const
{
    return (X509_get_extension_flags(m_x509.get()) & EXFLAG_KUSAGE) != 0;
}

bool Certificate::allowsDigitalSignature() const
{
    return hasKeyUsage() && (X509_get_key_usage(m_x509.get()) & KU_DIGITAL_SIGNATURE) != 0;
}

bool Certificate::isCa() const
{
    // basicConstraints cA = TRUE, whatever the KeyUsage says: X509_check_ca() also demands
    // keyCertSign, and would call a CA:TRUE certificate with KeyUsage digitalSignature only
    // (the usual DC certificate) an end-entity one.
    return (X509_get_extension_flags(m_x509.get()) & EXFLAG_CA) != 0;
}

QString colonHex(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toHex(':').toUpper());
}

} // namespace baton
