using System.Diagnostics;
using System.Threading.Channels;
using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.PartnerApi;
using Gatehouse.Environment.Sandbox;
using Gatehouse.Hosting.Contracts;
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
/// one writer with short transactions it is.
/// </summary>
public sealed class UsageWriter(UsageRecorder recorder, IServiceScopeFactory scopes, ILogger<UsageWriter> logger) : BackgroundService
{
    public const int BatchSize = 200;

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

                await WriteAsync(batch, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Shutdown: drain what is still queued.
        recorder.Complete();
        while (recorder.Reader.TryRead(out var record))
        {
            batch.Add(record);
            if (batch.Count >= BatchSize)
            {
                await WriteAsync(batch, CancellationToken.None);
            }
        }

        await WriteAsync(batch, CancellationToken.None);
    }

    private async Task WriteAsync(List<UsageRecord> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<EnvironmentDbContext>();
            db.UsageRecords.AddRange(batch);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException)
        {
            // Usage is telemetry: losing a batch must never take the API down.
            logger.LogWarning(e, "Could not write {Count} usage records.", batch.Count);
        }
        finally
        {
            batch.Clear();
        }
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
                ClientId = http.User.ClientId(),
                BusinessCode = http.User.GetClaim(ClassClaims.BusinessCode),
                Method = http.Request.Method,
                Operation = operation,
                Status = http.Response.StatusCode,
                LatencyMs = time.GetElapsedTime(started).TotalMilliseconds,
                CorrelationId = correlationId,
            });
            return Task.CompletedTask;
        });
        return await next(context);
    }
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
