using Gatehouse.Hosting.Database;
using Gatehouse.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Gatehouse.Environment.Tests;

/// <summary>
/// Takes a test database away from the running environment for real, and gives it back:
/// PostgreSQL refuses new connections to it (<c>ALLOW_CONNECTIONS false</c>) and ends the open ones;
/// SQLite's file is moved aside and a directory takes its place, so every open fails.
/// </summary>
public sealed class DatabaseOutage : IAsyncDisposable
{
    private readonly TestDatabase database;
    private bool restored;

    private DatabaseOutage(TestDatabase database) => this.database = database;

    public static async Task<DatabaseOutage> BeginAsync(TestDatabase database)
    {
        var outage = new DatabaseOutage(database);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
            await outage.ServerCommandAsync(
                $"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false",
                $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()");
        }
        else
        {
            var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            SqliteConnection.ClearAllPools();
            File.Move(file, file + ".away");
            Directory.CreateDirectory(file);
        }

        return outage;
    }

    public async ValueTask DisposeAsync()
    {
        if (restored)
        {
            return;
        }

        restored = true;
        if (database.Provider == DatabaseProvider.Postgres)
        {
            var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
            await ServerCommandAsync($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true");
            NpgsqlConnection.ClearAllPools();
        }
        else
        {
            var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            SqliteConnection.ClearAllPools();
            Directory.Delete(file);
            File.Move(file + ".away", file);
        }
    }

    private async Task ServerCommandAsync(params string[] statements)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false }.ToString());
        await connection.OpenAsync();
        foreach (var statement in statements)
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
