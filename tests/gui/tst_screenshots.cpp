// Screenshots of the desktop app for the README: the main window, each tab of the details pane,
// the timeline and the rotation dashboard, and the main window under a dark palette. The demo
// workspace on a fixed clock, the Fusion style and test-mode settings make every run draw the
// same pictures; each PNG is read back and checked, so a blank or broken shot fails the test.
//
// The files go to BATON_SCREENSHOT_DIR (the build tree); packaging/update-screenshots.sh copies
// them into docs/screenshots/.

#include "DemoSession.h"
#include "TestPki.h"
#include "dashboard/RotationDashboard.h"
#include "details/CheckList.h"
#include "details/DetailsPane.h"
#include "inventory/InventoryModel.h"
#include "inventory/InventoryPanel.h"
#include "main/MainWindow.h"
#include "session/WorkspaceSession.h"
#include "timeline/TimelineWidget.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSet>
#include <QStandardPaths>
#include <QStyle>
#include <QTabWidget>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

using namespace baton;
using namespace baton::test;
using namespace baton::ui;

namespace {

const QSize kWindowSize(1280, 800);
// Antialiased text alone brings dozens of shades; a blank or single-colour widget has a handful.
constexpr int kMinDistinctColours = 128;

/// Fusion's colours turned dark, as dark desktop themes set them.
QPalette darkPalette()
{
    QPalette palette;
    const QColor window(53, 53, 53);
    const QColor base(35, 35, 35);
    const QColor text(230, 230, 230);
    const QColor disabled(127, 127, 127);
    const QColor highlight(42, 130, 218);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, QColor(45, 45, 45));
    palette.setColor(QPalette::ToolTipBase, window);
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, disabled);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, window);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, Qt::red);
    palette.setColor(QPalette::Link, highlight);
    palette.setColor(QPalette::Highlight, highlight);
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Light, QColor(80, 80, 80));
    palette.setColor(QPalette::Midlight, QColor(66, 66, 66));
    palette.setColor(QPalette::Mid, QColor(40, 40, 40));
    palette.setColor(QPalette::Dark, QColor(25, 25, 25));
    palette.setColor(QPalette::Shadow, Qt::black);
    for (const QPalette::ColorRole role :
         {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::HighlightedText})
        palette.setColor(QPalette::Disabled, role, disabled);
    return palette;
}

int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x)
            colours.insert(line[x]);
    }
    return int(colours.size());
}

/// The mean relative luminance (Rec. 709 weights), 0 black to 1 white.
double meanLuminance(const QImage &image)
{
    double sum = 0;
    for (int y = 0; y < image.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x)
            sum += 0.2126 * qRed(line[x]) + 0.7152 * qGreen(line[x]) + 0.0722 * qBlue(line[x]);
    }
    return sum / (255.0 * image.width() * image.height());
}

/// The row of the inventory view that shows this certificate (dcId 0) or this DC.
QModelIndex findRow(const QAbstractItemModel &model, qint64 certificateId, qint64 dcId,
                    const QModelIndex &parent = {})
{
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, 0, parent);
        if (index.data(InventoryModel::CertificateIdRole).toLongLong() == certificateId &&
            index.data(InventoryModel::DcIdRole).toLongLong() == dcId)
            return index;
        if (const QModelIndex child = findRow(model, certificateId, dcId, index); child.isValid())
            return child;
    }
    return {};
}

/// The demo workspace in the main window at a realistic size, shown.
struct Scene : DemoSession
{
    MainWindow window{&session};
    qint64 edge = certificateId(u"edge.demo.test"_qs);

    Scene()
    {
        window.resize(kWindowSize);
        window.show();
        if (!QTest::qWaitForWindowExposed(&window))
            qFatal("window not exposed");
    }
    QTabWidget *lowerTabs() const { return window.findChild<QTabWidget *>(u"lowerTabs"_qs); }
};

} // namespace

class ScreenshotTest : public QObject
{
    Q_OBJECT

public:
    enum class Shot
    {
        MainWindow,
        Overview,
        Extensions,
        Dc,
        Pem,
        Timeline,
        Rotation,
    };
    Q_ENUM(Shot)

private slots:
    void initTestCase();
    void cleanup();
    void shots_data();
    void shots();

private:
    /// A click on the inventory row of the certificate (dcId 0) or the DC, as a user selects.
    static bool clickRow(Scene &scene, qint64 dcId);
    /// Sets the scene up for the shot; the widget to grab, nullptr (with a failure) when the
    /// setup did not take.
    static QWidget *stage(Scene &scene, Shot shot);

    QDir m_output;
    QPalette m_lightPalette;
};

void ScreenshotTest::initTestCase()
{
    // Saved window geometry would resize the window; test mode keeps settings apart.
    QStandardPaths::setTestModeEnabled(true);
    // The platform's style differs between machines; Fusion draws the same everywhere.
    QApplication::setStyle(u"Fusion"_qs);
    m_lightPalette = QApplication::palette();
    m_output.setPath(QStringLiteral(BATON_SCREENSHOT_DIR));
    QVERIFY(m_output.mkpath(u"."_qs));
    qInfo("screenshots go to %s", qPrintable(m_output.absolutePath()));
}

void ScreenshotTest::cleanup()
{
    QApplication::setPalette(m_lightPalette);
}

void ScreenshotTest::shots_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<Shot>("shot");
    QTest::addColumn<bool>("dark");
    QTest::newRow("main window") << u"main-window.png"_qs << Shot::MainWindow << false;
    QTest::newRow("details: overview") << u"details-overview.png"_qs << Shot::Overview << false;
    QTest::newRow("details: extensions")
        << u"details-extensions.png"_qs << Shot::Extensions << false;
    QTest::newRow("details: DC") << u"details-dc.png"_qs << Shot::Dc << false;
    QTest::newRow("details: PEM") << u"details-pem.png"_qs << Shot::Pem << false;
    QTest::newRow("timeline") << u"timeline.png"_qs << Shot::Timeline << false;
    QTest::newRow("rotation dashboard") << u"rotation.png"_qs << Shot::Rotation << false;
    QTest::newRow("main window, dark") << u"main-window-dark.png"_qs << Shot::MainWindow << true;
}

bool ScreenshotTest::clickRow(Scene &scene, qint64 dcId)
{
    QTreeView *view = scene.window.inventoryView();
    const QModelIndex row = findRow(*view->model(), scene.edge, dcId);
    if (!row.isValid())
        return false;
    view->scrollTo(row);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(row).center());
    return true;
}

QWidget *ScreenshotTest::stage(Scene &scene, Shot shot)
{
    MainWindow &window = scene.window;
    DetailsPane *details = window.detailsPane();
    [&] {
        QVERIFY(scene.edge != 0);
        QVERIFY(clickRow(scene, 0));
        QCOMPARE(window.inventoryPanel()->selectedCertificate(), scene.edge);
        QCOMPARE(details->certificateId(), scene.edge);
        QCOMPARE(scene.lowerTabs()->currentWidget(), window.timeline());
        QCOMPARE(window.timeline()->selectedCertificate(), scene.edge);
        switch (shot) {
        case Shot::MainWindow:
        case Shot::Overview:
            QCOMPARE(details->currentWidget(), details->overviewTab());
            break;
        case Shot::Extensions: {
            details->setCurrentWidget(details->extensionsTab());
            QCOMPARE(details->currentWidget(), details->extensionsTab());
            // The extension this app is about, its fields open and its raw bytes below.
            auto *tree = details->findChild<QTreeWidget *>(u"extensionsTree"_qs);
            QVERIFY(tree);
            const auto found = tree->findItems(u"DelegationUsage"_qs, Qt::MatchStartsWith);
            QCOMPARE(found.size(), 1);
            QVERIFY(found.first()->childCount() > 0);
            QVERIFY(found.first()->isExpanded());
            tree->setCurrentItem(found.first());
            tree->scrollToItem(found.first());
            const auto *raw = details->findChild<QPlainTextEdit *>(u"extensionRaw"_qs);
            QVERIFY(raw);
            QVERIFY2(raw->toPlainText().startsWith(u"DelegationUsage"_qs),
                     qPrintable(raw->toPlainText()));
            break;
        }
        case Shot::Dc: {
            // The newest of the certificate's DCs: all its checks pass.
            const QList<const DcRecord *> dcs = scene.session.snapshot().dcsOf(scene.edge);
            QVERIFY(!dcs.isEmpty());
            const qint64 dc = dcs.last()->id;
            QVERIFY(clickRow(scene, dc));
            QCOMPARE(window.inventoryPanel()->selectedDc(), dc);
            QCOMPARE(details->dcId(), dc);
            QCOMPARE(details->currentWidget(), details->dcTab());
            const auto *verdict = details->findChild<QLabel *>(u"dcVerdict"_qs);
            QVERIFY(verdict);
            QVERIFY2(verdict->text().startsWith(u"Peers accept it"_qs),
                     qPrintable(verdict->text()));
            const auto *checks = details->findChild<CheckList *>(u"dcChecks"_qs);
            QVERIFY(checks);
            QVERIFY(checks->findChildren<QLabel *>(u"checkTitle"_qs).size() > 5);
            break;
        }
        case Shot::Pem: {
            details->setCurrentWidget(details->pemTab());
            QCOMPARE(details->currentWidget(), details->pemTab());
            const auto *pem = details->findChild<QPlainTextEdit *>(u"pemView"_qs);
            QVERIFY(pem);
            QVERIFY(pem->toPlainText().startsWith(u"-----BEGIN CERTIFICATE-----"_qs));
            break;
        }
        case Shot::Timeline:
            // Both certificates that can delegate have a lane; the CA has none.
            QCOMPARE(window.timeline()->timelineLayout().lanes().size(), 2);
            break;
        case Shot::Rotation: {
            scene.lowerTabs()->setCurrentWidget(window.dashboard());
            QCOMPARE(scene.lowerTabs()->currentWidget(), window.dashboard());
            const PolicyPlan *policy = scene.session.snapshot().policyFor(scene.edge);
            QVERIFY(policy);
            QCOMPARE(window.dashboard()->selectedPolicyId(), policy->policy.id);
            break;
        }
        }
    }();
    if (QTest::currentTestFailed())
        return nullptr;
    // Layouts and deferred updates settle before the grab. Word-wrapped labels in a scroll area
    // take several rounds (each layout pass posts the next), so one processEvents() would catch
    // the details half laid out.
    QTest::qWait(100);
    switch (shot) {
    case Shot::MainWindow:
        return &window;
    case Shot::Overview:
    case Shot::Extensions:
    case Shot::Dc:
    case Shot::Pem:
        return details;
    case Shot::Timeline:
    case Shot::Rotation:
        return scene.lowerTabs();
    }
    return nullptr;
}

void ScreenshotTest::shots()
{
    QFETCH(QString, file);
    QFETCH(Shot, shot);
    QFETCH(bool, dark);

    if (dark)
        QApplication::setPalette(darkPalette());
    Scene scene;
    QVERIFY(scene.window.windowTitle().contains(u"demo.baton"_qs));
    QWidget *target = stage(scene, shot);
    QVERIFY(target);
    const QImage grabbed = target->grab().toImage();
    const QString path = m_output.filePath(file);
    QVERIFY2(grabbed.save(path, "PNG"), qPrintable(path));

    QImage image;
    QVERIFY2(image.load(path), qPrintable(path));
    image = image.convertToFormat(QImage::Format_RGB32);
    const int colours = distinctColours(image);
    const double luminance = meanLuminance(image);
    qInfo("wrote %s (%dx%d, %d colours, mean luminance %.2f)", qPrintable(path), image.width(),
          image.height(), colours, luminance);
    const QSize expected =
        (shot == Shot::MainWindow ? kWindowSize : target->size()) * target->devicePixelRatioF();
    QCOMPARE(image.size(), expected);
    QVERIFY2(colours > kMinDistinctColours, qPrintable(u"%1 colours"_qs.arg(colours)));

    if (!dark) {
        QVERIFY2(luminance > 0.5, qPrintable(u"mean luminance %1"_qs.arg(luminance)));
        return;
    }
    // The same window under the light palette, for comparison.
    QApplication::setPalette(m_lightPalette);
    Scene light;
    QWidget *lightTarget = stage(light, shot);
    QVERIFY(lightTarget);
    const double lightLuminance =
        meanLuminance(lightTarget->grab().toImage().convertToFormat(QImage::Format_RGB32));
    QVERIFY2(luminance < lightLuminance / 2,
             qPrintable(u"dark %1, light %2"_qs.arg(luminance).arg(lightLuminance)));
}

QTEST_MAIN(ScreenshotTest)
#include "tst_screenshots.moc"
