using System.Text.Json;
using System.Text.RegularExpressions;
using Gatehouse.Environment.PartnerApi;
using Gatehouse.Hosting.Database;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Environment.Tests.PartnerApi;

public sealed partial class OpenApiDocumentTests
{
    [GeneratedRegex(@"\{(?<name>[A-Za-z0-9_]+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();

    /// <summary>The served document of each product and the routes of that product match one to one.</summary>
    [Theory]
    [InlineData(ClassProducts.PartnerApi)]
    [InlineData(ClassProducts.Dms)]
    public async Task Document_OfEachProduct_ListsExactlyItsRoutes(string product)
    {
        await using var env = await EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var routes = env.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ClassOperation>()?.Product == product)
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods
                .Select(m => $"{m} {RouteParameter().Replace(e.RoutePattern.RawText!, "{${name}}")}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        using var response = await env.Http.GetAsync($"/openapi/{product}.json");
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var documented = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(op => op.Name is "get" or "post" or "put" or "delete" or "patch")
                .Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(routes);
        Assert.Equal(routes, documented);
        Assert.StartsWith("3.1", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal(env.Url, document.RootElement.GetProperty("servers")[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task Document_UnknownProduct_NotFound()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite);
        using var response = await env.Http.GetAsync("/openapi/admin.json");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
