// Certificate Policies (RFC 5280 §4.2.1.4), with CPS pointers and user notices.

#include "ExtensionDecoders.h"
#include "ExtensionSupport.h"

#include <QSet>

namespace baton::extensions {

namespace {

ModelField userNoticeField(const USERNOTICE *notice)
{
    ModelField result = field(QStringLiteral("User notice"),
                              notice->exptext ? asn1StringText(notice->exptext) : QString());
    if (const NOTICEREF *reference = notice->noticeref) {
        result.children << field(QStringLiteral("Organization"),
                                 asn1StringText(reference->organization));
        QStringList numbers;
        for (int i = 0; i < sk_ASN1_INTEGER_num(reference->noticenos); ++i)
            numbers << asn1IntegerDecimal(sk_ASN1_INTEGER_value(reference->noticenos, i));
        result.children << field(QStringLiteral("Notice numbers"),
                                 numbers.join(QStringLiteral(", ")));
    }
    return result;
}

ModelField qualifierField(const POLICYQUALINFO *qualifier)
{
    switch (OBJ_obj2nid(qualifier->pqualid)) {
    case NID_id_qt_cps:
        return field(QStringLiteral("CPS"), asn1StringText(qualifier->d.cpsuri));
    case NID_id_qt_unotice:
        return userNoticeField(qualifier->d.usernotice);
    default:
        return field(oidWithName(qualifier->pqualid), asn1TypeText(qualifier->d.other));
    }
}

} // namespace

bool decodeCertificatePolicies(const X509_EXTENSION *extension, ModelSection &section)
{
    const auto value = decodeExtension<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free>(extension);
    if (!value)
        return false;
    QSet<QString> seen;
    for (int i = 0; i < sk_POLICYINFO_num(value.get()); ++i) {
        const POLICYINFO *policy = sk_POLICYINFO_value(value.get(), i);
        ModelField entry = field(QStringLiteral("Policy"), oidWithName(policy->policyid));
        for (int q = 0; q < sk_POLICYQUALINFO_num(policy->qualifiers); ++q)
            entry.children << qualifierField(sk_POLICYQUALINFO_value(policy->qualifiers, q));
        const QString dotted = oidDotted(policy->policyid);
        if (seen.contains(dotted))
            section.notes << QStringLiteral("policy %1 is listed more than once, which RFC 5280 "
                                            "forbids")
                                 .arg(dotted);
        seen.insert(dotted);
        section.fields << entry;
    }
    return true;
}

} // namespace baton::extensions
