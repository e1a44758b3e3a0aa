// Unit tests for rotation/RotationPlanner: what rotate does and when, one second either side
// of every threshold.

#include "TestPki.h"
#include "common/TimeFormat.h"
#include "rotation/RotationPlanner.h"

#include <QTest>

using namespace baton;
using baton::test::utc;

Q_DECLARE_METATYPE(baton::DcRoles)
Q_DECLARE_METATYPE(baton::PlannedCertificate)
Q_DECLARE_METATYPE(baton::PlannedDc)
Q_DECLARE_METATYPE(baton::RolePlan)
Q_DECLARE_METATYPE(baton::RotationPolicy)
Q_DECLARE_METATYPE(baton::RotationStatus)

namespace {

constexpr qint64 kMinute = 60;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;
const QDateTime kNow = utc(2026, 12, 1, 12);
const QDateTime kNever; // an invalid instant: "none" in a plan

QDateTime in(qint64 seconds)
{
    return kNow.addSecs(seconds);
}

// Valid all year round kNow, with DelegationUsage and its key in the vault.
PlannedCertificate certificate(const QDateTime &notAfter = utc(2027, 1, 1),
                               const QDateTime &notBefore = utc(2026, 1, 1))
{
    return {notBefore, notAfter, true, true};
}

// A DC of `role` expiring `expiresIn` seconds after kNow, issued a full day before that.
PlannedDc dc(DcRole role, qint64 expiresIn)
{
    return {role, in(expiresIn - kDay), in(expiresIn)};
}

PlannedDc server(qint64 expiresIn)
{
    return dc(DcRole::Server, expiresIn);
}

PlannedDc client(qint64 expiresIn)
{
    return dc(DcRole::Client, expiresIn);
}

RotationPolicy policy(qint64 lifetime, qint64 renewBefore, DcRoles roles = DcRoles::Server)
{
    RotationPolicy result;
    result.lifetimeSeconds = lifetime;
    result.renewBeforeSeconds = renewBefore;
    result.roles = roles;
    return result;
}

// Every part must appear in the reason; no parts means the reason must be empty.
bool reasonMatches(const QString &reason, const QStringList &parts)
{
    if (parts.isEmpty())
        return reason.isEmpty();
    for (const QString &part : parts) {
        if (!reason.contains(part))
            return false;
    }
    return true;
}

} // namespace

class RotationPlannerTest : public QObject
{
    Q_OBJECT

private slots:
    void validatePolicy_data();
    void validatePolicy();
    void statusNames_data();
    void statusNames();
    void plan_data();
    void plan();
    void roles_data();
    void roles();
};

void RotationPlannerTest::validatePolicy_data()
{
    QTest::addColumn<qint64>("lifetime");
    QTest::addColumn<qint64>("renewBefore");
    QTest::addColumn<QString>("algorithm");
    QTest::addColumn<QStringList>("errorParts"); // empty: valid

    const QString p256 = QStringLiteral("ecdsa-p256");
    const qint64 longest = 7 * kDay - kHour;
    QTest::newRow("defaults") << kDay << 12 * kHour << p256 << QStringList();
    QTest::newRow("shortest: 2 s, renew 1 s before")
        << qint64(2) << qint64(1) << p256 << QStringList();
    QTest::newRow("lifetime 6 d 23 h") << longest << 12 * kHour << p256 << QStringList();
    QTest::newRow("lifetime 1 s over 6 d 23 h")
        << longest + 1 << 12 * kHour << p256
        << QStringList{u"the lifetime of 6 d 23 h is longer than 6 d 23 h"_qs,
                       u"RFC 9345 allows at most 7 d"_qs, u"1 h of headroom"_qs};
    QTest::newRow("lifetime 7 d") << 7 * kDay << 12 * kHour << p256
                                  << QStringList{u"the lifetime of 7 d is longer than 6 d 23 h"_qs};
    QTest::newRow("lifetime 0") << qint64(0) << qint64(0) << p256
                                << QStringList{u"the lifetime must be positive, not 0 s"_qs};
    QTest::newRow("lifetime negative")
        << -kHour << 12 * kHour << p256
        << QStringList{u"the lifetime must be positive, not -3600 s"_qs};
    QTest::newRow("renew-before 0")
        << kDay << qint64(0) << p256
        << QStringList{u"the renew-before must be positive, not 0 s"_qs, u"without one"_qs};
    QTest::newRow("renew-before negative")
        << kDay << qint64(-1) << p256
        << QStringList{u"the renew-before must be positive, not -1 s"_qs};
    QTest::newRow("renew-before 1 s short of the lifetime")
        << kDay << kDay - 1 << p256 << QStringList();
    QTest::newRow("renew-before equal to the lifetime")
        << kDay << kDay << p256
        << QStringList{u"the renew-before of 1 d is not shorter than the 1 d lifetime"_qs,
                       u"due the moment it is issued"_qs};
    QTest::newRow("renew-before longer than the lifetime")
        << kHour << 2 * kHour << p256
        << QStringList{u"the renew-before of 2 h is not shorter than the 1 h lifetime"_qs};
    QTest::newRow("lifetime 1 s: no renew-before fits")
        << qint64(1) << qint64(1) << p256
        << QStringList{u"the renew-before of 1 s is not shorter than the 1 s lifetime"_qs};
    QTest::newRow("ed25519") << kDay << 12 * kHour << u"ed25519"_qs << QStringList();
    QTest::newRow("rsa-pss-2048") << kDay << 12 * kHour << u"rsa-pss-2048"_qs << QStringList();
    QTest::newRow("rsa-2048 is no DC key")
        << kDay << 12 * kHour << u"rsa-2048"_qs
        << QStringList{u"the DC algorithm 'rsa-2048' is not a DC key"_qs, u"ecdsa-p256"_qs};
    QTest::newRow("empty algorithm")
        << kDay << 12 * kHour << QString() << QStringList{u"the DC algorithm '' is not"_qs};
    // Fields are checked in order, so the message is about the first one to fix.
    QTest::newRow("everything wrong: lifetime first")
        << qint64(0) << qint64(-1) << u"nonsense"_qs
        << QStringList{u"the lifetime must be positive"_qs};
    QTest::newRow("renew-before and algorithm wrong: renew-before first")
        << kDay << kDay << u"nonsense"_qs << QStringList{u"the renew-before of 1 d"_qs};
}

void RotationPlannerTest::validatePolicy()
{
    QFETCH(qint64, lifetime);
    QFETCH(qint64, renewBefore);
    QFETCH(QString, algorithm);
    QFETCH(QStringList, errorParts);

    RotationPolicy candidate = policy(lifetime, renewBefore);
    candidate.dcAlgorithm = algorithm;
    const Status status = validateRotationPolicy(candidate);
    QCOMPARE(status.ok(), errorParts.isEmpty());
    QVERIFY2(reasonMatches(status.errorMessage(), errorParts), qPrintable(status.errorMessage()));
}

void RotationPlannerTest::statusNames_data()
{
    QTest::addColumn<RotationStatus>("status");
    QTest::addColumn<QString>("name");

    QTest::newRow("ok") << RotationStatus::Ok << u"ok"_qs;
    QTest::newRow("due") << RotationStatus::Due << u"due"_qs;
    QTest::newRow("expired") << RotationStatus::Expired << u"expired"_qs;
    QTest::newRow("blocked") << RotationStatus::Blocked << u"blocked"_qs;
    QTest::newRow("cert-expiring") << RotationStatus::CertExpiring << u"cert-expiring"_qs;
}

void RotationPlannerTest::statusNames()
{
    QFETCH(RotationStatus, status);
    QFETCH(QString, name);

    QCOMPARE(rotationStatusName(status), name);
}

void RotationPlannerTest::plan_data()
{
    QTest::addColumn<RotationPolicy>("policy");
    QTest::addColumn<PlannedCertificate>("certificate");
    QTest::addColumn<QList<PlannedDc>>("dcs");
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<RotationStatus>("status");
    QTest::addColumn<QDateTime>("currentExpiry");
    QTest::addColumn<QDateTime>("nextRotation");
    QTest::addColumn<qint64>("headroom");
    QTest::addColumn<qint64>("nextLifetime");
    QTest::addColumn<QStringList>("reasonParts"); // empty: no reason

    using S = RotationStatus;
    using Dcs = QList<PlannedDc>;
    const RotationPolicy day = policy(kDay, 12 * kHour);
    const PlannedCertificate valid = certificate();

    // The renew-before threshold: 12 h before expiry.
    QTest::newRow("ok: fresh DC") << day << valid << Dcs{server(23 * kHour)} << kNow << S::Ok
                                  << in(23 * kHour) << in(11 * kHour) << 12 * kHour << kDay
                                  << QStringList();
    QTest::newRow("ok: 1 s before due")
        << day << valid << Dcs{server(12 * kHour + 1)} << kNow << S::Ok << in(12 * kHour + 1)
        << in(1) << 12 * kHour << kDay << QStringList();
    QTest::newRow("due: exactly renew-before left")
        << day << valid << Dcs{server(12 * kHour)} << kNow << S::Due << in(12 * kHour) << kNow
        << 12 * kHour << kDay
        << QStringList{u"the server DC expires in 12 h (2026-12-02 00:00:00 UTC)"_qs,
                       u"within the 12 h renew-before"_qs};
    QTest::newRow("due: 1 s past due")
        << day << valid << Dcs{server(12 * kHour - 1)} << kNow << S::Due << in(12 * kHour - 1)
        << kNow << 12 * kHour - 1 << kDay
        << QStringList{u"the server DC expires in 11 h 59 min (2026-12-01 23:59:59 UTC)"_qs};

    // The expiry: a DC counts up to, not including, its last second.
    QTest::newRow("due: 1 s before expiry")
        << day << valid << Dcs{server(1)} << kNow << S::Due << in(1) << kNow << qint64(1) << kDay
        << QStringList{u"the server DC expires in 1 s"_qs};
    QTest::newRow("expired: at expiry")
        << day << valid << Dcs{server(0)} << kNow << S::Expired << kNever << kNow << qint64(0)
        << kDay << QStringList{u"the server DC expired at 2026-12-01 12:00:00 UTC (now)"_qs};
    QTest::newRow("expired: 1 s after expiry")
        << day << valid << Dcs{server(-1)} << kNow << S::Expired << kNever << kNow << qint64(0)
        << kDay << QStringList{u"the server DC expired at 2026-12-01 11:59:59 UTC (1 s ago)"_qs};
    QTest::newRow("expired: names the last DC to expire")
        << day << valid << Dcs{server(-3 * kHour), server(-kHour), server(-2 * kHour)} << kNow
        << S::Expired << kNever << kNow << qint64(0) << kDay
        << QStringList{u"expired at 2026-12-01 11:00:00 UTC (1 h ago)"_qs};
    QTest::newRow("expired: no DC")
        << day << valid << Dcs{} << kNow << S::Expired << kNever << kNow << qint64(0) << kDay
        << QStringList{u"there is no valid server DC"_qs};
    QTest::newRow("expired: only a client DC")
        << day << valid << Dcs{client(23 * kHour)} << kNow << S::Expired << kNever << kNow
        << qint64(0) << kDay << QStringList{u"there is no valid server DC"_qs};

    // The issue time: a DC counts from its first second.
    QTest::newRow("ok: issued this second")
        << day << valid << Dcs{{DcRole::Server, kNow, in(kDay)}} << kNow << S::Ok << in(kDay)
        << in(12 * kHour) << 12 * kHour << kDay << QStringList();
    QTest::newRow("expired: issued 1 s from now")
        << day << valid << Dcs{{DcRole::Server, in(1), in(kDay + 1)}} << kNow << S::Expired
        << kNever << kNow << qint64(0) << kDay << QStringList{u"there is no valid server DC"_qs};

    QTest::newRow("ok: overlapping DCs count the latest")
        << day << valid << Dcs{server(2 * kHour), server(23 * kHour)} << kNow << S::Ok
        << in(23 * kHour) << in(11 * kHour) << 12 * kHour << kDay << QStringList();
    QTest::newRow("due: now's milliseconds are dropped")
        << day << valid << Dcs{server(12 * kHour)} << kNow.addMSecs(999) << S::Due << in(12 * kHour)
        << kNow << 12 * kHour << kDay << QStringList{u"the server DC expires in 12 h"_qs};
    QTest::newRow("ok: 1 h policy, 1 s before due")
        << policy(kHour, 10 * kMinute) << valid << Dcs{server(10 * kMinute + 1)} << kNow << S::Ok
        << in(10 * kMinute + 1) << in(1) << 10 * kMinute << kHour << QStringList();
    QTest::newRow("due: 1 h policy, exactly renew-before left")
        << policy(kHour, 10 * kMinute) << valid << Dcs{server(10 * kMinute)} << kNow << S::Due
        << in(10 * kMinute) << kNow << 10 * kMinute << kHour
        << QStringList{u"expires in 10 min"_qs, u"within the 10 min renew-before"_qs};

    // Blocked: each reason, the DCs still served reported, nothing scheduled.
    QTest::newRow("blocked: certificate valid 1 s from now")
        << day << certificate(utc(2027, 1, 1), in(1)) << Dcs{} << kNow << S::Blocked << kNever
        << kNever << qint64(0) << qint64(0)
        << QStringList{u"the certificate is not valid yet"_qs,
                       u"notBefore 2026-12-01 12:00:01 UTC, in 1 s"_qs};
    QTest::newRow("expired: certificate valid from this second")
        << day << certificate(utc(2027, 1, 1), kNow) << Dcs{} << kNow << S::Expired << kNever
        << kNow << qint64(0) << kDay << QStringList{u"there is no valid server DC"_qs};
    QTest::newRow("blocked: certificate expired this second")
        << day << certificate(kNow) << Dcs{} << kNow << S::Blocked << kNever << kNever << qint64(0)
        << qint64(0)
        << QStringList{u"the certificate expired now (notAfter 2026-12-01 12:00:00 UTC)"_qs,
                       u"renew it"_qs};
    QTest::newRow("blocked: certificate expired 1 s ago")
        << day << certificate(in(-1)) << Dcs{} << kNow << S::Blocked << kNever << kNever
        << qint64(0) << qint64(0) << QStringList{u"the certificate expired 1 s ago"_qs};
    PlannedCertificate noDelegation = valid;
    noDelegation.delegationUsage = false;
    QTest::newRow("blocked: no DelegationUsage, DC still served")
        << day << noDelegation << Dcs{server(23 * kHour)} << kNow << S::Blocked << in(23 * kHour)
        << kNever << qint64(0) << qint64(0)
        << QStringList{u"lacks the DelegationUsage extension"_qs};
    PlannedCertificate noKey = valid;
    noKey.keyAvailable = false;
    QTest::newRow("blocked: key not in the vault, due DC still served")
        << day << noKey << Dcs{server(kHour)} << kNow << S::Blocked << in(kHour) << kNever
        << qint64(0) << qint64(0) << QStringList{u"private key is not in the vault"_qs};
    QTest::newRow("blocked: invalid policy")
        << policy(0, 0) << valid << Dcs{server(23 * kHour)} << kNow << S::Blocked << in(23 * kHour)
        << kNever << qint64(0) << qint64(0)
        << QStringList{u"the rotation policy is invalid: the lifetime must be positive"_qs};

    // The certificate's end: blocked within renew-before of it, shortened DCs before that.
    QTest::newRow("blocked: certificate ends 1 s within renew-before")
        << day << certificate(in(12 * kHour - 1)) << Dcs{server(11 * kHour)} << kNow << S::Blocked
        << in(11 * kHour) << kNever << qint64(0) << qint64(0)
        << QStringList{u"the certificate expires in 11 h 59 min"_qs,
                       u"within the 12 h renew-before"_qs, u"renew the certificate"_qs};
    QTest::newRow("blocked: certificate ends exactly renew-before from now")
        << day << certificate(in(12 * kHour)) << Dcs{server(11 * kHour)} << kNow << S::Blocked
        << in(11 * kHour) << kNever << qint64(0) << qint64(0)
        << QStringList{u"the certificate expires in 12 h (notAfter 2026-12-02 00:00:00 UTC)"_qs,
                       u"a DC issued now would be due at once"_qs};
    QTest::newRow("cert-expiring: certificate ends 1 s after renew-before")
        << day << certificate(in(12 * kHour + 1)) << Dcs{server(12 * kHour + 1)} << kNow
        << S::CertExpiring << in(12 * kHour + 1) << in(1) << 12 * kHour << 12 * kHour + 1
        << QStringList{u"a DC issued now would last only 12 h, 11 h 59 min short of the 1 d "
                       "lifetime"_qs};
    QTest::newRow("expired: certificate ends 1 s after renew-before")
        << day << certificate(in(12 * kHour + 1)) << Dcs{} << kNow << S::Expired << kNever << kNow
        << qint64(0) << 12 * kHour + 1
        << QStringList{u"there is no valid server DC; a DC issued now would last only 12 h"_qs};
    QTest::newRow("cert-expiring: DCs 4 h short")
        << day << certificate(in(20 * kHour)) << Dcs{server(18 * kHour)} << kNow << S::CertExpiring
        << in(18 * kHour) << in(6 * kHour) << 12 * kHour << 20 * kHour
        << QStringList{u"a DC issued now would last only 20 h, 4 h short of the 1 d lifetime, "
                       "because the certificate expires in 20 h (2026-12-02 08:00:00 UTC); "
                       "renew the certificate"_qs};
    QTest::newRow("cert-expiring: DCs 1 s short")
        << day << certificate(in(kDay - 1)) << Dcs{server(23 * kHour)} << kNow << S::CertExpiring
        << in(23 * kHour) << in(11 * kHour) << 12 * kHour << kDay - 1
        << QStringList{u"1 s short of the 1 d lifetime"_qs};
    QTest::newRow("ok: certificate ends exactly when a DC issued now would")
        << day << certificate(in(kDay)) << Dcs{server(23 * kHour)} << kNow << S::Ok
        << in(23 * kHour) << in(11 * kHour) << 12 * kHour << kDay << QStringList();
    QTest::newRow("due: and DCs 4 h short")
        << day << certificate(in(20 * kHour)) << Dcs{server(5 * kHour)} << kNow << S::Due
        << in(5 * kHour) << kNow << 5 * kHour << 20 * kHour
        << QStringList{u"the server DC expires in 5 h"_qs,
                       u"; a DC issued now would last only 20 h, 4 h short"_qs};
}

void RotationPlannerTest::plan()
{
    QFETCH(RotationPolicy, policy);
    QFETCH(PlannedCertificate, certificate);
    QFETCH(QList<PlannedDc>, dcs);
    QFETCH(QDateTime, now);
    QFETCH(RotationStatus, status);
    QFETCH(QDateTime, currentExpiry);
    QFETCH(QDateTime, nextRotation);
    QFETCH(qint64, headroom);
    QFETCH(qint64, nextLifetime);
    QFETCH(QStringList, reasonParts);

    const RotationPlan plan = planRotation(policy, certificate, dcs, now);
    QCOMPARE(rotationStatusName(plan.status), rotationStatusName(status));
    QVERIFY2(reasonMatches(plan.reason, reasonParts), qPrintable(plan.reason));
    QCOMPARE(plan.currentExpiry, currentExpiry);
    QCOMPARE(plan.nextRotation, nextRotation);
    QCOMPARE(plan.headroomSeconds, headroom);
    QCOMPARE(plan.nextLifetimeSeconds, nextLifetime);
    QCOMPARE(plan.needsIssue(), status == RotationStatus::Due || status == RotationStatus::Expired);
    // Handed out in whole seconds, in UTC, whatever the input.
    for (const QDateTime &instant : {plan.currentExpiry, plan.nextRotation}) {
        if (instant.isValid()) {
            QCOMPARE(instant.time().msec(), 0);
            QCOMPARE(instant.offsetFromUtc(), 0);
        }
    }
    // With one role, the role's plan is the policy's.
    QCOMPARE(plan.roles.size(), 1);
    QCOMPARE(plan.roles[0].role, DcRole::Server);
    QCOMPARE(plan.roles[0].currentExpiry, plan.currentExpiry);
    QCOMPARE(plan.roles[0].nextRotation, plan.nextRotation);
}

void RotationPlannerTest::roles_data()
{
    QTest::addColumn<DcRoles>("required");
    QTest::addColumn<PlannedCertificate>("certificate");
    QTest::addColumn<QList<PlannedDc>>("dcs");
    QTest::addColumn<RotationStatus>("status");
    QTest::addColumn<QDateTime>("currentExpiry");
    QTest::addColumn<QDateTime>("nextRotation");
    QTest::addColumn<qint64>("headroom");
    QTest::addColumn<QList<RolePlan>>("roles");
    QTest::addColumn<QStringList>("reasonParts");

    using S = RotationStatus;
    using Dcs = QList<PlannedDc>;
    const PlannedCertificate valid = certificate();
    const DcRole srv = DcRole::Server;
    const DcRole cli = DcRole::Client;

    QTest::newRow("client: fresh")
        << DcRoles::Client << valid << Dcs{client(20 * kHour), server(kHour)} << S::Ok
        << in(20 * kHour) << in(8 * kHour) << 12 * kHour
        << QList<RolePlan>{{cli, S::Ok, in(20 * kHour), in(8 * kHour)}} << QStringList();
    QTest::newRow("client: only a server DC")
        << DcRoles::Client << valid << Dcs{server(20 * kHour)} << S::Expired << kNever << kNow
        << qint64(0) << QList<RolePlan>{{cli, S::Expired, kNever, kNow}}
        << QStringList{u"there is no valid client DC"_qs};
    QTest::newRow("both: fresh") << DcRoles::Both << valid
                                 << Dcs{client(20 * kHour), server(23 * kHour)} << S::Ok
                                 << in(20 * kHour) << in(8 * kHour) << 12 * kHour
                                 << QList<RolePlan>{{srv, S::Ok, in(23 * kHour), in(11 * kHour)},
                                                    {cli, S::Ok, in(20 * kHour), in(8 * kHour)}}
                                 << QStringList();
    QTest::newRow("both: client due")
        << DcRoles::Both << valid << Dcs{server(23 * kHour), client(5 * kHour)} << S::Due
        << in(5 * kHour) << kNow << 5 * kHour
        << QList<RolePlan>{{srv, S::Ok, in(23 * kHour), in(11 * kHour)},
                           {cli, S::Due, in(5 * kHour), kNow}}
        << QStringList{u"the client DC expires in 5 h (2026-12-01 17:00:00 UTC), within the "
                       "12 h renew-before"_qs};
    QTest::newRow("both: client missing")
        << DcRoles::Both << valid << Dcs{server(23 * kHour)} << S::Expired << in(23 * kHour) << kNow
        << qint64(0)
        << QList<RolePlan>{{srv, S::Ok, in(23 * kHour), in(11 * kHour)},
                           {cli, S::Expired, kNever, kNow}}
        << QStringList{u"there is no valid client DC"_qs};
    QTest::newRow("both: server expired, client due")
        << DcRoles::Both << valid << Dcs{server(-kHour), client(5 * kHour)} << S::Expired
        << in(5 * kHour) << kNow << qint64(0)
        << QList<RolePlan>{{srv, S::Expired, kNever, kNow}, {cli, S::Due, in(5 * kHour), kNow}}
        << QStringList{u"the server DC expired at 2026-12-01 11:00:00 UTC (1 h ago); the client "
                       "DC expires in 5 h"_qs};
    QTest::newRow("both: none")
        << DcRoles::Both << valid << Dcs{} << S::Expired << kNever << kNow << qint64(0)
        << QList<RolePlan>{{srv, S::Expired, kNever, kNow}, {cli, S::Expired, kNever, kNow}}
        << QStringList{u"there is no valid server DC; there is no valid client DC"_qs};
    PlannedCertificate noKey = valid;
    noKey.keyAvailable = false;
    QTest::newRow("both: blocked, roles still told apart")
        << DcRoles::Both << noKey << Dcs{server(23 * kHour), client(5 * kHour)} << S::Blocked
        << in(5 * kHour) << kNever << qint64(0)
        << QList<RolePlan>{{srv, S::Ok, in(23 * kHour), kNever},
                           {cli, S::Due, in(5 * kHour), kNever}}
        << QStringList{u"private key is not in the vault"_qs};
}

void RotationPlannerTest::roles()
{
    QFETCH(DcRoles, required);
    QFETCH(PlannedCertificate, certificate);
    QFETCH(QList<PlannedDc>, dcs);
    QFETCH(RotationStatus, status);
    QFETCH(QDateTime, currentExpiry);
    QFETCH(QDateTime, nextRotation);
    QFETCH(qint64, headroom);
    QFETCH(QList<RolePlan>, roles);
    QFETCH(QStringList, reasonParts);

    const RotationPlan plan =
        planRotation(policy(kDay, 12 * kHour, required), certificate, dcs, kNow);
    QCOMPARE(rotationStatusName(plan.status), rotationStatusName(status));
    QVERIFY2(reasonMatches(plan.reason, reasonParts), qPrintable(plan.reason));
    QCOMPARE(plan.currentExpiry, currentExpiry);
    QCOMPARE(plan.nextRotation, nextRotation);
    QCOMPARE(plan.headroomSeconds, headroom);
    QCOMPARE(plan.roles.size(), roles.size());
    for (qsizetype i = 0; i < roles.size(); ++i) {
        const RolePlan &actual = plan.roles[i];
        const RolePlan &expected = roles[i];
        QCOMPARE(dcRoleName(actual.role), dcRoleName(expected.role));
        QCOMPARE(rotationStatusName(actual.status), rotationStatusName(expected.status));
        QCOMPARE(actual.currentExpiry, expected.currentExpiry);
        QCOMPARE(actual.nextRotation, expected.nextRotation);
    }
}

QTEST_GUILESS_MAIN(RotationPlannerTest)
#include "tst_rotation_planner.moc"
