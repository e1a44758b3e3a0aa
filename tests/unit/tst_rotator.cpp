// The rotation engine end to end: a workspace with certificates, policies and export targets,
// rotated at injected instants (never the wall clock) and judged by what reaches the targets
// (verifyBundle on every one), the DCs and events stored, and the hooks that ran. Includes a
// simulated week of hourly runs and a cancel before every step followed by a rerun.

#include "RawSql.h"
#include "TestPki.h"
#include "common/Pem.h"
#include "common/TimeFormat.h"
#include "crypto/KeyCodec.h"
#include "export/BundleVerifier.h"
#include "export/GenerationWriter.h"
#include "import/Importer.h"
#include "pki/DevPki.h"
#include "rotation/Rotator.h"
#include "store/Workspace.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <optional>

using namespace baton;
using namespace baton::test;

Q_DECLARE_METATYPE(baton::RotationStatus)

namespace {

constexpr qint64 kMinute = 60;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;
const QDateTime kT = utc(2026, 6, 1, 12);
const QByteArray kPassphrase = "correct horse battery staple";
const RotationPolicy kPolicy{.lifetimeSeconds = kDay,
                             .renewBeforeSeconds = 12 * kHour,
                             .dcAlgorithm = QStringLiteral("ecdsa-p256"),
                             .roles = DcRoles::Server};

QDateTime at(qint64 seconds)
{
    return kT.addSecs(seconds);
}

/// Fixtures that cannot be built make every assertion after them meaningless.
template <typename T> T need(Result<T> result, const char *what)
{
    if (!result)
        qFatal("%s: %s", what, qPrintable(result.errorMessage()));
    return std::move(result).value();
}

QByteArray pem(const Certificate &certificate)
{
    return encodePem(u"CERTIFICATE"_qs, certificate.der());
}

QByteArray pem(const EVP_PKEY *key)
{
    return need(encodePrivateKeyPkcs8Pem(key), "encoding a key").bytes();
}

/// Empty when the bundle at `directory` verifies at `when`, else why not.
QString verifyProblem(const QString &directory, const QDateTime &when)
{
    auto verified = verifyBundle(directory, when);
    if (!verified)
        return verified.errorMessage();
    return verified->valid() ? QString() : describeChecks(verified->checks);
}

/// The certificates of DIR/current/chain.pem, as DER, in file order.
QList<QByteArray> chainIn(const QString &directory)
{
    QFile file(QDir(directory).filePath(u"current/chain.pem"_qs));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> ders;
    for (const Certificate &certificate : need(Certificate::readAll(file.readAll()), "chain.pem"))
        ders << certificate.der();
    return ders;
}

QByteArray currentFile(const QString &directory, const QString &name)
{
    QFile file(QDir(directory).filePath(u"current/"_qs + name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// Everything under `directory` (symlinks with their targets): to prove nothing changed.
QStringList tree(const QString &directory)
{
    QStringList entries;
    QDirIterator it(directory,
                    QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info(it.next());
        QString entry = QDir(directory).relativeFilePath(info.filePath());
        if (info.isSymLink())
            entry += u" -> "_qs + info.symLinkTarget();
        else if (info.isFile())
            entry += u" "_qs + QString::number(info.size());
        entries << entry;
    }
    entries.sort();
    return entries;
}

QList<EventRecord> eventsOf(const Workspace &workspace, const QString &kind)
{
    QList<EventRecord> found;
    for (const EventRecord &event : need(workspace.events(), "events")) {
        if (event.kind == kind)
            found << event;
    }
    return found;
}

QString describeRun(const RotationRun &run)
{
    QStringList lines;
    if (run.cancelled)
        lines << u"cancelled"_qs;
    for (const PolicyOutcome &policy : run.policies) {
        lines << u"policy %1 %2: %3 [%4]"_qs.arg(policy.before.policy.id)
                     .arg(policy.ok ? u"ok"_qs : u"FAILED"_qs, policy.actions.join(u"; "_qs),
                          policy.error);
        for (const TargetOutcome &target : policy.targets)
            lines << u"  %1 %2: %3"_qs.arg(target.target.directory,
                                           target.ok ? u"ok"_qs : u"FAILED"_qs, target.action);
    }
    return lines.join(u"\n"_qs);
}

/// A workspace with one policy (kPolicy) on a leaf and two targets: `hooked` (nss, with the
/// hook) and `plain` (baton).
struct Fixture
{
    std::unique_ptr<Workspace> workspace;
    qint64 certificateId = 0;
    qint64 policyId = 0;
    std::optional<Certificate> leaf;
    QList<QByteArray> sentChain; ///< what chain.pem must hold: the leaf, then intermediates
    QByteArray root;             ///< the self-signed CA, which is never sent
    TargetRecord hooked;
    TargetRecord plain;
};

} // namespace

class RotatorTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void firstRotation_data();
    void firstRotation();
    void idempotent_data();
    void idempotent();
    void simulatedWeek();
    void dryRun_data();
    void dryRun();
    void cancelAtEveryStepThenRerun_data();
    void cancelAtEveryStepThenRerun();
    void failingPolicyDoesNotStopOthers();
    void hookFailure();
    void renewalCascade();
    void statuses_data();
    void statuses();
    void rotationLock();
    void rotationLockFollowsNoSymlink();
    void unrecordedIsAFailure();

private:
    std::unique_ptr<Workspace> makeWorkspace();
    DevLeaf devLeaf(const QDateTime &now, int days = 90, const QString &name = u"localhost"_qs,
                    bool delegation = true);
    static qint64 idOf(const Workspace &workspace, const Certificate &certificate);
    Fixture setUp(const QString &hook = {}, const QString &chain = u"dev CA"_qs);
    QString defaultHook() const;
    int hookRuns() const;
    Result<RotationRun> rotate(Workspace &workspace, const QDateTime &now,
                               std::function<bool(const QString &)> progress = {});

    std::optional<CertificateAndKey> m_ca;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    QString m_hookLog;
};

void RotatorTest::initTestCase()
{
    m_ca = need(createDevCa({.now = at(-200 * kDay)}), "dev CA");
}

void RotatorTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(u"workspace.baton"_qs);
    m_hookLog = m_dir->filePath(u"hook.log"_qs);
}

void RotatorTest::cleanup()
{
    if (QFileInfo::exists(m_path)) {
        auto workspace = Workspace::open(m_path);
        QVERIFY2(workspace, qPrintable(workspace.errorMessage()));
        const Status integrity = (*workspace)->integrityCheck();
        QVERIFY2(integrity, qPrintable(integrity.errorMessage()));
    }
}

std::unique_ptr<Workspace> RotatorTest::makeWorkspace()
{
    return need(Workspace::create(m_path, kPassphrase, at(-300 * kDay), kFastWork), "workspace");
}

DevLeaf RotatorTest::devLeaf(const QDateTime &now, int days, const QString &name, bool delegation)
{
    return need(issueDevLeaf(m_ca->certificate, m_ca->key.get(),
                             {.dnsNames = {name},
                              .ipAddresses = {},
                              .days = days,
                              .delegation = delegation,
                              .now = now}),
                "dev leaf");
}

qint64 RotatorTest::idOf(const Workspace &workspace, const Certificate &certificate)
{
    return need(workspace.resolveCertificate(
                    QString::fromLatin1(certificate.sha256Fingerprint().toHex())),
                "certificate id")
        .id;
}

QString RotatorTest::defaultHook() const
{
    return u"sh -c \"echo reloaded >> %1\""_qs.arg(m_hookLog);
}

int RotatorTest::hookRuns() const
{
    QFile file(m_hookLog);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray log = file.readAll();
    return log.count("reloaded\n") == log.count('\n') ? int(log.count('\n')) : -1;
}

Fixture RotatorTest::setUp(const QString &hook, const QString &chain)
{
    Fixture fixture;
    fixture.workspace = makeWorkspace();
    QByteArray input;
    EvpPkeyPtr key;
    if (chain == u"dev CA"_qs) {
        DevLeaf leaf = devLeaf(kT);
        fixture.leaf = leaf.issued.certificate;
        key = std::move(leaf.issued.key);
        fixture.root = m_ca->certificate.der();
        fixture.sentChain = {fixture.leaf->der()};
        input = pem(m_ca->certificate) + pem(*fixture.leaf) + pem(key.get());
    } else { // root and intermediate, valid throughout 2026
        TestChain built = makeChain();
        fixture.leaf = built.leaf.certificate;
        key = std::move(built.leaf.key);
        fixture.root = built.root.certificate.der();
        fixture.sentChain = {fixture.leaf->der(), built.intermediate.certificate.der()};
        // The root first, the leaf last: the order of an import is no hint.
        input = built.root.certificatePem + built.intermediate.certificatePem +
                built.leaf.certificatePem + pem(key.get());
    }
    Workspace &workspace = *fixture.workspace;
    const ImportResult found = importData(input, u"identity.pem"_qs);
    if (!found.complete())
        qFatal("import: %s", qPrintable(found.error));
    need(workspace.importObjects(found.objects, at(-kHour)), "importing");
    fixture.certificateId = idOf(workspace, *fixture.leaf);
    fixture.policyId =
        need(workspace.setPolicy(fixture.certificateId, kPolicy, at(-kHour)), "policy");
    need(workspace.addTarget({.policyId = fixture.policyId,
                              .profile = u"nss"_qs,
                              .directory = m_dir->filePath(u"nss"_qs),
                              .hook = hook.isNull() ? defaultHook() : hook},
                             at(-kHour)),
         "nss target");
    need(workspace.addTarget({.policyId = fixture.policyId,
                              .profile = u"baton"_qs,
                              .directory = m_dir->filePath(u"baton"_qs)},
                             at(-kHour)),
         "baton target");
    const QList<TargetRecord> targets = need(workspace.targets(fixture.policyId), "targets");
    fixture.hooked = targets.value(0);
    fixture.plain = targets.value(1);
    return fixture;
}

Result<RotationRun> RotatorTest::rotate(Workspace &workspace, const QDateTime &now,
                                        std::function<bool(const QString &)> progress)
{
    return rotateWorkspace(
        workspace,
        {.now = now, .hookTimeout = std::chrono::seconds(20), .progress = std::move(progress)});
}

// ---------------------------------------------------------------------------------------------

void RotatorTest::firstRotation_data()
{
    QTest::addColumn<QString>("chain");
    QTest::newRow("dev CA") << u"dev CA"_qs;
    QTest::newRow("root and intermediate") << u"root and intermediate"_qs;
}

void RotatorTest::firstRotation()
{
    QFETCH(QString, chain);
    Fixture f = setUp({}, chain);
    Workspace &workspace = *f.workspace;
    const qsizetype eventsBefore = workspace.events()->size();

    auto run = rotate(workspace, kT);
    QVERIFY2(run, qPrintable(run.errorMessage()));
    QVERIFY2(run->ok(), qPrintable(describeRun(*run)));
    QVERIFY(!run->cancelled);
    QCOMPARE(run->policies.size(), 1);
    const PolicyOutcome &outcome = run->policies.first();
    QCOMPARE(outcome.before.plan.status, RotationStatus::Expired);
    QCOMPARE(outcome.before.certificateId, f.certificateId);

    // Exactly one DC, issued now for the policy's lifetime, stored with its key.
    const QList<DcRecord> dcs = need(workspace.dcs(), "dcs");
    QCOMPARE(dcs.size(), 1);
    const DcRecord &dc = dcs.first();
    QCOMPARE(dc.certificateId, f.certificateId);
    QCOMPARE(dc.role, DcRole::Server);
    QCOMPARE(dc.issuedAt, kT);
    QCOMPARE(dc.expiresAt, at(kDay));
    QVERIFY(dc.hasKey);
    QVERIFY(!dc.superseded);
    QCOMPARE(outcome.actions.size(), 1);
    QCOMPARE(outcome.actions.first(),
             u"issued server DC for localhost, ecdsa-p256, expires %1 (DC %2)"_qs
                 .arg(formatUtc(at(kDay)))
                 .arg(dc.id));

    // Both targets exported, the hook after the nss one only, once.
    QCOMPARE(outcome.targets.size(), 2);
    QCOMPARE(outcome.targets[0].target.id, f.hooked.id);
    QVERIFY2(outcome.targets[0].action.startsWith(u"exported DC %1 as gen-"_qs.arg(dc.id)),
             qPrintable(outcome.targets[0].action));
    QVERIFY2(outcome.targets[0].action.endsWith(u" (nss); hook sh: exited 0"_qs),
             qPrintable(outcome.targets[0].action));
    QVERIFY2(outcome.targets[1].action.startsWith(u"exported DC %1 as gen-"_qs.arg(dc.id)) &&
                 outcome.targets[1].action.endsWith(u" (baton)"_qs),
             qPrintable(outcome.targets[1].action));
    QCOMPARE(hookRuns(), 1);
    for (const TargetRecord &target : need(workspace.targets(f.policyId), "targets")) {
        QCOMPARE(target.exportedDcId, dc.id);
        QCOMPARE(target.lastAt, kT);
        QCOMPARE(verifyProblem(target.directory, kT), QString());
        QCOMPARE(listGenerations(target.directory).size(), 1);
        QCOMPARE(currentFile(target.directory, u"dc.bin"_qs), dc.bytes);
        // The leaf, then the intermediates; never the self-signed root.
        QCOMPARE(chainIn(target.directory), f.sentChain);
        QVERIFY(!chainIn(target.directory).contains(f.root));
    }
    QCOMPARE(verifyBundle(f.hooked.directory, kT)->profile, u"nss"_qs);
    QCOMPARE(verifyBundle(f.plain.directory, kT)->profile, u"baton"_qs);

    // The audit trail: issued, exported twice, the hook; all at the injected time.
    const QList<EventRecord> events = need(workspace.events(), "events");
    QCOMPARE(events.size(), eventsBefore + 4);
    const QList<EventRecord> issued = eventsOf(workspace, u"issued"_qs);
    QCOMPARE(issued.size(), 1);
    QCOMPARE(issued.first().dcId, dc.id);
    QCOMPARE(issued.first().certificateId, f.certificateId);
    QCOMPARE(issued.first().at, kT);
    const QList<EventRecord> exported = eventsOf(workspace, u"exported"_qs);
    QCOMPARE(exported.size(), 2);
    QCOMPARE(exported[0].targetId, f.hooked.id);
    QCOMPARE(exported[1].targetId, f.plain.id);
    for (const EventRecord &event : exported) {
        QVERIFY(event.ok);
        QCOMPARE(event.dcId, dc.id);
        QCOMPARE(event.at, kT);
    }
    const QList<EventRecord> hooks = eventsOf(workspace, u"hook"_qs);
    QCOMPARE(hooks.size(), 1);
    QVERIFY(hooks.first().ok);
    QCOMPARE(hooks.first().targetId, f.hooked.id);
    QCOMPARE(hooks.first().message, u"hook sh: exited 0"_qs);
    QVERIFY(eventsOf(workspace, u"failure"_qs).isEmpty());
}

void RotatorTest::idempotent_data()
{
    QTest::addColumn<qint64>("later");
    QTest::newRow("the same instant") << qint64(0);
    QTest::newRow("a second before due") << qint64(12 * kHour - 1);
}

void RotatorTest::idempotent()
{
    QFETCH(qint64, later);
    Fixture f = setUp();
    Workspace &workspace = *f.workspace;
    auto first = rotate(workspace, kT);
    QVERIFY2(first && first->ok(), qPrintable(first.errorMessage()));
    const qsizetype events = workspace.events()->size();
    const QStringList hooked = tree(f.hooked.directory);
    const QStringList plain = tree(f.plain.directory);
    const qint64 dcId = workspace.dcs()->first().id;

    auto again = rotate(workspace, at(later));
    QVERIFY2(again, qPrintable(again.errorMessage()));
    QVERIFY2(again->ok(), qPrintable(describeRun(*again)));
    QCOMPARE(again->policies.size(), 1);
    QCOMPARE(again->policies.first().before.plan.status, RotationStatus::Ok);
    QCOMPARE(again->policies.first().actions, QStringList());
    QCOMPARE(again->policies.first().targets.size(), 2);
    for (const TargetOutcome &target : again->policies.first().targets) {
        QVERIFY(target.ok);
        QCOMPARE(target.action, u"up to date (DC %1)"_qs.arg(dcId));
    }
    QCOMPARE(workspace.dcs()->size(), 1);
    QCOMPARE(workspace.events()->size(), events);
    QCOMPARE(tree(f.hooked.directory), hooked);
    QCOMPARE(tree(f.plain.directory), plain);
    QCOMPARE(listGenerations(f.hooked.directory).size(), 1);
    QCOMPARE(hookRuns(), 1);
}

void RotatorTest::simulatedWeek()
{
    Fixture f = setUp();
    Workspace &workspace = *f.workspace;
    QList<QDateTime> rotatedAt;
    for (int h = 0; h <= 7 * 24; ++h) {
        const QDateTime now = at(h * kHour);
        auto run = rotate(workspace, now);
        QVERIFY2(run, qPrintable(u"hour %1: %2"_qs.arg(h).arg(run.errorMessage())));
        QVERIFY2(run->ok(), qPrintable(u"hour %1: %2"_qs.arg(h).arg(describeRun(*run))));
        QCOMPARE(run->policies.size(), 1);
        const QStringList actions = run->policies.first().actions;
        if (!actions.isEmpty()) {
            QCOMPARE(actions.size(), 1);
            QVERIFY2(actions.first().startsWith(u"issued server DC"_qs),
                     qPrintable(actions.first()));
            rotatedAt << now;
        }
        // No target is ever without a valid DC, now or at any moment before the next run.
        for (const TargetRecord &target : {f.hooked, f.plain}) {
            for (const QDateTime &when : {now, now.addSecs(59 * kMinute)}) {
                const QString problem = verifyProblem(target.directory, when);
                QVERIFY2(problem.isEmpty(), qPrintable(u"hour %1, %2 at %3: %4"_qs.arg(h).arg(
                                                target.profile, formatUtc(when), problem)));
            }
        }
    }
    // Due with exactly 12 h left: every 12 h from the first run, 0 h to 168 h inclusive.
    QCOMPARE(rotatedAt.size(), 15);
    const QList<DcRecord> dcs = need(workspace.dcs(), "dcs");
    QCOMPARE(dcs.size(), 15);
    for (qsizetype i = 0; i < dcs.size(); ++i) {
        QCOMPARE(rotatedAt[i], at(i * 12 * kHour));
        QCOMPARE(dcs[i].issuedAt, rotatedAt[i]);
        QCOMPARE(dcs[i].expiresAt, dcs[i].issuedAt.addSecs(kDay));
    }
    QCOMPARE(hookRuns(), 15);
    QCOMPARE(eventsOf(workspace, u"issued"_qs).size(), 15);
    QCOMPARE(eventsOf(workspace, u"exported"_qs).size(), 30);
    QCOMPARE(eventsOf(workspace, u"hook"_qs).size(), 15);
    // Old generations are pruned; the newest DC is what both targets hold.
    for (const TargetRecord &target : need(workspace.targets(f.policyId), "targets")) {
        QCOMPARE(listGenerations(target.directory).size(), kGenerationsKept);
        QCOMPARE(target.exportedDcId, dcs.last().id);
        QCOMPARE(currentFile(target.directory, u"dc.bin"_qs), dcs.last().bytes);
    }
}

void RotatorTest::dryRun_data()
{
    QTest::addColumn<qint64>("before"); ///< a real rotation at kT first, or -1 for none
    QTest::addColumn<qint64>("now");
    QTest::addColumn<QString>("action"); ///< of the policy, empty for none
    QTest::addColumn<QString>("target"); ///< the start of each target's action
    QTest::newRow("first run") << qint64(-1) << qint64(0) << u"would issue a server DC (expired)"_qs
                               << u"would export"_qs;
    QTest::newRow("due") << qint64(0) << qint64(12 * kHour) << u"would issue a server DC (due)"_qs
                         << u"would export"_qs;
    QTest::newRow("nothing due") << qint64(0) << qint64(kHour) << QString()
                                 << u"up to date (DC 1)"_qs;
}

void RotatorTest::dryRun()
{
    QFETCH(qint64, before);
    QFETCH(qint64, now);
    QFETCH(QString, action);
    QFETCH(QString, target);
    Fixture f = setUp();
    if (before >= 0) {
        auto real = rotate(*f.workspace, at(before));
        QVERIFY2(real && real->ok(), qPrintable(real.errorMessage()));
    }
    const qsizetype dcs = f.workspace->dcs()->size();
    const qsizetype events = f.workspace->events()->size();
    const QStringList hooked = tree(f.hooked.directory);
    const QStringList plain = tree(f.plain.directory);
    const int hooks = hookRuns();
    f.workspace.reset();

    // A dry run needs neither the passphrase nor write access.
    auto readOnly = Workspace::open(m_path, WorkspaceAccess::ReadOnly);
    QVERIFY2(readOnly, qPrintable(readOnly.errorMessage()));
    QVERIFY(!(*readOnly)->unlocked());
    int steps = 0;
    auto run = rotateWorkspace(**readOnly,
                               {.now = at(now), .dryRun = true, .progress = [&](const QString &) {
                                    ++steps;
                                    return true;
                                }});
    QVERIFY2(run, qPrintable(run.errorMessage()));
    QVERIFY2(run->ok(), qPrintable(describeRun(*run)));
    QCOMPARE(run->policies.size(), 1);
    QCOMPARE(run->policies.first().actions, action.isEmpty() ? QStringList() : QStringList{action});
    QCOMPARE(run->policies.first().targets.size(), 2);
    for (const TargetOutcome &outcome : run->policies.first().targets) {
        QVERIFY(outcome.ok);
        QVERIFY2(outcome.action.startsWith(target), qPrintable(outcome.action));
    }
    QCOMPARE(steps, 0); // nothing was about to happen

    auto workspace = need(Workspace::open(m_path), "reopen");
    QCOMPARE(workspace->dcs()->size(), dcs);
    QCOMPARE(workspace->events()->size(), events);
    QCOMPARE(tree(f.hooked.directory), hooked);
    QCOMPARE(tree(f.plain.directory), plain);
    QCOMPARE(hookRuns(), hooks);
}

void RotatorTest::cancelAtEveryStepThenRerun_data()
{
    QTest::addColumn<qint64>("when"); ///< the rotation that is cancelled
    QTest::addColumn<int>("k");       ///< progress returns false at step k (from 0)
    // Four steps: issue, export nss, its hook, export baton. k = 4 is a run never cancelled.
    for (const auto &[name, when] :
         {std::pair{"first rotation", qint64(0)}, std::pair{"scheduled rotation", 12 * kHour}}) {
        for (int k = 0; k <= 4; ++k)
            QTest::addRow("%s, cancel at step %d", name, k) << when << k;
    }
}

void RotatorTest::cancelAtEveryStepThenRerun()
{
    QFETCH(qint64, when);
    QFETCH(int, k);
    Fixture f = setUp();
    Workspace &workspace = *f.workspace;
    if (when > 0) {
        auto earlier = rotate(workspace, kT);
        QVERIFY2(earlier && earlier->ok(), qPrintable(earlier.errorMessage()));
    }
    const qsizetype dcsBefore = workspace.dcs()->size();
    const int hooksBefore = hookRuns();
    const QStringList allSteps{u"issue a server DC for localhost"_qs,
                               u"export to "_qs + f.hooked.directory, u"run sh"_qs,
                               u"export to "_qs + f.plain.directory};

    QStringList steps;
    auto cancelled = rotate(workspace, at(when), [&](const QString &step) {
        steps << step;
        return steps.size() - 1 != k;
    });
    QVERIFY2(cancelled, qPrintable(cancelled.errorMessage()));
    const bool reached = k < allSteps.size();
    QCOMPARE(steps, allSteps.mid(0, k + 1));
    QVERIFY2(cancelled->cancelled == reached, qPrintable(describeRun(*cancelled)));
    QCOMPARE(cancelled->ok(), !reached);
    QCOMPARE(workspace.dcs()->size(), dcsBefore + (k == 0 ? 0 : 1));

    // The rerun (the next timer tick) finishes what the cancelled run left, issuing nothing
    // twice: a DC stored but not exported is exported, not replaced.
    steps.clear();
    auto rerun = rotate(workspace, at(when + 5 * kMinute), [&](const QString &step) {
        steps << step;
        return true;
    });
    QVERIFY2(rerun, qPrintable(rerun.errorMessage()));
    QVERIFY2(rerun->ok(), qPrintable(describeRun(*rerun)));
    // Exactly the steps the cancelled run did not take, the one it was cancelled at first.
    QCOMPARE(steps, allSteps.mid(k));
    const QList<DcRecord> dcs = need(workspace.dcs(), "dcs");
    QCOMPARE(dcs.size(), dcsBefore + 1);
    const DcRecord &dc = dcs.last();
    QCOMPARE(dc.issuedAt, k == 0 ? at(when + 5 * kMinute) : at(when));
    for (const TargetRecord &target : need(workspace.targets(f.policyId), "targets")) {
        QCOMPARE(target.exportedDcId, dc.id);
        QCOMPARE(currentFile(target.directory, u"dc.bin"_qs), dc.bytes);
        QCOMPARE(verifyProblem(target.directory, at(when + 5 * kMinute)), QString());
        QCOMPARE(verifyProblem(target.directory, at(when + 12 * kHour - 1)), QString());
    }
    // The hook ran once for this rotation's export, even when the cancel fell between the
    // export and the hook: the server must reload what its directory now holds.
    QCOMPARE(hookRuns(), hooksBefore + 1);
    QCOMPARE(eventsOf(workspace, u"issued"_qs).size(), dcs.size());
    const Status integrity = workspace.integrityCheck();
    QVERIFY2(integrity, qPrintable(integrity.errorMessage()));

    // And then all is quiet.
    auto quiet = rotate(workspace, at(when + 10 * kMinute));
    QVERIFY(quiet && quiet->ok());
    QCOMPARE(quiet->policies.first().targets.value(0).action, u"up to date (DC %1)"_qs.arg(dc.id));
    QCOMPARE(quiet->policies.first().targets.value(1).action, u"up to date (DC %1)"_qs.arg(dc.id));
    QCOMPARE(hookRuns(), hooksBefore + 1);
}

void RotatorTest::failingPolicyDoesNotStopOthers()
{
    auto workspace = makeWorkspace();
    const DevLeaf keyless = devLeaf(kT, 90, u"a.test"_qs);
    const DevLeaf complete = devLeaf(kT, 90, u"b.test"_qs);
    // a.test's certificate only: its key stays elsewhere.
    const QByteArray input = pem(keyless.issued.certificate) + pem(complete.issued.certificate) +
                             pem(complete.issued.key.get());
    need(workspace->importObjects(importData(input, u"two.pem"_qs).objects, kT), "import");
    const qint64 aId = idOf(*workspace, keyless.issued.certificate);
    const qint64 bId = idOf(*workspace, complete.issued.certificate);
    QVERIFY(!workspace->certificate(aId)->hasKey);
    // The blocked policy comes first, so the other is rotated after it failed.
    const qint64 aPolicy = need(workspace->setPolicy(aId, kPolicy, kT), "policy a");
    const qint64 bPolicy = need(workspace->setPolicy(bId, kPolicy, kT), "policy b");
    const QString aDir = m_dir->filePath(u"a"_qs);
    const QString bDir = m_dir->filePath(u"b"_qs);
    need(workspace->addTarget({.policyId = aPolicy, .profile = u"baton"_qs, .directory = aDir}, kT),
         "target a");
    need(workspace->addTarget({.policyId = bPolicy, .profile = u"baton"_qs, .directory = bDir}, kT),
         "target b");

    auto run = rotate(*workspace, kT);
    QVERIFY2(run, qPrintable(run.errorMessage()));
    QVERIFY(!run->ok());
    QVERIFY(!run->cancelled);
    QCOMPARE(run->policies.size(), 2);
    const PolicyOutcome &a = run->policies[0];
    QCOMPARE(a.before.policy.id, aPolicy);
    QCOMPARE(a.before.plan.status, RotationStatus::Blocked);
    QVERIFY(!a.ok);
    QVERIFY2(a.error.contains(u"the certificate's private key is not in the vault"_qs),
             qPrintable(a.error));
    QCOMPARE(a.actions, QStringList());
    QCOMPARE(a.targets.size(), 1);
    QVERIFY(!a.targets.first().ok);
    QCOMPARE(a.targets.first().action, u"no valid server DC to export"_qs);
    QVERIFY(!QFileInfo::exists(QDir(aDir).filePath(u"current"_qs)));

    const PolicyOutcome &b = run->policies[1];
    QCOMPARE(b.before.policy.id, bPolicy);
    QVERIFY2(b.ok, qPrintable(b.error));
    QCOMPARE(b.actions.size(), 1);
    QCOMPARE(b.targets.size(), 1);
    QVERIFY(b.targets.first().ok);
    QCOMPARE(workspace->dcs(aId)->size(), 0);
    QCOMPARE(workspace->dcs(bId)->size(), 1);
    QCOMPARE(verifyProblem(bDir, kT), QString());
    QCOMPARE(chainIn(bDir), QList<QByteArray>{complete.issued.certificate.der()});

    const QList<EventRecord> failures = eventsOf(*workspace, u"failure"_qs);
    QVERIFY(!failures.isEmpty());
    for (const EventRecord &failure : failures) {
        QVERIFY(!failure.ok);
        QCOMPARE(failure.certificateId, aId);
    }
}

void RotatorTest::hookFailure()
{
    // The reload fails until the operator fixes the server (here: creates `fixed`).
    const QString fixed = m_dir->filePath(u"fixed"_qs);
    Fixture f = setUp(
        u"sh -c \"test -e '%1' || { echo reload failed; exit 3; }; echo reloaded >> '%2'\""_qs.arg(
            fixed, m_hookLog));
    Workspace &workspace = *f.workspace;
    auto run = rotate(workspace, kT);
    QVERIFY2(run, qPrintable(run.errorMessage()));
    QVERIFY(!run->ok());
    QVERIFY(!run->cancelled);
    const PolicyOutcome &outcome = run->policies.first();
    QVERIFY(!outcome.ok);
    QCOMPARE(outcome.actions.size(), 1); // the DC was issued all the same
    QVERIFY(!outcome.targets[0].ok);
    QVERIFY2(outcome.targets[0].action.endsWith(u"; hook sh: exited 3: reload failed"_qs),
             qPrintable(outcome.targets[0].action));
    QVERIFY2(outcome.error.contains(u"hook sh: exited 3"_qs), qPrintable(outcome.error));
    QVERIFY(outcome.targets[1].ok);

    // The bundle is exported before the hook, and stays: the files are right, the reload failed.
    const qint64 dcId = workspace.dcs()->first().id;
    for (const TargetRecord &target : need(workspace.targets(f.policyId), "targets")) {
        QCOMPARE(verifyProblem(target.directory, kT), QString());
        QCOMPARE(target.exportedDcId, dcId);
    }
    const QList<EventRecord> hooks = eventsOf(workspace, u"hook"_qs);
    QCOMPARE(hooks.size(), 1);
    QVERIFY(!hooks.first().ok);
    QCOMPARE(hooks.first().targetId, f.hooked.id);
    QCOMPARE(hooks.first().dcId, dcId);
    QCOMPARE(hooks.first().message, u"hook sh: exited 3: reload failed"_qs);
    QCOMPARE(need(workspace.targets(f.policyId), "targets").first().lastResult,
             hooks.first().message);
    QVERIFY(need(workspace.targets(f.policyId), "targets").first().hookPending);

    // The server still serves the previous DC: the next runs try the hook again, with nothing
    // to issue or export, until it succeeds; then it is not run again.
    const auto hookAction = [&](const QDateTime &when) {
        auto again = rotate(workspace, when);
        return again ? again->policies.first().targets[0].action : again.errorMessage();
    };
    QCOMPARE(hookAction(at(kHour)),
             u"up to date (DC %1); hook sh: exited 3: reload failed"_qs.arg(dcId));
    QVERIFY(QFile(fixed).open(QIODevice::WriteOnly));
    auto dryRun = rotateWorkspace(workspace, {.now = at(2 * kHour), .dryRun = true});
    QVERIFY(dryRun);
    QCOMPARE(dryRun->policies.first().targets[0].action,
             u"up to date (DC %1); would run its hook again (it failed, or an interrupted run did "
             u"not run it)"_qs.arg(dcId));
    QCOMPARE(hookAction(at(2 * kHour)), u"up to date (DC %1); hook sh: exited 0"_qs.arg(dcId));
    QCOMPARE(hookRuns(), 1);
    QVERIFY(!need(workspace.targets(f.policyId), "targets").first().hookPending);
    QCOMPARE(hookAction(at(3 * kHour)), u"up to date (DC %1)"_qs.arg(dcId));
    QCOMPARE(hookRuns(), 1);
    QCOMPARE(workspace.dcs()->size(), 1);
    QCOMPARE(eventsOf(workspace, u"hook"_qs).size(), 3);
}

void RotatorTest::renewalCascade()
{
    Fixture f = setUp();
    Workspace &workspace = *f.workspace;
    QVERIFY(rotate(workspace, kT)->ok());
    // A month on, the DC in service was issued under the old certificate (expires kT + 90 d).
    const QDateTime month = at(30 * kDay);
    QVERIFY(rotate(workspace, month)->ok());
    QCOMPARE(workspace.dcs()->size(), 2);
    QCOMPARE(hookRuns(), 2);

    // The renewed certificate: same name and subject, a new key, a later notAfter.
    const QDateTime renewedAt = month.addSecs(kHour);
    DevLeaf renewed = devLeaf(month, 180);
    QVERIFY(renewed.issued.certificate.notAfter() > f.leaf->notAfter());
    QCOMPARE(renewed.issued.certificate.subject(), f.leaf->subject());
    auto report = workspace.importObjects(
        importData(pem(renewed.issued.certificate) + pem(renewed.issued.key.get()),
                   u"renewed.pem"_qs)
            .objects,
        renewedAt);
    QVERIFY2(report, qPrintable(report.errorMessage()));
    QCOMPARE(report->renewedPolicies, QList<qint64>{f.policyId});
    const qint64 renewedId = idOf(workspace, renewed.issued.certificate);
    QCOMPARE(workspace.certificate(f.certificateId)->supersededBy, renewedId);
    QCOMPARE(workspace.policy(f.policyId)->certificateId, renewedId);
    for (const DcRecord &dc : need(workspace.dcs(f.certificateId), "old DCs"))
        QVERIFY(dc.superseded);
    QCOMPARE(eventsOf(workspace, u"renewed"_qs).size(), 1);

    // The old DC still has 23 h left, but it is bound to the old certificate: due at once.
    const QList<PolicyPlan> statuses = need(workspaceStatus(workspace, renewedAt), "status");
    QCOMPARE(statuses.size(), 1);
    QCOMPARE(statuses.first().certificateId, renewedId);
    QCOMPARE(statuses.first().plan.status, RotationStatus::Expired);

    auto run = rotate(workspace, renewedAt);
    QVERIFY2(run && run->ok(), qPrintable(run ? describeRun(*run) : run.errorMessage()));
    QCOMPARE(run->policies.first().actions.size(), 1);
    const QList<DcRecord> fresh = need(workspace.dcs(renewedId), "new DCs");
    QCOMPARE(fresh.size(), 1);
    QCOMPARE(fresh.first().issuedAt, renewedAt);
    QCOMPARE(fresh.first().expiresAt, renewedAt.addSecs(kDay));
    for (const TargetRecord &target : need(workspace.targets(f.policyId), "targets")) {
        QCOMPARE(target.exportedDcId, fresh.first().id);
        QCOMPARE(verifyProblem(target.directory, renewedAt), QString());
        QCOMPARE(chainIn(target.directory), QList<QByteArray>{renewed.issued.certificate.der()});
    }
    QCOMPARE(hookRuns(), 3);
}

void RotatorTest::statuses_data()
{
    QTest::addColumn<qint64>("issued");    ///< when the leaf was issued, from kT
    QTest::addColumn<int>("days");         ///< its validity
    QTest::addColumn<bool>("delegation");  ///< it has DelegationUsage
    QTest::addColumn<bool>("key");         ///< its key is imported
    QTest::addColumn<qint64>("rotatedAt"); ///< a rotation before kT (from kT), or 1 for none
    QTest::addColumn<RotationStatus>("status");
    QTest::addColumn<QString>("reason");

    QTest::newRow("ok") << qint64(0) << 90 << true << true << qint64(0) << RotationStatus::Ok
                        << QString();
    QTest::newRow("no DelegationUsage")
        << qint64(0) << 90 << false << true << qint64(1) << RotationStatus::Blocked
        << u"the certificate lacks the DelegationUsage extension, so peers reject every DC under "
           "it; get a certificate that has it"_qs;
    QTest::newRow("key not in the vault")
        << qint64(0) << 90 << true << false << qint64(1) << RotationStatus::Blocked
        << u"the certificate's private key is not in the vault, so no DC can be signed; import "
           "the key"_qs;
    QTest::newRow("not valid yet")
        << qint64(2 * kDay) << 90 << true << true << qint64(1) << RotationStatus::Blocked
        << u"the certificate is not valid yet"_qs;
    QTest::newRow("expired") << qint64(-91 * kDay) << 90 << true << true << qint64(1)
                             << RotationStatus::Blocked << u"the certificate expired"_qs;
    QTest::newRow("expires within the renew-before")
        << qint64(6 * kHour - 90 * kDay) << 90 << true << true << qint64(1)
        << RotationStatus::Blocked << u"within the 12 h renew-before"_qs;
    // A DC issued 6 h ago ends with the certificate in 18 h: not due, but the next would be
    // 6 h short.
    QTest::newRow("cert-expiring")
        << qint64(18 * kHour - 90 * kDay) << 90 << true << true << qint64(-6 * kHour)
        << RotationStatus::CertExpiring << u"a DC issued now would last only 18 h, 6 h short"_qs;
}

void RotatorTest::statuses()
{
    QFETCH(qint64, issued);
    QFETCH(int, days);
    QFETCH(bool, delegation);
    QFETCH(bool, key);
    QFETCH(qint64, rotatedAt);
    QFETCH(RotationStatus, status);
    QFETCH(QString, reason);
    auto workspace = makeWorkspace();
    const DevLeaf leaf = devLeaf(at(issued), days, u"localhost"_qs, delegation);
    QByteArray input = pem(leaf.issued.certificate);
    if (key)
        input += pem(leaf.issued.key.get());
    need(workspace->importObjects(importData(input, u"leaf.pem"_qs).objects, at(issued)), "import");
    const qint64 certificateId = idOf(*workspace, leaf.issued.certificate);
    const qint64 policyId =
        need(workspace->setPolicy(certificateId, kPolicy, at(issued)), "policy");
    need(workspace->addTarget({.policyId = policyId,
                               .profile = u"baton"_qs,
                               .directory = m_dir->filePath(u"baton"_qs)},
                              at(issued)),
         "target");
    if (rotatedAt <= 0) {
        auto earlier = rotate(*workspace, at(rotatedAt));
        QVERIFY2(earlier && earlier->ok(),
                 qPrintable(earlier ? describeRun(*earlier) : earlier.errorMessage()));
        QCOMPARE(workspace->dcs()->size(), 1);
    }

    const QList<PolicyPlan> statuses = need(workspaceStatus(*workspace, kT), "status");
    QCOMPARE(statuses.size(), 1);
    const PolicyPlan &found = statuses.first();
    QCOMPARE(found.policy.id, policyId);
    QCOMPARE(found.certificateId, certificateId);
    QCOMPARE(found.targets.size(), 1);
    QCOMPARE(found.plan.status, status);
    QVERIFY2(reason.isEmpty() ? found.plan.reason.isEmpty() : found.plan.reason.contains(reason),
             qPrintable(found.plan.reason));

    // Rotating now: a blocked policy fails with the same reason and issues nothing; one that
    // is only expiring has nothing due (the DC in service keeps serving).
    const qsizetype dcs = workspace->dcs()->size();
    auto run = rotate(*workspace, kT);
    QVERIFY2(run, qPrintable(run.errorMessage()));
    QCOMPARE(workspace->dcs()->size(), dcs);
    if (status == RotationStatus::Blocked) {
        QVERIFY(!run->ok());
        QVERIFY2(run->policies.first().error.contains(reason),
                 qPrintable(run->policies.first().error));
    } else {
        QVERIFY2(run->ok(), qPrintable(describeRun(*run)));
        QCOMPARE(verifyProblem(m_dir->filePath(u"baton"_qs), kT), QString());
    }
}

void RotatorTest::rotationLock()
{
    auto first = RotationLock::acquire(m_path, std::chrono::milliseconds(200));
    QVERIFY2(first, qPrintable(first.errorMessage()));
    QVERIFY(QFileInfo::exists(m_path + u".lock"_qs));

    QElapsedTimer waited;
    waited.start();
    auto second = RotationLock::acquire(m_path, std::chrono::milliseconds(200));
    QVERIFY(!second);
    QVERIFY2(second.errorMessage().startsWith(
                 u"another rotation of this workspace is still running (%1.lock is locked)"_qs.arg(
                     m_path)),
             qPrintable(second.errorMessage()));
    QVERIFY2(waited.elapsed() >= 190, qPrintable(QString::number(waited.elapsed())));

    {
        // Moving the lock keeps it held; destroying the moved-to one releases it.
        RotationLock moved(std::move(first).value());
        QVERIFY(!RotationLock::acquire(m_path, std::chrono::milliseconds(0)));
    }
    auto third = RotationLock::acquire(m_path, std::chrono::milliseconds(200));
    QVERIFY2(third, qPrintable(third.errorMessage()));
    // The same workspace named through a symlink is the same lock.
    QFile workspace(m_path);
    QVERIFY(workspace.open(QIODevice::Append)); // the file the link names
    workspace.close();
    const QString link = m_dir->filePath(u"link.baton"_qs);
    QVERIFY(QFile::link(m_path, link));
    QVERIFY(!RotationLock::acquire(link, std::chrono::milliseconds(0)));
}

void RotatorTest::rotationLockFollowsNoSymlink()
{
    // A lock file planted as a link elsewhere: neither created nor opened through it.
    const QString elsewhere = m_dir->filePath(u"elsewhere"_qs);
    QVERIFY(QFile::link(elsewhere, m_path + u".lock"_qs));
    auto lock = RotationLock::acquire(m_path, std::chrono::milliseconds(0));
    QVERIFY(!lock);
    QVERIFY2(
        lock.errorMessage().startsWith(u"cannot open the rotation lock %1.lock: "_qs.arg(m_path)),
        qPrintable(lock.errorMessage()));
    QVERIFY(!QFileInfo::exists(elsewhere));
}

void RotatorTest::unrecordedIsAFailure()
{
    // The disk fills once the DC is stored and exported: what the export did cannot be
    // recorded (a trigger refuses the "exported" events, as SQLITE_FULL would).
    Fixture f = setUp();
    Workspace &workspace = *f.workspace;
    QCOMPARE(rawSql(m_path, u"CREATE TRIGGER full_disk BEFORE INSERT ON events WHEN NEW.kind = "
                            u"'exported' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); "
                            u"END"_qs),
             QString());
    auto run = rotate(workspace, kT);
    QVERIFY2(run, qPrintable(run.errorMessage()));
    QVERIFY2(!run->ok(), qPrintable(describeRun(*run)));
    const PolicyOutcome &outcome = run->policies.first();
    QVERIFY(!outcome.ok);
    QCOMPARE(outcome.actions.size(), 1); // the DC was issued and stored
    QCOMPARE(outcome.targets.size(), 2);
    for (const TargetOutcome &target : outcome.targets) {
        QVERIFY(!target.ok);
        QVERIFY2(target.action.contains(
                     QRegularExpression(u"\\(not recorded: .*database or disk is full\\)"_qs)),
                 qPrintable(target.action));
    }
    QVERIFY2(outcome.error.contains(
                 QRegularExpression(u"\\(not recorded: .*database or disk is full\\)"_qs)),
             qPrintable(outcome.error));
    // The workspace believes the targets hold nothing yet, so the next run exports again.
    for (const TargetRecord &target : need(workspace.targets(f.policyId), "targets"))
        QCOMPARE(target.exportedDcId, 0);
    QCOMPARE(rawSql(m_path, u"DROP TRIGGER full_disk"_qs), QString());
    auto rerun = rotate(workspace, kT.addSecs(60));
    QVERIFY2(rerun && rerun->ok(), qPrintable(rerun ? describeRun(*rerun) : rerun.errorMessage()));
}

QTEST_GUILESS_MAIN(RotatorTest)
#include "tst_rotator.moc"
