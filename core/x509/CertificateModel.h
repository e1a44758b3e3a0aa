#pragma once

#include "x509/Certificate.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

namespace baton {

/// One labelled value; children make a tree (e.g. a SAN entry list, a policy with qualifiers).
struct ModelField
{
    QString label;
    QString value;
    QList<ModelField> children;
};

/// One section: identity, validity, public key, fingerprints, signature, or one extension.
struct ModelSection
{
    /// Stable: "identity", "validity", "public-key", "fingerprints", "signature"; for an
    /// extension its stable name ("basic-constraints", "key-usage", "extended-key-usage",
    /// "subject-alt-name", "subject-key-identifier", "authority-key-identifier",
    /// "crl-distribution-points", "authority-info-access", "certificate-policies",
    /// "name-constraints", "policy-constraints", "inhibit-any-policy", "sct-list",
    /// "tls-feature", "delegation-usage"), or "unknown" for any other. A known extension whose
    /// value cannot be decoded keeps its id; its fields are then the raw rendering and a note
    /// says so.
    QString id;
    QString title; ///< "Subject Alternative Name", "DelegationUsage (RFC 9345)", …
    QString oid;   ///< dotted OID for extensions, empty otherwise
    bool isExtension = false;
    bool critical = false;
    QList<ModelField> fields;
    QStringList notes; ///< conformance remarks in plain words
    QByteArray rawDer; ///< the extension's extnValue bytes; empty for non-extensions
    QString asn1Dump;  ///< a readable ASN.1 listing of rawDer; empty for non-extensions
};

/// Everything a person wants to see in a certificate, decoded into plain values, so that the
/// GUI and `batonctl inspect --json` only render and never decode ASN.1 themselves.
struct CertificateModel
{
    QList<ModelSection> sections;

    /// The first section with this id, or nullptr.
    const ModelSection *section(QStringView id) const;
    /// {"sections":[{"id","title","oid","critical","fields":[{"label","value","children":[…]}],
    /// "notes":[…],"rawHex","asn1"}]}
    QJsonObject toJson() const;
};

/// identity, validity, public-key, fingerprints and signature, then one section per extension
/// in the certificate's order.
CertificateModel describeCertificate(const Certificate &certificate);

/// The same decoders for any extension (a CSR's requested extensions use this too).
ModelSection describeExtension(const X509_EXTENSION *extension);

} // namespace baton
