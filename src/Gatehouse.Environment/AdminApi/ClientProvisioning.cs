using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Data;
using Gatehouse.Hosting.Contracts;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Environment.AdminApi;

/// <summary>
/// Turns the portal's desired state for one app into an OpenIddict application (create or replace).
/// A disabled app keeps its row (its id, for the audit trail) but loses every secret and token, so
/// it fails client authentication until the portal enables it again with fresh secret hashes.
/// </summary>
public sealed class ClientProvisioning(
    IOpenIddictApplicationManager applications,
    IOpenIddictTokenManager tokens,
    IOpenIddictAuthorizationManager authorizations,
    EnvironmentDbContext db,
    SecretUseRecorder uses)
{
    /// <summary>Field → messages; <paramref name="codes"/> gets field → code where the rule has one (the contract's redirect URI rule).</summary>
    public static Dictionary<string, string[]> Validate(ClientDescriptor descriptor, bool isSandbox, out Dictionary<string, string> codes)
    {
        var errors = new Dictionary<string, string[]>();
        codes = [];
        if (descriptor.AppType is not (AppTypes.Client or AppTypes.Partner))
        {
            errors[nameof(descriptor.AppType)] = [$"AppType must be '{AppTypes.Client}' or '{AppTypes.Partner}'."];
        }

        if (string.IsNullOrWhiteSpace(descriptor.DisplayName))
        {
            errors[nameof(descriptor.DisplayName)] = ["DisplayName is required."];
        }

        if (descriptor.Scopes is null)
        {
            errors[nameof(descriptor.Scopes)] = ["Scopes are required."];
        }
        else if (descriptor.Scopes.FirstOrDefault(s => !ClassScopes.All.Contains(s)) is { } unknown)
        {
            errors[nameof(descriptor.Scopes)] = [$"Unknown scope '{unknown}'."];
        }

        if (descriptor.Secrets is null || descriptor.Secrets.Count == 0)
        {
            errors[nameof(descriptor.Secrets)] = ["At least one secret hash is required."];
        }
        else if (descriptor.Secrets.Any(s => !IsSha256Base64(s.Hash)))
        {
            errors[nameof(descriptor.Secrets)] = ["Each secret hash must be a base64 SHA-256 digest."];
        }

        if (descriptor.Revision < 0)
        {
            errors[nameof(descriptor.Revision)] = ["Revision cannot be negative."];
        }

        // The portal's own rule (Gatehouse.Hosting.Contracts), with this environment's sandbox flag:
        // exact, canonical, https unless a loopback IP literal in PIE, at most 10, no duplicates (ADR 0008).
        if (RedirectUriRules.CheckAll(descriptor.RedirectUris, isSandbox) is { } problem)
        {
            errors[RedirectUriRules.Field] = [problem.Message];
            codes[RedirectUriRules.Field] = problem.Code;
        }

        // AZ14: query is always allowed; form_post and fragment only when registered.
        if (descriptor.ResponseModes?.FirstOrDefault(m => !ClientProperties.OptionalResponseModes.Contains(m)) is { } mode)
        {
            errors[nameof(descriptor.ResponseModes)] = [$"'{mode}' is not a response mode; use form_post or fragment (query is always allowed)."];
        }

        if (descriptor.LogoDataUri is { } logo && !IsLogo(logo))
        {
            errors[nameof(descriptor.LogoDataUri)] = ["The logo must be a data:image/png or data:image/jpeg base64 URI of a PNG or JPEG under 100 kB."];
        }

        return errors;
    }

    /// <summary>
    /// The consent page renders the logo as an &lt;img&gt; from this data URI (CSP img-src 'self' data:):
    /// the declared type must be PNG or JPEG and the bytes must say so too (signature check).
    /// </summary>
    public static bool IsLogo(string logo)
    {
        string[] prefixes = ["data:image/png;base64,", "data:image/jpeg;base64,"];
        if (logo.Length > 140_000 || prefixes.FirstOrDefault(p => logo.StartsWith(p, StringComparison.Ordinal)) is not { } prefix)
        {
            return false;
        }

        var bytes = new byte[logo.Length];
        if (!Convert.TryFromBase64String(logo[prefix.Length..], bytes, out var length) || length > 100_000)
        {
            return false;
        }

        ReadOnlySpan<byte> data = bytes.AsSpan(0, length);
        return prefix.Contains("png", StringComparison.Ordinal)
            ? data.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            : data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]);
    }

    /// <summary>
    /// Applies the desired state unless the environment already holds a newer revision (then the
    /// result is null and <c>Current</c> that revision). Fields in <paramref name="refused"/> (only
    /// <see cref="ClientSync.DeferrableFields"/>) are not taken from the descriptor: no redirect URI is
    /// added (those still registered and desired stay, the others go) and the logo is dropped, while the
    /// security state (secrets, enabled, scopes) is applied as usual (ADR 0022).
    /// </summary>
    public async Task<(ClientProvisioned? Applied, long Current)> PutAsync(Guid clientId, ClientDescriptor descriptor, IReadOnlySet<string> refused, CancellationToken cancellationToken)
    {
        var id = clientId.ToString();
        var logo = refused.Contains(nameof(descriptor.LogoDataUri)) ? null : descriptor.LogoDataUri;
        var desired = new OpenIddictApplicationDescriptor
        {
            ClientId = id,
            ClientType = ClientTypes.Confidential,
            ConsentType = ConsentTypes.Explicit,
            DisplayName = descriptor.DisplayName,
            ClientSecret = ClassApplicationManager.Serialize(descriptor.Enabled ? descriptor.Secrets : []),
        };
        new ClientProperties(descriptor.AppType, descriptor.OrganisationId, descriptor.OrganisationName, descriptor.BusinessCode, logo, descriptor.ResponseModes, descriptor.Revision).WriteTo(desired);

        desired.Permissions.Add(Permissions.Endpoints.Token);
        desired.Permissions.Add(Permissions.Endpoints.Revocation);
        desired.Permissions.Add(Permissions.Endpoints.Introspection);
        desired.Permissions.Add(Permissions.GrantTypes.RefreshToken);
        if (descriptor.AppType == AppTypes.Client)
        {
            desired.Permissions.Add(Permissions.GrantTypes.Password);
            desired.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }
        else
        {
            // Partner apps: authorization code with PKCE (S256); the authorize endpoint comes later.
            desired.Permissions.Add(Permissions.Endpoints.Authorization);
            desired.Permissions.Add(Permissions.Endpoints.EndSession);
            desired.Permissions.Add(Permissions.GrantTypes.AuthorizationCode);
            desired.Permissions.Add(Permissions.ResponseTypes.Code);
            desired.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }

        var scopes = descriptor.Scopes.Distinct(StringComparer.Ordinal).ToList();
        foreach (var scope in scopes)
        {
            desired.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        // The portal's request-time push and its background worker can PUT the same client at once:
        // the loser of the unique ClientId check (OpenIddict validation or the index), or of the optimistic
        // concurrency check on update, applies its (identical) desired state again to the row as it now is,
        // so the PUT stays idempotent. The row is read from the database there: the manager's entity
        // cache may still remember that the client did not exist.
        var existing = await applications.FindByClientIdAsync(id, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            // docs/security-checklist.md PO2: an older desired state never overwrites a newer one. Checked
            // again after every lost race, on the row as it now is, so two pushes cannot both pass the check.
            if (existing is not null && await ClientProperties.RevisionAsync(applications, existing, cancellationToken) is var current && current > descriptor.Revision)
            {
                return (null, current);
            }

            await SetRedirectUrisAsync(desired, descriptor, existing, refused, cancellationToken);
            try
            {
                if (existing is not null)
                {
                    await applications.UpdateAsync(existing, desired, cancellationToken);
                }
                else
                {
                    await applications.CreateAsync(desired, cancellationToken);
                }

                break;
            }
            catch (Exception e) when (attempt < 5 && e is DbUpdateException or OpenIddictExceptions.ConcurrencyException or OpenIddictExceptions.ValidationException)
            {
                db.ChangeTracker.Clear();
                existing = await db.Set<OpenIddictEntityFrameworkCoreApplication>().SingleOrDefaultAsync(a => a.ClientId == id, cancellationToken);
            }
        }

        if (!descriptor.Enabled)
        {
            await RevokeAsync(id, cancellationToken);
        }

        // Secrets the portal no longer sends (revoked and replaced) lose their "last used" row.
        var secretIds = descriptor.Secrets.Select(s => s.Id).ToList();
        await db.Set<SecretUse>().Where(u => u.ClientId == id && !secretIds.Contains(u.SecretId)).ExecuteDeleteAsync(cancellationToken);
        return (new ClientProvisioned(clientId, scopes, descriptor.Revision), descriptor.Revision);
    }

    /// <summary>Partner apps only: the desired URIs, or, when they were refused, those both registered now and still desired.</summary>
    private async Task SetRedirectUrisAsync(OpenIddictApplicationDescriptor desired, ClientDescriptor descriptor, object? existing, IReadOnlySet<string> refused, CancellationToken cancellationToken)
    {
        desired.RedirectUris.Clear();
        if (descriptor.AppType != AppTypes.Partner)
        {
            return;
        }

        IEnumerable<string> uris = descriptor.RedirectUris ?? [];
        if (refused.Contains(nameof(descriptor.RedirectUris)))
        {
            var registered = existing is null ? [] : await applications.GetRedirectUrisAsync(existing, cancellationToken);
            uris = uris.Where(u => registered.Contains(u, StringComparer.Ordinal));
        }

        foreach (var uri in uris.Distinct(StringComparer.Ordinal))
        {
            desired.RedirectUris.Add(new Uri(uri, UriKind.Absolute));
        }
    }

    public async Task DeleteAsync(Guid clientId, CancellationToken cancellationToken)
    {
        var id = clientId.ToString();
        if (await applications.FindByClientIdAsync(id, cancellationToken) is { } existing)
        {
            await RevokeAsync(id, cancellationToken);

            // The EF Core store deletes the application's authorizations and tokens with it, so
            // token entry validation rejects its access tokens from now on.
            try
            {
                await applications.DeleteAsync(existing, cancellationToken);
            }
            catch (OpenIddictExceptions.ConcurrencyException)
            {
                // A concurrent DELETE of the same client removed it first: DELETE is idempotent (RFC 9110 §9.2.2), not a 500.
                // (Read past the context's tracked copy, which still shows the row.)
                if (await db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking().AnyAsync(a => a.ClientId == id, cancellationToken))
                {
                    throw;
                }
            }
        }

        await db.Set<SecretUse>().Where(u => u.ClientId == id).ExecuteDeleteAsync(cancellationToken);
        uses.Forget(id);
    }

    /// <summary>The client's enabled flag and when each of its secrets last authenticated; null if there is no such client.</summary>
    public async Task<ClientState?> GetStateAsync(Guid clientId, CancellationToken cancellationToken)
    {
        var id = clientId.ToString();
        if (await applications.FindByClientIdAsync(id, cancellationToken) is not { } application)
        {
            return null;
        }

        // A disabled client keeps its row but no secret hashes (see PutAsync).
        var enabled = application is OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication { ClientSecret: { } stored }
            && stored != ClassApplicationManager.Serialize([]);
        var used = await db.Set<SecretUse>().AsNoTracking().Where(u => u.ClientId == id).ToListAsync(cancellationToken);
        return new ClientState(clientId, enabled, [.. used.OrderBy(u => u.SecretId).Select(u => new ClientSecretLastUsed(u.SecretId, u.LastUsedAt))],
            await ClientProperties.RevisionAsync(applications, application, cancellationToken));
    }

    private async Task RevokeAsync(string clientId, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application
            && await applications.GetIdAsync(application, cancellationToken) is { } applicationId)
        {
            await tokens.RevokeByApplicationIdAsync(applicationId, cancellationToken);
            await authorizations.RevokeByApplicationIdAsync(applicationId, cancellationToken);
        }
    }

    private static bool IsSha256Base64(string? hash)
    {
        Span<byte> buffer = stackalloc byte[32];
        return hash is not null && Convert.TryFromBase64String(hash, buffer, out var written) && written == 32;
    }
}
