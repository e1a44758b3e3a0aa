// The Kubernetes Secret reader behind `bundle verify` (block YAML and JSON), and its round
// trip: a Secret it accepts, written back, reads as the same Secret. Only Secrets whose keys
// Kubernetes itself would accept are held to the round trip: the writer is given bundle file
// names, and a key Kubernetes refuses has no manifest to survive in.

#include "FuzzSupport.h"
#include "export/KubernetesSecret.h"

#include <QRegularExpression>

using namespace baton;
using namespace baton::fuzz;

namespace {

bool isKubernetesKey(const QString &key)
{
    // Data keys: [-._a-zA-Z0-9]+; label and annotation keys: an optional DNS prefix and '/'.
    static const QRegularExpression pattern(QStringLiteral(R"(^([a-z0-9.-]+/)?[-._a-zA-Z0-9]+$)"));
    return pattern.match(key).hasMatch();
}

template <typename Map> bool kubernetesKeys(const Map &map)
{
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (!isKubernetesKey(it.key()))
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
    const QByteArrayView bytes = view(data, size);
    (void)looksLikeKubernetesManifest(bytes);
    const auto secret = readKubernetesSecret(bytes);
    if (!secret) {
        FUZZ_CHECK(!secret.error().message.isEmpty());
        return 0;
    }
    if (!kubernetesKeys(secret->data) || !kubernetesKeys(secret->labels) ||
        !kubernetesKeys(secret->annotations))
        return 0;
    const QByteArray written = writeKubernetesSecret(*secret, QStringLiteral("fuzz round trip"));
    FUZZ_CHECK(looksLikeKubernetesManifest(written));
    const auto again = readKubernetesSecret(written);
    FUZZ_CHECK(again);
    FUZZ_CHECK(again->name == secret->name);
    FUZZ_CHECK(again->type == secret->type);
    FUZZ_CHECK(again->labels == secret->labels);
    FUZZ_CHECK(again->annotations == secret->annotations);
    FUZZ_CHECK(again->data == secret->data);
    return 0;
}
