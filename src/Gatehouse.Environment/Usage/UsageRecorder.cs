using System.Diagnostics;
using System.Threading.Channels;
using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.PartnerApi;
using Gatehouse.Environment.Sandbox;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Environment.Usage;

/// <summary>
/// Takes usage records from requests without waiting for the database: a bounded channel that
/// drops the oldest record rather than slow an API call when the writer falls behind.
/// </summary>
public sealed class UsageRecorder
{
    private readonly Channel<UsageRecord> channel = Channel.CreateBounded<UsageRecord>(
        new BoundedChannelOptions(50_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public ChannelReader<UsageRecord> Reader => channel.Reader;

    public void Record(UsageRecord record) => channel.Writer.TryWrite(record);

    public void Complete() => channel.Writer.TryComplete();
}

/// <summary>
/// Writes usage records in batches (up to 200, or whatever arrived within a second), and flushes
/// what is left when the host stops. SQLite suffers under many concurrent writers (docs/stack-notes.md), so
/// one writer with short transactions it is. A stalled or unreachable store never stops it
/// (docs/security-checklist.md ST1): the batch is kept and written again after a backoff, while new
/// records wait in the channel, so nothing queued is lost to an outage.
/// </summary>
public sealed class UsageWriter(UsageRecorder recorder, IServiceScopeFactory scopes, TimeProvider time, ILogger<UsageWriter> logger) : BackgroundService
{
    public const int BatchSize = 200;

    private readonly StoreBackoff backoff = new(time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<UsageRecord>(BatchSize);
        try
        {
            while (await recorder.Reader.WaitToReadAsync(stoppingToken))
            {
                using var window = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                window.CancelAfter(TimeSpan.FromSeconds(1));
                try
                {
                    while (batch.Count < BatchSize && await recorder.Reader.WaitToReadAsync(window.Token))
                    {
                        while (batch.Count < BatchSize && recorder.Reader.TryRead(out var record))
                        {
                            batch.Add(record);
                        }
                    }
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The second is up: write what we have.
                }

                if (!await WriteAsync(batch, stoppingToken))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Shutdown: drain what is still queued, one attempt per batch (the host is going away).
        recorder.Complete();
        var rest = new List<UsageRecord>(batch);
        batch.Clear();
        while (recorder.Reader.TryRead(out var record))
        {
            rest.Add(record);
        }

        var written = 0;
        foreach (var chunk in rest.Chunk(BatchSize))
        {
            batch.AddRange(chunk);
            if (!await WriteAsync(batch, stoppingToken))
            {
                logger.LogError("Stopped with the usage store unavailable: {Count} usage records not written.", rest.Count - written);
                return;
            }

            written += chunk.Length;
        }
    }

    /// <summary>Writes the batch, retrying while the store is unavailable. False: the host stops and the batch is not written.</summary>
    private async Task<bool> WriteAsync(List<UsageRecord> batch, CancellationToken stoppingToken)
    {
        while (batch.Count > 0)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<EnvironmentDbContext>();
                db.UsageRecords.AddRange(batch);
                await db.SaveChangesAsync(CancellationToken.None);
                if (backoff.Failures > 0)
                {
                    logger.LogInformation("Usage store back after {Failures} failed attempt(s); {Count} records written.", backoff.Failures, batch.Count);
                }

                backoff.Succeeded();
                batch.Clear();
            }
            catch (Exception e) when (StoreErrors.IsUnavailable(e))
            {
                logger.LogWarning(e, "Usage store unavailable; keeping {Count} records to write again.", batch.Count);
                foreach (var record in batch)
                {
                    record.Id = 0; // the failed attempt may have left generated keys on the entities
                }

                if (!await backoff.WaitAsync(stoppingToken))
                {
                    return false;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Not an outage (a record the store refuses): writing it again would fail forever.
                logger.LogError(e, "Could not write {Count} usage records; dropped.", batch.Count);
                batch.Clear();
            }
        }

        return true;
    }
}

/// <summary>The outermost Partner API filter: records every call, whatever its outcome, once the response is done.</summary>
public sealed class UsageFilter(UsageRecorder recorder, TimeProvider time) : IEndpointFilter
{
    public const string CorrelationHeader = "X-Correlation-Id";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var started = time.GetTimestamp();
        var at = time.GetUtcNow();
        // The caller can quote this id to support; it is the one the usage record and the logs carry.
        var correlationId = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
        http.Response.Headers[CorrelationHeader] = correlationId;
        http.Response.OnCompleted(() =>
        {
            var operation = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "";
            recorder.Record(new UsageRecord
            {
                At = at,
                AtUnixMs = at.ToUnixTimeMilliseconds(),
                // Cut to the columns' lengths: a record the store refuses would be dropped with its batch.
                ClientId = Fit(http.User.ClientId(), 100),
                BusinessCode = Fit(http.User.GetClaim(ClassClaims.BusinessCode), 32),
                Method = Fit(http.Request.Method, 8)!,
                Operation = Fit(operation, 200)!,
                Status = http.Response.StatusCode,
                LatencyMs = time.GetElapsedTime(started).TotalMilliseconds,
                CorrelationId = correlationId,
            });
            return Task.CompletedTask;
        });
        return await next(context);
    }

    private static string? Fit(string? value, int length) => value is { Length: var n } && n > length ? value[..length] : value;
}

public sealed record UsageRecordView(DateTimeOffset At, string? ClientId, string? BusinessCode, string Method, string Operation, int Status, double LatencyMs, string CorrelationId);

public static class UsageRegistration
{
    public static IServiceCollection AddUsageRecording(this IServiceCollection services)
    {
        services.AddSingleton<UsageRecorder>();
        services.AddSingleton<UsageFilter>();
        services.AddHostedService<UsageWriter>();
        services.AddScoped<UsageSummaries>();
        return services;
    }

    /// <summary>GET <c>/admin/v1/usage?since=ISO-8601[&amp;clientId=][&amp;limit=]</c>: records oldest first, at most 5,000 per page.</summary>
    public static IEndpointRouteBuilder MapUsageAdmin(this IEndpointRouteBuilder endpoints, EnvironmentEndpoint environment)
    {
        endpoints.MapAdminGroup(environment).MapGet("/usage/summary", SummaryAsync);
        endpoints.MapAdminGroup(environment).MapGet("/usage", async (
            [FromQuery] DateTimeOffset? since, [FromQuery] string? clientId, [FromQuery] int? limit, EnvironmentDbContext db, CancellationToken cancellationToken) =>
        {
            var from = (since ?? DateTimeOffset.UnixEpoch).ToUnixTimeMilliseconds();
            var query = db.UsageRecords.AsNoTracking().Where(r => r.AtUnixMs >= from);
            if (!string.IsNullOrWhiteSpace(clientId))
            {
                query = query.Where(r => r.ClientId == clientId);
            }

            var records = await query.OrderBy(r => r.AtUnixMs).ThenBy(r => r.Id).Take(Math.Clamp(limit ?? 5000, 1, 5000))
                .Select(r => new UsageRecordView(r.At, r.ClientId, r.BusinessCode, r.Method, r.Operation, r.Status, r.LatencyMs, r.CorrelationId))
                .ToListAsync(cancellationToken);
            return TypedResults.Ok(records);
        });
        return endpoints;
    }

    /// <summary>
    /// GET <c>/admin/v1/usage/summary?from=&amp;to=&amp;bucket=SECONDS[&amp;clientId=]</c>: counts, latency
    /// percentiles, top operations, per-business and per-client breakdowns and the latest calls.
    /// Defaults: the last 24 hours, in hours.
    /// </summary>
    private static async Task<Results<Ok<UsageSummary>, ValidationProblem>> SummaryAsync(
        [FromQuery] DateTimeOffset? from, [FromQuery] DateTimeOffset? to, [FromQuery] long? bucket, [FromQuery] string? clientId,
        UsageSummaries summaries, TimeProvider time, CancellationToken cancellationToken)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddHours(-24);
        var bucketSeconds = bucket ?? 3600;
        var errors = UsageSummaries.Validate(start, end, bucketSeconds);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await summaries.SummariseAsync(string.IsNullOrWhiteSpace(clientId) ? null : clientId, start, end, bucketSeconds, cancellationToken));
    }
}
