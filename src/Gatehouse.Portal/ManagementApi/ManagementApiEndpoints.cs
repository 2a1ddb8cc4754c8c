using Gatehouse.Portal.Apps;
using Gatehouse.Portal.Catalogue;
using Gatehouse.Portal.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.ManagementApi;

/// <summary>Marks the scope a management API endpoint needs.</summary>
public sealed record RequiredApiScope(string Scope);

/// <summary>
/// /api/v1: everything a developer can do to apps in the UI, with a personal access token. Only the
/// Authorization header authenticates (no cookies), so there is no CSRF surface and no antiforgery.
/// Every app route filters by the token owner's organisation: another organisation's app is a 404.
/// </summary>
public static class ManagementApiEndpoints
{
    public const string BasePath = "/api/v1";

    public static IEndpointRouteBuilder MapManagementApi(this IEndpointRouteBuilder endpoints)
    {
        // The document is named "v1", so it is served at /api/v1/openapi.json.
        endpoints.MapOpenApi("/api/{documentName}/openapi.json").AllowAnonymous();

        var api = endpoints.MapGroup(BasePath)
            .AddEndpointFilter<PersonalAccessTokenFilter>()
            .DisableAntiforgery()
            .WithTags("Apps")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        var read = new RequiredApiScope(ApiScopes.AppsRead);
        var write = new RequiredApiScope(ApiScopes.AppsWrite);

        api.MapGet("/products", ListProductsAsync).WithMetadata(read).WithSummary("The API catalogue's products and their scopes.");
        api.MapGet("/apps", ListAppsAsync).WithMetadata(read).WithSummary("The organisation's apps.");
        api.MapPost("/apps", CreateAppAsync).WithMetadata(write).WithSummary("Create an app; the response holds its client secret, once.");
        api.MapGet("/apps/{id:guid}", GetAppAsync).WithMetadata(read).WithSummary("One app.");
        api.MapPatch("/apps/{id:guid}", UpdateAppAsync).WithMetadata(write).WithSummary("Change name, description, contact email or logo.");
        api.MapDelete("/apps/{id:guid}", DeleteAppAsync).WithMetadata(write).WithSummary("Delete the app; the environment client and its tokens go with it.");
        api.MapPut("/apps/{id:guid}/apis", SelectApisAsync).WithMetadata(write).WithSummary("Set the selected API products (and so the client's scopes).");
        api.MapPost("/apps/{id:guid}/secrets", RotateSecretAsync).WithMetadata(write).WithSummary("Rotate: issue a new secret (returned once); current ones expire when you say.");
        api.MapDelete("/apps/{id:guid}/secrets/{secretId:guid}", RevokeSecretAsync).WithMetadata(write).WithSummary("Revoke a secret at once.");
        api.MapPost("/apps/{id:guid}/redirect-uris", AddRedirectUriAsync).WithMetadata(write).WithSummary("Add a redirect URI (Partner apps; Production ones wait for approval).");
        api.MapDelete("/apps/{id:guid}/redirect-uris/{redirectUriId:guid}", RemoveRedirectUriAsync).WithMetadata(write).WithSummary("Remove a redirect URI.");
        api.MapPost("/apps/{id:guid}/production-request", RequestProductionAsync).WithMetadata(write).WithSummary("Submit the Production checklist for approval.");
        api.MapPost("/apps/{id:guid}/production-twin", CreateTwinAsync).WithMetadata(write).WithSummary("Create the Production twin of a PIE app; the response holds its secret, once.");
        return endpoints;
    }

    private static async Task<Ok<List<ProductResource>>> ListProductsAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var products = await ProductRules.Selectable(db.ApiProducts.AsNoTracking()).ToListAsync(cancellationToken);
        return TypedResults.Ok(products.Select(p => new ProductResource(p.Code, p.Name, p.Scopes)).ToList());
    }

    private static async Task<Ok<List<AppResource>>> ListAppsAsync(HttpContext http, AppLifecycle lifecycle, SecretLastUse lastUse, TimeProvider clock, CancellationToken cancellationToken)
    {
        var apps = await lifecycle.ListAsync(PersonalAccessTokenFilter.Caller(http).Member, cancellationToken);
        var used = await lastUse.ForAsync(apps, cancellationToken);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(apps.Select(a => AppResource.From(a, now, used[a.Id])).ToList());
    }

    private static async Task<Results<Created<CreatedAppResource>, ValidationProblem>> CreateAppAsync(
        CreateAppRequest body, HttpContext http, AppLifecycle lifecycle, TimeProvider clock, CancellationToken cancellationToken)
    {
        var member = PersonalAccessTokenFilter.Caller(http).Member;
        var (created, errors) = await lifecycle.CreateAsync(member, new AppFields(body.Name, body.Description, body.ContactEmail, body.LogoUrl), body.Environment, body.AppType, cancellationToken);
        if (created is null)
        {
            return TypedResults.ValidationProblem(errors, extensions: errors.ProblemExtensions());
        }

        return TypedResults.Created($"{BasePath}/apps/{created.App.Id}", new CreatedAppResource(await ReloadAsync(http, lifecycle, member, created.App.Id, clock, cancellationToken), created.Secret));
    }

    private static async Task<Results<Ok<AppResource>, ProblemHttpResult>> GetAppAsync(Guid id, HttpContext http, AppLifecycle lifecycle, SecretLastUse lastUse, TimeProvider clock, CancellationToken cancellationToken) =>
        await lifecycle.FindAsync(PersonalAccessTokenFilter.Caller(http).Member, id, cancellationToken) is { } app
            ? TypedResults.Ok(AppResource.From(app, clock.GetUtcNow(), await lastUse.ForAsync(app, cancellationToken)))
            : NotFound();

    private static Task<Results<Ok<AppResource>, ValidationProblem, ProblemHttpResult>> UpdateAppAsync(
        Guid id, UpdateAppRequest body, HttpContext http, AppLifecycle lifecycle, TimeProvider clock, CancellationToken cancellationToken) =>
        ActAsync(id, http, lifecycle, clock, (member, app) => lifecycle.UpdateAsync(member, app,
            new AppFields(body.Name ?? app.Name, body.Description ?? app.Description, body.ContactEmail ?? app.ContactEmail, body.LogoUrl ?? app.LogoUrl), cancellationToken), cancellationToken);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAppAsync(Guid id, HttpContext http, AppLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var member = PersonalAccessTokenFilter.Caller(http).Member;
        var own = await lifecycle.OwnAppToChangeAsync(member, id, cancellationToken);
        if (own.App is not { } app)
        {
            return Refused(own);
        }

        var errors = await lifecycle.DeleteAsync(member, app, cancellationToken);
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors, extensions: errors.ProblemExtensions()) : TypedResults.NoContent();
    }

    private static Task<Results<Ok<AppResource>, ValidationProblem, ProblemHttpResult>> SelectApisAsync(
        Guid id, SelectApisRequest body, HttpContext http, AppLifecycle lifecycle, TimeProvider clock, CancellationToken cancellationToken) =>
        ActAsync(id, http, lifecycle, clock, (member, app) => lifecycle.SetProductsAsync(member, app, body.Products ?? [], cancellationToken), cancellationToken);

    private static async Task<Results<Created<IssuedSecretResource>, ValidationProblem, ProblemHttpResult>> RotateSecretAsync(
        Guid id, RotateSecretRequest? body, HttpContext http, AppLifecycle lifecycle, TimeProvider clock, CancellationToken cancellationToken)
    {
        var member = PersonalAccessTokenFilter.Caller(http).Member;
        var own = await lifecycle.OwnAppToChangeAsync(member, id, cancellationToken);
        if (own.App is not { } app)
        {
            return Refused(own);
        }

        var now = clock.GetUtcNow();
        var (issued, errors) = await lifecycle.RotateSecretAsync(member, app, body?.PreviousSecretExpiresAt ?? now.AddDays(7), cancellationToken);
        if (issued is null)
        {
            return TypedResults.ValidationProblem(errors, extensions: errors.ProblemExtensions());
        }

        var s = issued.Secret;
        return TypedResults.Created($"{BasePath}/apps/{id}/secrets/{s.Id}",
            new IssuedSecretResource(new SecretResource(s.Id, s.Hint, s.CreatedAt, s.ExpiresAt, LastUsedAt: null, LastUsedKnown: true, s.RevokedAt, s.IsActive(now)), issued.Plaintext));
    }

    private static Task<Results<Ok<AppResource>, ValidationProblem, ProblemHttpResult>> RevokeSecretAsync(
        Guid id, Guid secretId, HttpContext http, AppLifecycle lifecycle, TimeProvider clock, CancellationToken cancellationToken) =>
        ActAsync(id, http, lifecycle, clock, (member, app) => lifecycle.RevokeSecretAsync(member, app, secretId, cancellationToken), cancellationToken);

    private static Task<Results<Ok<AppResource>, ValidationProblem, ProblemHttpResult>> AddRedirectUriAsync(
        Guid id, AddRedirectUriRequest body, HttpContext http, AppLifecycle lifecycle, TimeProvider clock, CancellationToken cancellationToken) =>
        ActAsync(id, http, lifecycle, clock, async (member, app) => (await lifecycle.AddRedirectUriAsync(member, app, body.Uri, cancellationToken)).Errors, cancellationToken);

    private static Task<Results<Ok<AppResource>, ValidationProblem, ProblemHttpResult>> RemoveRedirectUriAsync(
        Guid id, Guid redirectUriId, HttpContext http, AppLifecycle lifecycle, TimeProvider clock, CancellationToken cancellationToken) =>
        ActAsync(id, http, lifecycle, clock, (member, app) => lifecycle.RemoveRedirectUriAsync(member, app, redirectUriId, cancellationToken), cancellationToken);

    private static Task<Results<Ok<AppResource>, ValidationProblem, ProblemHttpResult>> RequestProductionAsync(
        Guid id, ProductionAccessRequest body, HttpContext http, AppLifecycle lifecycle, TimeProvider clock, CancellationToken cancellationToken) =>
        ActAsync(id, http, lifecycle, clock, (member, app) => lifecycle.RequestProductionAccessAsync(member, app,
            new ProductionChecklist(body.TestedInPie, body.StoresSecretsSecurely, body.HasPrivacyPolicy, body.UseCase), cancellationToken), cancellationToken);

    private static async Task<Results<Created<CreatedAppResource>, ValidationProblem, ProblemHttpResult>> CreateTwinAsync(
        Guid id, HttpContext http, AppLifecycle lifecycle, TimeProvider clock, CancellationToken cancellationToken)
    {
        var member = PersonalAccessTokenFilter.Caller(http).Member;
        var own = await lifecycle.OwnAppToChangeAsync(member, id, cancellationToken);
        if (own.App is not { } source)
        {
            return Refused(own);
        }

        var (created, errors) = await lifecycle.CreateProductionTwinAsync(member, source, cancellationToken);
        if (created is null)
        {
            return TypedResults.ValidationProblem(errors, extensions: errors.ProblemExtensions());
        }

        return TypedResults.Created($"{BasePath}/apps/{created.App.Id}", new CreatedAppResource(await ReloadAsync(http, lifecycle, member, created.App.Id, clock, cancellationToken), created.Secret));
    }

    private static async Task<Results<Ok<AppResource>, ValidationProblem, ProblemHttpResult>> ActAsync(
        Guid id, HttpContext http, AppLifecycle lifecycle, TimeProvider clock, Func<Organisations.Member, App, Task<LifecycleErrors>> action, CancellationToken cancellationToken)
    {
        var member = PersonalAccessTokenFilter.Caller(http).Member;
        var own = await lifecycle.OwnAppToChangeAsync(member, id, cancellationToken);
        if (own.App is not { } app)
        {
            return Refused(own);
        }

        var errors = await action(member, app);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, extensions: errors.ProblemExtensions());
        }

        return TypedResults.Ok(await ReloadAsync(http, lifecycle, member, id, clock, cancellationToken));
    }

    private static async Task<AppResource> ReloadAsync(HttpContext http, AppLifecycle lifecycle, Organisations.Member member, Guid id, TimeProvider clock, CancellationToken cancellationToken)
    {
        var app = (await lifecycle.ListAsync(member, cancellationToken)).Single(a => a.Id == id);
        var lastUse = http.RequestServices.GetRequiredService<SecretLastUse>();
        return AppResource.From(app, clock.GetUtcNow(), await lastUse.ForAsync(app, cancellationToken));
    }

    private static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such app in your organisation.");

    /// <summary>The write scope's filter already refuses Viewers; the guard says the same if one gets here.</summary>
    private static ProblemHttpResult Refused(OwnApp own) => own.Refusal == AppRefusal.Forbidden
        ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Viewers cannot change apps.")
        : NotFound();
}
