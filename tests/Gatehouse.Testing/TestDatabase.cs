using Gatehouse.Hosting.Database;
using Npgsql;

namespace Gatehouse.Testing;

/// <summary>
/// A fresh, empty database for one test, on SQLite (a temporary file) or PostgreSQL (a database
/// created on the server named by <c>GATEHOUSE_TEST_POSTGRES</c>, or the local one the test script
/// starts). Dropped on dispose.
/// </summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public abstract DatabaseProvider Provider { get; }

    public abstract string ConnectionString { get; }

    /// <summary>Configuration entries for a plane section, e.g. <c>Portal:Database:...</c>.</summary>
    public IEnumerable<KeyValuePair<string, string?>> ConfigurationFor(string sectionPath) =>
    [
        new($"{sectionPath}:Database:Provider", Provider.ToString()),
        new($"{sectionPath}:Database:ConnectionString", ConnectionString),
    ];

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new SqliteTestDatabase(),
        DatabaseProvider.Postgres => await PostgresTestDatabase.CreateAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    public abstract ValueTask DisposeAsync();
}

public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly string directory = Directory.CreateTempSubdirectory("gatehouse-test-").FullName;

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override string ConnectionString => SqliteConnectionStrings.ForFile(Path.Combine(directory, "test.db"));

    public override ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finishing host; the OS temp cleaner takes it later.
        }

        return ValueTask.CompletedTask;
    }
}

public sealed class PostgresTestDatabase : TestDatabase
{
    public const string DefaultServer = "Host=127.0.0.1;Port=5432;Username=gatehouse;Password=gatehouse";

    private readonly string server;
    private readonly string name;

    private PostgresTestDatabase(string server, string name)
    {
        this.server = server;
        this.name = name;
    }

    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override string ConnectionString =>
        new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true }.ToString();

    public static string Server => System.Environment.GetEnvironmentVariable("GATEHOUSE_TEST_POSTGRES") is { Length: > 0 } s ? s : DefaultServer;

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var name = "gh_test_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Database = "postgres" }.ToString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new PostgresTestDatabase(Server, name);
    }

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ToString());
        await connection.OpenAsync();

        // WITH (FORCE) ends connections left by the host under test, but needs pg_signal_backend when
        // an autovacuum worker happens to be in the database; without it, retry a plain DROP briefly.
        // A database left behind is harmless (a fresh name per test), so cleanup never fails a test.
        foreach (var force in new[] { true, false, false, false, false, false, false, false, false, false })
        {
            try
            {
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\"{(force ? " WITH (FORCE)" : "")}", connection);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                await Task.Delay(200);
            }
        }

        await Console.Error.WriteLineAsync($"Test database {name} was left behind: it was still in use.");
    }
}
