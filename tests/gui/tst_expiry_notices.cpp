// What the desktop app tells an operator about (in the tray and the status bar) when the time
// alone changes a workspace: a policy becoming due, a certificate left without a valid DC.

#include "TestPki.h"
#include "notify/ExpiryNotices.h"

#include <QTest>

using namespace baton;
using namespace baton::test;
using namespace baton::ui;

Q_DECLARE_METATYPE(baton::RotationStatus)

namespace {

const QDateTime kBefore = utc(2026, 6, 1, 12);
const QDateTime kAfter = kBefore.addSecs(60);
constexpr qint64 kEdge = 2;
constexpr qint64 kApi = 3;

struct Dc
{
    qint64 certificateId;
    DcRole role;
    QDateTime expiresAt;
    bool superseded = false;
};

/// Two certificates, edge and api; `edgeStatus` the edge policy's status at the snapshot.
WorkspaceSnapshot snapshot(const QString &path, const QDateTime &takenAt, RotationStatus edgeStatus,
                           const QList<Dc> &dcs)
{
    WorkspaceSnapshot snapshot;
    snapshot.path = path;
    snapshot.takenAt = takenAt;
    for (const auto &[id, name] :
         {std::pair{kEdge, u"edge.test"_qs}, std::pair{kApi, u"api.test"_qs}}) {
        CertificateSummary certificate;
        certificate.id = id;
        certificate.name = name;
        snapshot.certificates.append(certificate);
    }
    qint64 dcId = 0;
    for (const Dc &dc : dcs) {
        DcRecord record;
        record.id = ++dcId;
        record.certificateId = dc.certificateId;
        record.role = dc.role;
        record.issuedAt = dc.expiresAt.addDays(-1);
        record.expiresAt = dc.expiresAt;
        record.superseded = dc.superseded;
        snapshot.dcs.append(record);
    }
    PolicyPlan policy{.policy = {}, .certificateId = kEdge};
    policy.policy.id = 1;
    policy.policy.certificateId = kEdge;
    policy.plan.status = edgeStatus;
    policy.plan.currentExpiry = kAfter.addSecs(3600);
    snapshot.policies.append(policy);
    snapshot.index();
    return snapshot;
}

} // namespace

class ExpiryNoticesTest : public QObject
{
    Q_OBJECT

private slots:
    void notices_data();
    void notices();
};

void ExpiryNoticesTest::notices_data()
{
    QTest::addColumn<QString>("beforePath");
    QTest::addColumn<QDateTime>("afterTime");
    QTest::addColumn<RotationStatus>("statusBefore");
    QTest::addColumn<RotationStatus>("statusAfter");
    QTest::addColumn<QList<Dc>>("dcs");
    /// "due <certificate>" / "expired <certificate> <role>", in order.
    QTest::addColumn<QStringList>("expected");

    const QString path = u"/w/a.baton"_qs;
    const QDateTime inBetween = kBefore.addSecs(30);
    const QDateTime later = kAfter.addDays(1);
    using S = RotationStatus;
    QTest::newRow("nothing changed")
        << path << kAfter << S::Ok << S::Ok << QList<Dc>{} << QStringList{};
    QTest::newRow("first snapshot: already due is not news")
        << QString() << kAfter << S::Due << S::Due << QList<Dc>{} << QStringList{};
    QTest::newRow("another workspace")
        << u"/w/b.baton"_qs << kAfter << S::Ok << S::Due << QList<Dc>{} << QStringList{};
    QTest::newRow("time stood still")
        << path << kBefore << S::Ok << S::Due << QList<Dc>{} << QStringList{};
    QTest::newRow("ok to due") << path << kAfter << S::Ok << S::Due << QList<Dc>{}
                               << QStringList{u"due edge.test"_qs};
    QTest::newRow("cert-expiring to due") << path << kAfter << S::CertExpiring << S::Due
                                          << QList<Dc>{} << QStringList{u"due edge.test"_qs};
    QTest::newRow("still due") << path << kAfter << S::Due << S::Due << QList<Dc>{}
                               << QStringList{};
    QTest::newRow("due to expired is told by the DC")
        << path << kAfter << S::Due << S::Expired << QList<Dc>{{kEdge, DcRole::Server, inBetween}}
        << QStringList{u"expired edge.test server"_qs};
    QTest::newRow("expired with a newer DC valid: rotation working")
        << path << kAfter << S::Ok << S::Ok
        << QList<Dc>{{kEdge, DcRole::Server, inBetween}, {kEdge, DcRole::Server, later}}
        << QStringList{};
    QTest::newRow("a valid DC of the other role does not cover")
        << path << kAfter << S::Ok << S::Ok
        << QList<Dc>{{kApi, DcRole::Server, inBetween}, {kApi, DcRole::Client, later}}
        << QStringList{u"expired api.test server"_qs};
    QTest::newRow("two DCs of one role at once: told once")
        << path << kAfter << S::Ok << S::Ok
        << QList<Dc>{{kApi, DcRole::Client, inBetween}, {kApi, DcRole::Client, kAfter}}
        << QStringList{u"expired api.test client"_qs};
    QTest::newRow("expired before the last look: told then")
        << path << kAfter << S::Ok << S::Ok << QList<Dc>{{kApi, DcRole::Server, kBefore}}
        << QStringList{};
    QTest::newRow("superseded DCs are history")
        << path << kAfter << S::Ok << S::Ok << QList<Dc>{{kApi, DcRole::Server, inBetween, true}}
        << QStringList{};
    QTest::newRow("due and expired together")
        << path << kAfter << S::Ok << S::Due << QList<Dc>{{kApi, DcRole::Server, inBetween}}
        << QStringList{u"due edge.test"_qs, u"expired api.test server"_qs};
}

void ExpiryNoticesTest::notices()
{
    QFETCH(QString, beforePath);
    QFETCH(QDateTime, afterTime);
    QFETCH(RotationStatus, statusBefore);
    QFETCH(RotationStatus, statusAfter);
    QFETCH(QList<Dc>, dcs);
    QFETCH(QStringList, expected);

    const WorkspaceSnapshot before = snapshot(beforePath, kBefore, statusBefore, dcs);
    const WorkspaceSnapshot after = snapshot(u"/w/a.baton"_qs, afterTime, statusAfter, dcs);
    QStringList got;
    for (const ExpiryNotice &notice : expiryNotices(before, after)) {
        const QString name = notice.certificateId == kEdge ? u"edge.test"_qs : u"api.test"_qs;
        if (notice.kind == ExpiryNotice::Kind::Due) {
            got << u"due "_qs + name;
            QCOMPARE(notice.title, u"DC due for rotation"_qs);
            QVERIFY2(notice.message.startsWith(name + u": its DC expires 2026-06-01 13:01"_qs),
                     qPrintable(notice.message));
            QVERIFY2(notice.message.contains(u"Rotate now"_qs), qPrintable(notice.message));
        } else {
            const QString role =
                notice.message.contains(u"its client DC"_qs) ? u"client"_qs : u"server"_qs;
            got << u"expired %1 %2"_qs.arg(name, role);
            QCOMPARE(notice.title, u"DC expired"_qs);
            QVERIFY2(notice.message.contains(u"no valid one is left"_qs),
                     qPrintable(notice.message));
        }
    }
    QCOMPARE(got, expected);
}

QTEST_GUILESS_MAIN(ExpiryNoticesTest)
#include "tst_expiry_notices.moc"
