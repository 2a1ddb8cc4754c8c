using System.Data.Common;
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

    /// <summary>
    /// The one classification of "the store is unavailable" (docs/security-checklist.md DB1): any ADO.NET
    /// error or timeout that is not a constraint violation, including SQLite's busy/locked once the
    /// bounded timeout (<see cref="DatabaseOptions.CommandTimeoutSeconds"/>) ran out. Requests answer it
    /// with 503 (<see cref="DatabaseUnavailableHandler"/>); background workers back off and retry
    /// (<see cref="StoreBackoff"/>).
    /// </summary>
    public static bool IsUnavailable(Exception? exception)
    {
        if (IsConstraintViolation(exception))
        {
            return false;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }
}
