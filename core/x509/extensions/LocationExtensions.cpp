// CRL Distribution Points and Authority Information Access (RFC 5280 §4.2.1.13, §4.2.2.1):
// where revocation data and the issuer's certificate live.

#include "ExtensionDecoders.h"
#include "ExtensionSupport.h"

namespace baton::extensions {

namespace {

/// A relativeName is one RDN relative to the CRL issuer; shown on its own, as RFC 2253 text.
QString relativeNameText(const STACK_OF(X509_NAME_ENTRY) * entries)
{
    OpenSslPtr<X509_NAME, X509_NAME_free> name(X509_NAME_new());
    if (!name)
        return {};
    for (int i = 0; i < sk_X509_NAME_ENTRY_num(entries); ++i) {
        // set -1 after the first entry keeps every attribute in the one RDN.
        if (!X509_NAME_add_entry(name.get(), sk_X509_NAME_ENTRY_value(entries, i), -1,
                                 i == 0 ? 0 : -1)) {
            discardOpenSslErrors();
            return {};
        }
    }
    return nameText(name.get());
}

QString accessMethodName(const ASN1_OBJECT *method)
{
    switch (OBJ_obj2nid(method)) {
    case NID_ad_OCSP:
        return QStringLiteral("OCSP");
    case NID_ad_ca_issuers:
        return QStringLiteral("CA Issuers");
    default:
        return oidNameOrDotted(method);
    }
}

} // namespace

bool decodeCrlDistributionPoints(const X509_EXTENSION *extension, ModelSection &section)
{
    const auto value = decodeExtension<CRL_DIST_POINTS, CRL_DIST_POINTS_free>(extension);
    if (!value)
        return false;
    for (int i = 0; i < sk_DIST_POINT_num(value.get()); ++i) {
        const DIST_POINT *point = sk_DIST_POINT_value(value.get(), i);
        ModelField entry = field(QStringLiteral("Distribution point"), QString());
        if (point->distpoint && point->distpoint->type == 0) {
            entry.value = generalNamesSummary(point->distpoint->name.fullname);
            entry.children << generalNameFields(point->distpoint->name.fullname);
        } else if (point->distpoint && point->distpoint->type == 1) {
            entry.value = relativeNameText(point->distpoint->name.relativename);
            entry.children << field(QStringLiteral("Relative name"), entry.value);
        }
        if (point->reasons)
            entry.children << field(
                QStringLiteral("Reasons"),
                setBitNames(point->reasons,
                            {"unused", "keyCompromise", "cACompromise", "affiliationChanged",
                             "superseded", "cessationOfOperation", "certificateHold",
                             "privilegeWithdrawn", "aACompromise"})
                    .join(QStringLiteral(", ")));
        if (point->CRLissuer)
            entry.children << field(QStringLiteral("CRL issuer"),
                                    generalNamesSummary(point->CRLissuer),
                                    generalNameFields(point->CRLissuer));
        if (!point->distpoint && !point->CRLissuer)
            section.notes << QStringLiteral("distribution point %1 has neither a name nor a CRL "
                                            "issuer, which RFC 5280 forbids")
                                 .arg(i + 1);
        section.fields << entry;
    }
    return true;
}

bool decodeAuthorityInfoAccess(const X509_EXTENSION *extension, ModelSection &section)
{
    const auto value =
        decodeExtension<AUTHORITY_INFO_ACCESS, AUTHORITY_INFO_ACCESS_free>(extension);
    if (!value)
        return false;
    for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(value.get()); ++i) {
        const ACCESS_DESCRIPTION *access = sk_ACCESS_DESCRIPTION_value(value.get(), i);
        // A URI is the usual location; any other kind says what it is.
        const QString location =
            access->location->type == GEN_URI
                ? generalNameText(access->location)
                : QStringLiteral("%1: %2").arg(generalNameKind(access->location),
                                               generalNameText(access->location));
        section.fields << field(accessMethodName(access->method), location);
    }
    if (section.critical)
        section.notes << QStringLiteral("critical, but RFC 5280 requires Authority Information "
                                        "Access to be non-critical");
    return true;
}

} // namespace baton::extensions
