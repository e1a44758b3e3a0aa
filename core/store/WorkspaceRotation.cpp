// Rotation policies and export targets in the workspace.

#include "Workspace.h"
#include "WorkspaceSql.h"
#include "common/TimeFormat.h"
#include "export/BundleProfile.h"
#include "export/ExportHook.h"
#include "export/TargetCheck.h"

#include <QDir>
#include <QFileInfo>

namespace baton {

namespace {

const char kPolicyColumns[] = "id, certificate_id, lifetime, renew_before, dc_algorithm, roles";

PolicyRecord policyFrom(const QSqlQuery &row)
{
    return PolicyRecord{
        .id = row.value(0).toLongLong(),
        .certificateId = row.value(1).toLongLong(),
        .policy = {.lifetimeSeconds = row.value(2).toLongLong(),
                   .renewBeforeSeconds = row.value(3).toLongLong(),
                   .dcAlgorithm = row.value(4).toString(),
                   .roles = dcRolesByName(row.value(5).toString()).value_or(DcRoles::Server)}};
}

/// What makes a certificate no place for a policy whatever the time: shared by setPolicy and
/// checkPolicy.
Status certificateTakesPolicy(const CertificateRecord &record)
{
    if (record.certificate.isCa())
        return Error{QStringLiteral("%1 is a CA certificate; DCs are issued under end-entity "
                                    "certificates")
                         .arg(record.certificate.displayName())};
    if (record.supersededBy != 0)
        return Error{QStringLiteral("%1 (certificate %2) has been renewed by certificate %3; set "
                                    "the policy there")
                         .arg(record.certificate.displayName())
                         .arg(record.id)
                         .arg(record.supersededBy)};
    return {};
}

/// What addTarget refuses without looking at the file system.
Status targetRecordProblem(const TargetRecord &target)
{
    if (!bundleProfileByName(target.profile))
        return Error{QStringLiteral("unknown profile '%1'; choose one of: %2")
                         .arg(target.profile, bundleProfileNames().join(QStringLiteral(", ")))};
    // QFileInfo would make an empty path the working directory.
    if (target.directory.trimmed().isEmpty())
        return Error{QStringLiteral("the target directory is empty")};
    return checkHookEnvironmentNames(target.hookEnvironment);
}

/// Stored absolute: rotate runs from a timer whose working directory is not the user's.
QString absoluteDirectory(const QString &directory)
{
    return QDir::cleanPath(QFileInfo(directory).absoluteFilePath());
}

} // namespace

Status Workspace::checkPolicy(qint64 certificateId, const RotationPolicy &policy,
                              const QDateTime &now) const
{
    if (auto valid = validateRotationPolicy(policy); !valid)
        return valid;
    auto record = certificate(certificateId);
    if (!record)
        return record.error();
    if (auto takes = certificateTakesPolicy(*record); !takes)
        return takes;
    const Certificate &leaf = record->certificate;
    if (auto can = checkCanIssue(policy,
                                 {.notBefore = leaf.notBefore(),
                                  .notAfter = leaf.notAfter(),
                                  .delegationUsage = leaf.delegationUsage().present(),
                                  .keyAvailable = record->hasKey},
                                 now);
        !can)
        return Error{QStringLiteral("%1 (certificate %2) cannot delegate: %3")
                         .arg(leaf.displayName())
                         .arg(certificateId)
                         .arg(can.errorMessage())};
    return {};
}

Result<qint64> Workspace::setPolicy(qint64 certificateId, const RotationPolicy &policy,
                                    const QDateTime &now)
{
    if (auto valid = validateRotationPolicy(policy); !valid)
        return valid.error();
    auto record = certificate(certificateId);
    if (!record)
        return record.error();
    if (auto takes = certificateTakesPolicy(*record); !takes)
        return takes.error();
    Transaction transaction(*this);
    auto upserted = sqlValue(
        QStringLiteral("INSERT INTO policies (certificate_id, lifetime, renew_before, "
                       "dc_algorithm, roles) VALUES (?, ?, ?, ?, ?) ON CONFLICT (certificate_id) "
                       "DO UPDATE SET lifetime = excluded.lifetime, renew_before = "
                       "excluded.renew_before, dc_algorithm = excluded.dc_algorithm, roles = "
                       "excluded.roles RETURNING id"),
        {certificateId, policy.lifetimeSeconds, policy.renewBeforeSeconds, policy.dcAlgorithm,
         dcRolesName(policy.roles)});
    if (!upserted)
        return upserted.error();
    const qint64 id = upserted->toLongLong();
    if (auto ok = logEvent(
            {.at = now,
             .kind = QStringLiteral("policy"),
             .message = QStringLiteral("%1 DCs of %2 for %3, renewed %4 before "
                                       "expiry, %5 keys")
                            .arg(dcRolesName(policy.roles), formatDuration(policy.lifetimeSeconds),
                                 record->certificate.displayName(),
                                 formatDuration(policy.renewBeforeSeconds), policy.dcAlgorithm),
             .certificateId = certificateId});
        !ok)
        return ok.error();
    if (auto ok = transaction.commit(); !ok)
        return ok.error();
    return id;
}

Result<QList<PolicyRecord>> Workspace::policies() const
{
    auto rows = sql(
        QStringLiteral("SELECT %1 FROM policies ORDER BY id").arg(QLatin1String(kPolicyColumns)));
    if (!rows)
        return rows.error();
    QList<PolicyRecord> records;
    while (rows->next())
        records.append(policyFrom(*rows));
    return records;
}

Result<std::optional<PolicyRecord>> Workspace::policyForCertificate(qint64 certificateId) const
{
    auto row = sql(QStringLiteral("SELECT %1 FROM policies WHERE certificate_id = ?")
                       .arg(QLatin1String(kPolicyColumns)),
                   {certificateId});
    if (!row)
        return row.error();
    if (!row->next())
        return std::optional<PolicyRecord>();
    return std::optional<PolicyRecord>(policyFrom(*row));
}

Result<PolicyRecord> Workspace::policy(qint64 id) const
{
    auto row = sql(
        QStringLiteral("SELECT %1 FROM policies WHERE id = ?").arg(QLatin1String(kPolicyColumns)),
        {id});
    if (!row)
        return row.error();
    if (!row->next())
        return Error{QStringLiteral("no rotation policy %1 in the workspace").arg(id)};
    return policyFrom(*row);
}

Status Workspace::checkDirectoryFree(const QString &directory) const
{
    auto taken =
        sql(QStringLiteral("SELECT policy_id FROM targets WHERE directory = ?"), {directory});
    if (!taken)
        return taken.error();
    if (taken->next())
        return Error{QStringLiteral("%1 is already the target of policy %2: two policies "
                                    "writing one `current` would replace each other's DCs")
                         .arg(directory)
                         .arg(taken->value(0).toLongLong())};
    return {};
}

Status Workspace::checkTarget(const TargetRecord &target) const
{
    if (auto problem = targetRecordProblem(target); !problem)
        return problem;
    if (auto owner = policy(target.policyId); !owner)
        return owner.error();
    if (auto free = checkDirectoryFree(absoluteDirectory(target.directory)); !free)
        return free;
    if (auto usable = checkExportDirectory(target.directory); !usable)
        return usable;
    return checkHookCommand(target.hook);
}

Result<qint64> Workspace::addTarget(const TargetRecord &target, const QDateTime &now)
{
    if (auto problem = targetRecordProblem(target); !problem)
        return problem.error();
    auto owner = policy(target.policyId);
    if (!owner)
        return owner.error();
    const QString directory = absoluteDirectory(target.directory);
    Transaction transaction(*this);
    if (auto free = checkDirectoryFree(directory); !free)
        return free.error();
    auto inserted =
        sql(QStringLiteral("INSERT INTO targets (policy_id, profile, directory, hook, "
                           "hook_environment, role) VALUES (?, ?, ?, ?, ?, ?)"),
            {target.policyId, target.profile, directory, textValue(target.hook),
             textValue(target.hookEnvironment.join(QLatin1Char(' '))), dcRoleName(target.role)});
    if (!inserted)
        return inserted.error();
    const qint64 id = inserted->lastInsertId().toLongLong();
    if (auto ok = logEvent({.at = now,
                            .kind = QStringLiteral("target"),
                            .message = QStringLiteral("%1 DCs exported as %2 to %3%4")
                                           .arg(dcRoleName(target.role), target.profile, directory,
                                                target.hook.isEmpty()
                                                    ? QString()
                                                    : QStringLiteral(", then %1").arg(target.hook)),
                            .certificateId = owner->certificateId,
                            .targetId = id});
        !ok)
        return ok.error();
    if (auto ok = transaction.commit(); !ok)
        return ok.error();
    return id;
}

Result<QList<TargetRecord>> Workspace::targets(qint64 policyId) const
{
    const QString columns = QStringLiteral("SELECT id, policy_id, profile, directory, hook, role, "
                                           "exported_dc_id, last_result, last_at, hook_pending, "
                                           "hook_environment FROM targets");
    auto rows = policyId > 0
                    ? sql(columns + QStringLiteral(" WHERE policy_id = ? ORDER BY id"), {policyId})
                    : sql(columns + QStringLiteral(" ORDER BY id"));
    if (!rows)
        return rows.error();
    QList<TargetRecord> records;
    while (rows->next())
        records.append({.id = rows->value(0).toLongLong(),
                        .policyId = rows->value(1).toLongLong(),
                        .profile = rows->value(2).toString(),
                        .directory = rows->value(3).toString(),
                        .hook = rows->value(4).toString(),
                        .hookEnvironment =
                            rows->value(10).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts),
                        .role = rows->value(5).toString() == QLatin1String("client")
                                    ? DcRole::Client
                                    : DcRole::Server,
                        .exportedDcId = rows->value(6).toLongLong(),
                        .hookPending = rows->value(9).toBool(),
                        .lastResult = rows->value(7).toString(),
                        .lastAt = timeFrom(rows->value(8))});
    return records;
}

Status Workspace::recordExport(qint64 targetId, qint64 dcId, bool ok, const QString &result,
                               const QDateTime &now, const QString &eventKind)
{
    // Deferred: the export or hook it records has happened and is on disk, so a power cut that
    // loses the record only makes the next rotation export the DC again (and run the hook
    // again), the same as a run killed just before this commit. One sync less per target.
    Transaction transaction(*this, Transaction::Sync::Deferred);
    const bool hookRan = eventKind == QLatin1String("hook");
    // A successful export owes the target its hook until the hook succeeds: a server that
    // failed to reload still serves the previous DC, which runs out within days. A failed
    // export leaves exported_dc_id alone, since `current` still holds the previous DC.
    auto updated =
        hookRan ? sql(QStringLiteral("UPDATE targets SET last_result = ?, last_at = ?, "
                                     "hook_pending = ? WHERE id = ?"),
                      {textValue(result), timeValue(now), ok ? 0 : 1, targetId})
        : ok    ? sql(QStringLiteral("UPDATE targets SET exported_dc_id = ?, last_result = ?, "
                                        "last_at = ?, hook_pending = (hook != '') WHERE id = ?"),
                      {dcId, textValue(result), timeValue(now), targetId})
             : sql(QStringLiteral("UPDATE targets SET last_result = ?, last_at = ? WHERE id = ?"),
                   {textValue(result), timeValue(now), targetId});
    if (!updated)
        return updated.error();
    auto certificateId =
        sqlValue(QStringLiteral("SELECT certificate_id FROM dcs WHERE id = ?"), {dcId});
    if (!certificateId)
        return certificateId.error();
    if (auto logged = logEvent({.at = now,
                                .kind = eventKind,
                                .ok = ok,
                                .message = result,
                                .certificateId = certificateId->toLongLong(),
                                .dcId = dcId,
                                .targetId = targetId});
        !logged)
        return logged;
    return transaction.commit();
}

} // namespace baton
