#include "KdfLimits.h"

#include "OpenSsl.h"
#include "PkcsObjects.h"

#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <optional>

namespace baton {

namespace {

/// A non-negative INTEGER that fits 64 bits; nullopt for a negative or larger one.
std::optional<quint64> unsignedValue(const ASN1_INTEGER *integer)
{
    uint64_t value = 0;
    if (!integer || ASN1_INTEGER_get_uint64(&value, integer) != 1) {
        discardOpenSslErrors();
        return std::nullopt;
    }
    return value;
}

QString objectName(const ASN1_OBJECT *object)
{
    char name[128] = {};
    if (!object || OBJ_obj2txt(name, sizeof name, object, 0) <= 0)
        return QStringLiteral("an unknown algorithm");
    return QString::fromLatin1(name);
}

/// An iteration count against kMaxKdfIterations; `what` names the scheme ("PBKDF2").
Result<qint64> checkIterations(const ASN1_INTEGER *iterations, const QString &what)
{
    const auto count = unsignedValue(iterations);
    if (!count)
        return Error{QStringLiteral("%1: the iteration count is not a number from 1 to %2")
                         .arg(what)
                         .arg(kMaxKdfIterations)};
    if (*count > quint64(kMaxKdfIterations))
        return Error{QStringLiteral("%1: %2 iterations, more than Baton's limit of %3 (real files "
                                    "use 2048 to 600000); refused before deriving any key")
                         .arg(what)
                         .arg(*count)
                         .arg(kMaxKdfIterations)};
    return qint64(*count);
}

QString mebibytes(quint64 bytes)
{
    return QString::number(double(bytes) / double(1 << 20), 'f', 1);
}

/// What scrypt needs, as OpenSSL's scrypt computes it before deriving (its V and B arrays).
/// Only called once N, r and p are known to be within kMaxScryptWork, so it cannot overflow.
quint64 scryptMemory(const ScryptParameters &s)
{
    return 128 * quint64(s.r) * (s.n + 2 + s.p);
}

Result<qint64> checkScrypt(const ASN1_TYPE *parameter)
{
    const ScryptParamsPtr scrypt(static_cast<SCRYPT_PARAMS *>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS), parameter)));
    discardOpenSslErrors();
    if (!scrypt)
        return Error{QStringLiteral("scrypt: unreadable parameters")};
    const auto n = unsignedValue(scrypt->costParameter);
    const auto r = unsignedValue(scrypt->blockSize);
    const auto p = unsignedValue(scrypt->parallelizationParameter);
    if (!n || !r || !p || *r > UINT32_MAX || *p > UINT32_MAX)
        return Error{QStringLiteral("scrypt: N, r or p is not a number Baton can use")};
    if (Status cost = checkScryptCost({*n, quint32(*r), quint32(*p)}); !cost)
        return Error{
            QStringLiteral("%1; refused before deriving any key").arg(cost.errorMessage())};
    // In iterations' terms: the whole of kMaxScryptWork weighs as much as kMaxKdfIterations
    // (both take seconds). Within the limits, N*r*p <= 2^24 and the product cannot overflow.
    return qint64((*n * *r * *p * quint64(kMaxKdfIterations) + kMaxScryptWork - 1) /
                  kMaxScryptWork);
}

Result<qint64> checkPbes2(const ASN1_TYPE *parameter)
{
    const Pbe2ParamPtr pbe2(
        static_cast<PBE2PARAM *>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), parameter)));
    discardOpenSslErrors();
    if (!pbe2 || !pbe2->keyfunc)
        return Error{QStringLiteral("PBES2: unreadable parameters")};
    const int kdf = OBJ_obj2nid(pbe2->keyfunc->algorithm);
    if (kdf == NID_id_pbkdf2) {
        const Pbkdf2ParamPtr pbkdf2(static_cast<PBKDF2PARAM *>(
            ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter)));
        discardOpenSslErrors();
        if (!pbkdf2)
            return Error{QStringLiteral("PBES2 with PBKDF2: unreadable parameters")};
        return checkIterations(pbkdf2->iter, QStringLiteral("PBES2 with PBKDF2"));
    }
    if (kdf == NID_id_scrypt)
        return checkScrypt(pbe2->keyfunc->parameter);
    // Any other key derivation is one OpenSSL does not have: it fails without deriving.
    return qint64(0);
}

} // namespace

Status checkScryptCost(const ScryptParameters &s)
{
    if (s.n < 2 || (s.n & (s.n - 1)) != 0)
        return Error{
            QStringLiteral("scrypt N must be a power of two of at least 2, not %1").arg(s.n)};
    if (s.r == 0)
        return Error{QStringLiteral("scrypt r must be at least 1")};
    if (s.p == 0)
        return Error{QStringLiteral("scrypt p must be at least 1")};
    // RFC 7914 section 2: N < 2^(128 * r / 8). From r=4 on every 64-bit N is below (and the
    // shift would overflow).
    if (s.r < 4 && s.n >= (quint64(1) << (16 * s.r)))
        return Error{QStringLiteral("scrypt N=%1 is too large for r=%2 (N must be below 2^%3)")
                         .arg(s.n)
                         .arg(s.r)
                         .arg(16 * s.r)};
    // Divisions, not a product that could overflow on hostile input.
    if (s.n > kMaxScryptWork || s.r > kMaxScryptWork / s.n || s.p > kMaxScryptWork / (s.n * s.r))
        return Error{QStringLiteral("scrypt N=%1, r=%2, p=%3 is more work (N*r*p) than Baton's "
                                    "limit of %4")
                         .arg(s.n)
                         .arg(s.r)
                         .arg(s.p)
                         .arg(kMaxScryptWork)};
    if (scryptMemory(s) > kMaxScryptMemory)
        return Error{QStringLiteral("scrypt N=%1, r=%2, p=%3 needs %4 MiB, more than Baton's "
                                    "limit of %5 MiB")
                         .arg(s.n)
                         .arg(s.r)
                         .arg(s.p)
                         .arg(mebibytes(scryptMemory(s)), mebibytes(kMaxScryptMemory))};
    return {};
}

Result<qint64> pbeWork(const X509_ALGOR *algorithm)
{
    if (!algorithm)
        return qint64(0);
    const ASN1_OBJECT *oid = algorithm->algorithm;
    const int nid = OBJ_obj2nid(oid);
    const ASN1_TYPE *parameter = algorithm->parameter;
    if (nid == NID_pbes2)
        return checkPbes2(parameter);
    // PBES1 and the PKCS#12 PBEs (pbeWithSHAAnd3-KeyTripleDES-CBC, …) share PBEParameter.
    // EVP_PBE_find knows them all; anything else is no password-based encryption.
    if (nid == NID_undef || !EVP_PBE_find(EVP_PBE_TYPE_OUTER, nid, nullptr, nullptr, nullptr))
        return qint64(0);
    const PbeParamPtr pbe(
        static_cast<PBEPARAM *>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBEPARAM), parameter)));
    discardOpenSslErrors();
    const QString what = objectName(oid);
    if (!pbe)
        return Error{QStringLiteral("%1: unreadable parameters").arg(what)};
    return checkIterations(pbe->iter, what);
}

Status checkPbeCost(const X509_ALGOR *algorithm)
{
    if (auto work = pbeWork(algorithm); !work)
        return work.error();
    return {};
}

Result<qint64> pkcs12MacWork(const PKCS12 *p12)
{
    const ASN1_INTEGER *iterations = nullptr;
    PKCS12_get0_mac(nullptr, nullptr, nullptr, &iterations, p12);
    // An absent count is the default, 1.
    if (!iterations)
        return qint64(PKCS12_mac_present(p12) == 1 ? 1 : 0);
    return checkIterations(iterations, QStringLiteral("MAC"));
}

Status checkPkcs12MacCost(const PKCS12 *p12)
{
    if (auto work = pkcs12MacWork(p12); !work)
        return work.error();
    return {};
}

Status KdfBudget::spend(qint64 work)
{
    m_spent += work;
    if (m_spent <= kMaxKdfWorkPerFile)
        return {};
    return Error{QStringLiteral("the file's key derivations together ask for more than Baton's "
                                "limit of %1 iterations per file; refused before deriving any "
                                "more")
                     .arg(kMaxKdfWorkPerFile)};
}

} // namespace baton
