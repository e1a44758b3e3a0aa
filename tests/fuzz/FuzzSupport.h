#pragma once

// Shared by the libFuzzer targets, their replay executables and the seed generator: the fixed
// fixtures every target checks against, made in memory at start-up (no key is committed), and
// the one way a target reports a broken invariant.

#include "TestPki.h"

#include <QByteArrayView>
#include <QDateTime>
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv);
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace baton::fuzz {

/// A broken invariant is a finding: print what and abort, so libFuzzer saves the input and
/// the replay test fails naming the file.
[[noreturn]] void fail(const char *file, int line, const char *condition);

#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition))                                                                          \
            ::baton::fuzz::fail(__FILE__, __LINE__, #condition);                                   \
    } while (false)

/// A QCoreApplication for the whole run (Qt's file and codec helpers expect one).
void initialise(int *argc, char ***argv);

/// The instant every target checks at: inside the fixtures' validity (2026).
QDateTime fixedNow();

/// The passphrase the seeds' encrypted objects use, and the importer target offers.
inline constexpr char kPassphrase[] = "fuzz";

/// A P-256 certificate with DelegationUsage, made once per process.
const test::TestIdentity &fixedIdentity();

/// A DC for fixedIdentity(), issued at fixedNow() minus an hour, and its key.
struct FixedDc
{
    QByteArray bytes;
    EvpPkeyPtr key;
};
const FixedDc &fixedDc();

inline QByteArrayView view(const uint8_t *data, size_t size)
{
    return QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size));
}

} // namespace baton::fuzz
