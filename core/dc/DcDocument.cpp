#include "DcDocument.h"

#include "common/FileIo.h"
#include "common/Pem.h"

namespace baton {

namespace {

const QLatin1String kDcLabelSuffix("DELEGATED CREDENTIAL");
const QLatin1String kPrivateKeyLabelSuffix("PRIVATE KEY");

bool isText(QByteArrayView data)
{
    for (char c : data) {
        const auto byte = quint8(c);
        if (byte > 0x7e || (byte < 0x20 && byte != '\n' && byte != '\r' && byte != '\t'))
            return false;
    }
    return true;
}

QByteArray withoutWhitespace(QByteArrayView text)
{
    QByteArray compact;
    compact.reserve(text.size());
    for (char c : text) {
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            compact.append(c);
    }
    return compact;
}

bool isHex(QByteArrayView text)
{
    if (text.isEmpty() || text.size() % 2 != 0)
        return false;
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

Result<DcDocument> decodeAs(DcEncoding encoding, QByteArray bytes)
{
    auto credential = DelegatedCredential::decode(bytes);
    if (!credential)
        return Error{QStringLiteral("(read as %1) %2")
                         .arg(dcEncodingName(encoding), credential.errorMessage())};
    DcDocument document;
    document.credential = std::move(credential).value();
    document.bytes = std::move(bytes);
    document.encoding = encoding;
    return document;
}

Result<DcDocument> readPem(QByteArrayView data)
{
    auto blocks = parsePem(data);
    if (!blocks)
        return blocks.error();
    const PemBlock *dcBlock = nullptr;
    const PemBlock *keyBlock = nullptr;
    const PemBlock *certificateBlock = nullptr;
    QStringList labels;
    for (const PemBlock &block : *blocks) {
        labels << block.label;
        if (block.label.endsWith(kDcLabelSuffix)) {
            if (dcBlock)
                return Error{QStringLiteral("two DC blocks ('%1' at byte offset %2 and '%3' at "
                                            "%4); put each DC in its own file")
                                 .arg(dcBlock->label)
                                 .arg(dcBlock->offset)
                                 .arg(block.label)
                                 .arg(block.offset)};
            dcBlock = &block;
        } else if (block.label.endsWith(kPrivateKeyLabelSuffix) && !keyBlock) {
            keyBlock = &block;
        } else if (block.label == QLatin1String("CERTIFICATE") && !certificateBlock) {
            certificateBlock = &block;
        }
    }
    if (!dcBlock)
        return Error{QStringLiteral("no '… DELEGATED CREDENTIAL' PEM block (found: %1)")
                         .arg(labels.join(QStringLiteral(", ")))};
    const bool combined = keyBlock || certificateBlock;
    auto document =
        decodeAs(combined ? DcEncoding::FizzCombinedPem : DcEncoding::Pem, dcBlock->der);
    if (!document)
        return Error{QStringLiteral("PEM block '%1' at byte offset %2: %3")
                         .arg(dcBlock->label)
                         .arg(dcBlock->offset)
                         .arg(document.errorMessage())};
    document->pemLabel = dcBlock->label;
    if (dcBlock->label.startsWith(QLatin1String("SERVER ")))
        document->labelledRole = DcRole::Server;
    else if (dcBlock->label.startsWith(QLatin1String("CLIENT ")))
        document->labelledRole = DcRole::Client;
    if (keyBlock)
        document->privateKey = SecretBytes(keyBlock->hasHeaders ? keyBlock->text : keyBlock->der);
    if (certificateBlock)
        document->certificateDer = certificateBlock->der;
    return document;
}

Result<DcDocument> readInteropRunnerLine(QByteArrayView text)
{
    const QList<QByteArray> fields = withoutWhitespace(text).split(',');
    if (fields.size() != 2 || !isHex(fields[0]) || !isHex(fields[1]))
        return Error{QStringLiteral("(read as %1) expected 'hex(DC),hex(PKCS#8 DER)' on one line")
                         .arg(dcEncodingName(DcEncoding::InteropRunner))};
    auto document = decodeAs(DcEncoding::InteropRunner, QByteArray::fromHex(fields[0]));
    if (document)
        document->privateKey = SecretBytes(QByteArray::fromHex(fields[1]));
    return document;
}

Result<DcDocument> readText(QByteArrayView text)
{
    if (text.contains(','))
        return readInteropRunnerLine(text);
    QByteArray compact = withoutWhitespace(text);
    if (compact.startsWith("0x") || compact.startsWith("0X"))
        compact.remove(0, 2);
    if (isHex(compact))
        return decodeAs(DcEncoding::Hex, QByteArray::fromHex(compact));
    auto base64 = QByteArray::fromBase64Encoding(compact, QByteArray::AbortOnBase64DecodingErrors);
    if (base64 && !base64.decoded.isEmpty())
        return decodeAs(DcEncoding::Base64, std::move(base64.decoded));
    return Error{QStringLiteral("text that is neither PEM, hex, base64 nor an interop-runner "
                                "line")};
}

} // namespace

QString dcEncodingName(DcEncoding encoding)
{
    switch (encoding) {
    case DcEncoding::Binary:
        return QStringLiteral("binary");
    case DcEncoding::Hex:
        return QStringLiteral("hex");
    case DcEncoding::Base64:
        return QStringLiteral("base64");
    case DcEncoding::Pem:
        return QStringLiteral("PEM");
    case DcEncoding::FizzCombinedPem:
        return QStringLiteral("Fizz combined PEM");
    case DcEncoding::InteropRunner:
        return QStringLiteral("interop-runner line");
    }
    return {};
}

Result<DcDocument> readDelegatedCredential(QByteArrayView data)
{
    if (data.size() > kMaxDcFileSize)
        return Error{QStringLiteral("%1 bytes is far larger than any DC").arg(data.size())};
    if (data.trimmed().isEmpty())
        return Error{QStringLiteral("empty input; expected a delegated credential")};
    if (containsPem(data))
        return readPem(data);
    if (isText(data)) {
        auto document = readText(data.trimmed());
        // A binary DC made only of printable bytes is possible in theory; prefer whatever
        // reading succeeds, and report the text reading's error when neither does.
        if (!document) {
            if (auto binary = decodeAs(DcEncoding::Binary, data.toByteArray()))
                return binary;
        }
        return document;
    }
    return decodeAs(DcEncoding::Binary, data.toByteArray());
}

Result<DcDocument> readDelegatedCredentialFile(const QString &path)
{
    auto data = readFileBounded(path, kMaxDcFileSize);
    if (!data)
        return data.error();
    return withContext(readDelegatedCredential(*data), path);
}

} // namespace baton
