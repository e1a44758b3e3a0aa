#pragma once

#include "DcCheck.h"
#include "x509/Certificate.h"

#include <QDateTime>

namespace baton {

struct SignatureScheme;

/// The certificate-side rules of RFC 9345 as checks. One source for `inspect`, the issuer
/// (which refuses on a Fail and passes Warns on) and the verifier.
DcCheck delegationUsageCheck(const Certificate &certificate);
DcCheck keyUsageCheck(const Certificate &certificate);
DcCheck endEntityCheck(const Certificate &certificate);
/// Whether the certificate key can sign DCs in TLS 1.3, and with which scheme.
DcCheck signingKeyCheck(const Certificate &certificate);
/// Whether the certificate is valid at `now`, and how long a DC issued now may last.
DcCheck certificateValidityCheck(const Certificate &certificate, const QDateTime &now);

/// Which clients and servers would take DCs under this certificate: Pass, or Warn with why
/// not. Separate from the checks: a certificate Firefox cannot use may still serve Go clients.
QList<DcCheck> dcClientSupport(const Certificate &certificate);

/// Can this certificate delegate at `now`? Every check above, in that order.
struct DcReadiness
{
    QList<DcCheck> checks;
    QList<DcCheck> clients;                     ///< dcClientSupport()
    const SignatureScheme *algorithm = nullptr; ///< what DCs under it are signed with
    qint64 maxLifetimeSeconds = 0;              ///< min(7 days, validity left)

    bool ready() const { return noCheckFailed(checks); }
};

DcReadiness assessDcReadiness(const Certificate &certificate, const QDateTime &now);
/// DcReadiness::checks alone, for the issuer: it refuses on a Fail and passes Warns on, and
/// needs no client list.
QList<DcCheck> dcReadinessChecks(const Certificate &certificate, const QDateTime &now);

} // namespace baton
