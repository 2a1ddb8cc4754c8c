using System.Diagnostics;
using Gatehouse.Hosting.Database;
using Gatehouse.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Gatehouse.Environment.Tests;

/// <summary>
/// Stalls a test database for real, the way another process would (docs/security-checklist.md ST1):
/// SQLite's file is write-locked by a separate OS process (python3 holding <c>BEGIN EXCLUSIVE</c>), so
/// every write waits for the busy timeout; on PostgreSQL a second connection holds
/// <c>LOCK TABLE ... ACCESS EXCLUSIVE</c> on the given tables, so every statement touching them waits
/// for the command timeout. Disposing releases the lock.
/// </summary>
public sealed class StoreLock : IAsyncDisposable
{
    private Process? process;
    private NpgsqlConnection? connection;
    private NpgsqlTransaction? transaction;

    public static async Task<StoreLock> HoldAsync(TestDatabase database, params string[] postgresTables)
    {
        var held = new StoreLock();
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            const string Script = "import sqlite3, sys\n"
                + "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                + "c.execute('BEGIN EXCLUSIVE')\n"
                + "print('locked', flush=True)\n"
                + "sys.stdin.readline()\n"
                + "c.execute('ROLLBACK')\n";
            var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(Script);
            start.ArgumentList.Add(file);
            held.process = Process.Start(start)!;
            var line = await held.process.StandardOutput.ReadLineAsync();
            Assert.Equal("locked", line);
        }
        else
        {
            held.connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ToString());
            await held.connection.OpenAsync();
            held.transaction = await held.connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand(
                $"LOCK TABLE {string.Join(", ", postgresTables.Select(t => $"\"{t}\""))} IN ACCESS EXCLUSIVE MODE", held.connection, held.transaction);
            await command.ExecuteNonQueryAsync();
        }

        return held;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            await process.StandardInput.WriteLineAsync();
            await process.StandardInput.FlushAsync();
            await process.WaitForExitAsync();
            process.Dispose();
            process = null;
        }

        if (transaction is not null)
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            transaction = null;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
            connection = null;
        }
    }
}
