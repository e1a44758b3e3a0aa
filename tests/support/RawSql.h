#pragma once

// Changing a workspace file behind Baton's back, as another tool or an attacker would: for the
// tests that plant rows, triggers or damage and check what Baton makes of them.

#include <QString>
#include <QStringList>
#include <QVariant>

namespace baton::test {

/// Runs `statements` in order on the SQLite file at `path` through a connection of its own,
/// stopping at the first that fails; that one's error text, or empty when all ran.
QString rawSql(const QString &path, const QStringList &statements);
inline QString rawSql(const QString &path, const QString &statement)
{
    return rawSql(path, QStringList{statement});
}

/// The first column of the first row `query` gives on the SQLite file at `path`, read through
/// a connection of its own: null when there is none, or when the query fails.
QVariant rawValue(const QString &path, const QString &query);

} // namespace baton::test
