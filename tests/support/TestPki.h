#pragma once

// Certificates and keys made at test time, so the repository never holds a private key.

#include "crypto/KeyCodec.h"
#include "dc/DcCheck.h"
#include "x509/Certificate.h"

#include <QDateTime>
#include <QStringList>
#include <QTimeZone>
#include <map>

namespace baton::test {

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

/// A key for `name`: every `--dc-alg` name, plus "rsa-2048" / "rsa-3072" (rsaEncryption).
EvpPkeyPtr makeKey(const QString &name);

/// A self-signed certificate with the requested extensions. Aborts the test binary on
/// failure: a fixture that cannot be built makes every assertion after it meaningless.
TestIdentity makeIdentity(const CertificateOptions &options = {});

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

QDateTime utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0);

/// The directory of the foreign test vectors (../shared/dc_vectors beside the checkout, or
/// BATON_DC_VECTORS), or an empty string when absent.
QString dcVectorsDirectory();

} // namespace baton::test
