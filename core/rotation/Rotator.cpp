#include "Rotator.h"

#include "common/TimeFormat.h"
#include "crypto/KeyCodec.h"
#include "dc/DcIssuer.h"
#include "export/BundleExport.h"
#include "pkcs11/TokenKeyCache.h"
#include "rotation/ServedDc.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QThread>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace baton {

namespace {

class PolicyRotation
{
public:
    PolicyRotation(Workspace &workspace, const RotationOptions &options, TokenKeyCache &tokenKeys,
                   PolicyOutcome &outcome)
        : m_workspace(workspace), m_options(options), m_tokenKeys(tokenKeys), m_outcome(outcome)
    {}

    /// False when the run was cancelled.
    bool run()
    {
        const RotationPlan &plan = m_outcome.before.plan;
        if (plan.status == RotationStatus::Blocked)
            failed(plan.reason);
        else if (plan.needsIssue() && !issueDueRoles())
            return false;
        // Exports run even after a failure above: a DC stored by an earlier, interrupted run
        // (or still valid under a blocked policy) should reach the targets that lack it.
        return exportToTargets();
    }

private:
    bool proceed(const QString &step) { return !m_options.progress || m_options.progress(step); }

    /// Parses the policy's certificate the first time issuing or exporting needs it: most
    /// policies of a run have nothing to do, and parsing is most of what planning would cost.
    Status loadCertificate()
    {
        if (m_certificate)
            return {};
        auto record = m_workspace.certificate(m_outcome.before.certificateId);
        if (!record)
            return record.error();
        m_certificate = std::move(record->certificate);
        m_tokenKey = std::move(record->tokenKey);
        return {};
    }

    void failed(const QString &why)
    {
        m_outcome.ok = false;
        m_outcome.error =
            m_outcome.error.isEmpty() ? why : m_outcome.error + QStringLiteral("; ") + why;
        if (!m_options.dryRun)
            (void)m_workspace.logEvent({.at = m_options.now,
                                        .kind = QStringLiteral("failure"),
                                        .ok = false,
                                        .message = why,
                                        .certificateId = m_outcome.before.certificateId});
    }

    bool issueDueRoles()
    {
        const RotationPolicy &policy = m_outcome.before.policy.policy;
        for (const RolePlan &role : m_outcome.before.plan.roles) {
            if (role.status == RotationStatus::Ok)
                continue;
            const QString roleName = dcRoleName(role.role);
            if (m_options.dryRun) {
                m_outcome.actions << QStringLiteral("would issue a %1 DC (%2)")
                                         .arg(roleName, rotationStatusName(role.status));
                m_wouldIssue << role.role;
                continue;
            }
            if (!proceed(QStringLiteral("issue a %1 DC for %2")
                             .arg(roleName, m_outcome.before.certificateName)))
                return false;
            if (auto issued = issue(role.role, policy); !issued) {
                failed(QStringLiteral("issuing the %1 DC failed: %2")
                           .arg(roleName, issued.errorMessage()));
                return true;
            }
        }
        return true;
    }

    Status issue(DcRole role, const RotationPolicy &policy)
    {
        if (auto loaded = loadCertificate(); !loaded)
            return loaded;
        const CertificateSigner *signer = nullptr;
        if (m_tokenKey.onToken()) {
            auto onToken = m_tokenKeys.signerFor(m_tokenKey.uri, *m_certificate);
            if (!onToken)
                return onToken.error();
            signer = *onToken;
        } else if (!m_certificateKey) {
            auto key = m_workspace.certificateKey(m_outcome.before.certificateId);
            if (!key)
                return key.error();
            m_certificateKey = std::move(key).value();
        }
        const KeySpec *spec = keySpecByName(policy.dcAlgorithm);
        if (!spec)
            return Error{QStringLiteral("unknown DC algorithm '%1'").arg(policy.dcAlgorithm)};
        auto dcKey = generateKey(*spec);
        if (!dcKey)
            return dcKey.error();
        auto issued = issueDelegatedCredential({.certificate = *m_certificate,
                                                .certificateKey = m_certificateKey.get(),
                                                .certificateSigner = signer,
                                                .dcKey = dcKey->get(),
                                                .lifetimeSeconds = policy.lifetimeSeconds,
                                                .role = role,
                                                .now = m_options.now,
                                                .clampToCertificate = true});
        if (!issued)
            return issued.error();
        const QString summary = QStringLiteral("%1 DC for %2, %3, expires %4")
                                    .arg(dcRoleName(role), m_outcome.before.certificateName,
                                         policy.dcAlgorithm, formatUtc(issued->expiry));
        auto id = m_workspace.addDc(m_outcome.before.certificateId, role, issued->bytes,
                                    dcKey->get(), m_options.now, issued->expiry, summary);
        if (!id)
            return id.error();
        m_outcome.actions << QStringLiteral("issued %1 (DC %2)").arg(summary).arg(*id);
        m_dcKeys.insert(*id, std::shared_ptr<EVP_PKEY>(std::move(dcKey).value()));
        return {};
    }

    bool exportToTargets()
    {
        auto dcs = m_workspace.dcs(m_outcome.before.certificateId);
        if (!dcs) {
            failed(dcs.errorMessage());
            return true;
        }
        for (const TargetRecord &target : m_outcome.before.targets) {
            TargetOutcome result{.target = target};
            const std::optional<DcRecord> dc = servableDc(*dcs, target.role, m_options.now);
            const bool present =
                QFileInfo(QDir(target.directory).filePath(QStringLiteral("current"))).exists();
            if (m_options.dryRun && m_wouldIssue.contains(target.role)) {
                // The real run exports the DC it is about to issue, not the one it replaces.
                result.action =
                    QStringLiteral("would export the new %1 DC").arg(dcRoleName(target.role));
            } else if (!dc) {
                result.ok = false;
                result.action =
                    QStringLiteral("no valid %1 DC to export").arg(dcRoleName(target.role));
            } else if (dc->id == target.exportedDcId && present) {
                result.action = QStringLiteral("up to date (DC %1)").arg(dc->id);
                // An earlier run exported this DC, then stopped before the hook (cancelled or
                // killed) or the hook failed: the server has not reloaded `current` yet.
                if (target.hookPending) {
                    if (m_options.dryRun)
                        result.action += QStringLiteral("; would run its hook again (it failed, "
                                                        "or an interrupted run did not run it)");
                    else if (!runPendingHook(target, *dc, result))
                        return false;
                }
            } else if (m_options.dryRun) {
                result.action = QStringLiteral("would export DC %1").arg(dc->id);
            } else {
                if (!proceed(QStringLiteral("export to %1").arg(target.directory)) ||
                    !exportTo(target, *dc, result))
                    return false;
            }
            if (!result.ok)
                failed(QStringLiteral("%1: %2").arg(target.directory, result.action));
            m_outcome.targets << result;
        }
        return true;
    }

    /// Adds a line to the target's outcome and records it in the workspace.
    void record(const TargetRecord &target, const DcRecord &dc, TargetOutcome &result, bool ok,
                const QString &line, const QString &kind)
    {
        result.ok = result.ok && ok;
        result.action =
            result.action.isEmpty() ? line : result.action + QStringLiteral("; ") + line;
        // Not recorded is a failure whatever happened: the workspace (and `status`) would go on
        // believing the target serves its previous DC, and the audit trail would miss a step.
        if (auto saved = m_workspace.recordExport(target.id, dc.id, ok, line, m_options.now, kind);
            !saved) {
            result.ok = false;
            result.action += QStringLiteral(" (not recorded: %1)").arg(saved.errorMessage());
        }
    }

    /// False when the run was cancelled (before the hook).
    bool exportTo(const TargetRecord &target, const DcRecord &dc, TargetOutcome &result)
    {
        if (auto loaded = loadCertificate(); !loaded) {
            record(target, dc, result, false,
                   QStringLiteral("export failed: ") + loaded.errorMessage(),
                   QStringLiteral("exported"));
            return true;
        }
        std::shared_ptr<EVP_PKEY> key = m_dcKeys.value(dc.id);
        if (!key) {
            auto opened = m_workspace.dcKey(dc.id);
            if (!opened) {
                record(target, dc, result, false,
                       QStringLiteral("export failed: ") + opened.errorMessage(),
                       QStringLiteral("exported"));
                return true;
            }
            key = std::shared_ptr<EVP_PKEY>(std::move(opened).value());
            m_dcKeys.insert(dc.id, key);
        }
        auto intermediates = m_workspace.intermediatesFor(*m_certificate);
        QList<Certificate> chain{*m_certificate};
        if (intermediates)
            chain << *intermediates;
        const BundleExportRequest request{.profile = *bundleProfileByName(target.profile),
                                          .input = {.chain = chain,
                                                    .dc = dc.bytes,
                                                    .dcKey = key.get(),
                                                    .role = dc.role,
                                                    .issuedAt = dc.issuedAt},
                                          .directory = target.directory,
                                          .now = m_options.now};
        auto exported = exportBundle(request);
        if (!exported) {
            record(target, dc, result, false,
                   QStringLiteral("export failed: ") + exported.errorMessage(),
                   QStringLiteral("exported"));
            return true;
        }
        QString line = QStringLiteral("exported DC %1 as %2 (%3)")
                           .arg(dc.id)
                           .arg(exported->generation.name, target.profile);
        if (!exported->generation.leftAlone.isEmpty())
            line += QStringLiteral("; left alone in the directory: ") +
                    exported->generation.leftAlone.join(QStringLiteral("; "));
        record(target, dc, result, true, line, QStringLiteral("exported"));
        return runHook(target, dc, request, *exported, result);
    }

    /// The hook of a target whose `current` already holds `dc`, for the generation it points at.
    bool runPendingHook(const TargetRecord &target, const DcRecord &dc, TargetOutcome &result)
    {
        BundleExportResult exported;
        exported.generation.path =
            QFileInfo(QDir(target.directory).filePath(QStringLiteral("current"))).symLinkTarget();
        exported.generation.name = QFileInfo(exported.generation.path).fileName();
        exported.dcExpiry = dc.expiresAt;
        const BundleExportRequest request{.profile = *bundleProfileByName(target.profile),
                                          .input = {},
                                          .directory = target.directory,
                                          .now = m_options.now};
        return runHook(target, dc, request, exported, result);
    }

    /// False when the run was cancelled before the hook.
    bool runHook(const TargetRecord &target, const DcRecord &dc, const BundleExportRequest &request,
                 const BundleExportResult &exported, TargetOutcome &result)
    {
        if (target.hook.isEmpty())
            return true;
        const QStringList command = QProcess::splitCommand(target.hook);
        if (command.isEmpty())
            return true;
        if (!proceed(QStringLiteral("run %1").arg(command.first())))
            return false;
        const HookResult ran = runBundleHook(command, request, exported, m_options.hookTimeout,
                                             target.hookEnvironment);
        QString line = QStringLiteral("hook %1: %2").arg(command.first(), ran.summary());
        if (!ran.ok() && !ran.output.trimmed().isEmpty())
            line += QStringLiteral(": ") + ran.output.trimmed().section(QLatin1Char('\n'), -1);
        record(target, dc, result, ran.ok(), line, QStringLiteral("hook"));
        return true;
    }

    Workspace &m_workspace;
    const RotationOptions &m_options;
    TokenKeyCache &m_tokenKeys; ///< the run's, shared by its policies
    PolicyOutcome &m_outcome;
    std::optional<Certificate> m_certificate;          ///< see loadCertificate
    TokenKeyRecord m_tokenKey;                         ///< see loadCertificate
    EvpPkeyPtr m_certificateKey;                       ///< when the vault holds it
    QHash<qint64, std::shared_ptr<EVP_PKEY>> m_dcKeys; ///< issued this run: no vault round trip
    QList<DcRole> m_wouldIssue;                        ///< a dry run's roles that are due
};

} // namespace

Result<PlanInputs> readPlanInputs(const Workspace &workspace)
{
    auto certificates = workspace.certificateSummaries();
    if (!certificates)
        return certificates.error();
    auto dcs = workspace.dcs();
    if (!dcs)
        return dcs.error();
    auto policies = workspace.policies();
    if (!policies)
        return policies.error();
    auto targets = workspace.targets();
    if (!targets)
        return targets.error();
    return PlanInputs{.certificates = std::move(certificates).value(),
                      .dcs = std::move(dcs).value(),
                      .policies = std::move(policies).value(),
                      .targets = std::move(targets).value()};
}

QList<PolicyPlan> planPolicies(const PlanInputs &inputs, const QDateTime &now)
{
    QHash<qint64, const CertificateSummary *> certificateById;
    for (const CertificateSummary &certificate : inputs.certificates)
        certificateById.insert(certificate.id, &certificate);
    // A DC counts only if a server could be handed it: not superseded, with its key.
    QHash<qint64, QList<PlannedDc>> plannedByCertificate;
    for (const DcRecord &dc : inputs.dcs) {
        if (!dc.superseded && dc.hasKey)
            plannedByCertificate[dc.certificateId].append({dc.role, dc.issuedAt, dc.expiresAt});
    }
    QHash<qint64, QList<TargetRecord>> targetsByPolicy;
    for (const TargetRecord &target : inputs.targets)
        targetsByPolicy[target.policyId].append(target);

    QList<PolicyPlan> plans;
    plans.reserve(inputs.policies.size());
    for (const PolicyRecord &policy : inputs.policies) {
        const CertificateSummary *certificate = certificateById.value(policy.certificateId);
        if (!certificate)
            continue;
        const RotationPlan plan =
            planRotation(policy.policy,
                         {.notBefore = certificate->notBefore,
                          .notAfter = certificate->notAfter,
                          .delegationUsage = certificate->delegation,
                          .keyAvailable = certificate->hasKey},
                         plannedByCertificate.value(policy.certificateId), now);
        plans.append({.policy = policy,
                      .certificateId = certificate->id,
                      .certificateName = certificate->name,
                      .certificateSubject = certificate->subject,
                      .plan = plan,
                      .targets = targetsByPolicy.value(policy.id)});
    }
    return plans;
}

Result<QList<PolicyPlan>> workspaceStatus(const Workspace &workspace, const QDateTime &now)
{
    auto inputs = readPlanInputs(workspace);
    if (!inputs)
        return inputs.error();
    return planPolicies(*inputs, now);
}

bool RotationRun::ok() const
{
    return !cancelled && std::all_of(policies.cbegin(), policies.cend(),
                                     [](const PolicyOutcome &policy) { return policy.ok; });
}

Result<RotationRun> rotateWorkspace(Workspace &workspace, const RotationOptions &options)
{
    auto plans = workspaceStatus(workspace, options.now);
    if (!plans)
        return plans.error();
    RotationRun run;
    TokenKeyCache tokenKeys(options.tokenPin);
    for (PolicyPlan &planned : *plans) {
        if (!options.policyIds.isEmpty() && !options.policyIds.contains(planned.policy.id))
            continue;
        run.policies.append({.before = std::move(planned)});
        if (!PolicyRotation(workspace, options, tokenKeys, run.policies.last()).run()) {
            run.cancelled = true;
            break;
        }
    }
    return run;
}

Result<RotationLock> RotationLock::acquire(const QString &workspacePath,
                                           std::chrono::milliseconds timeout)
{
    // One lock per workspace file, however it is named: through a symlink too.
    const QString canonical = QFileInfo(workspacePath).canonicalFilePath();
    const QString path =
        (canonical.isEmpty() ? workspacePath : canonical) + QStringLiteral(".lock");
    // Never through a symlink: root opening (and creating) whatever a planted link names
    // would be root creating a file wherever its owner chose.
    const int fd = ::open(QFile::encodeName(path).constData(),
                          O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return Error{QStringLiteral("cannot open the rotation lock %1: %2")
                         .arg(path, QString::fromLocal8Bit(std::strerror(errno)))};
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK || std::chrono::steady_clock::now() >= deadline) {
            const int error = errno;
            ::close(fd);
            return Error{error == EWOULDBLOCK
                             ? QStringLiteral("another rotation of this workspace is still "
                                              "running (%1 is locked)")
                                   .arg(path)
                             : QStringLiteral("cannot lock %1: %2")
                                   .arg(path, QString::fromLocal8Bit(std::strerror(error)))};
        }
        QThread::msleep(50);
    }
    return RotationLock(fd);
}

RotationLock::RotationLock(RotationLock &&other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

RotationLock::~RotationLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // closing releases the lock
}

} // namespace baton
