// The tar.gz reader behind `bundle verify`, and its round trip: whatever it accepts, the
// writer writes back, and that reads again as the same members; writing those is
// reproducible (the same bytes).

#include "FuzzSupport.h"
#include "export/TarGz.h"

using namespace baton;
using namespace baton::fuzz;

namespace {

bool sameMembers(const QList<TarMember> &a, const QList<TarMember> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name || a[i].data != b[i].data || a[i].mode != b[i].mode)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    initialise(argc, argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto members = readTarGz(view(data, size));
    if (!members) {
        FUZZ_CHECK(!members.error().message.isEmpty());
        return 0;
    }
    qsizetype expanded = 0;
    for (const TarMember &member : *members) {
        FUZZ_CHECK(!member.name.isEmpty() && !member.name.contains(QLatin1Char('/')));
        expanded += member.data.size();
    }
    FUZZ_CHECK(expanded <= kMaxTarExpandedSize);

    const auto written = writeTarGz(*members, fixedNow());
    if (!written)
        return 0; // the writer may refuse what tar(1) wrote (names it would not choose)
    const auto again = readTarGz(*written);
    FUZZ_CHECK(again && sameMembers(*again, *members));
    const auto rewritten = writeTarGz(*again, fixedNow());
    FUZZ_CHECK(rewritten && *rewritten == *written);
    return 0;
}
