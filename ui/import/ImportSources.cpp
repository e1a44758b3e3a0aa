#include "ImportSources.h"

#include "common/Pem.h"

#include <QMimeData>
#include <QUrl>

namespace baton::ui {

namespace {

QMimeData *pemMime(const QByteArray &pem, const QByteArray &marker)
{
    auto *mime = new QMimeData;
    mime->setText(QString::fromLatin1(pem));
    mime->setData(QLatin1String(kPemMimeType), pem);
    mime->setData(QLatin1String(kBatonMimeType), marker);
    return mime;
}

} // namespace

ImportSources importSourcesFrom(const QMimeData *mime)
{
    ImportSources sources;
    if (!mime)
        return sources;
    if (mime->hasUrls()) {
        for (const QUrl &url : mime->urls()) {
            if (url.isLocalFile())
                sources.files << url.toLocalFile();
        }
        if (!sources.files.isEmpty())
            return sources;
    }
    // A remote URL's text/plain is the URL itself: nothing to import there.
    if (mime->hasFormat(QLatin1String(kPemMimeType)))
        sources.text = mime->data(QLatin1String(kPemMimeType));
    else if (!mime->hasUrls() && mime->hasText())
        sources.text = mime->text().toUtf8();
    return sources;
}

bool isInternalDrag(const QMimeData *mime)
{
    return mime && mime->hasFormat(QLatin1String(kBatonMimeType));
}

bool canImport(const QMimeData *mime)
{
    return mime && !isInternalDrag(mime) && !importSourcesFrom(mime).isEmpty();
}

QMimeData *mimeForCertificate(const Certificate &certificate)
{
    return pemMime(encodePem(QStringLiteral("CERTIFICATE"), certificate.der()),
                   "certificate " + certificate.sha256Fingerprint().toHex());
}

QMimeData *mimeForDc(const DcRecord &dc)
{
    const QString label = dc.role == DcRole::Server ? QStringLiteral("SERVER DELEGATED CREDENTIAL")
                                                    : QStringLiteral("CLIENT DELEGATED CREDENTIAL");
    return pemMime(encodePem(label, dc.bytes), "dc " + QByteArray::number(dc.id));
}

} // namespace baton::ui
