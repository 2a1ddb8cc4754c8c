using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests;

/// <summary>
/// docs/security-checklist.md §1 against one environment over real HTTP: one test per item id, named after it.
/// Run once per database provider.
/// </summary>
public abstract partial class AuthorizationServerTests(DatabaseProvider provider)
{
    private const string T1Scope = "openid business.fund.list offline_access target:b/T1";

    private Task<EnvironmentUnderTest> StartAsync(FakeTimeProvider? time = null, string key = EnvironmentKeys.Pie) =>
        EnvironmentUnderTest.StartAsync(provider, time, key);

    // ---- The flow itself ----

    [Fact]
    public async Task AuthorizationCode_LoginConsentPkce_IssuesTokensBoundToThePinnedBusiness()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        var callback = await flow.CodeAsync(fx.P);
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code", ["code"] = callback["code"], ["redirect_uri"] = PartnerFlow.RedirectUri, ["code_verifier"] = flow.Verifier,
            }),
        };
        tokenRequest.Headers.Authorization = Basic(fx.P.ClientId, fx.P.Secret);
        using var response = await env.Http.SendAsync(tokenRequest);
        var tokens = new TokenResponse((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());

        Assert.Equal(200, tokens.Status);
        Assert.Equal("s-123", callback["state"]);
        Assert.Equal(env.Issuer, callback["iss"]);
        Assert.Contains("target:b/T1", tokens.Get("scope")!.Split(' '));
        Assert.Equal("T1", tokens.Get("BusinessCode"));
        Assert.Equal("Tenant One Pty Ltd", tokens.Get("BusinessName"));
        Assert.NotNull(tokens.Get("refresh_token"));
        Assert.InRange(tokens.Json.GetProperty("refresh_token_expires_in").GetInt64(), (30 * 86400) - 60, 30 * 86400);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
        var access = Jwt.Payload(tokens.AccessToken);
        Assert.Equal(env.Issuer, access.GetProperty("iss").GetString());
        Assert.Contains("class-api", Jwt.Strings(access.GetProperty("aud")));
        Assert.Equal("T1", access.GetProperty("business_code").GetString());
        Assert.Equal("at+jwt", Jwt.Header(tokens.AccessToken).GetProperty("typ").GetString());
    }

    [Fact]
    public async Task AuthorizationCode_TargetB_UserPicksTheBusinessOnTheConsentPage()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        using var consent = await flow.AuthorizeAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P, "business.fund.list offline_access target:b")));
        var html = await consent.Content.ReadAsStringAsync();
        using var callback = await flow.DecideAsync(consent, "allow", business: "T2");
        var tokens = await flow.RedeemAsync(fx.P, PartnerFlow.Callback(callback)["code"]);

        Assert.Contains("<select id=\"business\"", html);
        Assert.Contains("Tenant One Pty Ltd (T1)", html);
        Assert.Contains("Tenant Two Pty Ltd (T2)", html);
        Assert.Contains("Access your data while you are not logged into Class", html);
        Assert.Contains("Partner P Organisation", html);
        Assert.Contains("data-environment=\"PIE\"", html);
        Assert.Equal("T2", tokens.Get("BusinessCode"));
        Assert.Contains("target:b/T2", tokens.Get("scope")!.Split(' '));
    }

    [Fact]
    public async Task AuthorizationCode_PinnedBusinessTheUserMayNotGrant_ReturnsAccessDenied()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        using var response = await flow.AuthorizeAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P, T1Scope)), "v@class.example");

        Assert.Equal("access_denied", PartnerFlow.Callback(response)["error"]);
    }

    [Fact]
    public async Task Userinfo_ClassProfile_ReturnsBusinessAndRole()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P, "openid profile email class_profile business.fund.list target:b/T2");

        using var response = await env.GetWithTokenAsync("/connect/userinfo", tokens.AccessToken);
        var claims = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("T2", claims.GetProperty("business_code").GetString());
        Assert.Equal("Tenant Two Pty Ltd", claims.GetProperty("business_name").GetString());
        Assert.Equal(ClassRoles.AccessController, claims.GetProperty("business_role").GetString());
        Assert.Equal("u@class.example", claims.GetProperty("email").GetString());
    }

    // ---- helpers ----

    private static Task<TokenResponse> Refresh(EnvironmentUnderTest env, TestPartner client, string refreshToken) =>
        env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "refresh_token"), ("refresh_token", refreshToken));

    private static async Task<HttpResponseMessage> Revoke(EnvironmentUnderTest env, TestPartner client, string token, string? hint)
    {
        var form = new Dictionary<string, string> { ["token"] = token };
        if (hint is not null)
        {
            form["token_type_hint"] = hint;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/revoke") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = Basic(client.ClientId, client.Secret);
        return await env.Http.SendAsync(request);
    }

    private static async Task<JsonElement> Introspect(EnvironmentUnderTest env, TestPartner client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/introspect") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }) };
        request.Headers.Authorization = Basic(client.ClientId, client.Secret);
        using var response = await env.Http.SendAsync(request);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<HttpResponseMessage> Send(EnvironmentUnderTest env, HttpMethod method, string path, TestPartner client)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = Basic(client.ClientId, client.Secret);
        return await env.Http.SendAsync(request);
    }

    private static AuthenticationHeaderValue Basic(string clientId, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}

public sealed class SqliteAuthorizationServerTests() : AuthorizationServerTests(DatabaseProvider.Sqlite);

public sealed class PostgresAuthorizationServerTests() : AuthorizationServerTests(DatabaseProvider.Postgres);
