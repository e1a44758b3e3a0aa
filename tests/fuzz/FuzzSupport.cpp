#include "FuzzSupport.h"

#include "dc/DcIssuer.h"

#include <QCoreApplication>
#include <cstdio>
#include <cstdlib>

namespace baton::fuzz {

void fail(const char *file, int line, const char *condition)
{
    std::fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n", file, line, condition);
    std::fflush(stderr);
    std::abort();
}

void initialise(int *argc, char ***argv)
{
    // Never destroyed: the fuzzer exits from anywhere, after Qt's own statics are gone.
    static QCoreApplication *application = nullptr;
    if (!application && !QCoreApplication::instance())
        application = new QCoreApplication(*argc, *argv);
}

QDateTime fixedNow()
{
    return test::utc(2026, 6, 1, 12, 0, 0);
}

const test::TestIdentity &fixedIdentity()
{
    static const test::TestIdentity identity = test::makeIdentity();
    return identity;
}

const FixedDc &fixedDc()
{
    static const FixedDc dc = [] {
        const DcIssueRequest request{.certificate = fixedIdentity().certificate,
                                     .certificateKey = fixedIdentity().key.get(),
                                     .now = fixedNow().addSecs(-3600)};
        auto issued = issueDelegatedCredential(request);
        if (!issued) {
            std::fprintf(stderr, "fuzz fixture: %s\n", qPrintable(issued.error().message));
            std::abort();
        }
        return FixedDc{issued->bytes, std::move(issued->generatedKey)};
    }();
    return dc;
}

} // namespace baton::fuzz
