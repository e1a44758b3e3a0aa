#include "ImportPreviewDialog.h"

#include "crypto/KeyCodec.h"
#include "dashboard/StatusColors.h"
#include "dialogs/PassphraseDialog.h"
#include "dialogs/Unlock.h"
#include "session/WorkspaceSession.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMap>
#include <QProgressBar>
#include <QPushButton>
#include <QThread>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <map>

namespace baton::ui {

namespace {

/// The importer's wording for an object it could not decrypt for want of a passphrase
/// (Importer.h: "reported with the error "passphrase needed"").
const QLatin1String kPassphraseNeeded("passphrase needed");

/// Reads one source on the calling (worker) thread. Each passphrase is offered once per
/// encrypted object, in the order given, so a file whose parts have different passphrases
/// opens as the person supplies them one by one.
ImportResult readSource(const QString &path, const std::shared_ptr<const SecretBytes> &text,
                        const QString &name,
                        const std::vector<std::shared_ptr<const SecretBytes>> &passphrases)
{
    std::map<QString, std::size_t> offered;
    const PassphraseProvider provider = [&](const QString &what) -> std::optional<QByteArray> {
        std::size_t &next = offered[what];
        if (next >= passphrases.size())
            return std::nullopt;
        return passphrases[next++]->bytes();
    };
    if (!path.isEmpty())
        return importFile(path, provider);
    return importData(text->bytes(), name, provider);
}

QString kindText(ImportedKind kind)
{
    switch (kind) {
    case ImportedKind::Certificate:
        return ImportPreviewDialog::tr("certificate");
    case ImportedKind::CertificateRequest:
        return ImportPreviewDialog::tr("certificate request");
    case ImportedKind::PrivateKey:
        return ImportPreviewDialog::tr("private key");
    case ImportedKind::DelegatedCredential:
        return ImportPreviewDialog::tr("delegated credential");
    case ImportedKind::Unknown:
        break;
    }
    return ImportPreviewDialog::tr("other");
}

ImportPreviewDialog::RowStatus outcomeStatus(ImportOutcome::Result result)
{
    switch (result) {
    case ImportOutcome::Result::Added:
        return ImportPreviewDialog::RowStatus::Added;
    case ImportOutcome::Result::AlreadyPresent:
        return ImportPreviewDialog::RowStatus::AlreadyPresent;
    case ImportOutcome::Result::Skipped:
        return ImportPreviewDialog::RowStatus::Skipped;
    case ImportOutcome::Result::Failed:
        break;
    }
    return ImportPreviewDialog::RowStatus::Failed;
}

/// What the Status column says; `detail` is the object's error or the outcome's detail.
QString statusText(ImportPreviewDialog::RowStatus status, const QString &detail)
{
    using S = ImportPreviewDialog::RowStatus;
    const auto withDetail = [&detail](const QString &text) {
        return detail.isEmpty() ? text : ImportPreviewDialog::tr("%1: %2").arg(text, detail);
    };
    switch (status) {
    case S::New:
        return ImportPreviewDialog::tr("new");
    case S::Present:
        return ImportPreviewDialog::tr("already in the workspace");
    case S::NeedsPassphrase:
        return ImportPreviewDialog::tr("encrypted — passphrase needed");
    case S::Error:
        return withDetail(ImportPreviewDialog::tr("error"));
    case S::NotImportable:
        return ImportPreviewDialog::tr("not imported: a workspace keeps certificates, keys and "
                                       "DCs");
    case S::Added:
        return withDetail(ImportPreviewDialog::tr("added"));
    case S::AlreadyPresent:
        return ImportPreviewDialog::tr("already present");
    case S::Skipped:
        return withDetail(ImportPreviewDialog::tr("skipped"));
    case S::Failed:
        return withDetail(ImportPreviewDialog::tr("failed"));
    }
    return {};
}

/// Colours from the palette, so both themes read: problems in the error colour, things that
/// want attention in the "due" colour, what changes nothing dimmed.
QBrush statusBrush(ImportPreviewDialog::RowStatus status, const QPalette &palette)
{
    using S = ImportPreviewDialog::RowStatus;
    switch (status) {
    case S::Error:
    case S::Failed:
        return errorTextColor(palette);
    case S::NeedsPassphrase:
        return rotationStatusColor(RotationStatus::Due, palette);
    case S::Present:
    case S::AlreadyPresent:
    case S::NotImportable:
    case S::Skipped:
        return palette.color(QPalette::PlaceholderText);
    case S::New:
    case S::Added:
        break;
    }
    return palette.color(QPalette::Text);
}

bool holdsKey(const ImportedObject &object)
{
    return object.error.isEmpty() &&
           (object.privateKey ||
            (object.delegatedCredential && !object.delegatedCredential->privateKey.isEmpty()));
}

} // namespace

QString ImportPreviewDialog::rowStatusId(RowStatus status)
{
    switch (status) {
    case RowStatus::New:
        return QStringLiteral("new");
    case RowStatus::Present:
        return QStringLiteral("present");
    case RowStatus::NeedsPassphrase:
        return QStringLiteral("passphrase");
    case RowStatus::Error:
        return QStringLiteral("error");
    case RowStatus::NotImportable:
        return QStringLiteral("not-importable");
    case RowStatus::Added:
        return QStringLiteral("added");
    case RowStatus::AlreadyPresent:
        return QStringLiteral("already-present");
    case RowStatus::Skipped:
        return QStringLiteral("skipped");
    case RowStatus::Failed:
        break;
    }
    return QStringLiteral("failed");
}

ImportPreviewDialog::ImportPreviewDialog(WorkspaceSession *session, QWidget *parent)
    : QDialog(parent), m_session(session)
{
    setObjectName(QStringLiteral("importPreviewDialog"));
    setWindowTitle(tr("Import"));
    resize(900, 420);

    // What is there already, taken once: the preview compares against the workspace as it was
    // when the dialog opened, and the outcome of adding is the workspace's own word anyway.
    for (const CertificateSummary &certificate : m_session->snapshot().certificates)
        m_knownSha256.insert(certificate.sha256);
    for (const DcRecord &dc : m_session->snapshot().dcs)
        m_knownDcs.insert(dc.bytes);

    auto *intro =
        new QLabel(tr("Everything found is listed below. Nothing is added until you choose Add to "
                      "Workspace."),
                   this);
    intro->setWordWrap(true);

    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("importObjectList"));
    m_list->setAccessibleName(tr("Objects found"));
    m_list->setColumnCount(ColumnCount);
    m_list->setHeaderLabels({tr("Location"), tr("Summary"), tr("Kind"), tr("Status")});
    m_list->setRootIsDecorated(true);
    m_list->setUniformRowHeights(true);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(LocationColumn, QHeaderView::Interactive);
    m_list->header()->setSectionResizeMode(SummaryColumn, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(KindColumn, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(StatusColumn, QHeaderView::Interactive);
    m_list->setColumnWidth(LocationColumn, 280);
    m_list->setColumnWidth(StatusColumn, 220);

    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("importBusy"));
    m_busy->setAccessibleName(tr("Reading"));
    m_busy->setRange(0, 0); // indeterminate: the importer reports no progress
    m_busy->setTextVisible(false);
    m_busy->setMaximumHeight(fontMetrics().height());
    m_busy->hide();

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("importSummary"));
    m_summary->setAccessibleName(tr("Import summary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("importError"));
    m_error->setAccessibleName(tr("Problem"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    QPalette errorPalette = m_error->palette();
    errorPalette.setColor(QPalette::WindowText, errorTextColor(errorPalette));
    m_error->setPalette(errorPalette);
    m_error->hide();

    m_buttons = new QDialogButtonBox(this);
    m_buttons->setObjectName(QStringLiteral("importButtons"));
    m_unlock = m_buttons->addButton(tr("&Unlock…"), QDialogButtonBox::ActionRole);
    m_unlock->setObjectName(QStringLiteral("importUnlockButton"));
    m_unlock->setAccessibleName(tr("Unlock encrypted objects"));
    m_unlock->setToolTip(tr("Enter the passphrase of the selected encrypted object's source"));
    m_unlock->setAutoDefault(false);
    m_add = m_buttons->addButton(tr("&Add to Workspace"), QDialogButtonBox::ApplyRole);
    m_add->setObjectName(QStringLiteral("importAddButton"));
    m_add->setAccessibleName(tr("Add to workspace"));
    m_cancel = m_buttons->addButton(QDialogButtonBox::Cancel);
    m_cancel->setObjectName(QStringLiteral("importCancelButton"));
    m_cancel->setAccessibleName(tr("Cancel"));
    m_close = m_buttons->addButton(QDialogButtonBox::Close);
    m_close->setObjectName(QStringLiteral("importCloseButton"));
    m_close->setAccessibleName(tr("Close"));
    m_close->hide();
    connect(m_unlock, &QPushButton::clicked, this, &ImportPreviewDialog::unlock);
    connect(m_add, &QPushButton::clicked, this, &ImportPreviewDialog::addToWorkspace);
    connect(m_cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_close, &QPushButton::clicked, this, &QDialog::accept);

    connect(m_list, &QTreeWidget::currentItemChanged, this, &ImportPreviewDialog::updateState);
    // Double-click, not itemActivated: Enter on a row also reaches the dialog's default button.
    connect(m_list, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item) {
        if (item && item->data(StatusColumn, kStatusRole).toString() ==
                        rowStatusId(RowStatus::NeedsPassphrase))
            unlock();
    });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_busy);
    layout->addWidget(m_summary);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    updateState();
}

ImportPreviewDialog::~ImportPreviewDialog()
{
    // A reader's last act is to post its result here; ~QObject discards what arrives now.
    for (QThread *thread : m_threads) {
        thread->wait();
        delete thread;
    }
}

void ImportPreviewDialog::addFiles(const QStringList &paths)
{
    for (const QString &path : paths)
        addSource({.path = path, .name = QDir::toNativeSeparators(path)});
}

void ImportPreviewDialog::addText(const QByteArray &text, const QString &sourceName)
{
    addSource({.name = sourceName.isEmpty() ? tr("Pasted text") : sourceName,
               .text = std::make_shared<const SecretBytes>(text)});
}

void ImportPreviewDialog::addSources(const ImportSources &sources, const QString &textName)
{
    addFiles(sources.files);
    if (!sources.text.trimmed().isEmpty())
        addText(sources.text, textName);
}

void ImportPreviewDialog::addSource(Source source)
{
    if (m_added)
        return;
    source.item = new QTreeWidgetItem(m_list);
    source.item->setText(LocationColumn, source.name);
    source.item->setToolTip(LocationColumn, source.name);
    source.item->setData(StatusColumn, kStatusRole, QStringLiteral("source"));
    QFont bold = source.item->font(LocationColumn);
    bold.setBold(true);
    source.item->setFont(LocationColumn, bold);
    m_sources.push_back(std::move(source));
    read(int(m_sources.size()) - 1);
}

void ImportPreviewDialog::read(int index)
{
    Source &source = m_sources[std::size_t(index)];
    source.reading = true;
    source.item->setText(StatusColumn, tr("reading…"));
    const bool wasBusy = isBusy();
    // The thread works on copies only (shared pointers to secrets nobody changes) and hands its
    // result back through the event loop; its QThread is reaped when that result arrives.
    QThread *thread = QThread::create([this, index, path = source.path, text = source.text,
                                       name = source.name, passphrases = source.passphrases] {
        const ImportResult result = readSource(path, text, name, passphrases);
        QMetaObject::invokeMethod(
            this,
            [this, index, result, thread = QThread::currentThread()] {
                sourceRead(index, result, thread);
            },
            Qt::QueuedConnection);
    });
    thread->setObjectName(QStringLiteral("baton-import"));
    m_threads.push_back(thread);
    thread->start();
    updateState();
    if (!wasBusy)
        emit busyChanged(true);
}

void ImportPreviewDialog::sourceRead(int index, const ImportResult &result, QThread *thread)
{
    // Posting this was the thread's last act: the wait is momentary.
    thread->wait();
    std::erase(m_threads, thread);
    delete thread;

    Source &source = m_sources[std::size_t(index)];
    source.reading = false;
    source.result = result;
    showSource(index);
    if (source.retried) {
        source.retried = false;
        const bool stillLocked = std::any_of(
            result.objects.cbegin(), result.objects.cend(), [this](const ImportedObject &object) {
                return classify(object) == RowStatus::NeedsPassphrase;
            });
        m_note = stillLocked ? tr("The passphrase did not open everything in %1.").arg(source.name)
                             : tr("Unlocked %1.").arg(source.name);
    }
    updateState();
    if (!isBusy())
        emit busyChanged(false);
}

void ImportPreviewDialog::showSource(int index)
{
    const Source &source = m_sources[std::size_t(index)];
    QTreeWidgetItem *parent = source.item;
    parent->setData(LocationColumn, Qt::UserRole, index);
    qDeleteAll(parent->takeChildren());
    const ImportResult &result = *source.result;
    const QPalette palette = m_list->palette();
    if (!result.error.isEmpty()) {
        parent->setText(StatusColumn, statusText(RowStatus::Error, result.error));
        parent->setToolTip(StatusColumn, result.error);
        parent->setForeground(StatusColumn, statusBrush(RowStatus::Error, palette));
    } else {
        parent->setText(StatusColumn, tr("%n object(s)", nullptr, int(result.objects.size())));
        parent->setToolTip(StatusColumn, QString());
        parent->setForeground(StatusColumn, palette.color(QPalette::Text));
    }
    for (qsizetype i = 0; i < result.objects.size(); ++i) {
        const ImportedObject &object = result.objects[i];
        const RowStatus status = classify(object);
        auto *item = new QTreeWidgetItem(parent);
        item->setData(LocationColumn, Qt::UserRole, int(i));
        item->setText(LocationColumn, object.location);
        item->setToolTip(LocationColumn, object.location);
        item->setText(SummaryColumn, object.summary);
        item->setToolTip(SummaryColumn, object.summary);
        item->setText(KindColumn, kindText(object.kind));
        const QString text = statusText(status, object.error);
        item->setText(StatusColumn, text);
        item->setToolTip(StatusColumn, text);
        item->setData(StatusColumn, kStatusRole, rowStatusId(status));
        item->setForeground(StatusColumn, statusBrush(status, palette));
    }
    parent->setExpanded(true);
}

ImportPreviewDialog::RowStatus ImportPreviewDialog::classify(const ImportedObject &object) const
{
    if (!object.error.isEmpty())
        return object.error.endsWith(kPassphraseNeeded) ? RowStatus::NeedsPassphrase
                                                        : RowStatus::Error;
    switch (object.kind) {
    case ImportedKind::Certificate:
        if (!object.certificate)
            break;
        return m_knownSha256.contains(
                   QString::fromLatin1(object.certificate->sha256Fingerprint().toHex()))
                   ? RowStatus::Present
                   : RowStatus::New;
    case ImportedKind::PrivateKey:
        if (!object.privateKey)
            break;
        return keyAlreadyHeld(object.privateKey.get()) ? RowStatus::Present : RowStatus::New;
    case ImportedKind::DelegatedCredential:
        if (!object.delegatedCredential)
            break;
        return m_knownDcs.contains(object.delegatedCredential->bytes) ? RowStatus::Present
                                                                      : RowStatus::New;
    case ImportedKind::CertificateRequest:
    case ImportedKind::Unknown:
        break;
    }
    return RowStatus::NotImportable;
}

bool ImportPreviewDialog::keyAlreadyHeld(const EVP_PKEY *key) const
{
    Workspace *workspace = m_session->workspace();
    auto held = workspace ? workspace->holdsKey(key) : Result<bool>(false);
    return held && *held;
}

QList<ImportedObject> ImportPreviewDialog::objects() const
{
    QList<ImportedObject> all;
    for (const Source &source : m_sources) {
        if (source.result)
            all << source.result->objects;
    }
    return all;
}

int ImportPreviewDialog::sourceNeedingPassphrase() const
{
    const auto needs = [this](const Source &source) {
        return !source.reading && source.result &&
               std::any_of(source.result->objects.cbegin(), source.result->objects.cend(),
                           [this](const ImportedObject &object) {
                               return classify(object) == RowStatus::NeedsPassphrase;
                           });
    };
    // The selected row's source first: with several encrypted files, the one the person
    // pointed at.
    if (QTreeWidgetItem *current = m_list->currentItem()) {
        while (current->parent())
            current = current->parent();
        const int index = current->data(LocationColumn, Qt::UserRole).toInt();
        if (current->data(LocationColumn, Qt::UserRole).isValid() &&
            needs(m_sources[std::size_t(index)]))
            return index;
    }
    for (std::size_t i = 0; i < m_sources.size(); ++i) {
        if (needs(m_sources[i]))
            return int(i);
    }
    return -1;
}

void ImportPreviewDialog::unlock()
{
    const int index = sourceNeedingPassphrase();
    if (index < 0 || isBusy() || m_added)
        return;
    const Source &source = m_sources[std::size_t(index)];
    QStringList locked;
    for (const ImportedObject &object : source.result->objects) {
        if (classify(object) == RowStatus::NeedsPassphrase)
            locked << object.location;
    }
    // Any passphrase is accepted here: whether it opens the objects is the importer's call,
    // made off this thread, and the rows say how it went.
    auto *ask = new PassphraseDialog(
        [](const QByteArray &, std::function<void(const Status &)> done) { done({}); }, this);
    ask->setAttribute(Qt::WA_DeleteOnClose);
    ask->setWindowTitle(tr("Passphrase for %1").arg(source.name));
    ask->setPrompt(
        tr("Enter the passphrase of %1 (%2).").arg(source.name, locked.join(QStringLiteral(", "))));
    connect(ask, &QDialog::accepted, this, [this, index, ask] {
        Source &chosen = m_sources[std::size_t(index)];
        chosen.passphrases.push_back(
            std::make_shared<const SecretBytes>(ask->passphraseEdit()->text().toUtf8()));
        ask->passphraseEdit()->clear();
        chosen.retried = true;
        read(index);
    });
    ask->open();
}

void ImportPreviewDialog::addToWorkspace()
{
    if (m_added || isBusy() || !m_add->isEnabled())
        return;
    const QList<ImportedObject> all = objects();
    const bool keys = std::any_of(all.cbegin(), all.cend(), holdsKey);
    if (!keys) {
        importNow();
        return;
    }
    unlockThen(*m_session, this,
               tr("Private keys are being imported: enter the workspace passphrase to seal "
                  "them into %1.")
                   .arg(m_session->path()),
               [this] { importNow(); });
}

void ImportPreviewDialog::importNow()
{
    if (!m_session->isOpen()) {
        showError(tr("No workspace is open."));
        return;
    }
    // Every object goes in, so that each row gets the workspace's own verdict (an unreadable
    // object is reported as failed, a request as skipped) and outcomes line up with rows.
    // Sealing runs scrypt, a good half second per key: off this thread.
    m_importing = true;
    updateState();
    m_session->runInBackground<ImportReport>(
        [objects = objects(), now = m_session->clock().now()](Workspace &workspace) {
            return workspace.importObjects(objects, now);
        },
        this,
        [this](Result<ImportReport> report) {
            m_importing = false;
            showImported(report);
        });
}

void ImportPreviewDialog::showImported(const Result<ImportReport> &report)
{
    if (!report) {
        showError(tr("Nothing was added: %1").arg(report.errorMessage()));
        updateState();
        return;
    }
    showError(QString());
    m_outcomes = report->objects;
    m_added = true;

    const QPalette palette = m_list->palette();
    qsizetype next = 0;
    for (const Source &source : m_sources) {
        for (int i = 0; i < source.item->childCount() && next < m_outcomes.size(); ++i, ++next) {
            const ImportOutcome &outcome = m_outcomes[next];
            const RowStatus status = outcomeStatus(outcome.result);
            QTreeWidgetItem *item = source.item->child(i);
            const QString text = statusText(status, outcome.detail);
            item->setText(StatusColumn, text);
            item->setToolTip(StatusColumn, text);
            item->setData(StatusColumn, kStatusRole, rowStatusId(status));
            item->setForeground(StatusColumn, statusBrush(status, palette));
        }
    }
    if (!report->renewedPolicies.isEmpty())
        m_note = tr("%n rotation policy(ies) moved to a renewed certificate: their DCs are "
                    "superseded, so rotate now to issue fresh ones.",
                    nullptr, int(report->renewedPolicies.size()));
    else
        m_note.clear();

    m_add->hide();
    m_unlock->hide();
    m_cancel->hide();
    m_close->show();
    m_close->setDefault(true);
    m_close->setFocus();
    if (auto reloaded = m_session->reload(); !reloaded)
        showError(reloaded.errorMessage());
    updateState();
    emit imported(m_outcomes);
}

void ImportPreviewDialog::updateState()
{
    const bool busy = isBusy();
    m_busy->setVisible(busy);
    m_unlock->setEnabled(!m_added && !busy && sourceNeedingPassphrase() >= 0);

    QMap<RowStatus, int> counts;
    qsizetype total = 0;
    if (m_added) {
        for (const ImportOutcome &outcome : std::as_const(m_outcomes))
            ++counts[outcomeStatus(outcome.result)];
    } else {
        for (const Source &source : m_sources) {
            if (!source.result)
                continue;
            for (const ImportedObject &object : source.result->objects)
                ++counts[classify(object)];
            total += source.result->objects.size();
        }
    }
    m_add->setEnabled(!m_added && !busy && counts.value(RowStatus::New) > 0);

    QStringList parts;
    const auto part = [&](RowStatus status, const QString &text) {
        if (counts.value(status) > 0)
            parts << text.arg(counts.value(status));
    };
    QString summary;
    if (m_added) {
        part(RowStatus::Added, tr("%1 added"));
        part(RowStatus::AlreadyPresent, tr("%1 already present"));
        part(RowStatus::Skipped, tr("%1 skipped"));
        part(RowStatus::Failed, tr("%1 failed"));
        summary = tr("Import finished: %1.").arg(parts.join(tr(", ")));
    } else if (busy) {
        summary = tr("Reading…");
    } else if (!m_sources.empty()) {
        part(RowStatus::New, tr("%1 new"));
        part(RowStatus::Present, tr("%1 already in the workspace"));
        part(RowStatus::NeedsPassphrase, tr("%1 need a passphrase"));
        part(RowStatus::Error, tr("%1 unreadable"));
        part(RowStatus::NotImportable, tr("%1 not kept in a workspace"));
        summary = tr("%n object(s) found", nullptr, int(total));
        if (!parts.isEmpty())
            summary += tr(": %1").arg(parts.join(tr(", ")));
        summary += tr(".");
    }
    if (!m_note.isEmpty())
        summary += QLatin1Char(' ') + m_note;
    m_summary->setText(summary);
}

void ImportPreviewDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

} // namespace baton::ui
