using System.Net;
using Gatehouse.Hosting.Database;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Portal.Tests.Security;

/// <summary>
/// docs/security-checklist.md MT1 (ASVS 8.2.2): for every portal route with an id, organisation A's Owner using
/// organisation B's id gets 404 and changes nothing, by GET and by each POST handler (with a valid
/// antiforgery token). The cases come from the compiled pages, so new id routes are covered on their own.
/// One portal and its two organisations are shared by the cases (starting one per case was most of the
/// suite's time); each case makes its own fresh id of organisation B and compares a snapshot of
/// everything before and after, so no case depends on another's outcome.
/// </summary>
public sealed class IdorTests(IdorTests.SharedWorld shared) : IClassFixture<IdorTests.SharedWorld>
{
    /// <summary>The portal, organisation A's and B's Owners, signed in; started once for the class.</summary>
    public sealed class SharedWorld : IAsyncLifetime
    {
        private PortalUnderTest? portal;

        public IdorWorld World { get; private set; } = null!;

        public PortalUnderTest Portal => portal!;

        public async Task InitializeAsync()
        {
            // Shared by every case: the per-IP limits on sign-up and sign-in would otherwise trip part-way.
            portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite, overrides: new Dictionary<string, string?>
            {
                ["Portal:RateLimits:AccountFormsPerIp"] = "10000",
                ["Portal:RateLimits:SignInPerIp"] = "10000",
            });
            World = await IdorWorld.CreateAsync(portal);
        }

        public async Task DisposeAsync()
        {
            if (portal is not null)
            {
                await portal.DisposeAsync();
            }
        }
    }

    public static IEnumerable<object[]> Routes() => IdRoutes.Cases();

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task IdRoute_OtherOrganisationsId_NotFoundAndNoChange(string template, string handler)
    {
        var route = (Template: template, Handler: handler);
        var factory = IdRoutes.FactoryFor(route.Template);
        Assert.True(factory is not null, $"The id route {route.Template} has no entry in IdRoutes.Registry: add one that makes an id owned by organisation B, so this test can check it returns 404 to organisation A.");
        var world = shared.World;
        var id = await factory(world);
        var path = route.Template[..route.Template.IndexOf("{id", StringComparison.Ordinal)] + id + route.Template[(route.Template.IndexOf('}', StringComparison.Ordinal) + 1)..];
        var before = await world.SnapshotAsync();

        HttpResponseMessage response;
        if (route.Handler.Length == 0)
        {
            response = await world.OwnerA.GetAsync(path);
        }
        else
        {
            var token = (await world.OwnerA.GetDocumentAsync("/organisation")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
            var target = route.Handler == "-" ? path : $"{path}?handler={route.Handler}";
            response = await world.OwnerA.PostAsync(target, [("__RequestVerificationToken", token), ("NewRole", "Viewer"), ("Role", "Admin"), ("Selected", "dms")]);
        }

        using (response)
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.Equal(before, await world.SnapshotAsync());
    }

    [Fact]
    public async Task RouteTable_EveryIdRoute_IsCoveredByTheRegistry()
    {
        var endpoints = shared.Portal.App.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.Parameters.Any(p => p.Name.Contains("id", StringComparison.OrdinalIgnoreCase)))
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Distinct()
            .ToList();
        var pages = IdRoutes.Pages().Select(p => p.Template).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            if (endpoint.StartsWith(ApiIdorTests.ApiPrefix, StringComparison.Ordinal))
            {
                continue; // management API routes: ApiIdorTests enumerates and checks each of them.
            }

            Assert.True(pages.Contains(endpoint), $"{endpoint} takes an id but is not a compiled page that IdorTests enumerates: cover it (and add it to IdRoutes).");
            Assert.True(IdRoutes.FactoryFor(endpoint) is not null, $"{endpoint} has no entry in IdRoutes.Registry: add one that makes an id owned by organisation B.");
        }
    }
}
