using Gatehouse.Environment.Data;
using Gatehouse.Hosting.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Environment.Usage;

/// <summary>
/// Aggregates usage records for the portal's charts. Counts are grouped by the database (plain
/// GROUP BY on integer buckets, the same SQL on SQLite and PostgreSQL); latency percentiles are
/// picked while streaming latencies in order, so only one row is held at a time whatever the
/// volume, and no provider-specific percentile function is needed (SQLite has none).
/// </summary>
public sealed class UsageSummaries(EnvironmentDbContext db)
{
    public static Dictionary<string, string[]> Validate(DateTimeOffset from, DateTimeOffset to, long bucketSeconds)
    {
        var errors = new Dictionary<string, string[]>();
        if (to <= from)
        {
            errors["to"] = ["to must be after from."];
        }
        else if (to - from > UsageSummaryApi.MaxPeriod)
        {
            errors["from"] = [$"The period may be at most {UsageSummaryApi.MaxPeriod.TotalDays} days."];
        }

        if (bucketSeconds < 1)
        {
            errors["bucket"] = ["bucket is a whole number of seconds, at least 1."];
        }
        else if (to > from && Math.Ceiling((to - from).TotalSeconds / bucketSeconds) > UsageSummaryApi.MaxBuckets)
        {
            errors["bucket"] = [$"At most {UsageSummaryApi.MaxBuckets} buckets: pick a wider bucket."];
        }

        return errors;
    }

    public async Task<UsageSummary> SummariseAsync(string? clientId, DateTimeOffset from, DateTimeOffset to, long bucketSeconds, CancellationToken cancellationToken)
    {
        var fromMs = from.ToUnixTimeMilliseconds();
        var toMs = to.ToUnixTimeMilliseconds();
        var bucketMs = bucketSeconds * 1000;
        var bucketCount = (int)((toMs - fromMs + bucketMs - 1) / bucketMs);

        var records = db.UsageRecords.AsNoTracking().Where(r => r.AtUnixMs >= fromMs && r.AtUnixMs < toMs);
        if (!string.IsNullOrEmpty(clientId))
        {
            records = records.Where(r => r.ClientId == clientId);
        }

        var perBucket = await records
            .GroupBy(r => new { Bucket = (r.AtUnixMs - fromMs) / bucketMs, r.Status })
            .Select(g => new { g.Key.Bucket, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var perOperation = await records
            .GroupBy(r => new { r.Method, r.Operation, r.Status })
            .Select(g => new { g.Key.Method, g.Key.Operation, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var perBusiness = await records
            .GroupBy(r => new { r.BusinessCode, r.Status })
            .Select(g => new { g.Key.BusinessCode, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var perClient = await records
            .GroupBy(r => new { r.ClientId, r.Status })
            .Select(g => new { g.Key.ClientId, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);

        var counts = new UsageCounts[bucketCount];
        Array.Fill(counts, UsageCounts.Zero);
        var totals = UsageCounts.Zero;
        foreach (var row in perBucket)
        {
            counts[row.Bucket] = counts[row.Bucket].Add(row.Status, row.Count);
            totals = totals.Add(row.Status, row.Count);
        }

        // Per-bucket percentiles: latencies ordered by bucket then value; the ranks come from the counts above.
        var p50 = new double?[bucketCount];
        var p95 = new double?[bucketCount];
        long current = -1;
        var index = 0;
        await foreach (var row in records.OrderBy(r => (r.AtUnixMs - fromMs) / bucketMs).ThenBy(r => r.LatencyMs)
                           .Select(r => new { Bucket = (r.AtUnixMs - fromMs) / bucketMs, r.LatencyMs })
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (row.Bucket != current)
            {
                current = row.Bucket;
                index = 0;
            }

            index++;
            var n = counts[row.Bucket].Requests;
            if (index == Rank(0.50, n))
            {
                p50[row.Bucket] = row.LatencyMs;
            }

            if (index == Rank(0.95, n))
            {
                p95[row.Bucket] = row.LatencyMs;
            }
        }

        double? totalP50 = null, totalP95 = null;
        index = 0;
        await foreach (var latency in records.OrderBy(r => r.LatencyMs).Select(r => r.LatencyMs).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            index++;
            if (index == Rank(0.50, totals.Requests))
            {
                totalP50 = latency;
            }

            if (index == Rank(0.95, totals.Requests))
            {
                totalP95 = latency;
                break;
            }
        }

        var latest = await records.OrderByDescending(r => r.AtUnixMs).ThenByDescending(r => r.Id).Take(UsageSummaryApi.LatestCount)
            .Select(r => new UsageCall(r.At, r.ClientId, r.BusinessCode, r.Method, r.Operation, r.Status, r.LatencyMs, r.CorrelationId))
            .ToListAsync(cancellationToken);

        var operations = perOperation
            .GroupBy(r => (r.Method, r.Operation))
            .Select(g => new UsageOperation(g.Key.Method, g.Key.Operation, g.Aggregate(UsageCounts.Zero, (c, r) => c.Add(r.Status, r.Count))))
            .OrderByDescending(o => o.Counts.Requests).ThenBy(o => o.Operation, StringComparer.Ordinal).ThenBy(o => o.Method, StringComparer.Ordinal)
            .Take(UsageSummaryApi.TopOperations)
            .ToList();

        return new UsageSummary(
            DateTimeOffset.FromUnixTimeMilliseconds(fromMs),
            DateTimeOffset.FromUnixTimeMilliseconds(toMs),
            (int)bucketSeconds,
            totals,
            totalP50,
            totalP95,
            [.. counts.Select((c, i) => new UsageBucket(DateTimeOffset.FromUnixTimeMilliseconds(fromMs + (i * bucketMs)), c, p50[i], p95[i]))],
            operations,
            Groups(perBusiness.Select(r => (r.BusinessCode, r.Status, r.Count))),
            Groups(perClient.Select(r => (r.ClientId, r.Status, r.Count))),
            latest);
    }

    /// <summary>Nearest rank (1-based): the smallest index with at least p·n values at or below it.</summary>
    public static int Rank(double p, int n) => n == 0 ? 0 : Math.Max(1, (int)Math.Ceiling(p * n));

    private static List<UsageGroup> Groups(IEnumerable<(string? Key, int Status, int Count)> rows) =>
    [
        .. rows.GroupBy(r => r.Key)
            .Select(g => new UsageGroup(g.Key, g.Aggregate(UsageCounts.Zero, (c, r) => c.Add(r.Status, r.Count))))
            .OrderByDescending(g => g.Counts.Requests).ThenBy(g => g.Key, StringComparer.Ordinal),
    ];
}
