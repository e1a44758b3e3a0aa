#include "CertificateSigner.h"

#include "tls/SignatureScheme.h"

namespace baton {

Result<QByteArray> EvpSigner::sign(const SignatureScheme &scheme, QByteArrayView message) const
{
    return signWithScheme(m_key, scheme, message, m_keyType);
}

} // namespace baton
