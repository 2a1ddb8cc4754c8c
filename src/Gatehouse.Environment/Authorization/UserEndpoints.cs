using Gatehouse.Environment.Data;
using Gatehouse.Environment.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Environment.Authorization;

/// <summary><c>/connect/userinfo</c> (OIDC Core §5.3) and <c>/connect/endsession</c> (RP-initiated logout).</summary>
public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/connect/userinfo", [HttpMethods.Get, HttpMethods.Post], (Delegate)UserInfoAsync).ExcludeFromDescription();
        endpoints.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], (Delegate)EndSessionAsync).ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>
    /// Claims by scope: <c>sub</c> always; <c>name</c> with profile; <c>email</c> with email;
    /// with class_profile the business the token is bound to and the user's role in it. A
    /// client-credentials token has no user, so it gets <c>invalid_token</c>.
    /// </summary>
    private static async Task<IResult> UserInfoAsync(HttpContext http, UserManager<ClassUser> users, EnvironmentDbContext db, CancellationToken cancellationToken)
    {
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var user = principal?.GetClaim(Claims.Subject) is { } subject && Guid.TryParse(subject, out _) ? await users.FindByIdAsync(subject) : null;
        if (principal is null || user is null || await users.IsLockedOutAsync(user))
        {
            return TypedResults.Challenge(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The access token is not a user's token.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var claims = new Dictionary<string, object?>(StringComparer.Ordinal) { [Claims.Subject] = user.Id.ToString() };
        if (principal.HasScope(Scopes.Profile))
        {
            claims[Claims.Name] = string.IsNullOrEmpty(user.DisplayName) ? user.UserName : user.DisplayName;
            claims[Claims.PreferredUsername] = user.UserName;
        }

        if (principal.HasScope(Scopes.Email))
        {
            claims[Claims.Email] = user.Email;
            claims[Claims.EmailVerified] = user.EmailConfirmed;
        }

        if (principal.HasScope(ClassScopes.ClassProfile) && principal.GetClaim(ClassClaims.BusinessCode) is { } code)
        {
            var membership = await db.BusinessMemberships.AsNoTracking().Include(m => m.Business)
                .SingleOrDefaultAsync(m => m.UserId == user.Id && m.Business.Code == code, cancellationToken);
            claims[ClassClaims.BusinessCode] = code;
            claims[ClassClaims.BusinessName] = membership?.Business.Name ?? principal.GetClaim(ClassClaims.BusinessName);
            claims[ClassClaims.Role] = membership?.Role;
        }

        return TypedResults.Ok(claims);
    }

    private static async Task<IResult> EndSessionAsync(HttpContext http)
    {
        // docs/security-checklist.md BI3: a request OpenIddict refused (a relative or unregistered
        // post_logout_redirect_uri) reaches here through error passthrough: answer its error, no redirect.
        if (http.GetOpenIddictServerResponse() is { Error: { } error } refused)
        {
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.BadRequest(new Dictionary<string, string?> { ["error"] = error, ["error_description"] = refused.ErrorDescription });
        }

        // Ends the Class user's session here; OpenIddict redirects to a registered post_logout_redirect_uri, if any.
        await http.SignOutAsync(IdentityConstants.ApplicationScheme);
        return TypedResults.SignOut(new AuthenticationProperties { RedirectUri = "/account/login" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
