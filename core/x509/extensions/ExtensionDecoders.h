#pragma once

// One decoder per extension Baton knows. Each fills a section's fields and conformance notes
// from the extension's value; the caller has already set id, title, OID, criticality and the
// raw bytes. A decoder returns false, leaving the section for the caller to clear, when the
// value cannot be decoded as what its OID says.

#include "x509/CertificateModel.h"

#include <QString>

namespace baton::extensions {

using Decoder = bool (*)(const X509_EXTENSION *extension, ModelSection &section);

struct KnownExtension
{
    const char *oid;
    const char *id;    ///< ModelSection::id
    const char *title; ///< ModelSection::title
    Decoder decode;
};

/// The decoder for this dotted OID, or nullptr.
const KnownExtension *findKnownExtension(const QString &dottedOid);

// ConstraintExtensions.cpp
bool decodeBasicConstraints(const X509_EXTENSION *extension, ModelSection &section);
bool decodeNameConstraints(const X509_EXTENSION *extension, ModelSection &section);
bool decodePolicyConstraints(const X509_EXTENSION *extension, ModelSection &section);
bool decodeInhibitAnyPolicy(const X509_EXTENSION *extension, ModelSection &section);

// UsageExtensions.cpp
bool decodeKeyUsage(const X509_EXTENSION *extension, ModelSection &section);
bool decodeExtendedKeyUsage(const X509_EXTENSION *extension, ModelSection &section);
bool decodeTlsFeature(const X509_EXTENSION *extension, ModelSection &section);

// NameExtensions.cpp
bool decodeSubjectAltName(const X509_EXTENSION *extension, ModelSection &section);
bool decodeSubjectKeyIdentifier(const X509_EXTENSION *extension, ModelSection &section);
bool decodeAuthorityKeyIdentifier(const X509_EXTENSION *extension, ModelSection &section);

// LocationExtensions.cpp
bool decodeCrlDistributionPoints(const X509_EXTENSION *extension, ModelSection &section);
bool decodeAuthorityInfoAccess(const X509_EXTENSION *extension, ModelSection &section);

// PolicyExtensions.cpp
bool decodeCertificatePolicies(const X509_EXTENSION *extension, ModelSection &section);

// SctExtension.cpp
bool decodeSctList(const X509_EXTENSION *extension, ModelSection &section);

// DelegationUsageExtension.cpp
bool decodeDelegationUsage(const X509_EXTENSION *extension, ModelSection &section);

} // namespace baton::extensions
