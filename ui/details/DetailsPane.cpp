#include "DetailsPane.h"

#include "CheckList.h"
#include "ValidityBar.h"
#include "common/Pem.h"
#include "common/TimeFormat.h"
#include "crypto/KeyType.h"
#include "dc/DcReadiness.h"
#include "dc/DcVerifier.h"
#include "pkcs11/TokenKey.h"
#include "session/WorkspaceSession.h"
#include "tls/SignatureScheme.h"

#include <QBoxLayout>
#include <QClipboard>
#include <QFontDatabase>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTreeWidget>
#include <QtConcurrent/QtConcurrentRun>

namespace baton::ui {

namespace {

enum ExtensionColumn
{
    ExtensionNameColumn,
    ExtensionValueColumn,
    ExtensionCriticalColumn,
};

constexpr int kSectionRole = Qt::UserRole + 1;

QString relativeUtc(const QDateTime &now, const QDateTime &instant)
{
    return QStringLiteral("%1 (%2)").arg(formatUtc(instant), formatRelative(now, instant));
}

/// "0000  30 0a 06 08 …": sixteen bytes a line with their offset, as hex dumps read.
QString hexDump(const QByteArray &bytes)
{
    QString text;
    for (qsizetype offset = 0; offset < bytes.size(); offset += 16) {
        text += QStringLiteral("%1  ").arg(offset, 4, 16, QLatin1Char('0'));
        text += QString::fromLatin1(bytes.mid(offset, 16).toHex(' '));
        text += QLatin1Char('\n');
    }
    return text;
}

void addFields(QTreeWidgetItem *parent, const QList<ModelField> &fields)
{
    for (const ModelField &field : fields) {
        auto *item = new QTreeWidgetItem(parent, {field.label, field.value});
        item->setToolTip(ExtensionValueColumn, field.value);
        addFields(item, field.children);
    }
}

QScrollArea *scrolled(QWidget *content)
{
    auto *area = new QScrollArea;
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setWidget(content);
    return area;
}

/// A form whose values move beneath their labels when the pane is too narrow for both side by
/// side: a 40-digit serial beside its label would otherwise make the pane scroll sideways.
QFormLayout *narrowingForm(QWidget *parent)
{
    auto *form = new QFormLayout(parent);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    return form;
}

QLabel *selectableLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    return label;
}

QString rotationStatusText(RotationStatus status)
{
    switch (status) {
    case RotationStatus::Ok:
        return DetailsPane::tr("OK");
    case RotationStatus::Due:
        return DetailsPane::tr("Due");
    case RotationStatus::Expired:
        return DetailsPane::tr("DCs expired");
    case RotationStatus::Blocked:
        return DetailsPane::tr("Blocked");
    case RotationStatus::CertExpiring:
        return DetailsPane::tr("Cert expiring");
    }
    return {};
}

} // namespace

DetailsPane::DetailsPane(WorkspaceSession *session, QWidget *parent)
    : QTabWidget(parent), m_session(session)
{
    setObjectName(QStringLiteral("detailsPane"));
    setAccessibleName(tr("Details"));
    setDocumentMode(true);
    m_overviewTab = createOverviewTab();
    m_extensionsTab = createExtensionsTab();
    m_dcTab = createDcTab();
    m_pemTab = createPemTab();
    addTab(m_overviewTab, tr("Overview"));
    addTab(m_extensionsTab, tr("Extensions"));
    addTab(m_dcTab, tr("DC"));
    addTab(m_pemTab, tr("PEM"));
    if (session) {
        connect(session, &WorkspaceSession::workspaceChanged, this, &DetailsPane::clear);
        connect(session, &WorkspaceSession::snapshotChanged, this, &DetailsPane::followSnapshot);
    }
    clear();
}

QLabel *DetailsPane::addField(QFormLayout *form, const QString &label, const QString &objectName)
{
    QLabel *value = selectableLabel(form->parentWidget());
    value->setObjectName(objectName);
    value->setAccessibleName(label);
    form->addRow(label, value);
    return value;
}

QWidget *DetailsPane::createOverviewTab()
{
    auto *content = new QWidget;
    auto *layout = new QVBoxLayout(content);

    m_title = selectableLabel(content);
    m_title->setObjectName(QStringLiteral("overviewTitle"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_subtitle = selectableLabel(content);
    m_subtitle->setObjectName(QStringLiteral("overviewSubtitle"));
    m_message = selectableLabel(content);
    m_message->setObjectName(QStringLiteral("overviewMessage"));
    layout->addWidget(m_title);
    layout->addWidget(m_subtitle);
    layout->addWidget(m_message);

    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_identityGroup = new QGroupBox(tr("Identity"), content);
    auto *identity = narrowingForm(m_identityGroup);
    m_subject = addField(identity, tr("Subject"), QStringLiteral("subjectValue"));
    m_issuer = addField(identity, tr("Issuer"), QStringLiteral("issuerValue"));
    m_sans = addField(identity, tr("Subject alternative names"), QStringLiteral("sansValue"));
    m_serial = addField(identity, tr("Serial number"), QStringLiteral("serialValue"));
    m_serial->setFont(fixed);
    m_sha256 = addField(identity, tr("SHA-256 fingerprint"), QStringLiteral("sha256Value"));
    m_sha256->setFont(fixed);
    layout->addWidget(m_identityGroup);

    m_validityGroup = new QGroupBox(tr("Validity"), content);
    auto *validity = new QVBoxLayout(m_validityGroup);
    m_validityBar = new ValidityBar(m_validityGroup);
    m_validityText = selectableLabel(m_validityGroup);
    m_validityText->setObjectName(QStringLiteral("validityText"));
    validity->addWidget(m_validityBar);
    validity->addWidget(m_validityText);
    layout->addWidget(m_validityGroup);

    m_readinessGroup = new QGroupBox(tr("DC readiness"), content);
    m_readinessGroup->setObjectName(QStringLiteral("readinessGroup"));
    auto *readiness = new QVBoxLayout(m_readinessGroup);
    m_readinessSummary = selectableLabel(m_readinessGroup);
    m_readinessSummary->setObjectName(QStringLiteral("readinessSummary"));
    m_readinessChecks = new CheckList(m_readinessGroup);
    m_readinessChecks->setObjectName(QStringLiteral("readinessChecks"));
    readiness->addWidget(m_readinessSummary);
    readiness->addWidget(m_readinessChecks);
    layout->addWidget(m_readinessGroup);

    m_clientsGroup = new QGroupBox(tr("Client compatibility"), content);
    m_clientsGroup->setObjectName(QStringLiteral("clientsGroup"));
    auto *clients = new QVBoxLayout(m_clientsGroup);
    m_clientChecks = new CheckList(m_clientsGroup);
    m_clientChecks->setObjectName(QStringLiteral("clientChecks"));
    clients->addWidget(m_clientChecks);
    layout->addWidget(m_clientsGroup);

    m_policyGroup = new QGroupBox(tr("Rotation policy"), content);
    m_policyGroup->setObjectName(QStringLiteral("policyGroup"));
    auto *policy = narrowingForm(m_policyGroup);
    m_policyStatus = addField(policy, tr("Status"), QStringLiteral("policyStatus"));
    m_policyReason = addField(policy, tr("Reason"), QStringLiteral("policyReason"));
    m_policyNext = addField(policy, tr("Next rotation"), QStringLiteral("policyNext"));
    m_policySettings = addField(policy, tr("Policy"), QStringLiteral("policySettings"));
    layout->addWidget(m_policyGroup);
    layout->addStretch(1);

    QScrollArea *area = scrolled(content);
    area->setObjectName(QStringLiteral("overviewTab"));
    return area;
}

QWidget *DetailsPane::createExtensionsTab()
{
    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->setObjectName(QStringLiteral("extensionsTab"));
    m_extensions = new QTreeWidget(splitter);
    m_extensions->setObjectName(QStringLiteral("extensionsTree"));
    m_extensions->setAccessibleName(tr("Extensions"));
    m_extensions->setHeaderLabels({tr("Extension"), tr("Value"), tr("Critical")});
    m_extensions->setAlternatingRowColors(true);
    m_extensions->setColumnWidth(ExtensionNameColumn, 260);
    // The value takes what is left, so the Critical column stays in sight.
    m_extensions->header()->setStretchLastSection(false);
    m_extensions->header()->setSectionResizeMode(ExtensionValueColumn, QHeaderView::Stretch);
    m_extensions->header()->setSectionResizeMode(ExtensionCriticalColumn,
                                                 QHeaderView::ResizeToContents);
    connect(m_extensions, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem *current) { showExtensionRaw(current); });

    m_extensionRaw = new QPlainTextEdit(splitter);
    m_extensionRaw->setObjectName(QStringLiteral("extensionRaw"));
    m_extensionRaw->setAccessibleName(tr("Raw extension value"));
    m_extensionRaw->setReadOnly(true);
    m_extensionRaw->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_extensionRaw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_extensionRaw->setPlaceholderText(
        tr("Select an extension to see its raw value and ASN.1 structure"));
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    return splitter;
}

QWidget *DetailsPane::createDcTab()
{
    auto *content = new QWidget;
    auto *layout = new QVBoxLayout(content);

    auto *fieldsGroup = new QGroupBox(tr("Delegated credential"), content);
    auto *fields = narrowingForm(fieldsGroup);
    m_dcRole = addField(fields, tr("Role"), QStringLiteral("dcRole"));
    m_dcCertificate = addField(fields, tr("Certificate"), QStringLiteral("dcCertificate"));
    m_dcIssued = addField(fields, tr("Issued"), QStringLiteral("dcIssued"));
    m_dcValidTime = addField(fields, tr("valid_time"), QStringLiteral("dcValidTime"));
    m_dcExpiry = addField(fields, tr("Expires"), QStringLiteral("dcExpiry"));
    m_dcValidityBar = new ValidityBar(fieldsGroup);
    m_dcValidityBar->setObjectName(QStringLiteral("dcValidityBar"));
    fields->addRow(QString(), m_dcValidityBar);
    m_dcKeyScheme = addField(fields, tr("DC key scheme (dc_cert_verify_algorithm)"),
                             QStringLiteral("dcKeyScheme"));
    m_dcSignatureScheme =
        addField(fields, tr("Signed with (algorithm)"), QStringLiteral("dcSignatureScheme"));
    m_dcPublicKey = addField(fields, tr("DC public key"), QStringLiteral("dcPublicKey"));
    m_dcState = addField(fields, tr("State"), QStringLiteral("dcState"));
    layout->addWidget(fieldsGroup);

    auto *checksGroup = new QGroupBox(tr("Verification"), content);
    auto *checks = new QVBoxLayout(checksGroup);
    m_dcVerdict = selectableLabel(checksGroup);
    m_dcVerdict->setObjectName(QStringLiteral("dcVerdict"));
    m_dcChecks = new CheckList(checksGroup);
    m_dcChecks->setObjectName(QStringLiteral("dcChecks"));
    checks->addWidget(m_dcVerdict);
    checks->addWidget(m_dcChecks);
    layout->addWidget(checksGroup);
    layout->addStretch(1);

    QScrollArea *area = scrolled(content);
    area->setObjectName(QStringLiteral("dcTab"));
    return area;
}

QWidget *DetailsPane::createPemTab()
{
    auto *tab = new QWidget;
    tab->setObjectName(QStringLiteral("pemTab"));
    auto *layout = new QVBoxLayout(tab);
    m_pem = new QPlainTextEdit(tab);
    m_pem->setObjectName(QStringLiteral("pemView"));
    m_pem->setAccessibleName(tr("PEM"));
    m_pem->setReadOnly(true);
    m_pem->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_pem->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(m_pem, 1);

    auto *buttons = new QHBoxLayout;
    m_copyPem = new QPushButton(tr("Copy PEM"), tab);
    m_copyPem->setObjectName(QStringLiteral("copyPemButton"));
    m_copyPem->setAccessibleName(tr("Copy PEM"));
    m_copyHex = new QPushButton(tr("Copy hex"), tab);
    m_copyHex->setObjectName(QStringLiteral("copyHexButton"));
    m_copyHex->setAccessibleName(tr("Copy hex"));
    connect(m_copyPem, &QPushButton::clicked, this, [this] { copyToClipboard(m_pemText); });
    connect(m_copyHex, &QPushButton::clicked, this, [this] { copyToClipboard(m_hexText); });
    buttons->addStretch(1);
    buttons->addWidget(m_copyPem);
    buttons->addWidget(m_copyHex);
    layout->addLayout(buttons);
    return tab;
}

void DetailsPane::clear()
{
    m_certificateId = m_dcId = 0;
    m_record.reset();
    showMessage(tr("Select a certificate or a DC to see its details."));
}

void DetailsPane::showMessage(const QString &message)
{
    m_title->clear();
    m_subtitle->hide();
    m_message->setText(message);
    m_message->show();
    for (QGroupBox *group :
         {m_identityGroup, m_validityGroup, m_readinessGroup, m_clientsGroup, m_policyGroup})
        group->hide();
    m_extensions->clear();
    m_extensionSections.clear();
    m_extensionRaw->clear();
    m_dcChecks->setChecks({});
    setPem({}, {}, {});
    setTabEnabled(indexOf(m_extensionsTab), false);
    setTabEnabled(indexOf(m_pemTab), false);
    setTabVisible(indexOf(m_dcTab), false);
    setCurrentWidget(m_overviewTab);
}

void DetailsPane::followSnapshot()
{
    if (!m_certificateId)
        return;
    const CertificateSummary *summary = m_session->snapshot().certificate(m_certificateId);
    if (!summary) {
        clear();
        return;
    }
    // Kept otherwise: reloading would rebuild the extensions tree under the user every minute.
    if (m_record &&
        (summary->supersededBy != m_record->supersededBy || summary->hasKey != m_record->hasKey))
        m_record.reset();
    if (m_dcId)
        showDc(m_dcId);
    else
        showCertificate(m_certificateId);
}

bool DetailsPane::loadCertificate(qint64 id)
{
    if (m_record && m_record->id == id)
        return true;
    m_record.reset();
    if (!m_session || !m_session->workspace()) {
        showMessage(tr("No workspace is open."));
        return false;
    }
    auto record = m_session->workspace()->certificate(id);
    if (!record) {
        showMessage(tr("The certificate cannot be read: %1").arg(record.errorMessage()));
        return false;
    }
    m_record = std::move(record).value();
    m_tokenCheck.reset();
    if (m_record->tokenKey.onToken())
        checkToken(m_record->tokenKey);
    fillIdentity();
    fillExtensions();
    return true;
}

void DetailsPane::showCertificate(qint64 id)
{
    const bool same = m_certificateId == id && m_dcId == 0;
    m_dcId = 0;
    m_certificateId = id;
    if (!loadCertificate(id)) {
        m_certificateId = 0;
        return;
    }
    const Certificate &certificate = m_record->certificate;
    setPem(QString::fromLatin1(encodePem(QStringLiteral("CERTIFICATE"), certificate.der())),
           QString::fromLatin1(certificate.der().toHex()), {});
    refreshTimed();
    setTabVisible(indexOf(m_dcTab), false);
    if (!same)
        setCurrentWidget(m_overviewTab);
}

void DetailsPane::showDc(qint64 id)
{
    const DcRecord *dc = m_session ? m_session->snapshot().dc(id) : nullptr;
    if (!dc) {
        clear();
        return;
    }
    const bool same = m_dcId == id;
    m_dcId = id;
    m_certificateId = dc->certificateId;
    if (!loadCertificate(dc->certificateId)) {
        m_certificateId = m_dcId = 0;
        return;
    }
    const QString label = dc->role == DcRole::Server
                              ? QStringLiteral("SERVER DELEGATED CREDENTIAL")
                              : QStringLiteral("CLIENT DELEGATED CREDENTIAL");
    const QString pem = QString::fromLatin1(encodePem(label, dc->bytes));
    const QString hex = QString::fromLatin1(dc->bytes.toHex());
    setPem(pem, hex,
           pem + QLatin1Char('\n') + tr("Hex, %1 bytes:").arg(dc->bytes.size()) +
               QLatin1Char('\n') + hexDump(dc->bytes));
    refreshTimed();
    setTabVisible(indexOf(m_dcTab), true);
    if (!same)
        setCurrentWidget(m_dcTab);
}

void DetailsPane::fillIdentity()
{
    const Certificate &certificate = m_record->certificate;
    m_message->hide();
    m_title->setText(certificate.displayName());
    QStringList facts{certificate.isCa() ? tr("CA certificate") : tr("Certificate")};
    facts << (m_record->tokenKey.onToken()
                  ? tr("private key on token '%1'").arg(m_record->tokenKey.token)
              : m_record->hasKey ? tr("private key in the workspace")
                                 : tr("no private key in the workspace"));
    if (m_record->supersededBy != 0)
        facts << tr("superseded by a renewed certificate");
    m_subtitle->setText(facts.join(QStringLiteral(" · ")));
    m_subtitle->show();
    m_subject->setText(certificate.subject());
    m_issuer->setText(certificate.issuer());
    const QStringList sans = certificate.dnsNames();
    m_sans->setText(sans.isEmpty() ? tr("none") : sans.join(QStringLiteral(", ")));
    m_serial->setText(certificate.serialNumberHex());
    m_sha256->setText(colonHex(certificate.sha256Fingerprint()));
    m_identityGroup->show();
    m_validityGroup->show();
    m_readinessGroup->show();
    m_clientsGroup->show();
    setTabEnabled(indexOf(m_extensionsTab), true);
    setTabEnabled(indexOf(m_pemTab), true);
}

void DetailsPane::fillExtensions()
{
    m_extensions->clear();
    m_extensionRaw->clear();
    m_extensionSections.clear();
    const CertificateModel model = describeCertificate(m_record->certificate);
    const QIcon noteIcon = style()->standardIcon(QStyle::SP_MessageBoxInformation);
    for (const ModelSection &section : model.sections) {
        if (!section.isExtension)
            continue;
        m_extensionSections.append(section);
        auto *item = new QTreeWidgetItem(
            m_extensions, {section.title, section.oid, section.critical ? tr("Yes") : tr("No")});
        item->setData(ExtensionNameColumn, kSectionRole, int(m_extensionSections.size() - 1));
        QFont bold = item->font(ExtensionNameColumn);
        bold.setBold(true);
        item->setFont(ExtensionNameColumn, bold);
        addFields(item, section.fields);
        for (const QString &note : section.notes) {
            auto *noteItem = new QTreeWidgetItem(item, {tr("Note"), note});
            noteItem->setIcon(ExtensionNameColumn, noteIcon);
            noteItem->setToolTip(ExtensionValueColumn, note);
        }
    }
    m_extensions->expandAll();
}

void DetailsPane::showExtensionRaw(QTreeWidgetItem *item)
{
    while (item && item->parent())
        item = item->parent();
    if (!item) {
        m_extensionRaw->clear();
        return;
    }
    const ModelSection &section = m_extensionSections[item->data(0, kSectionRole).toInt()];
    m_extensionRaw->setPlainText(
        tr("%1 (%2), %3 bytes:").arg(section.title, section.oid).arg(section.rawDer.size()) +
        QLatin1Char('\n') + hexDump(section.rawDer) + QLatin1Char('\n') + tr("ASN.1:") +
        QLatin1Char('\n') + section.asn1Dump);
}

void DetailsPane::checkToken(const TokenKeyRecord &key)
{
    // Loading a module and asking it for its tokens can take a while (a USB token, a network
    // HSM): off the UI thread. Nothing is logged in to, so no PIN is asked.
    auto *watcher = new QFutureWatcher<Result<QString>>(this);
    const qint64 certificateId = m_record->id;
    connect(watcher, &QFutureWatcher<Result<QString>>::finished, this,
            [this, watcher, certificateId, key] {
                watcher->deleteLater();
                if (!m_record || m_record->id != certificateId)
                    return; // another certificate is shown by now
                const Result<QString> found = watcher->result();
                m_tokenCheck = DcCheck{
                    .id = QStringLiteral("token"),
                    .title = tr("Key on token"),
                    .outcome = found ? CheckOutcome::Pass : CheckOutcome::Fail,
                    .detail = found ? tr("the token '%1' is reachable; the key is named by %2")
                                          .arg(*found, key.uri)
                                    : tr("the token is not reachable, so no DC can be signed: %1")
                                          .arg(found.errorMessage())};
                refreshTimed();
            });
    watcher->setFuture(QtConcurrent::run([uri = key.uri] { return TokenKey::findToken(uri); }));
}

void DetailsPane::refreshTimed()
{
    const Certificate &certificate = m_record->certificate;
    const QDateTime now = m_session->clock().now();

    m_validityBar->setPeriod(certificate.notBefore(), certificate.notAfter(), now);
    m_validityText->setText(tr("From %1 to %2; %3")
                                .arg(formatUtc(certificate.notBefore()),
                                     formatUtc(certificate.notAfter()), m_validityBar->summary()));

    const DcReadiness readiness = assessDcReadiness(certificate, now);
    if (readiness.ready())
        m_readinessSummary->setText(
            tr("Ready: DCs under it are signed with %1 and may last up to %2.")
                .arg(readiness.algorithm ? readiness.algorithm->displayName()
                                         : tr("an unknown scheme"),
                     formatDuration(readiness.maxLifetimeSeconds)));
    else
        m_readinessSummary->setText(tr("Not ready: it cannot issue DCs until the failed checks "
                                       "below are fixed."));
    QList<DcCheck> checks = readiness.checks;
    if (m_record->tokenKey.onToken())
        checks << m_tokenCheck.value_or(
            DcCheck{.id = QStringLiteral("token"),
                    .title = tr("Key on token"),
                    .outcome = CheckOutcome::Skipped,
                    .detail = tr("looking for the token '%1'…").arg(m_record->tokenKey.token)});
    m_readinessChecks->setChecks(checks);
    m_clientChecks->setChecks(readiness.clients);

    const PolicyPlan *policy = m_session->snapshot().policyFor(m_record->id);
    m_policyGroup->setVisible(policy != nullptr);
    if (policy) {
        const RotationPolicy &settings = policy->policy.policy;
        const RotationPlan &plan = policy->plan;
        m_policyStatus->setText(rotationStatusText(plan.status));
        m_policyReason->setText(plan.reason.isEmpty() ? tr("Nothing to do until the next rotation.")
                                                      : plan.reason);
        m_policyNext->setText(plan.nextRotation.isValid() ? relativeUtc(now, plan.nextRotation)
                                                          : tr("none: rotation cannot act"));
        const QString targets = policy->targets.size() == 1
                                    ? tr("1 export target")
                                    : tr("%1 export targets").arg(policy->targets.size());
        m_policySettings->setText(
            tr("%1 DCs with %2 keys, lifetime %3, renewed %4 before expiry; %5")
                .arg(dcRolesName(settings.roles), settings.dcAlgorithm,
                     formatDuration(settings.lifetimeSeconds),
                     formatDuration(settings.renewBeforeSeconds), targets));
    }
    if (m_dcId)
        fillDc();
}

void DetailsPane::fillDc()
{
    const DcRecord *dc = m_session->snapshot().dc(m_dcId);
    const Certificate &certificate = m_record->certificate;
    const QDateTime now = m_session->clock().now();
    const DcVerification verification =
        verifyDelegatedCredential(certificate, dc->bytes, dc->role, now);

    m_dcRole->setText(dc->role == DcRole::Server ? tr("Server") : tr("Client"));
    m_dcCertificate->setText(certificate.displayName());
    m_dcIssued->setText(relativeUtc(now, dc->issuedAt));
    if (verification.credential)
        m_dcValidTime->setText(tr("%1 s (%2) after the certificate's notBefore")
                                   .arg(verification.credential->validTime)
                                   .arg(formatDuration(verification.credential->validTime)));
    else
        m_dcValidTime->setText(tr("unreadable"));
    m_dcExpiry->setText(relativeUtc(now, dc->expiresAt));
    m_dcValidityBar->setPeriod(dc->issuedAt, dc->expiresAt, now);
    m_dcKeyScheme->setText(signatureSchemeDisplayName(dc->dcCertVerifyAlgorithm));
    m_dcSignatureScheme->setText(signatureSchemeDisplayName(dc->algorithm));
    EvpPkeyPtr publicKey;
    m_dcPublicKey->setText(DelegatedCredential::decode(dc->bytes, &publicKey) && publicKey
                               ? describeKey(publicKey.get())
                               : tr("unreadable"));
    QStringList state;
    if (dc->superseded)
        state << tr("superseded: its certificate has been renewed");
    state << (dc->hasKey ? tr("its private key is in the workspace")
                         : tr("no private key in the workspace"));
    m_dcState->setText(state.join(QStringLiteral("; ")));

    m_dcVerdict->setText(verification.valid()
                             ? tr("Peers accept it: no check failed.")
                             : tr("Peers reject it: see the failed checks below."));
    m_dcChecks->setChecks(verification.checks);
}

void DetailsPane::setPem(const QString &pem, const QString &hex, const QString &shown)
{
    m_pemText = pem;
    m_hexText = hex;
    m_pem->setPlainText(shown.isEmpty() ? pem : shown);
    m_copyPem->setEnabled(!pem.isEmpty());
    m_copyHex->setEnabled(!hex.isEmpty());
}

void DetailsPane::copyToClipboard(const QString &text)
{
    QGuiApplication::clipboard()->setText(text);
}

} // namespace baton::ui
