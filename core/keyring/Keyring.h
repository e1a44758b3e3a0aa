#pragma once

// The workspace passphrase (and token PINs) in the OS keyring (Secret Service or KWallet over
// D-Bus, the macOS Keychain, the Windows Credential Manager), through QtKeychain. A library of its
// own so that baton-core, which servers and CI link, stays free of QtKeychain and D-Bus.
//
// Each entry is filed under the service kKeyringService, keyed by the workspace's canonical
// path, so every path that names the same file finds the same entry. Nothing is ever stored
// anywhere but in a real keyring: QtKeychain's plaintext fallback is switched off.

#include "common/Result.h"
#include "crypto/OpenSsl.h"

#include <QByteArrayView>
#include <QString>
#include <chrono>
#include <optional>

namespace baton {

inline constexpr char kKeyringService[] = "Baton";

/// Whether this build can use a keyring at all; one that can may still find no backend at run
/// time (no D-Bus session, no secret service), which only asking tells.
enum class KeyringAvailability
{
    Available,
    Unavailable, ///< built without QtKeychain
};
KeyringAvailability keyringAvailability();

struct KeyringLookup
{
    /// The passphrase, when the keyring holds one for the workspace.
    std::optional<SecretBytes> secret;
    /// Why the keyring could not be asked ("no keyring backend (…)", "the keyring did not
    /// answer within 5 s"); empty when it answered, with or without a passphrase.
    QString problem;
};

// Each call returns within about `timeout`: QtKeychain's jobs are asynchronous, and a keyring
// may wait on a person (an unlock dialog) or on a service that never answers. A job that times
// out is left to finish (or not) on its own, since its backend may still call back into it;
// QtKeychain runs one job at a time, so later calls in the same process then time out too.

/// How long unlocking waits for the keyring before falling back to a prompt: short, since it
/// is asked on every unlock, timer runs included, and a healthy keyring answers at once.
inline constexpr std::chrono::seconds kKeyringLookupWait{5};
/// How long storing or forgetting a passphrase waits: someone asked for the keyring there, and
/// it may first show them a dialog to unlock it.
inline constexpr std::chrono::seconds kKeyringCommandWait{60};

KeyringLookup readWorkspacePassphrase(const QString &workspacePath,
                                      std::chrono::milliseconds timeout);
Status storeWorkspacePassphrase(const QString &workspacePath, QByteArrayView passphrase,
                                std::chrono::milliseconds timeout);
/// Success also when there was no entry: afterwards there is none either way.
Status forgetWorkspacePassphrase(const QString &workspacePath, std::chrono::milliseconds timeout);

/// The entry's key: the canonical path of the workspace, or its absolute path once the file is
/// gone (so a deleted workspace's entry can still be forgotten).
QString keyringKey(const QString &workspacePath);

// The user PIN of a PKCS#11 token holding certificate keys, filed under the token's label
// (what a PIN prompt names it by): one entry serves every workspace with keys on that token.

KeyringLookup readTokenPin(const QString &tokenLabel, std::chrono::milliseconds timeout);
Status storeTokenPin(const QString &tokenLabel, QByteArrayView pin,
                     std::chrono::milliseconds timeout);
/// Success also when there was no entry.
Status forgetTokenPin(const QString &tokenLabel, std::chrono::milliseconds timeout);
/// "pkcs11-token:LABEL", the entry's key.
QString tokenPinKey(const QString &tokenLabel);

} // namespace baton
