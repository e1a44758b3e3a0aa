// Certificate keys on a PKCS#11 token in the desktop app (a SoftHSM2 token the test creates):
// the details say which token holds the key and whether it is reachable, and issuing a DC asks
// for the token's PIN where it asks for the workspace passphrase, then signs on the token.

#include "DemoSession.h"
#include "SoftHsm.h"
#include "dc/DcVerifier.h"
#include "details/CheckList.h"
#include "details/DetailsPane.h"
#include "dialogs/IssueDcDialog.h"
#include "dialogs/PassphraseDialog.h"
#include "import/Importer.h"
#include "pkcs11/TokenKey.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>
#include <QTimer>

using namespace baton;
using namespace baton::test;
using namespace baton::ui;

namespace {

const QString kToken = QStringLiteral("edge-ca");

/// The readiness row about the token: its outcome and detail, empty while there is none.
std::pair<QString, QString> tokenCheck(const DetailsPane &pane)
{
    const auto *list = pane.findChild<CheckList *>(u"readinessChecks"_qs);
    if (!list)
        return {};
    for (const DcCheck &check : list->checks()) {
        if (check.id == QLatin1String("token"))
            return {CheckList::outcomeText(check.outcome), check.detail};
    }
    return {};
}

} // namespace

class TokenKeysTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void detailsSayWhereTheKeyIs_data();
    void detailsSayWhereTheKeyIs();
    void issuingAsksForThePin();

private:
    /// Imports a certificate for the token key `object` and records the key's URI (`uri`, the
    /// token's own by default): its workspace id.
    qint64 addTokenCertificate(DemoSession &demo, const QString &name, const QString &uri);

    std::unique_ptr<SoftHsm> m_softHsm;
    EvpPkeyPtr m_publicKey;
};

void TokenKeysTest::initTestCase()
{
    if (SoftHsm::modulePath().isEmpty())
        QSKIP("softhsm2 is not installed (packaging/install-deps.sh installs it)");
    auto started = SoftHsm::start();
    QVERIFY2(started, qPrintable(started.errorMessage()));
    m_softHsm = std::move(started).value();
    QVERIFY(m_softHsm->createToken(kToken));
    QVERIFY(m_softHsm->generateKeyPair(kToken, u"ecdsa-p256"_qs, u"hsm-key"_qs, "\x01"));
    auto key = TokenKey::open(SoftHsm::uri(kToken, u"hsm-key"_qs), [](const QString &) {
        return Result<SecretBytes>(SecretBytes(SoftHsm::userPin()));
    });
    QVERIFY2(key, qPrintable(key.errorMessage()));
    m_publicKey = EvpPkeyPtr(EVP_PKEY_dup(const_cast<EVP_PKEY *>(key->publicKey())));
    QVERIFY(m_publicKey);
}

qint64 TokenKeysTest::addTokenCertificate(DemoSession &demo, const QString &name,
                                          const QString &uri)
{
    CertificateOptions caOptions;
    caOptions.commonName = u"Token CA"_qs;
    caOptions.ca = true;
    caOptions.delegation = CertificateOptions::Delegation::Absent;
    CertificateOptions leafOptions;
    leafOptions.commonName = name;
    leafOptions.dnsNames = {name};
    const TestIdentity leaf =
        makeIdentityForKey(m_publicKey.get(), makeIdentity(caOptions), leafOptions);
    Workspace &workspace = *demo.session.workspace();
    if (!workspace.importObjects(importData(leaf.certificatePem, name).objects, kDemoNow))
        qFatal("cannot import the token certificate");
    const qint64 id = workspace.resolveCertificate(name)->id;
    if (!workspace.addTokenKey(id, {.uri = uri, .token = kToken}, kDemoNow) ||
        !demo.session.reload())
        qFatal("cannot record the token key");
    return id;
}

void TokenKeysTest::detailsSayWhereTheKeyIs_data()
{
    QTest::addColumn<QString>("uri");
    QTest::addColumn<QString>("outcome");
    QTest::addColumn<QString>("detail");
    QTest::newRow("reachable") << SoftHsm::uri(kToken, u"hsm-key"_qs) << u"Passed"_qs
                               << u"the token 'edge-ca' is reachable"_qs;
    QTest::newRow("token not plugged in")
        << SoftHsm::uri(u"unplugged"_qs, u"hsm-key"_qs) << u"Failed"_qs
        << u"the token is not reachable, so no DC can be signed: "_qs;
}

void TokenKeysTest::detailsSayWhereTheKeyIs()
{
    QFETCH(QString, uri);
    QFETCH(QString, outcome);
    QFETCH(QString, detail);
    DemoSession demo;
    const qint64 id = addTokenCertificate(demo, u"hsm.demo.test"_qs, uri);
    DetailsPane pane(&demo.session);
    pane.show();
    pane.showCertificate(id);
    const auto *subtitle = pane.findChild<QLabel *>(u"overviewSubtitle"_qs);
    QVERIFY(subtitle);
    QVERIFY2(subtitle->text().contains(u"private key on token 'edge-ca'"_qs),
             qPrintable(subtitle->text()));
    // Looked for in the background; the row says so until the answer comes.
    QTRY_COMPARE(tokenCheck(pane).first, outcome);
    QVERIFY2(tokenCheck(pane).second.startsWith(detail), qPrintable(tokenCheck(pane).second));
}

void TokenKeysTest::issuingAsksForThePin()
{
    DemoSession demo;
    const qint64 id =
        addTokenCertificate(demo, u"hsm.demo.test"_qs, SoftHsm::uri(kToken, u"hsm-key"_qs));
    const qsizetype before = demo.session.snapshot().dcs.size();
    IssueDcDialog dialog(demo.session);
    dialog.show();
    QVERIFY(dialog.setCertificate(id));
    QVERIFY(dialog.buttons()->button(QDialogButtonBox::Ok)->isEnabled());
    // The token asks for its PIN from the signing thread; the prompt shows on this one, in a
    // nested event loop: answered from a timer that runs inside it, as a person would type.
    QString prompt;
    QLineEdit::EchoMode echo = QLineEdit::Normal;
    QTimer answer;
    connect(&answer, &QTimer::timeout, this, [&] {
        auto *ask = qobject_cast<PassphraseDialog *>(QApplication::activeModalWidget());
        if (!ask || ask->objectName() != u"tokenPinDialog"_qs)
            return;
        answer.stop();
        prompt = ask->findChild<QLabel *>(u"passphrasePrompt"_qs)->text();
        echo = ask->passphraseEdit()->echoMode();
        QTest::keyClicks(ask->passphraseEdit(), QString::fromLatin1(SoftHsm::userPin()));
        QTest::keyClick(ask->passphraseEdit(), Qt::Key_Return);
    });
    answer.start(20);
    QTest::mouseClick(dialog.buttons()->button(QDialogButtonBox::Ok), Qt::LeftButton);
    QTRY_VERIFY(!dialog.isIssuing());
    QVERIFY2(prompt.contains(u"token 'edge-ca'"_qs), qPrintable(prompt));
    QCOMPARE(echo, QLineEdit::Password);
    QVERIFY2(dialog.issuedDcId() != 0, qPrintable(dialog.errorLabel()->text()));
    QCOMPARE(demo.session.snapshot().dcs.size(), before + 1);
    // Signed on the token under the certificate: the verifier accepts it.
    const DcRecord *dc = demo.session.snapshot().dc(dialog.issuedDcId());
    QVERIFY(dc);
    const Certificate certificate = demo.session.workspace()->certificate(id)->certificate;
    const DcVerification verified =
        verifyDelegatedCredential(certificate, dc->bytes, DcRole::Server, kDemoNow.addSecs(60));
    QVERIFY(verified.valid());
}

QTEST_MAIN(TokenKeysTest)
#include "tst_token_keys.moc"
