#pragma once

#include "Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace baton {

/// One `-----BEGIN LABEL----- … -----END LABEL-----` block of a PEM text.
struct PemBlock
{
    QString label;
    QByteArray der;          ///< the decoded body
    QByteArray text;         ///< the block as it stood, BEGIN to END line, for OpenSSL's readers
    qsizetype offset = 0;    ///< byte offset of the BEGIN line in the input
    bool hasHeaders = false; ///< RFC 1421 headers (e.g. "Proc-Type: 4,ENCRYPTED")
};

/// True when the data contains a PEM BEGIN line (other text around it is allowed, as in
/// `openssl x509 -text` output).
bool containsPem(QByteArrayView data);

/// Every PEM block in the data, strictly: a BEGIN without its END, an END with another label,
/// or a body that is not base64 is an error naming the label and byte offset.
Result<QList<PemBlock>> parsePem(QByteArrayView data);

/// PEM with 64-character lines, the form every tool reads.
QByteArray encodePem(const QString &label, QByteArrayView der);

} // namespace baton
