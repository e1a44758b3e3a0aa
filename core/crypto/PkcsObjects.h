#pragma once

// Owners for the PKCS#5/#7/#8/#12 structures that the importer, the KDF limits and the key
// vault take apart: declared once, so each reader of these formats frees them the same way.

#include "OpenSsl.h"

#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

namespace baton {

using Pkcs12Ptr = OpenSslPtr<PKCS12, PKCS12_free>;
using Pkcs7Ptr = OpenSslPtr<PKCS7, PKCS7_free>;
using Pkcs8Ptr = OpenSslPtr<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;
using X509SigPtr = OpenSslPtr<X509_SIG, X509_SIG_free>;
using PbeParamPtr = OpenSslPtr<PBEPARAM, PBEPARAM_free>;
using Pbe2ParamPtr = OpenSslPtr<PBE2PARAM, PBE2PARAM_free>;
using Pbkdf2ParamPtr = OpenSslPtr<PBKDF2PARAM, PBKDF2PARAM_free>;
using ScryptParamsPtr = OpenSslPtr<SCRYPT_PARAMS, SCRYPT_PARAMS_free>;

inline void freePkcs7Stack(STACK_OF(PKCS7) * stack)
{
    sk_PKCS7_pop_free(stack, PKCS7_free);
}
using Pkcs7StackPtr = OpenSslPtr<STACK_OF(PKCS7), freePkcs7Stack>;

inline void freeSafeBagStack(STACK_OF(PKCS12_SAFEBAG) * stack)
{
    sk_PKCS12_SAFEBAG_pop_free(stack, PKCS12_SAFEBAG_free);
}
using SafeBagStackPtr = OpenSslPtr<STACK_OF(PKCS12_SAFEBAG), freeSafeBagStack>;

} // namespace baton
