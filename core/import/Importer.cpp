#include "Importer.h"

#include "common/FileIo.h"
#include "common/Pem.h"
#include "common/TimeFormat.h"
#include "crypto/KdfLimits.h"
#include "crypto/KeyCodec.h"
#include "crypto/PkcsObjects.h"
#include "tls/SignatureScheme.h"
#include "x509/X509Names.h"

#include <algorithm>
#include <functional>
#include <openssl/err.h>
#include <openssl/evperr.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>
#include <vector>

namespace baton {

namespace {

using LibCtxPtr = OpenSslPtr<OSSL_LIB_CTX, OSSL_LIB_CTX_free>;

void unloadProvider(OSSL_PROVIDER *provider)
{
    OSSL_PROVIDER_unload(provider);
}
using ProviderPtr = OpenSslPtr<OSSL_PROVIDER, unloadProvider>;

/// A provider that keeps answering with the same wrong passphrase must not hang the import.
constexpr int kMaxPassphraseAttempts = 16;
/// PKCS#12 bags can nest (safeContentsBag); real files nest once at most.
constexpr int kMaxBagDepth = 8;

constexpr QByteArrayView kPemBegin = "-----BEGIN ";
constexpr QByteArrayView kPemDashes = "-----";

const QLatin1String kDcLabelSuffix("DELEGATED CREDENTIAL");
const QLatin1String kPrivateKeyLabelSuffix("PRIVATE KEY");

bool isText(QByteArrayView data)
{
    return std::all_of(data.begin(), data.end(), [](char c) {
        const auto byte = quint8(c);
        return (byte >= 0x20 && byte <= 0x7e) || c == '\n' || c == '\r' || c == '\t';
    });
}

bool isCertificateLabel(const QString &label)
{
    return label == QLatin1String("CERTIFICATE") || label == QLatin1String("X509 CERTIFICATE") ||
           label == QLatin1String("TRUSTED CERTIFICATE");
}

bool isRequestLabel(const QString &label)
{
    return label == QLatin1String("CERTIFICATE REQUEST") ||
           label == QLatin1String("NEW CERTIFICATE REQUEST");
}

bool isPkcs7Label(const QString &label)
{
    return label == QLatin1String("PKCS7") || label == QLatin1String("PKCS #7 SIGNED DATA");
}

ImportedKind kindForLabel(const QString &label)
{
    if (isCertificateLabel(label))
        return ImportedKind::Certificate;
    if (isRequestLabel(label))
        return ImportedKind::CertificateRequest;
    if (label.endsWith(kPrivateKeyLabelSuffix))
        return ImportedKind::PrivateKey;
    if (label.endsWith(kDcLabelSuffix))
        return ImportedKind::DelegatedCredential;
    return ImportedKind::Unknown;
}

QByteArray toDer(const X509 *x509)
{
    unsigned char *der = nullptr;
    const int length = i2d_X509(x509, &der);
    if (length <= 0)
        return {};
    QByteArray out(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return out;
}

QString nameOrPlaceholder(const QString &name)
{
    return name.isEmpty() ? QStringLiteral("(empty subject)") : name;
}

QString delegationUsageTag(const DelegationUsage &usage, const QString &verb)
{
    if (!usage.present())
        return {};
    return QStringLiteral(", %1DelegationUsage%2")
        .arg(verb, usage.conformant() ? QString() : QStringLiteral(" (non-conformant)"));
}

QString certificateSummary(const Certificate &certificate)
{
    QString summary = QStringLiteral("certificate %1, %2, expires %3")
                          .arg(nameOrPlaceholder(certificate.subject()),
                               keyName(certificate.publicKey()), formatUtc(certificate.notAfter()));
    if (certificate.isCa())
        summary += QStringLiteral(", CA");
    return summary + delegationUsageTag(certificate.delegationUsage(), QString());
}

QString requestSummary(const CertificateRequest &request)
{
    QString summary = QStringLiteral("certificate request %1, %2")
                          .arg(nameOrPlaceholder(request.subject()), keyName(request.publicKey()));
    summary += delegationUsageTag(request.delegationUsageRequested(), QStringLiteral("requests "));
    if (!request.signatureValid())
        summary += QStringLiteral(", self-signature does not verify");
    return summary;
}

QString keySummary(const EVP_PKEY *key, bool encrypted)
{
    return QStringLiteral("private key %1%2")
        .arg(describeKey(key), encrypted ? QStringLiteral(", encrypted") : QString());
}

QString dcSummary(const DcDocument &document)
{
    const DelegatedCredential &dc = document.credential;
    QString summary = QStringLiteral("delegated credential");
    if (document.labelledRole)
        summary += QStringLiteral(" (%1, by its label)").arg(dcRoleName(*document.labelledRole));
    if (auto key = decodeSubjectPublicKeyInfo(dc.subjectPublicKeyInfo))
        summary += QStringLiteral(", %1 key").arg(keyName(key->get()));
    discardOpenSslErrors();
    summary += QStringLiteral(", verifies with %1, signed with %2")
                   .arg(signatureSchemeDisplayName(dc.dcCertVerifyAlgorithm),
                        signatureSchemeDisplayName(dc.algorithm));
    auto certificate = document.certificateDer.isEmpty()
                           ? Result<Certificate>(Error{})
                           : Certificate::fromDer(document.certificateDer);
    if (certificate)
        summary +=
            QStringLiteral(", expires %1 under %2")
                .arg(formatUtc(dc.expiry(*certificate)), nameOrPlaceholder(certificate->subject()));
    else
        summary +=
            QStringLiteral(", valid_time %1 s after its certificate's notBefore").arg(dc.validTime);
    if (!document.privateKey.isEmpty())
        summary += QStringLiteral(", with its private key");
    return summary;
}

/// Drains the error queue, saying whether an algorithm was missing (as a legacy PKCS#12
/// cipher is from OpenSSL 3's default provider) rather than, say, a passphrase wrong.
bool takeUnsupportedAlgorithmError()
{
    bool unsupported = false;
    while (const unsigned long code = ERR_get_error()) {
        const int reason = ERR_GET_REASON(code);
        if (reason == ERR_R_UNSUPPORTED ||
            (ERR_GET_LIB(code) == ERR_LIB_EVP &&
             (reason == EVP_R_UNSUPPORTED_ALGORITHM || reason == EVP_R_UNKNOWN_CIPHER ||
              reason == EVP_R_UNSUPPORTED_CIPHER)))
            unsupported = true;
    }
    return unsupported;
}

QString algorithmName(const X509_ALGOR *algorithm)
{
    const ASN1_OBJECT *oid = nullptr;
    if (algorithm)
        X509_ALGOR_get0(&oid, nullptr, nullptr, algorithm);
    char name[128] = {};
    if (!oid || OBJ_obj2txt(name, sizeof name, oid, 0) <= 0)
        return QStringLiteral("an unknown algorithm");
    return QString::fromLatin1(name);
}

/// A private key in PKCS#8 form, re-read in the default library context through KeyCodec, so
/// a key decrypted in the legacy context does not depend on that context staying alive.
Result<EvpPkeyPtr> keyFromPkcs8(const PKCS8_PRIV_KEY_INFO *pkcs8)
{
    unsigned char *der = nullptr;
    const int length = i2d_PKCS8_PRIV_KEY_INFO(pkcs8, &der);
    if (length <= 0)
        return openSslError(QStringLiteral("cannot encode the private key"));
    const SecretBytes bytes(QByteArray(reinterpret_cast<const char *>(der), length));
    OPENSSL_clear_free(der, size_t(length));
    return decodePrivateKey(bytes.bytes());
}

/// What a PKCS#12 passphrase is: OpenSSL tells a missing one (NULL) from an empty one (""),
/// and files in the wild use both.
struct Pkcs12Passphrase
{
    bool null = false;
    SecretBytes bytes;

    const char *data() const { return null ? nullptr : bytes.bytes().constData(); }
    int size() const { return null ? 0 : int(bytes.bytes().size()); }
};

/// The outcome of one pass over a PKCS#12 file's contents with one library context.
struct Pkcs12Walk
{
    QList<ImportedObject> objects;
    /// What a passphrase did not decrypt: the kind, the location and the cipher.
    struct Undecrypted
    {
        ImportedKind kind;
        QString location;
        QString algorithm;
    };
    QList<Undecrypted> undecryptable;
    QStringList unsupportedAlgorithms; ///< ciphers the library context does not have
    QString failure;                   ///< the structure itself could not be read
    int certificates = 0;
    int keys = 0;
    int otherBags = 0;
};

const X509_ALGOR *encryptedContentsAlgorithm(const PKCS7 *safe)
{
    return safe->d.encrypted && safe->d.encrypted->enc_data ? safe->d.encrypted->enc_data->algorithm
                                                            : nullptr;
}

const X509_ALGOR *shroudedKeyAlgorithm(const PKCS12_SAFEBAG *bag)
{
    const X509_ALGOR *algorithm = nullptr;
    if (const X509_SIG *sig = PKCS12_SAFEBAG_get0_pkcs8(bag))
        X509_SIG_get0(sig, &algorithm, nullptr);
    return algorithm;
}

/// A derivation's work, checked alone and against what the file has spent so far.
Status spendOn(KdfBudget &budget, const X509_ALGOR *algorithm)
{
    auto work = pbeWork(algorithm);
    if (!work)
        return work.error();
    return budget.spend(*work);
}

/// The first key derivation in reach without a passphrase (the MAC, encrypted contents,
/// shrouded keys in plain contents, nested bags) that asks for more than KdfLimits allows,
/// alone or together with the others, as an error naming where it is. Run before the MAC is
/// checked or any passphrase asked for, so a hostile file costs nothing but this walk. Keys
/// inside encrypted contents are checked when reached (Pkcs12Walker).
Status pkcs12CostError(const PKCS12 *p12, const Pkcs7StackPtr &safes)
{
    KdfBudget budget;
    auto mac = pkcs12MacWork(p12);
    if (!mac)
        return mac.error();
    if (Status spent = budget.spend(*mac); !spent)
        return spent;
    int keys = 0;
    const std::function<Status(const STACK_OF(PKCS12_SAFEBAG) *, int)> checkBags =
        [&](const STACK_OF(PKCS12_SAFEBAG) * bags, int depth) -> Status {
        for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); ++i) {
            const PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bags, i);
            const int nid = PKCS12_SAFEBAG_get_nid(bag);
            if (nid == NID_pkcs8ShroudedKeyBag) {
                ++keys;
                if (Status cost = spendOn(budget, shroudedKeyAlgorithm(bag)); !cost)
                    return Error{
                        QStringLiteral("private key %1: %2").arg(keys).arg(cost.errorMessage())};
            } else if (nid == NID_safeContentsBag && depth < kMaxBagDepth) {
                if (Status nested = checkBags(PKCS12_SAFEBAG_get0_safes(bag), depth + 1); !nested)
                    return nested;
            }
        }
        return {};
    };
    for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i) {
        PKCS7 *safe = sk_PKCS7_value(safes.get(), i);
        const int type = OBJ_obj2nid(safe->type);
        if (type == NID_pkcs7_encrypted) {
            if (Status cost = spendOn(budget, encryptedContentsAlgorithm(safe)); !cost)
                return Error{QStringLiteral("encrypted contents %1: %2")
                                 .arg(i + 1)
                                 .arg(cost.errorMessage())};
        } else if (type == NID_pkcs7_data) {
            const SafeBagStackPtr bags(PKCS12_unpack_p7data(safe));
            if (Status cost = checkBags(bags.get(), 0); !cost)
                return cost;
        }
    }
    discardOpenSslErrors();
    return {};
}

class Pkcs12Walker
{
public:
    /// `macWork`: what checking the MAC cost, counted against the file's KDF budget.
    Pkcs12Walker(const Pkcs12Passphrase &passphrase, OSSL_LIB_CTX *libraryContext, qint64 macWork)
        : m_passphrase(passphrase), m_libraryContext(libraryContext)
    {
        // Within the budget: importPkcs12 checked the MAC before anything else.
        (void)m_budget.spend(macWork);
    }

    Pkcs12Walk walk(QByteArrayView der)
    {
        // PKCS12_init_ex ties the structure to a library context; decoding into it keeps the
        // tie, and every safe unpacked from it then fetches its ciphers there. OpenSSL's own
        // `pkcs12 -legacy` reads files the same way.
        PKCS12 *raw = PKCS12_init_ex(NID_pkcs7_data, m_libraryContext, nullptr);
        const auto *cursor = reinterpret_cast<const unsigned char *>(der.data());
        if (raw && !d2i_PKCS12(&raw, &cursor, long(der.size())))
            raw = nullptr; // a failed d2i has freed the object it was given
        const Pkcs12Ptr p12(raw);
        if (!p12) {
            m_walk.failure = openSslError(QStringLiteral("cannot read the PKCS#12 file")).message;
            return std::move(m_walk);
        }
        const Pkcs7StackPtr safes(PKCS12_unpack_authsafes(p12.get()));
        if (!safes) {
            m_walk.failure =
                openSslError(QStringLiteral("cannot read the PKCS#12 file's contents")).message;
            return std::move(m_walk);
        }
        for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i)
            walkSafe(sk_PKCS7_value(safes.get(), i), i + 1);
        discardOpenSslErrors();
        return std::move(m_walk);
    }

private:
    void walkSafe(PKCS7 *safe, int number)
    {
        const int type = OBJ_obj2nid(safe->type);
        SafeBagStackPtr bags;
        if (type == NID_pkcs7_data) {
            bags.reset(PKCS12_unpack_p7data(safe));
        } else if (type == NID_pkcs7_encrypted) {
            const QString location = QStringLiteral("PKCS#12 encrypted contents %1").arg(number);
            // importPkcs12 checked this before asking for a passphrase; checked again right
            // before the KDF so that no path reaches it unchecked.
            if (Status cost = spendOn(m_budget, encryptedContentsAlgorithm(safe)); !cost) {
                ImportedObject object;
                object.location = location;
                object.encrypted = true;
                object.error = location + QStringLiteral(": ") + cost.errorMessage();
                m_walk.objects.append(std::move(object));
                return;
            }
            bags.reset(PKCS12_unpack_p7encdata(safe, m_passphrase.data(), m_passphrase.size()));
            if (!bags) {
                const QString algorithm =
                    algorithmName(safe->d.encrypted && safe->d.encrypted->enc_data
                                      ? safe->d.encrypted->enc_data->algorithm
                                      : nullptr);
                if (takeUnsupportedAlgorithmError())
                    m_walk.unsupportedAlgorithms << algorithm;
                else
                    m_walk.undecryptable.append({ImportedKind::Unknown, location, algorithm});
                return;
            }
        } else {
            ImportedObject object;
            object.location = QStringLiteral("PKCS#12 contents %1").arg(number);
            object.encrypted = true;
            object.error =
                object.location + QStringLiteral(": contents encrypted to a public key (PKCS#7 %1) "
                                                 "cannot be read")
                                      .arg(QString::fromLatin1(OBJ_nid2sn(type)));
            m_walk.objects.append(std::move(object));
            return;
        }
        if (!bags) {
            ImportedObject object;
            object.location = QStringLiteral("PKCS#12 contents %1").arg(number);
            object.error = object.location + QStringLiteral(": ") +
                           openSslError(QStringLiteral("cannot read its bags")).message;
            m_walk.objects.append(std::move(object));
            return;
        }
        walkBags(bags.get(), type == NID_pkcs7_encrypted, 0);
    }

    void walkBags(const STACK_OF(PKCS12_SAFEBAG) * bags, bool encrypted, int depth)
    {
        // The importer keeps at most kMaxImportObjects objects; bags beyond are not decoded.
        for (int i = 0;
             i < sk_PKCS12_SAFEBAG_num(bags) && m_walk.objects.size() < kMaxImportObjects; ++i) {
            PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bags, i);
            switch (PKCS12_SAFEBAG_get_nid(bag)) {
            case NID_certBag:
                addCertificate(bag, encrypted);
                break;
            case NID_keyBag:
                addKey(bag, PKCS12_SAFEBAG_get0_p8inf(bag), encrypted);
                break;
            case NID_pkcs8ShroudedKeyBag:
                addShroudedKey(bag);
                break;
            case NID_safeContentsBag:
                if (depth < kMaxBagDepth)
                    walkBags(PKCS12_SAFEBAG_get0_safes(bag), encrypted, depth + 1);
                break;
            default:
                addOtherBag(bag, encrypted);
                break;
            }
        }
    }

    static QString friendlyNameTag(PKCS12_SAFEBAG *bag)
    {
        char *name = PKCS12_get_friendlyname(bag);
        if (!name)
            return {};
        const QString tag = QStringLiteral(", friendly name \"%1\"").arg(QString::fromUtf8(name));
        OPENSSL_free(name);
        return tag;
    }

    void addCertificate(PKCS12_SAFEBAG *bag, bool encrypted)
    {
        ImportedObject object;
        object.kind = ImportedKind::Certificate;
        object.location = QStringLiteral("PKCS#12 certificate %1").arg(++m_walk.certificates);
        object.encrypted = encrypted;
        if (PKCS12_SAFEBAG_get_bag_nid(bag) != NID_x509Certificate) {
            object.kind = ImportedKind::Unknown;
            object.summary = QStringLiteral("a certificate that is not X.509 (not imported)");
            m_walk.objects.append(std::move(object));
            return;
        }
        const X509Ptr x509(PKCS12_SAFEBAG_get1_cert(bag));
        auto certificate = x509 ? Certificate::fromDer(toDer(x509.get()))
                                : Result<Certificate>(openSslError(
                                      QStringLiteral("cannot read the certificate bag")));
        if (certificate) {
            object.summary = certificateSummary(*certificate) + friendlyNameTag(bag);
            object.certificate = std::move(certificate).value();
        } else {
            object.error = object.location + QStringLiteral(": ") + certificate.errorMessage();
        }
        m_walk.objects.append(std::move(object));
    }

    void addKey(PKCS12_SAFEBAG *bag, const PKCS8_PRIV_KEY_INFO *pkcs8, bool encrypted)
    {
        ImportedObject object;
        object.kind = ImportedKind::PrivateKey;
        object.location = QStringLiteral("PKCS#12 private key %1").arg(++m_walk.keys);
        object.encrypted = encrypted;
        auto key = pkcs8 ? keyFromPkcs8(pkcs8)
                         : Result<EvpPkeyPtr>(Error{QStringLiteral("the key bag is empty")});
        if (key) {
            object.summary = keySummary(key->get(), encrypted) + friendlyNameTag(bag);
            object.privateKey = std::shared_ptr<EVP_PKEY>(std::move(key).value());
        } else {
            object.error = object.location + QStringLiteral(": ") + key.errorMessage();
        }
        m_walk.objects.append(std::move(object));
    }

    void addShroudedKey(PKCS12_SAFEBAG *bag)
    {
        // A key inside encrypted contents is first seen here, after that decryption: its own
        // cost, and the file's total, are checked before its KDF runs.
        if (Status cost = spendOn(m_budget, shroudedKeyAlgorithm(bag)); !cost) {
            ImportedObject object;
            object.kind = ImportedKind::PrivateKey;
            object.location = QStringLiteral("PKCS#12 private key %1").arg(++m_walk.keys);
            object.encrypted = true;
            object.error = object.location + QStringLiteral(": ") + cost.errorMessage();
            m_walk.objects.append(std::move(object));
            return;
        }
        const Pkcs8Ptr pkcs8(PKCS12_decrypt_skey_ex(bag, m_passphrase.data(), m_passphrase.size(),
                                                    m_libraryContext, nullptr));
        if (pkcs8) {
            addKey(bag, pkcs8.get(), true);
            return;
        }
        const X509_ALGOR *algorithm = nullptr;
        if (const X509_SIG *sig = PKCS12_SAFEBAG_get0_pkcs8(bag))
            X509_SIG_get0(sig, &algorithm, nullptr);
        const QString name = algorithmName(algorithm);
        ++m_walk.keys;
        if (takeUnsupportedAlgorithmError())
            m_walk.unsupportedAlgorithms << name;
        else
            m_walk.undecryptable.append({ImportedKind::PrivateKey,
                                         QStringLiteral("PKCS#12 private key %1").arg(m_walk.keys),
                                         name});
    }

    void addOtherBag(PKCS12_SAFEBAG *bag, bool encrypted)
    {
        ImportedObject object;
        object.location = QStringLiteral("PKCS#12 bag %1").arg(++m_walk.otherBags);
        object.encrypted = encrypted;
        object.summary = QStringLiteral("PKCS#12 %1 (not imported)")
                             .arg(QString::fromLatin1(OBJ_nid2ln(PKCS12_SAFEBAG_get_nid(bag))));
        m_walk.objects.append(std::move(object));
    }

    const Pkcs12Passphrase &m_passphrase;
    OSSL_LIB_CTX *m_libraryContext;
    KdfBudget m_budget; ///< per walk: each walk derives every key again
    Pkcs12Walk m_walk;
};

/// A library context with the legacy provider (RC2, RC4, DES, …) beside the default one, kept
/// apart so that importing an old PKCS#12 file never makes those ciphers available to anything
/// else in the process.
struct LegacyContext
{
    // Declared first, so destroyed last: the providers are unloaded before their context goes.
    LibCtxPtr context;
    ProviderPtr legacy;
    ProviderPtr defaults;

    static std::optional<LegacyContext> load()
    {
        LegacyContext loaded;
        loaded.context.reset(OSSL_LIB_CTX_new());
        if (!loaded.context)
            return std::nullopt;
        loaded.legacy.reset(OSSL_PROVIDER_load(loaded.context.get(), "legacy"));
        loaded.defaults.reset(OSSL_PROVIDER_load(loaded.context.get(), "default"));
        discardOpenSslErrors();
        if (!loaded.legacy || !loaded.defaults)
            return std::nullopt;
        return loaded;
    }
};

/// The extent of one DER element starting at `offset`.
struct DerSpan
{
    enum class State
    {
        Complete,
        Truncated,
        NotDer,
    };
    State state = State::NotDer;
    qsizetype length = 0;  ///< header and content, when complete
    qint64 announced = -1; ///< what the header announced, when truncated (-1: unknown)
};

DerSpan derSpanAt(QByteArrayView data, qsizetype offset)
{
    DerSpan span;
    const qsizetype remaining = data.size() - offset;
    // Every object imported from DER is a SEQUENCE at the top.
    if (remaining < 2 || quint8(data[offset]) != 0x30)
        return span;
    const quint8 first = quint8(data[offset + 1]);
    qint64 header = 2;
    qint64 content = 0;
    if (first < 0x80) {
        content = first;
    } else if (first == 0x80) {
        // BER's indefinite length (some PKCS#12 writers use it): the rest is the element.
        span.state = DerSpan::State::Complete;
        span.length = remaining;
        return span;
    } else {
        const int count = first & 0x7f;
        if (count > 4) // more than 4 GiB: not a file this reader accepts
            return span;
        if (remaining < 2 + count) {
            span.state = DerSpan::State::Truncated;
            return span;
        }
        for (int i = 0; i < count; ++i)
            content = (content << 8) | quint8(data[offset + 2 + i]);
        header += count;
    }
    if (header + content > remaining) {
        span.state = DerSpan::State::Truncated;
        span.announced = header + content;
        return span;
    }
    span.state = DerSpan::State::Complete;
    span.length = qsizetype(header + content);
    return span;
}

/// One BEGIN … END region of PEM text, read on its own so that one broken block does not
/// hide the others.
struct ScannedBlock
{
    int number = 0;
    qsizetype offset = 0;
    QString label;
    std::optional<PemBlock> block;
    QString error; ///< why the block could not be read (without its location)
};

/// parsePem's message for a block it read alone, which counts offsets from the block, turned
/// into a reason to follow the block's own location.
QString blockReason(const QString &message, const QString &label)
{
    const QString prefix = QStringLiteral("PEM block '%1' at byte offset 0").arg(label);
    if (!message.startsWith(prefix))
        return message;
    const QString rest = message.mid(prefix.size());
    if (rest.startsWith(QLatin1String(": ")))
        return rest.mid(2);
    return QStringLiteral("the block") + rest;
}

/// Every block up to `limit` of them: one more than the importer takes, so it can tell that
/// there were too many without scanning the rest.
QList<ScannedBlock> scanPem(QByteArrayView data, qsizetype limit)
{
    QList<ScannedBlock> blocks;
    qsizetype pos = 0;
    int number = 0;
    while (blocks.size() < limit && (pos = data.indexOf(kPemBegin, pos)) >= 0) {
        ScannedBlock scanned;
        scanned.number = ++number;
        scanned.offset = pos;
        qsizetype lineEnd = data.indexOf('\n', pos);
        if (lineEnd < 0)
            lineEnd = data.size();
        const qsizetype next = data.indexOf(kPemBegin, lineEnd);
        const QByteArrayView line = data.sliced(pos, lineEnd - pos).trimmed();
        if (!line.endsWith(kPemDashes) || line.size() <= kPemBegin.size() + kPemDashes.size()) {
            scanned.error = QStringLiteral("malformed PEM BEGIN line");
            blocks.append(std::move(scanned));
            if (next < 0)
                break;
            pos = next;
            continue;
        }
        const QByteArrayView label =
            line.sliced(kPemBegin.size(), line.size() - kPemBegin.size() - kPemDashes.size());
        scanned.label = QString::fromLatin1(label);
        const QByteArray endLine = "-----END " + label.toByteArray() + "-----";
        // Searched for only up to the next BEGIN, so that hostile text made of BEGIN lines
        // alone costs linear time, not quadratic.
        const qsizetype endPos =
            data.first(next < 0 ? data.size() : next).indexOf(endLine, lineEnd);
        if (endPos < 0) {
            scanned.error = QStringLiteral("no matching '-----END %1-----' line (truncated?)")
                                .arg(scanned.label);
            blocks.append(std::move(scanned));
            if (next < 0)
                break;
            pos = next;
            continue;
        }
        const qsizetype blockEnd = endPos + endLine.size();
        auto parsed = parsePem(data.sliced(pos, blockEnd - pos));
        if (!parsed)
            scanned.error = blockReason(parsed.errorMessage(), scanned.label);
        else if (parsed->size() != 1)
            scanned.error = QStringLiteral("not one PEM block");
        else {
            scanned.block = std::move(parsed->first());
            scanned.block->offset = pos;
        }
        blocks.append(std::move(scanned));
        pos = blockEnd;
    }
    return blocks;
}

class Importer
{
public:
    Importer(const QString &sourceName, const PassphraseProvider &passphrase)
        : m_source(sourceName.isEmpty() ? QStringLiteral("input") : sourceName),
          m_passphrase(passphrase)
    {}

    ImportResult run(QByteArrayView data)
    {
        if (data.size() > kMaxImportSize)
            return fail(QStringLiteral("%1 bytes is too large to import (at most %2 bytes)")
                            .arg(data.size())
                            .arg(kMaxImportSize));
        if (data.trimmed().isEmpty())
            return fail(data.isEmpty() ? QStringLiteral("empty; nothing to import")
                                       : QStringLiteral("only whitespace; nothing to import"));
        // Text that is not PEM can only be a DC (hex, base64, an interop-runner line); only
        // binary data is probed as DER, as hex text starting "30…" would otherwise pass for it.
        if (containsPem(data))
            importPem(data);
        else if (isText(data) || !importDer(data))
            importDelegatedCredentialOnly(data);
        if (m_result.objects.isEmpty() && m_result.error.isEmpty())
            m_result.error = m_source + QStringLiteral(": nothing to import found");
        if (m_truncated && m_result.error.isEmpty())
            m_result.error = m_source + QStringLiteral(": more than %1 objects; only the first "
                                                       "%1 were read")
                                            .arg(kMaxImportObjects);
        annotateKeyMatches();
        discardOpenSslErrors();
        return std::move(m_result);
    }

private:
    ImportResult fail(const QString &message)
    {
        m_result.error = m_source + QStringLiteral(": ") + message;
        return std::move(m_result);
    }

    /// kMaxImportObjects reached: every loop over the input stops, and run() reports it.
    bool full()
    {
        if (m_result.objects.size() < kMaxImportObjects)
            return false;
        m_truncated = true;
        return true;
    }

    void add(ImportedObject object)
    {
        if (full())
            return;
        // Lists that lead with the summary (ws import's "FAILED: <summary> (<error>)") would
        // otherwise show nothing for an object that could not be read.
        if (object.summary.isEmpty())
            object.summary = object.kind == ImportedKind::Unknown
                                 ? QStringLiteral("unreadable object")
                                 : QStringLiteral("unreadable ") + importedKindName(object.kind);
        m_result.objects.append(std::move(object));
    }

    static ImportedObject failed(ImportedKind kind, const QString &location, const QString &why)
    {
        ImportedObject object;
        object.kind = kind;
        object.location = location;
        object.error = location + QStringLiteral(": ") + why;
        return object;
    }

    // ---- PEM --------------------------------------------------------------------------------

    void importPem(QByteArrayView data)
    {
        QList<ScannedBlock> blocks = scanPem(data, kMaxImportObjects + 1);
        const auto count = [&](auto predicate) {
            return std::count_if(blocks.cbegin(), blocks.cend(), predicate);
        };
        const bool allRead = count([](const ScannedBlock &b) { return !b.block; }) == 0;
        const auto dcBlocks =
            count([](const ScannedBlock &b) { return b.label.endsWith(kDcLabelSuffix); });
        const bool hasEcKey = count([](const ScannedBlock &b) {
                                  return b.label == QLatin1String("EC PRIVATE KEY");
                              }) > 0;
        for (ScannedBlock &scanned : blocks) {
            if (full())
                break;
            const QString location = scanned.label.isEmpty()
                                         ? QStringLiteral("PEM block %1 at byte %2")
                                               .arg(scanned.number)
                                               .arg(scanned.offset)
                                         : QStringLiteral("PEM block %1 '%2' at byte %3")
                                               .arg(scanned.number)
                                               .arg(scanned.label)
                                               .arg(scanned.offset);
            if (!scanned.block) {
                add(failed(kindForLabel(scanned.label), location, scanned.error));
                continue;
            }
            PemBlock &block = *scanned.block;
            const QString &label = block.label;
            if (isCertificateLabel(label)) {
                importCertificate(block.der, location,
                                  label == QLatin1String("TRUSTED CERTIFICATE"));
            } else if (isRequestLabel(label)) {
                importRequest(block.der, location);
            } else if (isPkcs7Label(label)) {
                importPkcs7(block.der, location,
                            location + QStringLiteral(", PKCS#7 certificate %1"));
            } else if (label.endsWith(kPrivateKeyLabelSuffix)) {
                importPemKey(block, scanned.number, location);
            } else if (label.endsWith(kDcLabelSuffix)) {
                // With one DC block in well-formed PEM, the whole text goes to the DC reader:
                // that is how a Fizz combined PEM (DC, its key, the certificate) is recognised.
                // A bundle that merely holds a DC beside some other key is no such file.
                auto document = dcBlocks == 1 && allRead ? readDelegatedCredential(data)
                                                         : Result<DcDocument>(Error{});
                if (!document || !carriesItsOwnKey(*document))
                    document = readDelegatedCredential(block.text);
                addDelegatedCredential(std::move(document), location);
            } else if (label == QLatin1String("EC PARAMETERS")) {
                // `openssl ecparam -genkey` writes the curve before the key; it is part of it.
                if (!hasEcKey) {
                    ImportedObject object;
                    object.location = location;
                    object.summary = QStringLiteral("EC parameters without a key (not imported)");
                    add(std::move(object));
                }
            } else if (label == QLatin1String("PUBLIC KEY")) {
                importPublicKey(block.der, location);
            } else if (label == QLatin1String("X509 CRL")) {
                importCrl(block.der, location);
            } else {
                ImportedObject object;
                object.location = location;
                object.summary =
                    QStringLiteral("PEM block '%1' (not a kind Baton imports)").arg(label);
                add(std::move(object));
            }
        }
    }

    /// A DC reading's key (if it took one) is the DC's own key.
    static bool carriesItsOwnKey(const DcDocument &document)
    {
        if (document.privateKey.isEmpty())
            return true;
        const auto key = decodePrivateKey(document.privateKey.bytes());
        const auto dcKey = decodeSubjectPublicKeyInfo(document.credential.subjectPublicKeyInfo);
        const bool same = key && dcKey && samePublicKey(key->get(), dcKey->get());
        discardOpenSslErrors();
        return same;
    }

    void importPemKey(PemBlock &block, int number, const QString &location)
    {
        // Whatever happens, the block's copies of the key are wiped when this returns.
        const SecretBytes der(std::move(block.der));
        const SecretBytes text(std::move(block.text));
        if (block.label == QLatin1String("OPENSSH PRIVATE KEY")) {
            add(failed(ImportedKind::PrivateKey, location,
                       QStringLiteral("OpenSSH's own key format; convert it to PKCS#8 first "
                                      "(ssh-keygen -p -m PKCS8 -f <file>)")));
            return;
        }
        importPrivateKey(text.bytes(), location,
                         QStringLiteral("encrypted private key in PEM block %1 of %2")
                             .arg(number)
                             .arg(m_source));
    }

    // ---- DER --------------------------------------------------------------------------------

    /// False when the data is not DER at all (the caller then tries the DC encodings).
    bool importDer(QByteArrayView data)
    {
        QList<std::pair<qsizetype, DerSpan>> spans;
        for (qsizetype offset = 0; offset < data.size() && spans.size() <= kMaxImportObjects;) {
            const DerSpan span = derSpanAt(data, offset);
            spans.append({offset, span});
            if (span.state != DerSpan::State::Complete)
                break;
            offset += span.length;
        }
        const DerSpan &first = spans.first().second;
        if (first.state == DerSpan::State::NotDer)
            return false;
        if (spans.size() == 1 && first.state == DerSpan::State::Truncated) {
            // A binary DC could in principle start like DER: prefer it when it reads.
            if (importDelegatedCredentialIfValid(data))
                return true;
            m_result.error = m_source + QStringLiteral(": ") + truncationMessage(first, 0, data);
            return true;
        }
        if (spans.size() == 1) {
            if (!importDerObject(data, QStringLiteral("DER"), true)) {
                if (importDelegatedCredentialIfValid(data))
                    return true;
                add(unidentifiedDer(data, QStringLiteral("DER")));
            }
            return true;
        }
        for (qsizetype i = 0; i < spans.size() && !full(); ++i) {
            const auto &[offset, span] = spans[i];
            const QString location =
                QStringLiteral("DER object %1 at byte %2").arg(i + 1).arg(offset);
            if (span.state == DerSpan::State::Truncated) {
                add(failed(ImportedKind::Unknown, location, truncationMessage(span, offset, data)));
            } else if (span.state == DerSpan::State::NotDer) {
                add(failed(ImportedKind::Unknown, location,
                           QStringLiteral("trailing data that is not DER (%1 bytes)")
                               .arg(data.size() - offset)));
            } else {
                const QByteArrayView der = data.sliced(offset, span.length);
                if (!importDerObject(der, location, false))
                    add(unidentifiedDer(der, location));
            }
        }
        return true;
    }

    static QString truncationMessage(const DerSpan &span, qsizetype offset, QByteArrayView data)
    {
        if (span.announced < 0)
            return QStringLiteral("truncated DER: the length of the element at byte %1 is cut "
                                  "off")
                .arg(offset);
        return QStringLiteral("truncated DER: the element at byte %1 announces %2 bytes but "
                              "only %3 are left (was the file cut short?)")
            .arg(offset)
            .arg(span.announced)
            .arg(data.size() - offset);
    }

    /// An element that parsed as none of the kinds: a certificate's shape (a TBSCertificate
    /// starting with its [0] version) gets the certificate parser's reason.
    static ImportedObject unidentifiedDer(QByteArrayView der, const QString &location)
    {
        const QByteArrayView head = der.first(std::min<qsizetype>(der.size(), 16));
        if (head.indexOf(QByteArrayView("\xa0\x03\x02\x01", 4)) > 0) {
            const auto certificate = Certificate::fromDer(der);
            return failed(ImportedKind::Certificate, location,
                          QStringLiteral("a damaged certificate: ") + certificate.errorMessage());
        }
        discardOpenSslErrors();
        return failed(ImportedKind::Unknown, location,
                      QStringLiteral("DER that is not a certificate, certificate request, CRL, "
                                     "PKCS#7, PKCS#12, private key or public key"));
    }

    /// Tries each DER kind in turn; false when none fits. Only a whole input may be PKCS#12
    /// (its item locations name the file, not an element of it).
    bool importDerObject(QByteArrayView der, const QString &location, bool wholeInput)
    {
        if (auto certificate = Certificate::fromDer(der)) {
            addCertificate(std::move(certificate).value(), location, QString());
            return true;
        }
        if (auto request = CertificateRequest::fromDer(der)) {
            addRequest(std::move(request).value(), location);
            return true;
        }
        discardOpenSslErrors();
        if (parsesStrictly<PKCS7, d2i_PKCS7, PKCS7_free>(der)) {
            importPkcs7(der, location,
                        wholeInput ? QStringLiteral("PKCS#7 certificate %1")
                                   : location + QStringLiteral(", PKCS#7 certificate %1"));
            return true;
        }
        if (parsesStrictly<X509_CRL, d2i_X509_CRL, X509_CRL_free>(der)) {
            importCrl(der, location);
            return true;
        }
        if (wholeInput && parsesStrictly<PKCS12, d2i_PKCS12, PKCS12_free>(der)) {
            importPkcs12(der);
            return true;
        }
        if (isEncryptedPrivateKey(der) || decodePrivateKey(der).ok()) {
            discardOpenSslErrors();
            importPrivateKey(der, location,
                             QStringLiteral("encrypted private key in %1").arg(m_source));
            return true;
        }
        if (decodeSubjectPublicKeyInfo(der).ok()) {
            importPublicKey(der, location);
            return true;
        }
        discardOpenSslErrors();
        return false;
    }

    template <typename T, T *(*Decode)(T **, const unsigned char **, long), void (*Free)(T *)>
    static bool parsesStrictly(QByteArrayView der)
    {
        const auto *cursor = reinterpret_cast<const unsigned char *>(der.data());
        const OpenSslPtr<T, Free> parsed(Decode(nullptr, &cursor, long(der.size())));
        discardOpenSslErrors();
        return parsed && cursor == reinterpret_cast<const unsigned char *>(der.data()) + der.size();
    }

    // ---- the kinds --------------------------------------------------------------------------

    void importCertificate(QByteArrayView der, const QString &location, bool trusted)
    {
        if (!trusted) {
            auto certificate = Certificate::fromDer(der);
            if (!certificate)
                add(failed(ImportedKind::Certificate, location, certificate.errorMessage()));
            else
                addCertificate(std::move(certificate).value(), location, QString());
            return;
        }
        // OpenSSL's TRUSTED CERTIFICATE: the certificate followed by its trust settings.
        const auto *cursor = reinterpret_cast<const unsigned char *>(der.data());
        const X509Ptr x509(d2i_X509_AUX(nullptr, &cursor, long(der.size())));
        if (!x509 || cursor != reinterpret_cast<const unsigned char *>(der.data()) + der.size()) {
            add(failed(ImportedKind::Certificate, location,
                       openSslError(QStringLiteral("not a certificate with OpenSSL trust "
                                                   "settings"))
                           .message));
            return;
        }
        auto certificate = Certificate::fromDer(toDer(x509.get()));
        if (!certificate)
            add(failed(ImportedKind::Certificate, location, certificate.errorMessage()));
        else
            addCertificate(std::move(certificate).value(), location,
                           QStringLiteral(", with OpenSSL trust settings (not imported)"));
    }

    void addCertificate(Certificate certificate, const QString &location, const QString &note)
    {
        ImportedObject object;
        object.kind = ImportedKind::Certificate;
        object.location = location;
        object.summary = certificateSummary(certificate) + note;
        object.certificate = std::move(certificate);
        add(std::move(object));
    }

    void importRequest(QByteArrayView der, const QString &location)
    {
        auto request = CertificateRequest::fromDer(der);
        if (!request)
            add(failed(ImportedKind::CertificateRequest, location, request.errorMessage()));
        else
            addRequest(std::move(request).value(), location);
    }

    void addRequest(CertificateRequest request, const QString &location)
    {
        ImportedObject object;
        object.kind = ImportedKind::CertificateRequest;
        object.location = location;
        object.summary = requestSummary(request);
        object.request = std::move(request);
        add(std::move(object));
    }

    void importPublicKey(QByteArrayView der, const QString &location)
    {
        auto key = decodeSubjectPublicKeyInfo(der);
        if (!key) {
            add(failed(ImportedKind::Unknown, location, key.errorMessage()));
            return;
        }
        ImportedObject object;
        object.location = location;
        object.summary = QStringLiteral("public key %1 (a public key alone is not imported)")
                             .arg(describeKey(key->get()));
        add(std::move(object));
    }

    /// A CRL is recognised and described, the same way in PEM and in DER, but not imported.
    void importCrl(QByteArrayView der, const QString &location)
    {
        const auto *cursor = reinterpret_cast<const unsigned char *>(der.data());
        const OpenSslPtr<X509_CRL, X509_CRL_free> crl(
            d2i_X509_CRL(nullptr, &cursor, long(der.size())));
        if (!crl || cursor != reinterpret_cast<const unsigned char *>(der.data()) + der.size()) {
            add(failed(ImportedKind::Unknown, location,
                       openSslError(QStringLiteral("not a readable CRL")).message));
            return;
        }
        ImportedObject object;
        object.location = location;
        object.summary =
            QStringLiteral("certificate revocation list from %1, %2 revoked (not imported)")
                .arg(nameOrPlaceholder(distinguishedNameText(X509_CRL_get_issuer(crl.get()))))
                .arg(std::max(0, sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl.get()))));
        add(std::move(object));
    }

    void importPkcs7(QByteArrayView der, const QString &location, const QString &itemLocation)
    {
        const auto *cursor = reinterpret_cast<const unsigned char *>(der.data());
        const Pkcs7Ptr p7(d2i_PKCS7(nullptr, &cursor, long(der.size())));
        if (!p7 || cursor != reinterpret_cast<const unsigned char *>(der.data()) + der.size()) {
            add(failed(ImportedKind::Unknown, location,
                       openSslError(QStringLiteral("not a readable PKCS#7 structure")).message));
            return;
        }
        const STACK_OF(X509) *certificates = nullptr;
        const int type = OBJ_obj2nid(p7->type);
        if (type == NID_pkcs7_signed && p7->d.sign)
            certificates = p7->d.sign->cert;
        else if (type == NID_pkcs7_signedAndEnveloped && p7->d.signed_and_enveloped)
            certificates = p7->d.signed_and_enveloped->cert;
        if (sk_X509_num(certificates) <= 0) {
            ImportedObject object;
            object.location = location;
            object.summary = QStringLiteral("PKCS#7 %1 without certificates (not imported)")
                                 .arg(QString::fromLatin1(OBJ_nid2sn(type)));
            add(std::move(object));
            return;
        }
        for (int i = 0; i < sk_X509_num(certificates) && !full(); ++i) {
            const QString itemAt = itemLocation.arg(i + 1);
            auto certificate = Certificate::fromDer(toDer(sk_X509_value(certificates, i)));
            if (!certificate)
                add(failed(ImportedKind::Certificate, itemAt, certificate.errorMessage()));
            else
                addCertificate(std::move(certificate).value(), itemAt, QString());
        }
    }

    /// Asks for passphrases until `attempt` accepts one; false when the provider gives up
    /// (or there is none). `offered` says whether any was tried.
    template <typename Attempt>
    bool askPassphrase(const QString &what, bool *offered, Attempt attempt)
    {
        *offered = false;
        if (!m_passphrase)
            return false;
        for (int i = 0; i < kMaxPassphraseAttempts; ++i) {
            std::optional<QByteArray> candidate = m_passphrase(what);
            if (!candidate)
                return false;
            *offered = true;
            // Wiped when this iteration ends, whatever the attempt made of it.
            SecretBytes secret(std::move(*candidate));
            candidate.reset();
            if (attempt(secret)) // may keep the passphrase by moving it out
                return true;
        }
        return false;
    }

    static QString passphraseError(bool offered, const QString &damage)
    {
        return offered ? QStringLiteral("wrong passphrase (or %1); passphrase needed").arg(damage)
                       : QStringLiteral("encrypted; passphrase needed");
    }

    void importPrivateKey(QByteArrayView data, const QString &location, const QString &what)
    {
        ImportedObject object;
        object.kind = ImportedKind::PrivateKey;
        object.location = location;
        object.encrypted = isEncryptedPrivateKey(data);
        discardOpenSslErrors();
        if (!object.encrypted) {
            auto key = decodePrivateKey(data);
            if (!key) {
                add(failed(ImportedKind::PrivateKey, location, key.errorMessage()));
                return;
            }
            object.summary = keySummary(key->get(), false);
            object.privateKey = std::shared_ptr<EVP_PKEY>(std::move(key).value());
            add(std::move(object));
            return;
        }
        // The KDF cost the key asks for is checked before anyone is asked for a passphrase.
        if (Status cost = checkEncryptedPrivateKeyCost(data); !cost) {
            object.summary = QStringLiteral("encrypted private key (refused: too costly to open)");
            object.error = location + QStringLiteral(": ") + cost.errorMessage();
            add(std::move(object));
            return;
        }
        EvpPkeyPtr decrypted;
        bool offered = false;
        askPassphrase(what, &offered, [&](SecretBytes &secret) {
            auto key = decodePrivateKey(data, std::optional<QByteArray>(secret.bytes()));
            if (key)
                decrypted = std::move(key).value();
            return bool(decrypted);
        });
        if (!decrypted) {
            object.summary = QStringLiteral("encrypted private key (not decrypted)");
            object.error = location + QStringLiteral(": ") +
                           passphraseError(offered, QStringLiteral("the key is damaged"));
            add(std::move(object));
            return;
        }
        object.summary = keySummary(decrypted.get(), true);
        object.privateKey = std::shared_ptr<EVP_PKEY>(std::move(decrypted));
        add(std::move(object));
    }

    // ---- PKCS#12 ----------------------------------------------------------------------------

    void importPkcs12(QByteArrayView der)
    {
        const QString what = QStringLiteral("PKCS#12 file %1").arg(m_source);
        const QString location = QStringLiteral("PKCS#12");
        const auto *cursor = reinterpret_cast<const unsigned char *>(der.data());
        const Pkcs12Ptr p12(d2i_PKCS12(nullptr, &cursor, long(der.size())));
        if (!p12) {
            add(failed(ImportedKind::Unknown, location,
                       openSslError(QStringLiteral("not a readable PKCS#12 file")).message));
            return;
        }

        // Every key derivation the file asks for is bounded before the first one runs.
        {
            const Pkcs7StackPtr safes(PKCS12_unpack_authsafes(p12.get()));
            discardOpenSslErrors();
            if (Status cost = pkcs12CostError(p12.get(), safes); !cost) {
                ImportedObject object =
                    failed(ImportedKind::Unknown, location, cost.errorMessage());
                object.encrypted = true;
                object.summary = QStringLiteral("PKCS#12 file (refused: too costly to open)");
                add(std::move(object));
                return;
            }
        }

        const qint64 macWork = pkcs12MacWork(p12.get()).value();

        // The MAC tells a right passphrase from a wrong one before anything is decrypted.
        // Files "without" a passphrase use either none (NULL) or an empty one: try both first.
        Pkcs12Passphrase passphrase;
        const bool hasMac = PKCS12_mac_present(p12.get()) == 1;
        bool offered = false;
        if (hasMac) {
            bool found = true;
            if (PKCS12_verify_mac(p12.get(), nullptr, 0) == 1)
                passphrase.null = true;
            else if (PKCS12_verify_mac(p12.get(), "", 0) != 1)
                found = askPassphrase(what, &offered, [&](SecretBytes &secret) {
                    const bool right = PKCS12_verify_mac(p12.get(), secret.bytes().constData(),
                                                         int(secret.bytes().size())) == 1;
                    if (right)
                        passphrase.bytes = std::move(secret);
                    return right;
                });
            discardOpenSslErrors();
            if (!found) {
                ImportedObject object =
                    failed(ImportedKind::Unknown, location,
                           passphraseError(offered, QStringLiteral("the file is damaged")));
                object.encrypted = true;
                object.summary = QStringLiteral("PKCS#12 file (passphrase-protected, not opened)");
                add(std::move(object));
                return;
            }
        }

        Pkcs12Walk walk = Pkcs12Walker(passphrase, nullptr, macWork).walk(der);
        if (!hasMac && !walk.undecryptable.isEmpty() && walk.unsupportedAlgorithms.isEmpty()) {
            // No MAC to check a passphrase against: the contents themselves are the test.
            askPassphrase(what, &offered, [&](SecretBytes &secret) {
                Pkcs12Passphrase candidate;
                candidate.bytes = std::move(secret);
                Pkcs12Walk retry = Pkcs12Walker(candidate, nullptr, macWork).walk(der);
                if (!retry.undecryptable.isEmpty())
                    return false;
                walk = std::move(retry);
                passphrase.bytes = std::move(candidate.bytes);
                return true;
            });
        }
        QString legacyNote;
        if (!walk.unsupportedAlgorithms.isEmpty()) {
            walk.unsupportedAlgorithms.removeDuplicates();
            const QString algorithms = walk.unsupportedAlgorithms.join(QStringLiteral(", "));
            if (std::optional<LegacyContext> legacy = LegacyContext::load()) {
                walk = Pkcs12Walker(passphrase, legacy->context.get(), macWork).walk(der);
                legacyNote = QStringLiteral(", from a PKCS#12 file with legacy encryption (%1)")
                                 .arg(algorithms);
            } else {
                add(failed(ImportedKind::Unknown, location,
                           QStringLiteral("encrypted with %1, a legacy cipher that OpenSSL 3 "
                                          "keeps in its legacy provider, which could not be "
                                          "loaded; re-export the file with current encryption "
                                          "(openssl pkcs12 -legacy -in old.p12 -nodes | openssl "
                                          "pkcs12 -export -out new.p12)")
                               .arg(algorithms)));
            }
        }
        if (!walk.failure.isEmpty())
            add(failed(ImportedKind::Unknown, location, walk.failure));
        for (ImportedObject &object : walk.objects) {
            if (object.error.isEmpty())
                object.summary += legacyNote;
            add(std::move(object));
        }
        for (const Pkcs12Walk::Undecrypted &part : std::as_const(walk.undecryptable)) {
            ImportedObject object = failed(
                part.kind, part.location,
                hasMac ? QStringLiteral("cannot be decrypted with the passphrase that opened "
                                        "the file (or it is damaged)")
                       : passphraseError(offered, QStringLiteral("the file is damaged")));
            object.encrypted = true;
            object.summary =
                QStringLiteral("encrypted with %1 (not decrypted)").arg(part.algorithm);
            add(std::move(object));
        }
    }

    // ---- delegated credentials --------------------------------------------------------------

    void addDelegatedCredential(Result<DcDocument> document, const QString &location)
    {
        if (!document) {
            add(failed(ImportedKind::DelegatedCredential, location, document.errorMessage()));
            return;
        }
        ImportedObject object;
        object.kind = ImportedKind::DelegatedCredential;
        object.location = location;
        object.summary = dcSummary(*document);
        object.delegatedCredential =
            std::make_shared<const DcDocument>(std::move(document).value());
        add(std::move(object));
    }

    bool importDelegatedCredentialIfValid(QByteArrayView data)
    {
        auto document = readDelegatedCredential(data);
        if (!document)
            return false;
        const QString location = dcEncodingName(document->encoding);
        addDelegatedCredential(std::move(document), location);
        return true;
    }

    void importDelegatedCredentialOnly(QByteArrayView data)
    {
        auto document = readDelegatedCredential(data);
        if (!document) {
            m_result.error = m_source + QStringLiteral(": nothing importable: not PEM, not DER, "
                                                       "and not a delegated credential in any "
                                                       "encoding (%1)")
                                            .arg(document.errorMessage());
            return;
        }
        const QString location = dcEncodingName(document->encoding);
        addDelegatedCredential(std::move(document), location);
    }

    // ---- which key goes with what -----------------------------------------------------------

    /// Says which certificate, request or DC each private key belongs to. Keys are matched
    /// by their encoded SubjectPublicKeyInfo (the identity the workspace stores them by)
    /// through a hash, not pair by pair: thousands of keys and certificates cost linear time.
    void annotateKeyMatches()
    {
        if (std::none_of(m_result.objects.cbegin(), m_result.objects.cend(),
                         [](const ImportedObject &o) { return o.privateKey != nullptr; }))
            return;
        QHash<QByteArray, QString> owners;
        const auto offer = [&](const EVP_PKEY *key, const QString &owner) {
            auto spki = encodeSubjectPublicKeyInfo(key);
            if (spki && !owners.contains(*spki)) // the first owner found names the key
                owners.insert(*spki, owner);
        };
        // Certificates first, then requests, then DCs.
        for (const ImportedObject &object : std::as_const(m_result.objects)) {
            if (object.certificate)
                offer(object.certificate->publicKey(),
                      QStringLiteral("certificate %1")
                          .arg(nameOrPlaceholder(object.certificate->subject())));
        }
        for (const ImportedObject &object : std::as_const(m_result.objects)) {
            if (object.request)
                offer(object.request->publicKey(),
                      QStringLiteral("certificate request %1")
                          .arg(nameOrPlaceholder(object.request->subject())));
        }
        for (const ImportedObject &object : std::as_const(m_result.objects)) {
            if (!object.delegatedCredential)
                continue;
            if (auto key = decodeSubjectPublicKeyInfo(
                    object.delegatedCredential->credential.subjectPublicKeyInfo))
                offer(key->get(),
                      QStringLiteral("the delegated credential in %1").arg(object.location));
        }
        discardOpenSslErrors();
        for (ImportedObject &object : m_result.objects) {
            if (!object.privateKey)
                continue;
            const auto spki = encodeSubjectPublicKeyInfo(object.privateKey.get());
            const auto owner = spki ? owners.constFind(*spki) : owners.cend();
            if (owner != owners.cend())
                object.summary += QStringLiteral(", matches ") + *owner;
        }
        discardOpenSslErrors();
    }

    QString m_source;
    const PassphraseProvider &m_passphrase;
    ImportResult m_result;
    bool m_truncated = false;
};

} // namespace

QString importedKindName(ImportedKind kind)
{
    switch (kind) {
    case ImportedKind::Certificate:
        return QStringLiteral("certificate");
    case ImportedKind::CertificateRequest:
        return QStringLiteral("certificate request");
    case ImportedKind::PrivateKey:
        return QStringLiteral("private key");
    case ImportedKind::DelegatedCredential:
        return QStringLiteral("delegated credential");
    case ImportedKind::Unknown:
        return QStringLiteral("unknown");
    }
    return QStringLiteral("unknown");
}

bool ImportResult::complete() const
{
    return error.isEmpty() && std::all_of(objects.cbegin(), objects.cend(),
                                          [](const auto &o) { return o.error.isEmpty(); });
}

ImportResult importData(QByteArrayView data, const QString &sourceName,
                        const PassphraseProvider &passphrase)
{
    return Importer(sourceName, passphrase).run(data);
}

ImportResult importFile(const QString &path, const PassphraseProvider &passphrase)
{
    auto data = readFileBounded(path, kMaxImportSize);
    if (!data) {
        ImportResult result;
        result.error = data.errorMessage();
        return result;
    }
    // The file may hold private keys: its bytes are wiped once everything is parsed.
    const SecretBytes content(std::move(data).value());
    return importData(content.bytes(), path, passphrase);
}

} // namespace baton
