// The rotation dashboard: the model of the demo workspace's policies, and rotations run from
// its buttons off the UI thread: finished, cancelled mid-run, and after asking for the
// passphrase of a locked workspace.

#include "DemoSession.h"
#include "TestPki.h"
#include "dashboard/RotationDashboard.h"
#include "dashboard/RotationDashboardModel.h"
#include "dashboard/StatusColors.h"
#include "dashboard/TargetsDialog.h"
#include "dialogs/PassphraseDialog.h"
#include "dialogs/PolicyDialog.h"
#include "session/WorkspaceSession.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QToolButton>

using namespace baton;
using namespace baton::test;
using namespace baton::ui;

namespace {

const QDateTime kNow = kDemoNow;
const QByteArray kPassphrase = kDemoPassphrase;

/// A demo workspace at kNow, unlocked.
struct Demo : DemoSession
{
    const PolicyPlan &policyOf(const QString &certificate) const
    {
        for (const PolicyPlan &policy : session.snapshot().policies) {
            if (policy.certificateName == certificate)
                return policy;
        }
        qFatal("no policy for %s", qPrintable(certificate));
    }

    /// A baton-profile target for the policy, in a fresh directory of the temporary one.
    void addTarget(const QString &certificate, DcRole role)
    {
        const auto added = session.workspace()->addTarget(
            {.policyId = policyOf(certificate).policy.id,
             .profile = u"baton"_qs,
             .directory = dir.filePath(certificate + u'-' + dcRoleName(role)),
             .role = role},
            kNow);
        if (!added || !session.reload())
            qFatal("cannot add a target: %s", qPrintable(added.errorMessage()));
    }
};

QToolButton *button(const RotationDashboard &dashboard, const char *name)
{
    auto *found = dashboard.findChild<QToolButton *>(QLatin1String(name));
    if (!found)
        qFatal("no button %s", name);
    return found;
}

/// Clicks the row of a certificate's policy in the dashboard's table.
void clickRow(RotationDashboard &dashboard, const QString &certificate)
{
    QTableView *view = dashboard.view();
    for (int row = 0; row < view->model()->rowCount(); ++row) {
        const QModelIndex index =
            view->model()->index(row, RotationDashboardModel::CertificateColumn);
        if (index.data().toString() == certificate) {
            QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                              view->visualRect(index).center());
            return;
        }
    }
    qFatal("no row for %s", qPrintable(certificate));
}

int dcCount(const WorkspaceSession &session, const QString &certificate)
{
    const CertificateSummary *summary = certificateNamed(session.snapshot(), certificate);
    return summary ? int(session.snapshot().dcsOf(summary->id).size()) : 0;
}

} // namespace

class RotationDashboardTest : public QObject
{
    Q_OBJECT

private slots:
    void modelRows_data();
    void modelRows();
    void lastResultAfterExport();
    void rotateAllDueRunsOffTheGuiThread();
    void cancelMidRun_data();
    void cancelMidRun();
    void lockedSessionAsksForThePassphrase();
    void rotationLockHeldElsewhere();
    void editPolicyAndTargetsOpenTheirDialogs();
    void columnWidthsSurviveARefresh();
};

void RotationDashboardTest::modelRows_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<RotationStatus>("status");
    QTest::addColumn<QString>("statusText");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("currentExpiry");
    QTest::addColumn<QString>("nextRotation");
    QTest::addColumn<QString>("headroom");
    // edge: its newest DC (issued 2 h ago for 6 d) has 5 d 22 h left; rotate acts 12 h before.
    QTest::newRow("edge: ok") << u"edge.demo.test"_qs << RotationStatus::Ok << u"OK"_qs
                              << u"Nothing to do until 2026-06-06 22:00:00 UTC (in 5 d 10 h)"_qs
                              << u"2026-06-07 10:00:00 UTC (in 5 d 22 h)"_qs
                              << u"2026-06-06 22:00:00 UTC (in 5 d 10 h)"_qs << u"12 h"_qs;
    // api: its server DC ends in 4 h, inside the 12 h renew-before: due now.
    QTest::newRow("api: due") << u"api.demo.test"_qs << RotationStatus::Due << u"Due"_qs
                              << u"within the 12 h renew-before"_qs
                              << u"2026-06-01 16:00:00 UTC (in 4 h)"_qs
                              << u"2026-06-01 12:00:00 UTC (now)"_qs << u"4 h"_qs;
}

void RotationDashboardTest::modelRows()
{
    QFETCH(QString, certificate);
    QFETCH(RotationStatus, status);
    QFETCH(QString, statusText);
    QFETCH(QString, reason);
    QFETCH(QString, currentExpiry);
    QFETCH(QString, nextRotation);
    QFETCH(QString, headroom);
    Demo demo;
    RotationDashboardModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSnapshot(demo.session.snapshot());
    QCOMPARE(model.rowCount(), 2);
    const PolicyPlan &policy = demo.policyOf(certificate);
    const int row = model.rowOfPolicy(policy.policy.id);
    QVERIFY(row >= 0);
    const auto cell = [&](int column, int role = Qt::DisplayRole) {
        return model.index(row, column).data(role);
    };
    using M = RotationDashboardModel;
    QCOMPARE(cell(M::CertificateColumn).toString(), certificate);
    QCOMPARE(cell(M::StatusColumn).toString(), statusText);
    QCOMPARE(cell(M::StatusColumn, M::StatusRole).toInt(), int(status));
    const QString tip = cell(M::StatusColumn, Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(reason), qPrintable(tip));
    if (!policy.plan.reason.isEmpty())
        QCOMPARE(tip, policy.plan.reason);
    QCOMPARE(cell(M::StatusColumn, Qt::ForegroundRole).value<QColor>(),
             rotationStatusColor(status, QGuiApplication::palette()));
    QVERIFY(!cell(M::StatusColumn, Qt::DecorationRole).value<QIcon>().isNull());
    QCOMPARE(cell(M::CurrentExpiryColumn).toString(), currentExpiry);
    QCOMPARE(cell(M::NextRotationColumn).toString(), nextRotation);
    QCOMPARE(cell(M::HeadroomColumn).toString(), headroom);
    QCOMPARE(cell(M::LastResultColumn).toString(), u"no targets"_qs);
    QCOMPARE(cell(M::TargetsColumn).toInt(), 0);
    QCOMPARE(cell(M::CertificateColumn, M::PolicyIdRole).toLongLong(), policy.policy.id);
    QCOMPARE(cell(M::CertificateColumn, M::CertificateIdRole).toLongLong(), policy.certificateId);
    // A reload replaces the rows without upsetting the tester.
    QVERIFY(demo.session.reload());
    model.setSnapshot(demo.session.snapshot());
    QCOMPARE(model.rowCount(), 2);
}

void RotationDashboardTest::lastResultAfterExport()
{
    Demo demo;
    demo.addTarget(u"api.demo.test"_qs, DcRole::Server);
    RotationDashboard dashboard(demo.session);
    QAbstractItemModelTester tester(dashboard.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    const qint64 apiPolicy = demo.policyOf(u"api.demo.test"_qs).policy.id;
    const auto cell = [&](int column) {
        return dashboard.model()
            ->index(dashboard.model()->rowOfPolicy(apiPolicy), column)
            .data()
            .toString();
    };
    QCOMPARE(cell(RotationDashboardModel::LastResultColumn), u"not exported yet"_qs);
    QCOMPARE(cell(RotationDashboardModel::TargetsColumn), u"1"_qs);
    QSignalSpy finished(&dashboard, &RotationDashboard::rotationFinished);
    dashboard.rotateAllDue();
    QVERIFY(finished.wait(20000));
    const QString lastResult = cell(RotationDashboardModel::LastResultColumn);
    QVERIFY2(lastResult.startsWith(u"exported DC "_qs) && lastResult.contains(u"gen-"_qs) &&
                 lastResult.endsWith(u" now"_qs),
             qPrintable(lastResult));
}

void RotationDashboardTest::rotateAllDueRunsOffTheGuiThread()
{
    Demo demo;
    RotationDashboard dashboard(demo.session);
    QAbstractItemModelTester tester(dashboard.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    dashboard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    QThread *rotationThread = nullptr;
    QStringList steps;
    dashboard.worker()->setStepHook([&](const QString &step) {
        rotationThread = QThread::currentThread();
        steps << step;
    });
    QSignalSpy finished(&dashboard, &RotationDashboard::rotationFinished);
    QToolButton *rotateAll = button(dashboard, "rotateAllDueButton");
    QVERIFY(rotateAll->isEnabled());
    QTest::mouseClick(rotateAll, Qt::LeftButton);
    // The run is on its way: every action waits for it, the Cancel button offers itself.
    QVERIFY(dashboard.isRotating());
    QVERIFY(!rotateAll->isEnabled());
    QVERIFY(!button(dashboard, "rotateNowButton")->isEnabled());
    QVERIFY(!button(dashboard, "editPolicyButton")->isEnabled());
    QVERIFY(dashboard.cancelButton()->isVisible());
    QVERIFY(dashboard.cancelButton()->isEnabled());
    QVERIFY(dashboard.progressBar()->isVisible());
    QCOMPARE(dashboard.progressBar()->maximum(), 2); // api's server and client DCs

    QVERIFY(finished.wait(20000));
    QVERIFY(rotationThread);
    QVERIFY(rotationThread != QApplication::instance()->thread());
    QCOMPARE(steps, (QStringList{u"issue a server DC for api.demo.test"_qs,
                                 u"issue a client DC for api.demo.test"_qs}));
    const auto summary = finished.first().first().value<RotationSummary>();
    QVERIFY2(summary.ok(), qPrintable(summary.headline()));
    QCOMPARE(summary.issued, 2);
    QCOMPARE(dashboard.statusLabel()->text(), u"Rotation finished: issued 2 DCs"_qs);
    QVERIFY(!dashboard.isRotating());
    QVERIFY(rotateAll->isEnabled());
    QVERIFY(!dashboard.cancelButton()->isVisible());
    QVERIFY(!dashboard.progressBar()->isVisible());

    // The session was reloaded: api is fine again, with fresh DCs issued at the fixed clock.
    const PolicyPlan &api = demo.policyOf(u"api.demo.test"_qs);
    QCOMPARE(api.plan.status, RotationStatus::Ok);
    QCOMPARE(dcCount(demo.session, u"api.demo.test"_qs), 4);
    const DcRecord &newest = demo.session.snapshot().dcs.last();
    QCOMPARE(newest.certificateId, api.certificateId);
    QCOMPARE(newest.issuedAt, kNow);
    QCOMPARE(newest.expiresAt, kNow.addDays(1));
    const QModelIndex status = dashboard.model()->index(
        dashboard.model()->rowOfPolicy(api.policy.id), RotationDashboardModel::StatusColumn);
    QCOMPARE(status.data().toString(), u"OK"_qs);
}

void RotationDashboardTest::cancelMidRun_data()
{
    QTest::addColumn<int>("cancelAt");
    QTest::addColumn<QString>("step");
    QTest::addColumn<int>("apiDcs");
    QTest::newRow("before the server DC") << 1 << u"issue a server DC for api.demo.test"_qs << 2;
    QTest::newRow("before the client DC") << 2 << u"issue a client DC for api.demo.test"_qs << 3;
}

void RotationDashboardTest::cancelMidRun()
{
    QFETCH(int, cancelAt);
    QFETCH(QString, step);
    QFETCH(int, apiDcs);
    Demo demo;
    RotationDashboard dashboard(demo.session);
    dashboard.show();
    // The run waits at step `cancelAt` until the test has pressed Cancel: no race.
    QSemaphore reached;
    QSemaphore release;
    int steps = 0;
    dashboard.worker()->setStepHook([&](const QString &) {
        if (++steps == cancelAt) {
            reached.release();
            (void)release.tryAcquire(1, 20000);
        }
    });
    QSignalSpy finished(&dashboard, &RotationDashboard::rotationFinished);
    QTest::mouseClick(button(dashboard, "rotateAllDueButton"), Qt::LeftButton);
    QTRY_COMPARE(reached.available(), 1);
    QTRY_COMPARE(dashboard.statusLabel()->text(), u"Step %1: %2"_qs.arg(cancelAt).arg(step));
    QCOMPARE(dashboard.progressBar()->value(), cancelAt - 1);
    for (const char *name :
         {"rotateAllDueButton", "rotateNowButton", "editPolicyButton", "targetsButton"})
        QVERIFY2(!button(dashboard, name)->isEnabled(), name);

    QTest::mouseClick(dashboard.cancelButton(), Qt::LeftButton);
    QVERIFY(dashboard.worker()->isCancelling());
    QVERIFY(!dashboard.cancelButton()->isEnabled());
    QCOMPARE(dashboard.statusLabel()->text(), u"Cancelling…"_qs);
    release.release();
    QVERIFY(finished.wait(20000));
    const auto summary = finished.first().first().value<RotationSummary>();
    QVERIFY(summary.cancelled);
    QVERIFY(!summary.ok());
    QVERIFY2(dashboard.statusLabel()->text().startsWith(u"Rotation cancelled"_qs),
             qPrintable(dashboard.statusLabel()->text()));
    QCOMPARE(dcCount(demo.session, u"api.demo.test"_qs), apiDcs);
    QCOMPARE(demo.policyOf(u"api.demo.test"_qs).plan.status, RotationStatus::Due);
    QVERIFY(button(dashboard, "rotateAllDueButton")->isEnabled());
    QVERIFY(!dashboard.cancelButton()->isVisible());
}

void RotationDashboardTest::lockedSessionAsksForThePassphrase()
{
    Demo demo;
    WorkspaceSession locked(demo.clock);
    QVERIFY(locked.open(demo.path()));
    QVERIFY(!locked.isUnlocked());
    RotationDashboard dashboard(locked);
    dashboard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    QToolButton *rotateNow = button(dashboard, "rotateNowButton");
    QVERIFY(!rotateNow->isEnabled()); // nothing selected
    clickRow(dashboard, u"api.demo.test"_qs);
    QCOMPARE(dashboard.selectedPolicyId(), demo.policyOf(u"api.demo.test"_qs).policy.id);
    QVERIFY(rotateNow->isEnabled());
    QSignalSpy finished(&dashboard, &RotationDashboard::rotationFinished);
    QTest::mouseClick(rotateNow, Qt::LeftButton);

    QPointer<PassphraseDialog> dialog = dashboard.findChild<PassphraseDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QVERIFY(!dashboard.isRotating());
    QLineEdit *edit = dialog->passphraseEdit();
    QCOMPARE(edit->echoMode(), QLineEdit::Password);
    QCOMPARE(edit->accessibleName(), u"Passphrase"_qs);
    auto *unlock = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QTest::keyClicks(edit, u"not the passphrase"_qs);
    QTest::mouseClick(unlock, Qt::LeftButton);
    // The check (scrypt) runs off the UI thread; meanwhile the dialog waits and says so.
    QVERIFY(dialog->isChecking());
    QVERIFY(!unlock->isEnabled());
    QCOMPARE(unlock->text(), u"Checking…"_qs);
    QTRY_VERIFY(!dialog->isChecking());
    QVERIFY(unlock->isEnabled());
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->errorLabel()->isVisible());
    QCOMPARE(dialog->errorLabel()->text(), u"Wrong passphrase"_qs);
    QVERIFY(!locked.isUnlocked());
    QVERIFY(!dashboard.isRotating());

    // The typed text is selected after the error, so typing replaces it.
    QTest::keyClicks(edit, QString::fromLatin1(kPassphrase));
    QTest::keyClick(edit, Qt::Key_Return);
    QTRY_VERIFY(!dialog || !dialog->isVisible());
    QVERIFY(locked.isUnlocked());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
    const auto summary = finished.first().first().value<RotationSummary>();
    QVERIFY2(summary.ok(), qPrintable(summary.headline()));
    QCOMPARE(summary.policies.size(), 1); // "Rotate now" touched the selected policy only
    QCOMPARE(summary.policies.first().certificate, u"api.demo.test"_qs);
    QVERIFY(locked.reload());
    for (const PolicyPlan &policy : locked.snapshot().policies)
        QCOMPARE(policy.plan.status, RotationStatus::Ok);
    // The selection survives the reload.
    QCOMPARE(dashboard.selectedPolicyId(), demo.policyOf(u"api.demo.test"_qs).policy.id);
}

void RotationDashboardTest::rotationLockHeldElsewhere()
{
    Demo demo;
    // As if `batonctl rotate` were running: the worker waits briefly, then gives up, changing
    // nothing.
    auto held = RotationLock::acquire(demo.path(), std::chrono::milliseconds(0));
    QVERIFY(held);
    RotationWorker worker;
    QSignalSpy finished(&worker, &RotationWorker::finished);
    QVERIFY(worker.start({.workspacePath = demo.path(),
                          .vaultKey = demo.session.vaultKey(),
                          .now = kNow,
                          .policyIds = {},
                          .lockTimeout = std::chrono::milliseconds(100)}));
    QVERIFY(!worker.start({.workspacePath = demo.path()})); // one run at a time
    QVERIFY(finished.wait(20000));
    const auto summary = finished.first().first().value<RotationSummary>();
    QVERIFY(!summary.ok());
    QVERIFY2(summary.error.startsWith(u"another rotation of this workspace is still running"_qs),
             qPrintable(summary.error));
    QVERIFY(summary.headline().startsWith(u"Rotation failed: another rotation"_qs));
    QVERIFY(demo.session.reload());
    QCOMPARE(demo.session.snapshot().dcs.size(), 5);
}

void RotationDashboardTest::editPolicyAndTargetsOpenTheirDialogs()
{
    Demo demo;
    RotationDashboard dashboard(demo.session);
    dashboard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    QVERIFY(!button(dashboard, "editPolicyButton")->isEnabled());
    QVERIFY(dashboard.selectCertificate(demo.policyOf(u"edge.demo.test"_qs).certificateId));

    QTest::mouseClick(button(dashboard, "editPolicyButton"), Qt::LeftButton);
    QPointer<PolicyDialog> policy = dashboard.findChild<PolicyDialog *>();
    QVERIFY(policy);
    QTRY_VERIFY(policy->isVisible());
    QCOMPARE(policy->lifetimeEdit()->text(), u"1d"_qs);
    QCOMPARE(policy->renewBeforeEdit()->text(), u"12h"_qs);
    policy->reject();
    QTRY_VERIFY(!policy);

    QTest::mouseClick(button(dashboard, "targetsButton"), Qt::LeftButton);
    QPointer<TargetsDialog> targets = dashboard.findChild<TargetsDialog *>();
    QVERIFY(targets);
    QTRY_VERIFY(targets->isVisible());
    QCOMPARE(targets->windowTitle(), u"Export Targets of edge.demo.test"_qs);
    QCOMPARE(targets->targetsTable()->rowCount(), 0);
    targets->reject();
}

// Columns fit their contents when a workspace opens; a width the user drags stays through the
// minute's refreshes, and the next workspace is fitted again.
void RotationDashboardTest::columnWidthsSurviveARefresh()
{
    Demo demo;
    RotationDashboard dashboard(demo.session);
    dashboard.resize(1000, 400);
    dashboard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    QHeaderView *header = dashboard.view()->horizontalHeader();
    const int certificate = RotationDashboardModel::CertificateColumn;
    const int fitted = header->sectionSize(certificate);
    // QTableView hides the override; through the base class it is public.
    const QAbstractItemView *view = dashboard.view();
    QCOMPARE(fitted, view->sizeHintForColumn(certificate));
    const int dragged = fitted + 123;
    header->resizeSection(certificate, dragged);

    QVERIFY(demo.session.reload());
    QCOMPARE(header->sectionSize(certificate), dragged);

    const QString path = demo.path();
    demo.session.close();
    QVERIFY(demo.session.open(path));
    QCOMPARE(header->sectionSize(certificate), fitted);
}

QTEST_MAIN(RotationDashboardTest)
#include "tst_rotation_dashboard.moc"
