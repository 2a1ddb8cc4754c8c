using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests.TryIt;

/// <summary>POST /admin/v1/clients/{clientId}/try-it-tokens and CORS on the Class API (ADR 0013).</summary>
public abstract class TryItTokenTests(DatabaseProvider provider)
{
    private const string PortalOrigin = "http://127.0.0.1:5999";

    private static readonly IReadOnlyList<KeyValuePair<string, string?>> PortalSettings = [new("Portal:Url", PortalOrigin + "/")];

    [Fact]
    public async Task TryItToken_WrongKey_Is401()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider);
        var client = await env.ProvisionClientAppAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, TryItApi.Tokens(Guid.Parse(client.ClientId))) { Content = JsonContent.Create(new TryItTokenRequest(null)) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key");

        using var response = await env.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TryItToken_UnknownClient_Is404()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider);
        await env.ProvisionClientAppAsync();

        using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Post, TryItApi.Tokens(Guid.NewGuid()), new TryItTokenRequest(null)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task TryItToken_KnownClient_CallsFundListOfItsSandboxBusinessOnly()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider);
        var client = await env.ProvisionClientAppAsync(["business.fund.list", "fund.read", "offline_access", "openid", "profile"]);

        var issued = await IssueAsync(env, client, ["business.fund.list", "fund.read", "dms.documents.read", "offline_access"]);

        // Only permitted product scopes; never offline_access, so no refresh token can exist.
        Assert.Equal(["business.fund.list", "fund.read"], issued.Scope.Split(' ').Where(s => !s.StartsWith("target:", StringComparison.Ordinal)).Order());
        Assert.Contains($"target:b/{client.Sandbox.BusinessCode}", issued.Scope.Split(' '));
        Assert.Equal(client.Sandbox.BusinessCode, issued.BusinessCode);
        using var funds = await env.GetWithTokenAsync($"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list", issued.AccessToken);
        Assert.Equal(HttpStatusCode.OK, funds.StatusCode);
        var body = JsonDocument.Parse(await funds.Content.ReadAsStringAsync()).RootElement;
        Assert.True(body.GetProperty("Data")[0].GetProperty("FundSummaries").GetArrayLength() > 0);

        using var other = await env.GetWithTokenAsync("/api/1.0/b/SOMEONE_ELSE/fund-data/fund-list", issued.AccessToken);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task TryItToken_Issued_HasNoRefreshTokenAndLivesAtMostTenMinutes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await EnvironmentUnderTest.StartAsync(provider, time);
        var client = await env.ProvisionClientAppAsync();

        using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Post, TryItApi.Tokens(Guid.Parse(client.ClientId)), new TryItTokenRequest(null)));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var token = json.GetProperty("accessToken").GetString()!;

        Assert.False(json.TryGetProperty("refreshToken", out _));
        Assert.DoesNotContain("offline_access", json.GetProperty("scope").GetString()!.Split(' '));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.InRange(json.GetProperty("expiresIn").GetInt32(), 1, 600);
        var payload = Jwt.Payload(token);
        Assert.InRange(payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64(), 1, 600);
        Assert.Equal(client.ClientId, payload.GetProperty("client_id").GetString());
        Assert.Equal("at+jwt", Jwt.Header(token).GetProperty("typ").GetString());

        var path = $"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list";
        using (var fresh = await env.GetWithTokenAsync(path, token))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        using var expired = await env.GetWithTokenAsync(path, token);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task TryItToken_ClientDeleted_StopsWorking()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider);
        var client = await env.ProvisionClientAppAsync();
        var issued = await IssueAsync(env, client, null);

        using (var deleted = await env.Http.SendAsync(env.Admin(HttpMethod.Delete, EnvironmentAdminApi.Client(Guid.Parse(client.ClientId)))))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        // The token has an entry like any other: revoked with its client (token entry validation).
        using var response = await env.GetWithTokenAsync($"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list", issued.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ClassApiPreflight_FromPortalOrigin_IsAllowed()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider, settings: PortalSettings);

        using var response = await env.Http.SendAsync(Preflight("/api/1.0/b/ANY/fund-data/fund-list", PortalOrigin));

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}");
        Assert.Equal(PortalOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("authorization", Header(response, "Access-Control-Allow-Headers")!.ToLowerInvariant());
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task ClassApiPreflight_FromAnotherOrigin_IsRefused()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider, settings: PortalSettings);

        using var preflight = await env.Http.SendAsync(Preflight("/api/1.0/b/ANY/fund-data/fund-list", "https://evil.example"));
        using var simple = new HttpRequestMessage(HttpMethod.Get, "/api/1.0/b/ANY/fund-data/fund-list");
        simple.Headers.Add("Origin", "https://evil.example");
        using var actual = await env.Http.SendAsync(simple);

        Assert.Null(Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Null(Header(actual, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task TokenEndpointPreflight_FromPortalOrigin_GetsNoCorsHeaders()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider, settings: PortalSettings);

        // Only the Class API routes are open to the portal's page; the token endpoint stays same-origin.
        using var response = await env.Http.SendAsync(Preflight("/connect/token", PortalOrigin));

        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    private static async Task<TryItTokenIssued> IssueAsync(EnvironmentUnderTest env, TestClient client, IReadOnlyList<string>? scopes)
    {
        using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Post, TryItApi.Tokens(Guid.Parse(client.ClientId)), new TryItTokenRequest(scopes)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TryItTokenIssued>())!;
    }

    private static HttpRequestMessage Preflight(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}

public sealed class SqliteTryItTokenTests() : TryItTokenTests(DatabaseProvider.Sqlite);

public sealed class PostgresTryItTokenTests() : TryItTokenTests(DatabaseProvider.Postgres);
