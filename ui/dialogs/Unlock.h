#pragma once

#include <QString>
#include <functional>

class QWidget;

namespace baton::ui {

class WorkspaceSession;

/// Unlocks the session's workspace, then runs `then`: at once when it is unlocked already;
/// with the passphrase from the OS keyring when the session uses one and it holds the right
/// passphrase; otherwise once the user has typed it into a PassphraseDialog (which offers to
/// remember it in the keyring). `prompt` says what the passphrase is needed for. `then` does
/// not run when the user cancels, nor once `parent` is gone.
void unlockThen(WorkspaceSession &session, QWidget *parent, const QString &prompt,
                std::function<void()> then);

} // namespace baton::ui
