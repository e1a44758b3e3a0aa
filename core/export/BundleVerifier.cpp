#include "BundleVerifier.h"

#include "BundleProfile.h"
#include "common/FileIo.h"
#include "crypto/KeyCodec.h"
#include "dc/DcDocument.h"
#include "dc/DcVerifier.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace baton {

namespace {

// Bundle files are a DC, a key and a chain: kilobytes. A larger file is not ours.
constexpr qint64 kMaxBundleFileSize = 1 << 20;

DcCheck check(const QString &id, const QString &title, CheckOutcome outcome, const QString &detail)
{
    return DcCheck{id, title, outcome, detail};
}

} // namespace

Result<BundleVerification> verifyBundle(const QString &path, const QDateTime &at)
{
    QString directory = path;
    if (QFileInfo(QDir(path).filePath(QStringLiteral("current"))).isSymLink())
        directory = QDir(path).filePath(QStringLiteral("current"));
    directory = QFileInfo(directory).canonicalFilePath();
    if (directory.isEmpty() || !QFileInfo(directory).isDir())
        return Error{QStringLiteral("%1: not a bundle directory").arg(path)};
    const QDir bundle(directory);
    const auto read = [&](const QString &name) {
        return readFileBounded(bundle.filePath(name), kMaxBundleFileSize);
    };

    auto manifestData = read(QStringLiteral("manifest.json"));
    if (!manifestData)
        return Error{QStringLiteral("%1: no manifest.json; not a bundle Baton wrote").arg(path)};
    QJsonParseError parseError;
    const QJsonObject manifest = QJsonDocument::fromJson(*manifestData, &parseError).object();
    if (parseError.error != QJsonParseError::NoError)
        return Error{
            QStringLiteral("%1: manifest.json is not valid JSON (%2)")
                .arg(bundle.filePath(QStringLiteral("manifest.json")), parseError.errorString())};
    BundleVerification report;
    report.directory = directory;
    report.profile = manifest.value(QStringLiteral("profile")).toString();
    const auto profile = bundleProfileByName(report.profile);
    if (!profile)
        return Error{QStringLiteral("%1: manifest.json names an unknown profile '%2'")
                         .arg(directory, report.profile)};

    // Every file as exported: a server reading a bundle someone edited by hand is guessing.
    for (const QJsonValue &entry : manifest.value(QStringLiteral("files")).toArray()) {
        const QString name = entry[QStringLiteral("name")].toString();
        const QString id = QStringLiteral("file:") + name;
        auto data = read(name);
        if (!data) {
            report.checks << check(id, name, CheckOutcome::Fail, data.errorMessage());
            continue;
        }
        const QString hash = QString::fromLatin1(
            QCryptographicHash::hash(*data, QCryptographicHash::Sha256).toHex());
        report.checks << (hash == entry[QStringLiteral("sha256")].toString()
                              ? check(id, name, CheckOutcome::Pass,
                                      QStringLiteral("as exported (SHA-256 matches the manifest)"))
                              : check(id, name, CheckOutcome::Fail,
                                      QStringLiteral("changed since it was exported (SHA-256 "
                                                     "differs from the manifest)")));
    }

    const BundleLayout layout = bundleLayout(*profile);
    auto dcData = read(QLatin1String(layout.dc));
    if (!dcData)
        return dcData.error();
    auto document =
        withContext(readDelegatedCredential(*dcData), bundle.filePath(QLatin1String(layout.dc)));
    if (!document)
        return document.error();
    std::optional<QByteArray> keyBytes;
    SecretBytes keyFile;
    if (!document->privateKey.isEmpty()) {
        keyBytes = document->privateKey.bytes();
    } else {
        auto data = read(QLatin1String(layout.key));
        if (!data)
            return data.error();
        keyFile = SecretBytes(std::move(data).value());
        keyBytes = keyFile.bytes();
    }
    auto key = withContext(decodePrivateKey(*keyBytes), bundle.filePath(QLatin1String(layout.key)));
    if (!key)
        return key.error();
    auto dcKey = decodeSubjectPublicKeyInfo(document->credential.subjectPublicKeyInfo);
    report.checks << (dcKey && samePublicKey(key->get(), dcKey->get())
                          ? check(QStringLiteral("dc-key"), QStringLiteral("DC key"),
                                  CheckOutcome::Pass,
                                  QStringLiteral("the private key belongs to the DC"))
                          : check(QStringLiteral("dc-key"), QStringLiteral("DC key"),
                                  CheckOutcome::Fail,
                                  QStringLiteral("the private key does not belong to the DC: "
                                                 "every handshake would fail")));

    QByteArray leafDer = document->certificateDer;
    if (leafDer.isEmpty()) {
        auto chain = read(QLatin1String(layout.chain));
        if (!chain)
            return chain.error();
        auto leaf = withContext(Certificate::readFirst(*chain),
                                bundle.filePath(QLatin1String(layout.chain)));
        if (!leaf)
            return leaf.error();
        leafDer = leaf->der();
    }
    auto leaf = Certificate::fromDer(leafDer);
    if (!leaf)
        return leaf.error();
    const DcRole role = manifest.value(QStringLiteral("role")).toString() == QLatin1String("client")
                            ? DcRole::Client
                            : DcRole::Server;
    report.checks << verifyDelegatedCredential(*leaf, document->bytes, role, at).checks;
    return report;
}

} // namespace baton
