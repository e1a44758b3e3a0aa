#pragma once

#include "common/Result.h"

#include <QString>
#include <memory>
#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace baton {

/// Every OpenSSL object Baton holds is owned by one of these, so no early return can leak one.
template <typename T, void (*Free)(T *)> struct OpenSslDeleter
{
    void operator()(T *p) const { Free(p); }
};
template <typename T, void (*Free)(T *)>
using OpenSslPtr = std::unique_ptr<T, OpenSslDeleter<T, Free>>;

using EvpPkeyPtr = OpenSslPtr<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtxPtr = OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EvpMdCtxPtr = OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using X509Ptr = OpenSslPtr<X509, X509_free>;
using BioPtr = OpenSslPtr<BIO, BIO_free_all>;
using DecoderCtxPtr = OpenSslPtr<OSSL_DECODER_CTX, OSSL_DECODER_CTX_free>;
using EncoderCtxPtr = OpenSslPtr<OSSL_ENCODER_CTX, OSSL_ENCODER_CTX_free>;
using Asn1ObjectPtr = OpenSslPtr<ASN1_OBJECT, ASN1_OBJECT_free>;
/// A stack of extensions that owns them (a CSR's requested extensions, a builder's list).
void freeExtensionStack(STACK_OF(X509_EXTENSION) * extensions);
using X509ExtensionStackPtr = OpenSslPtr<STACK_OF(X509_EXTENSION), freeExtensionStack>;

/// Drains OpenSSL's (thread-local) error queue into one readable sentence, newest reason last,
/// so the next operation never reports a stale failure.
QString takeOpenSslErrors();

/// An Error saying what Baton was doing, followed by OpenSSL's own reasons, if it gave any.
Error openSslError(const QString &whatFailed);

/// Clears the error queue without reporting (after a failure Baton handled on purpose).
void discardOpenSslErrors();

/// Bytes that held secret material: wiped with OPENSSL_cleanse when destroyed. Move-only, so
/// no implicitly shared copy can outlive the wipe.
class SecretBytes
{
public:
    SecretBytes() = default;
    explicit SecretBytes(QByteArray bytes);
    SecretBytes(const SecretBytes &) = delete;
    SecretBytes &operator=(const SecretBytes &) = delete;
    SecretBytes(SecretBytes &&other) noexcept;
    SecretBytes &operator=(SecretBytes &&other) noexcept;
    ~SecretBytes();

    const QByteArray &bytes() const { return m_bytes; }
    bool isEmpty() const { return m_bytes.isEmpty(); }
    void clear();

private:
    QByteArray m_bytes;
};

} // namespace baton
