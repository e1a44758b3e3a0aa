#include "DcReadiness.h"

#include "DelegatedCredential.h"
#include "common/TimeFormat.h"
#include "tls/SignatureScheme.h"

namespace baton {

namespace {

/// Ids and titles are QStringLiterals: converting char * to QString for every check of every DC
/// issued showed in its profile.
DcCheck makeCheck(const QString &id, const QString &title, CheckOutcome outcome,
                  const QString &detail)
{
    return DcCheck{id, title, outcome, detail};
}

} // namespace

DcCheck delegationUsageCheck(const Certificate &certificate)
{
    const QString id = QStringLiteral("delegation-usage");
    const QString title = QStringLiteral("Certificate has DelegationUsage");
    const DelegationUsage usage = certificate.delegationUsage();
    switch (usage.value) {
    case DelegationUsage::Value::Absent:
        return makeCheck(id, title, CheckOutcome::Fail,
                         QStringLiteral("the certificate lacks the DelegationUsage extension "
                                        "(1.3.6.1.4.1.44363.44), so peers reject every DC under "
                                        "it; order a certificate with it (CSR extension "
                                        "1.3.6.1.4.1.44363.44=ASN1:NULL)"));
    case DelegationUsage::Value::Null:
        if (usage.critical)
            return makeCheck(id, title, CheckOutcome::Warn,
                             QStringLiteral("present but marked critical; RFC 9345 requires it "
                                            "non-critical, and Cloudflare's Go stack and "
                                            "validators that do not know the OID reject the "
                                            "certificate"));
        return makeCheck(id, title, CheckOutcome::Pass,
                         QStringLiteral("present, non-critical, NULL value, as RFC 9345 "
                                        "specifies"));
    case DelegationUsage::Value::EmptyOctetString:
    case DelegationUsage::Value::Other:
        break;
    }
    return makeCheck(id, title, CheckOutcome::Warn,
                     QStringLiteral("present%1, but its value is %2 instead of the ASN.1 NULL "
                                    "RFC 9345 specifies; most peers tolerate it, strict ones may "
                                    "not")
                         .arg(usage.critical ? QStringLiteral(" (and critical)") : QString(),
                              usage.value == DelegationUsage::Value::EmptyOctetString
                                  ? QStringLiteral("an empty OCTET STRING (as in older test "
                                                   "data)")
                                  : QStringLiteral("something else")));
}

DcCheck keyUsageCheck(const Certificate &certificate)
{
    const QString id = QStringLiteral("key-usage");
    const QString title = QStringLiteral("Certificate allows digitalSignature");
    if (certificate.allowsDigitalSignature())
        return makeCheck(id, title, CheckOutcome::Pass,
                         QStringLiteral("KeyUsage includes digitalSignature"));
    return makeCheck(id, title, CheckOutcome::Fail,
                     certificate.hasKeyUsage()
                         ? QStringLiteral("the certificate's KeyUsage lacks digitalSignature, "
                                          "which RFC 9345 requires; peers reject DCs under it")
                         : QStringLiteral("the certificate has no KeyUsage extension, so it "
                                          "lacks the digitalSignature RFC 9345 requires"));
}

DcCheck endEntityCheck(const Certificate &certificate)
{
    if (certificate.isCa())
        return makeCheck(QStringLiteral("end-entity"), QStringLiteral("End-entity certificate"),
                         CheckOutcome::Warn,
                         QStringLiteral("the certificate is a CA (basicConstraints CA:TRUE); "
                                        "RFC 9345 does not forbid DCs under it, but they are "
                                        "meant for end-entity certificates"));
    return makeCheck(QStringLiteral("end-entity"), QStringLiteral("End-entity certificate"),
                     CheckOutcome::Pass, QStringLiteral("not a CA certificate"));
}

DcCheck signingKeyCheck(const Certificate &certificate)
{
    const QString id = QStringLiteral("signing-key");
    const QString title = QStringLiteral("Certificate key can sign DCs");
    const KeyType type = certificate.keyType();
    const SignatureScheme *scheme = certificateSchemeForKey(type);
    if (!scheme)
        return makeCheck(
            id, title, CheckOutcome::Fail,
            QStringLiteral("the certificate key (%1) has no TLS 1.3 signature scheme, so it cannot "
                           "sign DCs")
                .arg(describeKey(certificate.publicKey())));
    if (type == KeyType::Rsa)
        return makeCheck(id, title, CheckOutcome::Warn,
                         QStringLiteral("DCs are signed with %1, which Firefox/NSS never accepts "
                                        "as a DC's signature (it offers no rsa_pss_rsae scheme "
                                        "for DCs), so Firefox rejects every DC under this "
                                        "certificate; and a server still offering TLS 1.2 RSA "
                                        "key exchange exposes DCs to signature forgery (RFC 9345 "
                                        "§7.6). Prefer an EC certificate")
                             .arg(scheme->displayName()));
    return makeCheck(id, title, CheckOutcome::Pass,
                     QStringLiteral("DCs are signed with %1").arg(scheme->displayName()));
}

DcCheck certificateValidityCheck(const Certificate &certificate, const QDateTime &now)
{
    const QString id = QStringLiteral("certificate-validity");
    const QString title = QStringLiteral("Certificate valid now");
    if (now < certificate.notBefore())
        return makeCheck(id, title, CheckOutcome::Fail,
                         QStringLiteral("the certificate is not valid yet (notBefore %1, %2); a "
                                        "DC cannot start before its certificate")
                             .arg(formatUtc(certificate.notBefore()),
                                  formatRelative(now, certificate.notBefore())));
    if (now >= certificate.notAfter())
        return makeCheck(id, title, CheckOutcome::Fail,
                         QStringLiteral("the certificate expired %1 (notAfter %2); renew it, "
                                        "then issue DCs under the new one")
                             .arg(formatRelative(now, certificate.notAfter()),
                                  formatUtc(certificate.notAfter())));
    const qint64 left = now.secsTo(certificate.notAfter());
    if (left < DelegatedCredential::kMaxValiditySeconds)
        return makeCheck(id, title, CheckOutcome::Warn,
                         QStringLiteral("the certificate expires %1 (%2), so DCs issued now "
                                        "last at most %3; renew the certificate")
                             .arg(formatRelative(now, certificate.notAfter()),
                                  formatUtc(certificate.notAfter()), formatDuration(left)));
    return makeCheck(
        id, title, CheckOutcome::Pass,
        QStringLiteral("valid until %1 (%2); DCs may last the full 7 d")
            .arg(formatUtc(certificate.notAfter()), formatRelative(now, certificate.notAfter())));
}

QList<DcCheck> dcClientSupport(const Certificate &certificate)
{
    const KeyType type = certificate.keyType();
    // A key that cannot sign DCs (DSA, X25519, an EC curve TLS 1.3 lacks, …) has no DCs for
    // any client to accept: signingKeyCheck says so, once, and no client is listed.
    if (!certificateSchemeForKey(type))
        return {};
    const bool ec = type == KeyType::EcP256 || type == KeyType::EcP384 || type == KeyType::EcP521;
    // Firefox offers only ECDSA schemes in its delegated_credential extension, and NSS demands
    // that both the DC key's scheme and the DC's own signature scheme come from that list.
    const DcCheck firefox =
        ec ? makeCheck(QStringLiteral("client-firefox"), QStringLiteral("Firefox (NSS)"),
                       CheckOutcome::Pass,
                       QStringLiteral("accepts DCs under this certificate with ECDSA DC keys "
                                      "(ecdsa-p256, ecdsa-p384, ecdsa-p521)"))
           : makeCheck(QStringLiteral("client-firefox"), QStringLiteral("Firefox (NSS)"),
                       CheckOutcome::Warn,
                       QStringLiteral("rejects every DC under this certificate: Firefox accepts a "
                                      "DC only when it is signed with ECDSA, which needs an EC "
                                      "certificate, and this certificate's key is %1")
                           .arg(keyName(certificate.publicKey(), type)));
    // BoringSSL has no Ed448 at all, so it cannot sign a DC with such a certificate key.
    const DcCheck boringssl =
        type == KeyType::Ed448
            ? makeCheck(QStringLiteral("server-boringssl"), QStringLiteral("BoringSSL servers"),
                        CheckOutcome::Warn,
                        QStringLiteral("cannot serve DCs under this certificate: BoringSSL has "
                                       "no Ed448"))
            : makeCheck(QStringLiteral("server-boringssl"), QStringLiteral("BoringSSL servers"),
                        CheckOutcome::Pass,
                        QStringLiteral("can serve ECDSA and Ed25519 DCs under this certificate, "
                                       "never RSA DCs"));
    return {firefox, boringssl};
}

QList<DcCheck> dcReadinessChecks(const Certificate &certificate, const QDateTime &now)
{
    return {delegationUsageCheck(certificate), keyUsageCheck(certificate),
            endEntityCheck(certificate), signingKeyCheck(certificate),
            certificateValidityCheck(certificate, now)};
}

DcReadiness assessDcReadiness(const Certificate &certificate, const QDateTime &now)
{
    DcReadiness readiness;
    readiness.checks = dcReadinessChecks(certificate, now);
    readiness.clients = dcClientSupport(certificate);
    readiness.algorithm = certificateSchemeForKey(certificate.keyType());
    readiness.maxLifetimeSeconds = qBound<qint64>(0, now.secsTo(certificate.notAfter()),
                                                  DelegatedCredential::kMaxValiditySeconds);
    return readiness;
}

} // namespace baton
