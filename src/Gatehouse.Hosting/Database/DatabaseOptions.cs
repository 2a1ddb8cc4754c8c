using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Hosting.Database;

/// <summary>Which database a plane uses. Bound from the plane's <c>Database</c> section.</summary>
public sealed class DatabaseOptions
{
    /// <summary><see cref="DatabaseProvider.Sqlite"/> (embedded default) or <see cref="DatabaseProvider.Postgres"/>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// ADO.NET connection string. For SQLite it may be left empty: the plane then uses
    /// <c>{DataDirectory}/{defaultFileName}</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// How long one command may wait for the store, in seconds: the command timeout, and on SQLite
    /// also how long it waits for another writer's lock (busy timeout). Short, so a stalled store
    /// gives a fast 503 instead of holding requests (docs/security-checklist.md DB3, ST2).
    /// </summary>
    [Range(1, 300)]
    public int CommandTimeoutSeconds { get; set; } = DefaultCommandTimeoutSeconds;

    public const int DefaultCommandTimeoutSeconds = 5;
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Where the embedded SQLite databases live when no connection string is given.</summary>
public sealed class StorageOptions
{
    [Required]
    public string DataDirectory { get; set; } = ".data";
}
