#pragma once

#include "Certificate.h"
#include "common/Result.h"
#include "crypto/OpenSsl.h"

#include <QByteArray>
#include <QDateTime>
#include <QStringList>

namespace baton {

/// The DelegationUsage extension's DER value, ASN.1 NULL: the only value RFC 9345 defines.
QByteArray delegationUsageNullValue();

/// Parses a distinguished name written "CN=x,O=y" or, as OpenSSL's -subj takes it, "/CN=x/O=y".
/// Attributes are kept in the order written; a backslash escapes the separator.
Result<OpenSslPtr<X509_NAME, X509_NAME_free>> parseDistinguishedName(const QString &text);

/// Assembles and signs an X.509 v3 certificate. Extensions use OpenSSL's configuration syntax
/// ("critical,digitalSignature"), so what Baton writes reads exactly like `openssl req -addext`.
class CertificateBuilder
{
public:
    CertificateBuilder();

    void setSubject(const X509_NAME *name);
    /// Without an issuer the certificate is self-signed.
    void setIssuer(const Certificate &issuer);
    void setValidity(const QDateTime &notBefore, const QDateTime &notAfter);
    void setPublicKey(EVP_PKEY *key);
    /// A random 127-bit serial number, as CA/Browser Forum rules ask (at least 64 bits).
    void setRandomSerial();

    Status addExtension(int nid, const QString &value);
    Status addSubjectAltNames(const QStringList &dnsNames, const QStringList &ipAddresses);
    /// DelegationUsage with a raw DER value (NULL unless a test wants a non-conformant one).
    Status addDelegationUsage(bool critical = false,
                              const QByteArray &value = delegationUsageNullValue());

    /// Signs with the issuer's key (the subject's own key when self-signed), with the digest
    /// that matches the key: SHA-384 for P-384, SHA-512 for P-521, none for EdDSA, else SHA-256.
    Result<Certificate> sign(EVP_PKEY *issuerKey);

private:
    X509Ptr m_x509;
    std::optional<Certificate> m_issuer;
};

/// Assembles and signs a PKCS#10 request with an extensionRequest.
class RequestBuilder
{
public:
    RequestBuilder();

    void setSubject(const X509_NAME *name);
    void setPublicKey(EVP_PKEY *key);
    Status addExtension(int nid, const QString &value);
    Status addSubjectAltNames(const QStringList &dnsNames, const QStringList &ipAddresses);
    Status addDelegationUsage();

    /// The request in DER, signed by its own key.
    Result<QByteArray> sign(EVP_PKEY *key);

private:
    OpenSslPtr<X509_REQ, X509_REQ_free> m_request;
    X509ExtensionStackPtr m_extensions;
};

/// The digest a certificate or request signed by `key` should use (nullptr for EdDSA).
const EVP_MD *signingDigestFor(const EVP_PKEY *key);

} // namespace baton
