using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Environment.Sandbox;

/// <summary>Sandbox operations on the admin API (the portal's "Reset sandbox" button calls this).</summary>
public static class SandboxAdminEndpoints
{
    /// <summary>
    /// The admin API's base path and key filter, for features that add admin endpoints without
    /// editing the admin API's own file (the same filter, so the same 401s).
    /// </summary>
    public static RouteGroupBuilder MapAdminGroup(this IEndpointRouteBuilder endpoints, EnvironmentEndpoint environment) =>
        endpoints.MapGroup(EnvironmentAdminApi.BasePath)
            .AddEndpointFilter(new ApiKeyFilter(environment.AdminApiKey))
            .ExcludeFromDescription();

    public static IEndpointRouteBuilder MapSandboxAdmin(this IEndpointRouteBuilder endpoints, EnvironmentEndpoint environment)
    {
        endpoints.MapAdminGroup(environment).MapPost("/sandboxes/{organisationId:guid}/reset", ResetAsync);
        return endpoints;
    }

    private static async Task<Results<Ok<SandboxReset>, ProblemHttpResult>> ResetAsync(
        Guid organisationId, EnvironmentEndpoint environment, SandboxProvisioning sandboxes, CancellationToken cancellationToken)
    {
        if (!environment.IsSandbox)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "This environment has no sandboxes.");
        }

        var reset = await sandboxes.ResetAsync(organisationId, cancellationToken);
        return reset is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "This organisation has no sandbox here yet.")
            : TypedResults.Ok(reset);
    }
}
