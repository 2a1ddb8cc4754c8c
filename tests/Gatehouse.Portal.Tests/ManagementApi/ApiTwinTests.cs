using System.Reflection;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Apps;
using Gatehouse.Portal.ManagementApi;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Portal.Tests.ManagementApi;

/// <summary>
/// Issue 4: "every UI action has a management API twin". The app pages' handlers are found by
/// reflection, so a new UI action without an API route (or a mapping here) fails this test; each
/// mapped route must exist in the running portal with its HTTP method and the right token scope.
/// ManagementApi_WholeLifecycle_MatchesTheUi drives those routes.
/// </summary>
public sealed class ApiTwinTests
{
    private static readonly Dictionary<string, (string Method, string Route)> Twins = new(StringComparer.Ordinal)
    {
        // Actions (POST handlers).
        [$"{nameof(CreateAppModel)}.OnPostAsync"] = ("POST", "/api/v1/apps"),
        [$"{nameof(EditAppModel)}.OnPostAsync"] = ("PATCH", "/api/v1/apps/{id:guid}"),
        [$"{nameof(SelectedApiModel)}.OnPostAsync"] = ("PUT", "/api/v1/apps/{id:guid}/apis"),
        [$"{nameof(AppDetailsModel)}.OnPostRotateAsync"] = ("POST", "/api/v1/apps/{id:guid}/secrets"),
        [$"{nameof(AppDetailsModel)}.OnPostRevokeAsync"] = ("DELETE", "/api/v1/apps/{id:guid}/secrets/{secretId:guid}"),
        [$"{nameof(AppDetailsModel)}.OnPostAddRedirectUriAsync"] = ("POST", "/api/v1/apps/{id:guid}/redirect-uris"),
        [$"{nameof(AppDetailsModel)}.OnPostRemoveRedirectUriAsync"] = ("DELETE", "/api/v1/apps/{id:guid}/redirect-uris/{redirectUriId:guid}"),
        [$"{nameof(AppDetailsModel)}.OnPostRequestProductionAsync"] = ("POST", "/api/v1/apps/{id:guid}/production-request"),
        [$"{nameof(AppDetailsModel)}.OnPostTwinAsync"] = ("POST", "/api/v1/apps/{id:guid}/production-twin"),
        [$"{nameof(AppDetailsModel)}.OnPostDeleteAsync"] = ("DELETE", "/api/v1/apps/{id:guid}"),

        // What the pages show (GET handlers).
        [$"{nameof(AppsModel)}.OnGetAsync"] = ("GET", "/api/v1/apps"),
        [$"{nameof(AppDetailsModel)}.OnGetAsync"] = ("GET", "/api/v1/apps/{id:guid}"),
        [$"{nameof(SelectedApiModel)}.OnGetAsync"] = ("GET", "/api/v1/products"),
        [$"{nameof(EditAppModel)}.OnGetAsync"] = ("GET", "/api/v1/apps/{id:guid}"),
        [$"{nameof(CreateAppModel)}.OnGetAsync"] = ("GET", "/api/v1/products"),
    };

    [Fact]
    public void AppPages_EveryHandler_HasAMappedApiTwin()
    {
        var handlers = AppPageHandlers().ToList();

        Assert.NotEmpty(handlers);
        Assert.Empty(handlers.Except(Twins.Keys));
        Assert.Empty(Twins.Keys.Except(handlers));
    }

    [Fact]
    public async Task ApiTwins_EveryMappedRoute_ExistsWithItsMethodAndScope()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite, startPie: false);
        var endpoints = portal.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        foreach (var (handler, (method, route)) in Twins)
        {
            var endpoint = endpoints.SingleOrDefault(e => e.RoutePattern.RawText == route
                && e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.Contains(method) == true);
            Assert.True(endpoint is not null, $"{handler}: no {method} {route} in the management API.");
            var scope = endpoint!.Metadata.GetMetadata<RequiredApiScope>()?.Scope;
            Assert.Equal(method == "GET" ? ApiScopes.AppsRead : ApiScopes.AppsWrite, scope);
        }
    }

    /// <summary>"Model.Method" for every OnGet/OnPost handler of the PageModels in the Apps feature folder.</summary>
    private static IEnumerable<string> AppPageHandlers() =>
        typeof(AppLifecycle).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(AppLifecycle).Namespace && typeof(PageModel).IsAssignableFrom(t))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m.Name.StartsWith("OnGet", StringComparison.Ordinal) || m.Name.StartsWith("OnPost", StringComparison.Ordinal))
                .Select(m => $"{t.Name}.{m.Name}"));
}
