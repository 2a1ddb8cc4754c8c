using System.Security.Claims;
using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Data;
using Gatehouse.Hosting.Contracts;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gatehouse.Environment.TryIt;

/// <summary>
/// Issues the access tokens behind the portal's try-it (ADR 0013). There is no token request here
/// (the portal holds no client secret, only a hash is stored), so the token is produced by
/// OpenIddict's own token generation pipeline (<see cref="GenerateTokenContext"/>): the same signing
/// key, token entry (revocable; token entry validation applies) and JWT format as the token endpoint,
/// with the principal <see cref="ClassPrincipalFactory.ForClient"/> builds for client credentials.
/// Only an access token: never a refresh token (RFC 6749 §4.4.3), and at most ten minutes of life.
/// </summary>
public sealed class TryItTokens(
    IOpenIddictApplicationManager applications,
    IOpenIddictServerFactory factory,
    IOpenIddictServerDispatcher dispatcher,
    EnvironmentDbContext db,
    EnvironmentEndpoint environment,
    TimeProvider clock)
{
    public enum Failure
    {
        None,
        UnknownClient,
        NoBusiness,
        NoScopes,
    }

    public async Task<(TryItTokenIssued? Issued, Failure Failure)> IssueAsync(Guid clientId, IReadOnlyList<string>? wanted, CancellationToken cancellationToken)
    {
        var id = clientId.ToString();
        if (await applications.FindByClientIdAsync(id, cancellationToken) is not { } application
            || await ClientProperties.ReadAsync(applications, id, cancellationToken) is not { } client)
        {
            return (null, Failure.UnknownClient);
        }

        if (string.IsNullOrEmpty(client.BusinessCode)
            || await db.Businesses.AsNoTracking().SingleOrDefaultAsync(b => b.Code == client.BusinessCode, cancellationToken) is not { } business)
        {
            return (null, Failure.NoBusiness);
        }

        // The client's permitted API scopes, narrowed to those asked for; identity and refresh scopes never.
        var permissions = await applications.GetPermissionsAsync(application, cancellationToken);
        var permitted = permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..])
            .Where(s => s is not (Scopes.OfflineAccess or Scopes.OpenId or Scopes.Profile or Scopes.Email or ClassScopes.ClassProfile))
            .Where(s => !s.StartsWith(ClassScopes.TargetPrefix, StringComparison.Ordinal));
        var scopes = (wanted is null ? permitted : permitted.Where(wanted.Contains)).Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0)
        {
            return (null, Failure.NoScopes);
        }

        var displayName = await applications.GetDisplayNameAsync(application, cancellationToken) ?? id;
        var principal = ClassPrincipalFactory.ForClient(id, displayName, business, scopes);
        var now = clock.GetUtcNow();
        var expires = now + TryItApi.MaxLifetime;
        var accessTokenPrincipal = AccessTokenPrincipal(principal, id, now, expires);

        var transaction = await factory.CreateTransactionAsync();
        transaction.Request = new OpenIddictRequest { ClientId = id, GrantType = GrantTypes.ClientCredentials };
        var context = new GenerateTokenContext(transaction)
        {
            ClientId = id,
            CreateTokenEntry = !transaction.Options.DisableTokenStorage,
            PersistTokenPayload = transaction.Options.UseReferenceAccessTokens,
            Principal = accessTokenPrincipal,
            TokenFormat = TokenFormats.Private.JsonWebToken,
            TokenType = TokenTypeIdentifiers.AccessToken,
        };
        await dispatcher.DispatchAsync(context);
        if (context.IsRejected || string.IsNullOrEmpty(context.Token))
        {
            throw new InvalidOperationException($"OpenIddict did not generate the try-it token: {context.Error} {context.ErrorDescription}");
        }

        var granted = string.Join(' ', accessTokenPrincipal.GetScopes());
        return (new TryItTokenIssued(context.Token, "Bearer", (int)TryItApi.MaxLifetime.TotalSeconds, expires, granted, business.Code), Failure.None);
    }

    /// <summary>What OpenIddict's PrepareAccessTokenPrincipal does at the token endpoint: access-token claims only, dates, issuer, audiences, client_id (RFC 9068).</summary>
    private ClaimsPrincipal AccessTokenPrincipal(ClaimsPrincipal principal, string clientId, DateTimeOffset now, DateTimeOffset expires)
    {
        var copy = principal.Clone(claim =>
            claim.Type is Claims.Subject or Claims.Private.Scope
            || (!claim.Type.StartsWith(Claims.Prefixes.Private, StringComparison.OrdinalIgnoreCase) && claim.HasDestination(Destinations.AccessToken)));
        foreach (var claim in copy.Claims)
        {
            claim.Properties.Remove(Properties.Destinations);
        }

        copy.SetCreationDate(now)
            .SetExpirationDate(expires)
            .SetClaim(Claims.Private.Issuer, environment.ResolveIssuer().AbsoluteUri)
            // The environment's own audience too, as EnvironmentAudienceHandler adds at the token endpoint (EN1).
            .SetAudiences([.. principal.GetResources().Append(EnvironmentAudienceHandler.For(environment.ResolveIssuer())).Distinct(StringComparer.Ordinal)])
            .SetClaim(Claims.ClientId, clientId);
        return copy;
    }
}
