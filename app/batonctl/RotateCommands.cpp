// batonctl status and rotate: what every rotation policy needs, and doing it — unattended,
// from a systemd timer, as often as it likes.

#include "Commands.h"
#include "WorkspaceSupport.h"
#include "common/TimeFormat.h"
#include "rotation/ServedDc.h"

#include <QFileInfo>
#include <QJsonArray>

namespace baton::cli {

namespace {

QJsonObject statusToJson(const PolicyServing &policyStatus)
{
    const PolicyPlan &status = policyStatus.plan;
    const RotationPlan &plan = status.plan;
    const auto time = [](const QDateTime &instant) {
        return instant.isValid() ? QJsonValue(formatRfc3339(instant)) : QJsonValue();
    };
    QJsonArray targets;
    for (qsizetype i = 0; i < status.targets.size(); ++i) {
        const TargetRecord &target = status.targets[i];
        const TargetServing &serving = policyStatus.served[i];
        targets.append(
            QJsonObject{{QStringLiteral("id"), target.id},
                        {QStringLiteral("profile"), target.profile},
                        {QStringLiteral("directory"), target.directory},
                        {QStringLiteral("role"), dcRoleName(target.role)},
                        {QStringLiteral("exportedDc"), target.exportedDcId},
                        {QStringLiteral("lastResult"), target.lastResult},
                        {QStringLiteral("lastAt"),
                         target.lastAt.isValid() ? formatRfc3339(target.lastAt) : QString()},
                        {QStringLiteral("served"),
                         QJsonObject{{QStringLiteral("state"), targetServingName(serving.state)},
                                     {QStringLiteral("ok"), serving.ok()},
                                     {QStringLiteral("generation"), serving.generation},
                                     {QStringLiteral("dc"), serving.servedDcId},
                                     {QStringLiteral("currentDc"), serving.currentDcId},
                                     {QStringLiteral("expiresAt"), time(serving.servedExpiry)},
                                     {QStringLiteral("detail"), serving.detail}}}});
    }
    return {{QStringLiteral("policy"), status.policy.id},
            {QStringLiteral("certificate"), status.certificateId},
            {QStringLiteral("name"), status.certificateName},
            {QStringLiteral("status"), rotationStatusName(plan.status)},
            {QStringLiteral("reason"), plan.reason},
            {QStringLiteral("currentExpiry"), time(plan.currentExpiry)},
            {QStringLiteral("nextRotation"), time(plan.nextRotation)},
            {QStringLiteral("headroomSeconds"), plan.headroomSeconds},
            {QStringLiteral("lifetimeSeconds"), status.policy.policy.lifetimeSeconds},
            {QStringLiteral("renewBeforeSeconds"), status.policy.policy.renewBeforeSeconds},
            {QStringLiteral("dcAlgorithm"), status.policy.policy.dcAlgorithm},
            {QStringLiteral("roles"), dcRolesName(status.policy.policy.roles)},
            {QStringLiteral("targets"), targets}};
}

void printStatus(const PolicyServing &policyStatus, const QDateTime &now)
{
    const PolicyPlan &status = policyStatus.plan;
    const RotationPlan &plan = status.plan;
    const auto when = [&now](const QDateTime &instant) {
        return instant.isValid() ? formatUtc(instant) + QStringLiteral(" (") +
                                       formatRelative(now, instant) + QLatin1Char(')')
                                 : QStringLiteral("none");
    };
    out() << "Policy " << status.policy.id << ": " << status.certificateName << " (certificate "
          << status.certificateId << ")  " << rotationStatusName(plan.status).toUpper() << '\n'
          << "  DC expires:     " << when(plan.currentExpiry) << '\n'
          << "  Next rotation:  " << when(plan.nextRotation) << '\n';
    if (plan.headroomSeconds > 0)
        out() << "  Headroom:       " << formatDuration(plan.headroomSeconds)
              << " between the next rotation and the current DC's expiry\n";
    if (!plan.reason.isEmpty())
        out() << "  Why:            " << plan.reason << '\n';
    for (qsizetype i = 0; i < status.targets.size(); ++i) {
        const TargetRecord &target = status.targets[i];
        const TargetServing &serving = policyStatus.served[i];
        out() << "  Target " << target.id << ":       " << target.profile << " -> "
              << target.directory
              << (target.lastResult.isEmpty() ? QString()
                                              : QStringLiteral(": ") + target.lastResult)
              << '\n'
              << "    Serving:      "
              << (serving.ok() ? QString()
                               : targetServingName(serving.state).toUpper() + QStringLiteral(": "))
              << serving.detail << '\n';
    }
}

bool needsAttention(RotationStatus status)
{
    return status == RotationStatus::Expired || status == RotationStatus::Blocked;
}

/// Anything the dry run would do needs keys from the vault.
bool wouldAct(const RotationRun &plan)
{
    return std::any_of(plan.policies.cbegin(), plan.policies.cend(), [](const PolicyOutcome &p) {
        return !p.actions.isEmpty() ||
               std::any_of(p.targets.cbegin(), p.targets.cend(), [](const TargetOutcome &t) {
                   return t.action.startsWith(QLatin1String("would"));
               });
    });
}

} // namespace

int runStatus(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Show every rotation policy: ok, due, expired (no valid DC), blocked (and why) or "
        "cert-expiring, with the current DC's expiry, the next rotation and the headroom; and "
        "for every target the DC its `current` really serves.\nExit status: 0 nothing needs a "
        "person, 1 some policy is expired or blocked, or some target serves nothing, an expired "
        "DC or not the current one, 2 unusable input."));
    const WorkspaceOptions options;
    options.addTo(parser);
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption now = nowOption(QStringLiteral("Judge as of TIME (RFC 3339)."));
    parser.addOptions({json, now});
    int exitCode = ExitOk;
    if (!parseArguments(parser, arguments, &exitCode))
        return exitCode;
    auto when = timeOption(parser, now.names().first());
    if (!when)
        return fail(when.errorMessage());
    auto workspace = openWorkspace(parser, options, WorkspaceAccess::ReadOnly);
    if (!workspace)
        return fail(workspace.errorMessage());
    auto statuses = servingStatus(**workspace, *when);
    if (!statuses)
        return fail(statuses.errorMessage());
    const bool attention =
        std::any_of(statuses->cbegin(), statuses->cend(), [](const PolicyServing &status) {
            return needsAttention(status.plan.plan.status) || !status.targetsOk();
        });
    if (parser.isSet(json)) {
        QJsonArray policies;
        for (const PolicyServing &status : *statuses)
            policies.append(statusToJson(status));
        printJson({{QStringLiteral("now"), formatRfc3339(*when)},
                   {QStringLiteral("policies"), policies}});
    } else {
        for (const PolicyServing &status : *statuses)
            printStatus(status, *when);
        if (statuses->isEmpty())
            out() << "No rotation policies; set one with `batonctl policy set`.\n";
        out().flush();
    }
    return attention ? ExitInvalid : ExitOk;
}

int runRotate(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "For every policy that is due: issue a DC, store it, export it to every target, run the "
        "hooks, log it. Safe to run as often as you like (nothing due, nothing done) and to "
        "interrupt at any point (the next run finishes the job). One rotation at a time per "
        "workspace. The passphrase is needed only when something is due.\nExit status: 0 all "
        "done, 1 some policy failed, 2 unusable input."));
    const WorkspaceOptions options;
    options.addTo(parser);
    const QCommandLineOption dryRun(QStringLiteral("dry-run"),
                                    QStringLiteral("Say what would be done; change nothing."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption hookTimeout(QStringLiteral("hook-timeout"),
                                         QStringLiteral("Kill a hook after DURATION (default "
                                                        "30s)."),
                                         QStringLiteral("DURATION"), QStringLiteral("30s"));
    const QCommandLineOption pin = pinOption();
    const QCommandLineOption now = nowOption();
    parser.addOptions({dryRun, json, hookTimeout, pin, now});
    int exitCode = ExitOk;
    if (!parseArguments(parser, arguments, &exitCode))
        return exitCode;
    auto when = timeOption(parser, now.names().first());
    if (!when)
        return fail(when.errorMessage());
    auto hookSeconds = positiveDurationOption(parser, hookTimeout.names().first());
    if (!hookSeconds)
        return fail(hookSeconds.errorMessage());
    const QString path = workspacePath(parser, options);
    if (!parser.isSet(dryRun) && QFileInfo::exists(path) && !QFileInfo(path).isWritable())
        return fail(QStringLiteral("%1: the workspace is read-only here; rotate stores what it "
                                   "issues, so it needs to write (try --dry-run or status)")
                        .arg(path));
    auto workspace = openWorkspace(parser, options,
                                   parser.isSet(dryRun) ? WorkspaceAccess::ReadOnly
                                                        : WorkspaceAccess::ReadWrite);
    if (!workspace)
        return fail(workspace.errorMessage());

    std::optional<RotationLock> lock;
    if (!parser.isSet(dryRun)) {
        auto acquired = RotationLock::acquire(path, kRotationLockWait);
        if (!acquired)
            return fail(acquired.errorMessage());
        lock.emplace(std::move(acquired).value());
    }
    RotationOptions rotation{.now = *when,
                             .dryRun = true,
                             .hookTimeout = std::chrono::seconds(*hookSeconds),
                             .tokenPin = tokenPinSource(parser.value(pin))};
    // Planned under the lock first: only a run that will issue or export needs the
    // passphrase, so the timer's hourly no-op runs cost no scrypt and never prompt. The real
    // run then happens even when nothing is due, to log why a blocked policy is blocked.
    auto run = rotateWorkspace(**workspace, rotation);
    if (!run)
        return fail(run.errorMessage());
    if (!parser.isSet(dryRun)) {
        if (wouldAct(*run)) {
            if (auto ok = unlockWorkspace(**workspace, parser, options); !ok)
                return fail(ok.errorMessage());
        }
        rotation.dryRun = false;
        run = rotateWorkspace(**workspace, rotation);
        if (!run)
            return fail(run.errorMessage());
    }
    if (parser.isSet(json))
        printJson(rotationToJson(*run, *when));
    else
        printRotation(*run, *when);
    return run->ok() ? ExitOk : ExitInvalid;
}

} // namespace baton::cli
