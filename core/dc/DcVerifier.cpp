#include "DcVerifier.h"

#include "DcReadiness.h"
#include "common/TimeFormat.h"
#include "crypto/KeyCodec.h"
#include "tls/SignatureScheme.h"

namespace baton {

namespace {

class ReportBuilder
{
public:
    explicit ReportBuilder(DcVerification &report) : m_report(report) {}

    // Ids are QStringLiterals: converting a char * to a QString on each of the eleven checks
    // of every verification showed in its profile.
    void add(const QString &id, const QString &title, CheckOutcome outcome, const QString &detail)
    {
        m_report.checks.append(DcCheck{id, title, outcome, detail});
    }
    void pass(const QString &id, const QString &title, const QString &detail)
    {
        add(id, title, CheckOutcome::Pass, detail);
    }
    void warn(const QString &id, const QString &title, const QString &detail)
    {
        add(id, title, CheckOutcome::Warn, detail);
    }
    void fail(const QString &id, const QString &title, const QString &detail)
    {
        add(id, title, CheckOutcome::Fail, detail);
    }

private:
    DcVerification &m_report;
};

const QString kParse = QStringLiteral("Well-formed");
const QString kSchemeKey = QStringLiteral("DC key matches its scheme");
const QString kRsaeBan = QStringLiteral("No rsaEncryption DC key");
const QString kCertificateAlgorithm = QStringLiteral("Signature scheme fits the certificate");
const QString kNotExpired = QStringLiteral("Not expired");
const QString kMaxValidity = QStringLiteral("At most 7 days left");
const QString kWithinCertificate = QStringLiteral("Ends within the certificate");
const QString kSignature = QStringLiteral("Signature");

void checkDcKey(ReportBuilder &out, const DelegatedCredential &dc, const PublicKeyKind &dcKey)
{
    const KeyType dcKeyType = dcKey.type;
    // OpenSSL's name for a kind Baton does not know ("X25519"), not "unknown key type".
    const QString &dcKeyName = dcKey.name;
    const SignatureScheme *scheme = signatureSchemeByCode(dc.dcCertVerifyAlgorithm);
    const QString schemeName = signatureSchemeDisplayName(dc.dcCertVerifyAlgorithm);
    const bool rsaeOrLegacy = scheme && scheme->keyType == KeyType::Rsa;
    if (dcKeyType == KeyType::Rsa || rsaeOrLegacy)
        out.fail(QStringLiteral("rsae-ban"), kRsaeBan,
                 QStringLiteral("RFC 9345 forbids rsaEncryption DC keys and rsa_pss_rsae_* / "
                                "PKCS#1 schemes for them; this DC's key is %1, with %2. RSA DC "
                                "keys must be RSA-PSS (id-RSASSA-PSS) with rsa_pss_pss_*")
                     .arg(dcKeyName, schemeName));
    else
        out.pass(QStringLiteral("rsae-ban"), kRsaeBan,
                 QStringLiteral("the DC key is %1, not an rsaEncryption key").arg(dcKeyName));

    if (!scheme || !scheme->dcKeyAllowed)
        out.fail(QStringLiteral("scheme-key"), kSchemeKey,
                 QStringLiteral("dc_cert_verify_algorithm %1 is not a scheme a DC may use")
                     .arg(schemeName));
    else if (scheme->keyType != dcKeyType)
        out.fail(QStringLiteral("scheme-key"), kSchemeKey,
                 QStringLiteral("dc_cert_verify_algorithm %1 needs a key of type %2, but the DC "
                                "key is %3")
                     .arg(schemeName, keyTypeName(scheme->keyType), dcKeyName));
    else
        out.pass(QStringLiteral("scheme-key"), kSchemeKey,
                 QStringLiteral("the DC key is %2, as %1 requires").arg(schemeName, dcKeyName));
}

void checkTimes(ReportBuilder &out, const Certificate &certificate, const QDateTime &expiry,
                const QDateTime &at)
{
    const QString when =
        QStringLiteral("%1 (%2)").arg(formatUtc(expiry), formatRelative(at, expiry));
    if (at >= expiry)
        out.fail(QStringLiteral("not-expired"), kNotExpired,
                 QStringLiteral("the DC expired at %1; peers reject it").arg(when));
    else
        out.pass(QStringLiteral("not-expired"), kNotExpired,
                 QStringLiteral("expires %1").arg(when));

    const qint64 left = at.secsTo(expiry);
    const qint64 max = DelegatedCredential::kMaxValiditySeconds;
    if (left > max)
        out.fail(QStringLiteral("max-validity"), kMaxValidity,
                 QStringLiteral("%1 left, more than the 7 days RFC 9345 allows; every peer "
                                "rejects it until it is within 7 days of expiry")
                     .arg(formatDuration(left)));
    else if (left > max - DelegatedCredential::kSkewHeadroomSeconds)
        out.warn(QStringLiteral("max-validity"), kMaxValidity,
                 QStringLiteral("%1 left: within 1 h of the 7-day limit, so a peer whose clock "
                                "is behind rejects it")
                     .arg(formatDuration(left)));
    else if (left > 0)
        out.pass(QStringLiteral("max-validity"), kMaxValidity,
                 QStringLiteral("%1 left (limit 7 d)").arg(formatDuration(left)));
    else
        out.pass(QStringLiteral("max-validity"), kMaxValidity,
                 QStringLiteral("no validity left to exceed 7 d"));

    const QString notAfter = formatUtc(certificate.notAfter());
    if (expiry > certificate.notAfter())
        out.fail(QStringLiteral("within-certificate"), kWithinCertificate,
                 QStringLiteral("the DC expires %1 after the certificate (notAfter %2); RFC 9345 "
                                "forbids issuing it, and Fizz rejects it")
                     .arg(formatDuration(certificate.notAfter().secsTo(expiry)), notAfter));
    else if (expiry == certificate.notAfter())
        out.warn(QStringLiteral("within-certificate"), kWithinCertificate,
                 QStringLiteral("the DC expires exactly at the certificate's notAfter (%1); "
                                "allowed by RFC 9345, but Fizz rejects expiry >= notAfter")
                     .arg(notAfter));
    else
        out.pass(QStringLiteral("within-certificate"), kWithinCertificate,
                 QStringLiteral("ends %1 before the certificate (notAfter %2)")
                     .arg(formatDuration(expiry.secsTo(certificate.notAfter())), notAfter));
}

void checkSignature(ReportBuilder &out, const Certificate &certificate,
                    const DelegatedCredential &dc, DcRole role)
{
    const SignatureScheme *algorithm = signatureSchemeByCode(dc.algorithm);
    const QString algorithmName = signatureSchemeDisplayName(dc.algorithm);
    const KeyType certificateKey = certificate.keyType();
    if (!algorithm || !algorithm->certSignatureAllowed || algorithm->keyType != certificateKey) {
        out.fail(QStringLiteral("certificate-algorithm"), kCertificateAlgorithm,
                 QStringLiteral("the DC is signed with %1, which the certificate's key (%2) "
                                "cannot produce in TLS 1.3")
                     .arg(algorithmName, keyName(certificate.publicKey(), certificateKey)));
        out.add(QStringLiteral("signature"), kSignature, CheckOutcome::Skipped,
                QStringLiteral("not checked: the signature scheme does not fit the certificate"));
        return;
    }
    out.pass(QStringLiteral("certificate-algorithm"), kCertificateAlgorithm,
             QStringLiteral("%1 with the certificate's %2 key")
                 .arg(algorithmName, keyName(certificate.publicKey(), certificateKey)));

    const auto verifyAs = [&](DcRole asRole) {
        auto verdict = verifyWithScheme(certificate.publicKey(), *algorithm,
                                        dc.signedMessage(asRole, certificate.der()), dc.signature,
                                        certificateKey);
        return verdict.ok() && *verdict;
    };
    if (verifyAs(role)) {
        out.pass(
            QStringLiteral("signature"), kSignature,
            QStringLiteral("valid %1 DC signature by the certificate's key").arg(dcRoleName(role)));
        return;
    }
    const DcRole other = role == DcRole::Server ? DcRole::Client : DcRole::Server;
    if (verifyAs(other))
        out.fail(QStringLiteral("signature"), kSignature,
                 QStringLiteral("this is a %1 DC: its signature is valid only in the %1 context, "
                                "and a %2 DC was asked for%3")
                     .arg(dcRoleName(other), dcRoleName(role),
                          other == DcRole::Client ? QStringLiteral(" (use --client)") : QString()));
    else
        out.fail(QStringLiteral("signature"), kSignature,
                 QStringLiteral("the signature does not verify under this certificate's key: "
                                "the DC was altered, or signed by another certificate"));
}

} // namespace

DcVerification verifyDelegatedCredential(const Certificate &certificate, QByteArrayView dcBytes,
                                         DcRole role, const QDateTime &at)
{
    DcVerification report;
    ReportBuilder out(report);
    PublicKeyKind dcKey;
    auto decoded = DelegatedCredential::decode(dcBytes, nullptr, &dcKey);
    if (!decoded) {
        out.fail(QStringLiteral("parse"), kParse, decoded.errorMessage());
        const auto skip = [&](std::initializer_list<std::pair<const char *, QString>> checks) {
            for (const auto &[id, title] : checks)
                out.add(QLatin1String(id), title, CheckOutcome::Skipped,
                        QStringLiteral("not checked: the DC could not be read"));
        };
        skip({{"rsae-ban", kRsaeBan},
              {"scheme-key", kSchemeKey},
              {"not-expired", kNotExpired},
              {"max-validity", kMaxValidity},
              {"within-certificate", kWithinCertificate}});
        // The certificate's own checks do not depend on the DC.
        report.checks << delegationUsageCheck(certificate) << keyUsageCheck(certificate)
                      << endEntityCheck(certificate);
        skip({{"certificate-algorithm", kCertificateAlgorithm}, {"signature", kSignature}});
        return report;
    }
    const DelegatedCredential &dc = *decoded;
    out.pass(QStringLiteral("parse"), kParse,
             QStringLiteral("%1 bytes, RFC 9345 layout").arg(dcBytes.size()));
    report.credential = dc;
    report.expiry = dc.expiry(certificate);

    checkDcKey(out, dc, dcKey);
    checkTimes(out, certificate, report.expiry, at);
    report.checks << delegationUsageCheck(certificate) << keyUsageCheck(certificate)
                  << endEntityCheck(certificate);
    checkSignature(out, certificate, dc, role);
    return report;
}

} // namespace baton
