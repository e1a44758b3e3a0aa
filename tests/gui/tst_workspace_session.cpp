// The desktop app's hold on a workspace: opening, creating (the demo one included), unlocking,
// and the snapshot every view renders.

#include "DemoSession.h"
#include "LegacyVaultWriter.h"
#include "RawSql.h"
#include "TestPki.h"
#include "import/Importer.h"
#include "rotation/Rotator.h"
#include "session/WorkspaceSession.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

using namespace baton;
using namespace baton::test;
using baton::ui::WorkspaceSession;

namespace {
const QDateTime kNow = utc(2026, 6, 1, 12);
const QByteArray kPassphrase = kDemoPassphrase;
} // namespace

class WorkspaceSessionTest : public QObject
{
    Q_OBJECT

private slots:
    void demoWorkspace();
    void demoStatuses_data();
    void demoStatuses();
    void reopenLockedThenUnlock();
    void backgroundUnlockUpgradesALegacyVault_data();
    void backgroundUnlockUpgradesALegacyVault();
    void openRefusesWhatIsNotAWorkspace();
    void summaryPlansMatchParsedCertificates_data();
    void summaryPlansMatchParsedCertificates();
    void backgroundReload();
};

void WorkspaceSessionTest::demoWorkspace()
{
    QTemporaryDir dir;
    const FixedClock clock(kNow);
    WorkspaceSession session(clock);
    QSignalSpy changed(&session, &WorkspaceSession::snapshotChanged);
    const Status created =
        session.create(dir.filePath(u"demo.baton"_qs), kPassphrase, true, kFastWork);
    QVERIFY2(created, qPrintable(created.errorMessage()));
    QCOMPARE(changed.count(), 1);
    QVERIFY(session.isUnlocked());
    // Its workspace key unlocks another connection, as a worker thread's is.
    auto other = Workspace::open(session.path());
    QVERIFY(other);
    QVERIFY((*other)->unlock(*session.vaultKey()));
    QVERIFY((*other)->certificateKey(session.snapshot().certificates[1].id));
    const auto &snapshot = session.snapshot();
    QCOMPARE(snapshot.takenAt, kNow);
    QCOMPARE(snapshot.certificates.size(), 3);
    QCOMPARE(snapshot.dcs.size(), 5);
    QCOMPARE(snapshot.policies.size(), 2);
    const auto *edge = &snapshot.certificates[1];
    QCOMPARE(edge->name, u"edge.demo.test"_qs);
    QVERIFY(edge->delegation);
    QVERIFY(edge->hasKey);
    QCOMPARE(snapshot.certificate(edge->id), edge);
    QCOMPARE(snapshot.dcsOf(edge->id).size(), 3);
    QCOMPARE(snapshot.dcsOf(snapshot.certificates[0].id).size(), 0); // the CA
    // One of edge's DCs expired two days ago; the newest has almost a week left.
    int expired = 0;
    for (const DcRecord *dc : snapshot.dcsOf(edge->id))
        expired += dc->expiresAt <= kNow ? 1 : 0;
    QCOMPARE(expired, 1);
    QVERIFY(session.workspace()->integrityCheck());
}

void WorkspaceSessionTest::demoStatuses_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<RotationStatus>("status");
    QTest::addColumn<QString>("reason");
    QTest::newRow("edge: a DC with days left")
        << u"edge.demo.test"_qs << RotationStatus::Ok << QString();
    QTest::newRow("api: its DCs within the renew-before")
        << u"api.demo.test"_qs << RotationStatus::Due << u"within the 12 h renew-before"_qs;
}

void WorkspaceSessionTest::demoStatuses()
{
    QFETCH(QString, certificate);
    QFETCH(RotationStatus, status);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    const FixedClock clock(kNow);
    WorkspaceSession session(clock);
    QVERIFY(session.create(dir.filePath(u"demo.baton"_qs), kPassphrase, true, kFastWork));
    const auto &snapshot = session.snapshot();
    const CertificateSummary *summary = certificateNamed(snapshot, certificate);
    const PolicyPlan *policy = summary ? snapshot.policyFor(summary->id) : nullptr;
    QVERIFY(policy);
    QCOMPARE(policy->plan.status, status);
    QVERIFY2(policy->plan.reason.contains(reason), qPrintable(policy->plan.reason));
}

void WorkspaceSessionTest::reopenLockedThenUnlock()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"demo.baton"_qs);
    const FixedClock clock(kNow);
    {
        WorkspaceSession first(clock);
        QVERIFY(first.create(path, kPassphrase, true, kFastWork));
    }
    WorkspaceSession session(clock);
    QSignalSpy opened(&session, &WorkspaceSession::workspaceChanged);
    QVERIFY(session.open(path));
    QCOMPARE(opened.count(), 1);
    QVERIFY(!session.isUnlocked());
    QCOMPARE(session.snapshot().certificates.size(), 3); // reading needs no passphrase
    QCOMPARE(session.unlock("nope").errorMessage(), QLatin1String(kWrongPassphrase));
    QVERIFY(!session.isUnlocked());
    QVERIFY(session.unlock(kPassphrase));
    QVERIFY(session.isUnlocked());
    session.close();
    QVERIFY(!session.isOpen());
    QCOMPARE(session.snapshot().certificates.size(), 0);
    QCOMPARE(opened.count(), 2);
}

void WorkspaceSessionTest::backgroundUnlockUpgradesALegacyVault_data()
{
    QTest::addColumn<QByteArray>("passphrase");
    QTest::addColumn<QString>("error");
    QTest::newRow("right") << kPassphrase << QString();
    QTest::newRow("wrong") << QByteArray("not it") << QString::fromLatin1(kWrongPassphrase);
}

void WorkspaceSessionTest::backgroundUnlockUpgradesALegacyVault()
{
    QFETCH(QByteArray, passphrase);
    QFETCH(QString, error);
    // A workspace of before schema 6 at the default cost: its upgrade is a scrypt run for the
    // verifier and one per key, about 0.6 s each, which must not freeze the window.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"legacy.baton"_qs);
    makeLegacyWorkspace(path, kPassphrase, kNow, kVaultScrypt);
    const TestIdentity identity = makeIdentity();
    addLegacyKey(path, identity.key.get(), kPassphrase, kVaultScrypt);
    {
        auto workspace = Workspace::open(path);
        QVERIFY(workspace);
        QVERIFY((*workspace)
                    ->importObjects(importData(identity.certificatePem, u"identity.pem"_qs).objects,
                                    kNow));
    }
    const FixedClock clock(kNow);
    WorkspaceSession session(clock);
    QVERIFY(session.open(path));
    QObject context;
    std::optional<Status> result;
    QElapsedTimer elapsed;
    elapsed.start();
    session.unlockInBackground(passphrase, &context,
                               [&result](const Status &status) { result = status; });
    QVERIFY2(elapsed.elapsed() < 1000, qPrintable(QString::number(elapsed.elapsed())));
    QVERIFY(!result);
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 60000);
    QCOMPARE(result->errorMessage(), error);
    QCOMPARE(session.isUnlocked(), error.isEmpty());
    QCOMPARE(rawValue(path, u"PRAGMA user_version"_qs).toInt(),
             error.isEmpty() ? kWorkspaceSchemaVersion : kLegacyVaultSchema);
    if (!error.isEmpty())
        return;
    auto key = session.workspace()->certificateKey(session.snapshot().certificates.first().id);
    QVERIFY2(key, qPrintable(key.errorMessage()));
    QVERIFY(samePublicKey(key->get(), identity.key.get()));
}

void WorkspaceSessionTest::openRefusesWhatIsNotAWorkspace()
{
    QTemporaryDir dir;
    const FixedClock clock(kNow);
    WorkspaceSession session(clock);
    const Status opened = session.open(dir.filePath(u"missing.baton"_qs));
    QVERIFY(!opened);
    QVERIFY(opened.errorMessage().startsWith(u"no workspace at"_qs));
    QVERIFY(!session.isOpen());
}

void WorkspaceSessionTest::summaryPlansMatchParsedCertificates_data()
{
    QTest::addColumn<qint64>("laterSeconds");
    QTest::newRow("now (one due, one ok)") << qint64(0);
    QTest::newRow("a day later") << qint64(24 * 3600);
    QTest::newRow("six days later") << qint64(6 * 24 * 3600);
    QTest::newRow("after the certificates expire") << qint64(400 * 24 * 3600);
}

// The snapshot plans from the certificates' summary columns (nothing is parsed); the same
// planner fed from each certificate parsed again must reach the same verdicts, or the columns
// kept at import say something the certificates do not.
void WorkspaceSessionTest::summaryPlansMatchParsedCertificates()
{
    QFETCH(qint64, laterSeconds);
    QTemporaryDir dir;
    const FixedClock creation(kNow);
    WorkspaceSession demo(creation);
    QVERIFY(demo.create(dir.filePath(u"demo.baton"_qs), kPassphrase, true, kFastWork));
    const FixedClock later(kNow.addSecs(laterSeconds));
    WorkspaceSession session(later);
    QVERIFY(session.open(demo.path()));
    const QList<PolicyPlan> &plans = session.snapshot().policies;
    QCOMPARE(plans.size(), 2);
    for (const PolicyPlan &plan : plans) {
        auto record = session.workspace()->certificate(plan.certificateId);
        QVERIFY(record);
        const Certificate &certificate = record->certificate;
        const auto dcs = session.workspace()->dcs(plan.certificateId);
        QVERIFY(dcs);
        QList<PlannedDc> planned;
        for (const DcRecord &dc : *dcs) {
            if (!dc.superseded && dc.hasKey)
                planned.append({dc.role, dc.issuedAt, dc.expiresAt});
        }
        const RotationPlan parsed =
            planRotation(plan.policy.policy,
                         {.notBefore = certificate.notBefore(),
                          .notAfter = certificate.notAfter(),
                          .delegationUsage = certificate.delegationUsage().present(),
                          .keyAvailable = record->hasKey},
                         planned, later.now());
        QCOMPARE(plan.certificateName, certificate.displayName());
        QCOMPARE(plan.plan.status, parsed.status);
        QCOMPARE(plan.plan.reason, parsed.reason);
        QCOMPARE(plan.plan.currentExpiry, parsed.currentExpiry);
        QCOMPARE(plan.plan.nextRotation, parsed.nextRotation);
        QCOMPARE(plan.plan.headroomSeconds, parsed.headroomSeconds);
        QCOMPARE(plan.targets.size(), session.workspace()->targets(plan.policy.id)->size());
    }
}

// The minute's refresh reads on a pool thread: the caller returns at once, the new snapshot
// arrives later, one overtaken by a reload is dropped, and a failed read changes nothing.
void WorkspaceSessionTest::backgroundReload()
{
    const DemoSession demo;
    const QString path = demo.path();
    const FixedClock later(kNow.addSecs(60));
    WorkspaceSession session(later);
    QVERIFY(session.open(path));
    QCOMPARE(session.snapshot().certificates.size(), 3);
    QSignalSpy changed(&session, &WorkspaceSession::snapshotChanged);
    QSignalSpy failed(&session, &WorkspaceSession::reloadFailed);
    const auto finishBackgroundWork = [] {
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents(); // the watcher's delivery
    };

    // Another process (a timer's batonctl, say) adds a certificate.
    const auto addCertificate = [&path] {
        auto other = Workspace::open(path);
        return other && (*other)->importObjects(
                            importData(makeIdentity().certificatePem, u"new.pem"_qs).objects, kNow);
    };
    QVERIFY(addCertificate());
    session.reloadInBackground();
    QCOMPARE(changed.count(), 0); // not read on the caller's thread
    QTRY_COMPARE(changed.count(), 1);
    QCOMPARE(session.snapshot().certificates.size(), 4);
    QCOMPARE(session.snapshot().takenAt, later.now());

    // A reload after a change overtakes the background read started before it.
    session.reloadInBackground();
    QVERIFY(addCertificate());
    QVERIFY(session.reload());
    QCOMPARE(changed.count(), 2);
    finishBackgroundWork();
    QCOMPARE(changed.count(), 2);
    QCOMPARE(session.snapshot().certificates.size(), 5);

    // A read that fails says why and leaves the snapshot alone.
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(path + QLatin1String(suffix));
    session.reloadInBackground();
    QTRY_COMPARE(failed.count(), 1);
    QVERIFY2(failed.first().first().toString().contains(u"no workspace at"_qs),
             qPrintable(failed.first().first().toString()));
    QCOMPARE(changed.count(), 2);
    QCOMPARE(session.snapshot().certificates.size(), 5);
}

QTEST_MAIN(WorkspaceSessionTest)
#include "tst_workspace_session.moc"
