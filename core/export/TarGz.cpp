#include "TarGz.h"

#include <QSet>
#include <algorithm>
#include <cstring>
#include <limits>
#include <openssl/crypto.h>
#include <optional>
#include <zlib.h>

namespace baton {

namespace {

constexpr qsizetype kBlock = 512;

// ustar header fields: offset and width (POSIX.1-1988, "ustar Interchange Format").
struct Field
{
    qsizetype offset;
    qsizetype width;
};
constexpr Field kName{0, 100}, kMode{100, 8}, kUid{108, 8}, kGid{116, 8}, kSize{124, 12},
    kMtime{136, 12}, kChecksum{148, 8}, kType{156, 1}, kMagic{257, 6}, kVersion{263, 2},
    kPrefix{345, 155};

void putOctal(char *header, Field field, quint64 value)
{
    // Width - 1 digits and a NUL, the form every tar reads.
    const QByteArray digits =
        QByteArray::number(value, 8).rightJustified(field.width - 1, '0', false);
    std::memcpy(header + field.offset, digits.constData(), size_t(field.width - 1));
    header[field.offset + field.width - 1] = '\0';
}

quint32 headerChecksum(const char *header)
{
    quint32 sum = 0;
    for (qsizetype i = 0; i < kBlock; ++i) {
        const bool inChecksumField =
            i >= kChecksum.offset && i < kChecksum.offset + kChecksum.width;
        sum += inChecksumField ? quint32(' ') : quint32(static_cast<unsigned char>(header[i]));
    }
    return sum;
}

QByteArray text(const char *header, Field field)
{
    const QByteArray raw(header + field.offset, field.width);
    const qsizetype end = raw.indexOf('\0');
    return end < 0 ? raw : raw.left(end);
}

/// An octal number as tar writes it: optional leading spaces, digits, then NULs or spaces.
std::optional<quint64> octal(const char *header, Field field)
{
    qsizetype i = 0;
    while (i < field.width && header[field.offset + i] == ' ')
        ++i;
    quint64 value = 0;
    qsizetype digits = 0;
    for (; i < field.width; ++i, ++digits) {
        const char c = header[field.offset + i];
        if (c < '0' || c > '7')
            break;
        if (value > (std::numeric_limits<quint64>::max() >> 3))
            return std::nullopt;
        value = value * 8 + quint64(c - '0');
    }
    if (digits == 0)
        return std::nullopt;
    for (; i < field.width; ++i) {
        const char c = header[field.offset + i];
        if (c != '\0' && c != ' ')
            return std::nullopt;
    }
    return value;
}

QString memberKind(char type)
{
    switch (type) {
    case '1':
        return QStringLiteral("a hard link");
    case '2':
        return QStringLiteral("a symbolic link");
    case '5':
        return QStringLiteral("a directory");
    case 'x':
    case 'g':
        return QStringLiteral("a pax extended header");
    case 'L':
    case 'K':
        return QStringLiteral("a GNU long name");
    default:
        return QStringLiteral("of tar type '%1'").arg(QLatin1Char(type));
    }
}

Result<QByteArray> gzip(const QByteArray &data)
{
    z_stream stream{};
    // 15 window bits + 16: a gzip wrapper (RFC 1952) whose header has no name and mtime 0.
    if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return Error{QStringLiteral("cannot start gzip compression")};
    QByteArray compressed(qsizetype(deflateBound(&stream, uLong(data.size()))), Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(compressed.data());
    stream.avail_out = uInt(compressed.size());
    const int status = deflate(&stream, Z_FINISH);
    const qsizetype written = qsizetype(stream.total_out);
    deflateEnd(&stream);
    if (status != Z_STREAM_END)
        return Error{QStringLiteral("gzip compression failed")};
    compressed.truncate(written);
    return compressed;
}

Result<QByteArray> gunzip(QByteArrayView data)
{
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 16) != Z_OK)
        return Error{QStringLiteral("cannot start gzip decompression")};
    QByteArray expanded;
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = uInt(data.size());
    int status = Z_OK;
    char chunk[16384];
    while (status == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef *>(chunk);
        stream.avail_out = sizeof chunk;
        status = inflate(&stream, Z_NO_FLUSH);
        expanded.append(chunk, qsizetype(sizeof chunk - stream.avail_out));
        if (expanded.size() > kMaxTarExpandedSize) {
            inflateEnd(&stream);
            return Error{QStringLiteral("the archive expands beyond %1 MiB; a bundle is a few "
                                        "KiB")
                             .arg(kMaxTarExpandedSize >> 20)};
        }
        if (status == Z_BUF_ERROR && stream.avail_in == 0)
            break; // input ended before the stream did
    }
    const qsizetype consumed = qsizetype(data.size()) - qsizetype(stream.avail_in);
    inflateEnd(&stream);
    if (status != Z_STREAM_END)
        return Error{QStringLiteral("the gzip stream is %1 at compressed byte %2")
                         .arg(status == Z_BUF_ERROR ? QStringLiteral("truncated")
                                                    : QStringLiteral("corrupt"))
                         .arg(consumed)};
    if (consumed != data.size())
        return Error{QStringLiteral("%1 unexpected bytes after the gzip stream at compressed "
                                    "byte %2")
                         .arg(data.size() - consumed)
                         .arg(consumed)};
    return expanded;
}

} // namespace

bool looksLikeGzip(QByteArrayView data)
{
    return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
           static_cast<unsigned char>(data[1]) == 0x8b;
}

Result<QByteArray> writeTarGz(const QList<TarMember> &members, const QDateTime &mtime)
{
    QByteArray archive;
    for (const TarMember &member : members) {
        const QByteArray name = member.name.toUtf8();
        if (name.isEmpty() || name.size() >= kName.width || name.contains('/'))
            return Error{QStringLiteral("'%1' cannot be a bundle archive member").arg(member.name)};
        char header[kBlock] = {};
        std::memcpy(header + kName.offset, name.constData(), size_t(name.size()));
        putOctal(header, kMode, quint64(member.mode));
        putOctal(header, kUid, 0);
        putOctal(header, kGid, 0);
        putOctal(header, kSize, quint64(member.data.size()));
        putOctal(header, kMtime, quint64(qMax<qint64>(0, mtime.toSecsSinceEpoch())));
        header[kType.offset] = '0';
        std::memcpy(header + kMagic.offset, "ustar", 6);
        std::memcpy(header + kVersion.offset, "00", 2);
        std::memcpy(header + 265, "root", 4); // uname
        std::memcpy(header + 297, "root", 4); // gname
        // Six octal digits, NUL, space: the historical form that every reader checks.
        const QByteArray sum =
            QByteArray::number(headerChecksum(header), 8).rightJustified(6, '0') + '\0' + ' ';
        std::memcpy(header + kChecksum.offset, sum.constData(), size_t(kChecksum.width));
        archive.append(header, kBlock);
        archive.append(member.data);
        archive.append(QByteArray((kBlock - member.data.size() % kBlock) % kBlock, '\0'));
    }
    archive.append(QByteArray(2 * kBlock, '\0')); // end of archive
    auto compressed = gzip(archive);
    OPENSSL_cleanse(archive.data(), size_t(archive.size())); // it holds the DC key in clear
    return compressed;
}

Result<QList<TarMember>> readTarGz(QByteArrayView data)
{
    if (data.size() > kMaxBundleFileSize)
        return Error{QStringLiteral("the archive is %1 bytes; a bundle archive is at most %2")
                         .arg(data.size())
                         .arg(kMaxBundleFileSize)};
    auto expanded = gunzip(data);
    if (!expanded)
        return expanded.error();
    const QByteArray &tar = *expanded;
    QList<TarMember> members;
    QSet<QString> seen;
    qsizetype offset = 0;
    const auto failAt = [&offset](const QString &what) {
        return Error{QStringLiteral("tar header at byte %1: %2").arg(offset).arg(what)};
    };
    while (true) {
        if (offset + kBlock > tar.size())
            return failAt(QStringLiteral("the archive ends without its end-of-archive blocks "
                                         "(truncated?)"));
        const char *header = tar.constData() + offset;
        if (std::all_of(header, header + kBlock, [](char c) { return c == '\0'; })) {
            // tar(1) pads the end to a whole record: everything after must be zeros too.
            if (!std::all_of(tar.cbegin() + offset, tar.cend(), [](char c) { return c == '\0'; }))
                return failAt(QStringLiteral("data after the end-of-archive block"));
            break;
        }
        // POSIX writes "ustar\0", GNU tar's default format "ustar  \0": same header for files.
        if (const QByteArray magic = text(header, kMagic); magic != "ustar" && magic != "ustar ")
            return failAt(QStringLiteral("expected a ustar header (magic \"ustar\")"));
        const auto checksum = octal(header, kChecksum);
        if (!checksum || *checksum != headerChecksum(header))
            return failAt(QStringLiteral("the header checksum does not match (corrupt archive)"));
        QString name = QString::fromUtf8(text(header, kName));
        if (const QByteArray prefix = text(header, kPrefix); !prefix.isEmpty())
            name = QString::fromUtf8(prefix) + QLatin1Char('/') + name;
        const auto size = octal(header, kSize);
        const auto mode = octal(header, kMode);
        if (!size || !mode)
            return failAt(QStringLiteral("'%1' has an unreadable %2 field")
                              .arg(name, size ? QStringLiteral("mode") : QStringLiteral("size")));
        const char type = header[kType.offset];
        const qsizetype dataOffset = offset + kBlock;
        if (*size > quint64(tar.size() - dataOffset))
            return failAt(QStringLiteral("'%1' claims %2 bytes; the archive ends first")
                              .arg(name)
                              .arg(*size));
        if (*size > quint64(kMaxBundleMemberSize))
            return failAt(QStringLiteral("'%1' claims %2 bytes; a bundle file is at most %3")
                              .arg(name)
                              .arg(*size)
                              .arg(kMaxBundleMemberSize));
        if (name.startsWith(QLatin1String("./")))
            name = name.mid(2);
        const bool topDirectory = type == '5' && (name.isEmpty() || name == QLatin1String("."));
        if (!topDirectory) {
            if (type != '0' && type != '\0')
                return failAt(QStringLiteral("'%1' is %2; a bundle holds only plain files")
                                  .arg(name, memberKind(type)));
            if (name.isEmpty() || name.contains(QLatin1Char('/')) || name == QLatin1String(".."))
                return failAt(QStringLiteral("'%1' is not a top-level file name").arg(name));
            if (seen.contains(name))
                return failAt(QStringLiteral("'%1' appears twice").arg(name));
            if (members.size() == kMaxBundleMembers)
                return failAt(QStringLiteral("more than %1 members; a bundle has a handful")
                                  .arg(kMaxBundleMembers));
            seen.insert(name);
            members.append({name, tar.mid(dataOffset, qsizetype(*size)), int(*mode & 07777)});
        }
        offset = dataOffset + (qsizetype(*size) + kBlock - 1) / kBlock * kBlock;
    }
    return members;
}

} // namespace baton
