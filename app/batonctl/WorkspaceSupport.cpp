#include "WorkspaceSupport.h"

#include "common/TimeFormat.h"
#include "keyring/Keyring.h"

#include <QJsonArray>

namespace baton::cli {

WorkspaceOptions::WorkspaceOptions()
    : workspace(QStringLiteral("workspace"),
                QStringLiteral("The workspace file (default: $BATON_WORKSPACE, else %1).")
                    .arg(Workspace::defaultPath()),
                QStringLiteral("PATH")),
      passphrase(QStringLiteral("passphrase"),
                 QStringLiteral("Where the workspace passphrase comes from: %1 (default: the "
                                "file named by $BATON_PASSPHRASE_FILE, else the OS keyring, "
                                "else a prompt).")
                     .arg(secretSourceHelp()),
                 QStringLiteral("SRC"))
{}

void WorkspaceOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({workspace, passphrase});
}

QString workspacePath(const QCommandLineParser &parser, const WorkspaceOptions &options)
{
    if (parser.isSet(options.workspace))
        return parser.value(options.workspace);
    const QString fromEnvironment = qEnvironmentVariable("BATON_WORKSPACE");
    return fromEnvironment.isEmpty() ? Workspace::defaultPath() : fromEnvironment;
}

Result<std::unique_ptr<Workspace>> openWorkspace(const QCommandLineParser &parser,
                                                 const WorkspaceOptions &options,
                                                 WorkspaceAccess access)
{
    return Workspace::open(workspacePath(parser, options), access);
}

Status unlockWorkspace(Workspace &workspace, const QCommandLineParser &parser,
                       const WorkspaceOptions &options)
{
    QString source = parser.value(options.passphrase);
    const QString file = qEnvironmentVariable("BATON_PASSPHRASE_FILE");
    if (source.isEmpty() && !file.isEmpty())
        source = QStringLiteral("file:") + file;
    QString keyringProblem;
    if (source.isEmpty()) {
        const KeyringLookup stored = readWorkspacePassphrase(workspace.path(), kKeyringLookupWait);
        if (stored.secret) {
            if (auto ok = workspace.unlock(stored.secret->bytes()); !ok) {
                if (ok.errorMessage() == QLatin1String(kWrongPassphrase))
                    return Error{QStringLiteral("the passphrase in the keyring is wrong for %1; "
                                                "remove it with `batonctl ws forget-passphrase`")
                                     .arg(workspace.path())};
                return Error{workspace.path() + QStringLiteral(": ") + ok.errorMessage()};
            }
            return {};
        }
        keyringProblem = stored.problem;
    }
    auto passphrase =
        readSecret(source, QStringLiteral("Passphrase for the workspace %1").arg(workspace.path()));
    // Said only when nothing else worked: on a server without a keyring it is no news.
    if (!passphrase && !keyringProblem.isEmpty())
        return Error{passphrase.errorMessage() + QStringLiteral("; the keyring could not help: ") +
                     keyringProblem};
    if (!passphrase)
        return passphrase.error();
    if (auto ok = workspace.unlock(passphrase->bytes()); !ok)
        return Error{workspace.path() + QStringLiteral(": ") + ok.errorMessage()};
    return {};
}

Result<RotationLock> lockRotations(const Workspace &workspace)
{
    return RotationLock::acquire(workspace.path(), kRotationLockWait);
}

int rotateNow(Workspace &workspace, const RotationLock & /*held*/, const QList<qint64> &policyIds,
              const QDateTime &now, const TokenKey::PinSource &pin)
{
    auto run = rotateWorkspace(workspace, {.now = now, .policyIds = policyIds, .tokenPin = pin});
    if (!run)
        return fail(run.errorMessage());
    printRotation(*run, now);
    return run->ok() ? ExitOk : ExitInvalid;
}

void printRotation(const RotationRun &run, const QDateTime &now)
{
    for (const PolicyOutcome &policy : run.policies) {
        const RotationPlan &plan = policy.before.plan;
        out() << "Policy " << policy.before.policy.id << ": " << policy.before.certificateName
              << " (" << rotationStatusName(plan.status) << ")\n";
        for (const QString &action : policy.actions)
            out() << "  " << action << '\n';
        for (const TargetOutcome &target : policy.targets)
            out() << "  " << (target.ok ? "" : "FAILED ") << target.target.directory << ": "
                  << target.action << '\n';
        if (!policy.error.isEmpty())
            out() << "  FAILED: " << policy.error << '\n';
        else if (policy.actions.isEmpty() && plan.nextRotation.isValid())
            out() << "  nothing due; next rotation " << formatUtc(plan.nextRotation) << " ("
                  << formatRelative(now, plan.nextRotation) << ")\n";
    }
    if (run.policies.isEmpty())
        out() << "No rotation policies; set one with `batonctl policy set`.\n";
    if (run.cancelled)
        out() << "Cancelled.\n";
    out().flush();
}

QJsonObject rotationToJson(const RotationRun &run, const QDateTime &now)
{
    QJsonArray policies;
    for (const PolicyOutcome &policy : run.policies) {
        QJsonArray targets;
        for (const TargetOutcome &target : policy.targets)
            targets.append(QJsonObject{{QStringLiteral("id"), target.target.id},
                                       {QStringLiteral("directory"), target.target.directory},
                                       {QStringLiteral("ok"), target.ok},
                                       {QStringLiteral("action"), target.action}});
        policies.append(
            QJsonObject{{QStringLiteral("policy"), policy.before.policy.id},
                        {QStringLiteral("certificate"), policy.before.certificateId},
                        {QStringLiteral("name"), policy.before.certificateName},
                        {QStringLiteral("status"), rotationStatusName(policy.before.plan.status)},
                        {QStringLiteral("actions"), QJsonArray::fromStringList(policy.actions)},
                        {QStringLiteral("targets"), targets},
                        {QStringLiteral("ok"), policy.ok},
                        {QStringLiteral("error"), policy.error}});
    }
    return {{QStringLiteral("now"), formatRfc3339(now)},
            {QStringLiteral("ok"), run.ok()},
            {QStringLiteral("policies"), policies}};
}

} // namespace baton::cli
