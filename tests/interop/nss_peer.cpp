// nss_peer: an independent TLS 1.3 peer built on Mozilla NSS, used by Baton's
// interop tests to check delegated credentials (RFC 9345) against a real
// third-party implementation.
//
//   nss_peer serve    --cert CERT (--key KEY | --key-module LIB --key-pin-file FILE)
//                     [--dc DC.bin --dc-key DCKEY.pem]
//                     [--port 0] [--accept N] [--timeout-ms MS]
//   nss_peer connect  --port P [--now UNIX_SECONDS] [--timeout-ms MS]
//   nss_peer delegate --cert CERT --key KEY --dc-alg ALG --valid SECONDS
//                     --now UNIX_SECONDS --out-dc FILE --out-dc-key FILE
//
// Only NSS and NSPR are used. NSS runs without a certificate database
// (NSS_NoDB_Init); every certificate and key lives in temporary objects of the
// internal slot and is released before NSS_Shutdown. With --key-module the
// certificate's key stays on a PKCS#11 token instead (the PIN read from
// --key-pin-file): the module is loaded into NSS, the key found by its
// signatures matching the certificate, and the module unloaded at the end.
//
// Exit codes: 0 success; 1 "connect" saw a failed handshake; 2 bad usage or
// setup (one line on stderr); 3 "serve" got no connection in time.

#include <algorithm>
#include <array>
#include <cerrno>
#include <cert.h>
#include <certt.h>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <keyhi.h>
#include <map>
#include <memory>
#include <nss.h>
#include <optional>
#include <pk11pub.h>
#include <prerror.h>
#include <prinit.h>
#include <prio.h>
#include <prnetdb.h>
#include <secasn1.h>
#include <secerr.h>
#include <secitem.h>
#include <secmod.h>
#include <secmodt.h>
#include <secoid.h>
#include <span>
#include <ssl.h>
#include <sslerr.h>
#include <sslexp.h>
#include <sslproto.h>
#include <sslt.h>
#include <string.h>
#include <string>
#include <string_view>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

// ---------------------------------------------------------------------------
// Errors

constexpr int kExitOk = 0;
constexpr int kExitHandshakeFailed = 1;
constexpr int kExitSetup = 2;
constexpr int kExitNoConnection = 3;

// Thrown for anything that ends the program early; unwinding releases every
// NSS object before NSS_Shutdown runs.
struct Failure
{
    int exitCode;
    std::string message;
};

[[noreturn]] void fail(int code, std::string message)
{
    throw Failure{code, std::move(message)};
}

[[noreturn]] void usage(std::string message)
{
    fail(kExitSetup, "usage: " + std::move(message));
}

std::string errorName(PRErrorCode code)
{
    const char *name = PR_ErrorToName(code);
    return name ? name : "UNKNOWN_ERROR";
}

// "NAME NUMBER" for the current NSPR/NSS error.
std::string lastError()
{
    const PRErrorCode code = PR_GetError();
    return errorName(code) + " " + std::to_string(code);
}

[[noreturn]] void failNss(const std::string &what)
{
    fail(kExitSetup, what + " failed: " + lastError());
}

// ---------------------------------------------------------------------------
// RAII for NSS/NSPR objects

template <auto Fn> struct Deleter
{
    template <typename T> void operator()(T *p) const noexcept
    {
        if (p)
            Fn(p);
    }
};

void closeFd(PRFileDesc *fd)
{
    PR_Close(fd);
}
void freeArena(PLArenaPool *arena)
{
    PORT_FreeArena(arena, PR_FALSE);
}
void zfreeItem(SECItem *item)
{
    SECITEM_ZfreeItem(item, PR_TRUE);
}
void freePrivateKeyInfo(SECKEYPrivateKeyInfo *pki)
{
    SECKEY_DestroyPrivateKeyInfo(pki, PR_TRUE);
}

using UniqueCert = std::unique_ptr<CERTCertificate, Deleter<CERT_DestroyCertificate>>;
using UniquePrivKey = std::unique_ptr<SECKEYPrivateKey, Deleter<SECKEY_DestroyPrivateKey>>;
using UniquePubKey = std::unique_ptr<SECKEYPublicKey, Deleter<SECKEY_DestroyPublicKey>>;
using UniqueSpki =
    std::unique_ptr<CERTSubjectPublicKeyInfo, Deleter<SECKEY_DestroySubjectPublicKeyInfo>>;
using UniqueSlot = std::unique_ptr<PK11SlotInfo, Deleter<PK11_FreeSlot>>;
using UniqueFd = std::unique_ptr<PRFileDesc, Deleter<closeFd>>;
using UniqueArena = std::unique_ptr<PLArenaPool, Deleter<freeArena>>;
using UniqueSecretItem = std::unique_ptr<SECItem, Deleter<zfreeItem>>;
using UniquePrivateKeyInfo = std::unique_ptr<SECKEYPrivateKeyInfo, Deleter<freePrivateKeyInfo>>;
using UniquePrivKeyList =
    std::unique_ptr<SECKEYPrivateKeyList, Deleter<SECKEY_DestroyPrivateKeyList>>;
void unloadModule(SECMODModule *module)
{
    SECMOD_UnloadUserModule(module);
    SECMOD_DestroyModule(module);
}
using UniqueModule = std::unique_ptr<SECMODModule, Deleter<unloadModule>>;

// A SECItem whose buffer NSS allocated into a caller-provided struct
// (e.g. SSL_DelegateCredential's output).
class OwnedItem
{
public:
    OwnedItem() = default;
    OwnedItem(const OwnedItem &) = delete;
    OwnedItem &operator=(const OwnedItem &) = delete;
    ~OwnedItem() { SECITEM_FreeItem(&item_, PR_FALSE); }
    SECItem *get() { return &item_; }
    std::span<const unsigned char> bytes() const { return {item_.data, item_.len}; }

private:
    SECItem item_{siBuffer, nullptr, 0};
};

// Wipes a buffer that held private key material.
void wipe(std::string &s)
{
    if (!s.empty())
        explicit_bzero(s.data(), s.size());
}
void wipe(std::vector<unsigned char> &v)
{
    if (!v.empty())
        explicit_bzero(v.data(), v.size());
}

// A non-owning SECItem view over a byte buffer (NSS takes non-const pointers
// but does not modify these inputs).
SECItem itemOf(std::span<const unsigned char> bytes)
{
    return SECItem{siBuffer, const_cast<unsigned char *>(bytes.data()),
                   static_cast<unsigned int>(bytes.size())};
}

// Initialises NSS without a database for the lifetime of the object.
class NssSession
{
public:
    NssSession()
    {
        if (NSS_NoDB_Init(nullptr) != SECSuccess)
            failNss("NSS_NoDB_Init");
        if (NSS_SetDomesticPolicy() != SECSuccess) {
            const std::string err = lastError();
            NSS_Shutdown();
            fail(kExitSetup, "NSS_SetDomesticPolicy failed: " + err);
        }
    }
    NssSession(const NssSession &) = delete;
    NssSession &operator=(const NssSession &) = delete;
    ~NssSession()
    {
        SSL_ClearSessionCache();
        // Fails with SEC_ERROR_BUSY if an NSS object is still referenced, i.e.
        // a leak in this program: make that visible.
        if (NSS_Shutdown() != SECSuccess) {
            std::fprintf(stderr, "nss_peer: warning: NSS_Shutdown failed: %s\n",
                         lastError().c_str());
        }
    }
};

// ---------------------------------------------------------------------------
// Small utilities

using Clock = std::chrono::steady_clock;

PRIntervalTime intervalUntil(Clock::time_point deadline)
{
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return PR_MillisecondsToInterval(static_cast<PRUint32>(std::max<long long>(left, 0)));
}

std::vector<unsigned char> readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(kExitSetup, "cannot open " + path);
    std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
    if (in.bad())
        fail(kExitSetup, "cannot read " + path);
    return data;
}

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::optional<std::vector<unsigned char>> base64Decode(std::string_view text)
{
    std::vector<unsigned char> out;
    std::uint32_t acc = 0;
    int bits = 0;
    bool padding = false;
    for (const char c : text) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (c == '=') {
            padding = true;
            continue;
        }
        const auto pos = kBase64Alphabet.find(c);
        if (pos == std::string_view::npos || padding)
            return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<unsigned char>((acc >> bits) & 0xff));
        }
    }
    if (bits >= 6)
        return std::nullopt; // a dangling sextet is not valid base64
    return out;
}

std::string base64Encode(std::span<const unsigned char> data)
{
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const std::uint32_t v =
            (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
        out += kBase64Alphabet[(v >> 18) & 63];
        out += kBase64Alphabet[(v >> 12) & 63];
        out += kBase64Alphabet[(v >> 6) & 63];
        out += kBase64Alphabet[v & 63];
    }
    if (const std::size_t rest = data.size() - i; rest > 0) {
        std::uint32_t v = std::uint32_t{data[i]} << 16;
        if (rest == 2)
            v |= std::uint32_t{data[i + 1]} << 8;
        out += kBase64Alphabet[(v >> 18) & 63];
        out += kBase64Alphabet[(v >> 12) & 63];
        out += rest == 2 ? kBase64Alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

bool looksLikePem(std::span<const unsigned char> data)
{
    const std::string_view text(reinterpret_cast<const char *>(data.data()), data.size());
    return text.find("-----BEGIN ") != std::string_view::npos;
}

// Returns the DER inside the first "-----BEGIN <label>-----" block.
std::vector<unsigned char> pemBody(std::span<const unsigned char> data, std::string_view label,
                                   const std::string &path)
{
    const std::string_view text(reinterpret_cast<const char *>(data.data()), data.size());
    const std::string begin = "-----BEGIN " + std::string(label) + "-----";
    const std::string end = "-----END " + std::string(label) + "-----";
    const auto b = text.find(begin);
    if (b == std::string_view::npos) {
        fail(kExitSetup, path + ": no \"" + begin + "\" block" +
                             (label == "PRIVATE KEY" ? " (need an unencrypted PKCS#8 key)" : ""));
    }
    const auto bodyStart = b + begin.size();
    const auto e = text.find(end, bodyStart);
    if (e == std::string_view::npos)
        fail(kExitSetup, path + ": missing \"" + end + "\"");
    auto der = base64Decode(text.substr(bodyStart, e - bodyStart));
    if (!der || der->empty())
        fail(kExitSetup, path + ": bad base64 in PEM block");
    return std::move(*der);
}

std::string pemEncode(std::span<const unsigned char> der, std::string_view label)
{
    std::string b64 = base64Encode(der);
    std::string out = "-----BEGIN " + std::string(label) + "-----\n";
    for (std::size_t i = 0; i < b64.size(); i += 64) {
        out.append(b64, i, 64);
        out += '\n';
    }
    out += "-----END " + std::string(label) + "-----\n";
    wipe(b64);
    return out;
}

// Parses an unsigned decimal integer in [lo, hi].
std::uint64_t parseNumber(const std::string &option, const std::string &text, std::uint64_t lo,
                          std::uint64_t hi)
{
    std::uint64_t value = 0;
    const char *first = text.data();
    const char *last = first + text.size();
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (text.empty() || ec != std::errc{} || ptr != last || value < lo || value > hi) {
        usage(option + " needs an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
              "], got \"" + text + "\"");
    }
    return value;
}

// ---------------------------------------------------------------------------
// Loading certificates and keys

UniqueCert loadCertificate(const std::string &path)
{
    std::vector<unsigned char> raw = readFile(path);
    std::vector<unsigned char> der = looksLikePem(raw) ? pemBody(raw, "CERTIFICATE", path) : raw;
    SECItem item = itemOf(der);
    UniqueCert cert(
        CERT_NewTempCertificate(CERT_GetDefaultCertDB(), &item, nullptr, PR_FALSE, PR_TRUE));
    if (!cert)
        fail(kExitSetup, path + ": not a certificate: " + lastError());
    return cert;
}

// id-RSASSA-PSS, 1.2.840.113549.1.1.10
bool isRsaPssAlgorithm(const SECAlgorithmID &alg)
{
    return SECOID_GetAlgorithmTag(&alg) == SEC_OID_PKCS1_RSA_PSS_SIGNATURE;
}

// Imports an unencrypted PKCS#8 key as a temporary (non-permanent) object of
// the internal slot.
//
// NSS 3.87 cannot import a PKCS#8 PrivateKeyInfo whose algorithm is
// id-RSASSA-PSS: PK11_ImportPrivateKeyInfoAndReturnKey only knows
// rsaEncryption, DSA, DH and EC, and fails for PSS without even setting an
// error code (verified on Debian 12's libnss3 3.87.1). The private key itself
// (the inner RSAPrivateKey) is the same structure under both OIDs, and NSS's
// TLS stack signs rsa_pss_pss_* with any RSA key whose token supports
// CKM_RSA_PKCS_PSS. So for a PSS key we relabel the AlgorithmIdentifier as
// rsaEncryption (with NULL parameters) and import the same key material as an
// ordinary RSA key (keyType rsaKey). The PSS restrictions in the dropped
// parameters are not needed: the TLS signature scheme fixes hash, MGF1 and
// salt length. (Marking the imported key rsaPssKey instead makes NSS 3.87
// fail to sign with it: SEC_ERROR_INVALID_KEY in the handshake.)
UniquePrivKey importPkcs8(std::span<const unsigned char> der, const std::string &path)
{
    UniqueSlot slot(PK11_GetInternalSlot());
    if (!slot)
        failNss("PK11_GetInternalSlot");

    UniqueArena arena(PORT_NewArena(DER_DEFAULT_CHUNKSIZE));
    if (!arena)
        failNss("PORT_NewArena");
    SECKEYPrivateKeyInfo pki{};
    SECItem input = itemOf(der);
    if (SEC_QuickDERDecodeItem(arena.get(), &pki, SEC_ASN1_GET(SECKEY_PrivateKeyInfoTemplate),
                               &input) != SECSuccess) {
        fail(kExitSetup, path + ": not an unencrypted PKCS#8 PrivateKeyInfo: " + lastError());
    }
    if (isRsaPssAlgorithm(pki.algorithm)) {
        if (SECOID_SetAlgorithmID(arena.get(), &pki.algorithm, SEC_OID_PKCS1_RSA_ENCRYPTION,
                                  nullptr) != SECSuccess) {
            failNss("SECOID_SetAlgorithmID");
        }
    }

    SECKEYPrivateKey *key = nullptr;
    PORT_SetError(0);
    if (PK11_ImportPrivateKeyInfoAndReturnKey(
            slot.get(), &pki, nullptr, nullptr, PR_FALSE /* not permanent */,
            PR_TRUE /* CKA_PRIVATE */, KU_DIGITAL_SIGNATURE, &key, nullptr) != SECSuccess ||
        !key) {
        fail(kExitSetup, path + ": NSS cannot import this private key: " + lastError());
    }
    return UniquePrivKey(key);
}

UniquePrivKey loadPrivateKey(const std::string &path)
{
    std::vector<unsigned char> raw = readFile(path);
    std::vector<unsigned char> der = looksLikePem(raw) ? pemBody(raw, "PRIVATE KEY", path) : raw;
    UniquePrivKey key = importPkcs8(der, path);
    wipe(der);
    wipe(raw);
    return key;
}

// Proves that |priv| belongs to |pub| by signing a fixed digest and
// verifying it (NSS's own configuration calls do not check this).
bool keyMatches(SECKEYPrivateKey *priv, SECKEYPublicKey *pub)
{
    std::array<unsigned char, 32> digest{};
    for (std::size_t i = 0; i < digest.size(); ++i)
        digest[i] = static_cast<unsigned char>(i * 7 + 1);
    SECItem hash = itemOf(digest);

    CK_RSA_PKCS_PSS_PARAMS pss{CKM_SHA256, CKG_MGF1_SHA256, digest.size()};
    SECItem pssParams{siBuffer, reinterpret_cast<unsigned char *>(&pss), sizeof pss};
    CK_MECHANISM_TYPE mech = 0;
    SECItem *params = nullptr;
    switch (SECKEY_GetPublicKeyType(pub)) {
    case rsaKey:
    case rsaPssKey:
        mech = CKM_RSA_PKCS_PSS;
        params = &pssParams;
        break;
    case ecKey:
        mech = CKM_ECDSA;
        break;
    default:
        return false;
    }
    const int sigLen = PK11_SignatureLen(priv);
    if (sigLen <= 0)
        return false;
    std::vector<unsigned char> sigBuf(static_cast<std::size_t>(sigLen));
    SECItem sig{siBuffer, sigBuf.data(), static_cast<unsigned int>(sigBuf.size())};
    if (PK11_SignWithMechanism(priv, mech, params, &sig, &hash) != SECSuccess)
        return false;
    return PK11_VerifyWithMechanism(pub, mech, params, &sig, &hash, nullptr) == SECSuccess;
}

void requireKeyMatchesCertificate(CERTCertificate *cert, SECKEYPrivateKey *key,
                                  const std::string &keyPath)
{
    UniquePubKey pub(CERT_ExtractPublicKey(cert));
    if (!pub)
        failNss("CERT_ExtractPublicKey");
    if (!keyMatches(key, pub.get())) {
        fail(kExitSetup, keyPath + ": private key does not match the certificate");
    }
}

// The token's PIN, handed to NSS's password callback through PK11_Authenticate's
// argument. Never given on a retry: a wrong PIN fails the setup instead of
// counting against the token again.
char *PR_CALLBACK pinFromArgument(PK11SlotInfo *, PRBool retry, void *argument)
{
    return retry || !argument ? nullptr : PORT_Strdup(static_cast<const char *>(argument));
}

struct KeyOnToken
{
    UniqueModule module; // outlives the key: declared first, destroyed last
    UniquePrivKey key;
};

// Loads the PKCS#11 module at |libraryPath| and returns the private key on its
// tokens that belongs to |cert|, logged in with the PIN in |pinPath|.
KeyOnToken loadKeyFromToken(CERTCertificate *cert, const std::string &libraryPath,
                            const std::string &pinPath)
{
    std::string spec = "name=\"nss_peer token\" library=\"" + libraryPath + "\"";
    KeyOnToken token;
    token.module.reset(SECMOD_LoadUserModule(spec.data(), nullptr, PR_FALSE));
    if (!token.module || !token.module->loaded)
        failNss("SECMOD_LoadUserModule " + libraryPath);
    UniquePubKey pub(CERT_ExtractPublicKey(cert));
    if (!pub)
        failNss("CERT_ExtractPublicKey");
    // Read last, so that no failure above leaves it unwiped.
    std::vector<unsigned char> pinFile = readFile(pinPath);
    std::string pin(pinFile.begin(), std::find(pinFile.begin(), pinFile.end(), '\n'));
    wipe(pinFile);
    PK11_SetPasswordFunc(pinFromArgument);
    for (int i = 0; i < token.module->slotCount && !token.key; ++i) {
        PK11SlotInfo *slot = token.module->slots[i];
        if (!PK11_IsPresent(slot))
            continue;
        if (PK11_NeedLogin(slot) && PK11_Authenticate(slot, PR_TRUE, pin.data()) != SECSuccess) {
            wipe(pin);
            failNss(std::string("logging in to token ") + PK11_GetTokenName(slot));
        }
        UniquePrivKeyList keys(PK11_ListPrivKeysInSlot(slot, nullptr, pin.data()));
        if (!keys)
            continue;
        for (SECKEYPrivateKeyListNode *node = PRIVKEY_LIST_HEAD(keys.get());
             !PRIVKEY_LIST_END(node, keys.get()); node = PRIVKEY_LIST_NEXT(node)) {
            if (keyMatches(node->key, pub.get())) {
                token.key.reset(SECKEY_CopyPrivateKey(node->key));
                break;
            }
        }
    }
    wipe(pin);
    if (!token.key)
        fail(kExitSetup, libraryPath + ": no private key on its tokens matches the certificate");
    return token;
}

// ---------------------------------------------------------------------------
// Delegated credential bytes (RFC 9345 section 4):
//   valid_time:u32 | dc_cert_verify_algorithm:u16 | spki_len:u24 | SPKI |
//   algorithm:u16 | sig_len:u16 | signature

std::span<const unsigned char> dcSpki(std::span<const unsigned char> dc)
{
    if (dc.size() < 9)
        return {};
    const std::size_t len = (std::size_t{dc[6]} << 16) | (std::size_t{dc[7]} << 8) | dc[8];
    if (dc.size() < 9 + len)
        return {};
    return dc.subspan(9, len);
}

// ---------------------------------------------------------------------------
// TLS configuration shared by both ends

// Everything NSS 3.87 can do in TLS 1.3. rsa_pss_pss_* is not enabled by
// default in NSS and is needed for RSA delegated credentials; the rsa_pkcs1
// entries only advertise acceptable certificate signatures.
constexpr std::array<SSLSignatureScheme, 12> kSignatureSchemes = {
    ssl_sig_ecdsa_secp256r1_sha256, ssl_sig_ecdsa_secp384r1_sha384, ssl_sig_ecdsa_secp521r1_sha512,
    ssl_sig_rsa_pss_rsae_sha256,    ssl_sig_rsa_pss_rsae_sha384,    ssl_sig_rsa_pss_rsae_sha512,
    ssl_sig_rsa_pss_pss_sha256,     ssl_sig_rsa_pss_pss_sha384,     ssl_sig_rsa_pss_pss_sha512,
    ssl_sig_rsa_pkcs1_sha256,       ssl_sig_rsa_pkcs1_sha384,       ssl_sig_rsa_pkcs1_sha512,
};

// Returns false (with the NSS error set) on failure.
bool configureCommon(PRFileDesc *fd, bool asServer)
{
    const SSLVersionRange tls13Only{SSL_LIBRARY_VERSION_TLS_1_3, SSL_LIBRARY_VERSION_TLS_1_3};
    return SSL_OptionSet(fd, SSL_SECURITY, PR_TRUE) == SECSuccess &&
           SSL_OptionSet(fd, asServer ? SSL_HANDSHAKE_AS_SERVER : SSL_HANDSHAKE_AS_CLIENT,
                         PR_TRUE) == SECSuccess &&
           // No session cache, no tickets: every connection is a full
           // handshake that shows the DC, and nothing outlives the socket.
           SSL_OptionSet(fd, SSL_NO_CACHE, PR_TRUE) == SECSuccess &&
           SSL_OptionSet(fd, SSL_ENABLE_SESSION_TICKETS, PR_FALSE) == SECSuccess &&
           SSL_VersionRangeSet(fd, &tls13Only) == SECSuccess &&
           SSL_SignatureSchemePrefSet(fd, kSignatureSchemes.data(),
                                      static_cast<unsigned int>(kSignatureSchemes.size())) ==
               SECSuccess;
}

// Drives the handshake on a non-blocking SSL socket until it completes,
// fails, or |deadline| passes. Returns 0 or the NSPR/NSS error code.
PRErrorCode driveHandshake(PRFileDesc *fd, Clock::time_point deadline)
{
    for (;;) {
        if (SSL_ForceHandshake(fd) == SECSuccess)
            return 0;
        const PRErrorCode err = PR_GetError();
        if (err != PR_WOULD_BLOCK_ERROR)
            return err;
        if (Clock::now() >= deadline)
            return PR_IO_TIMEOUT_ERROR;
        PRPollDesc pd{fd, PR_POLL_READ, 0};
        const PRInt32 ready = PR_Poll(&pd, 1, intervalUntil(deadline));
        if (ready < 0)
            return PR_GetError();
        if (ready == 0)
            return PR_IO_TIMEOUT_ERROR;
    }
}

bool setNonBlocking(PRFileDesc *fd)
{
    PRSocketOptionData opt{};
    opt.option = PR_SockOpt_Nonblocking;
    opt.value.non_blocking = PR_TRUE;
    return PR_SetSocketOption(fd, &opt) == PR_SUCCESS;
}

// Wraps a TCP socket in an SSL layer; on success the SSL socket owns |tcp|.
UniqueFd importSsl(UniqueFd tcp)
{
    PRFileDesc *ssl = SSL_ImportFD(nullptr, tcp.get());
    if (!ssl)
        return nullptr;
    (void)tcp.release();
    return UniqueFd(ssl);
}

PRNetAddr loopback(PRUint16 port)
{
    PRNetAddr addr{};
    if (PR_InitializeNetAddr(PR_IpAddrLoopback, port, &addr) != PR_SUCCESS) {
        failNss("PR_InitializeNetAddr");
    }
    return addr; // 127.0.0.1 only
}

// ---------------------------------------------------------------------------
// Command-line parsing

using Options = std::map<std::string, std::string>;

Options parseOptions(int argc, char **argv, int first,
                     std::initializer_list<std::string_view> known)
{
    Options opts;
    for (int i = first; i < argc; ++i) {
        const std::string name = argv[i];
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            usage("unknown option \"" + name + "\"");
        }
        if (i + 1 >= argc)
            usage(name + " needs a value");
        if (!opts.emplace(name, argv[++i]).second)
            usage(name + " given twice");
    }
    return opts;
}

const std::string &required(const Options &opts, const std::string &name)
{
    const auto it = opts.find(name);
    if (it == opts.end())
        usage("missing " + name);
    return it->second;
}

std::optional<std::string> optional(const Options &opts, const std::string &name)
{
    const auto it = opts.find(name);
    if (it == opts.end())
        return std::nullopt;
    return it->second;
}

constexpr std::uint64_t kMaxTimeoutMs = 3'600'000;
constexpr std::uint64_t kMaxUnixSeconds = 100'000'000'000ULL; // year ~5138; PRTime-safe

std::chrono::milliseconds timeoutOption(const Options &opts)
{
    const auto text = optional(opts, "--timeout-ms");
    return std::chrono::milliseconds(text ? parseNumber("--timeout-ms", *text, 1, kMaxTimeoutMs)
                                          : 15000);
}

// ---------------------------------------------------------------------------
// serve

struct ServerIdentity
{
    UniqueCert cert;
    UniquePrivKey key;
    SSLAuthType authType = ssl_auth_null;
    std::vector<unsigned char> dc; // empty: no DC
    UniquePrivKey dcKey;
};

SSLAuthType authTypeFor(CERTCertificate *cert, const std::string &path)
{
    switch (SECOID_GetAlgorithmTag(&cert->subjectPublicKeyInfo.algorithm)) {
    case SEC_OID_ANSIX962_EC_PUBLIC_KEY:
        return ssl_auth_ecdsa;
    case SEC_OID_PKCS1_RSA_ENCRYPTION:
        return ssl_auth_rsa_sign;
    case SEC_OID_PKCS1_RSA_PSS_SIGNATURE:
        return ssl_auth_rsa_pss;
    default:
        fail(kExitSetup, path + ": unsupported certificate key type (need EC or RSA)");
    }
}

// What SSL_ConfigServerCert's terse errors usually mean here.
std::string configHint(PRErrorCode err)
{
    switch (err) {
    case SEC_ERROR_INVALID_ARGS:
        return " (certificate without keyUsage digitalSignature?)";
    case SEC_ERROR_BAD_DATA:
        return " (malformed delegated credential?)";
    default:
        return {};
    }
}

// Returns false (with the NSS error set) on failure.
bool configureServer(PRFileDesc *fd, const ServerIdentity &id)
{
    if (!configureCommon(fd, true))
        return false;
    SECItem dcItem = itemOf(id.dc);
    SSLExtraServerCertData extra{};
    extra.authType = id.authType;
    extra.certChain = nullptr;
    extra.stapledOCSPResponses = nullptr;
    extra.signedCertTimestamps = nullptr;
    extra.delegCred = id.dc.empty() ? nullptr : &dcItem;
    extra.delegCredPrivKey = id.dc.empty() ? nullptr : id.dcKey.get();
    return SSL_ConfigServerCert(fd, id.cert.get(), id.key.get(), &extra, sizeof extra) ==
           SECSuccess;
}

int runServe(const Options &opts)
{
    const auto dcPath = optional(opts, "--dc");
    const auto dcKeyPath = optional(opts, "--dc-key");
    if (dcPath.has_value() != dcKeyPath.has_value())
        usage("--dc and --dc-key go together");
    const auto portText = optional(opts, "--port");
    const auto port =
        static_cast<PRUint16>(portText ? parseNumber("--port", *portText, 0, 65535) : 0);
    const auto acceptText = optional(opts, "--accept");
    const std::uint64_t accepts = acceptText ? parseNumber("--accept", *acceptText, 1, 100000) : 1;
    const auto timeout = timeoutOption(opts);

    const auto keyPath = optional(opts, "--key");
    const auto keyModule = optional(opts, "--key-module");
    if (keyPath.has_value() == keyModule.has_value())
        usage("give --key KEY, or --key-module LIB with --key-pin-file FILE");
    // Declared before the identity, so the token's module outlives the key.
    KeyOnToken token;
    ServerIdentity id;
    const std::string &certPath = required(opts, "--cert");
    id.cert = loadCertificate(certPath);
    if (keyModule) {
        token = loadKeyFromToken(id.cert.get(), *keyModule, required(opts, "--key-pin-file"));
        id.key = std::move(token.key);
    } else {
        id.key = loadPrivateKey(*keyPath);
        requireKeyMatchesCertificate(id.cert.get(), id.key.get(), *keyPath);
    }
    id.authType = authTypeFor(id.cert.get(), certPath);
    if (dcPath) {
        id.dc = readFile(*dcPath);
        if (id.dc.empty())
            fail(kExitSetup, *dcPath + ": empty delegated credential");
        id.dcKey = loadPrivateKey(*dcKeyPath);
    }

    // Configure a throw-away SSL socket first so that a configuration NSS
    // rejects (e.g. a DC it cannot parse) fails before LISTENING is printed.
    {
        UniqueFd probe = importSsl(UniqueFd(PR_NewTCPSocket()));
        if (!probe)
            failNss("SSL_ImportFD");
        if (!configureServer(probe.get(), id)) {
            const PRErrorCode err = PR_GetError();
            fail(kExitSetup, "SSL_ConfigServerCert failed: " + errorName(err) + " " +
                                 std::to_string(err) + configHint(err));
        }
    }

    UniqueFd listener(PR_OpenTCPSocket(PR_AF_INET));
    if (!listener)
        failNss("PR_OpenTCPSocket");
    PRSocketOptionData reuse{};
    reuse.option = PR_SockOpt_Reuseaddr;
    reuse.value.reuse_addr = PR_TRUE;
    if (PR_SetSocketOption(listener.get(), &reuse) != PR_SUCCESS)
        failNss("PR_SetSocketOption");
    const PRNetAddr bindAddr = loopback(port);
    if (PR_Bind(listener.get(), &bindAddr) != PR_SUCCESS) {
        failNss("bind 127.0.0.1:" + std::to_string(port));
    }
    if (PR_Listen(listener.get(), 16) != PR_SUCCESS)
        failNss("PR_Listen");
    PRNetAddr bound{};
    if (PR_GetSockName(listener.get(), &bound) != PR_SUCCESS)
        failNss("PR_GetSockName");
    std::printf("LISTENING %u\n", static_cast<unsigned>(PR_ntohs(bound.inet.port)));
    std::fflush(stdout);

    for (std::uint64_t n = 0; n < accepts; ++n) {
        PRNetAddr peer{};
        UniqueFd tcp(PR_Accept(listener.get(), &peer,
                               PR_MillisecondsToInterval(static_cast<PRUint32>(timeout.count()))));
        if (!tcp) {
            if (PR_GetError() == PR_IO_TIMEOUT_ERROR) {
                fail(kExitNoConnection,
                     "no connection within " + std::to_string(timeout.count()) + " ms");
            }
            failNss("PR_Accept");
        }
        const auto deadline = Clock::now() + timeout;
        UniqueFd ssl = importSsl(std::move(tcp));
        if (!ssl)
            failNss("SSL_ImportFD");
        if (!configureServer(ssl.get(), id))
            failNss("SSL_ConfigServerCert");
        if (SSL_ResetHandshake(ssl.get(), PR_TRUE) != SECSuccess)
            failNss("SSL_ResetHandshake");
        if (!setNonBlocking(ssl.get()))
            failNss("PR_SetSocketOption(non-blocking)");

        const PRErrorCode err = driveHandshake(ssl.get(), deadline);
        if (err == 0) {
            std::printf("HANDSHAKE ok\n");
        } else {
            std::printf("HANDSHAKE failed %s %d\n", errorName(err).c_str(), static_cast<int>(err));
        }
        std::fflush(stdout);
    }
    return kExitOk;
}

// ---------------------------------------------------------------------------
// connect

// We test the delegated credential, not the PKI: any server certificate is
// accepted. NSS still runs all its DC checks (signature under the
// certificate key, DelegationUsage + digitalSignature, expiry, 7-day limit,
// CertificateVerify scheme): they happen when the CertificateVerify message
// is processed, independently of this hook's verdict.
SECStatus acceptAnyCertificate(void *, PRFileDesc *, PRBool, PRBool)
{
    return SECSuccess;
}

PRTime PR_CALLBACK fixedTime(void *arg)
{
    return *static_cast<const PRTime *>(arg);
}

int runConnect(const Options &opts)
{
    const auto port =
        static_cast<PRUint16>(parseNumber("--port", required(opts, "--port"), 1, 65535));
    const auto timeout = timeoutOption(opts);
    const auto nowText = optional(opts, "--now");
    // Must outlive the socket: NSS calls fixedTime() with its address.
    PRTime fixedNow =
        nowText ? static_cast<PRTime>(parseNumber("--now", *nowText, 0, kMaxUnixSeconds)) *
                      PR_USEC_PER_SEC
                : 0;
    const auto deadline = Clock::now() + timeout;

    UniqueFd fd = importSsl(UniqueFd(PR_OpenTCPSocket(PR_AF_INET)));
    if (!fd)
        failNss("SSL_ImportFD");
    if (!configureCommon(fd.get(), false) ||
        SSL_OptionSet(fd.get(), SSL_ENABLE_DELEGATED_CREDENTIALS, PR_TRUE) != SECSuccess) {
        failNss("SSL_OptionSet");
    }
    if (SSL_AuthCertificateHook(fd.get(), acceptAnyCertificate, nullptr) != SECSuccess) {
        failNss("SSL_AuthCertificateHook");
    }
    if (SSL_SetURL(fd.get(), "localhost") != SECSuccess)
        failNss("SSL_SetURL");
    if (nowText && SSL_SetTimeFunc(fd.get(), fixedTime, &fixedNow) != SECSuccess) {
        failNss("SSL_SetTimeFunc");
    }

    const auto report = [](PRErrorCode err) {
        std::printf("RESULT error %s %d\n", errorName(err).c_str(), static_cast<int>(err));
        std::fflush(stdout);
        return kExitHandshakeFailed;
    };

    const PRNetAddr addr = loopback(port);
    if (PR_Connect(fd.get(), &addr, intervalUntil(deadline)) != PR_SUCCESS) {
        return report(PR_GetError());
    }
    if (!setNonBlocking(fd.get()))
        failNss("PR_SetSocketOption(non-blocking)");
    if (const PRErrorCode err = driveHandshake(fd.get(), deadline); err != 0)
        return report(err);

    SSLChannelInfo info{};
    if (SSL_GetChannelInfo(fd.get(), &info, sizeof info) != SECSuccess) {
        failNss("SSL_GetChannelInfo");
    }
    std::printf("RESULT ok dc=%s scheme=0x%04x\n", info.peerDelegCred ? "yes" : "no",
                static_cast<unsigned>(info.signatureScheme));
    std::fflush(stdout);
    return kExitOk;
}

// ---------------------------------------------------------------------------
// delegate

struct DcAlgorithm
{
    std::string_view name;
    SSLSignatureScheme scheme;
    SECOidTag curve; // SEC_OID_UNKNOWN for RSA
};

constexpr std::array<DcAlgorithm, 4> kDcAlgorithms = {{
    {"ecdsa-p256", ssl_sig_ecdsa_secp256r1_sha256, SEC_OID_ANSIX962_EC_PRIME256V1},
    {"ecdsa-p384", ssl_sig_ecdsa_secp384r1_sha384, SEC_OID_SECG_EC_SECP384R1},
    {"ecdsa-p521", ssl_sig_ecdsa_secp521r1_sha512, SEC_OID_SECG_EC_SECP521R1},
    {"rsa-pss-2048", ssl_sig_rsa_pss_pss_sha256, SEC_OID_UNKNOWN},
}};

// Generates the DC key pair in the internal slot as a session object that is
// not sensitive, so that its PKCS#8 can be exported afterwards (NSS refuses
// to export the attributes of a sensitive key).
std::pair<UniquePrivKey, UniquePubKey> generateDcKey(const DcAlgorithm &alg)
{
    UniqueSlot slot(PK11_GetInternalSlot());
    if (!slot)
        failNss("PK11_GetInternalSlot");
    SECKEYPublicKey *pub = nullptr;
    SECKEYPrivateKey *priv = nullptr;
    if (alg.curve == SEC_OID_UNKNOWN) {
        PK11RSAGenParams rsa{2048, 65537};
        priv = PK11_GenerateKeyPair(slot.get(), CKM_RSA_PKCS_KEY_PAIR_GEN, &rsa, &pub,
                                    PR_FALSE /* session */, PR_FALSE /* not sensitive */, nullptr);
    } else {
        const SECOidData *oid = SECOID_FindOIDByTag(alg.curve);
        if (!oid)
            failNss("SECOID_FindOIDByTag");
        // ECParameters ::= namedCurve OBJECT IDENTIFIER
        std::vector<unsigned char> params{SEC_ASN1_OBJECT_ID,
                                          static_cast<unsigned char>(oid->oid.len)};
        params.insert(params.end(), oid->oid.data, oid->oid.data + oid->oid.len);
        SECItem paramItem = itemOf(params);
        priv = PK11_GenerateKeyPair(slot.get(), CKM_EC_KEY_PAIR_GEN, &paramItem, &pub,
                                    PR_FALSE /* session */, PR_FALSE /* not sensitive */, nullptr);
    }
    UniquePubKey pubKey(pub);
    UniquePrivKey privKey(priv);
    if (!privKey || !pubKey)
        failNss("PK11_GenerateKeyPair");
    if (SECKEY_GetPublicKeyType(pubKey.get()) == rsaKey) {
        // NSS 3.87 bug workaround: SSL_DelegateCredential DER-encodes the
        // RSA-PSS SPKI from these SECItems as they are, and a generated key
        // marks them siBuffer, so a modulus with its top bit set (every
        // 2048-bit modulus) comes out as a *negative* INTEGER without the
        // leading 0x00. NSS reads that back leniently; strict DER parsers
        // (OpenSSL shows it as negative) do not. Marking them unsigned, as
        // NSS's own SECKEY_CreateSubjectPublicKeyInfo does, gives valid DER.
        pubKey->u.rsa.modulus.type = siUnsignedInteger;
        pubKey->u.rsa.publicExponent.type = siUnsignedInteger;
    }
    return {std::move(privKey), std::move(pubKey)};
}

// NSS 3.87 bug workaround: PK11_ExportPrivKeyInfo sometimes (4 in 200 P-384
// keys here) writes the optional publicKey of an ECPrivateKey (RFC 5915) as a
// malformed point, which OpenSSL refuses to read. The field is optional and
// readers derive the public key from the private one, so the key is
// re-encoded as SEQUENCE { version 1, privateKey } alone.
std::vector<unsigned char> withoutEcPublicKey(std::span<const unsigned char> der)
{
    // SEQUENCE, INTEGER version, OCTET STRING privateKey: short-form lengths
    // throughout for keys up to P-521, as NSS writes them, else long form.
    std::size_t at = 0;
    const auto header = [&](unsigned char tag) -> std::size_t {
        if (at + 2 > der.size() || der[at] != tag)
            fail(kExitSetup, "unexpected ECPrivateKey encoding from NSS");
        std::size_t length = der[at + 1];
        at += 2;
        if (length & 0x80) {
            const std::size_t bytes = length & 0x7f;
            if (bytes == 0 || bytes > 2 || at + bytes > der.size())
                fail(kExitSetup, "unexpected ECPrivateKey length from NSS");
            length = 0;
            for (std::size_t i = 0; i < bytes; ++i)
                length = (length << 8) | der[at++];
        }
        if (at + length > der.size())
            fail(kExitSetup, "truncated ECPrivateKey from NSS");
        return length;
    };
    header(0x30);
    at += header(0x02);
    const std::size_t keyLength = header(0x04);
    if (keyLength > 66)
        fail(kExitSetup, "unexpected EC private key size from NSS");
    std::vector<unsigned char> out(7 + keyLength);
    out[0] = 0x30;
    out[1] = static_cast<unsigned char>(5 + keyLength);
    out[2] = 0x02; // INTEGER 1: the version
    out[3] = 0x01;
    out[4] = 0x01;
    out[5] = 0x04; // OCTET STRING: the private key
    out[6] = static_cast<unsigned char>(keyLength);
    for (std::size_t i = 0; i < keyLength; ++i)
        out[7 + i] = der[at + i];
    return out;
}

// PKCS#8 DER of the DC private key. For RSA the AlgorithmIdentifier is made
// id-RSASSA-PSS with exactly the parameters of the DC's SPKI (which
// SSL_DelegateCredential writes as id-RSASSA-PSS, SHA-256, MGF1-SHA-256,
// salt 32), so the key file and the DC describe the same RSA-PSS key;
// NSS itself exports such a key as rsaEncryption.
UniqueSecretItem exportDcKey(SECKEYPrivateKey *priv, std::span<const unsigned char> dc)
{
    UniquePrivateKeyInfo pki(PK11_ExportPrivKeyInfo(priv, nullptr));
    if (!pki)
        failNss("PK11_ExportPrivKeyInfo");
    UniqueSpki spki;
    if (SECKEY_GetPrivateKeyType(priv) == rsaKey) {
        const auto spkiDer = dcSpki(dc);
        SECItem spkiItem = itemOf(spkiDer);
        spki.reset(spkiDer.empty() ? nullptr : SECKEY_DecodeDERSubjectPublicKeyInfo(&spkiItem));
        if (!spki)
            fail(kExitSetup, "cannot parse the SPKI of the new DC: " + lastError());
        if (!isRsaPssAlgorithm(spki->algorithm)) {
            fail(kExitSetup, "the new DC's SPKI is not id-RSASSA-PSS");
        }
        if (SECOID_CopyAlgorithmID(pki->arena, &pki->algorithm, &spki->algorithm) != SECSuccess) {
            failNss("SECOID_CopyAlgorithmID");
        }
    }
    if (SECKEY_GetPrivateKeyType(priv) == ecKey) {
        std::vector<unsigned char> key =
            withoutEcPublicKey({pki->privateKey.data, pki->privateKey.len});
        // In the info's own arena: destroying the info frees (and zeroes) what it holds.
        if (!SECITEM_AllocItem(pki->arena, &pki->privateKey, unsigned(key.size())))
            failNss("SECITEM_AllocItem");
        std::copy(key.begin(), key.end(), pki->privateKey.data);
        wipe(key);
    }
    UniqueSecretItem der(SEC_ASN1EncodeItem(nullptr, nullptr, pki.get(),
                                            SEC_ASN1_GET(SECKEY_PrivateKeyInfoTemplate)));
    if (!der)
        failNss("SEC_ASN1EncodeItem(PrivateKeyInfo)");
    return der;
}

// A file created by this run; removed again unless commit() is called.
class NewFile
{
public:
    NewFile(std::string path, mode_t mode) : path_(std::move(path))
    {
        // O_EXCL: never follow or reuse an existing file; the mode is applied
        // at creation (no chmod afterwards, no window with wider access).
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd_ < 0) {
            fail(kExitSetup, "cannot create " + path_ + ": " + std::strerror(errno));
        }
    }
    NewFile(const NewFile &) = delete;
    NewFile &operator=(const NewFile &) = delete;
    ~NewFile()
    {
        if (fd_ >= 0)
            ::close(fd_);
        if (!committed_)
            ::unlink(path_.c_str());
    }
    void write(std::span<const unsigned char> data)
    {
        while (!data.empty()) {
            const ssize_t n = ::write(fd_, data.data(), data.size());
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                fail(kExitSetup, "cannot write " + path_ + ": " + std::strerror(errno));
            data = data.subspan(static_cast<std::size_t>(n));
        }
    }
    void close()
    {
        const int fd = std::exchange(fd_, -1);
        if (::close(fd) != 0) {
            fail(kExitSetup, "cannot write " + path_ + ": " + std::strerror(errno));
        }
    }
    void commit() { committed_ = true; }

private:
    std::string path_;
    int fd_ = -1;
    bool committed_ = false;
};

int runDelegate(const Options &opts)
{
    const std::string &certPath = required(opts, "--cert");
    const std::string &keyPath = required(opts, "--key");
    const std::string &algName = required(opts, "--dc-alg");
    const std::string &outDc = required(opts, "--out-dc");
    const std::string &outDcKey = required(opts, "--out-dc-key");
    const auto valid =
        static_cast<PRUint32>(parseNumber("--valid", required(opts, "--valid"), 1, UINT32_MAX));
    const PRTime now =
        static_cast<PRTime>(parseNumber("--now", required(opts, "--now"), 0, kMaxUnixSeconds)) *
        PR_USEC_PER_SEC;
    const auto alg = std::find_if(kDcAlgorithms.begin(), kDcAlgorithms.end(),
                                  [&](const DcAlgorithm &a) { return a.name == algName; });
    if (alg == kDcAlgorithms.end()) {
        usage("--dc-alg must be one of ecdsa-p256, ecdsa-p384, ecdsa-p521, rsa-pss-2048");
    }

    UniqueCert cert = loadCertificate(certPath);
    UniquePrivKey certKey = loadPrivateKey(keyPath);
    requireKeyMatchesCertificate(cert.get(), certKey.get(), keyPath);

    // SSL_DelegateCredential writes valid_time = (now - notBefore) + valid
    // without range checks; refuse values that do not fit the u32 field.
    PRTime notBefore = 0;
    PRTime notAfter = 0;
    if (CERT_GetCertTimes(cert.get(), &notBefore, &notAfter) != SECSuccess) {
        failNss("CERT_GetCertTimes");
    }
    const PRTime validTime = (now - notBefore) / PR_USEC_PER_SEC + valid;
    if (now < notBefore)
        fail(kExitSetup, "--now is before the certificate's notBefore");
    if (validTime > PRTime{UINT32_MAX})
        fail(kExitSetup, "--now/--valid give a valid_time beyond 2^32-1 seconds");

    auto [dcPriv, dcPub] = generateDcKey(*alg);
    OwnedItem dc;
    if (SSL_DelegateCredential(cert.get(), certKey.get(), dcPub.get(), alg->scheme, valid, now,
                               dc.get()) != SECSuccess) {
        failNss("SSL_DelegateCredential");
    }
    UniqueSecretItem keyDer = exportDcKey(dcPriv.get(), dc.bytes());
    std::string pem = pemEncode({keyDer->data, keyDer->len}, "PRIVATE KEY");

    NewFile dcFile(outDc, 0644);
    NewFile keyFile(outDcKey, 0600);
    dcFile.write(dc.bytes());
    dcFile.close();
    keyFile.write({reinterpret_cast<const unsigned char *>(pem.data()), pem.size()});
    wipe(pem);
    keyFile.close();
    dcFile.commit();
    keyFile.commit();
    return kExitOk;
}

// ---------------------------------------------------------------------------

int run(int argc, char **argv)
{
    if (argc < 2)
        usage("nss_peer serve|connect|delegate [--option value]...");
    const std::string_view command = argv[1];
    int (*handler)(const Options &) = nullptr;
    Options opts;
    if (command == "serve") {
        opts = parseOptions(argc, argv, 2,
                            {"--cert", "--key", "--key-module", "--key-pin-file", "--dc",
                             "--dc-key", "--port", "--accept", "--timeout-ms"});
        handler = runServe;
    } else if (command == "connect") {
        opts = parseOptions(argc, argv, 2, {"--port", "--now", "--timeout-ms"});
        handler = runConnect;
    } else if (command == "delegate") {
        opts = parseOptions(
            argc, argv, 2,
            {"--cert", "--key", "--dc-alg", "--valid", "--now", "--out-dc", "--out-dc-key"});
        handler = runDelegate;
    } else {
        usage("unknown command \"" + std::string(command) + "\" (serve, connect or delegate)");
    }
    NssSession nss;
    return handler(opts);
}

} // namespace

int main(int argc, char **argv)
{
    // A peer that closes early must give an error code, not kill us.
    std::signal(SIGPIPE, SIG_IGN);
    int rc = kExitOk;
    try {
        rc = run(argc, argv);
    } catch (const Failure &f) {
        std::fprintf(stderr, "nss_peer: %s\n", f.message.c_str());
        rc = f.exitCode;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "nss_peer: %s\n", e.what());
        rc = kExitSetup;
    }
    std::fflush(stdout);
    PR_Cleanup();
    return rc;
}
