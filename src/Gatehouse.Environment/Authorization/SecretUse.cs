using System.Collections.Concurrent;
using System.Threading.Channels;
using Gatehouse.Environment.Data;
using Gatehouse.Hosting.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// When a client secret last authenticated its client, keyed by the secret's id (the portal's
/// <see cref="Gatehouse.Hosting.Contracts.ClientSecretHash.Id"/>, never the secret or its hash), so
/// the portal can show "last used" per secret (ADR 0015).
/// </summary>
public sealed class SecretUse
{
    public required string ClientId { get; set; }

    public Guid SecretId { get; set; }

    public DateTimeOffset LastUsedAt { get; set; }
}

internal sealed class SecretUseConfiguration : IEntityTypeConfiguration<SecretUse>
{
    public void Configure(EntityTypeBuilder<SecretUse> builder)
    {
        builder.ToTable("ClientSecretUses");
        builder.HasKey(u => new { u.ClientId, u.SecretId });
        builder.Property(u => u.ClientId).HasMaxLength(100);
    }
}

/// <summary>
/// Takes "secret S of client C authenticated now" from the token, introspection and revocation
/// endpoints without touching the database: at most one write per secret per
/// <see cref="Throttle"/> is queued (a busy client would otherwise write on every token request),
/// and a full queue drops the oldest, so recording can never slow client authentication down.
/// </summary>
public sealed class SecretUseRecorder(TimeProvider time)
{
    public static readonly TimeSpan Throttle = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string ClientId, Guid SecretId), DateTimeOffset> lastQueued = new();

    private readonly Channel<SecretUse> channel = Channel.CreateBounded<SecretUse>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public ChannelReader<SecretUse> Reader => channel.Reader;

    /// <summary>Queues a write unless this secret's use was queued less than <see cref="Throttle"/> ago; true when queued.</summary>
    public bool Record(string clientId, Guid secretId)
    {
        var now = time.GetUtcNow();
        var key = (clientId, secretId);
        if (lastQueued.TryGetValue(key, out var last) && now - last < Throttle)
        {
            return false;
        }

        lastQueued[key] = now;
        return channel.Writer.TryWrite(new SecretUse { ClientId = clientId, SecretId = secretId, LastUsedAt = now });
    }

    /// <summary>Forget a client's throttle entries (it was deleted), so the dictionary does not grow forever.</summary>
    public void Forget(string clientId)
    {
        foreach (var key in lastQueued.Keys.Where(k => k.ClientId == clientId))
        {
            lastQueued.TryRemove(key, out _);
        }
    }

    public void Complete() => channel.Writer.TryComplete();
}

/// <summary>
/// One writer (SQLite prefers it, docs/stack-notes.md) that upserts queued uses; whatever is queued at
/// shutdown is flushed. A stalled store never stops it (docs/security-checklist.md ST1): the batch is
/// kept and written again after a backoff.
/// </summary>
public sealed class SecretUseWriter(SecretUseRecorder recorder, IServiceScopeFactory scopes, TimeProvider time, ILogger<SecretUseWriter> logger) : BackgroundService
{
    private readonly StoreBackoff backoff = new(time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new Dictionary<(string, Guid), SecretUse>();
        try
        {
            while (await recorder.Reader.WaitToReadAsync(stoppingToken))
            {
                Take(batch);
                if (!await WriteAsync(batch, stoppingToken))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        recorder.Complete();
        do
        {
            Take(batch);
        }
        while (batch.Count > 0 && await WriteAsync(batch, stoppingToken));
    }

    private void Take(Dictionary<(string, Guid), SecretUse> batch)
    {
        while (batch.Count < 500 && recorder.Reader.TryRead(out var use))
        {
            // A later use of the same secret replaces an earlier one still waiting.
            if (!batch.TryGetValue((use.ClientId, use.SecretId), out var queued) || use.LastUsedAt > queued.LastUsedAt)
            {
                batch[(use.ClientId, use.SecretId)] = use;
            }
        }
    }

    /// <summary>Writes the batch, retrying while the store is unavailable. False: the host stops and the batch is not written.</summary>
    private async Task<bool> WriteAsync(Dictionary<(string, Guid), SecretUse> batch, CancellationToken stoppingToken)
    {
        while (batch.Count > 0)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<EnvironmentDbContext>();
                var clientIds = batch.Keys.Select(k => k.Item1).Distinct().ToList();
                var existing = await db.Set<SecretUse>().Where(u => clientIds.Contains(u.ClientId)).ToListAsync(CancellationToken.None);
                foreach (var use in batch.Values)
                {
                    if (existing.FirstOrDefault(e => e.ClientId == use.ClientId && e.SecretId == use.SecretId) is { } row)
                    {
                        if (use.LastUsedAt > row.LastUsedAt)
                        {
                            row.LastUsedAt = use.LastUsedAt;
                        }
                    }
                    else
                    {
                        // A fresh entity per attempt: a failed attempt's context is gone with its scope.
                        db.Add(new SecretUse { ClientId = use.ClientId, SecretId = use.SecretId, LastUsedAt = use.LastUsedAt });
                    }
                }

                await db.SaveChangesAsync(CancellationToken.None);
                backoff.Succeeded();
                batch.Clear();
            }
            catch (Exception e) when (StoreErrors.IsUnavailable(e))
            {
                logger.LogWarning(e, "Store unavailable; keeping the last use of {Count} client secrets to write again.", batch.Count);
                if (!await backoff.WaitAsync(stoppingToken))
                {
                    logger.LogError("Stopped with the store unavailable: the last use of {Count} client secrets not written.", batch.Count);
                    return false;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // "Last used" is information for the developer: a write the store refuses is dropped, never retried forever.
                logger.LogWarning(e, "Could not record the last use of {Count} client secrets.", batch.Count);
                batch.Clear();
            }
        }

        return true;
    }
}

public static class SecretUseRegistration
{
    public static IServiceCollection AddSecretUseRecording(this IServiceCollection services)
    {
        services.AddSingleton<SecretUseRecorder>();
        services.AddHostedService<SecretUseWriter>();
        return services;
    }
}
