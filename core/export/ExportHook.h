#pragma once

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

/// Runs `command` (program and arguments; no shell, so nothing in a path or a value is ever
/// interpreted) with `environment` added to Baton's own, and kills it at `timeout`.
HookResult runExportHook(const QStringList &command, const QProcessEnvironment &environment,
                         std::chrono::milliseconds timeout);

} // namespace baton
