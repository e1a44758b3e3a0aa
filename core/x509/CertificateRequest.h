#pragma once

#include "Certificate.h"
#include "common/Result.h"
#include "crypto/KeyType.h"
#include "crypto/OpenSsl.h"

#include <QByteArray>
#include <QList>
#include <QStringList>
#include <memory>

namespace baton {

/// Frees a stack of extensions and every extension on it (what X509_REQ_get_extensions returns).

/// A PKCS#10 certificate signing request: an immutable, cheaply copyable value, like Certificate.
class CertificateRequest
{
public:
    /// Exactly one DER request, no trailing bytes.
    static Result<CertificateRequest> fromDer(QByteArrayView der);
    /// Every request in PEM text ("CERTIFICATE REQUEST" or the older "NEW CERTIFICATE REQUEST"
    /// blocks) or one DER request.
    static Result<QList<CertificateRequest>> readAll(QByteArrayView data);
    static Result<CertificateRequest> readFirst(QByteArrayView data);

    const QByteArray &der() const { return m_der; }
    X509_REQ *handle() const { return m_request.get(); }

    QString subject() const;     ///< RFC 2253 form: "CN=example.com,O=Example"
    QString commonName() const;  ///< empty when the subject has none
    QString displayName() const; ///< CN, else the first requested DNS name, else the subject

    EVP_PKEY *publicKey() const;
    KeyType keyType() const { return keyTypeOf(publicKey()); }

    /// Whether the request is signed by the key it carries (proof of possession).
    bool signatureValid() const;

    /// The extensionRequest attribute's extensions, owned by the caller (empty when the request
    /// asks for none).
    X509ExtensionStackPtr requestedExtensions() const;

    /// How the request asks for DelegationUsage: classified exactly as on a certificate.
    DelegationUsage delegationUsageRequested() const;
    /// The DNS names of a requested subjectAltName.
    QStringList dnsNames() const;

private:
    CertificateRequest(OpenSslPtr<X509_REQ, X509_REQ_free> request, QByteArray der);

    std::shared_ptr<X509_REQ> m_request;
    QByteArray m_der;
};

} // namespace baton
