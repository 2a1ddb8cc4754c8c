using System.Security.Claims;
using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Connections;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.Users;
using Gatehouse.Hosting.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// <c>POST /connect/token</c> after OpenIddict has authenticated the client and validated the
/// request (passthrough): decides who the token is for and which business it is bound to.
/// OAuth errors only (RFC 6749 §5.2), and one generic <c>invalid_grant</c> for every credential
/// failure so the endpoint never tells which usernames exist.
/// </summary>
public static class TokenEndpoint
{
    private const string BadCredentials = "The username or password is incorrect, or the user may not use this app.";

    public static IEndpointRouteBuilder MapTokenEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/connect/token", ExchangeAsync).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> ExchangeAsync(
        HttpContext http,
        IOpenIddictApplicationManager applications,
        UserManager<ClassUser> users,
        SignInManager<ClassUser> signIn,
        EnvironmentDbContext db,
        ConnectionStore connections,
        CancellationToken cancellationToken)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict server request is missing.");
        var client = await ClientProperties.ReadAsync(applications, request.ClientId, cancellationToken);

        if (request.IsPasswordGrantType())
        {
            return await PasswordAsync(http, request, client, users, signIn, db, cancellationToken);
        }

        if (request.IsClientCredentialsGrantType())
        {
            if (client?.AppType != AppTypes.Client)
            {
                return Reject(Errors.UnauthorizedClient, "Only Client apps may use the client credentials grant.");
            }

            var (business, error) = await ResolveBusinessAsync(http, client, db, cancellationToken);
            if (business is null)
            {
                return error!;
            }

            var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken);
            var displayName = application is null ? request.ClientId! : await applications.GetDisplayNameAsync(application, cancellationToken) ?? request.ClientId!;
            return TypedResults.SignIn(
                ClassPrincipalFactory.ForClient(request.ClientId!, displayName, business, request.GetScopes()),
                ClassPrincipalFactory.Properties(business),
                OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || (request.IsRefreshTokenGrantType() && client?.AppType == AppTypes.Partner))
        {
            return await PartnerAsync(http, client, users, db, connections, cancellationToken);
        }

        if (request.IsRefreshTokenGrantType())
        {
            return await RefreshAsync(http, client, users, db, cancellationToken);
        }

        return Reject(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    private static async Task<IResult> PasswordAsync(
        HttpContext http,
        OpenIddictRequest request,
        ClientProperties? client,
        UserManager<ClassUser> users,
        SignInManager<ClassUser> signIn,
        EnvironmentDbContext db,
        CancellationToken cancellationToken)
    {
        // Guide step 3: the password grant is for single-tenant Client apps reading their own data.
        if (client?.AppType != AppTypes.Client)
        {
            return Reject(Errors.UnauthorizedClient, "Only Client apps may use the password grant.");
        }

        var (business, error) = await ResolveBusinessAsync(http, client, db, cancellationToken);
        if (business is null)
        {
            return error!;
        }

        // PW3: every refusal costs one password hash verification, like a wrong password, so timing
        // tells neither that a username exists nor that it is locked out, disabled or not this
        // app's. Identity's CheckPasswordSignInAsync answers a locked-out user without hashing,
        // hence the checks here. RL5: whether this client may use the user at all (an API user of
        // its business, without MFA) is decided BEFORE the password is checked, so a wrong password
        // through another business's app never counts toward the user's lockout (issue 13 §4).
        var user = await users.FindByNameAsync(request.Username!);
        if (user is null || user.TwoFactorEnabled || !await IsApiUserAsync(db, user.Id, business.Id, cancellationToken)
            || await users.IsLockedOutAsync(user))
        {
            users.PasswordHasher.VerifyHashedPassword(user ?? new ClassUser(), user?.PasswordHash ?? UnknownUserPassword.DummyHash(users), request.Password!);
            return Reject(Errors.InvalidGrant, BadCredentials);
        }

        // Lockout is shared with the login page: failures here count toward it, and a locked-out
        // user is refused even with the right password.
        var result = await signIn.CheckPasswordSignInAsync(user, request.Password!, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            return Reject(Errors.InvalidGrant, BadCredentials);
        }

        var principal = ClassPrincipalFactory.ForUser(user, business, request.GetScopes());
        return TypedResults.SignIn(
            principal,
            ClassPrincipalFactory.Properties(business).WithRefreshExpiry(principal, null, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()),
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// A Partner app redeeming a code or refreshing: the same principal factory, after re-checking
    /// that the user may still grant access for the business and the connection still stands.
    /// </summary>
    private static async Task<IResult> PartnerAsync(
        HttpContext http,
        ClientProperties? client,
        UserManager<ClassUser> users,
        EnvironmentDbContext db,
        ConnectionStore connections,
        CancellationToken cancellationToken)
    {
        const string Gone = "The grant is no longer valid.";
        var previous = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var subject = previous?.GetClaim(Claims.Subject);
        var businessCode = previous?.GetClaim(ClassClaims.BusinessCode);
        var authorizationId = previous?.GetAuthorizationId();
        if (previous is null || subject is null || businessCode is null || authorizationId is null || client?.AppType != AppTypes.Partner)
        {
            return Reject(Errors.InvalidGrant, Gone);
        }

        var business = await db.Businesses.AsNoTracking().SingleOrDefaultAsync(b => b.Code == businessCode, cancellationToken);
        var user = await users.FindByIdAsync(subject);
        if (business is null || user is null || await users.IsLockedOutAsync(user)
            || !await MayGrantAsync(db, user.Id, business.Id, cancellationToken)
            || !await connections.IsActiveAsync(authorizationId, businessCode, cancellationToken))
        {
            return Reject(Errors.InvalidGrant, Gone);
        }

        var request = http.GetOpenIddictServerRequest()!;
        var scopes = request.IsRefreshTokenGrantType() && !request.GetScopes().IsEmpty ? request.GetScopes() : previous.GetScopes();
        var principal = ClassPrincipalFactory.ForUser(user, business, scopes, authorizationId, previous);
        return TypedResults.SignIn(
            principal,
            ClassPrincipalFactory.Properties(business).WithRefreshExpiry(principal, previous, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()),
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>Whether the user holds a role in the business that may connect Partner apps.</summary>
    public static async Task<bool> MayGrantAsync(EnvironmentDbContext db, Guid userId, Guid businessId, CancellationToken cancellationToken)
    {
        var roles = await db.BusinessMemberships.Where(m => m.UserId == userId && m.BusinessId == businessId).Select(m => m.Role).ToListAsync(cancellationToken);
        return roles.Any(ClassRoles.MayGrantAppAccess);
    }

    private static async Task<IResult> RefreshAsync(
        HttpContext http,
        ClientProperties? client,
        UserManager<ClassUser> users,
        EnvironmentDbContext db,
        CancellationToken cancellationToken)
    {
        var previous = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var subject = previous?.GetClaim(Claims.Subject);
        var businessCode = previous?.GetClaim(ClassClaims.BusinessCode);
        if (previous is null || subject is null || businessCode is null || client?.AppType != AppTypes.Client
            || !string.Equals(client.BusinessCode, businessCode, StringComparison.OrdinalIgnoreCase))
        {
            return Reject(Errors.InvalidGrant, "The refresh token is no longer valid.");
        }

        // Re-check everything the password grant checked: the user may have lost API access since.
        var business = await db.Businesses.AsNoTracking().SingleOrDefaultAsync(b => b.Code == businessCode, cancellationToken);
        var user = await users.FindByIdAsync(subject);
        if (business is null || user is null || user.TwoFactorEnabled || await users.IsLockedOutAsync(user)
            || !await IsApiUserAsync(db, user.Id, business.Id, cancellationToken))
        {
            return Reject(Errors.InvalidGrant, "The refresh token is no longer valid.");
        }

        var request = http.GetOpenIddictServerRequest()!;
        var principal = ClassPrincipalFactory.ForUser(user, business, request.GetScopes().IsEmpty ? previous.GetScopes() : request.GetScopes());
        return TypedResults.SignIn(
            principal,
            ClassPrincipalFactory.Properties(business).WithRefreshExpiry(principal, previous, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()),
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// A Client app is bound to its organisation's linked business. <c>target:b</c> or no target
    /// means that business; <c>target:b/&lt;CODE&gt;</c> must name it (case-insensitive).
    /// </summary>
    private static async Task<(Business? Business, IResult? Error)> ResolveBusinessAsync(
        HttpContext http, ClientProperties client, EnvironmentDbContext db, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(client.BusinessCode))
        {
            return (null, Reject(Errors.InvalidGrant, "No business is linked to this app."));
        }

        var target = TargetScopeHandler.For(http);
        if (target?.BusinessCode is { } pinned && !string.Equals(pinned, client.BusinessCode, StringComparison.OrdinalIgnoreCase))
        {
            return (null, Reject(Errors.InvalidScope, "The target business is not available to this app."));
        }

        var business = await db.Businesses.AsNoTracking().SingleOrDefaultAsync(b => b.Code == client.BusinessCode, cancellationToken);
        return business is null
            ? (null, Reject(Errors.InvalidGrant, "No business is linked to this app."))
            : (business, null);
    }

    private static Task<bool> IsApiUserAsync(EnvironmentDbContext db, Guid userId, Guid businessId, CancellationToken cancellationToken) =>
        db.BusinessMemberships.AnyAsync(m => m.UserId == userId && m.BusinessId == businessId && m.IsApiUser, cancellationToken);

    private static ForbidHttpResult Reject(string error, string description) =>
        TypedResults.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
