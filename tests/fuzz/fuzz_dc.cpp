// The DC codec and verifier: strict decoding, encode(decode(x)) == x, every text encoding
// readDelegatedCredential detects, and the verifier against a certificate made at start-up
// (and against the certificate a Fizz combined PEM carries).

#include "FuzzSupport.h"
#include "dc/DcDocument.h"
#include "dc/DcVerifier.h"

using namespace baton;
using namespace baton::fuzz;

namespace {

void checkCodec(QByteArrayView bytes)
{
    EvpPkeyPtr dcKey;
    const auto credential = DelegatedCredential::decode(bytes, &dcKey);
    if (!credential) {
        FUZZ_CHECK(!credential.error().message.isEmpty());
        return;
    }
    FUZZ_CHECK(dcKey != nullptr);
    FUZZ_CHECK(credential->encode() == bytes);
    FUZZ_CHECK(credential->encode().endsWith(credential->signature));
    FUZZ_CHECK(credential->encode().startsWith(credential->encodeCredential()));
}

void checkVerifier(const Certificate &certificate, QByteArrayView bytes, DcRole role)
{
    const DcVerification verification =
        verifyDelegatedCredential(certificate, bytes, role, fixedNow());
    FUZZ_CHECK(!verification.checks.isEmpty());
    for (const DcCheck &check : verification.checks)
        FUZZ_CHECK(!check.id.isEmpty() && !check.detail.isEmpty());
    const auto decoded = DelegatedCredential::decode(bytes);
    FUZZ_CHECK(verification.credential.has_value() == bool(decoded));
    if (decoded) {
        FUZZ_CHECK(*verification.credential == *decoded);
        FUZZ_CHECK(verification.expiry == decoded->expiry(certificate));
    } else {
        FUZZ_CHECK(!verification.valid());
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    initialise(argc, argv);
    fixedDc();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes = view(data, size);
    checkCodec(bytes);
    checkVerifier(fixedIdentity().certificate, bytes, DcRole::Server);

    const auto document = readDelegatedCredential(bytes);
    if (!document) {
        FUZZ_CHECK(!document.error().message.isEmpty());
        return 0;
    }
    // Whatever the encoding, the DC inside decodes strictly to the same credential.
    const auto inner = DelegatedCredential::decode(document->bytes);
    FUZZ_CHECK(inner && *inner == document->credential);
    FUZZ_CHECK(inner->encode() == document->bytes);
    if (!document->certificateDer.isEmpty()) {
        if (const auto certificate = Certificate::fromDer(document->certificateDer))
            checkVerifier(*certificate, document->bytes,
                          document->labelledRole.value_or(DcRole::Server));
    }
    return 0;
}
