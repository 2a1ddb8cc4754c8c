using System.Security.Claims;
using Gatehouse.Environment.Authorization;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Validation.AspNetCore;

namespace Gatehouse.Environment.PartnerApi;

/// <summary>The Class Partner API under <c>/api/1.0</c>, authenticated by OpenIddict validation, answering in the Class envelope.</summary>
public static class PartnerApiEndpoints
{
    public static IEndpointRouteBuilder MapPartnerApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/1.0").AddEndpointFilter(AuthenticateAsync);
        api.MapFundData();
        return endpoints;
    }

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

    /// <summary>
    /// The business this request may see: the token's bound business, and only when it is the one in
    /// the path (case-insensitive, as codes are matched at the token endpoint).
    /// </summary>
    public static bool IsBoundTo(this ClaimsPrincipal principal, string businessCode) =>
        principal.GetClaim(ClassClaims.BusinessCode) is { } bound && string.Equals(bound, businessCode, StringComparison.OrdinalIgnoreCase);

    public static bool HasAnyScope(this ClaimsPrincipal principal, params string[] scopes) => scopes.Any(principal.HasScope);
}
