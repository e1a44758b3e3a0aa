#include "ExtensionSupport.h"

#include "x509/Certificate.h"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/objects.h>

namespace baton::extensions {

namespace {

using BignumPtr = OpenSslPtr<BIGNUM, BN_free>;

QString bignumText(const BIGNUM *bn, bool hex)
{
    if (!bn)
        return {};
    char *text = hex ? BN_bn2hex(bn) : BN_bn2dec(bn);
    if (!text)
        return {};
    QString out = QString::fromLatin1(text);
    OPENSSL_free(text);
    return out;
}

QString ipv4Text(QByteArrayView bytes)
{
    return QStringLiteral("%1.%2.%3.%4")
        .arg(quint8(bytes[0]))
        .arg(quint8(bytes[1]))
        .arg(quint8(bytes[2]))
        .arg(quint8(bytes[3]));
}

QString ipv6Text(QByteArrayView bytes)
{
    quint16 groups[8];
    for (int i = 0; i < 8; ++i)
        groups[i] = quint16(quint8(bytes[2 * i]) << 8 | quint8(bytes[2 * i + 1]));
    // RFC 5952 §5: an IPv4-mapped address keeps its IPv4 part dotted.
    if (!groups[0] && !groups[1] && !groups[2] && !groups[3] && !groups[4] && groups[5] == 0xffff)
        return QStringLiteral("::ffff:") + ipv4Text(bytes.sliced(12));
    // RFC 5952 §4.2: the longest run of two or more zero groups becomes "::", the first if tied.
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8;) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && groups[j] == 0)
            ++j;
        if (j - i > bestLength) {
            bestStart = i;
            bestLength = j - i;
        }
        i = j;
    }
    QString text;
    for (int i = 0; i < 8; ++i) {
        if (i == bestStart) {
            text += QStringLiteral("::");
            i += bestLength - 1;
            continue;
        }
        if (!text.isEmpty() && !text.endsWith(QLatin1Char(':')))
            text += QLatin1Char(':');
        text += QString::number(groups[i], 16);
    }
    return text;
}

/// The prefix length of a contiguous mask, or -1.
int prefixLength(QByteArrayView mask)
{
    int length = 0;
    bool ended = false;
    for (const char c : mask) {
        for (int bit = 7; bit >= 0; --bit) {
            const bool set = (quint8(c) >> bit) & 1;
            if (set && ended)
                return -1;
            if (set)
                ++length;
            else
                ended = true;
        }
    }
    return length;
}

} // namespace

ModelField field(const QString &label, const QString &value, QList<ModelField> children)
{
    return ModelField{label, value, std::move(children)};
}

QString yesNo(bool value)
{
    return value ? QStringLiteral("yes") : QStringLiteral("no");
}

QByteArray asn1StringBytes(const ASN1_STRING *string)
{
    if (!string)
        return {};
    return QByteArray(reinterpret_cast<const char *>(ASN1_STRING_get0_data(string)),
                      ASN1_STRING_length(string));
}

QString asn1StringText(const ASN1_STRING *string)
{
    if (!string)
        return {};
    unsigned char *utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, string);
    if (length < 0) {
        discardOpenSslErrors();
        return colonHex(asn1StringBytes(string));
    }
    QString text = QString::fromUtf8(reinterpret_cast<const char *>(utf8), length);
    OPENSSL_free(utf8);
    return text;
}

QString asn1IntegerDecimal(const ASN1_INTEGER *integer)
{
    if (!integer)
        return {};
    const BignumPtr bn(ASN1_INTEGER_to_BN(integer, nullptr));
    return bignumText(bn.get(), false);
}

QString asn1IntegerHex(const ASN1_INTEGER *integer)
{
    if (!integer)
        return {};
    const BignumPtr bn(ASN1_INTEGER_to_BN(integer, nullptr));
    return bignumText(bn.get(), true);
}

QString asn1TypeText(const ASN1_TYPE *value)
{
    if (!value)
        return {};
    switch (ASN1_TYPE_get(value)) {
    case V_ASN1_BOOLEAN:
        return value->value.boolean ? QStringLiteral("TRUE") : QStringLiteral("FALSE");
    case V_ASN1_INTEGER:
        return asn1IntegerDecimal(value->value.integer);
    case V_ASN1_ENUMERATED: {
        const BignumPtr bn(ASN1_ENUMERATED_to_BN(value->value.enumerated, nullptr));
        return bignumText(bn.get(), false);
    }
    case V_ASN1_OBJECT:
        return oidWithName(value->value.object);
    case V_ASN1_NULL:
        return QStringLiteral("NULL");
    case V_ASN1_UTF8STRING:
    case V_ASN1_PRINTABLESTRING:
    case V_ASN1_IA5STRING:
    case V_ASN1_T61STRING:
    case V_ASN1_BMPSTRING:
    case V_ASN1_UNIVERSALSTRING:
    case V_ASN1_VISIBLESTRING:
    case V_ASN1_NUMERICSTRING:
        return asn1StringText(value->value.asn1_string);
    case V_ASN1_UTCTIME:
    case V_ASN1_GENERALIZEDTIME:
        return QString::fromLatin1(asn1StringBytes(value->value.asn1_string));
    case V_ASN1_OCTET_STRING:
    case V_ASN1_BIT_STRING:
        return colonHex(asn1StringBytes(value->value.asn1_string));
    default:
        break;
    }
    unsigned char *der = nullptr;
    const int length = i2d_ASN1_TYPE(value, &der);
    if (length <= 0) {
        discardOpenSslErrors();
        return {};
    }
    const QByteArray bytes(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return QStringLiteral("DER ") + colonHex(bytes);
}

QString oidDotted(const ASN1_OBJECT *object)
{
    if (!object)
        return {};
    char buffer[128];
    const int length = OBJ_obj2txt(buffer, sizeof buffer, object, 1);
    if (length <= 0)
        return {};
    if (length < int(sizeof buffer))
        return QString::fromLatin1(buffer, length);
    QByteArray big(length + 1, '\0');
    OBJ_obj2txt(big.data(), int(big.size()), object, 1);
    return QString::fromLatin1(big.constData(), length);
}

QString oidShortName(const QString &dotted)
{
    // Names OpenSSL 3.0 lacks, from the CA/Browser Forum Baseline Requirements §7.1.6.1 and
    // RFC 9345: they are what a person looks for in a TLS certificate.
    static const std::pair<const char *, const char *> extra[] = {
        {"2.23.140.1.1", "ev-guidelines"},
        {"2.23.140.1.2.1", "domain-validated"},
        {"2.23.140.1.2.2", "organization-validated"},
        {"2.23.140.1.2.3", "individual-validated"},
        {kDelegationUsageOid, "DelegationUsage"},
    };
    const QByteArray latin1 = dotted.toLatin1();
    for (const auto &[oid, name] : extra)
        if (latin1 == oid)
            return QLatin1String(name);
    const Asn1ObjectPtr object(OBJ_txt2obj(latin1.constData(), 1));
    if (!object) {
        discardOpenSslErrors();
        return {};
    }
    const int nid = OBJ_obj2nid(object.get());
    return nid == NID_undef ? QString() : QString::fromLatin1(OBJ_nid2sn(nid));
}

QString oidWithName(const ASN1_OBJECT *object)
{
    const QString dotted = oidDotted(object);
    const QString name = oidShortName(dotted);
    return name.isEmpty() ? dotted : QStringLiteral("%1 (%2)").arg(dotted, name);
}

QString oidNameOrDotted(const ASN1_OBJECT *object)
{
    const QString dotted = oidDotted(object);
    const QString name = oidShortName(dotted);
    return name.isEmpty() ? dotted : name;
}

QString ipAddressText(QByteArrayView bytes)
{
    switch (bytes.size()) {
    case 4:
        return ipv4Text(bytes);
    case 16:
        return ipv6Text(bytes);
    case 8:
    case 32: {
        const qsizetype half = bytes.size() / 2;
        const QByteArrayView address = bytes.first(half);
        const QByteArrayView mask = bytes.sliced(half);
        const QString text = half == 4 ? ipv4Text(address) : ipv6Text(address);
        const int prefix = prefixLength(mask);
        if (prefix >= 0)
            return QStringLiteral("%1/%2").arg(text).arg(prefix);
        return QStringLiteral("%1/%2").arg(text, half == 4 ? ipv4Text(mask) : ipv6Text(mask));
    }
    default:
        return QStringLiteral("invalid address of %1 bytes: %2")
            .arg(bytes.size())
            .arg(colonHex(bytes.toByteArray()));
    }
}

QString nameText(const X509_NAME *name)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
        return {};
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return QString::fromUtf8(data, length);
}

QList<ModelField> nameEntryFields(const X509_NAME *name)
{
    QList<ModelField> fields;
    for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
        const X509_NAME_ENTRY *entry = X509_NAME_get_entry(name, i);
        fields << field(oidNameOrDotted(X509_NAME_ENTRY_get_object(entry)),
                        asn1StringText(X509_NAME_ENTRY_get_data(entry)));
    }
    return fields;
}

QString generalNameKind(const GENERAL_NAME *name)
{
    switch (name ? name->type : -1) {
    case GEN_OTHERNAME:
        return QStringLiteral("Other name");
    case GEN_EMAIL:
        return QStringLiteral("Email");
    case GEN_DNS:
        return QStringLiteral("DNS");
    case GEN_X400:
        return QStringLiteral("X.400 address");
    case GEN_DIRNAME:
        return QStringLiteral("Directory name");
    case GEN_EDIPARTY:
        return QStringLiteral("EDI party name");
    case GEN_URI:
        return QStringLiteral("URI");
    case GEN_IPADD:
        return QStringLiteral("IP address");
    case GEN_RID:
        return QStringLiteral("Registered ID");
    default:
        return QStringLiteral("Unknown name");
    }
}

QString generalNameText(const GENERAL_NAME *name)
{
    if (!name)
        return {};
    switch (name->type) {
    case GEN_OTHERNAME:
        return QStringLiteral("%1: %2").arg(oidNameOrDotted(name->d.otherName->type_id),
                                            asn1TypeText(name->d.otherName->value));
    case GEN_EMAIL:
    case GEN_DNS:
    case GEN_URI:
        return asn1StringText(name->d.ia5);
    case GEN_X400:
        return colonHex(asn1StringBytes(name->d.x400Address));
    case GEN_DIRNAME:
        return nameText(name->d.directoryName);
    case GEN_EDIPARTY: {
        const EDIPARTYNAME *party = name->d.ediPartyName;
        const QString partyName = asn1StringText(party->partyName);
        return party->nameAssigner ? QStringLiteral("%1 (assigned by %2)")
                                         .arg(partyName, asn1StringText(party->nameAssigner))
                                   : partyName;
    }
    case GEN_IPADD:
        return ipAddressText(asn1StringBytes(name->d.iPAddress));
    case GEN_RID:
        return oidWithName(name->d.registeredID);
    default:
        return {};
    }
}

ModelField generalNameField(const GENERAL_NAME *name)
{
    ModelField result = field(generalNameKind(name), generalNameText(name));
    if (name && name->type == GEN_OTHERNAME)
        result.children << field(QStringLiteral("Type"), oidWithName(name->d.otherName->type_id))
                        << field(QStringLiteral("Value"), asn1TypeText(name->d.otherName->value));
    else if (name && name->type == GEN_DIRNAME)
        result.children = nameEntryFields(name->d.directoryName);
    return result;
}

QList<ModelField> generalNameFields(const GENERAL_NAMES *names)
{
    QList<ModelField> fields;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i)
        fields << generalNameField(sk_GENERAL_NAME_value(names, i));
    return fields;
}

QString generalNamesSummary(const GENERAL_NAMES *names)
{
    QStringList texts;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i)
        texts << generalNameText(sk_GENERAL_NAME_value(names, i));
    return texts.join(QStringLiteral(", "));
}

QStringList setBitNames(const ASN1_BIT_STRING *bits, std::initializer_list<const char *> names)
{
    QStringList set;
    const int bitCount = ASN1_STRING_length(bits) * 8;
    for (int bit = 0; bit < bitCount; ++bit) {
        if (!ASN1_BIT_STRING_get_bit(bits, bit))
            continue;
        set << (bit < int(names.size()) ? QString(QLatin1String(names.begin()[bit]))
                                        : QStringLiteral("bit %1").arg(bit));
    }
    return set;
}

QByteArray extensionValue(const X509_EXTENSION *extension)
{
    if (!extension)
        return {};
    // OpenSSL 3.0 declares this getter without const, though it only reads.
    return asn1StringBytes(X509_EXTENSION_get_data(const_cast<X509_EXTENSION *>(extension)));
}

} // namespace baton::extensions
