using System.Security.Claims;
using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.Dms;
using Gatehouse.Environment.RateLimiting;
using Gatehouse.Environment.Usage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Environment.PartnerApi;

/// <summary>What an operation needs: its Class scope, and whether an app-only (client credentials) token may call it.</summary>
public sealed record ClassOperation(string Product, string Scope, bool AllowsClientCredentials);

public static class ClassProducts
{
    public const string PartnerApi = "class-partner-api";
    public const string Dms = "dms";
}

/// <summary>
/// The Class Partner API and DMS under <c>/api/1.0</c>. Every call passes, in order: usage
/// recording, bearer authentication (OpenIddict validation), the per-client rate limit, and the
/// operation's scope check; handlers then resolve the business and fund from the token and path.
/// </summary>
public static class PartnerApiEndpoints
{
    public const string BasePath = "/api/1.0";

    public static IEndpointRouteBuilder MapPartnerApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(BasePath)
            .AddEndpointFilter<UsageFilter>()
            .AddEndpointFilter(AuthenticateAsync)
            .AddEndpointFilter<RateLimitFilter>()
            .AddEndpointFilter(AuthorizeOperationAsync);
        api.MapFundData();
        api.MapMemberData();
        api.MapReportData();
        api.MapBusinessData();
        api.MapDms();
        return endpoints;
    }

    public static RouteHandlerBuilder Requires(this RouteHandlerBuilder builder, string scope, bool allowsClientCredentials = true, string product = ClassProducts.PartnerApi) =>
        builder.WithMetadata(new ClassOperation(product, scope, allowsClientCredentials)).WithGroupName(product)

            // What every operation may answer, whatever it does (the order the filters check: ADR 0010).
            .Produces<ClassEnvelope>(StatusCodes.Status401Unauthorized)
            .Produces<ClassEnvelope>(StatusCodes.Status403Forbidden)
            .Produces<ClassEnvelope>(StatusCodes.Status404NotFound)
            .Produces<ClassEnvelope>(StatusCodes.Status429TooManyRequests);

    /// <summary>
    /// Bearer tokens are validated here rather than by RequireAuthorization, so that failures get
    /// the Class envelope instead of OpenIddict's challenge body. Token entry validation makes a
    /// revoked token fail immediately.
    /// </summary>
    private static async ValueTask<object?> AuthenticateAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var result = await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (!result.Succeeded)
        {
            return ClassResults.NotAuthorised(http);
        }

        http.User = result.Principal;
        return await next(context);
    }

    /// <summary>Fails closed: an endpoint without <see cref="ClassOperation"/> metadata is forbidden to everyone.</summary>
    private static async ValueTask<object?> AuthorizeOperationAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var operation = http.GetEndpoint()?.Metadata.GetMetadata<ClassOperation>();
        if (operation is null || !http.User.Satisfies(operation.Scope))
        {
            return ClassResults.Forbidden();
        }

        if (!operation.AllowsClientCredentials && http.User.IsAppOnly())
        {
            return ClassResults.Error(StatusCodes.Status403Forbidden, "FORBIDDEN", "This operation needs a user's token (authorization code or password grant), not client credentials.");
        }

        return await next(context);
    }

    /// <summary>
    /// The business this request may see: the token's bound business, and only when it is the one in
    /// the path (case-insensitive, as codes are matched at the token endpoint).
    /// </summary>
    public static bool IsBoundTo(this ClaimsPrincipal principal, string businessCode) =>
        principal.GetClaim(ClassClaims.BusinessCode) is { } bound && string.Equals(bound, businessCode, StringComparison.OrdinalIgnoreCase);

    public static bool HasAnyScope(this ClaimsPrincipal principal, params string[] scopes) => scopes.Any(principal.HasScope);

    /// <summary>The OAuth client the token was issued to (RFC 9068 <c>client_id</c>; <c>azp</c> as a fallback).</summary>
    public static string? ClientId(this ClaimsPrincipal principal) =>
        principal.GetClaim(Claims.ClientId) ?? principal.GetClaim(Claims.AuthorizedParty);

    /// <summary>A client-credentials token: the app is its own subject (ClassPrincipalFactory.ForClient).</summary>
    public static bool IsAppOnly(this ClaimsPrincipal principal) =>
        principal.ClientId() is { } client && string.Equals(principal.GetClaim(Claims.Subject), client, StringComparison.Ordinal);

    /// <summary>
    /// The token's business when it is the path's; null (→ 404) otherwise. The business predicate is
    /// part of the query, so a token for another business finds nothing.
    /// </summary>
    public static async Task<Business?> FindBusinessAsync(this HttpContext http, EnvironmentDbContext db, string businessCode, CancellationToken cancellationToken) =>
        http.User.IsBoundTo(businessCode)
            ? await db.Businesses.AsNoTracking().SingleOrDefaultAsync(b => b.Code == http.User.GetClaim(ClassClaims.BusinessCode), cancellationToken)
            : null;

    /// <summary>The fund <paramref name="fundCode"/> of the token's business, or null (→ 404) — also for another business's fund.</summary>
    public static async Task<(Business Business, Fund Fund)?> FindFundAsync(this HttpContext http, EnvironmentDbContext db, string businessCode, string fundCode, CancellationToken cancellationToken, bool track = false)
    {
        var business = await http.FindBusinessAsync(db, businessCode, cancellationToken);
        if (business is null)
        {
            return null;
        }

        var funds = track ? db.Funds : db.Funds.AsNoTracking();
        var fund = await funds.SingleOrDefaultAsync(f => f.BusinessId == business.Id && f.Code == fundCode, cancellationToken);
        return fund is null ? null : (business, fund);
    }
}
