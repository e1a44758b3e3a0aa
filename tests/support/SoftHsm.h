#pragma once

// SoftHSM2 tokens made by a test in a temporary directory, so PKCS#11 code is tested against a
// real module without touching the machine's tokens.

#include "common/Result.h"
#include "pkcs11/Pkcs11Modules.h"
#include "pkcs11/Pkcs11Session.h"

#include <QByteArray>
#include <QTemporaryDir>
#include <memory>
#include <optional>

namespace baton::test {

/// SoftHSM2 for one test process: a softhsm2.conf whose token directory is a QTemporaryDir,
/// SOFTHSM2_CONF pointing at it for the process and every process it starts, and the module
/// loaded (through p11-kit, as Baton loads it) until the SoftHsm goes. SoftHSM reads its
/// configuration once per process, so a process has at most one.
class SoftHsm
{
public:
    /// Debian's softhsm2 module; tests QSKIP when it is absent.
    static QString modulePath();

    /// Every test token's PINs: test-only secrets, which tests pass as files (--pin file:).
    static QByteArray userPin();
    static QByteArray soPin();

    static Result<std::unique_ptr<SoftHsm>> start();

    /// Initializes a new token with soPin() and userPin() (C_InitToken, C_InitPIN).
    Status createToken(const QString &label);

    /// Generates a key pair ON the token (C_GenerateKeyPair): private key sensitive, not
    /// extractable, stored on the token, signing only. `algorithm`: ecdsa-p256, ecdsa-p384,
    /// ecdsa-p521, ed25519 or rsa-2048.
    Status generateKeyPair(const QString &token, const QString &algorithm,
                           const QString &objectLabel, const QByteArray &id);

    /// Destroys the public key object labelled `objectLabel`, leaving the private key alone on
    /// the token, as after importing only a private key.
    Status removePublicKey(const QString &token, const QString &objectLabel);

    /// A boolean attribute of the private key labelled `objectLabel` (CKA_SENSITIVE, …).
    Result<bool> privateKeyFlag(const QString &token, const QString &objectLabel,
                                unsigned long attribute);

    /// "pkcs11:token=T;object=O?module-path=…": the URI Baton is given.
    static QString uri(const QString &token, const QString &objectLabel);

    QString directory() const { return m_dir.path(); }

private:
    SoftHsm() = default;
    Result<unsigned long> slotOf(const QString &token) const;
    Result<Pkcs11Session> userSession(const QString &token, Pkcs11Session::Access access);

    QTemporaryDir m_dir;
    std::optional<Pkcs11Modules> m_module;
};

} // namespace baton::test
