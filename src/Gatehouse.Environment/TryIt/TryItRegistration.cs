using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Web;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;

namespace Gatehouse.Environment.TryIt;

/// <summary>
/// Try-it support (ADR 0013): the admin endpoint that mints try-it tokens, and CORS on the Class
/// API routes so the portal's reference page can call this environment from the browser.
/// </summary>
public static class TryItRegistration
{
    public const string CorsPolicy = "class-api-browser-callers";

    /// <summary>
    /// Origins come from <c>Environments:{key}:CorsOrigins</c>; a sandbox environment (PIE) with none
    /// configured allows the portal's own origin (<c>Portal:Url</c>), where the reference page lives.
    /// Production allows no browser origin unless one is configured.
    /// </summary>
    public static IServiceCollection AddTryIt(this IServiceCollection services, IConfiguration configuration, string environmentKey, EnvironmentEndpoint environment)
    {
        var configured = configuration.GetSection($"{EnvironmentEndpoint.SectionName}:{environmentKey}:CorsOrigins").Get<string[]>() ?? [];
        var portalUrl = configuration["Portal:Url"] is { Length: > 0 } url ? url : "http://localhost:5000";
        var origins = (configured.Length > 0 ? configured : environment.IsSandbox ? [portalUrl] : [])
            .Select(Origin).Where(o => o is not null).Select(o => o!).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

        services.AddCors(o => o.AddPolicy(CorsPolicy, policy =>
        {
            if (origins.Length > 0)
            {
                policy.WithOrigins(origins);
            }

            // Bearer tokens, not cookies: no credentials mode (Fetch §3.2), so a page can never ride a session.
            policy.WithMethods("GET", "POST", "PUT", "DELETE")
                .WithHeaders("Authorization", "Accept", "Content-Type")
                .WithExposedHeaders("X-RateLimit-1Min-Remaining", "X-RateLimit-ResetAfter", "X-Correlation-Id")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        }));
        services.AddScoped<TryItTokens>();
        return services;
    }

    /// <summary>CORS on the Class API routes only (<c>/api</c>); the OAuth and admin endpoints stay same-origin.</summary>
    public static WebApplication UseClassApiCors(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase), b => b.UseCors(CorsPolicy));
        return app;
    }

    public static IEndpointRouteBuilder MapTryItTokens(this IEndpointRouteBuilder endpoints, EnvironmentEndpoint environment)
    {
        endpoints.MapPost(EnvironmentAdminApi.BasePath + "/clients/{clientId:guid}/try-it-tokens", IssueAsync)
            .AddEndpointFilter(new ApiKeyFilter(environment.AdminApiKey))
            .ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<Results<Ok<TryItTokenIssued>, ProblemHttpResult>> IssueAsync(
        Guid clientId, TryItTokenRequest? body, EnvironmentEndpoint environment, TryItTokens tokens, HttpContext http, CancellationToken cancellationToken)
    {
        // Try-it calls the sandbox for real; Production data is never one click away from a docs page.
        if (!environment.IsSandbox)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Try-it tokens are issued by sandbox environments only.");
        }

        var (issued, failure) = await tokens.IssueAsync(clientId, body?.Scopes, cancellationToken);
        http.Response.Headers.CacheControl = "no-store";
        return failure switch
        {
            TryItTokens.Failure.None => TypedResults.Ok(issued!),
            TryItTokens.Failure.UnknownClient => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such client."),
            TryItTokens.Failure.NoBusiness => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The client has no sandbox business linked."),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The client is not permitted any of the requested scopes."),
        };
    }

    private static string? Origin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null;
}
