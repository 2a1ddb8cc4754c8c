using Microsoft.Data.Sqlite;
using Npgsql;

namespace Gatehouse.Hosting.Database;

/// <summary>
/// Tells a broken rule in the data (a unique, foreign-key or not-null constraint: typically a
/// concurrent writer that got there first) from a store that cannot be reached. The first is the
/// caller's to resolve (retry on the row as it now is, or 409); only the second is a 503.
/// </summary>
public static class StoreErrors
{
    private const int SqliteConstraint = 19; // SQLITE_CONSTRAINT and its extended codes' primary code

    public static bool IsConstraintViolation(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException { SqliteErrorCode: SqliteConstraint }:
                // PostgreSQL error class 23: integrity constraint violation.
                case PostgresException postgres when postgres.SqlState.StartsWith("23", StringComparison.Ordinal):
                    return true;
            }
        }

        return false;
    }
}
