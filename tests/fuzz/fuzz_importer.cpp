// The importer on bytes: PEM bundles, DER, PKCS#8/SEC1 keys, PKCS#7, PKCS#12 and every DC
// encoding. The first byte chooses whether a passphrase is offered (odd: kPassphrase, as the
// seeds' encrypted objects use, at most twice per input; even: none); the rest is the file.

#include "FuzzSupport.h"
#include "crypto/KeyCodec.h"
#include "import/Importer.h"

using namespace baton;
using namespace baton::fuzz;

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    initialise(argc, argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const bool offerPassphrase = (data[0] & 1) != 0;
    const QByteArrayView bytes = view(data + 1, size - 1);

    int asked = 0;
    const PassphraseProvider provider = [&](const QString &what) -> std::optional<QByteArray> {
        FUZZ_CHECK(!what.isEmpty());
        // The importer asks again after a wrong passphrase; a caller that gives up must stop it.
        if (++asked > 2)
            return std::nullopt;
        return QByteArray(kPassphrase);
    };
    const ImportResult result = importData(bytes, QStringLiteral("fuzz-input"),
                                           offerPassphrase ? provider : PassphraseProvider{});
    FUZZ_CHECK(!result.error.isEmpty() || !result.objects.isEmpty());
    if (!result.error.isEmpty())
        FUZZ_CHECK(result.error.startsWith(QLatin1String("fuzz-input")));
    for (const ImportedObject &object : result.objects) {
        FUZZ_CHECK(!object.location.isEmpty());
        FUZZ_CHECK(!object.summary.isEmpty() || !object.error.isEmpty());
        if (!object.error.isEmpty())
            continue;
        switch (object.kind) {
        case ImportedKind::Certificate: {
            FUZZ_CHECK(object.certificate.has_value());
            // What was imported reads back as the same certificate.
            const auto again = Certificate::fromDer(object.certificate->der());
            FUZZ_CHECK(again && again->der() == object.certificate->der());
            break;
        }
        case ImportedKind::CertificateRequest:
            FUZZ_CHECK(object.request.has_value());
            break;
        case ImportedKind::PrivateKey: {
            FUZZ_CHECK(object.privateKey != nullptr);
            // PKCS#8 is how Baton stores an imported key: it must decode to the same key.
            if (const auto pkcs8 = encodePrivateKeyPkcs8Der(object.privateKey.get())) {
                const auto again = decodePrivateKey(pkcs8->bytes());
                FUZZ_CHECK(again && samePublicKey(again->get(), object.privateKey.get()));
            }
            break;
        }
        case ImportedKind::DelegatedCredential:
            FUZZ_CHECK(object.delegatedCredential != nullptr);
            FUZZ_CHECK(object.delegatedCredential->credential.encode() ==
                       object.delegatedCredential->bytes);
            break;
        case ImportedKind::Unknown:
            break;
        }
    }
    return 0;
}
