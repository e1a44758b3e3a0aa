#pragma once

// A bundle as a Kubernetes Secret manifest, for clusters where the server reads its DC from a
// mounted Secret. Written as YAML; read back from what Baton wrote, or from what
// `kubectl get secret -o yaml|json` prints for it.

#include "common/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QMap>
#include <QString>

namespace baton {

struct KubernetesSecret
{
    QString name;
    QString type = QStringLiteral("Opaque");
    QMap<QString, QString> labels;
    QMap<QString, QString> annotations;
    QMap<QString, QByteArray> data; ///< file name -> contents (base64 in the manifest)
};

/// A DNS-1123 subdomain for the Secret of a certificate: "baton-dc-" and its name.
QString kubernetesSecretName(const QString &certificateName);

QByteArray writeKubernetesSecret(const KubernetesSecret &secret, const QString &comment);

/// Reads `apiVersion: v1`, `kind: Secret` manifests in block YAML or JSON. Only the fields
/// above are kept; other fields (managedFields, resourceVersion, …) are skipped. Errors name
/// the line and what was expected. An empty data value is `key: ""`; a bare `key:` (YAML's
/// null or nested mapping) is refused, as is a key given twice. Bounded for any bytes (a
/// fuzzing entry point): size, data and metadata counts per BundleLimits.h.
Result<KubernetesSecret> readKubernetesSecret(QByteArrayView manifest);

/// True when the text looks like a Kubernetes manifest rather than a PEM or DC file.
bool looksLikeKubernetesManifest(QByteArrayView data);

} // namespace baton
