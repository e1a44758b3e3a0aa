#pragma once

#include "common/Result.h"
#include "crypto/KeyType.h"
#include "crypto/OpenSsl.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QStringList>
#include <memory>

namespace baton {

/// RFC 9345's DelegationUsage extension.
inline constexpr char kDelegationUsageOid[] = "1.3.6.1.4.1.44363.44";

/// How a certificate carries the DelegationUsage extension (OID 1.3.6.1.4.1.44363.44).
struct DelegationUsage
{
    enum class Value
    {
        Absent,
        Null,             ///< ASN.1 NULL (05 00): what RFC 9345 specifies
        EmptyOctetString, ///< empty extnValue (04 00): older test data; tolerated, non-conformant
        Other,            ///< anything else
    };
    Value value = Value::Absent;
    bool critical = false;

    bool present() const { return value != Value::Absent; }
    /// What RFC 9345 §4.2 asks for: a NULL value in a non-critical extension.
    bool conformant() const { return value == Value::Null && !critical; }
};

/// The DelegationUsage OID, parsed once (OBJ_txt2obj costs microseconds).
const ASN1_OBJECT *delegationUsageObject();

/// Classifies one extension as DelegationUsage (Null, EmptyOctetString, Other; Absent for a null
/// pointer or another OID). The one place that reads the value, shared by certificates and
/// certificate requests so the two can never disagree.
DelegationUsage classifyDelegationUsage(const X509_EXTENSION *extension);

/// An X.509 certificate: an immutable, cheaply copyable value.
class Certificate
{
public:
    /// Exactly one DER certificate, no trailing bytes.
    static Result<Certificate> fromDer(QByteArrayView der);
    /// Every certificate in PEM text (CERTIFICATE blocks) or one DER certificate.
    static Result<QList<Certificate>> readAll(QByteArrayView data);
    /// The first certificate of `readAll` (the leaf, in a chain file).
    static Result<Certificate> readFirst(QByteArrayView data);

    const QByteArray &der() const { return m_der; }
    X509 *handle() const { return m_x509.get(); }

    QDateTime notBefore() const { return m_notBefore; }
    QDateTime notAfter() const { return m_notAfter; }
    /// notBefore <= at <= notAfter, as RFC 5280 counts both ends as valid.
    bool isValidAt(const QDateTime &at) const;

    QString subject() const; ///< RFC 2253 form: "CN=example.com,O=Example"
    QString issuer() const;
    QString commonName() const; ///< empty when the subject has none
    QStringList dnsNames() const;
    QString displayName() const; ///< CN, else the first DNS name, else the subject
    QString serialNumberHex() const;
    QByteArray sha256Fingerprint() const;
    bool isSelfIssued() const;

    EVP_PKEY *publicKey() const;
    /// Read once: asking OpenSSL for an EC key's curve costs microseconds, and every DC issued
    /// or verified under the certificate needs it.
    KeyType keyType() const { return m_keyType; }

    DelegationUsage delegationUsage() const;
    bool hasKeyUsage() const;
    bool allowsDigitalSignature() const; ///< KeyUsage present with digitalSignature
    bool isCa() const;                   ///< basicConstraints CA:TRUE

private:
    Certificate(X509Ptr x509, QByteArray der);

    std::shared_ptr<X509> m_x509;
    QByteArray m_der;
    QDateTime m_notBefore;
    QDateTime m_notAfter;
    KeyType m_keyType;
};

/// "AB:CD:…", the way certificate tools print fingerprints.
QString colonHex(const QByteArray &bytes);

} // namespace baton
