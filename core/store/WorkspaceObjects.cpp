// Certificates, sealed keys and DCs in the workspace, and importing them.

#include "Workspace.h"
#include "WorkspaceSql.h"
#include "crypto/KeyCodec.h"
#include "dc/DcDocument.h"
#include "import/Importer.h"
#include "tls/SignatureScheme.h"
#include "x509/CertificateModel.h"
#include "x509/ChainBuilder.h"

#include <QRegularExpression>

namespace baton {

namespace {

// A prefix shorter than this matches too much to be what anyone meant.
constexpr qsizetype kMinFingerprintPrefix = 4;

// Whether the key is in the vault or on a token; where on a token. token_keys.spki_sha256 is
// UNIQUE, so the join adds no rows.
const char kCertificateSelect[] =
    "SELECT c.id, c.der, c.sha256, c.superseded_by, c.imported_at, "
    "t.id IS NOT NULL OR EXISTS (SELECT 1 FROM keys k WHERE k.spki_sha256 = c.spki_sha256), "
    "t.uri, t.token FROM certificates c LEFT JOIN token_keys t ON t.spki_sha256 = c.spki_sha256";

TokenKeyRecord tokenKeyFrom(const QSqlQuery &row, int uriColumn)
{
    return {.uri = row.value(uriColumn).toString(), .token = row.value(uriColumn + 1).toString()};
}

Result<CertificateRecord> certificateFrom(const QSqlQuery &row)
{
    auto certificate = Certificate::fromDer(row.value(1).toByteArray());
    if (!certificate)
        return Error{QStringLiteral("certificate %1 in the workspace is unreadable: %2")
                         .arg(row.value(0).toLongLong())
                         .arg(certificate.errorMessage())};
    return CertificateRecord{.id = row.value(0).toLongLong(),
                             .certificate = std::move(certificate).value(),
                             .sha256 = row.value(2).toString(),
                             .hasKey = row.value(5).toBool(),
                             .tokenKey = tokenKeyFrom(row, 6),
                             .supersededBy = row.value(3).toLongLong(),
                             .importedAt = timeFrom(row.value(4))};
}

// The columns kept for lists and search (schema 3), in the order summaryValues() gives.
const char kSummaryColumns[] = "display_name, serial, dns_names, delegation, search_text";
const char kSummaryPlaceholders[] = "?, ?, ?, ?, ?";

void collectText(const QList<ModelField> &fields, QStringList &into)
{
    for (const ModelField &field : fields) {
        if (!field.value.isEmpty())
            into << field.value;
        collectText(field.children, into);
    }
}

QVariantList summaryValues(const Certificate &certificate)
{
    QStringList text;
    for (const ModelSection &section : describeCertificate(certificate).sections) {
        // A signature's bytes match every search for a hex fragment and mean nothing to one.
        if (section.id == QLatin1String("signature"))
            continue;
        if (section.isExtension)
            text << section.title; // "DelegationUsage (RFC 9345)" finds the certificates that can
                                   // delegate
        collectText(section.fields, text);
    }
    return {textValue(certificate.displayName()), textValue(certificate.serialNumberHex()),
            textValue(certificate.dnsNames().join(QLatin1Char('\n'))),
            certificate.delegationUsage().present() ? 1 : 0,
            textValue(text.join(QLatin1Char('\n')).toLower())};
}

// A join, not a correlated EXISTS, and the role compared in SQL: with 100,000 DCs each
// per-row subquery and per-row QString costs tens of milliseconds when the app opens. The key
// table's spki_sha256 is UNIQUE, so the join adds no rows.
const char kDcSelect[] = "SELECT d.id, d.certificate_id, d.role = 'client', d.bytes, "
                         "d.dc_cert_verify_algorithm, d.algorithm, d.issued_at, d.expires_at, "
                         "d.superseded, k.id IS NOT NULL FROM dcs d "
                         "LEFT JOIN keys k ON k.spki_sha256 = d.spki_sha256";

DcRecord dcFrom(const QSqlQuery &row)
{
    return DcRecord{.id = row.value(0).toLongLong(),
                    .certificateId = row.value(1).toLongLong(),
                    .role = row.value(2).toBool() ? DcRole::Client : DcRole::Server,
                    .bytes = row.value(3).toByteArray(),
                    .dcCertVerifyAlgorithm = quint16(row.value(4).toUInt()),
                    .algorithm = quint16(row.value(5).toUInt()),
                    .hasKey = row.value(9).toBool(),
                    .issuedAt = timeFrom(row.value(6)),
                    .expiresAt = timeFrom(row.value(7)),
                    .superseded = row.value(8).toBool()};
}

Error lockedForKeys()
{
    return Error{QStringLiteral("the workspace is locked: its passphrase is needed to store a "
                                "private key")};
}

/// Did this certificate's key sign the DC for `role`? One signature verification.
bool signedBy(const DelegatedCredential &dc, DcRole role, const Certificate &certificate)
{
    const SignatureScheme *scheme = signatureSchemeByCode(dc.algorithm);
    if (!scheme)
        return false;
    auto verified = verifyWithScheme(certificate.publicKey(), *scheme,
                                     dc.signedMessage(role, certificate.der()), dc.signature,
                                     certificate.keyType());
    discardOpenSslErrors(); // a key of another type is an expected mismatch, not a failure
    return verified && *verified;
}

} // namespace

Result<bool> Workspace::insertKey(const EVP_PKEY *key)
{
    if (!unlocked())
        return lockedForKeys();
    auto held = holdsKey(key);
    if (!held)
        return held.error();
    if (*held)
        return false;
    auto fingerprint = spkiSha256(key);
    if (!fingerprint)
        return fingerprint.error();
    // The seal authenticates the row id, so the id is chosen before the row exists, under the
    // write lock of the caller's transaction: no other writer can take it meanwhile.
    auto id = sqlValue(QStringLiteral("SELECT coalesce(max(id), 0) + 1 FROM keys"));
    if (!id)
        return id.error();
    auto sealed = m_unlocked->seal(key, id->toLongLong(), *fingerprint);
    if (!sealed)
        return sealed.error();
    auto inserted = sql(QStringLiteral("INSERT INTO keys (id, spki_sha256, key_type, sealed) "
                                       "VALUES (?, ?, ?, ?)"),
                        {id->toLongLong(), *fingerprint, keyTypeName(keyTypeOf(key)), *sealed});
    if (!inserted)
        return inserted.error();
    return true;
}

Result<bool> Workspace::holdsKey(const EVP_PKEY *key) const
{
    auto fingerprint = spkiSha256(key);
    if (!fingerprint)
        return fingerprint.error();
    auto held =
        sqlValue(QStringLiteral("SELECT 1 FROM keys WHERE spki_sha256 = ?"), {*fingerprint});
    if (!held)
        return held.error();
    return !held->isNull();
}

Result<EvpPkeyPtr> Workspace::openKey(const QByteArray &spkiSha256) const
{
    if (!unlocked())
        return Error{QStringLiteral("the workspace is locked: its passphrase is needed to use a "
                                    "private key")};
    auto row =
        sql(QStringLiteral("SELECT id, sealed FROM keys WHERE spki_sha256 = ?"), {spkiSha256});
    if (!row)
        return row.error();
    if (!row->next())
        return Error{QStringLiteral("the private key is not in the workspace")};
    return m_unlocked->open(row->value(1).toByteArray(), row->value(0).toLongLong(), spkiSha256);
}

Result<EvpPkeyPtr> Workspace::certificateKey(qint64 certificateId) const
{
    auto row = sql(QStringLiteral("SELECT c.spki_sha256, t.uri, t.token FROM certificates c "
                                  "LEFT JOIN token_keys t ON t.spki_sha256 = c.spki_sha256 "
                                  "WHERE c.id = ?"),
                   {certificateId});
    if (!row)
        return row.error();
    if (!row->next())
        return Error{QStringLiteral("no certificate %1 in the workspace").arg(certificateId)};
    if (const TokenKeyRecord token = tokenKeyFrom(*row, 1); token.onToken())
        return Error{QStringLiteral("certificate %1: its key is on token '%2' (%3), which signs "
                                    "with it; it never leaves the token")
                         .arg(certificateId)
                         .arg(token.token, token.uri)};
    return withContext(openKey(row->value(0).toByteArray()),
                       QStringLiteral("certificate %1").arg(certificateId));
}

Status Workspace::addTokenKey(qint64 certificateId, const TokenKeyRecord &key, const QDateTime &now)
{
    if (!unlocked())
        return Error{QStringLiteral("the workspace is locked: its passphrase is needed to add a "
                                    "certificate key")};
    Transaction transaction(*this);
    auto row = sql(QStringLiteral("SELECT spki_sha256, EXISTS (SELECT 1 FROM keys k WHERE "
                                  "k.spki_sha256 = c.spki_sha256) FROM certificates c WHERE "
                                  "c.id = ?"),
                   {certificateId});
    if (!row)
        return row.error();
    if (!row->next())
        return Error{QStringLiteral("no certificate %1 in the workspace").arg(certificateId)};
    const QByteArray spki = row->value(0).toByteArray();
    if (row->value(1).toBool())
        return Error{QStringLiteral("certificate %1: the workspace's vault holds its key; a key "
                                    "is kept in one place, so the token's copy is not recorded")
                         .arg(certificateId)};
    row->finish();
    auto stored = sql(QStringLiteral("INSERT INTO token_keys (spki_sha256, uri, token) VALUES "
                                     "(?, ?, ?) ON CONFLICT (spki_sha256) DO UPDATE SET uri = "
                                     "excluded.uri, token = excluded.token"),
                      {spki, key.uri, textValue(key.token)});
    if (!stored)
        return stored.error();
    if (auto ok = logEvent(
            {.at = now,
             .kind = QStringLiteral("imported"),
             .message =
                 QStringLiteral("certificate key on token '%1' (%2)").arg(key.token, key.uri),
             .certificateId = certificateId});
        !ok)
        return ok;
    return transaction.commit();
}

Result<EvpPkeyPtr> Workspace::dcKey(qint64 dcId) const
{
    auto row = sql(QStringLiteral("SELECT spki_sha256 FROM dcs WHERE id = ?"), {dcId});
    if (!row)
        return row.error();
    if (!row->next())
        return Error{QStringLiteral("no DC %1 in the workspace").arg(dcId)};
    return withContext(openKey(row->value(0).toByteArray()), QStringLiteral("DC %1").arg(dcId));
}

Result<QList<CertificateRecord>> Workspace::certificates() const
{
    auto rows = sql(QStringLiteral("%1 ORDER BY c.id").arg(QLatin1String(kCertificateSelect)));
    if (!rows)
        return rows.error();
    QList<CertificateRecord> records;
    while (rows->next()) {
        auto record = certificateFrom(*rows);
        if (!record)
            return record.error();
        records.append(std::move(record).value());
    }
    return records;
}

Status Workspace::fillCertificateSummaries()
{
    auto rows = sql(QStringLiteral("SELECT id, der FROM certificates"));
    if (!rows)
        return rows.error();
    QList<std::pair<qint64, QByteArray>> all;
    while (rows->next())
        all.append({rows->value(0).toLongLong(), rows->value(1).toByteArray()});
    rows->finish();
    for (const auto &[id, der] : all) {
        auto certificate = Certificate::fromDer(der);
        if (!certificate)
            return Error{QStringLiteral("%1: certificate %2 is unreadable: %3")
                             .arg(m_path)
                             .arg(id)
                             .arg(certificate.errorMessage())};
        auto updated = sql(QStringLiteral("UPDATE certificates SET display_name = ?, serial = ?, "
                                          "dns_names = ?, delegation = ?, search_text = ? WHERE "
                                          "id = ?"),
                           summaryValues(*certificate) + QVariantList{id});
        if (!updated)
            return updated.error();
    }
    return {};
}

Result<QList<CertificateSummary>> Workspace::certificateSummaries() const
{
    auto rows = sql(QStringLiteral(
        "SELECT c.id, c.display_name, c.subject, c.dns_names, c.serial, c.sha256, c.is_ca, "
        "t.id IS NOT NULL OR EXISTS (SELECT 1 FROM keys k WHERE k.spki_sha256 = c.spki_sha256), "
        "c.delegation, c.not_before, c.not_after, c.superseded_by, c.search_text, t.uri, t.token "
        "FROM certificates c LEFT JOIN token_keys t ON t.spki_sha256 = c.spki_sha256 ORDER BY "
        "c.id"));
    if (!rows)
        return rows.error();
    QList<CertificateSummary> summaries;
    while (rows->next()) {
        const QString dnsNames = rows->value(3).toString();
        summaries.append(
            {.id = rows->value(0).toLongLong(),
             .name = rows->value(1).toString(),
             .subject = rows->value(2).toString(),
             .dnsNames = dnsNames.isEmpty() ? QStringList() : dnsNames.split(QLatin1Char('\n')),
             .serial = rows->value(4).toString(),
             .sha256 = rows->value(5).toString(),
             .ca = rows->value(6).toBool(),
             .hasKey = rows->value(7).toBool(),
             .tokenKey = tokenKeyFrom(*rows, 13),
             .delegation = rows->value(8).toBool(),
             .notBefore = timeFrom(rows->value(9)),
             .notAfter = timeFrom(rows->value(10)),
             .supersededBy = rows->value(11).toLongLong(),
             .searchText = rows->value(12).toString()});
    }
    return summaries;
}

Result<CertificateRecord> Workspace::certificate(qint64 id) const
{
    auto row =
        sql(QStringLiteral("%1 WHERE c.id = ?").arg(QLatin1String(kCertificateSelect)), {id});
    if (!row)
        return row.error();
    if (!row->next())
        return Error{QStringLiteral("no certificate %1 in the workspace").arg(id)};
    return certificateFrom(*row);
}

Result<CertificateRecord> Workspace::resolveCertificate(const QString &reference) const
{
    const QString trimmed = reference.trimmed();
    bool isNumber = false;
    const qint64 id = trimmed.toLongLong(&isNumber);
    if (isNumber && id > 0) {
        if (auto found = certificate(id))
            return found;
    }
    const QString hex = QString(trimmed).remove(QLatin1Char(':')).toLower();
    static const QRegularExpression hexDigits(QStringLiteral("^[0-9a-f]+$"));
    if (hex.size() >= kMinFingerprintPrefix && hexDigits.match(hex).hasMatch()) {
        auto rows = sql(QStringLiteral("%1 WHERE c.sha256 LIKE ? ORDER BY c.id LIMIT 2")
                            .arg(QLatin1String(kCertificateSelect)),
                        {hex + QLatin1Char('%')});
        if (!rows)
            return rows.error();
        if (rows->next()) {
            auto first = certificateFrom(*rows);
            if (rows->next())
                return Error{QStringLiteral("'%1' is the start of several certificates' "
                                            "fingerprints; give more of it")
                                 .arg(reference)};
            return first;
        }
    }
    // By name, among current certificates: a renewed one would be a surprising match.
    auto all = certificates();
    if (!all)
        return all.error();
    QList<CertificateRecord> named;
    QList<CertificateRecord> namedCas;
    for (CertificateRecord &record : *all) {
        if (record.supersededBy != 0)
            continue;
        const bool matches =
            record.certificate.commonName().compare(trimmed, Qt::CaseInsensitive) == 0 ||
            record.certificate.subject().compare(trimmed, Qt::CaseInsensitive) == 0 ||
            record.certificate.dnsNames().contains(trimmed, Qt::CaseInsensitive);
        if (matches)
            (record.certificate.isCa() ? namedCas : named).append(std::move(record));
    }
    // A CA sharing a leaf's name is rarely the one meant. A name only CAs have still finds
    // them, so that what cannot be done with a CA is refused as such, not as "no certificate".
    if (named.isEmpty())
        named = std::move(namedCas);
    if (named.size() == 1)
        return named.first();
    if (named.size() > 1) {
        QStringList ids;
        for (const CertificateRecord &record : named)
            ids << QString::number(record.id);
        return Error{QStringLiteral("'%1' names %2 certificates (ids %3); use an id or a "
                                    "fingerprint")
                         .arg(reference)
                         .arg(named.size())
                         .arg(ids.join(QStringLiteral(", ")))};
    }
    return Error{QStringLiteral("no certificate in the workspace is '%1' (an id, a SHA-256 "
                                "fingerprint prefix, or a subject or DNS name)")
                     .arg(reference)};
}

Result<QList<Certificate>> Workspace::intermediatesFor(const Certificate &leaf) const
{
    auto rows = sql(QStringLiteral("SELECT der FROM certificates WHERE is_ca = 1"));
    if (!rows)
        return rows.error();
    QList<Certificate> set{leaf};
    while (rows->next()) {
        if (auto certificate = Certificate::fromDer(rows->value(0).toByteArray()))
            set.append(std::move(certificate).value());
    }
    // Servers send the intermediates, not the root: peers have that already.
    // Only the order is wanted; verification (at notBefore, no system store) is a side effect.
    QList<Certificate> chain = buildChain(set, {}, false, leaf.notBefore()).ordered;
    if (!chain.isEmpty())
        chain.removeFirst();
    if (!chain.isEmpty() && chain.last().subject() == chain.last().issuer())
        chain.removeLast();
    return chain;
}

Result<QList<DcRecord>> Workspace::dcs(qint64 certificateId) const
{
    auto rows = certificateId > 0
                    ? sql(QLatin1String(kDcSelect) +
                              QLatin1String(" WHERE d.certificate_id = ? ORDER BY d.id"),
                          {certificateId})
                    : sql(QLatin1String(kDcSelect) + QLatin1String(" ORDER BY d.id"));
    if (!rows)
        return rows.error();
    QList<DcRecord> records;
    while (rows->next())
        records.append(dcFrom(*rows));
    return records;
}

Result<DcRecord> Workspace::dc(qint64 id) const
{
    auto row = sql(QLatin1String(kDcSelect) + QLatin1String(" WHERE d.id = ?"), {id});
    if (!row)
        return row.error();
    if (!row->next())
        return Error{QStringLiteral("no DC %1 in the workspace").arg(id)};
    return dcFrom(*row);
}

Result<qint64> Workspace::insertDc(qint64 certificateId, DcRole role, const QByteArray &bytes,
                                   const QDateTime &issuedAt, const QDateTime &expiresAt)
{
    EvpPkeyPtr publicKey;
    auto decoded = DelegatedCredential::decode(bytes, &publicKey);
    if (!decoded)
        return decoded.error();
    auto fingerprint = spkiSha256(publicKey.get());
    if (!fingerprint)
        return fingerprint.error();
    auto inserted =
        sql(QStringLiteral("INSERT INTO dcs (certificate_id, role, bytes, spki_sha256, "
                           "dc_cert_verify_algorithm, algorithm, issued_at, expires_at) VALUES (?, "
                           "?, ?, ?, ?, ?, ?, ?)"),
            {certificateId, dcRoleName(role), bytes, *fingerprint, decoded->dcCertVerifyAlgorithm,
             decoded->algorithm, timeValue(issuedAt), timeValue(expiresAt)});
    if (!inserted)
        return inserted.error();
    return inserted->lastInsertId().toLongLong();
}

Result<qint64> Workspace::addDc(qint64 certificateId, DcRole role, const QByteArray &bytes,
                                const EVP_PKEY *dcKey, const QDateTime &issuedAt,
                                const QDateTime &expiresAt, const QString &eventMessage)
{
    Transaction transaction(*this);
    if (auto ok = insertKey(dcKey); !ok)
        return ok.error();
    auto id = insertDc(certificateId, role, bytes, issuedAt, expiresAt);
    if (!id)
        return id;
    if (auto ok = logEvent({.at = issuedAt,
                            .kind = QStringLiteral("issued"),
                            .message = eventMessage,
                            .certificateId = certificateId,
                            .dcId = *id});
        !ok)
        return ok.error();
    if (auto ok = transaction.commit(); !ok)
        return ok.error();
    return id;
}

Status Workspace::replaceCertificate(qint64 from, qint64 to, const QDateTime &now)
{
    Transaction transaction(*this);
    if (auto moved = moveToRenewed(from, to, now); !moved)
        return moved.error();
    return transaction.commit();
}

/// The renewal cascade, inside the caller's transaction.
Result<qint64> Workspace::moveToRenewed(qint64 from, qint64 to, const QDateTime &now)
{
    auto old = certificate(from);
    if (!old)
        return old.error();
    auto renewed = certificate(to);
    if (!renewed)
        return renewed.error();
    if (from == to)
        return Error{QStringLiteral("a certificate cannot replace itself")};
    if (renewed->certificate.isCa())
        return Error{QStringLiteral("certificate %1 is a CA certificate; DCs need an end-entity "
                                    "certificate")
                         .arg(to)};
    auto policy = policyForCertificate(from);
    if (!policy)
        return policy.error();
    auto existing = policyForCertificate(to);
    if (!existing)
        return existing.error();
    if (*policy && *existing)
        return Error{
            QStringLiteral("certificate %1 has a rotation policy of its own already").arg(to)};
    for (const auto &[statement, bindings] :
         {std::pair{
              QStringLiteral("UPDATE policies SET certificate_id = ? WHERE certificate_id = ?"),
              QVariantList{to, from}},
          std::pair{QStringLiteral("UPDATE certificates SET superseded_by = ? WHERE id = ?"),
                    QVariantList{to, from}},
          std::pair{QStringLiteral("UPDATE dcs SET superseded = 1 WHERE certificate_id = ?"),
                    QVariantList{from}}}) {
        if (auto ok = sql(statement, bindings); !ok)
            return ok.error();
    }
    if (auto ok =
            logEvent({.at = now,
                      .kind = QStringLiteral("renewed"),
                      .message = QStringLiteral("%1 (expires %2) replaces certificate %3; "
                                                "its DCs are superseded")
                                     .arg(renewed->certificate.displayName(),
                                          renewed->certificate.notAfter().toString(Qt::ISODate))
                                     .arg(from),
                      .certificateId = to});
        !ok)
        return ok.error();
    return *policy ? (*policy)->id : 0;
}

Result<ImportReport> Workspace::importObjects(const QList<ImportedObject> &objects,
                                              const QDateTime &now)
{
    ImportReport report;
    Transaction transaction(*this);
    QList<qint64> addedLeaves;
    for (qsizetype i = 0; i < objects.size(); ++i) {
        const ImportedObject &object = objects[i];
        ImportOutcome outcome;
        outcome.location = object.location;
        outcome.summary = object.summary;
        const auto fail = [&](const QString &why) {
            outcome.result = ImportOutcome::Result::Failed;
            outcome.detail = why;
        };
        if (!object.error.isEmpty()) {
            fail(object.error);
        } else if (object.kind == ImportedKind::Certificate && object.certificate) {
            const Certificate &certificate = *object.certificate;
            auto fingerprint = spkiSha256(certificate.publicKey());
            if (!fingerprint)
                return fingerprint.error();
            auto inserted =
                sql(QStringLiteral("INSERT INTO certificates (sha256, der, spki_sha256, subject, "
                                   "is_ca, not_before, not_after, imported_at, %1) VALUES (?, ?, "
                                   "?, ?, ?, ?, ?, ?, %2) ON CONFLICT (sha256) DO NOTHING")
                        .arg(QLatin1String(kSummaryColumns), QLatin1String(kSummaryPlaceholders)),
                    QVariantList{QString::fromLatin1(certificate.sha256Fingerprint().toHex()),
                                 certificate.der(), *fingerprint, textValue(certificate.subject()),
                                 certificate.isCa() ? 1 : 0, timeValue(certificate.notBefore()),
                                 timeValue(certificate.notAfter()), timeValue(now)} +
                        summaryValues(certificate));
            if (!inserted)
                return inserted.error();
            if (inserted->numRowsAffected() == 0) {
                outcome.result = ImportOutcome::Result::AlreadyPresent;
            } else {
                const qint64 id = inserted->lastInsertId().toLongLong();
                if (!certificate.isCa())
                    addedLeaves << id;
                if (auto ok = logEvent({.at = now,
                                        .kind = QStringLiteral("imported"),
                                        .message = object.summary,
                                        .certificateId = id});
                    !ok)
                    return ok.error();
            }
        } else if (object.kind == ImportedKind::PrivateKey && object.privateKey) {
            // A locked workspace fails the keys only; any other failure to store one ends the
            // import, whose transaction keeps all of it or nothing.
            if (!unlocked()) {
                fail(lockedForKeys().message);
            } else {
                auto inserted = insertKey(object.privateKey.get());
                if (!inserted)
                    return inserted.error();
                if (!*inserted)
                    outcome.result = ImportOutcome::Result::AlreadyPresent;
                else if (auto ok = logEvent({.at = now,
                                             .kind = QStringLiteral("imported"),
                                             .message = object.summary});
                         !ok)
                    return ok.error();
            }
        } else if (object.kind == ImportedKind::DelegatedCredential && object.delegatedCredential) {
            auto bound = bindDc(*object.delegatedCredential, now, outcome);
            if (!bound)
                return bound.error();
            // The DC key a Fizz combined PEM carries, stored with the DC.
            const SecretBytes &carried = object.delegatedCredential->privateKey;
            EvpPkeyPtr key;
            if (*bound > 0 && !carried.isEmpty()) {
                if (auto decoded = decodePrivateKey(carried.bytes()))
                    key = std::move(decoded).value();
            }
            if (key && !unlocked()) {
                outcome.detail =
                    QStringLiteral("its key was not stored: ") + lockedForKeys().message;
            } else if (key) {
                if (auto ok = insertKey(key.get()); !ok)
                    return ok.error();
            }
        } else {
            outcome.result = ImportOutcome::Result::Skipped;
            outcome.detail = QStringLiteral("a workspace keeps certificates, keys and DCs");
        }
        report.objects.append(outcome);
    }

    // A newer certificate for the key or the subject of one with a policy is its renewal.
    for (const qint64 id : addedLeaves) {
        auto renewal = sqlValue(
            QStringLiteral("SELECT o.id FROM certificates o JOIN certificates n ON n.id = ? "
                           "JOIN policies p ON p.certificate_id = o.id WHERE o.id != n.id AND "
                           "o.superseded_by IS NULL AND o.is_ca = 0 AND o.not_after < "
                           "n.not_after AND (o.spki_sha256 = n.spki_sha256 OR o.subject = "
                           "n.subject) ORDER BY o.not_after DESC LIMIT 1"),
            {id});
        if (!renewal)
            return renewal.error();
        if (renewal->isNull())
            continue;
        auto moved = moveToRenewed(renewal->toLongLong(), id, now);
        if (!moved)
            return moved.error();
        report.renewedPolicies << *moved;
    }
    if (auto ok = transaction.commit(); !ok)
        return ok.error();
    return report;
}

/// Finds the certificate that signed an imported DC and stores the DC under it. 0 when no
/// certificate did (outcome says so).
Result<qint64> Workspace::bindDc(const DcDocument &document, const QDateTime &now,
                                 ImportOutcome &outcome)
{
    auto leaves = sql(QStringLiteral("SELECT id, der FROM certificates WHERE is_ca = 0"));
    if (!leaves)
        return leaves.error();
    const QList<DcRole> roles = document.labelledRole
                                    ? QList<DcRole>{*document.labelledRole}
                                    : QList<DcRole>{DcRole::Server, DcRole::Client};
    while (leaves->next()) {
        auto certificate = Certificate::fromDer(leaves->value(1).toByteArray());
        if (!certificate)
            continue;
        for (const DcRole role : roles) {
            if (!signedBy(document.credential, role, *certificate))
                continue;
            const qint64 certificateId = leaves->value(0).toLongLong();
            auto existing =
                sql(QStringLiteral("SELECT id FROM dcs WHERE bytes = ?"), {document.bytes});
            if (!existing)
                return existing.error();
            if (existing->next()) {
                outcome.result = ImportOutcome::Result::AlreadyPresent;
                return existing->value(0).toLongLong();
            }
            auto id = insertDc(certificateId, role, document.bytes, now,
                               document.credential.expiry(*certificate));
            if (!id)
                return id;
            if (auto ok =
                    logEvent({.at = now,
                              .kind = QStringLiteral("imported"),
                              .message = QStringLiteral("%1 DC under %2")
                                             .arg(dcRoleName(role), certificate->displayName()),
                              .certificateId = certificateId,
                              .dcId = *id});
                !ok)
                return ok.error();
            return id;
        }
    }
    outcome.result = ImportOutcome::Result::Failed;
    outcome.detail = QStringLiteral("no certificate in the workspace signed this DC; import its "
                                    "certificate first (or with it)");
    return 0;
}

} // namespace baton
