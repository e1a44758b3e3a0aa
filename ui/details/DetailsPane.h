#pragma once

// The selection in detail: a certificate (identity, validity, DC readiness, client support, its
// rotation policy, its extensions decoded and raw, its PEM) or a DC (its fields and every
// verification check). Loads the one selected certificate from the workspace; the lists
// elsewhere work from summaries.

#include "dc/DcCheck.h"
#include "store/Workspace.h"
#include "x509/CertificateModel.h"

#include <QPointer>
#include <QTabWidget>
#include <optional>

class QFormLayout;
class QGroupBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace baton::ui {

class CheckList;
class ValidityBar;
class WorkspaceSession;

class DetailsPane : public QTabWidget
{
    Q_OBJECT

public:
    /// `session` is borrowed; the pane follows its snapshot (times, policy statuses).
    explicit DetailsPane(WorkspaceSession *session, QWidget *parent = nullptr);

    /// What is shown: the certificate (a DC's certificate for a DC), the DC; 0 for none.
    qint64 certificateId() const { return m_certificateId; }
    qint64 dcId() const { return m_dcId; }

    QWidget *overviewTab() const { return m_overviewTab; }
    QWidget *extensionsTab() const { return m_extensionsTab; }
    QWidget *dcTab() const { return m_dcTab; }
    QWidget *pemTab() const { return m_pemTab; }

public slots:
    void showCertificate(qint64 id);
    void showDc(qint64 id);
    void clear();

private:
    QWidget *createOverviewTab();
    QWidget *createExtensionsTab();
    QWidget *createDcTab();
    QWidget *createPemTab();
    QLabel *addField(QFormLayout *form, const QString &label, const QString &objectName);

    /// A new snapshot: statuses and times again, the certificate again only if it changed.
    void followSnapshot();
    /// The certificate, from the workspace unless it is the one already held.
    bool loadCertificate(qint64 id);
    void showMessage(const QString &message);
    void fillIdentity();
    void fillExtensions();
    /// The parts that depend on now and on the snapshot: validity, readiness, policy, the DC.
    void refreshTimed();
    /// Looks for the token holding the certificate's key in the background, then shows
    /// whether it is reachable among the readiness checks.
    void checkToken(const TokenKeyRecord &key);
    void fillDc();
    void setPem(const QString &pem, const QString &hex, const QString &shown);
    void showExtensionRaw(QTreeWidgetItem *item);
    void copyToClipboard(const QString &text);

    QPointer<WorkspaceSession> m_session;
    qint64 m_certificateId = 0;
    qint64 m_dcId = 0;
    std::optional<CertificateRecord> m_record;
    std::optional<DcCheck> m_tokenCheck; ///< once checkToken knows
    QList<ModelSection> m_extensionSections;
    QString m_pemText;
    QString m_hexText;

    QWidget *m_overviewTab = nullptr;
    QWidget *m_extensionsTab = nullptr;
    QWidget *m_dcTab = nullptr;
    QWidget *m_pemTab = nullptr;

    // Overview
    QLabel *m_title = nullptr;
    QLabel *m_subtitle = nullptr;
    QLabel *m_message = nullptr;
    QGroupBox *m_identityGroup = nullptr;
    QLabel *m_subject = nullptr;
    QLabel *m_issuer = nullptr;
    QLabel *m_sans = nullptr;
    QLabel *m_serial = nullptr;
    QLabel *m_sha256 = nullptr;
    QGroupBox *m_validityGroup = nullptr;
    ValidityBar *m_validityBar = nullptr;
    QLabel *m_validityText = nullptr;
    QGroupBox *m_readinessGroup = nullptr;
    QLabel *m_readinessSummary = nullptr;
    CheckList *m_readinessChecks = nullptr;
    QGroupBox *m_clientsGroup = nullptr;
    CheckList *m_clientChecks = nullptr;
    QGroupBox *m_policyGroup = nullptr;
    QLabel *m_policyStatus = nullptr;
    QLabel *m_policyReason = nullptr;
    QLabel *m_policyNext = nullptr;
    QLabel *m_policySettings = nullptr;

    // Extensions
    QTreeWidget *m_extensions = nullptr;
    QPlainTextEdit *m_extensionRaw = nullptr;

    // DC
    QLabel *m_dcRole = nullptr;
    QLabel *m_dcCertificate = nullptr;
    QLabel *m_dcIssued = nullptr;
    QLabel *m_dcValidTime = nullptr;
    QLabel *m_dcExpiry = nullptr;
    QLabel *m_dcKeyScheme = nullptr;
    QLabel *m_dcSignatureScheme = nullptr;
    QLabel *m_dcPublicKey = nullptr;
    QLabel *m_dcState = nullptr;
    ValidityBar *m_dcValidityBar = nullptr;
    QLabel *m_dcVerdict = nullptr;
    CheckList *m_dcChecks = nullptr;

    // PEM
    QPlainTextEdit *m_pem = nullptr;
    QPushButton *m_copyPem = nullptr;
    QPushButton *m_copyHex = nullptr;
};

} // namespace baton::ui
