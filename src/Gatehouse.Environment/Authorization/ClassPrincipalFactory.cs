using System.Security.Claims;
using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Users;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// The one place that decides what a token says (one principal factory, docs/architecture.md). Every grant — and
/// every refresh — ends here, after the grant's own checks.
/// </summary>
public static class ClassPrincipalFactory
{
    /// <summary>A user's token (password grant, authorization code, and their refreshes).</summary>
    /// <param name="authorizationId">The connection (Partner apps) the tokens hang off, so revoking it revokes them.</param>
    /// <param name="carried">The principal of the code or refresh token being redeemed: its nonce and auth_time carry over (OIDC Core §2, §12.2).</param>
    public static ClaimsPrincipal ForUser(ClassUser user, Business business, IEnumerable<string> scopes, string? authorizationId = null, ClaimsPrincipal? carried = null)
    {
        var principal = Create(user.Id.ToString(), string.IsNullOrEmpty(user.DisplayName) ? user.UserName! : user.DisplayName, business, scopes, user.Email);
        var identity = (ClaimsIdentity)principal.Identity!;
        if (authorizationId is not null)
        {
            identity.SetAuthorizationId(authorizationId);
        }

        foreach (var claim in carried?.Claims.Where(c => c.Type is Claims.AuthenticationTime or Claims.Private.Nonce) ?? [])
        {
            identity.AddClaim(new Claim(claim.Type, claim.Value, claim.ValueType));
        }

        identity.SetDestinations(claim => Destinations(claim, identity));
        return principal;
    }

    /// <summary>The time the user logged in (OIDC Core §2 <c>auth_time</c>), for the ID token.</summary>
    public static ClaimsPrincipal WithAuthenticationTime(this ClaimsPrincipal principal, DateTimeOffset? issued)
    {
        if (issued is { } value && principal.Identity is ClaimsIdentity identity)
        {
            identity.SetClaim(Claims.AuthenticationTime, value.ToUnixTimeSeconds());
            identity.SetDestinations(claim => Destinations(claim, identity));
        }

        return principal;
    }

    /// <summary>
    /// An app acting for its linked business (client credentials). No user, so no refresh token
    /// (RFC 6749 §4.4.3: "A refresh token SHOULD NOT be included") and no ID token.
    /// </summary>
    public static ClaimsPrincipal ForClient(string clientId, string displayName, Business business, IEnumerable<string> scopes) =>
        Create(clientId, displayName, business, scopes.Where(s => s is not (Scopes.OfflineAccess or Scopes.OpenId)), email: null);

    /// <summary>The sign-in properties: the non-standard <c>BusinessCode</c>/<c>BusinessName</c> members of Class's token response (§2.4).</summary>
    public static AuthenticationProperties Properties(Business business) => new()
    {
        Parameters =
        {
            ["BusinessCode"] = business.Code,
            ["BusinessName"] = business.Name,
        },
    };

    public const string RefreshTokenExpiresIn = "refresh_token_expires_in";

    /// <summary>
    /// Every token response carrying a refresh token says when it dies (<c>refresh_token_expires_in</c>,
    /// seconds). The lifetime is absolute (no sliding expiration), so a rotated token reports the time
    /// left on the grant's first refresh token, not 30 days again.
    /// </summary>
    public static AuthenticationProperties WithRefreshExpiry(this AuthenticationProperties properties, ClaimsPrincipal principal, ClaimsPrincipal? redeemed, DateTimeOffset now)
    {
        if (principal.HasScope(Scopes.OfflineAccess))
        {
            var expires = redeemed?.GetExpirationDate() is { } previous && redeemed.HasTokenType(TokenTypeIdentifiers.RefreshToken)
                ? previous
                : now + RefreshTokenLifetime;
            properties.Parameters[RefreshTokenExpiresIn] = (long)Math.Max(0, (expires - now).TotalSeconds);
        }

        return properties;
    }

    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(30);

    private static ClaimsPrincipal Create(string subject, string name, Business business, IEnumerable<string> scopes, string? email)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, subject)
            .SetClaim(Claims.Name, name)
            .SetClaim(ClassClaims.BusinessCode, business.Code)
            .SetClaim(ClassClaims.BusinessName, business.Name);
        if (email is not null)
        {
            identity.SetClaim(Claims.Email, email);
        }

        // The granted scope always names the business (§2.5: the response echoes target:b/<CODE>).
        var granted = scopes.Where(s => !s.StartsWith(ClassScopes.TargetPrefix, StringComparison.Ordinal))
            .Append(ClassScopes.TargetFor(business.Code))
            .Distinct(StringComparer.Ordinal);
        identity.SetScopes(granted);
        identity.SetResources(ClassScopes.Resource);
        identity.SetDestinations(claim => Destinations(claim, identity));
        return new ClaimsPrincipal(identity);
    }

    private static IEnumerable<string> Destinations(Claim claim, ClaimsIdentity identity)
    {
        yield return OpenIddictConstants.Destinations.AccessToken;

        var toIdToken = claim.Type switch
        {
            Claims.Subject or Claims.AuthenticationTime => true,
            Claims.Name => identity.HasScope(Scopes.Profile),
            Claims.Email => identity.HasScope(Scopes.Email),
            ClassClaims.BusinessCode or ClassClaims.BusinessName => identity.HasScope(ClassScopes.ClassProfile),
            _ => false,
        };
        if (toIdToken)
        {
            yield return OpenIddictConstants.Destinations.IdentityToken;
        }
    }
}
