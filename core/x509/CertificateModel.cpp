#include "CertificateModel.h"

#include "common/TimeFormat.h"
#include "extensions/Asn1Dump.h"
#include "extensions/ExtensionDecoders.h"
#include "extensions/ExtensionSupport.h"

#include <QJsonArray>
#include <QSet>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

namespace baton {

using extensions::field;

namespace {

QByteArray digest(const EVP_MD *md, QByteArrayView data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!EVP_Digest(data.data(), size_t(data.size()), out, &length, md, nullptr))
        return {};
    return QByteArray(reinterpret_cast<const char *>(out), int(length));
}

QString digestName(const ASN1_OBJECT *algorithm)
{
    switch (OBJ_obj2nid(algorithm)) {
    case NID_sha1:
        return QStringLiteral("SHA-1");
    case NID_sha224:
        return QStringLiteral("SHA-224");
    case NID_sha256:
        return QStringLiteral("SHA-256");
    case NID_sha384:
        return QStringLiteral("SHA-384");
    case NID_sha512:
        return QStringLiteral("SHA-512");
    default:
        return extensions::oidNameOrDotted(algorithm);
    }
}

/// "rsassaPss (SHA-256, MGF1 SHA-256, salt 32)", with RFC 4055's defaults (SHA-1, MGF1 SHA-1,
/// salt 20) for whatever the parameters leave out.
QString pssText(const X509_ALGOR *algorithm)
{
    const QString name = QStringLiteral("rsassaPss");
    if (!algorithm->parameter || ASN1_TYPE_get(algorithm->parameter) == V_ASN1_NULL)
        return name + QStringLiteral(" (no parameters)");
    const OpenSslPtr<RSA_PSS_PARAMS, RSA_PSS_PARAMS_free> params(static_cast<RSA_PSS_PARAMS *>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS), algorithm->parameter)));
    if (!params) {
        discardOpenSslErrors();
        return name + QStringLiteral(" (parameters cannot be decoded)");
    }
    const QString hash = params->hashAlgorithm ? digestName(params->hashAlgorithm->algorithm)
                                               : QStringLiteral("SHA-1");
    QString mgf = QStringLiteral("MGF1 SHA-1");
    if (const X509_ALGOR *mask = params->maskGenAlgorithm) {
        if (OBJ_obj2nid(mask->algorithm) != NID_mgf1) {
            mgf = extensions::oidNameOrDotted(mask->algorithm);
        } else {
            const OpenSslPtr<X509_ALGOR, X509_ALGOR_free> maskHash(
                mask->parameter ? static_cast<X509_ALGOR *>(ASN1_TYPE_unpack_sequence(
                                      ASN1_ITEM_rptr(X509_ALGOR), mask->parameter))
                                : nullptr);
            discardOpenSslErrors();
            mgf = QStringLiteral("MGF1 ") + (maskHash ? digestName(maskHash->algorithm)
                                                      : QStringLiteral("(unreadable hash)"));
        }
    }
    int64_t salt = 20;
    if (params->saltLength && !ASN1_INTEGER_get_int64(&salt, params->saltLength))
        discardOpenSslErrors();
    QString text = QStringLiteral("%1 (%2, %3, salt %4").arg(name, hash, mgf).arg(salt);
    int64_t trailer = 1;
    if (params->trailerField && ASN1_INTEGER_get_int64(&trailer, params->trailerField) &&
        trailer != 1)
        text += QStringLiteral(", trailer %1").arg(trailer);
    return text + QLatin1Char(')');
}

QString signatureAlgorithmText(const X509_ALGOR *algorithm)
{
    const int nid = OBJ_obj2nid(algorithm->algorithm);
    if (nid == NID_rsassaPss)
        return pssText(algorithm);
    if (nid != NID_undef)
        return QString::fromLatin1(OBJ_nid2ln(nid));
    return extensions::oidDotted(algorithm->algorithm);
}

ModelSection plainSection(const char *id, const char *title)
{
    ModelSection section;
    section.id = QLatin1String(id);
    section.title = QLatin1String(title);
    return section;
}

ModelSection identitySection(const Certificate &certificate)
{
    X509 *x509 = certificate.handle();
    ModelSection section = plainSection("identity", "Identity");
    const X509_NAME *subject = X509_get_subject_name(x509);
    const X509_NAME *issuer = X509_get_issuer_name(x509);
    section.fields << field(QStringLiteral("Subject"), extensions::nameText(subject),
                            extensions::nameEntryFields(subject))
                   << field(QStringLiteral("Issuer"), extensions::nameText(issuer),
                            extensions::nameEntryFields(issuer))
                   << field(QStringLiteral("Serial number"), certificate.serialNumberHex())
                   << field(QStringLiteral("Version"), QString::number(X509_get_version(x509) + 1));
    if (X509_get_ext_count(x509) > 0 && X509_get_version(x509) != X509_VERSION_3)
        section.notes << QStringLiteral("extensions in a certificate that is not version 3, "
                                        "which RFC 5280 forbids");
    return section;
}

ModelSection validitySection(const Certificate &certificate)
{
    ModelSection section = plainSection("validity", "Validity");
    const qint64 seconds = certificate.notBefore().secsTo(certificate.notAfter());
    section.fields << field(QStringLiteral("Not before"), formatUtc(certificate.notBefore()))
                   << field(QStringLiteral("Not after"), formatUtc(certificate.notAfter()))
                   << field(QStringLiteral("Duration"), formatDuration(seconds));
    if (seconds < 0)
        section.notes << QStringLiteral("notAfter is before notBefore: the certificate is never "
                                        "valid");
    return section;
}

ModelSection publicKeySection(const Certificate &certificate)
{
    ModelSection section = plainSection("public-key", "Public Key");
    X509_PUBKEY *spki = X509_get_X509_PUBKEY(certificate.handle());
    ASN1_OBJECT *algorithm = nullptr;
    X509_PUBKEY_get0_param(&algorithm, nullptr, nullptr, nullptr, spki);
    const int nid = OBJ_obj2nid(algorithm);
    section.fields << field(QStringLiteral("Algorithm"),
                            nid == NID_undef ? extensions::oidDotted(algorithm)
                                             : QString::fromLatin1(OBJ_nid2ln(nid)));
    const EVP_PKEY *key = certificate.publicKey();
    if (!key) {
        discardOpenSslErrors();
        section.notes << QStringLiteral("OpenSSL cannot read this public key");
    } else {
        section.fields << field(QStringLiteral("Key"), describeKey(key));
        char group[80] = {};
        size_t groupLength = 0;
        if (EVP_PKEY_is_a(key, "EC") &&
            EVP_PKEY_get_group_name(key, group, sizeof group, &groupLength)) {
            const QString curve = QString::fromLatin1(group, qsizetype(groupLength));
            const char *nist = EC_curve_nid2nist(OBJ_sn2nid(group));
            section.fields << field(QStringLiteral("Curve"),
                                    nist ? QStringLiteral("%1 (%2)").arg(QLatin1String(nist), curve)
                                         : curve);
        }
        BIGNUM *exponent = nullptr;
        if (isRsa(keyTypeOf(key)) && EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &exponent)) {
            const OpenSslPtr<BIGNUM, BN_free> owned(exponent);
            char *text = BN_bn2dec(owned.get());
            section.fields << field(QStringLiteral("Exponent"), QString::fromLatin1(text));
            OPENSSL_free(text);
        }
        discardOpenSslErrors();
    }
    unsigned char *der = nullptr;
    const int length = i2d_X509_PUBKEY(spki, &der);
    if (length > 0) {
        const QByteArray spkiDer(reinterpret_cast<const char *>(der), length);
        section.fields << field(QStringLiteral("SPKI SHA-256"),
                                colonHex(digest(EVP_sha256(), spkiDer)));
    }
    OPENSSL_free(der);
    return section;
}

ModelSection fingerprintsSection(const Certificate &certificate)
{
    ModelSection section = plainSection("fingerprints", "Fingerprints");
    section.fields << field(QStringLiteral("SHA-256"), colonHex(certificate.sha256Fingerprint()))
                   << field(QStringLiteral("SHA-1"),
                            colonHex(digest(EVP_sha1(), certificate.der())));
    return section;
}

ModelSection signatureSection(const Certificate &certificate)
{
    ModelSection section = plainSection("signature", "Signature");
    const ASN1_BIT_STRING *signature = nullptr;
    const X509_ALGOR *algorithm = nullptr;
    X509_get0_signature(&signature, &algorithm, certificate.handle());
    section.fields << field(QStringLiteral("Algorithm"), signatureAlgorithmText(algorithm))
                   << field(QStringLiteral("OID"), extensions::oidDotted(algorithm->algorithm))
                   << field(QStringLiteral("Value"),
                            colonHex(extensions::asn1StringBytes(signature)));
    if (X509_ALGOR_cmp(algorithm, X509_get0_tbs_sigalg(certificate.handle())) != 0)
        section.notes << QStringLiteral("the signed part names a different signature algorithm, "
                                        "which RFC 5280 forbids");
    return section;
}

/// What every extension gets when Baton cannot (or, for unknown OIDs, does not) decode it.
void addRawRendering(X509_EXTENSION *extension, ModelSection &section, bool askOpenSsl)
{
    section.fields << field(QStringLiteral("OID"), section.oid)
                   << field(QStringLiteral("Length"),
                            section.rawDer.size() == 1
                                ? QStringLiteral("1 byte")
                                : QStringLiteral("%1 bytes").arg(section.rawDer.size()));
    // OpenSSL prints a few extensions Baton has no decoder for (issuerAltName, policyMappings,
    // …); its text is better than hex alone.
    if (!askOpenSsl || !X509V3_EXT_get(extension))
        return;
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (bio && X509V3_EXT_print(bio.get(), extension, 0, 0) == 1) {
        char *data = nullptr;
        const long length = BIO_get_mem_data(bio.get(), &data);
        QStringList lines;
        for (const QString &line : QString::fromUtf8(data, length).split(QLatin1Char('\n')))
            if (!line.trimmed().isEmpty())
                lines << line.trimmed();
        section.fields << field(QStringLiteral("Decoded by OpenSSL"),
                                lines.join(QLatin1Char('\n')));
    }
    discardOpenSslErrors();
}

QJsonObject fieldToJson(const ModelField &field)
{
    QJsonArray children;
    for (const ModelField &child : field.children)
        children.append(fieldToJson(child));
    return QJsonObject{{QStringLiteral("label"), field.label},
                       {QStringLiteral("value"), field.value},
                       {QStringLiteral("children"), children}};
}

} // namespace

const ModelSection *CertificateModel::section(QStringView id) const
{
    for (const ModelSection &candidate : sections)
        if (candidate.id == id)
            return &candidate;
    return nullptr;
}

QJsonObject CertificateModel::toJson() const
{
    QJsonArray jsonSections;
    for (const ModelSection &section : sections) {
        QJsonArray fields;
        for (const ModelField &field : section.fields)
            fields.append(fieldToJson(field));
        jsonSections.append(QJsonObject{
            {QStringLiteral("id"), section.id},
            {QStringLiteral("title"), section.title},
            {QStringLiteral("oid"), section.oid},
            {QStringLiteral("critical"), section.critical},
            {QStringLiteral("fields"), fields},
            {QStringLiteral("notes"), QJsonArray::fromStringList(section.notes)},
            {QStringLiteral("rawHex"), QString::fromLatin1(section.rawDer.toHex())},
            {QStringLiteral("asn1"), section.asn1Dump},
        });
    }
    return QJsonObject{{QStringLiteral("sections"), jsonSections}};
}

ModelSection describeExtension(const X509_EXTENSION *constExtension)
{
    ModelSection section;
    section.isExtension = true;
    section.id = QStringLiteral("unknown");
    if (!constExtension)
        return section;
    // OpenSSL 3.0 declares these getters without const, though they only read.
    auto *extension = const_cast<X509_EXTENSION *>(constExtension);
    section.oid = extensions::oidDotted(X509_EXTENSION_get_object(extension));
    section.critical = X509_EXTENSION_get_critical(extension) > 0;
    section.rawDer = extensions::extensionValue(extension);
    section.asn1Dump = extensions::dumpDer(section.rawDer);

    if (const extensions::KnownExtension *known = extensions::findKnownExtension(section.oid)) {
        section.id = QLatin1String(known->id);
        section.title = QLatin1String(known->title);
        if (known->decode(extension, section))
            return section;
        section.fields.clear();
        section.notes = QStringList{QStringLiteral("could not be decoded as ") + section.title};
        if (const QString problem = extensions::derElementProblem(section.rawDer);
            !problem.isEmpty())
            section.notes << problem;
        addRawRendering(extension, section, false);
        return section;
    }

    const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(extension));
    section.title = nid == NID_undef ? QStringLiteral("Unknown extension")
                                     : QString::fromLatin1(OBJ_nid2ln(nid));
    addRawRendering(extension, section, true);
    if (section.critical)
        section.notes << QStringLiteral("critical, and Baton does not know this extension: a "
                                        "relying party that does not know it either must reject "
                                        "the certificate");
    return section;
}

CertificateModel describeCertificate(const Certificate &certificate)
{
    CertificateModel model;
    model.sections << identitySection(certificate) << validitySection(certificate)
                   << publicKeySection(certificate) << fingerprintsSection(certificate)
                   << signatureSection(certificate);
    X509 *x509 = certificate.handle();
    QSet<QString> seen;
    for (int i = 0; i < X509_get_ext_count(x509); ++i) {
        ModelSection section = describeExtension(X509_get_ext(x509, i));
        if (seen.contains(section.oid))
            section.notes << QStringLiteral("this extension appears more than once, which RFC "
                                            "5280 forbids");
        seen.insert(section.oid);
        model.sections << section;
    }
    return model;
}

} // namespace baton
