// baton-ui-bench: whether the desktop app stays smooth with a large workspace.
//
// Builds a synthetic workspace snapshot in memory (no database): 10,000 certificates, each with
// 10 DCs of a rotation history (100,000 DCs) and a rotation policy. Then, one function per
// measurement:
//   timeline load     setSnapshot: lanes built, DCs sorted and indexed
//   timeline repaint  the widget rendered at 1400x900 into an image, 50 times per zoom level
//                     (a day, a week, a month) and at the top and the middle of the lanes
// Each prints the median and the worst time; repaints also whether they stay under 16 ms (one
// frame at 60 Hz). Figures only: nothing here fails on timings.
//
//   baton-ui-bench [--runs N]   (N repaints per row, default 50)
//
// Runs on Qt's offscreen platform unless QT_QPA_PLATFORM says otherwise.

#include "TestPki.h"
#include "session/WorkspaceSnapshot.h"
#include "timeline/TimelineWidget.h"

#include <QApplication>
#include <QImage>
#include <QScrollBar>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>

using namespace baton;
using namespace baton::test;
using namespace baton::ui;

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kCertificates = 10'000;
constexpr int kDcsPerCertificate = 10;
constexpr double kFrameBudgetMs = 16.0;
const QSize kWindowSize(1400, 900);

struct Figures
{
    double medianMs = 0;
    double maxMs = 0;
};

/// Runs `work` `runs` times; the median and the worst run, in milliseconds.
Figures timeRuns(int runs, const std::function<void()> &work)
{
    work(); // warm caches, glyphs and lazy initialisation
    std::vector<double> times;
    times.reserve(size_t(runs));
    for (int i = 0; i < runs; ++i) {
        const auto start = SteadyClock::now();
        work();
        times.push_back(
            std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    const size_t middle = times.size() / 2;
    const double median =
        times.size() % 2 == 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2;
    return {median, times.back()};
}

void printFigures(const char *what, const QString &detail, Figures figures, bool frameBudget)
{
    std::printf("%-18s %-34s median %8.2f ms   max %8.2f ms", what, qPrintable(detail),
                figures.medianMs, figures.maxMs);
    if (frameBudget)
        std::printf("   under %.0f ms: %s", kFrameBudgetMs,
                    figures.maxMs < kFrameBudgetMs      ? "yes"
                    : figures.medianMs < kFrameBudgetMs ? "median only"
                                                        : "NO");
    std::printf("\n");
    std::fflush(stdout);
}

/// 10,000 certificates valid for 90 days around `now`, each with a history of 10 DCs rotated
/// at half their lifetime (so consecutive DCs overlap, as rotate leaves them), lifetimes of
/// 12 h, 1 d or 3 d, a client DC in every fourth certificate's history, and a policy whose next
/// rotation is half a lifetime before the newest DC expires.
WorkspaceSnapshot syntheticSnapshot(const QDateTime &now)
{
    WorkspaceSnapshot snapshot;
    snapshot.takenAt = now;
    snapshot.certificates.reserve(kCertificates + 1);
    snapshot.dcs.reserve(qsizetype(kCertificates) * kDcsPerCertificate);
    snapshot.policies.reserve(kCertificates);

    CertificateSummary ca;
    ca.id = 1;
    ca.name = QStringLiteral("Synthetic CA");
    ca.ca = true;
    ca.notBefore = now.addYears(-1);
    ca.notAfter = now.addYears(4);
    snapshot.certificates.append(ca);

    // Plans carry the full certificate record; the timeline reads only its id, so one real
    // certificate stands in for all of them.
    const TestIdentity identity = makeIdentity();
    constexpr qint64 lifetimes[] = {12 * 3600, 24 * 3600, 72 * 3600};
    qint64 dcId = 1;
    for (int i = 0; i < kCertificates; ++i) {
        CertificateSummary certificate;
        certificate.id = i + 2;
        certificate.name =
            QStringLiteral("service-%1.bench.example").arg(i, 5, 10, QLatin1Char('0'));
        certificate.delegation = true;
        certificate.hasKey = true;
        certificate.notBefore = now.addDays(-30 - i % 30);
        certificate.notAfter = certificate.notBefore.addDays(90);
        snapshot.certificates.append(certificate);

        const qint64 lifetime = lifetimes[i % 3];
        // Spread the rotations over the day, so lanes differ.
        const QDateTime newest = now.addSecs(-(i % 48) * 1800);
        QDateTime latestExpiry;
        for (int j = 0; j < kDcsPerCertificate; ++j) {
            DcRecord dc;
            dc.id = dcId++;
            dc.certificateId = certificate.id;
            dc.role = i % 4 == 0 && j % 2 == 1 ? DcRole::Client : DcRole::Server;
            dc.hasKey = true;
            dc.issuedAt = newest.addSecs(-(kDcsPerCertificate - 1 - j) * lifetime / 2);
            dc.expiresAt = dc.issuedAt.addSecs(lifetime);
            latestExpiry = dc.expiresAt;
            snapshot.dcs.append(dc);
        }

        PolicyStatus policy{
            .policy = {},
            .certificate = {.id = certificate.id, .certificate = identity.certificate},
            .plan = {},
            .targets = {}};
        policy.policy.id = i + 1;
        policy.policy.certificateId = certificate.id;
        policy.policy.policy.lifetimeSeconds = lifetime;
        policy.policy.policy.renewBeforeSeconds = lifetime / 2;
        policy.plan.currentExpiry = latestExpiry;
        policy.plan.nextRotation = std::max(now, latestExpiry.addSecs(-lifetime / 2));
        policy.plan.status =
            policy.plan.nextRotation <= now ? RotationStatus::Due : RotationStatus::Ok;
        snapshot.policies.append(policy);
    }
    snapshot.index();
    return snapshot;
}

void measureTimelineLoad(const WorkspaceSnapshot &snapshot, const QDateTime &now)
{
    TimelineWidget timeline;
    timeline.setNow(now);
    const Figures figures = timeRuns(5, [&] { timeline.setSnapshot(snapshot); });
    printFigures("timeline load",
                 QStringLiteral("%1 certificates, %2 DCs")
                     .arg(snapshot.certificates.size())
                     .arg(snapshot.dcs.size()),
                 figures, false);
}

void measureTimelineRepaint(const WorkspaceSnapshot &snapshot, const QDateTime &now, int runs)
{
    TimelineWidget timeline;
    timeline.resize(kWindowSize);
    timeline.setNow(now);
    timeline.setSnapshot(snapshot);
    timeline.show();
    QCoreApplication::processEvents();
    QImage image(timeline.size(), QImage::Format_ARGB32_Premultiplied);

    struct Zoom
    {
        const char *name;
        qint64 days;
        qint64 hours;
    };
    const Zoom zooms[] = {{"a day", 0, 24}, {"a week", 7, 0}, {"a month", 30, 0}};
    for (const bool middle : {false, true}) {
        timeline.verticalScrollBar()->setValue(middle ? timeline.verticalScrollBar()->maximum() / 2
                                                      : 0);
        for (const Zoom &zoom : zooms) {
            const qint64 span = (zoom.days * 24 + zoom.hours) * 3600;
            // Mostly the past, where the histories are.
            timeline.setVisibleRange(now.addSecs(-span * 3 / 4), now.addSecs(span / 4));
            const Figures figures = timeRuns(runs, [&] { timeline.render(&image); });
            printFigures("timeline repaint",
                         QStringLiteral("%1x%2, %3, %4 lanes")
                             .arg(kWindowSize.width())
                             .arg(kWindowSize.height())
                             .arg(QLatin1String(zoom.name),
                                  middle ? QStringLiteral("middle") : QStringLiteral("top")),
                         figures, true);
        }
    }
}

} // namespace

int main(int argc, char *argv[])
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    int runs = 50;
    const QStringList arguments = QCoreApplication::arguments();
    if (const qsizetype i = arguments.indexOf(u"--runs"_qs); i >= 0 && i + 1 < arguments.size())
        runs = std::max(1, arguments[i + 1].toInt());

    const QDateTime now = utc(2026, 6, 1, 12);
    const WorkspaceSnapshot snapshot = syntheticSnapshot(now);
    std::printf("Baton %s, Qt %s, platform %s; %d runs per row\n", BATON_VERSION, qVersion(),
                qPrintable(QGuiApplication::platformName()), runs);
    std::printf("Synthetic workspace: %lld certificates, %lld DCs, %lld policies\n\n",
                qint64(snapshot.certificates.size()), qint64(snapshot.dcs.size()),
                qint64(snapshot.policies.size()));

    measureTimelineLoad(snapshot, now);
    measureTimelineRepaint(snapshot, now, runs);
    return 0;
}
