#include "KdfBombs.h"

#include "crypto/PkcsObjects.h"

#include <QTest>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>

namespace baton::test {

namespace {

/// A fixture that cannot be built makes every assertion after it meaningless.
void require(bool ok, const char *what)
{
    if (!ok)
        qFatal("KdfBombs: %s: %s", what, qPrintable(takeOpenSslErrors()));
}

int pbeNid(BombPbe pbe)
{
    // A cipher's NID asks PKCS12_create/PKCS8_encrypt for PBES2 with PBKDF2 around it.
    return pbe == BombPbe::Pkcs12Pbe ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC : NID_aes_256_cbc;
}

void repack(X509_ALGOR *algorithm, void *value, const ASN1_ITEM *item)
{
    require(ASN1_TYPE_pack_sequence(item, value, &algorithm->parameter) != nullptr,
            "repacking parameters");
}

/// Rewrites the iteration count (or, for scrypt, replaces PBKDF2 by scrypt with N=cost.value,
/// r=8, p=1) of a PBES1/PKCS#12 PBE or PBES2 AlgorithmIdentifier.
void setCost(X509_ALGOR *algorithm, BombCost cost)
{
    if (OBJ_obj2nid(algorithm->algorithm) != NID_pbes2) {
        const PbeParamPtr pbe(static_cast<PBEPARAM *>(
            ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBEPARAM), algorithm->parameter)));
        require(pbe && ASN1_INTEGER_set_uint64(pbe->iter, cost.value), "PBEParameter");
        repack(algorithm, pbe.get(), ASN1_ITEM_rptr(PBEPARAM));
        return;
    }
    const Pbe2ParamPtr pbe2(static_cast<PBE2PARAM *>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), algorithm->parameter)));
    require(pbe2 != nullptr, "PBES2 parameters");
    if (cost.pbe == BombPbe::Pbes2Scrypt) {
        const ScryptParamsPtr scrypt(SCRYPT_PARAMS_new());
        const unsigned char salt[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        require(scrypt && ASN1_OCTET_STRING_set(scrypt->salt, salt, sizeof salt) &&
                    ASN1_INTEGER_set_uint64(scrypt->costParameter, cost.value) &&
                    ASN1_INTEGER_set_uint64(scrypt->blockSize, 8) &&
                    ASN1_INTEGER_set_uint64(scrypt->parallelizationParameter, 1),
                "scrypt parameters");
        require(X509_ALGOR_set0(pbe2->keyfunc, OBJ_nid2obj(NID_id_scrypt), V_ASN1_UNDEF, nullptr),
                "scrypt OID");
        repack(pbe2->keyfunc, scrypt.get(), ASN1_ITEM_rptr(SCRYPT_PARAMS));
    } else {
        const Pbkdf2ParamPtr pbkdf2(static_cast<PBKDF2PARAM *>(
            ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter)));
        require(pbkdf2 && ASN1_INTEGER_set_uint64(pbkdf2->iter, cost.value), "PBKDF2 parameters");
        repack(pbe2->keyfunc, pbkdf2.get(), ASN1_ITEM_rptr(PBKDF2PARAM));
    }
    repack(algorithm, pbe2.get(), ASN1_ITEM_rptr(PBE2PARAM));
}

/// A cost small enough to pay while building: such files are made honestly (their contents
/// really encrypted at that cost) and open with the passphrase; larger ones are patched.
bool payable(BombCost cost)
{
    return cost.pbe == BombPbe::Pbes2Scrypt ? cost.value <= (1 << 15) : cost.value <= 100000;
}

Pkcs12Ptr makePkcs12(const EVP_PKEY *key, const X509 *certificate, const QByteArray &passphrase,
                     int keyNid, int certificateNid, int iterations)
{
    Pkcs12Ptr p12(PKCS12_create_ex(passphrase.constData(), nullptr, const_cast<EVP_PKEY *>(key),
                                   const_cast<X509 *>(certificate), nullptr, keyNid, certificateNid,
                                   iterations, 2048, 0, nullptr, nullptr));
    require(p12 != nullptr, "PKCS12_create");
    return p12;
}

/// Re-encodes `safes` (unless null) into the file and gives it a MAC that verifies, cheaply.
QByteArray finish(PKCS12 *p12, STACK_OF(PKCS7) * safes, const QByteArray &passphrase)
{
    require(!safes || PKCS12_pack_authsafes(p12, safes) == 1, "PKCS12_pack_authsafes");
    require(PKCS12_set_mac(p12, passphrase.constData(), int(passphrase.size()), nullptr, 0, 1,
                           nullptr) == 1,
            "PKCS12_set_mac");
    unsigned char *der = nullptr;
    const int length = i2d_PKCS12(p12, &der);
    require(length > 0, "i2d_PKCS12");
    QByteArray out(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return out;
}

} // namespace

QByteArray pkcs12WithMacIterations(const EVP_PKEY *key, const X509 *certificate,
                                   const QByteArray &passphrase, qint64 macIterations)
{
    const Pkcs12Ptr p12 = makePkcs12(key, certificate, passphrase, NID_aes_256_cbc, -1, 1);
    const ASN1_INTEGER *iterations = nullptr;
    PKCS12_get0_mac(nullptr, nullptr, nullptr, &iterations, p12.get());
    require(iterations &&
                ASN1_INTEGER_set_int64(const_cast<ASN1_INTEGER *>(iterations), macIterations),
            "MAC iterations");
    unsigned char *der = nullptr;
    const int length = i2d_PKCS12(p12.get(), &der);
    require(length > 0, "i2d_PKCS12");
    QByteArray out(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return out;
}

QByteArray pkcs12WithEncryptedContentsCost(const EVP_PKEY *key, const X509 *certificate,
                                           const QByteArray &passphrase, BombCost cost)
{
    const bool honest = cost.pbe != BombPbe::Pbes2Scrypt && payable(cost);
    const Pkcs12Ptr p12 = makePkcs12(key, certificate, passphrase, NID_aes_256_cbc,
                                     pbeNid(cost.pbe), honest ? int(cost.value) : 1);
    if (honest)
        return finish(p12.get(), nullptr, passphrase);
    const Pkcs7StackPtr safes(PKCS12_unpack_authsafes(p12.get()));
    require(safes && sk_PKCS7_num(safes.get()) > 0, "PKCS12_unpack_authsafes");
    PKCS7 *first = sk_PKCS7_value(safes.get(), 0);
    require(OBJ_obj2nid(first->type) == NID_pkcs7_encrypted, "encrypted contents 1");
    setCost(first->d.encrypted->enc_data->algorithm, cost);
    return finish(p12.get(), safes.get(), passphrase);
}

QByteArray pkcs12WithKeyBagCost(const EVP_PKEY *key, const X509 *certificate,
                                const QByteArray &passphrase, BombCost cost, int copies)
{
    const bool honest = cost.pbe != BombPbe::Pbes2Scrypt && payable(cost) && copies == 1;
    const Pkcs12Ptr p12 = makePkcs12(key, certificate, passphrase, pbeNid(cost.pbe), -1,
                                     honest ? int(cost.value) : 1);
    if (honest)
        return finish(p12.get(), nullptr, passphrase);
    const Pkcs7StackPtr safes(PKCS12_unpack_authsafes(p12.get()));
    require(safes != nullptr, "PKCS12_unpack_authsafes");
    for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i) {
        const SafeBagStackPtr bags(PKCS12_unpack_p7data(sk_PKCS7_value(safes.get(), i)));
        bool changed = false;
        for (int j = 0; j < sk_PKCS12_SAFEBAG_num(bags.get()); ++j) {
            PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bags.get(), j);
            if (PKCS12_SAFEBAG_get_nid(bag) != NID_pkcs8ShroudedKeyBag)
                continue;
            X509_ALGOR *algorithm = nullptr;
            X509_SIG_getm(const_cast<X509_SIG *>(PKCS12_SAFEBAG_get0_pkcs8(bag)), &algorithm,
                          nullptr);
            setCost(algorithm, cost);
            changed = true;
            for (int copy = 1; copy < copies; ++copy) {
                auto *duplicate = static_cast<PKCS12_SAFEBAG *>(
                    ASN1_item_dup(ASN1_ITEM_rptr(PKCS12_SAFEBAG), bag));
                require(duplicate && sk_PKCS12_SAFEBAG_push(bags.get(), duplicate) > 0,
                        "a copy of the key bag");
            }
            break;
        }
        if (!changed)
            continue;
        PKCS7 *repacked = PKCS12_pack_p7data(bags.get());
        require(repacked != nullptr, "PKCS12_pack_p7data");
        // OPENSSL_sk_set returns the new element, not the one it replaced.
        PKCS7 *original = sk_PKCS7_value(safes.get(), i);
        sk_PKCS7_set(safes.get(), i, repacked);
        PKCS7_free(original);
        return finish(p12.get(), safes.get(), passphrase);
    }
    require(false, "no shrouded key bag");
    return {};
}

QByteArray encryptedPkcs8WithCost(const EVP_PKEY *key, const QByteArray &passphrase, BombCost cost,
                                  bool pem)
{
    const Pkcs8Ptr info(EVP_PKEY2PKCS8(key));
    require(info != nullptr, "EVP_PKEY2PKCS8");
    const bool honest = payable(cost);
    const quint64 paid = honest ? cost.value : cost.pbe == BombPbe::Pbes2Scrypt ? 1024 : 1;
    X509_ALGOR *scheme = nullptr;
    switch (cost.pbe) {
    case BombPbe::Pkcs12Pbe:
        scheme = PKCS5_pbe_set_ex(pbeNid(cost.pbe), int(paid), nullptr, 0, nullptr);
        break;
    case BombPbe::Pbes2Pbkdf2:
        scheme = PKCS5_pbe2_set_iv_ex(EVP_aes_256_cbc(), int(paid), nullptr, 0, nullptr,
                                      NID_hmacWithSHA256, nullptr);
        break;
    case BombPbe::Pbes2Scrypt:
        scheme = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), nullptr, 0, nullptr, paid, 8, 1);
        break;
    }
    require(scheme != nullptr, "the PBE AlgorithmIdentifier");
    X509SigPtr sig(PKCS8_set0_pbe_ex(passphrase.constData(), int(passphrase.size()), info.get(),
                                     scheme, nullptr, nullptr));
    if (!sig)
        X509_ALGOR_free(scheme);
    require(sig != nullptr, "PKCS8_set0_pbe");
    if (!honest) {
        X509_ALGOR *algorithm = nullptr;
        X509_SIG_getm(sig.get(), &algorithm, nullptr);
        setCost(algorithm, cost);
    }
    if (pem) {
        BioPtr bio(BIO_new(BIO_s_mem()));
        require(bio && PEM_write_bio_PKCS8(bio.get(), sig.get()), "PEM_write_bio_PKCS8");
        char *data = nullptr;
        const long length = BIO_get_mem_data(bio.get(), &data);
        return QByteArray(data, qsizetype(length));
    }
    unsigned char *der = nullptr;
    const int length = i2d_X509_SIG(sig.get(), &der);
    require(length > 0, "i2d_X509_SIG");
    QByteArray out(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return out;
}

} // namespace baton::test
