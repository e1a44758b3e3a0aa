#pragma once

// Helpers the workspace's source files share: SQL errors in words, and time columns.

#include "common/Result.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>

class QSqlError;

namespace baton {

/// An SQL failure as a sentence that starts with the workspace's path.
Error sqlError(const QString &path, const QString &what, const QSqlError &error);
Result<QSqlQuery> runSql(const QSqlDatabase &database, const QString &path, const QString &sql,
                         const QVariantList &bindings);

QVariant timeValue(const QDateTime &time); ///< NULL for an invalid time
QDateTime timeFrom(const QVariant &value); ///< invalid for NULL
QVariant idValue(qint64 id);               ///< NULL for 0
QVariant textValue(const QString &text);   ///< '' for an empty (even null) string, never NULL

} // namespace baton
