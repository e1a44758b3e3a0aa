#include "DcIssuer.h"

#include "DcReadiness.h"
#include "common/TimeFormat.h"
#include "tls/SignatureScheme.h"

#include <limits>

namespace baton {

namespace {

Status checkCertificateKey(const Certificate &certificate, const CertificateSigner &signer)
{
    if (!samePublicKey(signer.publicKey(), certificate.publicKey()))
        return Error{QStringLiteral("the private key does not belong to the certificate (the "
                                    "certificate's public key is %1); pass the key the "
                                    "certificate was issued for")
                         .arg(describeKey(certificate.publicKey()))};
    return {};
}

} // namespace

QStringList dcIssueWarnings(KeyType dcKeyType, qint64 lifetimeSeconds)
{
    QStringList warnings;
    if (lifetimeSeconds >
        DelegatedCredential::kMaxValiditySeconds - DelegatedCredential::kSkewHeadroomSeconds)
        warnings << QStringLiteral("the lifetime is within 1 h of the 7-day maximum: clients "
                                   "whose clock is behind see more than 7 days left and reject "
                                   "the DC; 6d23h or less is safer");
    const SignatureScheme *dcScheme = dcSchemeForKey(dcKeyType);
    if (dcScheme && !dcScheme->firefoxAcceptsDc)
        warnings << QStringLiteral("Firefox accepts only ECDSA DCs: it never asks for a %1 DC, "
                                   "so a server holding only this DC cannot complete "
                                   "handshakes with Firefox")
                        .arg(QLatin1String(dcScheme->name));
    return warnings;
}

Result<DcIssueResult> issueDelegatedCredential(const DcIssueRequest &request)
{
    const qint64 maxLifetime = DelegatedCredential::kMaxValiditySeconds;
    if (request.lifetimeSeconds <= 0)
        return Error{QStringLiteral("the DC lifetime must be positive")};
    if (request.lifetimeSeconds > maxLifetime)
        return Error{QStringLiteral("a DC lifetime of %1 exceeds the 7-day maximum of RFC 9345 "
                                    "§4.1.3; ask for 7d or less (6d23h or less leaves headroom "
                                    "for clients whose clock is behind)")
                         .arg(formatDuration(request.lifetimeSeconds))};
    if (!request.now.isValid())
        return Error{QStringLiteral("no issue time given")};
    const Certificate &certificate = request.certificate;
    const QList<DcCheck> readiness = dcReadinessChecks(certificate, request.now);
    for (const DcCheck &check : readiness) {
        if (check.outcome == CheckOutcome::Fail)
            return Error{check.detail};
    }
    if (!request.certificateKey == !request.certificateSigner)
        return Error{request.certificateKey
                         ? QStringLiteral("both a certificate key and a certificate signer were "
                                          "given; the DC is signed by one key")
                         : QStringLiteral("the certificate's private key is needed to sign the "
                                          "DC")};
    // A key in memory goes through the same interface, wrapped on the stack: the EVP path
    // gains no allocation, only a virtual call. Its type is the certificate's: the key is
    // checked against the certificate before it signs.
    const EvpSigner keySigner(request.certificateKey, certificate.keyType());
    const CertificateSigner &signer =
        request.certificateSigner ? *request.certificateSigner : keySigner;
    if (auto keyOk = checkCertificateKey(certificate, signer); !keyOk)
        return keyOk.error();
    // signingKeyCheck has refused a certificate key without one.
    const SignatureScheme *algorithm = certificateSchemeForKey(certificate.keyType());

    DcIssueResult result;
    EVP_PKEY *dcKey = request.dcKey;
    const KeySpec *spec = nullptr;
    if (!dcKey) {
        spec = request.dcKeySpec ? request.dcKeySpec : &generatableKeys()[0];
        auto generated = generateKey(*spec);
        if (!generated)
            return generated.error();
        result.generatedKey = std::move(generated).value();
        dcKey = result.generatedKey.get();
    }
    // A key generated here has the type it was generated as; asking OpenSSL costs microseconds.
    const KeyType dcKeyType = spec ? spec->type : keyTypeOf(dcKey);
    if (dcKeyType == KeyType::Rsa)
        return Error{QStringLiteral("the DC key is an rsaEncryption RSA key, which RFC 9345 "
                                    "forbids as a DC key; use an RSA-PSS key (--dc-alg "
                                    "rsa-pss-2048) or, better, an EC key (--dc-alg ecdsa-p256)")};
    const SignatureScheme *dcScheme = dcSchemeForKey(dcKeyType);
    if (!dcScheme)
        return Error{QStringLiteral("the DC key (%1) has no TLS 1.3 signature scheme, so it "
                                    "cannot be a DC key")
                         .arg(describeKey(dcKey))};

    QDateTime expiry = request.now.addSecs(request.lifetimeSeconds);
    if (expiry > certificate.notAfter()) {
        if (!request.clampToCertificate)
            return Error{QStringLiteral("a DC of %1 would expire %2 (%3), after the certificate "
                                        "itself (notAfter %4); ask for at most %5, or clamp the "
                                        "DC to the certificate (--clamp)")
                             .arg(formatDuration(request.lifetimeSeconds),
                                  formatRelative(request.now, expiry), formatUtc(expiry),
                                  formatUtc(certificate.notAfter()),
                                  formatDuration(request.now.secsTo(certificate.notAfter())))};
        expiry = certificate.notAfter();
        result.notes << QStringLiteral("lifetime shortened from %1 to %2 so that the DC ends "
                                       "with the certificate (notAfter %3)")
                            .arg(formatDuration(request.lifetimeSeconds),
                                 formatDuration(request.now.secsTo(expiry)),
                                 formatUtc(certificate.notAfter()));
    }
    const qint64 validTime = certificate.notBefore().secsTo(expiry);
    if (validTime > std::numeric_limits<quint32>::max())
        return Error{QStringLiteral("the certificate's notBefore (%1) is more than 136 years "
                                    "before the DC's expiry; valid_time cannot express it")
                         .arg(formatUtc(certificate.notBefore()))};
    result.expiry = expiry;
    result.lifetimeSeconds = request.now.secsTo(expiry);

    auto spki = encodeSubjectPublicKeyInfo(dcKey, dcKeyType);
    if (!spki)
        return spki.error();
    DelegatedCredential &dc = result.credential;
    dc.validTime = quint32(validTime);
    dc.dcCertVerifyAlgorithm = dcScheme->code;
    dc.subjectPublicKeyInfo = std::move(spki).value();
    dc.algorithm = algorithm->code;
    auto signature = signer.sign(*algorithm, dc.signedMessage(request.role, certificate.der()));
    if (!signature)
        return signature.error();
    dc.signature = std::move(signature).value();
    result.bytes = dc.encode();

    result.warnings << dcIssueWarnings(dcKeyType, result.lifetimeSeconds);
    for (const DcCheck &check : readiness) {
        if (check.outcome == CheckOutcome::Warn)
            result.warnings << check.detail;
    }
    return result;
}

} // namespace baton
