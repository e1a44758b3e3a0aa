#pragma once

#include "DcCheck.h"
#include "DelegatedCredential.h"
#include "x509/Certificate.h"

#include <QList>
#include <QString>

namespace baton {

struct DcVerification
{
    QList<DcCheck> checks;
    std::optional<DelegatedCredential> credential; ///< set when the bytes parsed
    QDateTime expiry;                              ///< set when the bytes parsed

    /// Valid means no check failed (warnings allowed).
    bool valid() const { return noCheckFailed(checks); }
    const DcCheck *check(QStringView id) const { return findCheck(checks, id); }
};

/// Checks a DC the way a peer does (RFC 9345 §4.1.1, §4.2) and a little stricter, explaining
/// where the shipping implementations differ.
DcVerification verifyDelegatedCredential(const Certificate &certificate, QByteArrayView dcBytes,
                                         DcRole role, const QDateTime &at);

} // namespace baton
