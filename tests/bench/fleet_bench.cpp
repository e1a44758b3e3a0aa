// baton-bench's fleet rows: key custody at fleet scale, measured on real files, each row beside
// the bare cryptography of the same number of items measured in the same run.
//
//   import N pairs     `batonctl ws import` of N certificate+key PEM file pairs: the workspace
//                      opened and unlocked (one scrypt run at the default cost), every file
//                      read and probed, one import transaction under the rotation lock
//   rotate N policies  `batonctl rotate` over N due policies with one `baton` target each: the
//                      workspace opened, the lock, the planning dry run, the unlock (default
//                      scrypt cost), then per policy a DC key, a signature, its storage and its
//                      export (files and directories synced)
//   status M policies  `batonctl status` (the program itself, output discarded) on M policies
//                      whose targets all serve their current DC
//   limit              N EC P-256 key generations (the DC key type) and N ECDSA signatures
//                      with the certificates' keys, written as a plain EVP caller would
//
// Setup (certificates, keys, files, policies, targets) is untimed. The status workspace and its
// targets are made by a rotation on /dev/shm when it exists: a tmpfs spares the setup M times
// the rotation's syncs, and `status` only reads, from the page cache wherever the files are.

#include "FleetBench.h"
#include "TestPki.h"
#include "import/Importer.h"
#include "rotation/Rotator.h"
#include "store/Workspace.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <openssl/evp.h>
#include <optional>
#include <vector>

namespace baton::test {

namespace {

using SteadyClock = std::chrono::steady_clock;

const QByteArray kPassphrase = QByteArrayLiteral("fleet bench passphrase");

[[noreturn]] void die(const QString &message)
{
    std::fprintf(stderr, "baton-bench: %s\n", qPrintable(message));
    std::exit(2);
}

template <typename T> T need(Result<T> result, const char *what)
{
    if (!result)
        die(QStringLiteral("%1: %2").arg(QLatin1String(what), result.errorMessage()));
    return std::move(result).value();
}

void need(const Status &status, const char *what)
{
    if (!status)
        die(QStringLiteral("%1: %2").arg(QLatin1String(what), status.errorMessage()));
}

double secondsOf(const std::function<void()> &work)
{
    const auto start = SteadyClock::now();
    work();
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

QString argumentValue(const QStringList &arguments, const QString &name)
{
    const qsizetype i = arguments.indexOf(name);
    return i >= 0 && i + 1 < arguments.size() ? arguments[i + 1] : QString();
}

std::vector<TestIdentity> makeIdentities(int count, const QString &prefix)
{
    std::vector<TestIdentity> identities;
    identities.reserve(count);
    for (int i = 0; i < count; ++i) {
        const QString name = QStringLiteral("%1-%2.fleet.test").arg(prefix).arg(i);
        identities.push_back(makeIdentity({.commonName = name, .dnsNames = {name}}));
    }
    return identities;
}

/// N key generations of the DC key type and N signatures with the certificates' keys, as a
/// program calling OpenSSL directly would do them: the floor under rotating N policies.
double cryptographyLimit(const std::vector<TestIdentity> &identities)
{
    const QByteArray message(300, 'm'); // about what a DC's signed message is
    return secondsOf([&] {
        for (const TestIdentity &identity : identities) {
            EVP_PKEY *dcKey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
            if (!dcKey)
                die(u"EC key generation failed"_qs);
            EVP_PKEY_free(dcKey);
            EVP_MD_CTX *ctx = EVP_MD_CTX_new();
            unsigned char signature[128];
            size_t length = sizeof signature;
            if (!ctx ||
                EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, identity.key.get()) != 1 ||
                EVP_DigestSign(ctx, signature, &length,
                               reinterpret_cast<const unsigned char *>(message.constData()),
                               size_t(message.size())) != 1)
                die(u"signing failed"_qs);
            EVP_MD_CTX_free(ctx);
        }
    });
}

/// A workspace holding the identities' certificates and keys, a policy each (server DCs of a
/// day, ECDSA P-256 keys) and a `baton` target each under `targets`, nothing issued yet.
std::unique_ptr<Workspace> makeFleetWorkspace(const QString &path,
                                              const std::vector<TestIdentity> &identities,
                                              const QString &targets, const QDateTime &now,
                                              ScryptParameters work)
{
    auto workspace = need(Workspace::create(path, kPassphrase, now, work), "creating a workspace");
    QList<ImportedObject> objects;
    for (const TestIdentity &identity : identities)
        objects << importData(identity.certificatePem + identity.keyPem, u"identity"_qs).objects;
    need(workspace->importObjects(objects, now), "importing");
    const auto certificates = need(workspace->certificateSummaries(), "listing certificates");
    for (qsizetype i = 0; i < certificates.size(); ++i) {
        const qint64 policy = need(workspace->setPolicy(certificates[i].id,
                                                        {.lifetimeSeconds = 24 * 3600,
                                                         .renewBeforeSeconds = 12 * 3600,
                                                         .dcAlgorithm = u"ecdsa-p256"_qs,
                                                         .roles = DcRoles::Server},
                                                        now),
                                   "setting a policy");
        need(workspace->addTarget({.policyId = policy,
                                   .profile = u"baton"_qs,
                                   .directory = QStringLiteral("%1/%2").arg(targets).arg(i),
                                   .role = DcRole::Server},
                                  now),
             "adding a target");
    }
    return workspace;
}

/// What `batonctl rotate` does, from opening the workspace to the last export.
RotationRun rotateAsBatonctl(const QString &path, const QDateTime &now)
{
    auto workspace = need(Workspace::open(path), "opening the workspace");
    auto lock = need(RotationLock::acquire(path, std::chrono::seconds(120)), "locking");
    RotationOptions options{.now = now, .dryRun = true};
    need(rotateWorkspace(*workspace, options), "planning");
    need(workspace->unlock(kPassphrase), "unlocking");
    options.dryRun = false;
    return need(rotateWorkspace(*workspace, options), "rotating");
}

void printRow(const char *row, int count, double seconds, double limit, const char *goal)
{
    std::printf("%-22s %6d %9.2f %9.2f %9s %7s  %s\n", row, count, seconds,
                1000.0 * seconds / count,
                limit > 0 ? qPrintable(QString::number(limit, 'f', 2)) : "-",
                limit > 0 ? qPrintable(QString::number(limit / seconds, 'f', 3)) : "-", goal);
    std::fflush(stdout);
}

} // namespace

void runFleetBench(const QStringList &arguments)
{
    const int fleet = argumentValue(arguments, u"--fleet"_qs).isEmpty()
                          ? 1000
                          : argumentValue(arguments, u"--fleet"_qs).toInt();
    const int statusPolicies = argumentValue(arguments, u"--status-policies"_qs).isEmpty()
                                   ? 10000
                                   : argumentValue(arguments, u"--status-policies"_qs).toInt();
    if (fleet <= 0 && statusPolicies <= 0)
        return;
    std::optional<QTemporaryDir> temporary;
    QString base = argumentValue(arguments, u"--dir"_qs);
    if (base.isEmpty()) {
        temporary.emplace(QDir::tempPath() + u"/baton-fleet-XXXXXX"_qs);
        base = temporary->path();
    }
    const QString root =
        QStringLiteral("%1/run-%2").arg(base).arg(QCoreApplication::applicationPid());
    if (!QDir().mkpath(root))
        die(QStringLiteral("cannot create %1").arg(root));
    const QDateTime now = utc(2026, 6, 1, 12);

    std::printf("\nFleet rows in %s (workspaces at the default scrypt cost, N=2^%d, one unlock "
                "timed in each of the first two rows)\n",
                qPrintable(root), int(std::log2(double(kVaultScrypt.n))));
    std::printf("%-22s %6s %9s %9s %9s %7s  %s\n", "row", "N", "seconds", "ms/item", "limit s",
                "ratio", "goal");

    if (fleet > 0) {
        const std::vector<TestIdentity> identities = makeIdentities(fleet, u"import"_qs);
        // import: N pairs as files, into a new empty workspace
        const QString files = root + u"/import-files"_qs;
        QDir().mkpath(files);
        QStringList paths;
        for (int i = 0; i < fleet; ++i) {
            const auto [certificate, key] =
                writeIdentity(identities[i], files, QStringLiteral("host-%1").arg(i));
            paths << certificate << key;
        }
        const QString importPath = root + u"/import.baton"_qs;
        need(Workspace::create(importPath, kPassphrase, now), "creating a workspace");
        const double limit = cryptographyLimit(identities);
        qsizetype added = 0;
        const double imported = secondsOf([&] {
            auto workspace = need(Workspace::open(importPath), "opening the workspace");
            need(workspace->unlock(kPassphrase), "unlocking");
            QList<ImportedObject> objects;
            for (const QString &path : paths)
                objects << importFile(path).objects;
            auto lock =
                need(RotationLock::acquire(importPath, std::chrono::seconds(120)), "locking");
            const ImportReport report = need(workspace->importObjects(objects, now), "importing");
            for (const ImportOutcome &outcome : report.objects)
                added += outcome.result == ImportOutcome::Result::Added ? 1 : 0;
        });
        if (added != 2 * fleet)
            die(QStringLiteral("imported %1 objects, not %2").arg(added).arg(2 * fleet));
        printRow("import pairs", fleet, imported, limit, "< 5 s for 1000");

        // rotate: the same identities, a policy and a target each, all due
        const QString rotatePath = root + u"/rotate.baton"_qs;
        makeFleetWorkspace(rotatePath, identities, root + u"/targets"_qs, now, kVaultScrypt);
        RotationRun run;
        const double rotated = secondsOf([&] { run = rotateAsBatonctl(rotatePath, now); });
        qsizetype exported = 0;
        for (const PolicyOutcome &policy : run.policies)
            for (const TargetOutcome &target : policy.targets)
                exported += target.action.startsWith(QLatin1String("exported")) ? 1 : 0;
        for (const PolicyOutcome &policy : run.policies) {
            if (!policy.ok)
                die(QStringLiteral("rotating policy %1 failed: %2")
                        .arg(policy.before.policy.id)
                        .arg(policy.error));
        }
        if (run.cancelled || exported != fleet)
            die(QStringLiteral("the rotation exported %1 of %2 targets").arg(exported).arg(fleet));
        printRow("rotate due policies", fleet, rotated, limit, "< 15 s for 1000");
    }

    if (statusPolicies > 0) {
        const QString statusRoot = QFileInfo(u"/dev/shm"_qs).isWritable()
                                       ? QStringLiteral("/dev/shm/baton-fleet-status-%1")
                                             .arg(QCoreApplication::applicationPid())
                                       : root + u"/status"_qs;
        QDir().mkpath(statusRoot);
        const QString statusPath = statusRoot + u"/status.baton"_qs;
        {
            auto workspace =
                makeFleetWorkspace(statusPath, makeIdentities(statusPolicies, u"status"_qs),
                                   statusRoot + u"/targets"_qs, now, kFastWork);
            const RotationRun run =
                need(rotateWorkspace(*workspace, {.now = now}), "rotating the status workspace");
            if (!run.ok())
                die(u"rotating the status workspace failed"_qs);
        }
        QProcess status;
        status.setStandardOutputFile(QProcess::nullDevice());
        status.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        const QStringList statusArguments{u"status"_qs, u"--workspace"_qs, statusPath, u"--now"_qs,
                                          now.addSecs(60).toString(Qt::ISODate)};
        const double seconds = secondsOf([&] {
            status.start(QStringLiteral(BATONCTL_PATH), statusArguments);
            if (!status.waitForFinished(600000) || status.exitStatus() != QProcess::NormalExit ||
                status.exitCode() != 0)
                die(QStringLiteral("batonctl status failed (exit %1)").arg(status.exitCode()));
        });
        printRow("status (batonctl)", statusPolicies, seconds, 0, "< 0.5 s for 10000");
        QDir(statusRoot).removeRecursively();
    }
    if (!temporary)
        QDir(root).removeRecursively();
}

} // namespace baton::test
