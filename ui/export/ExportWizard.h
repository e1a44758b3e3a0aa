#pragma once

#include "crypto/OpenSsl.h"
#include "dc/DcVerifier.h"
#include "export/BundleExport.h"
#include "export/BundleVerifier.h"
#include "store/Workspace.h"

#include <QWizard>
#include <optional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTreeWidget;

namespace baton::ui {

class CheckList;
class WorkspaceSession;

/// Exports one DC of the workspace as a server bundle: the profile (which server stack loads
/// it) and tar.gz or not, the directory, a preview of exactly the files that will be written
/// (built, not written), then the export itself as a new generation with DIR/current swapped
/// to it, and `bundle verify`'s checks on what was written.
class ExportWizard : public QWizard
{
    Q_OBJECT

public:
    enum PageId
    {
        ProfilePage,
        DestinationPage,
        PreviewPage,
        ResultPage
    };

    ExportWizard(WorkspaceSession *session, qint64 dcId, QWidget *parent = nullptr);
    ~ExportWizard() override;

    /// One line: which server loads the profile's bundle, and how.
    static QString profileDescription(const QString &profile);

    qint64 dcId() const { return m_dcId; }
    QString profileName() const;
    bool tarChosen() const;
    QString directory() const;

    /// What the export wrote (set once the preview page has been committed).
    const std::optional<BundleExportResult> &exportResult() const { return m_exported; }
    /// `bundle verify` on the directory after the export.
    const std::optional<BundleVerification> &verification() const { return m_verification; }

    QListWidget *profileList() const { return m_profiles; }
    QCheckBox *tarCheck() const { return m_tar; }
    QLineEdit *directoryEdit() const { return m_directory; }
    QPushButton *browseButton() const { return m_browse; }
    /// The DC's sealed key is being opened for the preview (off the UI thread).
    bool isOpeningKey() const { return m_openingKey; }
    QTreeWidget *previewList() const { return m_preview; }
    QPushButton *previewUnlockButton() const { return m_unlock; }
    QLabel *previewErrorLabel() const { return m_previewError; }
    QLabel *resultHeadline() const { return m_headline; }
    QLabel *resultDetails() const { return m_resultDetails; }
    CheckList *resultChecks() const { return m_checks; }

    /// Checks the directory, and on the preview page performs the export.
    bool validateCurrentPage() override;

signals:
    /// The bundle was written to `generationPath` (DIR/current points at it); `valid` is
    /// `bundle verify`'s verdict.
    void exported(const QString &generationPath, bool valid);

protected:
    void initializePage(int id) override;

private:
    void buildProfilePage();
    void buildDestinationPage();
    void buildPreviewPage();
    void buildResultPage();
    std::optional<BundleProfile> chosenProfile() const;
    BundleInput bundleInput() const;
    void unlockForPreview();
    void openKeyInBackground();
    void buildPreview();
    bool runExport();
    void showResult();

    WorkspaceSession *m_session = nullptr;
    qint64 m_dcId = 0;
    std::optional<DcRecord> m_dc;
    QList<Certificate> m_chain; ///< the leaf, then the intermediates the workspace holds
    QString m_problem;          ///< why this DC cannot be exported at all
    DcVerification m_dcVerification;
    EvpPkeyPtr m_key;
    QString m_keyError; ///< why the DC's key could not be opened
    bool m_openingKey = false;
    bool m_previewReady = false;
    std::optional<BundleExportResult> m_exported;
    std::optional<BundleVerification> m_verification;
    QString m_verifyError; ///< why `bundle verify` could not judge what was written
    QString m_logError;    ///< the export happened but the event log did not take it

    QLabel *m_dcLabel = nullptr;
    QLabel *m_problemLabel = nullptr;
    QListWidget *m_profiles = nullptr;
    QCheckBox *m_tar = nullptr;
    QLineEdit *m_directory = nullptr;
    QPushButton *m_browse = nullptr;
    QLabel *m_destinationNote = nullptr;
    QTreeWidget *m_preview = nullptr;
    QLabel *m_previewNote = nullptr;
    QLabel *m_previewError = nullptr;
    QPushButton *m_unlock = nullptr;
    QLabel *m_headline = nullptr;
    QLabel *m_resultDetails = nullptr;
    CheckList *m_checks = nullptr;
};

} // namespace baton::ui
