using System.Text.Json;
using Gatehouse.Portal.Provisioning;
using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Apps;

/// <summary>
/// When each of an app's secrets last authenticated, as its environment reports it, or "unknown"
/// when the environment cannot say right now (ADR 0015).
/// </summary>
public sealed record SecretLastUseReport(bool Known, IReadOnlyDictionary<Guid, DateTimeOffset> LastUsed)
{
    public static readonly SecretLastUseReport Unknown = new(false, new Dictionary<Guid, DateTimeOffset>());

    public DateTimeOffset? For(Guid secretId) => LastUsed.TryGetValue(secretId, out var at) ? at : null;

    /// <summary>What the app page shows: a date, "Never", or "Unknown".</summary>
    public string Describe(Guid secretId) =>
        !Known ? "Unknown" : For(secretId) is { } at ? AppViews.Date(at) : "Never";
}

/// <summary>
/// Reads "last used" from the environment at the time a page or API response is built (the
/// environment is the one that sees client authentication), with a short timeout. Never throws: a
/// page must not fail because an environment is down.
/// </summary>
public sealed class SecretLastUse(
    PortalEnvironments environments,
    EnvironmentAdminClient admin,
    IOptions<ProvisioningOptions> options,
    ILogger<SecretLastUse> logger)
{
    public async Task<SecretLastUseReport> ForAsync(App app, CancellationToken cancellationToken)
    {
        if (environments.Find(app.EnvironmentKey) is not { } environment)
        {
            return SecretLastUseReport.Unknown;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(options.Value.LastUsedTimeoutMilliseconds));
        try
        {
            var state = await admin.GetClientAsync(environment, app.ClientId, timeout.Token);

            // No client there yet (not provisioned): none of its secrets can have been used.
            return new SecretLastUseReport(true, state?.Secrets.ToDictionary(s => s.SecretId, s => s.LastUsedAt) ?? []);
        }
        catch (Exception e) when (e is HttpRequestException or EnvironmentAdminException or JsonException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogDebug("Could not read secrets' last use for app {AppId} from {Environment}: {Error}", app.Id, app.EnvironmentKey, e.Message);
            return SecretLastUseReport.Unknown;
        }
    }

    /// <summary>Several apps at once (the list), in parallel, each with the same short timeout.</summary>
    public async Task<IReadOnlyDictionary<Guid, SecretLastUseReport>> ForAsync(IEnumerable<App> apps, CancellationToken cancellationToken)
    {
        var list = apps.ToList();
        var reports = await Task.WhenAll(list.Select(a => ForAsync(a, cancellationToken)));
        return list.Select((a, i) => (a.Id, reports[i])).ToDictionary(p => p.Id, p => p.Item2);
    }
}
