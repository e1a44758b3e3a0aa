// Unit tests for x509/ChainBuilder: ordering a certificate set leaf -> root and verifying it
// with OpenSSL at an injected time, every problem reported in words.

#include "TestPki.h"
#include "x509/ChainBuilder.h"

#include <QTest>
#include <optional>

using namespace baton;
using baton::test::utc;

namespace {

const QString kRoot = QStringLiteral("CN=Test Root CA");

} // namespace

class ChainBuilderTest : public QObject
{
    Q_OBJECT

private slots:
    void buildChain_data();
    void buildChain();
    void renewedCaIsToldApartByKeyIdentifier();

private:
    void makeFixtures();
    QList<Certificate> certificates(const QStringList &names) const;
    QString nameOf(const Certificate &certificate) const;

    std::optional<test::TestChain> m_chain;
    std::optional<test::TestChain> m_expired;     ///< the intermediate ends 2026-03-01
    std::optional<test::TestChain> m_other;       ///< another PKI with the same names
    std::optional<test::TestIdentity> m_stranger; ///< self-signed, CN=stranger.example
    bool m_fixturesMade = false;
};

void ChainBuilderTest::makeFixtures()
{
    if (m_fixturesMade)
        return;
    m_fixturesMade = true;
    m_chain.emplace(test::makeChain());
    test::ChainOptions expired;
    expired.intermediateNotAfter = utc(2026, 3, 1);
    m_expired.emplace(test::makeChain(expired));
    m_other.emplace(test::makeChain());
    test::CertificateOptions stranger;
    stranger.commonName = QStringLiteral("stranger.example");
    stranger.dnsNames = QStringList{QStringLiteral("stranger.example")};
    m_stranger.emplace(test::makeIdentity(stranger));
}

/// "leaf", "intermediate", "root" of the default chain; "expired-intermediate" and
/// "expired-leaf" (issued under it); "other-root"; "stranger".
QList<Certificate> ChainBuilderTest::certificates(const QStringList &names) const
{
    QList<Certificate> out;
    for (const QString &name : names) {
        if (name == QLatin1String("leaf"))
            out << m_chain->leaf.certificate;
        else if (name == QLatin1String("intermediate"))
            out << m_chain->intermediate.certificate;
        else if (name == QLatin1String("root"))
            out << m_chain->root.certificate;
        else if (name == QLatin1String("expired-intermediate"))
            out << m_expired->intermediate.certificate;
        else if (name == QLatin1String("expired-leaf"))
            out << m_expired->leaf.certificate;
        else if (name == QLatin1String("expired-root"))
            out << m_expired->root.certificate;
        else if (name == QLatin1String("other-root"))
            out << m_other->root.certificate;
        else if (name == QLatin1String("other-intermediate"))
            out << m_other->intermediate.certificate;
        else if (name == QLatin1String("stranger"))
            out << m_stranger->certificate;
        else
            qFatal("unknown fixture %s", qPrintable(name));
    }
    return out;
}

QString ChainBuilderTest::nameOf(const Certificate &certificate) const
{
    static const QStringList kNames{
        u"leaf"_qs,         u"intermediate"_qs, u"root"_qs,       u"expired-intermediate"_qs,
        u"expired-leaf"_qs, u"expired-root"_qs, u"other-root"_qs, u"other-intermediate"_qs,
        u"stranger"_qs};
    for (const QString &name : kNames) {
        if (certificates({name}).first().der() == certificate.der())
            return name;
    }
    return QStringLiteral("?");
}

void ChainBuilderTest::buildChain_data()
{
    makeFixtures();
    QTest::addColumn<QStringList>("input");
    QTest::addColumn<QStringList>("anchors");
    QTest::addColumn<bool>("systemStore");
    QTest::addColumn<QDateTime>("at");
    QTest::addColumn<QStringList>("ordered");
    QTest::addColumn<QStringList>("unrelated");
    QTest::addColumn<QStringList>("problems");
    QTest::addColumn<int>("verifiedLength");
    QTest::addColumn<bool>("trusted");

    const QDateTime june = utc(2026, 6, 1);
    const QStringList full{u"leaf"_qs, u"intermediate"_qs, u"root"_qs};
    const QStringList rootAnchor{u"root"_qs};
    const QStringList none;

    QTest::newRow("in order, root as anchor")
        << full << rootAnchor << false << june << full << none << none << 3 << true;
    QTest::newRow("shuffled: intermediate, root, leaf")
        << QStringList{u"intermediate"_qs, u"root"_qs, u"leaf"_qs} << rootAnchor << false << june
        << full << none << none << 3 << true;
    QTest::newRow("reversed: root, intermediate, leaf")
        << QStringList{u"root"_qs, u"intermediate"_qs, u"leaf"_qs} << rootAnchor << false << june
        << full << none << none << 3 << true;
    QTest::newRow("duplicates are dropped")
        << QStringList{u"leaf"_qs, u"root"_qs, u"leaf"_qs, u"intermediate"_qs, u"root"_qs}
        << rootAnchor << false << june << full << none << none << 3 << true;
    QTest::newRow("without the root, which the anchor supplies")
        << QStringList{u"intermediate"_qs, u"leaf"_qs} << rootAnchor << false << june
        << QStringList{u"leaf"_qs, u"intermediate"_qs} << none << none << 3 << true;
    QTest::newRow("the intermediate pinned as anchor")
        << QStringList{u"leaf"_qs} << QStringList{u"intermediate"_qs} << false << june
        << QStringList{u"leaf"_qs} << none << none << 2 << true;
    QTest::newRow("missing intermediate")
        << QStringList{u"root"_qs, u"leaf"_qs} << rootAnchor << false << june
        << QStringList{u"leaf"_qs} << QStringList{u"root"_qs}
        << QStringList{kRoot +
                           u": not on the chain of certificate 1 (CN=localhost); it issued none of "
                           "its certificates"_qs,
                       u"certificate 1 (CN=localhost): unable to get local issuer certificate (its "
                       "issuer CN=Test Intermediate CA is neither in the set nor among the trust "
                       "anchors)"_qs}
        << 1 << false;
    QTest::newRow("expired intermediate at the given time")
        << QStringList{u"expired-root"_qs, u"expired-leaf"_qs, u"expired-intermediate"_qs}
        << QStringList{u"expired-root"_qs} << false << june
        << QStringList{u"expired-leaf"_qs, u"expired-intermediate"_qs, u"expired-root"_qs} << none
        << QStringList{u"certificate 2 (CN=Test Intermediate CA): certificate has expired"_qs} << 3
        << false;
    QTest::newRow("same chain before the intermediate expired")
        << QStringList{u"expired-root"_qs, u"expired-leaf"_qs, u"expired-intermediate"_qs}
        << QStringList{u"expired-root"_qs} << false << utc(2026, 2, 1)
        << QStringList{u"expired-leaf"_qs, u"expired-intermediate"_qs, u"expired-root"_qs} << none
        << none << 3 << true;
    QTest::newRow("leaf not yet valid")
        << full << rootAnchor << false << utc(2025, 6, 1) << full << none
        << QStringList{u"certificate 1 (CN=localhost): certificate is not yet valid"_qs} << 3
        << false;
    QTest::newRow("untrusted root, no anchors at all")
        << full << none << false << june << full << none
        << QStringList{u"no trust anchors: none given and the system store not used"_qs,
                       u"certificate 3 (CN=Test Root CA): self-signed certificate in certificate "
                       "chain (a root that is not among the trust anchors)"_qs}
        << 3 << false;
    QTest::newRow("untrusted root, another PKI's root as anchor")
        << full << QStringList{u"other-root"_qs} << false << june << full << none
        << QStringList{u"certificate 3 (CN=Test Root CA): self-signed certificate in certificate "
                       "chain (a root that is not among the trust anchors)"_qs}
        << 3 << false;
    QTest::newRow("untrusted root, system store")
        << full << none << true << june << full << none
        << QStringList{u"certificate 3 (CN=Test Root CA): self-signed certificate in certificate "
                       "chain (a root that is not among the trust anchors)"_qs}
        << 3 << false;
    QTest::newRow("a stranger in the set")
        << QStringList{u"stranger"_qs, u"leaf"_qs, u"intermediate"_qs, u"root"_qs} << rootAnchor
        << false << june << full << QStringList{u"stranger"_qs}
        << QStringList{u"CN=stranger.example: not on the chain of certificate 1 (CN=localhost); "
                       "it issued none of its certificates"_qs}
        << 3 << true;
    QTest::newRow("a self-signed leaf as its own anchor")
        << QStringList{u"stranger"_qs} << QStringList{u"stranger"_qs} << false << june
        << QStringList{u"stranger"_qs} << none << none << 1 << true;
    QTest::newRow("no certificates")
        << none << rootAnchor << false << june << none << none
        << QStringList{u"no certificates to build a chain from"_qs} << 0 << false;
    QTest::newRow("no time given")
        << full << rootAnchor << false << QDateTime() << full << none
        << QStringList{u"no verification time given; the chain was not verified"_qs} << 0 << false;
}

void ChainBuilderTest::buildChain()
{
    QFETCH(QStringList, input);
    QFETCH(QStringList, anchors);
    QFETCH(bool, systemStore);
    QFETCH(QDateTime, at);
    QFETCH(QStringList, ordered);
    QFETCH(QStringList, unrelated);
    QFETCH(QStringList, problems);
    QFETCH(int, verifiedLength);
    QFETCH(bool, trusted);

    const ChainReport report =
        baton::buildChain(certificates(input), certificates(anchors), systemStore, at);
    QStringList orderedNames;
    for (const Certificate &certificate : report.ordered)
        orderedNames << nameOf(certificate);
    QStringList unrelatedNames;
    for (const Certificate &certificate : report.unrelated)
        unrelatedNames << nameOf(certificate);
    QCOMPARE(orderedNames, ordered);
    QCOMPARE(unrelatedNames, unrelated);
    QCOMPARE(report.problems, problems);
    QCOMPARE(report.verifiedChain.size(), verifiedLength);
    if (verifiedLength > 0)
        QCOMPARE(report.verifiedChain.first().der(), report.ordered.first().der());
    QCOMPARE(report.trusted, trusted);
    QCOMPARE(takeOpenSslErrors(), QString());
}

void ChainBuilderTest::renewedCaIsToldApartByKeyIdentifier()
{
    // Two intermediates with the same name but different keys: only AKI/SKI pick the one that
    // issued the leaf, whichever comes first in the input.
    makeFixtures();
    const QList<Certificate> input = certificates(
        {u"other-intermediate"_qs, u"intermediate"_qs, u"leaf"_qs, u"root"_qs, u"other-root"_qs});
    const ChainReport report =
        baton::buildChain(input, certificates({u"root"_qs}), false, utc(2026, 6, 1));
    QStringList orderedNames;
    for (const Certificate &certificate : report.ordered)
        orderedNames << nameOf(certificate);
    QCOMPARE(orderedNames, (QStringList{u"leaf"_qs, u"intermediate"_qs, u"root"_qs}));
    QCOMPARE(report.unrelated.size(), 2);
    QVERIFY(report.trusted);
}

QTEST_GUILESS_MAIN(ChainBuilderTest)
#include "tst_chain_builder.moc"
