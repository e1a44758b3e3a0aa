// The desktop app's hold on a workspace: opening, creating (the demo one included), unlocking,
// and the snapshot every view renders.

#include "TestPki.h"
#include "session/WorkspaceSession.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace baton;
using namespace baton::test;
using baton::ui::WorkspaceSession;

namespace {
const QDateTime kNow = utc(2026, 6, 1, 12);
const QByteArray kPassphrase = "demo passphrase";
constexpr ScryptParameters kFastWork{1 << 10, 8, 1};
} // namespace

class WorkspaceSessionTest : public QObject
{
    Q_OBJECT

private slots:
    void demoWorkspace();
    void demoStatuses_data();
    void demoStatuses();
    void reopenLockedThenUnlock();
    void openRefusesWhatIsNotAWorkspace();
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
    QCOMPARE(session.checkedPassphrase()->passphrase(), kPassphrase);
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
    const PolicyStatus *policy = nullptr;
    for (const auto &summary : snapshot.certificates) {
        if (summary.name == certificate)
            policy = snapshot.policyFor(summary.id);
    }
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

QTEST_MAIN(WorkspaceSessionTest)
#include "tst_workspace_session.moc"
