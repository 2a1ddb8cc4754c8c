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
            DefaultTimeout = 30,
            Pooling = true,
        }.ToString();
    }
}
