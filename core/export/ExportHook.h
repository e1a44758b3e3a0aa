#pragma once

#include "common/Result.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <chrono>

namespace baton {

/// How a post-export hook (a server reload, say) went.
struct HookResult
{
    bool started = false;
    bool timedOut = false;
    int exitCode = -1;
    QString output; ///< stdout and stderr together, at most kMaxHookOutput bytes

    bool ok() const { return started && !timedOut && exitCode == 0; }
    /// "exited 0", "exited 3", "timed out after 30 s (killed)", "could not start: …"
    QString summary() const;

    QString startError;
    std::chrono::milliseconds timeout{0};
};

inline constexpr qsizetype kMaxHookOutput = 64 * 1024;

/// The whole environment a hook gets: PATH, HOME and LANG from Baton's own, the variables named
/// in `passThrough` (a target that needs more says which), and `batonVariables` (BATON_*).
/// Nothing else: Baton may hold secrets in its environment (`--passphrase env:VAR`,
/// BATON_PASSPHRASE_FILE) that a hook, perhaps another user's script, must never see.
QProcessEnvironment hookEnvironment(const QProcessEnvironment &batonVariables,
                                    const QStringList &passThrough = {});

/// The most variables a target may pass through to its hook.
inline constexpr qsizetype kMaxHookEnvironmentNames = 32;

/// Names a target may pass through: variable names (letters, digits, underscores), not one of
/// Baton's own BATON_* (BATON_PASSPHRASE_FILE names the passphrase), each once.
Status checkHookEnvironmentNames(const QStringList &names);

/// Runs `command` (program and arguments; no shell, so nothing in a path or a value is ever
/// interpreted) with exactly `environment`, stdin from /dev/null, no descriptor but 0-2, in a
/// session and process group of its own, and kills that whole group at `timeout`. A program
/// that anyone but its owner (the caller or root) could change is refused, not run.
HookResult runExportHook(const QStringList &command, const QProcessEnvironment &environment,
                         std::chrono::milliseconds timeout);

} // namespace baton
