#include "KubernetesSecret.h"

#include "BundleLimits.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>

namespace baton {

namespace {

constexpr int kMaxNameLength = 253; // a DNS-1123 subdomain

/// Double quotes for every value: annotation values such as fingerprints hold colons, and
/// quoting all of them keeps YAML from reading any as a number, date or boolean.
QByteArray quoted(const QString &value)
{
    QByteArray out = "\"";
    for (const char c : value.toUtf8()) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + '"';
}

/// Keys plain, as kubectl writes them, except one starting with '-' (Kubernetes allows it in
/// data keys): YAML readers differ on whether "-x:" or "-:" starts a list item or a key.
QByteArray yamlKey(const QString &key)
{
    return key.startsWith(QLatin1Char('-')) ? quoted(key) : key.toUtf8();
}

void writeMapping(QByteArray &yaml, const char *key, const QMap<QString, QString> &entries)
{
    if (entries.isEmpty())
        return;
    yaml += QByteArray("  ") + key + ":\n";
    for (auto it = entries.cbegin(); it != entries.cend(); ++it)
        yaml += "    " + yamlKey(it.key()) + ": " + quoted(it.value()) + '\n';
}

Error lineError(qsizetype line, const QString &what)
{
    return Error{QStringLiteral("line %1: %2").arg(line).arg(what)};
}

/// A YAML scalar as Kubernetes tools write them: plain, "double" or 'single' quoted.
Result<QString> scalar(QStringView raw, qsizetype line)
{
    if (raw.startsWith(QLatin1Char('"'))) {
        QString value;
        for (qsizetype i = 1; i < raw.size(); ++i) {
            const QChar c = raw[i];
            if (c == QLatin1Char('"')) {
                if (!raw.mid(i + 1).trimmed().isEmpty() &&
                    !raw.mid(i + 1).trimmed().startsWith(QLatin1Char('#')))
                    return lineError(line, QStringLiteral("text after a closing quote"));
                return value;
            }
            if (c == QLatin1Char('\\')) {
                if (++i == raw.size() || !QStringLiteral("\"\\/").contains(raw[i]))
                    return lineError(line, QStringLiteral("an escape other than \\\", \\\\ or "
                                                          "\\/ in a quoted value"));
            }
            value += raw[i];
        }
        return lineError(line, QStringLiteral("a quoted value without its closing quote"));
    }
    if (raw.startsWith(QLatin1Char('\''))) {
        QString value;
        for (qsizetype i = 1; i < raw.size(); ++i) {
            if (raw[i] != QLatin1Char('\''))
                value += raw[i];
            else if (i + 1 < raw.size() && raw[i + 1] == QLatin1Char('\''))
                value += raw[++i];
            else
                return value;
        }
        return lineError(line, QStringLiteral("a quoted value without its closing quote"));
    }
    const qsizetype comment = raw.indexOf(QLatin1String(" #"));
    return (comment < 0 ? raw : raw.left(comment)).trimmed().toString();
}

Result<QByteArray> decodeData(const QString &name, const QString &base64, const QString &where)
{
    auto decoded =
        QByteArray::fromBase64Encoding(base64.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return Error{QStringLiteral("%1: data '%2' is not base64").arg(where, name)};
    return *decoded;
}

/// Kubernetes itself refuses other data keys (a file name under the Secret's mount): checking
/// them keeps a name like "../x" or "a: b" out of the bundle, and the writer's unquoted keys
/// read back as written.
Status checkDataKey(const QString &key, const QString &where)
{
    static const QRegularExpression allowed(QStringLiteral("^[-._a-zA-Z0-9]{1,253}$"));
    if (!allowed.match(key).hasMatch() || key == QLatin1String(".") || key == QLatin1String(".."))
        return Error{QStringLiteral("%1: data key '%2' is not a file name Kubernetes accepts "
                                    "(letters, digits, '-', '_', '.'; at most 253)")
                         .arg(where, key.left(64))};
    return {};
}

Status checkKind(const QString &apiVersion, const QString &kind)
{
    if (kind != QLatin1String("Secret") || apiVersion != QLatin1String("v1"))
        return Error{QStringLiteral("not a Kubernetes Secret (apiVersion '%1', kind '%2'; "
                                    "expected v1 and Secret)")
                         .arg(apiVersion, kind)};
    return {};
}

/// QJsonDocument keeps one of two equal keys without a word. kubectl never writes a data key
/// twice, so two are an edit or an attack, and which one counts must not be a guess. The text
/// is valid JSON (parsed before), so a scan of strings and brackets finds the data keys.
Status checkJsonDataKeysUnique(QByteArrayView json)
{
    const auto isSpace = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    };
    int depth = 0;
    int dataDepth = -1;       // the depth inside `data`'s object while in it
    bool valueIsData = false; // the last key at depth 1 was "data"
    QSet<QString> seen;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (c == '"') {
            const qsizetype start = i;
            for (++i; i < json.size() && json[i] != '"'; ++i) {
                if (json[i] == '\\')
                    ++i;
            }
            qsizetype next = i + 1;
            while (next < json.size() && isSpace(json[next]))
                ++next;
            const bool isKey = next < json.size() && json[next] == ':';
            const QByteArrayView literal = json.sliced(start, i - start + 1);
            if (isKey && depth == 1) {
                valueIsData = literal == QByteArrayView("\"data\"");
            } else if (isKey && depth == dataDepth) {
                const QString key = QJsonDocument::fromJson("[" + literal.toByteArray() + "]")
                                        .array()
                                        .at(0)
                                        .toString();
                if (seen.contains(key))
                    return Error{QStringLiteral("data '%1' appears twice").arg(key)};
                seen.insert(key);
            } else if (!isKey) {
                valueIsData = false;
            }
        } else if (c == '{' || c == '[') {
            ++depth;
            if (valueIsData && c == '{' && depth == 2)
                dataDepth = depth;
            valueIsData = false;
        } else if (c == '}' || c == ']') {
            if (depth == dataDepth)
                dataDepth = -1;
            --depth;
        } else if (!isSpace(c) && c != ':' && c != ',') {
            valueIsData = false; // a number, true, false or null
        }
    }
    return {};
}

/// JSON can carry control characters (a newline in an annotation) that the YAML Baton writes
/// has no way to say; such a value would not survive being exported again, so it is refused.
Status checkPrintable(const KubernetesSecret &secret)
{
    const auto printable = [](const QString &text) {
        return std::none_of(text.cbegin(), text.cend(),
                            [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f; });
    };
    if (!printable(secret.name) || !printable(secret.type))
        return Error{QStringLiteral("metadata.name or type holds a control character")};
    for (const auto *entries : {&secret.labels, &secret.annotations}) {
        for (auto it = entries->cbegin(); it != entries->cend(); ++it) {
            if (!printable(it.key()) || !printable(it.value()))
                return Error{QStringLiteral("metadata: '%1' holds a control character (a "
                                            "newline or tab, say); Baton cannot write it back")
                                 .arg(it.key().simplified())};
        }
    }
    return {};
}

Result<KubernetesSecret> readJson(QByteArrayView manifest)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(manifest.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return Error{QStringLiteral("byte %1: not valid JSON (%2)")
                         .arg(parseError.offset)
                         .arg(parseError.errorString())};
    if (auto unique = checkJsonDataKeysUnique(manifest); !unique)
        return unique.error();
    const QJsonObject root = document.object();
    const QJsonObject data = root[QStringLiteral("data")].toObject();
    if (data.size() > kMaxBundleMembers)
        return Error{QStringLiteral("data has %1 entries; a bundle Secret has a handful (at most "
                                    "%2)")
                         .arg(data.size())
                         .arg(kMaxBundleMembers)};
    if (auto ok = checkKind(root[QStringLiteral("apiVersion")].toString(),
                            root[QStringLiteral("kind")].toString());
        !ok)
        return ok.error();
    KubernetesSecret secret;
    const QJsonObject metadata = root[QStringLiteral("metadata")].toObject();
    secret.name = metadata[QStringLiteral("name")].toString();
    secret.type = root[QStringLiteral("type")].toString();
    for (const auto &[target, key] :
         {std::pair{&secret.labels, QStringLiteral("labels")},
          std::pair{&secret.annotations, QStringLiteral("annotations")}}) {
        const QJsonObject entries = metadata[key].toObject();
        if (entries.size() > kMaxSecretMetadataEntries)
            return Error{QStringLiteral("metadata.%1 has %2 entries; at most %3 are read")
                             .arg(key)
                             .arg(entries.size())
                             .arg(kMaxSecretMetadataEntries)};
        for (auto it = entries.begin(); it != entries.end(); ++it)
            target->insert(it.key(), it.value().toString());
    }
    for (auto it = data.begin(); it != data.end(); ++it) {
        if (auto ok = checkDataKey(it.key(), QStringLiteral("data")); !ok)
            return ok.error();
        if (!it.value().isString())
            return Error{QStringLiteral("data '%1' is not a string; expected base64 text (\"\" "
                                        "for an empty file)")
                             .arg(it.key())};
        auto bytes = decodeData(it.key(), it.value().toString(), QStringLiteral("data"));
        if (!bytes)
            return bytes.error();
        secret.data.insert(it.key(), *bytes);
    }
    return secret;
}

/// Block YAML, as far as Secrets need it: nested mappings by indentation, scalar values. The
/// fields Baton does not read may hold anything (lists, block scalars): they are skipped by
/// indentation without being interpreted.
Result<KubernetesSecret> readYaml(QByteArrayView manifest)
{
    struct Open
    {
        qsizetype indent;
        QString key;
    };
    QList<Open> open;
    QString apiVersion, kind;
    KubernetesSecret secret;
    secret.type.clear();
    const QStringList lines = QString::fromUtf8(manifest).split(QLatin1Char('\n'));
    for (qsizetype index = 0; index < lines.size(); ++index) {
        const qsizetype lineNumber = index + 1;
        QStringView line = lines[index];
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        const QStringView content = line.trimmed();
        if (content.isEmpty() || content.startsWith(QLatin1Char('#')))
            continue;
        if (content == QLatin1String("---") && open.isEmpty() && apiVersion.isEmpty() &&
            kind.isEmpty())
            continue;
        qsizetype indent = 0;
        while (indent < line.size() && line[indent] == QLatin1Char(' '))
            ++indent;
        if (line[indent] == QLatin1Char('\t'))
            return lineError(lineNumber, QStringLiteral("a tab in the indentation; YAML "
                                                        "indents with spaces"));
        // A sequence may sit at its key's own indentation: its items still belong to it. Only
        // "-" followed by a space (or nothing) is an item; "-x: v" is the key "-x".
        const bool sequenceItem =
            content == QLatin1String("-") || content.startsWith(QLatin1String("- "));
        while (!open.isEmpty() && open.last().indent >= indent + (sequenceItem ? 1 : 0))
            open.removeLast();
        QStringList path;
        for (const Open &entry : open)
            path << entry.key;
        const QString parent = path.join(QLatin1Char('.'));
        const bool readParent = parent.isEmpty() || parent == QLatin1String("metadata") ||
                                parent == QLatin1String("metadata.labels") ||
                                parent == QLatin1String("metadata.annotations") ||
                                parent == QLatin1String("data");
        if (!readParent)
            continue;
        if (sequenceItem)
            return lineError(lineNumber,
                             QStringLiteral("a list where %1 takes key: value lines")
                                 .arg(parent.isEmpty() ? QStringLiteral("the manifest") : parent));
        const qsizetype colon = content.indexOf(QLatin1Char(':'));
        if (colon <= 0 || (colon + 1 < content.size() && content[colon + 1] != QLatin1Char(' ')))
            return lineError(lineNumber, QStringLiteral("expected 'key: value'"));
        auto key = scalar(content.left(colon), lineNumber);
        if (!key)
            return key.error();
        const QStringView rawValue = content.mid(colon + 1).trimmed();
        if (parent == QLatin1String("data") &&
            (rawValue.isEmpty() || rawValue == QLatin1String("~") ||
             rawValue == QLatin1String("null") || rawValue == QLatin1String("{}"))) {
            // YAML reads these as a mapping or null, not as an empty file: say so rather than
            // guess. kubectl and Baton write an empty value as "".
            return lineError(lineNumber, QStringLiteral("data '%1' has no value; an empty file is "
                                                        "written '%1: \"\"'")
                                             .arg(*key));
        }
        if (rawValue.isEmpty() || rawValue == QLatin1String("{}")) {
            if (rawValue.isEmpty())
                open.append({indent, *key});
            continue;
        }
        const bool blockScalar =
            rawValue.startsWith(QLatin1Char('|')) || rawValue.startsWith(QLatin1Char('>'));
        if (blockScalar && parent != QLatin1String("data")) {
            // kubectl's last-applied-configuration annotation, say: its lines are skipped.
            open.append({indent, *key});
            continue;
        }
        if (blockScalar || rawValue.startsWith(QLatin1Char('{')) ||
            rawValue.startsWith(QLatin1Char('[')))
            return lineError(lineNumber, QStringLiteral("'%1' must be a one-line value").arg(*key));
        auto value = scalar(rawValue, lineNumber);
        if (!value)
            return value.error();
        if (parent.isEmpty() && *key == QLatin1String("apiVersion"))
            apiVersion = *value;
        else if (parent.isEmpty() && *key == QLatin1String("kind"))
            kind = *value;
        else if (parent.isEmpty() && *key == QLatin1String("type"))
            secret.type = *value;
        else if (parent == QLatin1String("metadata") && *key == QLatin1String("name"))
            secret.name = *value;
        else if (parent == QLatin1String("metadata.labels") ||
                 parent == QLatin1String("metadata.annotations")) {
            auto &entries =
                parent == QLatin1String("metadata.labels") ? secret.labels : secret.annotations;
            if (entries.contains(*key))
                return lineError(lineNumber,
                                 QStringLiteral("%1 '%2' appears twice").arg(parent, *key));
            if (entries.size() == kMaxSecretMetadataEntries)
                return lineError(lineNumber, QStringLiteral("more than %1 entries in %2")
                                                 .arg(kMaxSecretMetadataEntries)
                                                 .arg(parent));
            entries.insert(*key, *value);
        } else if (parent == QLatin1String("data")) {
            if (auto ok = checkDataKey(*key, QStringLiteral("line %1").arg(lineNumber)); !ok)
                return ok.error();
            if (secret.data.contains(*key))
                return lineError(lineNumber, QStringLiteral("data '%1' appears twice").arg(*key));
            if (secret.data.size() == kMaxBundleMembers)
                return lineError(lineNumber,
                                 QStringLiteral("more than %1 data entries; a bundle Secret has a "
                                                "handful")
                                     .arg(kMaxBundleMembers));
            auto bytes = decodeData(*key, *value, QStringLiteral("line %1").arg(lineNumber));
            if (!bytes)
                return bytes.error();
            secret.data.insert(*key, *bytes);
        }
    }
    if (auto ok = checkKind(apiVersion, kind); !ok)
        return ok.error();
    return secret;
}

} // namespace

QString kubernetesSecretName(const QString &certificateName)
{
    QString name = certificateName.toLower();
    name.replace(QLatin1String("*."), QLatin1String("wildcard."));
    static const QRegularExpression notAllowed(QStringLiteral("[^a-z0-9.-]+"));
    name.replace(notAllowed, QStringLiteral("-"));
    name = QStringLiteral("baton-dc-") + name;
    name.truncate(kMaxNameLength);
    while (name.endsWith(QLatin1Char('-')) || name.endsWith(QLatin1Char('.')))
        name.chop(1); // a subdomain ends with an alphanumeric
    return name;
}

QByteArray writeKubernetesSecret(const KubernetesSecret &secret, const QString &comment)
{
    QByteArray yaml;
    for (const QString &line : comment.split(QLatin1Char('\n')))
        yaml += "# " + line.toUtf8() + '\n';
    yaml += "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + quoted(secret.name) + '\n';
    writeMapping(yaml, "labels", secret.labels);
    writeMapping(yaml, "annotations", secret.annotations);
    yaml += "type: " + quoted(secret.type) + "\ndata:\n";
    for (auto it = secret.data.cbegin(); it != secret.data.cend(); ++it)
        // An empty file as "": a bare `key:` is a null or a nested mapping to every YAML reader.
        yaml += "  " + yamlKey(it.key()) + ": " +
                (it.value().isEmpty() ? QByteArray("\"\"") : it.value().toBase64()) + '\n';
    return yaml;
}

Result<KubernetesSecret> readKubernetesSecret(QByteArrayView manifest)
{
    if (manifest.size() > kMaxBundleFileSize)
        return Error{QStringLiteral("the manifest is %1 bytes; a bundle Secret is at most %2")
                         .arg(manifest.size())
                         .arg(kMaxBundleFileSize)};
    const QByteArrayView trimmed = manifest.trimmed();
    auto secret = trimmed.startsWith('{') ? readJson(trimmed) : readYaml(manifest);
    if (!secret)
        return secret;
    if (auto ok = checkPrintable(*secret); !ok)
        return ok.error();
    return secret;
}

bool looksLikeKubernetesManifest(QByteArrayView data)
{
    const QByteArray text = data.first(qMin<qsizetype>(data.size(), 4096)).toByteArray();
    static const QRegularExpression kindLine(QStringLiteral(R"((^|\n)\s*kind\s*:|"kind"\s*:)"));
    return !text.contains("-----BEGIN") && kindLine.match(QString::fromUtf8(text)).hasMatch();
}

} // namespace baton
