using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Environment;
using Gatehouse.Hosting.Database;
using Gatehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Gatehouse.Portal.Tests;

/// <summary>A real PIE environment plane (a sandbox) on its own database, for a portal that pushes to it (<see cref="PortalSettings"/>).</summary>
public sealed class RealPie : IAsyncDisposable
{
    private readonly TestDatabase database;
    private readonly WebApplication app;

    private RealPie(TestDatabase database, WebApplication app, string url)
    {
        this.database = database;
        this.app = app;
        Url = url;
    }

    public string Url { get; }

    public HttpClient Http { get; } = new();

    /// <summary>Portal settings that point its "pie" environment here.</summary>
    public Dictionary<string, string?> PortalSettings => new() { ["Environments:pie:Url"] = Url };

    public static async Task<RealPie> StartAsync(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var url = FreePort.NextUrl();
        const string section = "Environments:pie";
        var app = EnvironmentPlane.Build([], "pie", c => c.AddInMemoryCollection(
        [
            new($"{section}:Url", url),
            new($"{section}:DisplayName", "PIE"),
            new($"{section}:AdminApiKey", FakeEnvironment.AdminApiKey),
            new($"{section}:IsSandbox", "true"),
            .. database.ConfigurationFor(section),
        ]));
        await app.StartAsync();
        return new RealPie(database, app, url);
    }

    /// <summary>A request to the admin API with the admin key.</summary>
    public HttpRequestMessage Admin(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, Url + path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FakeEnvironment.AdminApiKey);
        return request;
    }

    /// <summary>
    /// Client authentication alone at /connect/token: a refresh grant with a token that does not exist.
    /// "invalid_client" means the secret was refused, "invalid_grant" that it authenticated.
    /// </summary>
    public async Task<string?> TokenErrorAsync(string clientId, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url + "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = "not-a-token" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{Uri.EscapeDataString(secret)}")));
        using var response = await Http.SendAsync(request);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        await database.DisposeAsync();
    }
}
