#include "TarBytes.h"

#include <cstring>
#include <zlib.h>

namespace baton::test {

QByteArray gzipped(const QByteArray &data)
{
    z_stream stream{};
    deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(qsizetype(deflateBound(&stream, uLong(data.size()))), '\0');
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    deflate(&stream, Z_FINISH);
    out.truncate(qsizetype(stream.total_out));
    deflateEnd(&stream);
    return out;
}

QByteArray gunzipped(const QByteArray &data)
{
    QByteArray out(4 << 20, '\0');
    z_stream stream{};
    inflateInit2(&stream, 15 + 16);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    inflate(&stream, Z_FINISH);
    out.truncate(qsizetype(stream.total_out));
    inflateEnd(&stream);
    return out;
}

void fixTarChecksum(QByteArray &tar, qsizetype header)
{
    std::memset(tar.data() + header + 148, ' ', 8);
    quint32 sum = 0;
    for (qsizetype i = 0; i < 512; ++i)
        sum += static_cast<unsigned char>(tar[header + i]);
    const QByteArray digits = QByteArray::number(sum, 8).rightJustified(6, '0') + '\0' + ' ';
    std::memcpy(tar.data() + header + 148, digits.constData(), 8);
}

} // namespace baton::test
