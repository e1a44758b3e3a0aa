// baton-ui-bench: whether the desktop app stays smooth with a large workspace.
//
// Builds a synthetic workspace snapshot in memory (no database): 10,000 certificates, each with
// 10 DCs of a rotation history (100,000 DCs) and a rotation policy. Then, one function per
// measurement:
//   timeline load     setSnapshot: lanes built, DCs sorted and indexed
//   timeline repaint  the widget rendered at 1400x900 into an image, 50 times per zoom level
//                     (a day, a week, a month) and at the top and the middle of the lanes
// Then the same workspace as a real file, made through the Workspace API (the certificates'
// keys are not in its vault and all its DCs share one key, so there is no per-key scrypt run;
// it still takes minutes, see --workspace):
//   window open       MainWindow constructed on a WorkspaceSession, the file opened, the window
//                     shown and painted; broken down into those steps, and the snapshot read
//                     into its parts (measured apart, on connections of their own)
//   minute refresh    the timer's reload: the read on a pool thread, and the views following
//                     the new snapshot, the only part the UI thread waits for
// Each prints the median and the worst time; repaints also whether they stay under 16 ms (one
// frame at 60 Hz), the window whether it opens in under a second. Figures only: nothing here
// fails on timings.
//
//   baton-ui-bench [--runs N] [--workspace PATH]
//     --runs N          repaints per row (default 50)
//     --workspace PATH  the workspace file for the window figures: reused when it exists,
//                       generated there (and kept) otherwise; a temporary one by default
//
// Runs on Qt's offscreen platform unless QT_QPA_PLATFORM says otherwise.

#include "BuildType.h"
#include "TestPki.h"
#include "dc/DcIssuer.h"
#include "import/Importer.h"
#include "main/MainWindow.h"
#include "pki/DevPki.h"
#include "session/WorkspaceSession.h"
#include "session/WorkspaceSnapshot.h"
#include "store/Workspace.h"
#include "timeline/TimelineWidget.h"

#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QScrollBar>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QWindow>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>

using namespace baton;
using namespace baton::test;
using namespace baton::ui;

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kCertificates = 10'000;
constexpr int kDcsPerCertificate = 10;
constexpr double kFrameBudgetMs = 16.0;
constexpr double kOpenBudgetMs = 1000.0;
constexpr int kOpenRuns = 5;
const QSize kWindowSize(1400, 900);

struct Figures
{
    double medianMs = 0;
    double maxMs = 0;
};

double msSince(SteadyClock::time_point start)
{
    return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

Figures summarize(std::vector<double> times)
{
    std::sort(times.begin(), times.end());
    const size_t middle = times.size() / 2;
    const double median =
        times.size() % 2 == 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2;
    return {median, times.back()};
}

/// Runs `work` `runs` times; the median and the worst run, in milliseconds.
Figures timeRuns(int runs, const std::function<void()> &work)
{
    work(); // warm caches, glyphs and lazy initialisation
    std::vector<double> times;
    times.reserve(size_t(runs));
    for (int i = 0; i < runs; ++i) {
        const auto start = SteadyClock::now();
        work();
        times.push_back(msSince(start));
    }
    return summarize(std::move(times));
}

/// `budgetMs`: print whether the figures stay under it.
void printFigures(const char *what, const QString &detail, Figures figures,
                  std::optional<double> budgetMs = std::nullopt)
{
    std::printf("%-18s %-34s median %8.2f ms   max %8.2f ms", what, qPrintable(detail),
                figures.medianMs, figures.maxMs);
    if (budgetMs)
        std::printf("   under %s: %s",
                    qPrintable(*budgetMs >= 1000 ? u"%1 s"_qs.arg(*budgetMs / 1000)
                                                 : u"%1 ms"_qs.arg(*budgetMs)),
                    figures.maxMs < *budgetMs      ? "yes"
                    : figures.medianMs < *budgetMs ? "median only"
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

        PolicyPlan policy{.policy = {}, .certificateId = certificate.id};
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
                 figures);
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
                         figures, kFrameBudgetMs);
        }
    }
}

void printPhase(const char *what, SteadyClock::time_point start)
{
    std::printf("  %-32s %8.1f s\n", what, msSince(start) / 1000);
    std::fflush(stdout);
}

/// The synthetic snapshot's workspace as a file, made through the Workspace API: a CA and
/// kCertificates leaves that can delegate (imported without their keys), the same DC histories
/// (each DC really issued and stored), and the same policies. All DCs share one key, so the
/// vault seals one key, not 100,000.
Status generateWorkspace(const QString &path, const QDateTime &now)
{
    auto created = Workspace::create(path, "bench passphrase", now, kFastWork);
    if (!created)
        return created.error();
    Workspace &workspace = **created;
    // A fixture, thrown away when its generation stops half-way: its 110,000 transactions need
    // not each wait for the disk (minutes of fsync otherwise). Only this connection is affected.
    for (const QString &name : QSqlDatabase::connectionNames()) {
        QSqlDatabase database = QSqlDatabase::database(name, false);
        if (database.databaseName() == path)
            QSqlQuery(database).exec(u"PRAGMA synchronous = OFF"_qs);
    }

    auto start = SteadyClock::now();
    auto ca = createDevCa({.commonName = u"Bench CA"_qs, .now = now.addYears(-1)});
    if (!ca)
        return ca.error();
    const auto certificateObject = [](const Certificate &certificate) {
        ImportedObject object;
        object.kind = ImportedKind::Certificate;
        object.location = u"bench"_qs;
        object.summary = u"certificate %1"_qs.arg(certificate.displayName());
        object.certificate = certificate;
        return object;
    };
    QList<ImportedObject> objects{certificateObject(ca->certificate)};
    std::vector<CertificateAndKey> leaves;
    leaves.reserve(kCertificates);
    for (int i = 0; i < kCertificates; ++i) {
        auto leaf = issueDevLeaf(
            ca->certificate, ca->key.get(),
            {.dnsNames = {u"service-%1.bench.example"_qs.arg(i, 5, 10, QLatin1Char('0'))},
             .ipAddresses = {},
             .days = 90,
             .client = i % 4 == 0,
             .now = now.addDays(-30 - i % 30)});
        if (!leaf)
            return leaf.error();
        objects.append(certificateObject(leaf->issued.certificate));
        leaves.push_back(std::move(leaf->issued));
    }
    printPhase("certificates issued", start);

    start = SteadyClock::now();
    auto imported = workspace.importObjects(objects, now.addDays(-60));
    if (!imported)
        return imported.error();
    auto summaries = workspace.certificateSummaries();
    if (!summaries)
        return summaries.error();
    QHash<QString, qint64> ids;
    for (const CertificateSummary &summary : *summaries)
        ids.insert(summary.name, summary.id);
    printPhase("certificates imported", start);

    start = SteadyClock::now();
    const EvpPkeyPtr dcKey = makeKey(u"ecdsa-p256"_qs);
    constexpr qint64 lifetimes[] = {12 * 3600, 24 * 3600, 72 * 3600};
    for (int i = 0; i < kCertificates; ++i) {
        const CertificateAndKey &leaf = leaves[size_t(i)];
        const qint64 id = ids.value(leaf.certificate.displayName());
        if (!id)
            return Error{u"%1 was not imported"_qs.arg(leaf.certificate.displayName())};
        const qint64 lifetime = lifetimes[i % 3];
        const QDateTime newest = now.addSecs(-(i % 48) * 1800);
        for (int j = 0; j < kDcsPerCertificate; ++j) {
            const DcRole role = i % 4 == 0 && j % 2 == 1 ? DcRole::Client : DcRole::Server;
            const QDateTime issuedAt = newest.addSecs(-(kDcsPerCertificate - 1 - j) * lifetime / 2);
            auto issued = issueDelegatedCredential({.certificate = leaf.certificate,
                                                    .certificateKey = leaf.key.get(),
                                                    .dcKey = dcKey.get(),
                                                    .lifetimeSeconds = lifetime,
                                                    .role = role,
                                                    .now = issuedAt});
            if (!issued)
                return issued.error();
            auto added = workspace.addDc(id, role, issued->bytes, dcKey.get(), issuedAt,
                                         issued->expiry, u"bench DC"_qs);
            if (!added)
                return added.error();
        }
        if (auto ok = workspace.setPolicy(id,
                                          {.lifetimeSeconds = lifetime,
                                           .renewBeforeSeconds = lifetime / 2,
                                           .roles = i % 4 == 0 ? DcRoles::Both : DcRoles::Server},
                                          now);
            !ok)
            return ok.error();
    }
    printPhase("DCs issued and stored, policies", start);
    return {};
}

/// One window opening, each step's duration in milliseconds.
struct OpenSteps
{
    double construct = 0; ///< MainWindow on an empty session
    double load = 0;      ///< Workspace::open and the snapshot read
    double views = 0;     ///< the views following the new snapshot (models, lanes)
    double show = 0;      ///< show() until exposed, the first paint included
    double grab = 0;      ///< one more full render of the window
    double total = 0;
    /// The minute's refresh (reloadInBackground): the read on a pool thread, then the only
    /// part that holds the UI thread, the views following the new snapshot.
    double refreshRead = 0;
    double refreshViews = 0;
    qsizetype certificates = 0;
    qsizetype dcs = 0;
};

std::optional<OpenSteps> openWindow(const QString &path, const QDateTime &now)
{
    OpenSteps steps;
    const auto start = SteadyClock::now();
    FixedClock clock(now);
    WorkspaceSession session(clock);
    // Connected before the window's views: runs once the snapshot is read, before they follow.
    SteadyClock::time_point loaded;
    QObject::connect(&session, &WorkspaceSession::workspaceChanged,
                     [&loaded] { loaded = SteadyClock::now(); });
    // Around the views' own handlers: when a snapshot arrives, and when they have followed it.
    SteadyClock::time_point arrived;
    SteadyClock::time_point followed;
    QObject::connect(&session, &WorkspaceSession::snapshotChanged,
                     [&arrived] { arrived = SteadyClock::now(); });
    MainWindow window(&session);
    QObject::connect(&session, &WorkspaceSession::snapshotChanged,
                     [&followed] { followed = SteadyClock::now(); });
    auto mark = SteadyClock::now();
    steps.construct = msSince(start);

    if (const Status opened = session.open(path); !opened) {
        std::fprintf(stderr, "cannot open %s: %s\n", qPrintable(path),
                     qPrintable(opened.errorMessage()));
        return std::nullopt;
    }
    steps.load = std::chrono::duration<double, std::milli>(loaded - mark).count();
    steps.views = msSince(loaded);
    steps.certificates = session.snapshot().certificates.size();
    steps.dcs = session.snapshot().dcs.size();

    mark = SteadyClock::now();
    window.show();
    const auto deadline = SteadyClock::now() + std::chrono::seconds(30);
    while (!(window.windowHandle() && window.windowHandle()->isExposed()) &&
           SteadyClock::now() < deadline)
        QCoreApplication::processEvents();
    QCoreApplication::processEvents();
    steps.show = msSince(mark);

    mark = SteadyClock::now();
    const QPixmap painted = window.grab();
    steps.grab = msSince(mark);
    steps.total = msSince(start);
    if (painted.isNull()) {
        std::fprintf(stderr, "the window did not render\n");
        return std::nullopt;
    }

    mark = SteadyClock::now();
    session.reloadInBackground();
    const auto refreshDeadline = SteadyClock::now() + std::chrono::seconds(30);
    while (followed < mark && SteadyClock::now() < refreshDeadline)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 10);
    if (followed < mark) {
        std::fprintf(stderr, "the background refresh did not arrive\n");
        return std::nullopt;
    }
    steps.refreshRead = std::chrono::duration<double, std::milli>(arrived - mark).count();
    steps.refreshViews = std::chrono::duration<double, std::milli>(followed - arrived).count();
    return steps;
}

/// loadSnapshot's parts, each on its own, in milliseconds: what "open + snapshot" is made of.
struct SnapshotParts
{
    double open = 0;         ///< Workspace::open
    double certificates = 0; ///< certificateSummaries()
    double dcs = 0;          ///< dcs(), all of them
    double policies = 0;     ///< policies(), targets(), planPolicies() over the parts above
};

std::optional<SnapshotParts> readSnapshotParts(const QString &path, const QDateTime &now)
{
    SnapshotParts parts;
    auto start = SteadyClock::now();
    auto workspace = Workspace::open(path);
    parts.open = msSince(start);
    if (!workspace)
        return std::nullopt;
    start = SteadyClock::now();
    const auto certificates = (*workspace)->certificateSummaries();
    parts.certificates = msSince(start);
    start = SteadyClock::now();
    const auto dcs = (*workspace)->dcs();
    parts.dcs = msSince(start);
    if (!certificates || !dcs)
        return std::nullopt;
    start = SteadyClock::now();
    const auto policies = (*workspace)->policies();
    const auto targets = (*workspace)->targets();
    if (!policies || !targets)
        return std::nullopt;
    (void)planPolicies(
        {.certificates = *certificates, .dcs = *dcs, .policies = *policies, .targets = *targets},
        now);
    parts.policies = msSince(start);
    return parts;
}

template <typename Run> Figures figuresOf(const std::vector<Run> &runs, double Run::*step)
{
    std::vector<double> times;
    for (const Run &run : runs)
        times.push_back(run.*step);
    return summarize(std::move(times));
}

/// Every run counts, the first too: it is the one a user who starts the app sees.
void measureWindowOpen(const QString &path, const QDateTime &now)
{
    std::vector<OpenSteps> runs;
    std::vector<SnapshotParts> parts;
    for (int i = 0; i < kOpenRuns; ++i) {
        const std::optional<OpenSteps> steps = openWindow(path, now);
        if (!steps)
            return;
        runs.push_back(*steps);
    }
    for (int i = 0; i < kOpenRuns; ++i) {
        const std::optional<SnapshotParts> read = readSnapshotParts(path, now);
        if (!read) {
            std::fprintf(stderr, "cannot read the snapshot of %s\n", qPrintable(path));
            return;
        }
        parts.push_back(*read);
    }
    printFigures("window open",
                 u"%1 certificates, %2 DCs"_qs.arg(runs.front().certificates).arg(runs.front().dcs),
                 figuresOf(runs, &OpenSteps::total), kOpenBudgetMs);
    printFigures("  construct", u"MainWindow, empty session"_qs,
                 figuresOf(runs, &OpenSteps::construct));
    printFigures("  open + snapshot", u"Workspace::open, loadSnapshot"_qs,
                 figuresOf(runs, &OpenSteps::load));
    printFigures("    open", u"Workspace::open"_qs, figuresOf(parts, &SnapshotParts::open));
    printFigures("    certificates", u"certificateSummaries()"_qs,
                 figuresOf(parts, &SnapshotParts::certificates));
    printFigures("    DCs", u"dcs()"_qs, figuresOf(parts, &SnapshotParts::dcs));
    printFigures("    policies", u"policies(), targets(), planPolicies()"_qs,
                 figuresOf(parts, &SnapshotParts::policies));
    printFigures("  views", u"views follow the snapshot"_qs, figuresOf(runs, &OpenSteps::views));
    printFigures("  first paint", u"show() until exposed and painted"_qs,
                 figuresOf(runs, &OpenSteps::show));
    printFigures("  grab", u"one more full render of the window"_qs,
                 figuresOf(runs, &OpenSteps::grab));
    printFigures("minute refresh", u"read on a pool thread"_qs,
                 figuresOf(runs, &OpenSteps::refreshRead));
    printFigures("  UI thread", u"views follow the new snapshot"_qs,
                 figuresOf(runs, &OpenSteps::refreshViews));
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
    std::printf("Baton %s (%s build), Qt %s, platform %s; %d runs per row\n", BATON_VERSION,
                BATON_BUILD_TYPE, qVersion(), qPrintable(QGuiApplication::platformName()), runs);
    warnIfUnoptimized();
    std::printf("Synthetic workspace: %lld certificates, %lld DCs, %lld policies\n\n",
                qint64(snapshot.certificates.size()), qint64(snapshot.dcs.size()),
                qint64(snapshot.policies.size()));

    measureTimelineLoad(snapshot, now);
    measureTimelineRepaint(snapshot, now, runs);

    QTemporaryDir temporary;
    QString path = temporary.filePath(u"bench.baton"_qs);
    if (const qsizetype i = arguments.indexOf(u"--workspace"_qs);
        i >= 0 && i + 1 < arguments.size())
        path = arguments[i + 1];
    std::printf("\n");
    if (QFileInfo::exists(path)) {
        std::printf("Workspace file: %s (reused)\n", qPrintable(path));
    } else {
        std::printf("Workspace file: %s, generating\n", qPrintable(path));
        std::fflush(stdout);
        const auto start = SteadyClock::now();
        if (const Status generated = generateWorkspace(path, now); !generated) {
            std::fprintf(stderr, "cannot generate %s: %s\n", qPrintable(path),
                         qPrintable(generated.errorMessage()));
            // A partial file would be taken for a complete one by the next --workspace run.
            for (const char *suffix : {"", "-wal", "-shm"})
                QFile::remove(path + QLatin1String(suffix));
            return 1;
        }
        printPhase("generated in", start);
    }
    std::printf("%d window openings\n\n", kOpenRuns);
    measureWindowOpen(path, now);
    return 0;
}
