// baton-bench: how close Baton's DC issuing and verifying come to the bare cryptography.
//
// For every DC key type it measures, in the same process and interleaved, Baton against the
// limit: the OpenSSL calls no DC issuer or verifier can do without, written the way a plain
// EVP caller writes them (a fresh EVP_MD_CTX per call, EVP_DigestSignInit/EVP_DigestVerifyInit
// with the scheme's digest, RSA-PSS with salt length = hash length), with no encoding, parsing
// or checks:
//   issue              Baton: issueDelegatedCredential (key generation, SPKI, checks, signature)
//                      limit: EVP_PKEY_generate of the DC key type + EVP_DigestSign of the same
//                             signed message with the certificate key
//   issue (given key)  Baton: the same with an existing DC key (batonctl dc issue --dc-key)
//                      limit: EVP_DigestSign alone
//   verify             Baton: verifyDelegatedCredential (strict decoding, the DC key's SPKI
//                             checked, every check and its sentence, one signature verification)
//                      limit: EVP_DigestVerify of the same message and signature with the
//                             certificate's public key already parsed
// and prints operations per second and the ratio baton/limit (1 would be no overhead at all),
// then the lowest ratio of each operation against its goal.
//
//   baton-bench [--seconds S] [--only ALG]   (S of CPU time per side and row, default 0.4;
//                                             ALG a --dc-alg)
//               [--fleet N] [--status-policies M] [--dir DIR]   (the fleet rows, FleetBench.h)

#include "BuildType.h"
#include "FleetBench.h"
#include "TestPki.h"
#include "dc/DcIssuer.h"
#include "dc/DcVerifier.h"
#include "tls/SignatureScheme.h"

#include <QCoreApplication>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <openssl/rsa.h>
#include <vector>

using namespace baton;
using namespace baton::test;

namespace {

using Clock = std::chrono::steady_clock;

/// CPU time of this thread: a slice during which the scheduler runs someone else (another
/// build on a busy machine) does not count against the side it interrupted.
double threadCpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) * 1e-9;
}

/// Operations per second of each side, measured in alternating slices of about 10 ms for a
/// total of `seconds` of CPU time per side, so that what load elsewhere on the machine still
/// costs (caches, frequency) falls on both sides alike.
std::pair<double, double> compare(const std::function<void()> &baton,
                                  const std::function<void()> &raw, double seconds)
{
    baton(); // warm caches and lazy provider initialisation
    raw();
    const auto slice = std::chrono::milliseconds(10);
    double spent[2]{};
    long counts[2]{};
    const std::function<void()> *sides[2] = {&baton, &raw};
    while (spent[0] < seconds || spent[1] < seconds) {
        for (int side = 0; side < 2; ++side) {
            const auto start = Clock::now();
            const double cpuStart = threadCpuSeconds();
            do {
                (*sides[side])();
                ++counts[side];
            } while (Clock::now() - start < slice);
            spent[side] += threadCpuSeconds() - cpuStart;
        }
    }
    return {double(counts[0]) / spent[0], double(counts[1]) / spent[1]};
}

void printRow(const char *key, const char *operation, std::pair<double, double> rates)
{
    std::printf("%-14s %-18s %10.0f %10.0f %7.3f\n", key, operation, rates.first, rates.second,
                rates.first / rates.second);
    std::fflush(stdout);
}

[[noreturn]] void die(const QString &message)
{
    std::fprintf(stderr, "baton-bench: %s\n", qPrintable(message));
    std::exit(2);
}

/// The limit's signing and verifying context: what a plain OpenSSL 3 caller sets up per call.
EvpMdCtxPtr bareContext(EVP_PKEY *key, const EVP_MD *digest, bool pss, bool forSigning)
{
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX *pctx = nullptr;
    if (!ctx ||
        (forSigning ? EVP_DigestSignInit(ctx.get(), &pctx, digest, nullptr, key)
                    : EVP_DigestVerifyInit(ctx.get(), &pctx, digest, nullptr, key)) != 1 ||
        (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                 EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)))
        die(u"cannot set up the limit's signature context"_qs);
    return ctx;
}

/// How each operation's lowest ratio across the key types compares with its goal.
struct Goal
{
    const char *operation;
    double target;
    double lowest;
    const char *lowestKey; ///< null until a row is measured
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    double seconds = 0.4;
    const QStringList arguments = QCoreApplication::arguments();
    if (const qsizetype i = arguments.indexOf(u"--seconds"_qs); i >= 0 && i + 1 < arguments.size())
        seconds = std::max(0.05, arguments[i + 1].toDouble());
    QString only;
    if (const qsizetype i = arguments.indexOf(u"--only"_qs); i >= 0 && i + 1 < arguments.size())
        only = arguments[i + 1];

    const QDateTime now = utc(2026, 6, 1, 12);
    const TestIdentity identity = makeIdentity();
    const SignatureScheme &certificateScheme = *certificateSchemeForKey(KeyType::EcP256);

    std::printf("Baton %s (%s build), %s; %.2f s of CPU per side and row, interleaved\n",
                BATON_VERSION, BATON_BUILD_TYPE, OpenSSL_version(OPENSSL_VERSION), seconds);
    warnIfUnoptimized();
    std::printf("DCs under an EC P-256 certificate (signed with %s)\n\n", certificateScheme.name);
    std::printf("%-14s %-18s %10s %10s %7s\n", "DC key", "operation", "baton/s", "limit/s",
                "ratio");

    EVP_PKEY *certificatePublicKey = identity.certificate.publicKey();
    const EVP_MD *digest =
        certificateScheme.digest ? EVP_get_digestbyname(certificateScheme.digest) : nullptr;
    const bool pss = certificateScheme.padding == SignatureScheme::Padding::Pss;
    const auto bareSign = [&](const QByteArray &message) {
        auto ctx = bareContext(identity.key.get(), digest, pss, true);
        std::vector<unsigned char> signature(size_t(EVP_PKEY_get_size(identity.key.get())));
        size_t length = signature.size();
        if (EVP_DigestSign(ctx.get(), signature.data(), &length,
                           reinterpret_cast<const unsigned char *>(message.constData()),
                           size_t(message.size())) != 1)
            die(u"bare signing failed"_qs);
    };
    Goal goals[] = {{"issue", 0.8, 0, nullptr},
                    {"issue (given key)", 0.8, 0, nullptr},
                    {"verify", 0.9, 0, nullptr}};
    const auto measure = [&](const KeySpec &spec, Goal &goal, const std::function<void()> &baton,
                             const std::function<void()> &limit) {
        const auto rates = compare(baton, limit, seconds);
        printRow(spec.name, goal.operation, rates);
        if (const double ratio = rates.first / rates.second; !goal.lowestKey || ratio < goal.lowest)
            goal = {goal.operation, goal.target, ratio, spec.name};
    };

    for (const KeySpec &spec : generatableKeys()) {
        if (!only.isEmpty() && only != QLatin1String(spec.name))
            continue;
        if (only.isEmpty() && spec.type == KeyType::RsaPss && spec.rsaBits > 2048)
            continue; // slower generation of the same scheme: adds minutes, not information
        const DcIssueRequest request{.certificate = identity.certificate,
                                     .certificateKey = identity.key.get(),
                                     .dcKeySpec = &spec,
                                     .lifetimeSeconds = 24 * 3600,
                                     .now = now};
        auto sample = issueDelegatedCredential(request);
        if (!sample)
            die(sample.errorMessage());
        const QByteArray message =
            sample->credential.signedMessage(DcRole::Server, identity.certificate.der());

        measure(
            spec, goals[0],
            [&] {
                if (!issueDelegatedCredential(request))
                    die(u"issuing failed"_qs);
            },
            [&] {
                if (!generateKey(spec))
                    die(u"key generation failed"_qs);
                bareSign(message);
            });

        // With --dc-key: no key generation, so Baton's own overhead is not hidden behind it. The
        // key is read back from PKCS#8, as batonctl reads it from its file.
        auto pkcs8 = encodePrivateKeyPkcs8Der(sample->generatedKey.get());
        auto dcKey = pkcs8 ? decodePrivateKey(pkcs8->bytes()) : pkcs8.error();
        if (!dcKey)
            die(dcKey.errorMessage());
        DcIssueRequest givenKey = request;
        givenKey.dcKey = dcKey->get();
        measure(
            spec, goals[1],
            [&] {
                if (!issueDelegatedCredential(givenKey))
                    die(u"issuing failed"_qs);
            },
            [&] { bareSign(message); });

        const QDateTime at = now.addSecs(60);
        const QByteArray &signature = sample->credential.signature;
        measure(
            spec, goals[2],
            [&] {
                if (!verifyDelegatedCredential(identity.certificate, sample->bytes, DcRole::Server,
                                               at)
                         .valid())
                    die(u"verification failed"_qs);
            },
            [&] {
                auto ctx = bareContext(certificatePublicKey, digest, pss, false);
                if (EVP_DigestVerify(ctx.get(),
                                     reinterpret_cast<const unsigned char *>(signature.constData()),
                                     size_t(signature.size()),
                                     reinterpret_cast<const unsigned char *>(message.constData()),
                                     size_t(message.size())) != 1)
                    die(u"bare verification failed"_qs);
            });
    }

    std::printf("\n");
    for (const Goal &goal : goals) {
        if (goal.lowestKey)
            std::printf("%-18s lowest ratio %.3f (%s), goal >= %.1f: %s\n", goal.operation,
                        goal.lowest, goal.lowestKey, goal.target,
                        goal.lowest >= goal.target ? "met" : "NOT met");
    }
    runFleetBench(arguments);
    return 0;
}
