#pragma once

#include "common/Result.h"
#include "crypto/OpenSsl.h"

#include <QByteArray>
#include <QDateTime>

namespace baton {

class Certificate;
struct PublicKeyKind;

/// Which side of a TLS connection a DC authenticates. The role is part of what is signed, so
/// a server DC never verifies as a client DC.
enum class DcRole
{
    Server,
    Client,
};

QString dcRoleName(DcRole role); ///< "server", "client"

/// RFC 9345 §4: a DelegatedCredential, as it travels in the TLS Certificate message.
///
///     Credential          = valid_time:u32 | dc_cert_verify_algorithm:u16 | spki_len:u24 | SPKI
///     DelegatedCredential = Credential | algorithm:u16 | sig_len:u16 | signature
struct DelegatedCredential
{
    /// RFC 9345 §4.1.3: a DC may be valid for at most 7 days from the moment it is checked.
    static constexpr qint64 kMaxValiditySeconds = 7 * 24 * 3600;
    /// Peers compare the validity left with 7 days on their own clock, and one running behind
    /// sees more left than there is. Lifetimes within this of the maximum draw a warning.
    static constexpr qint64 kSkewHeadroomSeconds = 3600;

    quint32 validTime = 0;             ///< seconds from the certificate's notBefore
    quint16 dcCertVerifyAlgorithm = 0; ///< the scheme the DC key signs CertificateVerify with
    QByteArray subjectPublicKeyInfo;   ///< the DC public key, DER
    quint16 algorithm = 0;             ///< the scheme the certificate key signed the DC with
    QByteArray signature;

    /// Strict decoding: truncation, trailing bytes, an empty SPKI or signature, an SPKI that
    /// does not parse and an EC point in compressed form (NSS and Go refuse it) are errors
    /// naming the field and byte offset. A blob in a pre-RFC draft layout is recognised and
    /// rejected as such.
    /// `dcPublicKey`, when given, receives the parsed DC public key, so a caller that needs it
    /// does not parse the SPKI a second time. `dcKeyKind`, when given, receives what kind of key
    /// it is: a caller that needs no more does not pay for building the key, which with
    /// OpenSSL 3 costs as much as a signature verification (see inspectSubjectPublicKeyInfo).
    static Result<DelegatedCredential> decode(QByteArrayView bytes,
                                              EvpPkeyPtr *dcPublicKey = nullptr,
                                              PublicKeyKind *dcKeyKind = nullptr);

    QByteArray encode() const;
    /// The Credential structure alone: the part the certificate key signs.
    QByteArray encodeCredential() const;

    /// RFC 9345 §4: 64 spaces | context string | 0x00 | DER(end-entity cert) | Credential |
    /// algorithm.
    static QByteArray signedMessage(DcRole role, QByteArrayView certificateDer,
                                    QByteArrayView credential, quint16 algorithm);
    QByteArray signedMessage(DcRole role, QByteArrayView certificateDer) const;

    /// notBefore + valid_time: the DC's expiry under this certificate.
    QDateTime expiry(const Certificate &certificate) const;

    bool operator==(const DelegatedCredential &) const = default;
};

} // namespace baton
