using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Environment;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Gatehouse.Portal.Tests;

/// <summary>A real Production environment plane (not a sandbox) on its own SQLite database.</summary>
public sealed class RealProduction : IAsyncDisposable
{
    private readonly TestDatabase database;
    private readonly WebApplication app;

    private RealProduction(TestDatabase database, WebApplication app, string url)
    {
        this.database = database;
        this.app = app;
        Url = url;
    }

    public string Url { get; }

    public HttpClient Http { get; } = new();

    public static async Task<RealProduction> StartAsync()
    {
        var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var url = FreePort.NextUrl();
        const string section = "Environments:production";
        var app = EnvironmentPlane.Build([], "production", c => c.AddInMemoryCollection(
        [
            new($"{section}:Url", url),
            new($"{section}:DisplayName", "Production"),
            new($"{section}:AdminApiKey", FakeEnvironment.AdminApiKey),
            new($"{section}:IsSandbox", "false"),
            .. database.ConfigurationFor(section),
        ]));
        await app.StartAsync();
        return new RealProduction(database, app, url);
    }

    /// <summary>Registers a Client app for <paramref name="business"/> through the admin API and runs the password grant.</summary>
    public async Task<string> PasswordGrantAsync(string business, string userName, string password)
    {
        var clientId = Guid.NewGuid();
        var secret = ClientSecrets.Generate();
        using (var put = new HttpRequestMessage(HttpMethod.Put, Url + EnvironmentAdminApi.Client(clientId))
        {
            Content = JsonContent.Create(new ClientDescriptor("Acme ops", AppTypes.Client, Guid.NewGuid(), "Acme Advisers", business,
                [new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(secret), null)], ["business.fund.list"], [], Enabled: true)),
        })
        {
            put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FakeEnvironment.AdminApiKey);
            using var registered = await Http.SendAsync(put);
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, Url + "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "password", ["username"] = userName, ["password"] = password, ["scope"] = "business.fund.list",
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{Uri.EscapeDataString(secret)}")));
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        await database.DisposeAsync();
    }
}
