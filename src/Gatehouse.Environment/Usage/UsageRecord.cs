using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Environment.Usage;

/// <summary>One API call, for the portal's usage charts. Written in batches off the request path.</summary>
public sealed class UsageRecord
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>Unix milliseconds of <see cref="At"/>, the queryable form (SQLite cannot compare DateTimeOffset).</summary>
    public long AtUnixMs { get; set; }

    public string? ClientId { get; set; }

    public string? BusinessCode { get; set; }

    public string Method { get; set; } = "";

    /// <summary>The route template, e.g. <c>/api/1.0/b/{businessCode}/fund-data/fund-list</c>: no codes or ids.</summary>
    public string Operation { get; set; } = "";

    public int Status { get; set; }

    public double LatencyMs { get; set; }

    /// <summary>The W3C trace id, to find the call in logs and traces.</summary>
    public string CorrelationId { get; set; } = "";
}

internal sealed class UsageRecordConfiguration : IEntityTypeConfiguration<UsageRecord>
{
    public void Configure(EntityTypeBuilder<UsageRecord> builder)
    {
        builder.Property(r => r.ClientId).HasMaxLength(100);
        builder.Property(r => r.BusinessCode).HasMaxLength(32);
        builder.Property(r => r.Method).HasMaxLength(8);
        builder.Property(r => r.Operation).HasMaxLength(200);
        builder.Property(r => r.CorrelationId).HasMaxLength(64);
        builder.HasIndex(r => r.AtUnixMs);
    }
}
