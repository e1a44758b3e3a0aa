#pragma once

// Certificates and keys made at test time, so the repository never holds a private key.

#include "crypto/KeyCodec.h"
#include "dc/DcCheck.h"
#include "vault/KeyVault.h"
#include "x509/Certificate.h"

#include <QDateTime>
#include <QStringList>
#include <QTimeZone>
#include <map>

namespace baton::test {

/// A scrypt cost for test workspaces (N=2^10 instead of 2^17): the same code paths, so that
/// tests sealing dozens of keys stay fast. The vault's own test covers the default cost.
inline constexpr ScryptParameters kFastWork{1 << 10, 8, 1};

struct CertificateOptions
{
    enum class Delegation
    {
        Null, ///< as RFC 9345 specifies
        CriticalNull,
        EmptyOctetString, ///< as in older test data
        Absent,
    };

    /// "ecdsa-p256" … or "rsa-2048" (an rsaEncryption key, which only certificates may have).
    QString keyAlgorithm = QStringLiteral("ecdsa-p256");
    QString commonName = QStringLiteral("localhost");
    QStringList dnsNames{QStringLiteral("localhost")};
    QDateTime notBefore = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
    QDateTime notAfter = QDateTime(QDate(2027, 1, 1), QTime(0, 0), Qt::UTC);
    Delegation delegation = Delegation::Null;
    bool keyUsageExtension = true;
    bool digitalSignature = true;
    bool ca = false;
};

struct TestIdentity
{
    Certificate certificate;
    EvpPkeyPtr key;
    QByteArray certificatePem;
    QByteArray keyPem; ///< unencrypted PKCS#8
};

/// A key for `name`: every `--dc-alg` and `--key-alg` name (rsa-2048 etc. are rsaEncryption).
EvpPkeyPtr makeKey(const QString &name);

/// A self-signed certificate with the requested extensions. Aborts the test binary on
/// failure: a fixture that cannot be built makes every assertion after it meaningless.
TestIdentity makeIdentity(const CertificateOptions &options = {});

/// A certificate for a public key whose private half is elsewhere (on a token), issued by
/// `issuer` since it cannot sign itself; options.keyAlgorithm is ignored. Its identity has no
/// key and no keyPem. Aborts on failure.
TestIdentity makeIdentityForKey(const EVP_PKEY *publicKey, const TestIdentity &issuer,
                                const CertificateOptions &options = {});

/// A certificate that can delegate (makeIdentity's default) and the ECDSA P-256 server DC it
/// issued at `now`, with the DC's key: the input of every bundle test. Aborts on failure.
struct TestDelegation
{
    TestIdentity leaf;
    EvpPkeyPtr dcKey;
    QByteArray dc{};
};
TestDelegation makeDelegation(const QDateTime &now);

/// One certificate for each way a certificate can break or strain RFC 9345's rules, keyed
/// "no-delegation", "critical-delegation", "empty-octet-delegation", "no-digital-signature",
/// "no-key-usage" and "ca"; everything else as in the default CertificateOptions.
std::map<QString, TestIdentity> makeNonconformingIdentities();

/// "id=outcome (detail)" per check, one per line: for assertion messages.
QString describeChecks(const QList<DcCheck> &checks);

/// The key as encrypted PKCS#8 PEM (PBES2, AES-256-CBC) under `passphrase`.
QByteArray encryptedKeyPem(const EVP_PKEY *key, const QByteArray &passphrase);

/// Writes `<dir>/<base>.pem` (certificate) and `<dir>/<base>-key.pem`; returns their paths.
std::pair<QString, QString> writeIdentity(const TestIdentity &identity, const QString &dir,
                                          const QString &base);

/// "-----BEGIN LABEL-----" / "-----END LABEL-----": the PEM armour lines, for assertions and
/// for hand-made (often deliberately broken) PEM inputs.
QByteArray pemBeginLine(const QString &label);
QByteArray pemEndLine(const QString &label);

QDateTime utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0);

/// The directory of the foreign test vectors (../shared/dc_vectors beside the checkout, or
/// BATON_DC_VECTORS), or an empty string when absent.
QString dcVectorsDirectory();

/// A self-signed certificate (CN=model.test, serial 0102030405060708, valid 2026-01-01 to
/// 2027-01-01 UTC) with exactly the given extensions, each a name and a value in openssl config
/// syntax: {"subjectAltName", "DNS:a.example,IP:192.0.2.1"}, {"1.2.3.4", "critical,DER:05:00"}.
/// `config` is openssl.cnf text holding the sections values refer to ("@policy", "dirName:dir").
/// Aborts the test binary when OpenSSL refuses an extension.
TestIdentity makeCertificateWithExtensions(const QList<std::pair<QString, QString>> &nameValue,
                                           const QString &config = {},
                                           const QString &keyAlgorithm = u"ecdsa-p256"_qs);

/// What makeChain builds. The defaults make a chain valid throughout 2026.
struct ChainOptions
{
    QString rootName = QStringLiteral("Test Root CA");
    QString intermediateName = QStringLiteral("Test Intermediate CA");
    QDateTime caNotBefore = QDateTime(QDate(2025, 1, 1), QTime(0, 0), Qt::UTC);
    QDateTime rootNotAfter = QDateTime(QDate(2035, 1, 1), QTime(0, 0), Qt::UTC);
    QDateTime intermediateNotAfter = QDateTime(QDate(2030, 1, 1), QTime(0, 0), Qt::UTC);
    /// The leaf, as for makeIdentity (its `ca` is ignored); DelegationUsage by default.
    CertificateOptions leaf;
};

/// root -> intermediate -> leaf, each issued by the one before (the root self-signed), with
/// SKI on all three and AKI on the two issued ones. The CAs are CA:TRUE with keyCertSign.
struct TestChain
{
    TestIdentity root;
    TestIdentity intermediate;
    TestIdentity leaf;
};
TestChain makeChain(const ChainOptions &options = {});

/// What makeRequest builds: a PKCS#10 request with an extensionRequest.
struct RequestOptions
{
    QString keyAlgorithm = QStringLiteral("ecdsa-p256");
    QString commonName = QStringLiteral("request.example");
    QStringList dnsNames{QStringLiteral("request.example")};
    /// DelegationUsage asked for as a certificate would carry it (Absent: not asked for).
    CertificateOptions::Delegation delegation = CertificateOptions::Delegation::Null;
    bool keyUsage = true; ///< keyUsage = critical,digitalSignature
};

struct TestRequest
{
    QByteArray der;
    EvpPkeyPtr key;
};

/// A request signed by its own key, built with OpenSSL directly (not Baton's builders), so
/// the requests Baton reads are not only the ones it writes. Without extensions to ask for,
/// the request has no extensionRequest attribute at all.
TestRequest makeRequest(const RequestOptions &options = {});

} // namespace baton::test
