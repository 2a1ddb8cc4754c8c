using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests;

/// <summary>
/// One environment plane on a real 127.0.0.1 port with its own database, started the way the host
/// starts it. <see cref="RestartAsync"/> stops it and builds a new one on the same database and URL.
/// </summary>
public sealed class EnvironmentUnderTest : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789";

    private readonly TestDatabase database;
    private readonly bool ownsDatabase;
    private readonly FakeTimeProvider? time;
    private readonly IReadOnlyList<KeyValuePair<string, string?>> settings;
    private readonly Action<IServiceCollection>? services;

    private EnvironmentUnderTest(TestDatabase database, bool ownsDatabase, string url, string key, FakeTimeProvider? time, IReadOnlyList<KeyValuePair<string, string?>>? settings = null, HttpMessageHandler? handler = null, Action<IServiceCollection>? services = null)
    {
        this.settings = settings ?? [];
        this.services = services;
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        this.time = time;
        Url = url;
        Key = key;
        App = Build();
        Http = new HttpClient(handler ?? new HttpClientHandler()) { BaseAddress = new Uri(url) };
    }

    /// <summary>The environment's own database (tests that take it away: RV6).</summary>
    public TestDatabase Database => database;

    public string Url { get; }

    public string Key { get; }

    public string Issuer => Url + "/";

    public WebApplication App { get; private set; }

    public HttpClient Http { get; }

    /// <param name="settings">Extra configuration, e.g. <c>Environments:pie:RateLimits:PerMinute</c>.</param>
    /// <param name="url">The public URL (default: http on a free loopback port); https needs a certificate in <paramref name="settings"/>.</param>
    /// <param name="handler">The test's HTTP handler (e.g. one trusting a test certificate).</param>
    /// <param name="services">Runs after the environment's own registrations: a test's decorator or log capture.</param>
    public static async Task<EnvironmentUnderTest> StartAsync(DatabaseProvider provider, FakeTimeProvider? time = null, string key = EnvironmentKeys.Pie, IReadOnlyList<KeyValuePair<string, string?>>? settings = null, string? url = null, HttpMessageHandler? handler = null, Action<IServiceCollection>? services = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var environment = new EnvironmentUnderTest(database, ownsDatabase: true, url ?? FreePort.NextUrl(), key, time, settings, handler, services);
        await environment.App.StartAsync();
        return environment;
    }

    /// <summary>
    /// Another node of the same environment: same database, issuer and clock, its own port (a cluster
    /// behind a load balancer). The caller disposes it; the database stays this one's.
    /// </summary>
    public async Task<EnvironmentUnderTest> StartNodeAsync()
    {
        var node = new EnvironmentUnderTest(database, ownsDatabase: false, FreePort.NextUrl(), Key, time,
            [.. settings, new($"{EnvironmentEndpoint.SectionName}:{Key}:Issuer", Issuer)]);
        await node.App.StartAsync();
        return node;
    }

    public async Task RestartAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        App = Build();
        await App.StartAsync();
    }

    private WebApplication Build()
    {
        var section = $"{EnvironmentEndpoint.SectionName}:{Key}";
        var app = EnvironmentPlane.Build([], Key, cfg => cfg.AddInMemoryCollection(
        [
            new($"{section}:Url", Url),
            // PIE is the sandbox; the production key starts a Production environment (its defaults:
            // MFA required for Class users).
            new($"{section}:DisplayName", Key == EnvironmentKeys.Production ? "Production" : "PIE"),
            new($"{section}:AdminApiKey", AdminKey),
            new($"{section}:IsSandbox", Key == EnvironmentKeys.Production ? "false" : "true"),
            .. database.ConfigurationFor(section),
        ]).AddInMemoryCollection(settings), // a later source wins: settings may override the defaults above
        collection =>
        {
            // Tests about expiry move a fake clock instead of waiting.
            if (time is not null)
            {
                collection.AddSingleton<TimeProvider>(time);
            }

            services?.Invoke(collection);
        });
        return app;
    }

    // ---- Admin API helpers ----

    public HttpRequestMessage Admin(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    /// <summary>A provisioned sandbox with its API user, and a Client app linked to it.</summary>
    public async Task<TestClient> ProvisionClientAppAsync(
        IReadOnlyList<string>? scopes = null, string appType = AppTypes.Client, DateTimeOffset? secretExpiresAt = null, Guid? organisationId = null)
    {
        var organisation = organisationId ?? Guid.NewGuid();
        var sandbox = await ProvisionSandboxAsync(organisation, "Acme Advisers", "api@acme.example", TestClient.Password);
        var clientId = Guid.NewGuid();
        var secret = ClientSecrets.Generate();
        var descriptor = new ClientDescriptor(
            "Acme app", appType, organisation, "Acme Advisers", sandbox.BusinessCode,
            [new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(secret), secretExpiresAt)],
            scopes ?? ["business.fund.list", "fund.read", "offline_access", "openid", "profile"],
            appType == AppTypes.Partner ? ["https://partner.example/callback"] : [],
            Enabled: true);
        using var response = await Http.SendAsync(Admin(HttpMethod.Put, EnvironmentAdminApi.Client(clientId), descriptor));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return new TestClient(clientId.ToString(), secret, sandbox, descriptor);
    }

    public async Task<SandboxProvisioned> ProvisionSandboxAsync(Guid organisation, string name, string userName, string password)
    {
        using var response = await Http.SendAsync(Admin(HttpMethod.Put, EnvironmentAdminApi.Sandbox(organisation), new SandboxRequest(name, userName, password)));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SandboxProvisioned>())!;
    }

    // ---- Token endpoint helpers ----

    public async Task<TokenResponse> TokenAsync(string clientId, string secret, params (string Name, string Value)[] form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
        using var response = await Http.SendAsync(request);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return new TokenResponse((int)response.StatusCode, json);
    }

    public Task<TokenResponse> PasswordGrantAsync(TestClient client, string? password = null, string scope = "business.fund.list offline_access") =>
        TokenAsync(client.ClientId, client.Secret,
            ("grant_type", "password"), ("username", "api@acme.example"), ("password", password ?? TestClient.Password), ("scope", scope));

    public async Task<HttpResponseMessage> GetWithTokenAsync(string path, string? accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return await Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (ownsDatabase)
        {
            await database.DisposeAsync();
        }
    }
}

public sealed record TestClient(string ClientId, string Secret, SandboxProvisioned Sandbox, ClientDescriptor Descriptor)
{
    public const string Password = "Sandbox-Passw0rd!";
}

public sealed record TokenResponse(int Status, JsonElement Json)
{
    public string? Error => Json.TryGetProperty("error", out var e) ? e.GetString() : null;

    public string? Get(string name) => Json.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    public string AccessToken => Get("access_token") ?? throw new InvalidOperationException($"No access token: {Json}");
}
