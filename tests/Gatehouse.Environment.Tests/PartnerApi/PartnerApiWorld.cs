using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests.PartnerApi;

/// <summary>
/// Two sandbox businesses (T1 with its Client app, T2 with its own) in one environment, and the
/// calls the Partner API and DMS tests make.
/// </summary>
public sealed class PartnerApiWorld : IAsyncDisposable
{
    public const string AllScopes = "business.fund.list fund.read fund.maintain fund.details.read fund.details.maintain fund.member.read fund.member.maintain dms.documents.read dms.documents.write";

    private PartnerApiWorld(EnvironmentUnderTest env, TestClient t1, TestClient t2)
    {
        Env = env;
        T1 = t1;
        T2 = t2;
    }

    public EnvironmentUnderTest Env { get; }

    public TestClient T1 { get; }

    public TestClient T2 { get; }

    public static Guid T1Organisation { get; } = new("0e1f6a3c-5b7d-4c2e-9a81-1d2c3b4a5f60");

    public static Guid T2Organisation { get; } = new("7c9d2e4f-1a3b-4d5c-8e6f-90a1b2c3d4e5");

    public static async Task<PartnerApiWorld> StartAsync(DatabaseProvider provider, FakeTimeProvider? time = null, IReadOnlyList<KeyValuePair<string, string?>>? settings = null)
    {
        var env = await EnvironmentUnderTest.StartAsync(provider, time, settings: settings);
        var scopes = AllScopes.Split(' ').Append("offline_access").ToList();
        // Fixed organisations, so both sandboxes are the same on every run (the generator is seeded by
        // the organisation id) and T2 has funds whose codes T1 does not have.
        var t1 = await env.ProvisionClientAppAsync(scopes, organisationId: T1Organisation);

        // T2: another organisation, its own API user and app.
        var t2Org = T2Organisation;
        var t2Sandbox = await env.ProvisionSandboxAsync(t2Org, "Other Advisers", "api@other.example", TestClient.Password);
        var t2Id = Guid.NewGuid();
        var secret = ClientSecrets.Generate();
        var descriptor = new ClientDescriptor("Other app", AppTypes.Client, t2Org, "Other Advisers", t2Sandbox.BusinessCode,
            [new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(secret), null)], scopes, [], Enabled: true);
        using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(t2Id), descriptor));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return new PartnerApiWorld(env, t1, new TestClient(t2Id.ToString(), secret, t2Sandbox, descriptor));
    }

    /// <summary>A user (password grant) token of the app's API user.</summary>
    public async Task<string> UserTokenAsync(TestClient client, string scope = AllScopes)
    {
        var userName = client == T2 ? "api@other.example" : "api@acme.example";
        var token = await Env.TokenAsync(client.ClientId, client.Secret,
            ("grant_type", "password"), ("username", userName), ("password", TestClient.Password), ("scope", scope));
        return token.AccessToken;
    }

    public async Task<string> AppTokenAsync(TestClient client, string scope = AllScopes) =>
        (await Env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"), ("scope", scope))).AccessToken;

    public async Task<(HttpResponseMessage Response, JsonElement Body)> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await Env.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json"
            ? JsonDocument.Parse(text).RootElement.Clone()
            : default;
        return (response, body);
    }

    public Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(string path, string? token) => SendAsync(HttpMethod.Get, path, token);

    public Task<(HttpResponseMessage Response, JsonElement Body)> PostJsonAsync(string path, string? token, object body) =>
        SendAsync(HttpMethod.Post, path, token, JsonContent.Create(body, options: new JsonSerializerOptions { PropertyNamingPolicy = null }));

    public static HttpContent Json(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    public async Task<IReadOnlyList<string>> FundCodesAsync(TestClient client, string token)
    {
        var (_, body) = await GetAsync($"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list", token);
        return [.. body.GetProperty("Data")[0].GetProperty("FundSummaries").EnumerateArray().Select(f => f.GetProperty("Code").GetString()!)];
    }

    public async Task<IReadOnlyList<string>> MemberIdsAsync(TestClient client, string fundCode, string token)
    {
        var (_, body) = await GetAsync($"/api/1.0/f/{client.Sandbox.BusinessCode}/{fundCode}/member-data/member-list", token);
        return [.. body.GetProperty("Data")[0].GetProperty("MemberSummaries").EnumerateArray().Select(m => m.GetProperty("Link").GetProperty("Id").GetString()!)];
    }

    public async Task<IReadOnlyList<string>> DocumentIdsAsync(TestClient client, string fundCode, string token)
    {
        var (_, body) = await GetAsync($"/api/1.0/f/{client.Sandbox.BusinessCode}/{fundCode}/dms/documents", token);
        return [.. body.GetProperty("Data").EnumerateArray().Select(d => d.GetProperty("Id").GetString()!)];
    }

    public static string ErrorCode(JsonElement body) => body.GetProperty("Errors")[0].GetProperty("Code").GetString()!;

    public ValueTask DisposeAsync() => Env.DisposeAsync();
}
