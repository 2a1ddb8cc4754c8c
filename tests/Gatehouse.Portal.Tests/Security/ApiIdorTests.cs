using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Apps;
using Gatehouse.Portal.Tests.Apps;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Portal.Tests.Security;

/// <summary>
/// docs/security-checklist.md MT1 for the management API: every <c>/api/v1</c> route with an id, called by
/// organisation A's token (read and write scopes) with organisation B's app, secret or redirect URI
/// id, answers 404 and changes nothing. The routes come from the live endpoint table, so new ones
/// are covered on their own.
/// </summary>
public sealed class ApiIdorTests
{
    public const string ApiPrefix = "/api/v1/";

    [Fact]
    public async Task ApiIdRoutes_OtherOrganisationsIds_NotFoundAndNoChange()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var world = await IdorWorld.CreateAsync(portal);
        var appOfB = (await PortalUnderTest.CreateAppAsync(world.OwnerB, "B-App")).AppId;
        var secretOfB = await portal.QueryAsync(db => db.Set<AppSecret>().Where(s => s.AppId == appOfB).Select(s => s.Id).FirstAsync());
        using var token = await AppTestSupport.PostHandlerAsync(world.OwnerA, "/api-tokens", "Create",
            ("Input.Name", "idor"), ("Input.Read", "true"), ("Input.Write", "true"), ("Input.LifetimeDays", "30"));
        var pat = Browser.Parse(await token.Content.ReadAsStringAsync()).QuerySelector("#new-token")!.GetAttribute("value")!;
        using var api = new HttpClient { BaseAddress = new Uri(portal.Url) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", pat);

        var routes = IdRoutesOf(portal);
        Assert.NotEmpty(routes);
        var before = await world.SnapshotAsync();
        foreach (var (method, template) in routes)
        {
            var path = template
                .Replace("{id:guid}", appOfB.ToString(), StringComparison.Ordinal)
                .Replace("{secretId:guid}", secretOfB.ToString(), StringComparison.Ordinal)
                .Replace("{redirectUriId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain('{', path);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var response = await api.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {template}: {(int)response.StatusCode}");
        }

        Assert.Equal(before, await world.SnapshotAsync());
    }

    /// <summary>Every (method, template) under /api/v1 that takes an id.</summary>
    public static IReadOnlyList<(string Method, string Template)> IdRoutesOf(PortalUnderTest portal) =>
        [.. portal.App.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith(ApiPrefix.TrimStart('/'), StringComparison.Ordinal)
                && e.RoutePattern.Parameters.Any(p => p.Name.Contains("id", StringComparison.OrdinalIgnoreCase)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct()];
}
