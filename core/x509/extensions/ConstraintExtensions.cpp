// Basic Constraints, Name Constraints, Policy Constraints and Inhibit anyPolicy (RFC 5280
// §4.2.1.9, .10, .11, .14): the extensions that limit what a CA may certify.

#include "ExtensionDecoders.h"
#include "ExtensionSupport.h"

namespace baton::extensions {

namespace {

QString notCriticalNote(const ModelSection &section)
{
    return QStringLiteral("not critical, but RFC 5280 requires %1 to be critical")
        .arg(section.title);
}

ModelField subtreesField(const QString &label, const STACK_OF(GENERAL_SUBTREE) * subtrees)
{
    const int count = sk_GENERAL_SUBTREE_num(subtrees);
    ModelField result = field(label, count == 1 ? QStringLiteral("1 subtree")
                                                : QStringLiteral("%1 subtrees").arg(count));
    for (int i = 0; i < count; ++i) {
        const GENERAL_SUBTREE *subtree = sk_GENERAL_SUBTREE_value(subtrees, i);
        ModelField base = generalNameField(subtree->base);
        // RFC 5280 fixes minimum at 0 and leaves maximum out; shown only when someone did not.
        if (subtree->minimum) {
            int64_t minimum = 0;
            if (!ASN1_INTEGER_get_int64(&minimum, subtree->minimum) || minimum != 0)
                base.children << field(QStringLiteral("Minimum"),
                                       asn1IntegerDecimal(subtree->minimum));
        }
        if (subtree->maximum)
            base.children << field(QStringLiteral("Maximum"), asn1IntegerDecimal(subtree->maximum));
        result.children << base;
    }
    return result;
}

} // namespace

bool decodeBasicConstraints(const X509_EXTENSION *extension, ModelSection &section)
{
    const auto value = decodeExtension<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free>(extension);
    if (!value)
        return false;
    const bool ca = value->ca != 0;
    section.fields << field(QStringLiteral("Certificate authority"), yesNo(ca));
    if (value->pathlen)
        section.fields << field(QStringLiteral("Path length limit"),
                                asn1IntegerDecimal(value->pathlen));
    else if (ca)
        section.fields << field(QStringLiteral("Path length limit"), QStringLiteral("none"));
    if (ca && !section.critical)
        section.notes << QStringLiteral("not critical, but RFC 5280 requires Basic Constraints to "
                                        "be critical in a CA certificate");
    if (!ca && value->pathlen)
        section.notes << QStringLiteral("a path length limit without CA:TRUE, which RFC 5280 "
                                        "forbids");
    return true;
}

bool decodeNameConstraints(const X509_EXTENSION *extension, ModelSection &section)
{
    const auto value = decodeExtension<NAME_CONSTRAINTS, NAME_CONSTRAINTS_free>(extension);
    if (!value)
        return false;
    if (value->permittedSubtrees)
        section.fields << subtreesField(QStringLiteral("Permitted"), value->permittedSubtrees);
    if (value->excludedSubtrees)
        section.fields << subtreesField(QStringLiteral("Excluded"), value->excludedSubtrees);
    if (!section.critical)
        section.notes << notCriticalNote(section);
    if (!value->permittedSubtrees && !value->excludedSubtrees)
        section.notes << QStringLiteral("neither permitted nor excluded subtrees, which RFC 5280 "
                                        "forbids");
    return true;
}

bool decodePolicyConstraints(const X509_EXTENSION *extension, ModelSection &section)
{
    const auto value = decodeExtension<POLICY_CONSTRAINTS, POLICY_CONSTRAINTS_free>(extension);
    if (!value)
        return false;
    if (value->requireExplicitPolicy)
        section.fields << field(QStringLiteral("Require explicit policy"),
                                asn1IntegerDecimal(value->requireExplicitPolicy));
    if (value->inhibitPolicyMapping)
        section.fields << field(QStringLiteral("Inhibit policy mapping"),
                                asn1IntegerDecimal(value->inhibitPolicyMapping));
    if (!section.critical)
        section.notes << notCriticalNote(section);
    if (!value->requireExplicitPolicy && !value->inhibitPolicyMapping)
        section.notes << QStringLiteral("neither requireExplicitPolicy nor inhibitPolicyMapping, "
                                        "which RFC 5280 forbids");
    return true;
}

bool decodeInhibitAnyPolicy(const X509_EXTENSION *extension, ModelSection &section)
{
    const auto value = decodeExtension<ASN1_INTEGER, ASN1_INTEGER_free>(extension);
    if (!value)
        return false;
    section.fields << field(QStringLiteral("Skip certificates"), asn1IntegerDecimal(value.get()));
    if (!section.critical)
        section.notes << notCriticalNote(section);
    return true;
}

} // namespace baton::extensions
