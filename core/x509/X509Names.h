#pragma once

#include <QString>
#include <openssl/types.h>

namespace baton {

/// RFC 2253 form, "CN=example.com,O=Example": one spelling for certificates and requests, so a
/// request and the certificate issued for it show identical names.
QString distinguishedNameText(const X509_NAME *name);

/// The (first) commonName as UTF-8, or an empty string when the name has none.
QString commonNameOf(const X509_NAME *name);

} // namespace baton
