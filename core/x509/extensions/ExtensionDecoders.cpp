#include "ExtensionDecoders.h"

#include "x509/Certificate.h"

namespace baton::extensions {

namespace {

// Matched by dotted OID rather than NID: DelegationUsage has no NID in OpenSSL, and one key
// for all keeps the table the single list of what Baton decodes.
constexpr KnownExtension kKnownExtensions[] = {
    {"2.5.29.19", "basic-constraints", "Basic Constraints", decodeBasicConstraints},
    {"2.5.29.15", "key-usage", "Key Usage", decodeKeyUsage},
    {"2.5.29.37", "extended-key-usage", "Extended Key Usage", decodeExtendedKeyUsage},
    {"2.5.29.17", "subject-alt-name", "Subject Alternative Name", decodeSubjectAltName},
    {"2.5.29.14", "subject-key-identifier", "Subject Key Identifier", decodeSubjectKeyIdentifier},
    {"2.5.29.35", "authority-key-identifier", "Authority Key Identifier",
     decodeAuthorityKeyIdentifier},
    {"2.5.29.31", "crl-distribution-points", "CRL Distribution Points",
     decodeCrlDistributionPoints},
    {"1.3.6.1.5.5.7.1.1", "authority-info-access", "Authority Information Access",
     decodeAuthorityInfoAccess},
    {"2.5.29.32", "certificate-policies", "Certificate Policies", decodeCertificatePolicies},
    {"2.5.29.30", "name-constraints", "Name Constraints", decodeNameConstraints},
    {"2.5.29.36", "policy-constraints", "Policy Constraints", decodePolicyConstraints},
    {"2.5.29.54", "inhibit-any-policy", "Inhibit anyPolicy", decodeInhibitAnyPolicy},
    {"1.3.6.1.4.1.11129.2.4.2", "sct-list", "Signed Certificate Timestamps", decodeSctList},
    {"1.3.6.1.5.5.7.1.24", "tls-feature", "TLS Feature", decodeTlsFeature},
    {kDelegationUsageOid, "delegation-usage", "DelegationUsage (RFC 9345)", decodeDelegationUsage},
};

} // namespace

const KnownExtension *findKnownExtension(const QString &dottedOid)
{
    for (const KnownExtension &known : kKnownExtensions)
        if (dottedOid == QLatin1String(known.oid))
            return &known;
    return nullptr;
}

} // namespace baton::extensions
