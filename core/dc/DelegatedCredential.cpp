#include "DelegatedCredential.h"

#include "crypto/KeyCodec.h"
#include "x509/Certificate.h"

#include <QtEndian>

namespace baton {

namespace {

constexpr qsizetype kSpkiLengthMax = (1 << 24) - 1;

/// Reads big-endian fields off a buffer, turning every shortfall into an error that names the
/// field and its byte offset.
class Reader
{
public:
    explicit Reader(QByteArrayView bytes) : m_bytes(bytes) {}

    qsizetype offset() const { return m_offset; }
    qsizetype remaining() const { return m_bytes.size() - m_offset; }

    Result<quint32> integer(const char *field, int width)
    {
        if (remaining() < width)
            return shortfall(field, width);
        quint32 value = 0;
        for (int i = 0; i < width; ++i)
            value = (value << 8) | quint8(m_bytes[m_offset + i]);
        m_offset += width;
        return value;
    }

    Result<QByteArray> bytes(const char *field, qsizetype length)
    {
        if (remaining() < length)
            return Error{QStringLiteral("field %1 at byte offset %2: its length says %3 bytes but "
                                        "only %4 remain (truncated?)")
                             .arg(QLatin1String(field))
                             .arg(m_offset)
                             .arg(length)
                             .arg(remaining())};
        QByteArray value = m_bytes.sliced(m_offset, length).toByteArray();
        m_offset += length;
        return value;
    }

private:
    Error shortfall(const char *field, int width) const
    {
        return Error{QStringLiteral("field %1 at byte offset %2: expected %3 bytes, only %4 "
                                    "remain (truncated?)")
                         .arg(QLatin1String(field))
                         .arg(m_offset)
                         .arg(width)
                         .arg(remaining())};
    }

    QByteArrayView m_bytes;
    qsizetype m_offset = 0;
};

void appendInteger(QByteArray &out, quint32 value, int width)
{
    for (int i = width - 1; i >= 0; --i)
        out.append(char((value >> (8 * i)) & 0xff));
}

/// valid_time, dc_cert_verify_algorithm and the SPKI length: the Credential before its SPKI.
constexpr qsizetype kCredentialHeader = 9;

void appendCredential(QByteArray &out, const DelegatedCredential &dc)
{
    appendInteger(out, dc.validTime, 4);
    appendInteger(out, dc.dcCertVerifyAlgorithm, 2);
    appendInteger(out, quint32(qMin(dc.subjectPublicKeyInfo.size(), kSpkiLengthMax)), 3);
    out.append(dc.subjectPublicKeyInfo);
}

/// 64 spaces | context string | 0x00 | DER(end-entity certificate), with room for `rest` more
/// bytes: what every signed message starts with.
QByteArray signedMessagePrefix(DcRole role, QByteArrayView certificateDer, qsizetype rest)
{
    static const QByteArray kServerContext = QByteArrayLiteral("TLS, server delegated credentials");
    static const QByteArray kClientContext = QByteArrayLiteral("TLS, client delegated credentials");
    const QByteArray &context = role == DcRole::Server ? kServerContext : kClientContext;
    QByteArray message(64, ' ');
    message.reserve(64 + context.size() + 1 + certificateDer.size() + rest);
    message.append(context);
    message.append('\0');
    message.append(certificateDer);
    return message;
}

/// Draft-02 and earlier put a protocol version (0x0303/0x0304) between the scheme and the SPKI
/// length. Recognising that layout turns a baffling "length overruns" into a useful message.
bool looksLikeDraftWithVersion(QByteArrayView bytes)
{
    if (bytes.size() < 11)
        return false;
    const quint16 version = quint16((quint8(bytes[6]) << 8) | quint8(bytes[7]));
    if (version != 0x0303 && version != 0x0304)
        return false;
    const qsizetype spkiLength =
        (qsizetype(quint8(bytes[8])) << 16) | (quint8(bytes[9]) << 8) | quint8(bytes[10]);
    const qsizetype afterSpki = 11 + spkiLength;
    if (spkiLength == 0 || afterSpki + 4 > bytes.size())
        return false;
    const qsizetype signatureLength =
        (quint8(bytes[afterSpki + 2]) << 8) | quint8(bytes[afterSpki + 3]);
    return afterSpki + 4 + signatureLength == bytes.size();
}

Result<DelegatedCredential> decodeRfcLayout(QByteArrayView bytes, EvpPkeyPtr *dcPublicKey,
                                            PublicKeyKind *dcKeyKind)
{
    Reader in(bytes);
    DelegatedCredential dc;
    auto validTime = in.integer("valid_time", 4);
    if (!validTime)
        return validTime.error();
    dc.validTime = *validTime;
    auto scheme = in.integer("dc_cert_verify_algorithm", 2);
    if (!scheme)
        return scheme.error();
    dc.dcCertVerifyAlgorithm = quint16(*scheme);
    const qsizetype spkiOffset = in.offset();
    auto spkiLength = in.integer("ASN1_subjectPublicKeyInfo length (u24)", 3);
    if (!spkiLength)
        return spkiLength.error();
    if (*spkiLength == 0)
        return Error{QStringLiteral("field ASN1_subjectPublicKeyInfo at byte offset %1 is empty; "
                                    "a DC must carry its public key")
                         .arg(spkiOffset)};
    auto spki = in.bytes("ASN1_subjectPublicKeyInfo", qsizetype(*spkiLength));
    if (!spki)
        return spki.error();
    dc.subjectPublicKeyInfo = std::move(spki).value();
    auto algorithm = in.integer("algorithm", 2);
    if (!algorithm)
        return algorithm.error();
    dc.algorithm = quint16(*algorithm);
    const qsizetype signatureOffset = in.offset();
    auto signatureLength = in.integer("signature length (u16)", 2);
    if (!signatureLength)
        return signatureLength.error();
    if (*signatureLength == 0)
        return Error{
            QStringLiteral("field signature at byte offset %1 is empty").arg(signatureOffset)};
    auto signature = in.bytes("signature", qsizetype(*signatureLength));
    if (!signature)
        return signature.error();
    dc.signature = std::move(signature).value();
    if (in.remaining() != 0)
        return Error{QStringLiteral("%1 unexpected trailing bytes at byte offset %2 after the "
                                    "signature")
                         .arg(in.remaining())
                         .arg(in.offset())};
    const auto spkiError = [&](const QString &reason) {
        return Error{QStringLiteral("field ASN1_subjectPublicKeyInfo at byte offset %1: %2")
                         .arg(spkiOffset + 3)
                         .arg(reason)};
    };
    PublicKeyKind kind;
    if (dcPublicKey) {
        auto key = decodeSubjectPublicKeyInfo(dc.subjectPublicKeyInfo);
        if (!key)
            return spkiError(key.errorMessage());
        kind = publicKeyKind(key->get());
        *dcPublicKey = std::move(key).value();
    } else {
        auto inspected = inspectSubjectPublicKeyInfo(dc.subjectPublicKeyInfo);
        if (!inspected)
            return spkiError(inspected.errorMessage());
        kind = std::move(inspected).value();
    }
    if (kind.compressedPoint)
        return spkiError(QStringLiteral("the %1 key's point is not in uncompressed form; NSS "
                                        "and Go read only uncompressed points")
                             .arg(kind.name));
    if (dcKeyKind)
        *dcKeyKind = std::move(kind);
    return dc;
}

} // namespace

QString dcRoleName(DcRole role)
{
    return role == DcRole::Server ? QStringLiteral("server") : QStringLiteral("client");
}

Result<DelegatedCredential>
DelegatedCredential::decode(QByteArrayView bytes, EvpPkeyPtr *dcPublicKey, PublicKeyKind *dcKeyKind)
{
    auto dc = decodeRfcLayout(bytes, dcPublicKey, dcKeyKind);
    if (!dc && looksLikeDraftWithVersion(bytes))
        return Error{QStringLiteral("pre-RFC draft format: this DC has a protocol version field "
                                    "(0x%1) after dc_cert_verify_algorithm, as in "
                                    "draft-ietf-tls-subcerts-02 and earlier; RFC 9345 has none. "
                                    "Issue a new DC with an RFC 9345 implementation")
                         .arg(QString::fromLatin1(bytes.sliced(6, 2).toByteArray().toHex()))};
    return dc;
}

QByteArray DelegatedCredential::encodeCredential() const
{
    QByteArray out;
    out.reserve(kCredentialHeader + subjectPublicKeyInfo.size());
    appendCredential(out, *this);
    return out;
}

QByteArray DelegatedCredential::encode() const
{
    QByteArray out;
    out.reserve(kCredentialHeader + subjectPublicKeyInfo.size() + 4 + signature.size());
    appendCredential(out, *this);
    appendInteger(out, algorithm, 2);
    appendInteger(out, quint32(signature.size()), 2);
    out.append(signature);
    return out;
}

QByteArray DelegatedCredential::signedMessage(DcRole role, QByteArrayView certificateDer,
                                              QByteArrayView credential, quint16 algorithm)
{
    QByteArray message = signedMessagePrefix(role, certificateDer, credential.size() + 2);
    message.append(credential);
    appendInteger(message, algorithm, 2);
    return message;
}

QByteArray DelegatedCredential::signedMessage(DcRole role, QByteArrayView certificateDer) const
{
    // The Credential is written straight into the message: no buffer of its own to copy.
    QByteArray message = signedMessagePrefix(role, certificateDer,
                                             kCredentialHeader + subjectPublicKeyInfo.size() + 2);
    appendCredential(message, *this);
    appendInteger(message, algorithm, 2);
    return message;
}

QDateTime DelegatedCredential::expiry(const Certificate &certificate) const
{
    return certificate.notBefore().addSecs(validTime);
}

} // namespace baton
