#include "KeyType.h"

#include <openssl/evp.h>

namespace baton {

namespace {

KeyType ecKeyType(const EVP_PKEY *key)
{
    char group[64] = {};
    size_t length = 0;
    if (!EVP_PKEY_get_group_name(key, group, sizeof group, &length))
        return KeyType::EcOtherCurve;
    const QByteArray name(group, qsizetype(length));
    if (name == "prime256v1" || name == "P-256")
        return KeyType::EcP256;
    if (name == "secp384r1" || name == "P-384")
        return KeyType::EcP384;
    if (name == "secp521r1" || name == "P-521")
        return KeyType::EcP521;
    return KeyType::EcOtherCurve;
}

} // namespace

KeyType keyTypeOf(const EVP_PKEY *key)
{
    if (!key)
        return KeyType::Unknown;
    // The id OpenSSL keeps for every key type it has a legacy id for is a field read;
    // EVP_PKEY_is_a looks names up, about 2 us a call (and an RSA-PSS key took four calls).
    switch (EVP_PKEY_get_id(key)) {
    case EVP_PKEY_EC:
        return ecKeyType(key);
    case EVP_PKEY_ED25519:
        return KeyType::Ed25519;
    case EVP_PKEY_ED448:
        return KeyType::Ed448;
    case EVP_PKEY_RSA_PSS:
        return KeyType::RsaPss;
    case EVP_PKEY_RSA:
        return KeyType::Rsa;
    case EVP_PKEY_KEYMGMT:
        break; // a provider's key type OpenSSL has no id for: ask by name
    default:
        return KeyType::Unknown;
    }
    if (EVP_PKEY_is_a(key, "EC"))
        return ecKeyType(key);
    if (EVP_PKEY_is_a(key, "ED25519"))
        return KeyType::Ed25519;
    if (EVP_PKEY_is_a(key, "ED448"))
        return KeyType::Ed448;
    if (EVP_PKEY_is_a(key, "RSA-PSS"))
        return KeyType::RsaPss;
    if (EVP_PKEY_is_a(key, "RSA"))
        return KeyType::Rsa;
    return KeyType::Unknown;
}

QString keyTypeName(KeyType type)
{
    switch (type) {
    case KeyType::EcP256:
        return QStringLiteral("EC P-256");
    case KeyType::EcP384:
        return QStringLiteral("EC P-384");
    case KeyType::EcP521:
        return QStringLiteral("EC P-521");
    case KeyType::EcOtherCurve:
        return QStringLiteral("EC (other curve)");
    case KeyType::Ed25519:
        return QStringLiteral("Ed25519");
    case KeyType::Ed448:
        return QStringLiteral("Ed448");
    case KeyType::Rsa:
        return QStringLiteral("RSA");
    case KeyType::RsaPss:
        return QStringLiteral("RSA-PSS");
    case KeyType::Unknown:
        break;
    }
    return QStringLiteral("unknown key type");
}

QString keyName(const EVP_PKEY *key)
{
    return keyName(key, keyTypeOf(key));
}

QString keyName(const EVP_PKEY *key, KeyType type)
{
    // OpenSSL's own name for the kinds Baton has no use for ("DSA", "X25519", "SM2"), rather
    // than "unknown key type": people can then tell what they hold.
    if (type == KeyType::Unknown && key)
        if (const char *name = EVP_PKEY_get0_type_name(key))
            return QString::fromUtf8(name);
    return keyTypeName(type);
}

QString describeKey(const EVP_PKEY *key)
{
    return QStringLiteral("%1 (%2 bits)").arg(keyName(key)).arg(EVP_PKEY_get_bits(key));
}

bool isRsa(KeyType type)
{
    return type == KeyType::Rsa || type == KeyType::RsaPss;
}

} // namespace baton
