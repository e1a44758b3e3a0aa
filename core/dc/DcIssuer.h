#pragma once

#include "CertificateSigner.h"
#include "DelegatedCredential.h"
#include "crypto/KeyCodec.h"
#include "x509/Certificate.h"

#include <QStringList>

namespace baton {

/// Everything needed to issue one DC. Keys are borrowed; the issuer never stores them.
struct DcIssueRequest
{
    Certificate certificate;
    /// The certificate's private key: in memory, or held elsewhere (a PKCS#11 token) and used
    /// through a signer. Exactly one of the two.
    EVP_PKEY *certificateKey = nullptr;
    const CertificateSigner *certificateSigner = nullptr;
    EVP_PKEY *dcKey = nullptr;          ///< an existing DC key; when null one is generated
    const KeySpec *dcKeySpec = nullptr; ///< the key to generate; null means ecdsa-p256
    qint64 lifetimeSeconds = 24 * 3600;
    DcRole role = DcRole::Server;
    QDateTime now;                   ///< injected: the issuer never reads a clock
    bool clampToCertificate = false; ///< shorten the lifetime to end at notAfter
};

struct DcIssueResult
{
    DelegatedCredential credential;
    QByteArray bytes;        ///< the encoded DC
    EvpPkeyPtr generatedKey; ///< the DC private key, when the issuer generated it
    QDateTime expiry;
    qint64 lifetimeSeconds = 0; ///< as issued (shorter than asked when clamped)
    QStringList warnings;       ///< issued anyway, but a person should know
    QStringList notes;          ///< what the issuer changed on request (clamping)
};

/// What issuing a DC with a key of this type and this lifetime draws a warning for (besides the
/// certificate's readiness warnings): said by the issuer, and by a dialog before it issues.
QStringList dcIssueWarnings(KeyType dcKeyType, qint64 lifetimeSeconds);

/// Issues a DC by RFC 9345, refusing (with why and what to do) whatever a conforming peer
/// would reject or the RFC forbids an issuer to create. One signature, no other heavy work.
Result<DcIssueResult> issueDelegatedCredential(const DcIssueRequest &request);

} // namespace baton
