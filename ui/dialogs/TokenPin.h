#pragma once

#include "pkcs11/TokenKey.h"

class QWidget;

namespace baton::ui {

/// Where the desktop app gets a token's user PIN, for core code that signs on a token from any
/// thread (a rotation, issuing a DC): on the UI thread, the calling thread waiting for the
/// answer. The keyring's entry for the token first when `useKeyring` (the session keeps its
/// passphrase there too), else a PassphraseDialog asking for the PIN, which then offers to
/// remember it there. Cancelling is an Error ("no PIN was given").
TokenKey::PinSource askForTokenPin(QWidget *parent, bool useKeyring);

} // namespace baton::ui
