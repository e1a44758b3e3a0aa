// baton-bench: how close Baton's DC issuing and verifying come to the raw cryptography.
//
// For every DC key type it measures, in the same process and interleaved:
//   issue              Baton: issueDelegatedCredential (key generation, SPKI, checks, signature)
//                      raw:   EVP_PKEY_generate + i2d_PUBKEY + EVP_DigestSign of the same message
//   issue (given key)  the same without key generation (batonctl dc issue --dc-key)
//   verify             Baton: verifyDelegatedCredential (strict decoding, every check, one
//                             signature verification)
//                      raw:   d2i_PUBKEY of the DC key + EVP_DigestVerify of the same message:
//                             the least any DC verifier does (a peer must parse the DC key)
//   verify (sig only)  raw:   EVP_DigestVerify alone, a bound no real verifier reaches
// and prints operations per second and the ratio baton/raw (above 1: Baton is faster).
//
//   baton-bench [--seconds S] [--only ALG]   (S per side and row, default 0.4; ALG a --dc-alg)
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
#include <functional>

using namespace baton;
using namespace baton::test;

namespace {

using Clock = std::chrono::steady_clock;

/// Operations per second of each side, measured in alternating slices of about 10 ms for a
/// total of `seconds` per side, so that load elsewhere on the machine (or a frequency change)
/// falls on both sides alike.
std::pair<double, double> compare(const std::function<void()> &baton,
                                  const std::function<void()> &raw, double seconds)
{
    baton(); // warm caches and lazy provider initialisation
    raw();
    const auto slice = std::chrono::milliseconds(10);
    std::chrono::duration<double> spent[2]{};
    long counts[2]{};
    const std::function<void()> *sides[2] = {&baton, &raw};
    while (spent[0].count() < seconds || spent[1].count() < seconds) {
        for (int side = 0; side < 2; ++side) {
            const auto start = Clock::now();
            do {
                (*sides[side])();
                ++counts[side];
            } while (Clock::now() - start < slice);
            spent[side] += Clock::now() - start;
        }
    }
    return {double(counts[0]) / spent[0].count(), double(counts[1]) / spent[1].count()};
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

void rawSign(EVP_PKEY *key, const SignatureScheme &scheme, const QByteArray &message)
{
    auto signature = signWithScheme(key, scheme, message);
    if (!signature)
        die(signature.errorMessage());
}

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

    std::printf("Baton %s (%s build), %s; %.2f s per side and row, interleaved\n", BATON_VERSION,
                BATON_BUILD_TYPE, OpenSSL_version(OPENSSL_VERSION), seconds);
    warnIfUnoptimized();
    std::printf("DCs under an EC P-256 certificate (signed with %s)\n\n", certificateScheme.name);
    std::printf("%-14s %-18s %10s %10s %7s\n", "DC key", "operation", "baton/s", "openssl/s",
                "ratio");

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

        const auto rawSpki = [&](EVP_PKEY *key) {
            unsigned char *spki = nullptr;
            if (i2d_PUBKEY(key, &spki) <= 0)
                die(u"SPKI encoding failed"_qs);
            OPENSSL_free(spki);
        };
        printRow(spec.name, "issue",
                 compare(
                     [&] {
                         if (!issueDelegatedCredential(request))
                             die(u"issuing failed"_qs);
                     },
                     [&] {
                         auto key = generateKey(spec);
                         if (!key)
                             die(u"key generation failed"_qs);
                         rawSpki(key->get());
                         rawSign(identity.key.get(), certificateScheme, message);
                     },
                     seconds));

        // With --dc-key: no key generation, so Baton's own overhead is not hidden behind it.
        DcIssueRequest givenKey = request;
        givenKey.dcKey = sample->generatedKey.get();
        printRow(spec.name, "issue (given key)",
                 compare(
                     [&] {
                         if (!issueDelegatedCredential(givenKey))
                             die(u"issuing failed"_qs);
                     },
                     [&] {
                         rawSpki(givenKey.dcKey);
                         rawSign(identity.key.get(), certificateScheme, message);
                     },
                     seconds));

        const QDateTime at = now.addSecs(60);
        const auto batonVerify = [&] {
            if (!verifyDelegatedCredential(identity.certificate, sample->bytes, DcRole::Server, at)
                     .valid())
                die(u"verification failed"_qs);
        };
        const auto rawVerify = [&] {
            auto good = verifyWithScheme(identity.certificate.publicKey(), certificateScheme,
                                         message, sample->credential.signature);
            if (!good || !*good)
                die(u"raw verification failed"_qs);
        };
        printRow(spec.name, "verify",
                 compare(
                     batonVerify,
                     [&] {
                         const QByteArray &spki = sample->credential.subjectPublicKeyInfo;
                         const auto *p = reinterpret_cast<const unsigned char *>(spki.constData());
                         EvpPkeyPtr dcKey(d2i_PUBKEY(nullptr, &p, long(spki.size())));
                         if (!dcKey)
                             die(u"raw DC key parsing failed"_qs);
                         rawVerify();
                     },
                     seconds));
        printRow(spec.name, "verify (sig only)", compare(batonVerify, rawVerify, seconds));
    }
    runFleetBench(arguments);
    return 0;
}
