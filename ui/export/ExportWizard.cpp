#include "ExportWizard.h"

#include "common/TimeFormat.h"
#include "dashboard/StatusColors.h"
#include "details/CheckList.h"
#include "dialogs/Unlock.h"
#include "session/WorkspaceSession.h"
#include "tls/SignatureScheme.h"

#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QWizardPage>
#include <functional>

namespace baton::ui {

namespace {

/// A page whose Next button waits on the wizard's state (a chosen profile, a built preview),
/// not only on mandatory fields.
class GatedPage : public QWizardPage
{
public:
    explicit GatedPage(std::function<bool()> ready) : m_ready(std::move(ready)) {}

    bool isComplete() const override { return m_ready() && QWizardPage::isComplete(); }
    void readinessChanged() { emit completeChanged(); }

private:
    std::function<bool()> m_ready;
};

QLabel *wrappedLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    return label;
}

void colourText(QLabel *label, const QColor &colour)
{
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, colour);
    label->setPalette(palette);
}

QString modeText(int mode)
{
    return QStringLiteral("%1").arg(mode, 4, 8, QLatin1Char('0'));
}

QTreeWidgetItem *fileItem(const BundleFile &file)
{
    auto *item = new QTreeWidgetItem;
    item->setText(0, file.name);
    item->setText(1, modeText(file.mode));
    item->setText(2, ExportWizard::tr("%L1 bytes").arg(file.data.bytes().size()));
    item->setData(2, Qt::UserRole, file.data.bytes().size());
    item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
    if (file.mode == 0600)
        item->setToolTip(1, ExportWizard::tr("Holds the DC's private key: readable by its owner "
                                             "only"));
    return item;
}

/// "~/x" as people type it; anything else as given, cleaned.
QString expandedPath(const QString &typed)
{
    QString path = typed.trimmed();
    if (path == QLatin1String("~") || path.startsWith(QLatin1String("~/")))
        path = QDir::homePath() + path.mid(1);
    return path.isEmpty() ? path : QDir::cleanPath(path);
}

} // namespace

QString ExportWizard::profileDescription(const QString &profile)
{
    // From ../shared/rfc9345-notes.md, "Who can consume what".
    static const QHash<QString, const char *> descriptions{
        {QStringLiteral("baton"),
         QT_TR_NOOP("Baton's own layout (dc.bin, dc.pem, dc-key.pem, chain.pem): for batonctl, "
                    "scripts and servers configured by hand")},
        {QStringLiteral("fizz"),
         QT_TR_NOOP("Fizz / Proxygen: one combined PEM (DC, DC key, leaf certificate); fizz "
                    "s_server -delegatedcred also takes the raw dc.bin")},
        {QStringLiteral("cloudflare-go"),
         QT_TR_NOOP("Cloudflare's Go TLS fork: dc.cred (the raw DC) and dckey.pem (PKCS#8)")},
        {QStringLiteral("boringssl"),
         QT_TR_NOOP("BoringSSL: the raw DC, a PKCS#8 DER key and the chain for SSL_CREDENTIAL, "
                    "with a README of the calls; BoringSSL refuses RSA DCs")},
        {QStringLiteral("nss"),
         QT_TR_NOOP("NSS (Firefox's TLS library): the raw DC and a PKCS#8 DER key for "
                    "SSL_ConfigServerCert's extra data")},
        {QStringLiteral("interop-runner"),
         QT_TR_NOOP("tls-interop-runner: dc.txt = hex(DC),hex(PKCS#8 DER key), plus chain.pem")},
        {QStringLiteral("k8s-secret"),
         QT_TR_NOOP("Kubernetes: a Secret manifest (secret.yaml) carrying Baton's files, for "
                    "kubectl apply")},
    };
    const char *description = descriptions.value(profile);
    return description ? tr(description) : QString();
}

ExportWizard::ExportWizard(WorkspaceSession *session, qint64 dcId, QWidget *parent)
    : QWizard(parent), m_session(session), m_dcId(dcId)
{
    setObjectName(QStringLiteral("exportWizard"));
    setWindowTitle(tr("Export Delegated Credential"));
    setOption(QWizard::NoBackButtonOnLastPage);
    setOption(QWizard::NoCancelButtonOnLastPage);
    setButtonText(QWizard::CommitButton, tr("&Export"));
    resize(720, 520);

    const QDateTime now = m_session->clock().now();
    Workspace *workspace = m_session->workspace();
    auto dc =
        workspace ? workspace->dc(dcId) : Result<DcRecord>(Error{tr("No workspace is open.")});
    if (!dc) {
        m_problem = dc.errorMessage();
    } else {
        m_dc = *dc;
        auto record = workspace->certificate(m_dc->certificateId);
        if (!record) {
            m_problem = record.errorMessage();
        } else {
            m_chain << record->certificate;
            if (auto intermediates = workspace->intermediatesFor(record->certificate))
                m_chain << *intermediates;
            // A server must never be handed a DC its peers reject (as `batonctl export`).
            m_dcVerification =
                verifyDelegatedCredential(record->certificate, m_dc->bytes, m_dc->role, now);
            if (!m_dc->hasKey) {
                m_problem = tr("The workspace does not hold this DC's private key, so no server "
                               "could use a bundle of it.");
            } else if (!m_dcVerification.valid()) {
                QStringList failed;
                for (const DcCheck &check : m_dcVerification.checks) {
                    if (check.outcome == CheckOutcome::Fail)
                        failed << tr("%1: %2").arg(check.title, check.detail);
                }
                m_problem = tr("Peers would reject this DC, so it is not exported. %1")
                                .arg(failed.join(QLatin1Char(' ')));
            }
        }
    }

    buildProfilePage();
    buildDestinationPage();
    buildPreviewPage();
    buildResultPage();
}

ExportWizard::~ExportWizard() = default;

void ExportWizard::buildProfilePage()
{
    auto *page = new GatedPage([this] { return m_problem.isEmpty() && m_profiles->currentItem(); });
    page->setObjectName(QStringLiteral("exportProfilePage"));
    page->setTitle(tr("Profile"));
    page->setSubTitle(tr("Choose the server stack that will load the bundle."));

    m_dcLabel = wrappedLabel(QStringLiteral("exportDcLabel"), page);
    m_dcLabel->setAccessibleName(tr("DC being exported"));
    if (m_dc && !m_chain.isEmpty()) {
        const QDateTime now = m_session->clock().now();
        const QString role = m_dc->role == DcRole::Server ? tr("Server") : tr("Client");
        m_dcLabel->setText(tr("%1 DC of %2, %3, expires %4 (%5).")
                               .arg(role, m_chain.first().displayName(),
                                    signatureSchemeDisplayName(m_dc->algorithm),
                                    formatUtc(m_dc->expiresAt),
                                    formatRelative(now, m_dc->expiresAt)));
    }
    m_problemLabel = wrappedLabel(QStringLiteral("exportProblem"), page);
    m_problemLabel->setAccessibleName(tr("Problem"));
    m_problemLabel->setText(m_problem);
    m_problemLabel->setVisible(!m_problem.isEmpty());
    colourText(m_problemLabel, errorTextColor(m_problemLabel->palette()));

    auto *warnings = wrappedLabel(QStringLiteral("exportWarnings"), page);
    warnings->setAccessibleName(tr("Warnings"));
    QStringList lines;
    if (m_dc && m_dc->superseded)
        lines << tr("⚠ Its certificate has been renewed: this DC is bound to the old one, which "
                    "servers may no longer present.");
    for (const DcCheck &check : m_dcVerification.checks) {
        if (check.outcome == CheckOutcome::Warn)
            lines << tr("⚠ %1").arg(check.detail);
    }
    warnings->setText(lines.join(QLatin1Char('\n')));
    warnings->setVisible(!lines.isEmpty());
    colourText(warnings, rotationStatusColor(RotationStatus::Due, warnings->palette()));

    m_profiles = new QListWidget(page);
    m_profiles->setObjectName(QStringLiteral("exportProfileList"));
    m_profiles->setAccessibleName(tr("Bundle profile"));
    m_profiles->setWordWrap(true);
    m_profiles->setAlternatingRowColors(true);
    for (const QString &name : bundleProfileNames()) {
        const QString description = profileDescription(name);
        auto *item = new QListWidgetItem(
            description.isEmpty() ? name : tr("%1 — %2").arg(name, description), m_profiles);
        item->setData(Qt::UserRole, name);
        item->setToolTip(description);
    }
    m_profiles->setCurrentRow(0);
    connect(m_profiles, &QListWidget::currentItemChanged, page, &GatedPage::readinessChanged);

    m_tar = new QCheckBox(tr("Write one &bundle.tar.gz instead of separate files"), page);
    m_tar->setObjectName(QStringLiteral("exportTarCheck"));
    m_tar->setAccessibleName(tr("Write a tar.gz archive"));
    m_tar->setToolTip(tr("Members keep their modes: tar -xpf restores the key file as 0600."));

    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_dcLabel);
    layout->addWidget(m_problemLabel);
    layout->addWidget(warnings);
    layout->addWidget(m_profiles, 1);
    layout->addWidget(m_tar);
    setPage(ProfilePage, page);
}

void ExportWizard::buildDestinationPage()
{
    auto *page = new GatedPage([this] { return !m_directory->text().trimmed().isEmpty(); });
    page->setObjectName(QStringLiteral("exportDestinationPage"));
    page->setTitle(tr("Destination"));
    page->setSubTitle(tr("Choose the bundle directory the server reads from."));

    auto *label = new QLabel(tr("&Directory:"), page);
    m_directory = new QLineEdit(page);
    m_directory->setObjectName(QStringLiteral("exportDirectoryEdit"));
    m_directory->setAccessibleName(tr("Bundle directory"));
    m_directory->setPlaceholderText(tr("/etc/fizz/dc"));
    label->setBuddy(m_directory);
    m_browse = new QPushButton(tr("&Browse…"), page);
    m_browse->setObjectName(QStringLiteral("exportBrowseButton"));
    m_browse->setAccessibleName(tr("Browse for the bundle directory"));
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString chosen = QFileDialog::getExistingDirectory(this, tr("Bundle Directory"),
                                                                 expandedPath(m_directory->text()));
        if (!chosen.isEmpty())
            m_directory->setText(QDir::toNativeSeparators(chosen));
    });
    connect(m_directory, &QLineEdit::textChanged, page, &GatedPage::readinessChanged);

    m_destinationNote = wrappedLabel(QStringLiteral("exportDestinationNote"), page);
    m_destinationNote->setText(
        tr("Each export is written complete into a new generation directory inside it "
           "(gen-…), then DIR/current is switched to it in one rename, so a server never reads "
           "a half-written bundle. Servers load DIR/current/…; the newest %1 generations are "
           "kept.")
            .arg(kGenerationsKept));

    auto *error = wrappedLabel(QStringLiteral("exportDestinationError"), page);
    error->setAccessibleName(tr("Problem"));
    colourText(error, errorTextColor(error->palette()));
    error->hide();
    connect(m_directory, &QLineEdit::textChanged, error, &QLabel::hide);

    auto *row = new QHBoxLayout;
    row->addWidget(label);
    row->addWidget(m_directory, 1);
    row->addWidget(m_browse);
    auto *layout = new QVBoxLayout(page);
    layout->addLayout(row);
    layout->addWidget(m_destinationNote);
    layout->addWidget(error);
    layout->addStretch(1);
    setPage(DestinationPage, page);
}

void ExportWizard::buildPreviewPage()
{
    auto *page = new GatedPage([this] { return m_previewReady; });
    page->setObjectName(QStringLiteral("exportPreviewPage"));
    page->setTitle(tr("Preview"));
    page->setSubTitle(tr("These files will be written. Nothing has been written yet."));
    page->setCommitPage(true);

    m_preview = new QTreeWidget(page);
    m_preview->setObjectName(QStringLiteral("exportPreviewList"));
    m_preview->setAccessibleName(tr("Files to be written"));
    m_preview->setHeaderLabels({tr("File"), tr("Mode"), tr("Size")});
    m_preview->setUniformRowHeights(true);
    m_preview->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_preview->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_preview->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_preview->header()->setStretchLastSection(false);

    m_previewNote = wrappedLabel(QStringLiteral("exportPreviewNote"), page);
    m_previewError = wrappedLabel(QStringLiteral("exportPreviewError"), page);
    m_previewError->setAccessibleName(tr("Problem"));
    colourText(m_previewError, errorTextColor(m_previewError->palette()));
    m_previewError->hide();

    m_unlock = new QPushButton(tr("&Unlock…"), page);
    m_unlock->setObjectName(QStringLiteral("exportUnlockButton"));
    m_unlock->setAccessibleName(tr("Unlock the workspace"));
    m_unlock->hide();
    connect(m_unlock, &QPushButton::clicked, this, &ExportWizard::unlockForPreview);

    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_preview, 1);
    layout->addWidget(m_previewNote);
    layout->addWidget(m_previewError);
    layout->addWidget(m_unlock, 0, Qt::AlignLeft);
    setPage(PreviewPage, page);
}

void ExportWizard::buildResultPage()
{
    auto *page = new QWizardPage;
    page->setObjectName(QStringLiteral("exportResultPage"));
    page->setTitle(tr("Result"));
    page->setSubTitle(tr("What was written, and what bundle verify finds in it."));
    page->setFinalPage(true);

    m_headline = new QLabel(page);
    m_headline->setObjectName(QStringLiteral("exportHeadline"));
    m_headline->setAccessibleName(tr("Verification verdict"));
    QFont big = m_headline->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.4);
    m_headline->setFont(big);

    m_resultDetails = wrappedLabel(QStringLiteral("exportResultDetails"), page);
    m_resultDetails->setAccessibleName(tr("What was written"));
    m_resultDetails->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_checks = new CheckList;
    m_checks->setObjectName(QStringLiteral("exportChecks"));
    m_checks->setAccessibleName(tr("Bundle checks"));
    auto *scroll = new QScrollArea(page);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_checks);

    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_headline);
    layout->addWidget(m_resultDetails);
    layout->addWidget(scroll, 1);
    setPage(ResultPage, page);
}

QString ExportWizard::profileName() const
{
    const QListWidgetItem *item = m_profiles->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

std::optional<BundleProfile> ExportWizard::chosenProfile() const
{
    return bundleProfileByName(profileName());
}

bool ExportWizard::tarChosen() const
{
    return m_tar->isChecked();
}

QString ExportWizard::directory() const
{
    return expandedPath(m_directory->text());
}

BundleInput ExportWizard::bundleInput() const
{
    return {.chain = m_chain,
            .dc = m_dc->bytes,
            .dcKey = m_key.get(),
            .role = m_dc->role,
            .issuedAt = m_dc->issuedAt,
            .legacyFizzLabels = false};
}

void ExportWizard::initializePage(int id)
{
    QWizard::initializePage(id);
    if (id == PreviewPage)
        buildPreview();
    else if (id == ResultPage)
        showResult();
}

bool ExportWizard::validateCurrentPage()
{
    if (currentId() == DestinationPage) {
        auto *error = currentPage()->findChild<QLabel *>(QStringLiteral("exportDestinationError"));
        const QString path = directory();
        const QFileInfo info(path);
        const QFileInfo current(QDir(path).filePath(QStringLiteral("current")));
        QString problem;
        if (!QDir::isAbsolutePath(path))
            problem = tr("Enter an absolute path: servers are configured with one.");
        else if (info.exists() && !info.isDir())
            problem = tr("%1 is a file, not a directory.").arg(path);
        else if (current.exists() && !current.isSymLink())
            problem = tr("%1 exists and is not a symbolic link: Baton never replaces a file it "
                         "did not make. Choose another directory or move it away.")
                          .arg(current.filePath());
        error->setText(problem);
        error->setVisible(!problem.isEmpty());
        return problem.isEmpty();
    }
    if (currentId() == PreviewPage)
        return m_previewReady && runExport();
    return QWizard::validateCurrentPage();
}

void ExportWizard::openKeyInBackground()
{
    if (m_openingKey)
        return;
    m_openingKey = true;
    m_session->runInBackground<EvpPkeyPtr>(
        [dcId = m_dcId](Workspace &workspace) { return workspace.dcKey(dcId); }, this,
        [this](Result<EvpPkeyPtr> key) {
            m_openingKey = false;
            if (key)
                m_key = std::move(key).value();
            else
                m_keyError = key.errorMessage();
            buildPreview();
        });
}

void ExportWizard::unlockForPreview()
{
    unlockThen(*m_session, this,
               tr("The bundle holds the DC's private key, which the workspace keeps sealed: "
                  "enter the passphrase of %1.")
                   .arg(m_session->path()),
               [this] { buildPreview(); });
}

void ExportWizard::buildPreview()
{
    auto *page = static_cast<GatedPage *>(this->page(PreviewPage));
    m_previewReady = false;
    m_preview->clear();
    m_preview->setRootIsDecorated(tarChosen()); // the archive's members hang beneath it
    m_previewError->hide();
    m_previewNote->clear();
    const bool locked = !m_key && !m_session->isUnlocked();
    m_unlock->setVisible(locked);
    const std::optional<BundleProfile> profile = chosenProfile();
    if (locked) {
        m_previewNote->setText(tr("The preview is built from the DC's private key, which the "
                                  "workspace keeps sealed: unlock it to continue."));
    } else if (!m_keyError.isEmpty()) {
        m_previewError->setText(m_keyError);
        m_previewError->show();
    } else if (m_dc && profile && !m_key) {
        // Opening a sealed key is a scrypt run, a good half second: off the UI thread.
        m_previewNote->setText(tr("Opening the DC's private key…"));
        openKeyInBackground();
    } else if (m_dc && profile) {
        auto files = buildBundle(*profile, bundleInput());
        if (files && tarChosen()) {
            auto archive = bundleArchive(*files, m_session->clock().now());
            if (!archive) {
                files = archive.error();
            } else {
                // The archive's members, beneath it: what `tar -xpf` will restore.
                QTreeWidgetItem *item = fileItem(*archive);
                for (const BundleFile &member : *files)
                    item->addChild(fileItem(member));
                m_preview->addTopLevelItem(item);
                item->setExpanded(true);
            }
        } else if (files) {
            for (const BundleFile &file : *files)
                m_preview->addTopLevelItem(fileItem(file));
        }
        if (!files) {
            m_previewError->setText(
                tr("This bundle cannot be built: %1").arg(files.errorMessage()));
            m_previewError->show();
        } else {
            m_previewNote->setText(
                tr("Written to a new generation in %1, then %2 is switched to "
                   "it. The certificate's private key is never exported.")
                    .arg(QDir::toNativeSeparators(directory()),
                         QDir::toNativeSeparators(
                             QDir(directory()).filePath(QStringLiteral("current")))));
            m_previewReady = true;
        }
    }
    page->readinessChanged();
}

bool ExportWizard::runExport()
{
    const QDateTime now = m_session->clock().now();
    const BundleExportRequest request{.profile = *chosenProfile(),
                                      .input = bundleInput(),
                                      .directory = directory(),
                                      .tar = tarChosen(),
                                      .now = now};
    auto written = exportBundle(request);
    if (!written) {
        m_previewError->setText(tr("Nothing was exported: %1").arg(written.errorMessage()));
        m_previewError->show();
        return false;
    }
    m_exported = std::move(written).value();
    // A DC key leaving the workspace belongs in its audit trail.
    const Status logged = m_session->workspace()->logEvent(
        {.at = now,
         .kind = QStringLiteral("exported"),
         .ok = true,
         .message = QStringLiteral("%1 DC for %2 exported as %3 to %4 (desktop app)")
                        .arg(dcRoleName(m_dc->role), m_chain.first().displayName(), profileName(),
                             m_exported->generation.path),
         .certificateId = m_dc->certificateId,
         .dcId = m_dcId,
         .targetId = 0});
    if (!logged)
        m_logError =
            tr("The export was not recorded in the event log: %1").arg(logged.errorMessage());
    auto verified = verifyBundle(directory(), now);
    if (verified)
        m_verification = std::move(verified).value();
    else
        m_verifyError = verified.errorMessage();
    emit exported(m_exported->generation.path, m_verification && m_verification->valid());
    return true;
}

void ExportWizard::showResult()
{
    if (!m_exported)
        return;
    const bool ok = m_verification && m_verification->valid() && m_verifyError.isEmpty();
    m_headline->setText(ok ? tr("OK") : tr("PROBLEMS FOUND"));
    colourText(m_headline, ok ? rotationStatusColor(RotationStatus::Ok, m_headline->palette())
                              : errorTextColor(m_headline->palette()));
    const QDateTime now = m_session->clock().now();
    QStringList lines;
    lines << tr("Wrote %1: %2")
                 .arg(QDir::toNativeSeparators(m_exported->generation.path),
                      m_exported->files.join(QStringLiteral(", ")));
    lines << tr("%1 now points at %2.")
                 .arg(QDir::toNativeSeparators(
                          QDir(directory()).filePath(QStringLiteral("current"))),
                      m_exported->generation.name);
    if (!m_exported->generation.pruned.isEmpty())
        lines << tr("Removed older generations: %1.")
                     .arg(m_exported->generation.pruned.join(QStringLiteral(", ")));
    for (const QString &entry : m_exported->generation.leftAlone)
        lines << tr("Left alone (not written by Baton): %1").arg(entry);
    if (m_exported->dcExpiry.isValid())
        lines << tr("The DC expires %1 (%2): export a fresh one before then.")
                     .arg(formatUtc(m_exported->dcExpiry),
                          formatRelative(now, m_exported->dcExpiry));
    for (const QString &problem : {m_verifyError, m_logError}) {
        if (!problem.isEmpty())
            lines << problem;
    }
    m_resultDetails->setText(lines.join(QLatin1Char('\n')));
    m_checks->setChecks(m_verification ? m_verification->checks : QList<DcCheck>{});
}

} // namespace baton::ui
