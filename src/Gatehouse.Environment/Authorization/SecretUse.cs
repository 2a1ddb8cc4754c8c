using System.Collections.Concurrent;
using System.Threading.Channels;
using Gatehouse.Environment.Data;
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

/// <summary>One writer (SQLite prefers it, docs/stack-notes.md) that upserts queued uses; whatever is queued at shutdown is flushed.</summary>
public sealed class SecretUseWriter(SecretUseRecorder recorder, IServiceScopeFactory scopes, ILogger<SecretUseWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await recorder.Reader.WaitToReadAsync(stoppingToken))
            {
                await WriteQueuedAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        recorder.Complete();
        await WriteQueuedAsync();
    }

    private async Task WriteQueuedAsync()
    {
        var batch = new Dictionary<(string, Guid), SecretUse>();
        while (batch.Count < 500 && recorder.Reader.TryRead(out var use))
        {
            batch[(use.ClientId, use.SecretId)] = use;
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<EnvironmentDbContext>();
            var clientIds = batch.Keys.Select(k => k.Item1).Distinct().ToList();
            var existing = await db.Set<SecretUse>().Where(u => clientIds.Contains(u.ClientId)).ToListAsync();
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
                    db.Add(use);
                }
            }

            await db.SaveChangesAsync();
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException)
        {
            // "Last used" is information for the developer: losing one write must never break authentication.
            logger.LogWarning(e, "Could not record the last use of {Count} client secrets.", batch.Count);
        }
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
