#pragma once

#include "ImportSources.h"
#include "import/Importer.h"
#include "store/Workspace.h"

#include <QDialog>
#include <QSet>
#include <memory>
#include <optional>
#include <vector>

class QDialogButtonBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QThread;
class QTreeWidget;
class QTreeWidgetItem;

namespace baton::ui {

class WorkspaceSession;

/// Shows everything an import would add before anything is added: each source (a file, or
/// pasted or dropped text) with every object the importer found in it and where each stands
/// against the workspace. Sources are read off the UI thread (a file can be 16 MiB, a PKCS#12
/// can have a slow KDF). Encrypted objects can be unlocked with their passphrase, which reads
/// that source again. Nothing is written until "Add to workspace"; then the outcome of every
/// object replaces its status and the session is reloaded.
class ImportPreviewDialog : public QDialog
{
    Q_OBJECT

public:
    /// Where an object row stands: before adding, then (from Added on) after.
    enum class RowStatus
    {
        New,
        Present,         ///< already in the workspace
        NeedsPassphrase, ///< encrypted, not decrypted (yet)
        Error,           ///< unreadable; the error says why
        NotImportable,   ///< read, but a workspace does not keep it (requests, public keys)
        Added,
        AlreadyPresent,
        Skipped,
        Failed,
    };
    /// Stable ids ("new", "present", "passphrase", "error", "not-importable", "added",
    /// "already-present", "skipped", "failed"), kept as each row's kStatusRole.
    static QString rowStatusId(RowStatus status);

    enum Column
    {
        LocationColumn,
        SummaryColumn,
        KindColumn,
        StatusColumn,
        ColumnCount
    };
    /// On every row's StatusColumn: rowStatusId for object rows, "source" for source rows.
    static constexpr int kStatusRole = Qt::UserRole + 1;

    explicit ImportPreviewDialog(WorkspaceSession *session, QWidget *parent = nullptr);
    /// Waits for sources still being read (nothing can stop the importer midway).
    ~ImportPreviewDialog() override;

    /// Reads each source in the background; its rows appear when it has been read.
    void addFiles(const QStringList &paths);
    /// `sourceName` names the text in the list and in messages ("Pasted text" when empty).
    void addText(const QByteArray &text, const QString &sourceName = {});
    /// A drop's or the clipboard's offer; `textName` as for addText.
    void addSources(const ImportSources &sources, const QString &textName = {});

    /// Sources are being read, or the objects added.
    bool isBusy() const { return !m_threads.empty() || m_importing; }
    /// Every object read, in row order.
    QList<ImportedObject> objects() const;
    /// The workspace's word on each object once added, in row order; empty before.
    const QList<ImportOutcome> &outcomes() const { return m_outcomes; }
    bool hasAdded() const { return m_added; }

    QTreeWidget *objectList() const { return m_list; }
    QPushButton *unlockButton() const { return m_unlock; }
    QPushButton *addButton() const { return m_add; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *closeButton() const { return m_close; }
    QLabel *summaryLabel() const { return m_summary; }
    QLabel *errorLabel() const { return m_error; }

public slots:
    /// Asks for the passphrase of the selected row's source (or of the first source that
    /// needs one) and reads that source again with it.
    void unlock();
    /// Adds every object, asking for the workspace passphrase first when keys are among them
    /// and the workspace is locked.
    void addToWorkspace();

signals:
    void busyChanged(bool busy);
    /// The workspace took the objects; the rows show outcomes and the session is reloaded.
    void imported(const QList<baton::ImportOutcome> &outcomes);

private:
    /// One input. Text and passphrases are shared with the thread reading them and wiped by
    /// whichever lets go last.
    struct Source
    {
        QString path{}; ///< empty for text
        QString name{};
        std::shared_ptr<const SecretBytes> text{};
        std::vector<std::shared_ptr<const SecretBytes>> passphrases{};
        std::optional<ImportResult> result{};
        bool reading = false;
        bool retried = false; ///< read again with a new passphrase: say how that went
        QTreeWidgetItem *item = nullptr;
    };

    void addSource(Source source);
    void read(int index);
    void sourceRead(int index, const ImportResult &result, QThread *thread);
    void showSource(int index);
    RowStatus classify(const ImportedObject &object) const;
    bool keyAlreadyHeld(const EVP_PKEY *key) const;
    int sourceNeedingPassphrase() const;
    void importNow();
    /// The rows' outcomes once the workspace has taken the objects (or why it took none).
    void showImported(const Result<ImportReport> &report);
    void updateState();
    void showError(const QString &message);

    WorkspaceSession *m_session = nullptr;
    std::vector<Source> m_sources;
    std::vector<QThread *> m_threads;
    QList<ImportOutcome> m_outcomes;
    bool m_added = false;
    bool m_importing = false; ///< the workspace is taking the objects, off the UI thread
    QString m_note;           ///< what the last unlock achieved, for the summary line
    QSet<QString> m_knownSha256;
    QSet<QByteArray> m_knownDcs;
    /// The public keys of workspace certificates whose key the vault holds, read when the
    /// first key row is classified.

    QTreeWidget *m_list = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_unlock = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_close = nullptr;
};

} // namespace baton::ui
