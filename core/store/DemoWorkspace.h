#pragma once

#include "common/Result.h"

#include <QDateTime>

namespace baton {

class Workspace;

/// Fills an unlocked workspace with what a new user needs to see Baton at work within seconds:
/// a local dev CA, two certificates that can delegate (with their keys), DCs of different
/// lifetimes around `now` (one expired, one due), and a rotation policy for each certificate.
/// Also the fixture of the GUI tests and screenshots.
Status populateDemoWorkspace(Workspace &workspace, const QDateTime &now);

} // namespace baton
