namespace Gatehouse.Portal.ManagementApi;

/// <summary>
/// Authenticates /api/v1 calls by <c>Authorization: Bearer gh_pat_…</c> only (RFC 6750), checks the
/// endpoint's scope, and refuses writes to Viewers. Errors are ProblemDetails.
/// </summary>
public sealed class PersonalAccessTokenFilter(PersonalAccessTokens tokens) : IEndpointFilter
{
    private const string CallerKey = "Gatehouse.ManagementApi.Caller";

    public static ApiCaller Caller(HttpContext http) => (ApiCaller)http.Items[CallerKey]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        // Responses may hold secrets; none may be cached (ASVS 14.3.2).
        http.Response.Headers.CacheControl = "no-store";
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            || await tokens.AuthenticateAsync(header["Bearer ".Length..].Trim(), http.RequestAborted) is not { } caller)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"gatehouse\", error=\"invalid_token\"";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "A valid personal access token is required.",
                detail: "Send Authorization: Bearer gh_pat_… (create one under API tokens).");
        }

        var required = http.GetEndpoint()?.Metadata.GetMetadata<RequiredApiScope>()?.Scope;
        if (required is not null && !caller.Token.HasScope(required))
        {
            http.Response.Headers.WWWAuthenticate = $"Bearer realm=\"gatehouse\", error=\"insufficient_scope\", scope=\"{required}\"";
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: $"This token lacks the {required} scope.");
        }

        if (required == ApiScopes.AppsWrite && !caller.Member.MayManageApps)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Viewers cannot change apps.");
        }

        http.Items[CallerKey] = caller;
        return await next(context);
    }
}
