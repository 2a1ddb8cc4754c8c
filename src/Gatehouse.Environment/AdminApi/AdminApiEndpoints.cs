using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.Sandbox;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Environment.AdminApi;

/// <summary>
/// The admin API the portal provisions this environment through (EnvironmentAdminContract):
/// idempotent PUTs of desired state, one shared key, ProblemDetails errors.
/// </summary>
public static class AdminApiEndpoints
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints, EnvironmentEndpoint environment)
    {
        var admin = endpoints.MapGroup(EnvironmentAdminApi.BasePath)
            .AddEndpointFilter(new ApiKeyFilter(environment.AdminApiKey))
            .ExcludeFromDescription();

        admin.MapPut("/clients/{clientId:guid}", PutClientAsync);
        admin.MapGet("/clients/{clientId:guid}", async Task<Results<Ok<ClientState>, NotFound>> (Guid clientId, ClientProvisioning clients, CancellationToken ct) =>
            await clients.GetStateAsync(clientId, ct) is { } state ? TypedResults.Ok(state) : TypedResults.NotFound());
        admin.MapDelete("/clients/{clientId:guid}", async (Guid clientId, ClientProvisioning clients, CancellationToken ct) =>
        {
            await clients.DeleteAsync(clientId, ct);
            return TypedResults.NoContent();
        });
        admin.MapPut("/sandboxes/{organisationId:guid}", PutSandboxAsync);
        admin.MapPut("/businesses/{code}", PutBusinessAsync);
        admin.MapPut("/users/{userName}", PutUserAsync);
        admin.MapGet("/businesses", async (DirectoryProvisioning directory, CancellationToken ct) => TypedResults.Ok(await directory.BusinessesAsync(null, ct)));
        admin.MapGet("/businesses/{code}", async Task<Results<Ok<BusinessView>, NotFound>> (string code, DirectoryProvisioning directory, CancellationToken ct) =>
            (await directory.BusinessesAsync(code, ct)) is [var business] ? TypedResults.Ok(business) : TypedResults.NotFound());
        admin.MapGet("/users", async (DirectoryProvisioning directory, CancellationToken ct) => TypedResults.Ok(await directory.UsersAsync(null, ct)));
        admin.MapGet("/users/{userName}", async Task<Results<Ok<ClassUserView>, NotFound>> (string userName, DirectoryProvisioning directory, CancellationToken ct) =>
            (await directory.UsersAsync(userName, ct)) is [var user] ? TypedResults.Ok(user) : TypedResults.NotFound());
        admin.MapSigningKeys();
        admin.MapGet("/status", () => TypedResults.Ok(new EnvironmentStatus(environment.DisplayName, environment.ResolveIssuer().AbsoluteUri)));
        return endpoints;
    }

    private static async Task<Results<Ok<ClientProvisioned>, ValidationProblem, ProblemHttpResult>> PutClientAsync(
        Guid clientId, ClientDescriptor descriptor, ClientProvisioning clients, EnvironmentEndpoint environment, EnvironmentDbContext db, CancellationToken cancellationToken)
    {
        var errors = ClientProvisioning.Validate(descriptor, environment.IsSandbox, out var codes);

        // RFC 9700 §4.15: an app's client-credentials tokens carry its client id as the subject, so a
        // client id equal to a Class user's id would let the app pass as that user (docs/security-checklist.md CA11).
        if (await db.Users.AnyAsync(u => u.Id == clientId, cancellationToken))
        {
            errors["clientId"] = ["The client id is taken by a user of this environment."];
        }

        Dictionary<string, object?> Extensions(bool applied, long? revision = null)
        {
            var extensions = new Dictionary<string, object?> { [ClientSync.SecurityStateApplied] = applied };
            if (codes.Count > 0)
            {
                extensions[ClientSync.CodesExtension] = codes;
            }

            if (revision is { } r)
            {
                extensions[ClientSync.RevisionExtension] = r;
            }

            return extensions;
        }

        // ADR 0022: a refused redirect URI or logo must not hold back a secret revocation, a suspension
        // or a scope removal (docs/security-checklist.md PO3); anything else refuses the whole push.
        if (errors.Keys.Any(k => !ClientSync.DeferrableFields.Contains(k)))
        {
            return TypedResults.ValidationProblem(errors, extensions: Extensions(applied: false));
        }

        var (applied, current) = await clients.PutAsync(clientId, descriptor, errors.Keys.ToHashSet(StringComparer.Ordinal), cancellationToken);
        if (applied is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                type: ClientSync.StaleRevision,
                title: "A newer revision of this client is already applied.",
                detail: $"Revision {descriptor.Revision} is older than revision {current}, which this environment holds.",
                extensions: new Dictionary<string, object?> { [ClientSync.RevisionExtension] = current });
        }

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors, title: "Some fields were refused; the secrets, status and scopes were applied.", extensions: Extensions(applied: true, applied.Revision))
            : TypedResults.Ok(applied);
    }

    private static async Task<Results<Ok<BusinessSaved>, ValidationProblem>> PutBusinessAsync(
        string code, BusinessRequest request, DirectoryProvisioning directory, CancellationToken cancellationToken)
    {
        var errors = DirectoryProvisioning.Validate(code, request);
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await directory.PutBusinessAsync(code, request, cancellationToken));
    }

    private static async Task<Results<Ok<ClassUserSaved>, ValidationProblem>> PutUserAsync(
        string userName, ClassUserRequest request, DirectoryProvisioning directory, CancellationToken cancellationToken)
    {
        var errors = DirectoryProvisioning.Validate(userName, request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (saved, failures) = await directory.PutUserAsync(userName, request, cancellationToken);
        return saved is null ? TypedResults.ValidationProblem(failures!) : TypedResults.Ok(saved);
    }

    private static async Task<Results<Ok<SandboxProvisioned>, ValidationProblem, ProblemHttpResult>> PutSandboxAsync(
        Guid organisationId, SandboxRequest request, EnvironmentEndpoint environment, SandboxProvisioning sandboxes, CancellationToken cancellationToken)
    {
        if (!environment.IsSandbox)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "This environment has no sandboxes.");
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.OrganisationName))
        {
            errors[nameof(request.OrganisationName)] = ["OrganisationName is required."];
        }

        if (string.IsNullOrWhiteSpace(request.ApiUserName))
        {
            errors[nameof(request.ApiUserName)] = ["ApiUserName is required."];
        }

        if (string.IsNullOrEmpty(request.ApiUserPassword))
        {
            errors[nameof(request.ApiUserPassword)] = ["ApiUserPassword is required."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (result, failures) = await sandboxes.ProvisionAsync(organisationId, request, cancellationToken);
        return result is null ? TypedResults.ValidationProblem(failures!) : TypedResults.Ok(result);
    }
}
