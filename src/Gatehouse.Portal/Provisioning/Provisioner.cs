using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Portal.Apps;
using Gatehouse.Portal.Catalogue;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Provisioning;

/// <summary>
/// Pushes the portal's desired state (apps as OAuth clients, organisations' sandboxes) to the
/// environments with idempotent PUTs. Best effort: a failure is recorded on the row and retried by
/// <see cref="ProvisioningWorker"/>; it never throws into a page request or loses the app.
/// </summary>
public sealed class Provisioner(
    PortalDbContext db,
    PortalEnvironments environments,
    EnvironmentAdminClient admin,
    OrganisationMembership membership,
    TimeProvider clock,
    ILogger<Provisioner> logger,
    LogoFetcher logos,
    Microsoft.Extensions.Options.IOptions<ProvisioningOptions> options)
{
    public const string WaitingForSandbox = "waiting for the organisation's PIE sandbox business to be created.";

    /// <summary>
    /// Retries every sandbox, every app whose push is pending and due (backoff), and every deletion
    /// not yet confirmed: an app whose sync failed waits for its next change (ADR 0022).
    /// </summary>
    public async Task SyncPendingAsync(CancellationToken cancellationToken)
    {
        if (environments.Sandbox is not null)
        {
            var organisations = await db.Organisations.AsNoTracking()
                .Where(o => o.SandboxBusinessCode == null)
                .OrderBy(o => o.Id)
                .Select(o => o.Id).Take(100).ToListAsync(cancellationToken);
            foreach (var id in organisations)
            {
                await SyncSandboxAsync(id, cancellationToken);
            }
        }

        // NextSyncAt is compared here, not in SQL: SQLite cannot compare DateTimeOffset values.
        var now = clock.GetUtcNow();
        var apps = await db.Apps.AsNoTracking()
            .Where(a => a.SyncState == SyncState.Pending || (a.DeletedAt != null && a.SyncState != SyncState.Synced))
            .OrderBy(a => a.Id)
            .Select(a => new { a.Id, a.NextSyncAt }).Take(100).ToListAsync(cancellationToken);
        foreach (var app in apps.Where(a => a.NextSyncAt is not { } next || next <= now))
        {
            await SyncAppAsync(app.Id, cancellationToken);
        }
    }

    /// <summary>Makes sure the organisation's sandbox business exists; returns its business code once it does.</summary>
    public async Task<string?> SyncSandboxAsync(Guid organisationId, CancellationToken cancellationToken)
    {
        if (environments.Sandbox is not { } sandbox)
        {
            return null;
        }

        var organisation = await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == organisationId, cancellationToken);
        if (organisation is null || organisation.SandboxBusinessCode is not null)
        {
            return organisation?.SandboxBusinessCode;
        }

        var users = membership.SandboxUsersOf(organisation);
        var request = new SandboxRequest(organisation.Name, users.ApiUserName, users.ApiUserPassword, users.AccessControllerUserName, users.AccessControllerPassword);
        var (result, error) = await CallAsync(sandbox.Value, organisation.SandboxLastError, () => admin.PutSandboxAsync(sandbox.Value, organisation.Id, request, cancellationToken), cancellationToken);
        var now = clock.GetUtcNow();
        if (result is null)
        {
            await db.Organisations.Where(o => o.Id == organisationId)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.SandboxLastError, error), cancellationToken);
            return null;
        }

        await db.Organisations.Where(o => o.Id == organisationId)
            .ExecuteUpdateAsync(
                s => s.SetProperty(o => o.SandboxBusinessCode, result.BusinessCode)
                    .SetProperty(o => o.SandboxBusinessName, result.BusinessName)
                    .SetProperty(o => o.SandboxFundCount, result.FundCount)
                    .SetProperty(o => o.SandboxProvisionedAt, now)
                    .SetProperty(o => o.SandboxLastError, (string?)null),
                cancellationToken);
        logger.LogInformation("Sandbox business {BusinessCode} provisioned for organisation {OrganisationId}", result.BusinessCode, organisationId);
        return result.BusinessCode;
    }

    /// <summary>Pushes one app as an OAuth client to its environment and records the outcome.</summary>
    public Task SyncAppAsync(Guid appId, CancellationToken cancellationToken) => SyncAppAsync(appId, supersededPushes: 0, cancellationToken);

    private async Task SyncAppAsync(Guid appId, int supersededPushes, CancellationToken cancellationToken)
    {
        var app = await db.Apps.AsNoTracking().Include(a => a.Secrets).Include(a => a.RedirectUris)
            .SingleOrDefaultAsync(a => a.Id == appId, cancellationToken);
        if (app is null)
        {
            return;
        }

        var environment = environments.Find(app.EnvironmentKey);
        if (environment is null)
        {
            await RecordAsync(app, SyncState.Failed, $"environment '{app.EnvironmentKey}' is not configured.", cancellationToken);
            return;
        }

        if (app.DeletedAt is not null)
        {
            // The tombstone goes only once the environment confirms the client (and its tokens) are gone.
            var (deleted, deleteError) = await CallAsync(environment, app.LastSyncError, () => admin.DeleteClientAsync(environment, app.ClientId, cancellationToken), cancellationToken);
            if (deleted is null)
            {
                await RecordFailureAsync(app, deleteError!, cancellationToken);
            }
            else
            {
                await db.Apps.Where(a => a.Id == app.Id && a.Revision == app.Revision).ExecuteDeleteAsync(cancellationToken);
            }

            return;
        }

        var organisation = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == app.OrganisationId, cancellationToken);
        string? businessCode = null;
        if (environment.IsSandbox)
        {
            businessCode = organisation.SandboxBusinessCode ?? await SyncSandboxAsync(organisation.Id, cancellationToken);
            // A Client (single-tenant) app's tokens are bound to the organisation's business, so
            // it cannot exist in PIE before the sandbox business does.
            if (businessCode is null && app.AppType == AppTypes.Client)
            {
                await RecordAsync(app, SyncState.Pending, WaitingForSandbox, cancellationToken);
                return;
            }
        }

        var products = await db.ApiProducts.AsNoTracking().Where(p => app.ProductCodes.Contains(p.Code)).ToListAsync(cancellationToken);
        var descriptor = new ClientDescriptor(
            app.Name,
            app.AppType,
            organisation.Id,
            organisation.Name,
            businessCode,
            DesiredSecrets(app),
            CatalogueSeed.ScopesFor(products),
            // Exactly the strings the developer typed; Production ones only once approved.
            RedirectUris: [.. app.RedirectUris.Where(u => u.Status == RedirectUriStatus.Approved).OrderBy(u => u.CreatedAt).Select(u => u.Uri)],
            // Not approved (or suspended): the client exists but every credential gets invalid_client.
            Enabled: app.Status == AppStatus.Active,
            // The consent page shows the logo from these bytes, never from the developer's host (ADR 0012).
            LogoDataUri: await logos.DataUriAsync(app.LogoUrl, cancellationToken),
            // The environment refuses a revision older than the one it holds (docs/security-checklist.md PO2).
            Revision: app.Revision);

        var name = string.IsNullOrEmpty(environment.DisplayName) ? environment.Url : environment.DisplayName;
        try
        {
            var (result, error) = await CallAsync(environment, app.LastSyncError, () => admin.PutClientAsync(environment, app.ClientId, descriptor, cancellationToken), cancellationToken);
            if (result is null)
            {
                await RecordFailureAsync(app, error!, cancellationToken);
            }
            else
            {
                await RecordAsync(app, SyncState.Synced, null, cancellationToken);
            }
        }
        catch (EnvironmentValidationException e)
        {
            // Refused as invalid: the same push would be refused again, so no retry until the app changes
            // (PO5). A refused redirect URI or logo did not hold back the security state (PO3).
            var reason = $"{name} refused it: {string.Join(" ", e.Errors.SelectMany(f => f.Value))}"
                + (e.SecurityStateApplied ? " Its secrets, status and API access were applied; change the app to finish the sync." : "");
            logger.LogWarning("Provisioning app {AppId} into {Environment} refused: {Error}", app.Id, name, reason);
            await RecordAsync(app, SyncState.Failed, reason, cancellationToken);
        }
        catch (StaleRevisionException e)
        {
            // 409: a newer push of this app reached the environment first. If this portal holds a newer
            // revision than the one just refused, push that one (PO4); synced is recorded only for the
            // revision the environment accepted.
            var newest = await db.Apps.AsNoTracking().Where(a => a.Id == app.Id).Select(a => (int?)a.Revision).SingleOrDefaultAsync(cancellationToken);
            if (newest > app.Revision && supersededPushes < 3)
            {
                await SyncAppAsync(appId, supersededPushes + 1, cancellationToken);
                return;
            }

            await RecordAsync(app, SyncState.Failed, $"{name} holds revision {e.Current} of this app, newer than this portal's revision {app.Revision}.", cancellationToken);
        }
    }

    /// <summary>
    /// The non-revoked secrets with their expiry (the environment enforces it with its own clock).
    /// With none left (all revoked) a disabled placeholder would be needed, so the newest revoked one is
    /// sent already expired: the contract requires a hash, and it can never authenticate.
    /// </summary>
    private static List<ClientSecretHash> DesiredSecrets(App app)
    {
        var live = app.Secrets.Where(s => s.RevokedAt is null).OrderBy(s => s.CreatedAt)
            .Select(s => new ClientSecretHash(s.Id, s.Hash, s.ExpiresAt)).ToList();
        if (live.Count == 0 && app.Secrets.OrderByDescending(s => s.CreatedAt).FirstOrDefault() is { } newest)
        {
            live.Add(new ClientSecretHash(newest.Id, newest.Hash, newest.RevokedAt ?? DateTimeOffset.UnixEpoch));
        }

        return live;
    }

    /// <summary>
    /// Restores the organisation's sandbox data as generated: pushes the sandbox (so both of its
    /// Class users exist with their current passwords; idempotent), then asks for the reset.
    /// </summary>
    public async Task<(SandboxReset? Result, string? Error)> ResetSandboxAsync(Guid organisationId, CancellationToken cancellationToken)
    {
        if (environments.Sandbox is not { } sandbox)
        {
            return (null, "No sandbox environment is configured.");
        }

        var organisation = await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == organisationId, cancellationToken);
        if (organisation?.SandboxBusinessCode is null)
        {
            return (null, "The sandbox is still being prepared.");
        }

        var users = membership.SandboxUsersOf(organisation);
        var name = string.IsNullOrEmpty(sandbox.Value.DisplayName) ? sandbox.Key : sandbox.Value.DisplayName;
        try
        {
            await admin.PutSandboxAsync(sandbox.Value, organisation.Id,
                new SandboxRequest(organisation.Name, users.ApiUserName, users.ApiUserPassword, users.AccessControllerUserName, users.AccessControllerPassword),
                cancellationToken);
            return (await admin.ResetSandboxAsync(sandbox.Value, organisation.Id, cancellationToken), null);
        }
        catch (HttpRequestException)
        {
            return (null, $"{name} is not reachable right now. Try again in a moment.");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"{name} did not answer in time. Try again in a moment.");
        }
        catch (EnvironmentAdminException e)
        {
            return (null, e.Message);
        }
    }

    private async Task RecordAsync(App app, SyncState state, string? error, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // Only the revision that was pushed: a save that happened meanwhile stays Pending.
        await db.Apps.Where(a => a.Id == app.Id && a.Revision == app.Revision)
            .ExecuteUpdateAsync(
                s => s.SetProperty(a => a.SyncState, state)
                    .SetProperty(a => a.LastSyncError, error == null ? null : error.Substring(0, Math.Min(error.Length, 1000)))
                    .SetProperty(a => a.SyncAttempts, 0)
                    .SetProperty(a => a.NextSyncAt, (DateTimeOffset?)null)
                    .SetProperty(a => a.LastSyncedAt, a => state == SyncState.Synced ? now : a.LastSyncedAt),
                cancellationToken);
    }

    /// <summary>
    /// A push that did not get an answer (unreachable, timeout, an error status): retried with
    /// exponential backoff, and after <see cref="ProvisioningOptions.MaxAttempts"/> shown as failed with
    /// its reason (PO5). A deletion keeps being retried at the longest interval: it must arrive.
    /// </summary>
    private async Task RecordFailureAsync(App app, string error, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var attempts = app.SyncAttempts + 1;
        var delay = TimeSpan.FromSeconds(Math.Min(settings.MaxBackoffSeconds, settings.IntervalSeconds * Math.Pow(2, Math.Min(attempts - 1, 20))));
        var next = clock.GetUtcNow() + delay;
        var givenUp = attempts >= settings.MaxAttempts;
        var state = givenUp && app.DeletedAt is null ? SyncState.Failed : SyncState.Pending;
        var message = givenUp && app.DeletedAt is null
            ? error.Replace("; retrying automatically.", ".", StringComparison.Ordinal).Replace(" Retrying automatically.", "", StringComparison.Ordinal)
                + $" Gave up after {attempts} attempts; the next change to the app tries again."
            : error;

        await db.Apps.Where(a => a.Id == app.Id && a.Revision == app.Revision)
            .ExecuteUpdateAsync(
                s => s.SetProperty(a => a.SyncState, state)
                    .SetProperty(a => a.LastSyncError, message[..Math.Min(message.Length, 1000)])
                    .SetProperty(a => a.SyncAttempts, attempts)
                    .SetProperty(a => a.NextSyncAt, next),
                cancellationToken);
    }

    private async Task<(T? Result, string? Error)> CallAsync<T>(EnvironmentEndpoint environment, string? previousError, Func<Task<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        var name = string.IsNullOrEmpty(environment.DisplayName) ? environment.Url : environment.DisplayName;
        string error;
        string detail;
        try
        {
            return (await call(), null);
        }
        catch (HttpRequestException e)
        {
            (error, detail) = ($"{name} is not reachable right now; retrying automatically.", e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            (error, detail) = ($"{name} did not answer in time; retrying automatically.", "timeout");
        }
        catch (EnvironmentAdminException e)
        {
            (error, detail) = (e.Message + " Retrying automatically.", e.Message);
        }
        catch (JsonException e)
        {
            (error, detail) = ($"{name} gave an unexpected answer; retrying automatically.", e.Message);
        }

        // Warn when a failure starts or changes; the worker's retries during an outage stay quiet.
        logger.Log(error == previousError ? LogLevel.Debug : LogLevel.Warning, "Provisioning into {Environment} failed: {Error}", name, detail);
        return (null, error);
    }
}
