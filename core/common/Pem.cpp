#include "Pem.h"

namespace baton {

namespace {
constexpr QByteArrayView kBegin = "-----BEGIN ";
constexpr QByteArrayView kEnd = "-----END ";
constexpr QByteArrayView kDashes = "-----";

/// The label of a BEGIN/END line starting at `pos` with `prefix`, or empty when malformed.
QByteArray lineLabel(QByteArrayView data, qsizetype pos, QByteArrayView prefix, qsizetype *lineEnd)
{
    qsizetype end = data.indexOf('\n', pos);
    if (end < 0)
        end = data.size();
    *lineEnd = end;
    QByteArrayView line = data.sliced(pos, end - pos).trimmed();
    if (!line.startsWith(prefix) || !line.endsWith(kDashes) ||
        line.size() < prefix.size() + kDashes.size())
        return {};
    return line.sliced(prefix.size(), line.size() - prefix.size() - kDashes.size()).toByteArray();
}
} // namespace

bool containsPem(QByteArrayView data)
{
    return data.indexOf(kBegin) >= 0;
}

Result<QList<PemBlock>> parsePem(QByteArrayView data)
{
    QList<PemBlock> blocks;
    qsizetype pos = 0;
    while ((pos = data.indexOf(kBegin, pos)) >= 0) {
        qsizetype beginLineEnd = 0;
        const QByteArray label = lineLabel(data, pos, kBegin, &beginLineEnd);
        if (label.isEmpty())
            return Error{QStringLiteral("malformed PEM BEGIN line at byte offset %1").arg(pos)};
        const QByteArray endLine = kEnd.toByteArray() + label + kDashes.toByteArray();
        const qsizetype endPos = data.indexOf(endLine, beginLineEnd);
        const qsizetype nextBegin = data.indexOf(kBegin, beginLineEnd);
        if (endPos < 0 || (nextBegin >= 0 && nextBegin < endPos))
            return Error{QStringLiteral("PEM block '%1' at byte offset %2 has no matching "
                                        "'-----END %1-----' line (truncated file?)")
                             .arg(QString::fromLatin1(label))
                             .arg(pos)};
        QByteArrayView body = data.sliced(beginLineEnd, endPos - beginLineEnd);
        PemBlock block;
        block.label = QString::fromLatin1(label);
        block.offset = pos;
        // RFC 1421 headers ("Name: value" lines) end at the first blank line.
        if (body.indexOf(':') >= 0) {
            block.hasHeaders = true;
            qsizetype blank = body.indexOf("\n\n");
            if (blank < 0)
                blank = body.indexOf("\r\n\r\n");
            if (blank < 0)
                return Error{QStringLiteral("PEM block '%1' at byte offset %2 has headers but no "
                                            "blank line after them")
                                 .arg(block.label)
                                 .arg(pos)};
            body = body.sliced(blank).trimmed();
        }
        QByteArray compact;
        compact.reserve(body.size());
        for (char c : body) {
            if (c != '\n' && c != '\r' && c != ' ' && c != '\t')
                compact.append(c);
        }
        auto decoded =
            QByteArray::fromBase64Encoding(compact, QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || (compact.size() % 4) != 0)
            return Error{QStringLiteral("PEM block '%1' at byte offset %2: the body is not valid "
                                        "base64")
                             .arg(block.label)
                             .arg(pos)};
        if (decoded.decoded.isEmpty())
            return Error{QStringLiteral("PEM block '%1' at byte offset %2 is empty")
                             .arg(block.label)
                             .arg(pos)};
        block.der = std::move(decoded.decoded);
        const qsizetype blockEnd = endPos + endLine.size();
        block.text = data.sliced(pos, blockEnd - pos).toByteArray() + '\n';
        blocks.append(std::move(block));
        pos = blockEnd;
    }
    return blocks;
}

QByteArray encodePem(const QString &label, QByteArrayView der)
{
    const QByteArray base64 = der.toByteArray().toBase64();
    QByteArray out = "-----BEGIN " + label.toLatin1() + "-----\n";
    for (qsizetype i = 0; i < base64.size(); i += 64)
        out += base64.mid(i, 64) + '\n';
    out += "-----END " + label.toLatin1() + "-----\n";
    return out;
}

} // namespace baton
