#pragma once

// How what a PKCS#11 module says is shown to a person: return codes by name, blank-padded text.

#include "common/Result.h"

#include <QString>
#include <p11-kit/pkcs11.h>

namespace baton {

/// The name of a PKCS#11 return value as the standard spells it ("CKR_PIN_INCORRECT"), which is
/// what a token's documentation and a search engine know it by; "CKR_0x…" for one it lacks.
QString ckrName(CK_RV rv);

/// "<whatFailed>: CKR_NAME (p11-kit's description)".
Error pkcs11Error(const QString &whatFailed, CK_RV rv);

/// A PKCS#11 fixed-length text field (a token label, a manufacturer): UTF-8 padded with blanks,
/// never NUL-terminated.
QString pkcs11Text(const unsigned char *field, size_t size);

} // namespace baton
