#pragma once

// What the envelope vault (KeyVault.h) and the legacy vault it replaced (LegacyVault.h) share:
// scrypt with Baton's memory limit into a buffer that wipes itself, and the strict parsers of
// the fields of their `$`-separated records. Both records are read back from a file anyone
// may have edited, so each field has exactly one accepted spelling and a bounded size.

#include "common/Result.h"
#include "crypto/KdfLimits.h"
#include "crypto/OpenSsl.h"

#include <QByteArray>
#include <QByteArrayView>
#include <cstddef>
#include <memory>
#include <optional>

namespace baton {

/// The length of an AES-256 key, which is what every scrypt output of the vaults is.
inline constexpr size_t kAes256KeyLength = 32;

/// A key derived from a passphrase: wiped when it goes out of scope, whatever the path.
struct DerivedKey
{
    unsigned char bytes[kAes256KeyLength];
    DerivedKey() = default;
    DerivedKey(const DerivedKey &) = delete;
    DerivedKey &operator=(const DerivedKey &) = delete;
    ~DerivedKey();
};

/// scrypt with an explicit memory limit (kMaxScryptMemory): OpenSSL's default, 32 MiB, is
/// below kVaultScrypt's 128 MiB. The parameters must have passed checkScryptCost.
Status deriveKey(QByteArrayView passphrase, QByteArrayView salt, const ScryptParameters &scrypt,
                 DerivedKey &key);

/// Decrypted key bytes (a PKCS#8 DER): wiped when the buffer goes out of scope.
class WipedBuffer
{
public:
    explicit WipedBuffer(size_t size);
    WipedBuffer(const WipedBuffer &) = delete;
    WipedBuffer &operator=(const WipedBuffer &) = delete;
    ~WipedBuffer();
    unsigned char *data() { return m_data.get(); }
    size_t size() const { return m_size; }

private:
    std::unique_ptr<unsigned char[]> m_data;
    size_t m_size;
};

/// The private key in the first `length` bytes of `der`: an unencrypted PKCS#8
/// PrivateKeyInfo that must fill them exactly, else the Error `malformed`. What both vaults do
/// with what they decrypt.
Result<EvpPkeyPtr> decodeDecryptedPkcs8(const unsigned char *der, size_t length,
                                        const Error &malformed);

inline const unsigned char *bytesOf(QByteArrayView view)
{
    return reinterpret_cast<const unsigned char *>(view.data());
}

/// A base64 field in its canonical form only: padded, unused bits zero.
std::optional<QByteArray> parseBase64Field(const QByteArray &field);

/// The N, r and p fields of a record: decimal, digits only (no sign, space or leading zero),
/// so that each number has one spelling and toStored(fromStored(x)) == x, and checked against
/// RFC 7914 and KdfLimits.h before any work is done. The error names the field ("N \"0x400\" is not
/// a decimal number") or the limit, as checkScryptCost words it.
Result<ScryptParameters> parseScryptFields(const QByteArray &n, const QByteArray &r,
                                           const QByteArray &p);

/// "N$r$p", as parseScryptFields reads it.
QByteArray scryptFields(const ScryptParameters &scrypt);

} // namespace baton
