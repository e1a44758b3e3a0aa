#pragma once

// A local test PKI: few public CAs issue certificates with DelegationUsage, so operators and
// tests need a CA of their own that does, and a CSR that asks a real CA for the extension.

#include "common/Result.h"
#include "crypto/KeyCodec.h"
#include "x509/Certificate.h"

#include <QDateTime>
#include <QStringList>

namespace baton {

struct CertificateAndKey
{
    Certificate certificate;
    EvpPkeyPtr key;
};

struct DevCaOptions
{
    const KeySpec *keySpec = nullptr; ///< null: ecdsa-p256
    int days = 3650;
    QString commonName = QStringLiteral("Baton Dev CA");
    QDateTime now; ///< injected
};

/// A self-signed CA certificate (CA:TRUE, pathlen 0, keyCertSign + cRLSign) and its key.
Result<CertificateAndKey> createDevCa(const DevCaOptions &options);

struct DevLeafOptions
{
    QStringList dnsNames; ///< the first is also the subject CN
    QStringList ipAddresses;
    const KeySpec *keySpec = nullptr; ///< null: ecdsa-p256
    int days = 90;
    bool client = false;    ///< add clientAuth to the EKU (for client DCs)
    bool delegation = true; ///< add DelegationUsage (NULL, non-critical)
    QDateTime now;          ///< injected
};

/// A leaf certificate issued by the CA, shaped for DCs: DelegationUsage (NULL, non-critical),
/// KeyUsage digitalSignature (critical), EKU serverAuth (+ clientAuth), SAN. It never outlives
/// the CA: a longer request is shortened to the CA's notAfter and `notes` says so.
struct DevLeaf
{
    CertificateAndKey issued;
    QStringList notes;
};
Result<DevLeaf> issueDevLeaf(const Certificate &ca, EVP_PKEY *caKey, const DevLeafOptions &options);

struct CsrOptions
{
    QStringList dnsNames;
    QStringList ipAddresses;
    QString subject;                  ///< "CN=x,O=y" or "/CN=x/O=y"; empty: CN = the first DNS name
    const KeySpec *keySpec = nullptr; ///< null: ecdsa-p256
    bool delegation = true;
};

struct NewRequest
{
    QByteArray der;
    EvpPkeyPtr key;
};

/// A CSR whose extensionRequest asks for DelegationUsage (NULL, non-critical), KeyUsage
/// digitalSignature (critical), EKU serverAuth and the SANs: ready to send to a CA.
Result<NewRequest> createDelegationRequest(const CsrOptions &options);

} // namespace baton
