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
    LogoFetcher logos)
{
    public const string WaitingForSandbox = "waiting for the organisation's PIE sandbox business to be created.";

    /// <summary>Retries every sandbox and app that is not yet in sync.</summary>
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

        var apps = await db.Apps.AsNoTracking()
            .Where(a => a.SyncState != SyncState.Synced)
            .OrderBy(a => a.Id)
            .Select(a => a.Id).Take(100).ToListAsync(cancellationToken);
        foreach (var id in apps)
        {
            await SyncAppAsync(id, cancellationToken);
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
    public async Task SyncAppAsync(Guid appId, CancellationToken cancellationToken)
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
                await RecordAsync(app, SyncState.Failed, deleteError, cancellationToken);
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
            LogoDataUri: await logos.DataUriAsync(app.LogoUrl, cancellationToken));

        var (result, error) = await CallAsync(environment, app.LastSyncError, () => admin.PutClientAsync(environment, app.ClientId, descriptor, cancellationToken), cancellationToken);
        await RecordAsync(app, result is null ? SyncState.Failed : SyncState.Synced, error, cancellationToken);
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
                    .SetProperty(a => a.LastSyncError, error)
                    .SetProperty(a => a.LastSyncedAt, a => state == SyncState.Synced ? now : a.LastSyncedAt),
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
