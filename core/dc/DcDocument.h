#pragma once

#include "DelegatedCredential.h"
#include "crypto/OpenSsl.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace baton {

/// The encodings DCs are exchanged in.
enum class DcEncoding
{
    Binary,          ///< raw RFC 9345 bytes (fizz s_server -delegatedcred, BoringSSL, dc.cred)
    Hex,             ///< hex text (Fizz test data)
    Base64,          ///< bare base64 text
    Pem,             ///< a "… DELEGATED CREDENTIAL" PEM block
    FizzCombinedPem, ///< Fizz's PEM: the DC, "… DC PRIVATE KEY" and the certificate
    InteropRunner,   ///< tls-interop-runner's dc.txt: "hex(DC),hex(PKCS#8 DER)"
};

QString dcEncodingName(DcEncoding encoding);

/// A DC as read from a file or pasted text, with whatever travelled with it.
struct DcDocument
{
    DelegatedCredential credential;
    QByteArray bytes; ///< the raw DC
    DcEncoding encoding = DcEncoding::Binary;
    QString pemLabel;                   ///< for the PEM encodings
    std::optional<DcRole> labelledRole; ///< what a SERVER/CLIENT label claims
    SecretBytes privateKey;             ///< the DC key, when the encoding carries one
    QByteArray certificateDer;          ///< the certificate, in Fizz's combined PEM
};

/// Everything above a few KiB is not a DC file; refusing it early keeps parsing bounded.
inline constexpr qint64 kMaxDcFileSize = 1 << 20;

/// Detects the encoding and decodes the DC strictly. Errors say which encoding was assumed
/// and which field at which byte offset failed.
Result<DcDocument> readDelegatedCredential(QByteArrayView data);

/// The same for a file; errors start with the file's path.
Result<DcDocument> readDelegatedCredentialFile(const QString &path);

} // namespace baton
