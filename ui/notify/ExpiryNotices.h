#pragma once

#include "session/WorkspaceSnapshot.h"

#include <QList>
#include <QString>

namespace baton::ui {

/// Something that changed with the time alone and that an operator wants to hear about even
/// with the window in the background.
struct ExpiryNotice
{
    enum class Kind
    {
        Due,     ///< a policy's DC has reached its renew-before margin: rotate now
        Expired, ///< a certificate's last valid DC of a role has expired: peers get none
    };
    Kind kind = Kind::Due;
    qint64 certificateId = 0;
    QString title{};
    QString message{};
};

/// What became due or expired between two snapshots of the same workspace, taken at
/// before.takenAt and after.takenAt. Nothing for snapshots of different workspaces, or for a
/// first one (an empty `before`): what was already due when the workspace was opened is on
/// screen, not news. A DC that expires while a newer one of its role is valid is no news
/// either: that is rotation working.
QList<ExpiryNotice> expiryNotices(const WorkspaceSnapshot &before, const WorkspaceSnapshot &after);

} // namespace baton::ui
