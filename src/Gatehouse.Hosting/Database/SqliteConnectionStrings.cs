using Microsoft.Data.Sqlite;

namespace Gatehouse.Hosting.Database;

public static class SqliteConnectionStrings
{
    /// <summary>A connection string for a database file, creating its folder if needed.</summary>
    public static string ForFile(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = DatabaseOptions.DefaultCommandTimeoutSeconds,
            Pooling = true,
        }.ToString();
    }

    /// <summary>
    /// The connection string with its default timeout set: Microsoft.Data.Sqlite waits for a busy or
    /// locked database (another process's write lock) up to the command timeout, and
    /// <c>BeginTransaction</c> up to this one, so both are bounded by the same option.
    /// </summary>
    public static string WithTimeout(string connectionString, int seconds) =>
        new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = seconds }.ToString();
}
