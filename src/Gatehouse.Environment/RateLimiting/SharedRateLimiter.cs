using System.Data.Common;
using Gatehouse.Environment.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Environment.RateLimiting;

/// <summary>One client's fixed window for one product, shared by every node on the environment database.</summary>
public sealed class RateLimitWindow
{
    public string Product { get; set; } = "";

    public string ClientId { get; set; } = "";

    /// <summary>When the window opened (the client's first call in it), Unix milliseconds.</summary>
    public long WindowStartUnixMs { get; set; }

    /// <summary>Calls in the window, refused ones included.</summary>
    public int Count { get; set; }
}

internal sealed class RateLimitWindowConfiguration : IEntityTypeConfiguration<RateLimitWindow>
{
    public void Configure(EntityTypeBuilder<RateLimitWindow> builder)
    {
        builder.ToTable("RateLimitWindows");
        builder.HasKey(w => new { w.Product, w.ClientId });
        builder.Property(w => w.Product).HasMaxLength(64);
        builder.Property(w => w.ClientId).HasMaxLength(100);
    }
}

/// <summary>
/// The fixed window of <see cref="ClassRateLimiter"/>, kept in the environment database so that the
/// limit holds across nodes (ADR 0016): one atomic upsert-increment per call, the same SQL on SQLite
/// (3.35+) and PostgreSQL. The row either opens a new window (the old one ended) or counts one more
/// call in the current one; both sides of SET see the old row, so the two CASEs agree.
/// </summary>
public sealed class SharedRateLimiter(TimeProvider time)
{
    private const string Upsert = """
        INSERT INTO "RateLimitWindows" ("Product", "ClientId", "WindowStartUnixMs", "Count")
        VALUES (@product, @client, @now, 1)
        ON CONFLICT ("Product", "ClientId") DO UPDATE SET
            "Count" = CASE WHEN "RateLimitWindows"."WindowStartUnixMs" + @window <= excluded."WindowStartUnixMs" THEN 1 ELSE "RateLimitWindows"."Count" + 1 END,
            "WindowStartUnixMs" = CASE WHEN "RateLimitWindows"."WindowStartUnixMs" + @window <= excluded."WindowStartUnixMs" THEN excluded."WindowStartUnixMs" ELSE "RateLimitWindows"."WindowStartUnixMs" END
        RETURNING "WindowStartUnixMs", "Count"
        """;

    public async Task<RateLimitDecision> AcquireAsync(EnvironmentDbContext db, string product, string clientId, int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var windowMs = (long)ClassRateLimiter.Window.TotalMilliseconds;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Upsert;
            Add(command, "@product", product);
            Add(command, "@client", clientId);
            Add(command, "@now", now);
            Add(command, "@window", windowMs);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var start = reader.GetInt64(0);
            var count = reader.GetInt32(1);
            var resetAfter = (int)Math.Ceiling((start + windowMs - now) / 1000.0);
            return new RateLimitDecision(count <= limit, limit, Math.Max(0, limit - count), Math.Clamp(resetAfter, 0, 60));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
