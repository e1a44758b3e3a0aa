#pragma once

#include "dc/DcDocument.h"
#include "x509/Certificate.h"
#include "x509/CertificateRequest.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <functional>
#include <memory>
#include <optional>

namespace baton {

enum class ImportedKind
{
    Certificate,
    CertificateRequest,
    PrivateKey,
    DelegatedCredential,
    Unknown, ///< something recognised but not imported (a public key, a CRL) or not recognised
};

/// "certificate", "certificate request", "private key", "delegated credential", "unknown".
QString importedKindName(ImportedKind kind);

/// One object found in the input.
struct ImportedObject
{
    ImportedKind kind = ImportedKind::Unknown;
    /// Where in the input: "PEM block 2 'CERTIFICATE' at byte 1234", "PKCS#12 certificate 1",
    /// "PKCS#7 certificate 3", "DER", "hex" (a DC's text encoding), …
    QString location;
    /// One line for people, e.g. "certificate CN=example.com, EC P-256, expires 2027-01-01
    /// 00:00:00 UTC". A key's type and size only, never its bytes. Never empty: an object that
    /// could not be read says so ("unreadable certificate"), its error says why.
    QString summary;
    /// Non-empty when this object could not be read; the other objects still are.
    QString error;
    std::optional<Certificate> certificate;
    std::optional<CertificateRequest> request;
    std::shared_ptr<EVP_PKEY> privateKey;
    /// The object was encrypted (and still is, when it could not be decrypted).
    bool encrypted = false;
    /// Shared, as DcDocument is move-only (it holds SecretBytes) and objects are copied.
    std::shared_ptr<const DcDocument> delegatedCredential;
};

/// Asked for a passphrase when an encrypted object needs one; `what` says which ("PKCS#12 file
/// x.p12", "encrypted private key in PEM block 3 of keys.pem"). Returning nullopt skips the
/// object (reported with the error "passphrase needed"). Called again after a wrong passphrase,
/// so a caller can try several candidates or ask a person again.
using PassphraseProvider = std::function<std::optional<QByteArray>(const QString &what)>;

struct ImportResult
{
    QList<ImportedObject> objects;
    /// A problem with the input as a whole (missing, empty, too large, unrecognisable); the
    /// message starts with the file's path or the source name.
    QString error;

    /// No error anywhere: neither the input's nor any object's.
    bool complete() const;
};

/// The largest input read at all. The biggest real inputs are trust bundles (Mozilla's ~150
/// roots are ~220 KB of PEM) and PKCS#7/PKCS#12 files with chains (tens of KB); 16 MiB leaves
/// two orders of magnitude of room while refusing a mistaken path to a disk image or log file
/// before a byte of it is read, and keeps parsing well under a second.
inline constexpr qint64 kMaxImportSize = 16 * 1024 * 1024;

/// The most objects one input yields. Mozilla's trust bundle has ~150 certificates; 10 000
/// leaves room for any real bundle while bounding the work (each object is parsed, and a key
/// is decoded by OpenSSL) that a file of tiny hostile objects could ask for. Beyond it the
/// input's error says so and the objects read so far are kept.
inline constexpr qsizetype kMaxImportObjects = 10000;

/// Probes data (a file's content or pasted text) and returns every object in it: PEM bundles
/// of any mix, DER certificates, requests, PKCS#8 (plain and encrypted) and SEC1 keys, PKCS#7
/// and PKCS#12 files, and delegated credentials in every encoding readDelegatedCredential
/// knows. `sourceName` names the input in messages.
ImportResult importData(QByteArrayView data, const QString &sourceName,
                        const PassphraseProvider &passphrase = {});

/// The same for a file, refused before reading when larger than kMaxImportSize.
ImportResult importFile(const QString &path, const PassphraseProvider &passphrase = {});

} // namespace baton
