#include "RawSql.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace baton::test {

QString rawSql(const QString &path, const QStringList &statements)
{
    const QString name = QStringLiteral("raw-%1").arg(quintptr(&path));
    QString error;
    {
        QSqlDatabase database = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        database.setDatabaseName(path);
        if (!database.open())
            error = database.lastError().text();
        for (const QString &statement : statements) {
            QSqlQuery query(database);
            if (error.isEmpty() && !query.exec(statement))
                error = query.lastError().databaseText();
        }
        database.close();
    }
    QSqlDatabase::removeDatabase(name);
    return error;
}

QVariant rawValue(const QString &path, const QString &query)
{
    const QString name = QStringLiteral("raw-value-%1").arg(quintptr(&path));
    QVariant value;
    {
        QSqlDatabase database = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        database.setDatabaseName(path);
        if (database.open()) {
            QSqlQuery select(database);
            if (select.exec(query) && select.next())
                value = select.value(0);
        }
        database.close();
    }
    QSqlDatabase::removeDatabase(name);
    return value;
}

} // namespace baton::test
