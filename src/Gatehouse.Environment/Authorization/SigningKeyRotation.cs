using System.Security.Cryptography;
using Gatehouse.Environment.Data;
using Gatehouse.Hosting.Contracts;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Validation;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// What this node loaded into OpenIddict, and when that stops being true: at the next key's
/// activation, or when another node published or retired a key. Dropping the cached server and
/// validation options makes OpenIddict build them again from the database on the next request
/// (<see cref="EnvironmentKeyLoader"/>); requests in flight keep the options they started with.
/// </summary>
public sealed class SigningKeyRing(IOptionsMonitorCache<OpenIddictServerOptions> server, IOptionsMonitorCache<OpenIddictValidationOptions> validation, TimeProvider time)
{
    private volatile State state = new("", null);

    /// <summary>How often a node looks for keys another node published or retired (the KR2 bound).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMinutes(1);

    /// <summary>The key that signs now: the latest activation not in the future; among first keys, the oldest.</summary>
    public static EnvironmentKey Current(IEnumerable<EnvironmentKey> signing, DateTimeOffset now) =>
        signing.Where(k => k.Activation <= now)
            .OrderByDescending(k => k.Activation)
            .ThenBy(k => k.CreatedAt)
            .ThenBy(k => k.KeyId, StringComparer.Ordinal)
            .First();

    internal void Loaded(IReadOnlyCollection<EnvironmentKey> signing, DateTimeOffset now)
    {
        var next = signing.Where(k => k.Activation > now).Select(k => (DateTimeOffset?)k.Activation).Min();
        state = new State(Fingerprint(signing), next);
    }

    /// <summary>Drops the options if the next key's activation has come (checked on every request: a comparison).</summary>
    public void ReloadIfActivationPassed()
    {
        if (state.NextActivation is { } next && next <= time.GetUtcNow())
        {
            Reload();
        }
    }

    /// <summary>Drops the options if the keys in the database are not the ones loaded (another node rotated).</summary>
    public async Task ReloadIfChangedAsync(EnvironmentDbContext db, CancellationToken cancellationToken)
    {
        // Only what identifies the ring, not the (protected) key material: this runs every minute.
        var keys = await db.EnvironmentKeys.AsNoTracking().Where(k => k.Use == EnvironmentKey.Signing)
            .Select(k => new EnvironmentKey { KeyId = k.KeyId, ActivatesAt = k.ActivatesAt }).ToListAsync(cancellationToken);
        if (Fingerprint(keys) != state.Fingerprint)
        {
            Reload();
        }
    }

    public void Reload()
    {
        state = new State(state.Fingerprint, null);
        server.TryRemove(Options.DefaultName);
        validation.TryRemove(Options.DefaultName);
    }

    private static string Fingerprint(IEnumerable<EnvironmentKey> keys) =>
        string.Join(',', keys.OrderBy(k => k.KeyId, StringComparer.Ordinal).Select(k => $"{k.KeyId}@{k.ActivatesAt?.ToUnixTimeMilliseconds()}"));

    private sealed record State(string Fingerprint, DateTimeOffset? NextActivation);
}

/// <summary>Looks for keys published or retired on another node, every <see cref="SigningKeyRing.PollInterval"/>.</summary>
public sealed class SigningKeyWatcher(IServiceScopeFactory scopes, SigningKeyRing ring, TimeProvider time, ILogger<SigningKeyWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SigningKeyRing.PollInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await ring.ReloadIfChangedAsync(scope.ServiceProvider.GetRequiredService<EnvironmentDbContext>(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The store is down: keep the keys loaded; the next tick tries again.
                logger.LogWarning(e, "Could not check the signing keys");
            }
        }
    }
}

/// <summary>
/// Publishing, listing and retiring signing keys (ADR 0019). A new key is published ahead of its
/// activation; a previous key may be retired once nothing it signed can still be valid (the refresh
/// token lifetime after it stopped signing), or at once in an emergency, which ends every token it
/// signed (docs/security-checklist.md KR1, KR2).
/// </summary>
public sealed class SigningKeys(EnvironmentDbContext db, IDataProtectionProvider protection, SigningKeyRing ring, TimeProvider time)
{
    /// <summary>The default notice relying parties get between publication and activation.</summary>
    public static readonly TimeSpan DefaultPublishAhead = TimeSpan.FromDays(1);

    /// <summary>How long a key that stopped signing stays published: the longest token it signed (refresh, 30 days).</summary>
    public static readonly TimeSpan RetireAfter = ClassPrincipalFactory.RefreshTokenLifetime;

    public async Task<IReadOnlyList<SigningKeyView>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = await db.EnvironmentKeys.AsNoTracking().Where(k => k.Use == EnvironmentKey.Signing).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var current = SigningKeyRing.Current(keys, now);
        return [.. keys.OrderByDescending(k => k.Activation).ThenBy(k => k.CreatedAt).Select(k => View(k, current, keys, now))];
    }

    public async Task<SigningKeyView> PublishAsync(DateTimeOffset? activatesAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        using var rsa = RSA.Create(2048);
        var key = EnvironmentKeyLoader.New(EnvironmentKey.Signing, protection.CreateProtector(EnvironmentKeyLoader.Purpose),
            rsa.ExportPkcs8PrivateKey(), now, activatesAt ?? now + DefaultPublishAhead);
        db.EnvironmentKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        ring.Reload();
        return (await ListAsync(cancellationToken)).Single(k => k.KeyId == key.KeyId);
    }

    public async Task<RetireOutcome> RetireAsync(string keyId, bool emergency, CancellationToken cancellationToken)
    {
        var keys = await db.EnvironmentKeys.Where(k => k.Use == EnvironmentKey.Signing).ToListAsync(cancellationToken);
        if (keys.SingleOrDefault(k => k.KeyId == keyId) is not { } key)
        {
            return RetireOutcome.NotFound;
        }

        var now = time.GetUtcNow();
        var view = View(key, SigningKeyRing.Current(keys, now), keys, now);
        if (view.Status == SigningKeyView.CurrentStatus)
        {
            return RetireOutcome.SigningNow;
        }

        if (view.RetirableAt > now && !emergency)
        {
            return RetireOutcome.TooEarly;
        }

        db.EnvironmentKeys.Remove(key);
        await db.SaveChangesAsync(cancellationToken);
        ring.Reload();
        return RetireOutcome.Retired;
    }

    private static SigningKeyView View(EnvironmentKey key, EnvironmentKey current, IReadOnlyList<EnvironmentKey> keys, DateTimeOffset now)
    {
        if (key.Id == current.Id)
        {
            return new(key.KeyId, key.CreatedAt, key.ActivatesAt, SigningKeyView.CurrentStatus, null);
        }

        if (key.Activation > now)
        {
            return new(key.KeyId, key.CreatedAt, key.ActivatesAt, SigningKeyView.NextStatus, now);
        }

        // It stopped signing when the first key activated after it took over.
        var supersededAt = keys.Where(k => k.Activation > key.Activation && k.Activation <= now).Min(k => k.Activation);
        return new(key.KeyId, key.CreatedAt, key.ActivatesAt, SigningKeyView.PreviousStatus, supersededAt + RetireAfter);
    }

    public enum RetireOutcome
    {
        Retired,
        NotFound,
        SigningNow,
        TooEarly,
    }
}

public static class SigningKeyEndpoints
{
    public static IServiceCollection AddSigningKeyRotation(this IServiceCollection services)
    {
        services.AddSingleton<SigningKeyRing>();
        services.AddScoped<SigningKeys>();
        services.AddHostedService<SigningKeyWatcher>();
        return services;
    }

    /// <summary>Before OpenIddict reads its options: switch to the next key once its activation has come.</summary>
    public static IApplicationBuilder UseSigningKeyActivation(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.RequestServices.GetRequiredService<SigningKeyRing>().ReloadIfActivationPassed();
            return next(context);
        });

    public static RouteGroupBuilder MapSigningKeys(this RouteGroupBuilder admin)
    {
        admin.MapGet("/signing-keys", async (SigningKeys keys, CancellationToken ct) => TypedResults.Ok(await keys.ListAsync(ct)));
        admin.MapPost("/signing-keys", async Task<Results<Created<SigningKeyView>, ValidationProblem>> (SigningKeyRequest? request, SigningKeys keys, TimeProvider time, CancellationToken ct) =>
        {
            if (request?.ActivatesAt is { } at && at < time.GetUtcNow())
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    [nameof(SigningKeyRequest.ActivatesAt)] = ["The activation must not be in the past: relying parties need the key in the JWKS before tokens carry it."],
                });
            }

            var key = await keys.PublishAsync(request?.ActivatesAt, ct);
            return TypedResults.Created(EnvironmentAdminApi.SigningKey(key.KeyId), key);
        });
        admin.MapDelete("/signing-keys/{keyId}", async Task<Results<NoContent, NotFound, ProblemHttpResult>> (string keyId, bool? emergency, SigningKeys keys, CancellationToken ct) =>
            await keys.RetireAsync(keyId, emergency == true, ct) switch
            {
                SigningKeys.RetireOutcome.Retired => TypedResults.NoContent(),
                SigningKeys.RetireOutcome.NotFound => TypedResults.NotFound(),
                SigningKeys.RetireOutcome.SigningNow => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                    title: "This key signs tokens now.", detail: "Publish a new key and retire this one after the new one has taken over."),
                _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                    title: "Tokens this key signed may still be valid.",
                    detail: "Retire it once its retirable date has passed, or with ?emergency=true to end every token it signed now."),
            });
        return admin;
    }
}
