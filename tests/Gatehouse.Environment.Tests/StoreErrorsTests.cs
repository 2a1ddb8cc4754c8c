using Gatehouse.Environment.Authorization;
using Gatehouse.Hosting.Database;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Gatehouse.Environment.Tests;

/// <summary>
/// A constraint violation (a concurrent writer won) is not an outage: it must not become a 503
/// "the store is down", and an outage must not pass for a conflict.
/// </summary>
public sealed class StoreErrorsTests
{
    public static TheoryData<string, Exception, bool, bool> Cases => new()
    {
        { "SQLite unique", Wrapped(new SqliteException("UNIQUE constraint failed: Businesses.Code", 19)), true, false },
        { "SQLite cannot open", Wrapped(new SqliteException("unable to open database file", 14)), false, true },
        { "SQLite busy", new SqliteException("database is locked", 5), false, true },
        { "PostgreSQL unique", Wrapped(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")), true, false },
        { "PostgreSQL foreign key", new PostgresException("fk", "ERROR", "ERROR", "23503"), true, false },
        { "PostgreSQL database gone", new PostgresException("database does not exist", "FATAL", "FATAL", "3D000"), false, true },
        { "PostgreSQL connection lost", new NpgsqlException("Exception while reading from stream", new TimeoutException()), false, true },
        { "Not the store", new InvalidOperationException("bug"), false, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_ConstraintViolationVersusOutage(string name, Exception exception, bool constraint, bool outage)
    {
        Assert.True(constraint == StoreErrors.IsConstraintViolation(exception), name);
        Assert.True(outage == DatabaseUnavailableHandler.IsStoreFailure(exception), name);
    }

    private static DbUpdateException Wrapped(Exception inner) => new("An error occurred while saving the entity changes.", inner);
}
