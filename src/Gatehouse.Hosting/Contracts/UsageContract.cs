namespace Gatehouse.Hosting.Contracts;

// GET /admin/v1/usage/summary: the environment aggregates its usage records for the portal's
// charts, so the portal never pulls raw rows (ADR 0014).

public static class UsageSummaryApi
{
    public const string Path = EnvironmentAdminApi.BasePath + "/usage/summary";

    /// <summary>The widest period one summary may cover.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(31);

    /// <summary>The most buckets one summary may have (keeps the response and the chart small).</summary>
    public const int MaxBuckets = 1000;

    /// <summary>How many of the latest calls a summary lists.</summary>
    public const int LatestCount = 25;

    /// <summary>How many operations the top list holds.</summary>
    public const int TopOperations = 10;

    /// <param name="clientId">null: every client (the platform-wide view).</param>
    public static string For(string? clientId, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket) =>
        $"{Path}?from={Uri.EscapeDataString(from.UtcDateTime.ToString("O"))}&to={Uri.EscapeDataString(to.UtcDateTime.ToString("O"))}&bucket={(long)bucket.TotalSeconds}"
        + (clientId is null ? "" : "&clientId=" + Uri.EscapeDataString(clientId));
}

/// <summary>
/// Calls in [<paramref name="From"/>, <paramref name="To"/>), in buckets of <paramref name="BucketSeconds"/>.
/// Latency percentiles are nearest-rank (the smallest recorded latency with at least p% of calls at or below it).
/// </summary>
public sealed record UsageSummary(
    DateTimeOffset From,
    DateTimeOffset To,
    int BucketSeconds,
    UsageCounts Totals,
    double? P50Ms,
    double? P95Ms,
    IReadOnlyList<UsageBucket> Buckets,
    IReadOnlyList<UsageOperation> Operations,
    IReadOnlyList<UsageGroup> Businesses,
    IReadOnlyList<UsageGroup> Clients,
    IReadOnlyList<UsageCall> Latest);

/// <summary>Counts by status class; <see cref="RateLimited"/> (429) is also counted in <see cref="ClientErrors"/>.</summary>
public sealed record UsageCounts(int Requests, int Successful, int ClientErrors, int ServerErrors, int RateLimited)
{
    public static readonly UsageCounts Zero = new(0, 0, 0, 0, 0);

    public int Errors => ClientErrors + ServerErrors;

    public UsageCounts Add(int status, int count) => new(
        Requests + count,
        Successful + (status < 400 ? count : 0),
        ClientErrors + (status is >= 400 and < 500 ? count : 0),
        ServerErrors + (status >= 500 ? count : 0),
        RateLimited + (status == 429 ? count : 0));
}

public sealed record UsageBucket(DateTimeOffset Start, UsageCounts Counts, double? P50Ms, double? P95Ms);

public sealed record UsageOperation(string Method, string Operation, UsageCounts Counts);

/// <summary>Calls per business code or per client id (<paramref name="Key"/> null: calls without one, e.g. a missing token).</summary>
public sealed record UsageGroup(string? Key, UsageCounts Counts);

public sealed record UsageCall(DateTimeOffset At, string? ClientId, string? BusinessCode, string Method, string Operation, int Status, double LatencyMs, string CorrelationId);
