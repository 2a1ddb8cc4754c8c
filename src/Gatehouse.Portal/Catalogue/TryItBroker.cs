using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Portal.Apps;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Gatehouse.Portal.Provisioning;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Catalogue;

/// <summary>An app a developer may use with try-it: Active, in PIE, not deleted, of their organisation.</summary>
public sealed record TryItApp(Guid Id, string Name, bool HasProduct);

/// <summary>
/// Gets a try-it access token for a developer's PIE app from the sandbox environment (ADR 0013).
/// The portal never holds the app's secret (only hashes), so it asks the environment's admin API,
/// which mints a ten-minute, access-token-only grant for the app's own sandbox business. The page
/// receives the token and nothing else.
/// </summary>
public sealed class TryItBroker(IHttpClientFactory clients, PortalEnvironments environments, PortalDbContext db, AuditLog audit, ILogger<TryItBroker> logger)
{
    public const string HttpClientName = "catalogue-try-it";

    public async Task<IReadOnlyList<TryItApp>> AppsAsync(Member member, ApiProduct product, CancellationToken cancellationToken)
    {
        if (environments.Sandbox is not { } sandbox)
        {
            return [];
        }

        var apps = await db.Apps.AsNoTracking()
            .Where(a => a.OrganisationId == member.OrganisationId && a.DeletedAt == null && a.Status == AppStatus.Active && a.EnvironmentKey == sandbox.Key)
            .OrderBy(a => a.Name)
            .ToListAsync(cancellationToken);
        return [.. apps.Select(a => new TryItApp(a.Id, a.Name, a.ProductCodes.Contains(product.Code)))];
    }

    /// <summary>Null app = not the member's (or not eligible): the caller answers 404 (ASVS 8.2.2).</summary>
    public async Task<(App? App, TryItTokenIssued? Token, string? Error)> IssueAsync(Member member, Guid appId, ApiProduct product, CancellationToken cancellationToken)
    {
        var app = await db.Apps.AsNoTracking().SingleOrDefaultAsync(a => a.Id == appId && a.OrganisationId == member.OrganisationId && a.DeletedAt == null, cancellationToken);
        if (app is null || environments.Sandbox is not { } sandbox || app.EnvironmentKey != sandbox.Key)
        {
            return (null, null, null);
        }

        if (app.Status != AppStatus.Active)
        {
            return await FailAsync(app, "Only Active apps can be used with try-it.");
        }

        if (!app.ProductCodes.Contains(product.Code) || product.Scopes.Count == 0)
        {
            return await FailAsync(app, $"{app.Name} has not selected {product.Name}: choose it on the app's Selected API page first.");
        }

        TryItTokenIssued? token = null;
        string? error = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(sandbox.Value.Url.TrimEnd('/') + TryItApi.Tokens(app.ClientId), UriKind.Absolute))
            {
                Content = JsonContent.Create(new TryItTokenRequest(product.Scopes)),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sandbox.Value.AdminApiKey);
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                token = await response.Content.ReadFromJsonAsync<TryItTokenIssued>(cancellationToken);
            }
            else
            {
                error = response.StatusCode == HttpStatusCode.NotFound
                    ? "PIE does not know this app yet: wait until it shows as synced and try again."
                    : "PIE could not issue a token for this app.";
                logger.LogWarning("Try-it token for app {AppId}: PIE answered {Status}", app.Id, (int)response.StatusCode);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Try-it token for app {AppId}: PIE is unavailable", app.Id);
            error = "PIE is unavailable right now. Try again in a minute.";
        }

        if (token is null)
        {
            return await FailAsync(app, error ?? "PIE sent an empty answer.");
        }

        await audit.WriteAsync("catalogue.try-it.token", AuditOutcome.Success, member.OrganisationId, target: app.Id.ToString(), environment: sandbox.Key,
            details: $"product {product.Code}; client_id {app.ClientId}; scope {token.Scope}; expires {token.ExpiresAt:O}", actorId: member.DeveloperId, actorEmail: member.Email, cancellationToken: cancellationToken);
        return (app, token, null);

        async Task<(App?, TryItTokenIssued?, string?)> FailAsync(App failed, string message)
        {
            await audit.WriteAsync("catalogue.try-it.token", AuditOutcome.Failure, member.OrganisationId, target: failed.Id.ToString(), environment: failed.EnvironmentKey,
                details: $"product {product.Code}: {message}", actorId: member.DeveloperId, actorEmail: member.Email, cancellationToken: cancellationToken);
            return (failed, null, message);
        }
    }
}
