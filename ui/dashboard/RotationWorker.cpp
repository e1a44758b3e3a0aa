#include "RotationWorker.h"

#include "rotation/Rotator.h"

#include <QThread>

namespace baton::ui {

namespace {

RotationSummary summarize(const RotationRun &run)
{
    RotationSummary summary;
    summary.cancelled = run.cancelled;
    for (const PolicyOutcome &outcome : run.policies) {
        RotationSummary::Policy policy{.policyId = outcome.before.policy.id,
                                       .certificate = outcome.before.certificateName,
                                       .ok = outcome.ok,
                                       .error = outcome.error,
                                       .actions = outcome.actions};
        for (const QString &action : outcome.actions)
            summary.issued += action.startsWith(QLatin1String("issued ")) ? 1 : 0;
        for (const TargetOutcome &target : outcome.targets)
            policy.actions << QStringLiteral("%1: %2").arg(target.target.directory, target.action);
        summary.policies << policy;
    }
    return summary;
}

/// The whole run, on the rotation's thread: every object made here stays here.
RotationSummary rotate(const RotationWorker::Request &request,
                       const std::function<bool(const QString &)> &progress)
{
    auto lock = RotationLock::acquire(request.workspacePath, request.lockTimeout);
    if (!lock)
        return {.error = lock.errorMessage()};
    auto workspace = Workspace::open(request.workspacePath);
    if (!workspace)
        return {.error = workspace.errorMessage()};
    if (!request.vaultKey)
        return {.error = RotationSummary::tr("the workspace is locked")};
    if (auto unlocked = (*workspace)->unlock(*request.vaultKey); !unlocked)
        return {.error = unlocked.errorMessage()};
    auto run = rotateWorkspace(**workspace, {.now = request.now,
                                             .policyIds = request.policyIds,
                                             .tokenPin = request.tokenPin,
                                             .progress = progress});
    if (!run)
        return {.error = run.errorMessage()};
    return summarize(*run);
}

} // namespace

bool RotationSummary::ok() const
{
    return error.isEmpty() && !cancelled &&
           std::all_of(policies.cbegin(), policies.cend(),
                       [](const Policy &policy) { return policy.ok; });
}

QString RotationSummary::headline() const
{
    if (!error.isEmpty())
        return tr("Rotation failed: %1").arg(error);
    if (cancelled)
        return tr("Rotation cancelled; the steps before it are kept");
    QStringList failures;
    for (const Policy &policy : policies) {
        if (!policy.ok)
            failures << tr("%1: %2").arg(policy.certificate, policy.error);
    }
    const QString issuedText = issued == 0   ? tr("no DC was due")
                               : issued == 1 ? tr("issued 1 DC")
                                             : tr("issued %1 DCs").arg(issued);
    if (!failures.isEmpty())
        return tr("Rotation finished with failures (%1): %2")
            .arg(issuedText, failures.join(QStringLiteral("; ")));
    return tr("Rotation finished: %1").arg(issuedText);
}

RotationWorker::RotationWorker(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<RotationSummary>();
}

RotationWorker::~RotationWorker()
{
    if (m_thread) {
        cancel();
        m_thread->wait();
        delete m_thread;
    }
}

bool RotationWorker::start(const Request &request)
{
    if (m_thread)
        return false;
    m_cancel = false;
    m_thread = QThread::create([this, request, hook = m_stepHook] {
        int steps = 0;
        const auto report = [&](const QString &step) {
            QMetaObject::invokeMethod(
                this, [this, step, number = ++steps] { emit progress(step, number); },
                Qt::QueuedConnection);
            if (hook)
                hook(step);
            return !m_cancel.load();
        };
        const RotationSummary summary = rotate(request, report);
        QMetaObject::invokeMethod(
            this, [this, summary] { finishRun(summary); }, Qt::QueuedConnection);
    });
    m_thread->setObjectName(QStringLiteral("baton-rotation"));
    m_thread->start();
    return true;
}

void RotationWorker::cancel()
{
    if (m_thread)
        m_cancel = true;
}

void RotationWorker::finishRun(const RotationSummary &summary)
{
    // The run posted this as its last act, so the thread is ending: the wait is momentary.
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    emit finished(summary);
}

} // namespace baton::ui
