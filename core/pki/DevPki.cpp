#include "DevPki.h"

#include "common/TimeFormat.h"
#include "x509/CertificateBuilder.h"

namespace baton {

namespace {

// Certificates start an hour in the past so that peers whose clock runs a little behind do
// not see them as not yet valid (the same reason CAs backdate).
constexpr qint64 kBackdateSeconds = 3600;

Result<EvpPkeyPtr> keyFor(const KeySpec *spec)
{
    return generateKey(spec ? *spec : certificateKeys()[0]);
}

/// Applies each step in turn, stopping at the first error.
Status all(std::initializer_list<std::function<Status()>> steps)
{
    for (const auto &step : steps) {
        if (auto status = step(); !status)
            return status;
    }
    return {};
}

} // namespace

Result<CertificateAndKey> createDevCa(const DevCaOptions &options)
{
    if (options.days <= 0)
        return Error{QStringLiteral("the CA's validity must be at least one day")};
    auto key = keyFor(options.keySpec);
    if (!key)
        return key.error();
    auto name = parseDistinguishedName(QStringLiteral("CN=") + options.commonName);
    if (!name)
        return name.error();
    CertificateBuilder builder;
    builder.setSubject(name->get());
    builder.setRandomSerial();
    builder.setValidity(options.now.addSecs(-kBackdateSeconds), options.now.addDays(options.days));
    builder.setPublicKey(key->get());
    const Status extensions = all({
        [&] {
            return builder.addExtension(NID_basic_constraints, u"critical,CA:TRUE,pathlen:0"_qs);
        },
        [&] { return builder.addExtension(NID_key_usage, u"critical,keyCertSign,cRLSign"_qs); },
        [&] { return builder.addExtension(NID_subject_key_identifier, u"hash"_qs); },
    });
    if (!extensions)
        return extensions.error();
    auto certificate = builder.sign(key->get());
    if (!certificate)
        return certificate.error();
    return CertificateAndKey{std::move(certificate).value(), std::move(key).value()};
}

Result<DevLeaf> issueDevLeaf(const Certificate &ca, EVP_PKEY *caKey, const DevLeafOptions &options)
{
    if (options.dnsNames.isEmpty())
        return Error{QStringLiteral("a leaf certificate needs at least one DNS name")};
    if (options.days <= 0)
        return Error{QStringLiteral("the certificate's validity must be at least one day")};
    if (!ca.isCa())
        return Error{QStringLiteral("the issuing certificate is not a CA (no CA:TRUE)")};
    if (!samePublicKey(caKey, ca.publicKey()))
        return Error{QStringLiteral("the CA key does not belong to the CA certificate")};
    if (!ca.isValidAt(options.now))
        return Error{QStringLiteral("the CA certificate is not valid now (%1 to %2)")
                         .arg(formatUtc(ca.notBefore()), formatUtc(ca.notAfter()))};
    QStringList notes;
    QDateTime notAfter = options.now.addDays(options.days);
    if (notAfter > ca.notAfter()) {
        notAfter = ca.notAfter();
        notes << QStringLiteral("validity shortened to end with the CA (notAfter %1)")
                     .arg(formatUtc(notAfter));
    }
    auto key = keyFor(options.keySpec);
    if (!key)
        return key.error();
    auto name = parseDistinguishedName(QStringLiteral("CN=") + options.dnsNames.first());
    if (!name)
        return name.error();
    CertificateBuilder builder;
    builder.setSubject(name->get());
    builder.setIssuer(ca);
    builder.setRandomSerial();
    builder.setValidity(std::max(options.now.addSecs(-kBackdateSeconds), ca.notBefore()), notAfter);
    builder.setPublicKey(key->get());
    const Status extensions = all({
        [&] { return builder.addExtension(NID_basic_constraints, u"critical,CA:FALSE"_qs); },
        [&] { return builder.addExtension(NID_key_usage, u"critical,digitalSignature"_qs); },
        [&] {
            return builder.addExtension(
                NID_ext_key_usage, options.client ? u"serverAuth,clientAuth"_qs : u"serverAuth"_qs);
        },
        [&] { return builder.addSubjectAltNames(options.dnsNames, options.ipAddresses); },
        [&] { return builder.addExtension(NID_subject_key_identifier, u"hash"_qs); },
        [&] { return builder.addExtension(NID_authority_key_identifier, u"keyid:always"_qs); },
        [&] { return options.delegation ? builder.addDelegationUsage() : Status(); },
    });
    if (!extensions)
        return extensions.error();
    auto certificate = builder.sign(caKey);
    if (!certificate)
        return certificate.error();
    return DevLeaf{{std::move(certificate).value(), std::move(key).value()}, notes};
}

Result<NewRequest> createDelegationRequest(const CsrOptions &options)
{
    if (options.dnsNames.isEmpty())
        return Error{QStringLiteral("a certificate request needs at least one DNS name")};
    auto name = parseDistinguishedName(options.subject.isEmpty()
                                           ? QStringLiteral("CN=") + options.dnsNames.first()
                                           : options.subject);
    if (!name)
        return name.error();
    auto key = keyFor(options.keySpec);
    if (!key)
        return key.error();
    RequestBuilder builder;
    builder.setSubject(name->get());
    builder.setPublicKey(key->get());
    const Status extensions = all({
        [&] { return builder.addExtension(NID_key_usage, u"critical,digitalSignature"_qs); },
        [&] { return builder.addExtension(NID_ext_key_usage, u"serverAuth"_qs); },
        [&] { return builder.addSubjectAltNames(options.dnsNames, options.ipAddresses); },
        [&] { return options.delegation ? builder.addDelegationUsage() : Status(); },
    });
    if (!extensions)
        return extensions.error();
    auto der = builder.sign(key->get());
    if (!der)
        return der.error();
    return NewRequest{std::move(der).value(), std::move(key).value()};
}

} // namespace baton
