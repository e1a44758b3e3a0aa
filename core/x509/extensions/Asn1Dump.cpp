#include "Asn1Dump.h"

#include "ExtensionSupport.h"

#include <QStringList>
#include <optional>

namespace baton::extensions {

namespace {

// Bounds that keep a hostile extension from producing a listing nobody can read (or from
// recursing without end): real extensions nest a handful of levels and run to a few hundred
// elements at most.
constexpr int kMaxDepth = 24;
constexpr int kMaxLines = 2000;
constexpr qsizetype kMaxHexBytes = 64;

enum : quint32
{
    kBoolean = 1,
    kInteger = 2,
    kBitString = 3,
    kOctetString = 4,
    kNull = 5,
    kObjectIdentifier = 6,
    kEnumerated = 10,
    kUtf8String = 12,
    kSequence = 16,
    kSet = 17,
    kNumericString = 18,
    kPrintableString = 19,
    kT61String = 20,
    kIa5String = 22,
    kUtcTime = 23,
    kGeneralizedTime = 24,
    kVisibleString = 26,
    kUniversalString = 28,
    kBmpString = 30,
};

QString byteCount(qsizetype count)
{
    return count == 1 ? QStringLiteral("1 byte") : QStringLiteral("%1 bytes").arg(count);
}

struct Tlv
{
    int tagClass = 0; ///< 0 universal, 1 application, 2 context-specific, 3 private
    bool constructed = false;
    quint32 tag = 0;
    qsizetype headerLength = 0;
    qsizetype length = 0;
};

/// The header of the element at the start of `data`, checked against the bytes present.
std::optional<Tlv> readTlv(QByteArrayView data, QString *problem)
{
    const auto byte = [&](qsizetype i) {
        return quint8(data[i]);
    };
    const auto fail = [&](const QString &why) {
        *problem = why;
        return std::optional<Tlv>();
    };
    if (data.isEmpty())
        return fail(QStringLiteral("no bytes left"));
    Tlv tlv;
    tlv.tagClass = byte(0) >> 6;
    tlv.constructed = (byte(0) & 0x20) != 0;
    tlv.tag = byte(0) & 0x1f;
    qsizetype pos = 1;
    if (tlv.tag == 0x1f) {
        tlv.tag = 0;
        for (int i = 0;; ++i) {
            if (pos >= data.size())
                return fail(QStringLiteral("the tag is truncated"));
            if (i == 4)
                return fail(QStringLiteral("the tag number is too large"));
            const quint8 b = byte(pos++);
            tlv.tag = (tlv.tag << 7) | (b & 0x7f);
            if (!(b & 0x80))
                break;
        }
    }
    if (pos >= data.size())
        return fail(QStringLiteral("the length is missing"));
    const quint8 first = byte(pos++);
    if (first < 0x80) {
        tlv.length = first;
    } else if (first == 0x80) {
        return fail(QStringLiteral("indefinite length (BER, not DER)"));
    } else {
        const int count = first & 0x7f;
        if (count > 4)
            return fail(QStringLiteral("a %1-byte length field is too long").arg(count));
        if (data.size() - pos < count)
            return fail(QStringLiteral("the length is truncated"));
        quint64 length = 0;
        for (int i = 0; i < count; ++i)
            length = (length << 8) | byte(pos++);
        tlv.length = qsizetype(length);
    }
    tlv.headerLength = pos;
    if (tlv.length > data.size() - pos)
        return fail(QStringLiteral("a length of %1 runs past the end (%2 left)")
                        .arg(tlv.length)
                        .arg(byteCount(data.size() - pos)));
    return tlv;
}

/// Whether `data` is a sequence of complete, well-formed elements, all the way down.
bool isWellFormed(QByteArrayView data, int depth)
{
    if (depth > kMaxDepth)
        return false;
    QString problem;
    while (!data.isEmpty()) {
        const auto tlv = readTlv(data, &problem);
        if (!tlv)
            return false;
        const QByteArrayView content = data.sliced(tlv->headerLength, tlv->length);
        if (tlv->constructed && !isWellFormed(content, depth + 1))
            return false;
        data = data.sliced(tlv->headerLength + tlv->length);
    }
    return true;
}

/// Whether a string's content is itself DER, as extnValue-style wrappers often are. Only a
/// SEQUENCE or SET counts: random bytes (a key identifier) can look like a short primitive.
bool encapsulatesDer(QByteArrayView content)
{
    if (content.isEmpty())
        return false;
    const quint8 first = quint8(content[0]);
    return (first == 0x30 || first == 0x31) && isWellFormed(content, 1);
}

QString hexPreview(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return QStringLiteral("(empty)");
    const QByteArray shown = bytes.first(qMin(bytes.size(), kMaxHexBytes)).toByteArray();
    QString text = QString::fromLatin1(shown.toHex(':').toUpper());
    if (shown.size() < bytes.size())
        text += QStringLiteral("… (%1)").arg(byteCount(bytes.size()));
    return text;
}

QString quoted(const QString &text)
{
    QString out = QStringLiteral("\"");
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            out += QStringLiteral("\\x%1").arg(uint(c.unicode()), 2, 16, QLatin1Char('0'));
        else if (c == QLatin1Char('"') || c == QLatin1Char('\\'))
            out += QLatin1Char('\\') + c;
        else
            out += c;
    }
    return out + QLatin1Char('"');
}

QString integerText(QByteArrayView content)
{
    if (content.isEmpty())
        return QStringLiteral("(empty)");
    if (content.size() > 8)
        return QStringLiteral("0x") + QString::fromLatin1(content.toByteArray().toHex().toUpper());
    // Two's complement, sign-extended from the first byte.
    qint64 value = qint8(content[0]);
    for (qsizetype i = 1; i < content.size(); ++i)
        value = qint64(quint64(value) << 8 | quint8(content[i]));
    return QString::number(value);
}

QString stringText(quint32 tag, QByteArrayView content)
{
    switch (tag) {
    case kUtf8String:
        return quoted(QString::fromUtf8(content));
    case kBmpString: {
        QString text;
        for (qsizetype i = 0; i + 1 < content.size(); i += 2)
            text += QChar(char16_t(quint8(content[i]) << 8 | quint8(content[i + 1])));
        return quoted(text);
    }
    case kUniversalString: {
        QList<char32_t> codePoints;
        for (qsizetype i = 0; i + 3 < content.size(); i += 4)
            codePoints << (char32_t(quint8(content[i])) << 24 |
                           char32_t(quint8(content[i + 1])) << 16 |
                           char32_t(quint8(content[i + 2])) << 8 |
                           char32_t(quint8(content[i + 3])));
        return quoted(QString::fromUcs4(codePoints.constData(), codePoints.size()));
    }
    default:
        return quoted(QString::fromLatin1(content));
    }
}

bool isPrintableAscii(QByteArrayView content)
{
    if (content.isEmpty())
        return false;
    for (const char c : content)
        if (c < 0x20 || c > 0x7e)
            return false;
    return true;
}

QString tagName(const Tlv &tlv)
{
    static const std::pair<quint32, const char *> universal[] = {
        {kBoolean, "BOOLEAN"},
        {kInteger, "INTEGER"},
        {kBitString, "BIT STRING"},
        {kOctetString, "OCTET STRING"},
        {kNull, "NULL"},
        {kObjectIdentifier, "OBJECT IDENTIFIER"},
        {kEnumerated, "ENUMERATED"},
        {kUtf8String, "UTF8String"},
        {kSequence, "SEQUENCE"},
        {kSet, "SET"},
        {kNumericString, "NumericString"},
        {kPrintableString, "PrintableString"},
        {kT61String, "T61String"},
        {kIa5String, "IA5String"},
        {kUtcTime, "UTCTime"},
        {kGeneralizedTime, "GeneralizedTime"},
        {kVisibleString, "VisibleString"},
        {kUniversalString, "UniversalString"},
        {kBmpString, "BMPString"},
    };
    switch (tlv.tagClass) {
    case 0:
        for (const auto &[tag, name] : universal)
            if (tag == tlv.tag)
                return QLatin1String(name);
        return QStringLiteral("[UNIVERSAL %1]").arg(tlv.tag);
    case 1:
        return QStringLiteral("[APPLICATION %1]").arg(tlv.tag);
    case 2:
        return QStringLiteral("[%1]").arg(tlv.tag);
    default:
        return QStringLiteral("[PRIVATE %1]").arg(tlv.tag);
    }
}

QString primitiveText(const Tlv &tlv, QByteArrayView content)
{
    if (tlv.tagClass != 0)
        return isPrintableAscii(content) ? quoted(QString::fromLatin1(content))
                                         : hexPreview(content);
    switch (tlv.tag) {
    case kBoolean:
        if (content.size() == 1 && quint8(content[0]) == 0x00)
            return QStringLiteral("FALSE");
        if (content.size() == 1 && quint8(content[0]) == 0xff)
            return QStringLiteral("TRUE");
        return hexPreview(content) + QStringLiteral(" (not a DER boolean)");
    case kInteger:
    case kEnumerated:
        return integerText(content);
    case kBitString:
        if (content.isEmpty())
            return QStringLiteral("(empty: no unused-bits byte)");
        if (content.size() == 1)
            return content[0] == 0
                       ? QStringLiteral("(no bits)")
                       : QStringLiteral("(no bits, yet %1 unused)").arg(quint8(content[0]));
        return QStringLiteral("%1 (%2 unused bits)")
            .arg(hexPreview(content.sliced(1)))
            .arg(quint8(content[0]));
    case kNull:
        return content.isEmpty() ? QString() : hexPreview(content) + QStringLiteral(" (not empty)");
    case kObjectIdentifier: {
        const QString dotted = oidFromDer(content);
        if (dotted.isEmpty())
            return hexPreview(content) + QStringLiteral(" (invalid)");
        const QString name = oidShortName(dotted);
        return name.isEmpty() ? dotted : QStringLiteral("%1 (%2)").arg(dotted, name);
    }
    case kUtf8String:
    case kNumericString:
    case kPrintableString:
    case kT61String:
    case kIa5String:
    case kVisibleString:
    case kUniversalString:
    case kBmpString:
        return stringText(tlv.tag, content);
    case kUtcTime:
    case kGeneralizedTime:
        return QString::fromLatin1(content);
    default:
        return hexPreview(content);
    }
}

class Dumper
{
public:
    QString text() const { return m_lines.join(QLatin1Char('\n')); }

    void dumpElements(QByteArrayView data, qsizetype offset, int depth)
    {
        qsizetype pos = 0;
        while (pos < data.size()) {
            if (m_lines.size() >= kMaxLines) {
                if (!m_truncated)
                    m_lines << QStringLiteral("… (listing cut off after %1 lines)").arg(kMaxLines);
                m_truncated = true;
                return;
            }
            QString problem;
            const auto tlv = readTlv(data.sliced(pos), &problem);
            if (!tlv) {
                add(depth,
                    QStringLiteral("malformed DER at byte %1: %2").arg(offset + pos).arg(problem));
                return;
            }
            const QByteArrayView content = data.sliced(pos + tlv->headerLength, tlv->length);
            const qsizetype contentOffset = offset + pos + tlv->headerLength;
            const QString name = tagName(*tlv);
            if (tlv->constructed) {
                add(depth, name);
                nest(content, contentOffset, depth);
            } else if (tlv->tagClass == 0 && tlv->tag == kOctetString && encapsulatesDer(content)) {
                add(depth, name + QStringLiteral(" (encapsulates)"));
                nest(content, contentOffset, depth);
            } else if (tlv->tagClass == 0 && tlv->tag == kBitString && !content.isEmpty() &&
                       content[0] == 0 && encapsulatesDer(content.sliced(1))) {
                add(depth, name + QStringLiteral(" (encapsulates)"));
                nest(content.sliced(1), contentOffset + 1, depth);
            } else {
                const QString value = primitiveText(*tlv, content);
                add(depth, value.isEmpty() ? name : name + QLatin1Char(' ') + value);
            }
            pos += tlv->headerLength + tlv->length;
        }
    }

private:
    void nest(QByteArrayView content, qsizetype offset, int depth)
    {
        if (depth + 1 >= kMaxDepth)
            add(depth + 1, QStringLiteral("… (nested deeper than %1 levels)").arg(kMaxDepth));
        else
            dumpElements(content, offset, depth + 1);
    }

    void add(int depth, const QString &line)
    {
        m_lines << QString(depth * 2, QLatin1Char(' ')) + line;
    }

    QStringList m_lines;
    bool m_truncated = false;
};

} // namespace

QString oidFromDer(QByteArrayView content)
{
    if (content.isEmpty())
        return {};
    QStringList arcs;
    quint64 value = 0;
    int bytesInArc = 0;
    for (const char c : content) {
        const quint8 b = quint8(c);
        // 0x80 first is a non-minimal encoding; the shift check stops a 64-bit overflow.
        if ((bytesInArc == 0 && b == 0x80) || value > (~quint64(0) >> 7))
            return {};
        value = (value << 7) | (b & 0x7f);
        ++bytesInArc;
        if (b & 0x80)
            continue;
        if (arcs.isEmpty()) {
            const quint64 first = value < 40 ? 0 : value < 80 ? 1 : 2;
            arcs << QString::number(first) << QString::number(value - first * 40);
        } else {
            arcs << QString::number(value);
        }
        value = 0;
        bytesInArc = 0;
    }
    if (bytesInArc != 0)
        return {};
    return arcs.join(QLatin1Char('.'));
}

QString dumpDer(QByteArrayView der)
{
    if (der.isEmpty())
        return QStringLiteral("(empty)");
    Dumper dumper;
    dumper.dumpElements(der, 0, 0);
    return dumper.text();
}

QString derElementProblem(QByteArrayView der)
{
    if (der.isEmpty())
        return QStringLiteral("the value is empty");
    QString problem;
    const auto tlv = readTlv(der, &problem);
    if (!tlv)
        return QStringLiteral("the value is not DER: %1").arg(problem);
    const qsizetype rest = der.size() - tlv->headerLength - tlv->length;
    if (rest > 0)
        return rest == 1 ? QStringLiteral("1 unexpected byte after the value")
                         : QStringLiteral("%1 unexpected bytes after the value").arg(rest);
    return {};
}

} // namespace baton::extensions
