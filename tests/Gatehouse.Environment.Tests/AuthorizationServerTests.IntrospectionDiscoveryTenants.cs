using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests;
/// <summary>docs/security-checklist.md §1.9–1.11: introspection, discovery, environments and tenants.</summary>
public abstract partial class AuthorizationServerTests
{
    // ---- 1.9 Introspection ----

    [Fact]
    public async Task IN1_UnauthenticatedIntrospection_401()
    {
        await using var env = await StartAsync();
        using var response = await env.Http.PostAsync("/connect/introspect", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "x" }));
        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest, response.StatusCode.ToString());
        Assert.Contains("invalid_client", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task IN2_RevokedOrUnknownToken_ExactlyActiveFalse()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);
        (await Revoke(env, fx.P, tokens.AccessToken, "access_token")).Dispose();

        foreach (var token in new[] { tokens.AccessToken, "unknown" })
        {
            var result = await Introspect(env, fx.P, token);
            Assert.Equal("{\"active\":false}", string.Concat(result.GetRawText().Where(c => !char.IsWhiteSpace(c))));
        }
    }

    [Fact]
    public async Task IN3_OtherClientsToken_ActiveFalse()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.Q);

        Assert.False((await Introspect(env, fx.P, tokens.AccessToken)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task IN4_ActiveToken_ClaimsConsistentWithTheJwt()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);
        var jwt = Jwt.Payload(tokens.AccessToken);

        var result = await Introspect(env, fx.P, tokens.AccessToken);

        Assert.True(result.GetProperty("active").GetBoolean());
        Assert.Equal(fx.P.ClientId, result.GetProperty("client_id").GetString());
        Assert.Equal(jwt.GetProperty("sub").GetString(), result.GetProperty("sub").GetString());
        Assert.Equal(jwt.GetProperty("exp").GetInt64(), result.GetProperty("exp").GetInt64());
        Assert.Equal(env.Issuer, result.GetProperty("iss").GetString());
        Assert.Contains("class-api", Jwt.Strings(result.GetProperty("aud")));
        Assert.Equal("Bearer", result.GetProperty("token_type").GetString());
        Assert.Contains("business.fund.list", result.GetProperty("scope").GetString()!.Split(' '));
    }

    // ---- 1.10 Discovery and hygiene ----

    [Fact]
    public async Task DK1_Discovery_IssuerEndpointsAndCodeOnly()
    {
        await using var env = await StartAsync();
        using var openid = await env.Http.GetAsync("/.well-known/openid-configuration");
        using var oauth = await env.Http.GetAsync("/.well-known/oauth-authorization-server");
        var discovery = await openid.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, oauth.StatusCode);
        Assert.Equal(env.Issuer, discovery.GetProperty("issuer").GetString());
        Assert.Equal(["code"], Jwt.Strings(discovery.GetProperty("response_types_supported")));
        Assert.Contains("openid", Jwt.Strings(discovery.GetProperty("scopes_supported")));
        foreach (var name in new[] { "authorization_endpoint", "token_endpoint", "introspection_endpoint", "revocation_endpoint", "userinfo_endpoint", "end_session_endpoint", "jwks_uri" })
        {
            Assert.StartsWith(env.Issuer, discovery.GetProperty(name).GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(["authorization_code", "client_credentials", "password", "refresh_token"], Jwt.Strings(discovery.GetProperty("grant_types_supported")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DK2_Jwks_OnlyPublicRsaKeysWithUniqueKids()
    {
        await using var env = await StartAsync();
        var jwks = await env.Http.GetFromJsonAsync<JsonElement>("/.well-known/jwks");
        var keys = jwks.GetProperty("keys").EnumerateArray().ToList();

        Assert.NotEmpty(keys);
        Assert.All(keys, k =>
        {
            Assert.Equal("RSA", k.GetProperty("kty").GetString());
            Assert.False(k.TryGetProperty("d", out _));
            Assert.True(Convert.FromBase64String(Pad(k.GetProperty("n").GetString()!)).Length * 8 >= 2048);
        });
        Assert.Equal(keys.Count, keys.Select(k => k.GetProperty("kid").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task DK3_TokenResponses_CacheControlNoStore()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }) };
        request.Headers.Authorization = Basic(client.ClientId, client.Secret);
        using var response = await env.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public async Task DK4_IdToken_IssAudExpIatSubNonceAuthTime()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var parameters = flow.AuthorizeParameters(fx.P, "openid business.fund.list target:b/T1");
        parameters["nonce"] = "n-0S6_WzA2Mj";
        parameters["max_age"] = "300";

        using var consent = await flow.AuthorizeAsync(PartnerFlow.AuthorizeUrl(parameters));
        using var callback = await flow.DecideAsync(consent);
        var tokens = await flow.RedeemAsync(fx.P, PartnerFlow.Callback(callback)["code"]);
        var idToken = Jwt.Payload(tokens.Get("id_token")!);

        Assert.Equal(env.Issuer, idToken.GetProperty("iss").GetString());
        Assert.Equal([fx.P.ClientId], Jwt.Strings(idToken.GetProperty("aud")));
        Assert.True(idToken.TryGetProperty("exp", out _));
        Assert.True(idToken.TryGetProperty("iat", out _));
        Assert.True(idToken.TryGetProperty("sub", out _));
        Assert.Equal("n-0S6_WzA2Mj", idToken.GetProperty("nonce").GetString());
        Assert.True(idToken.TryGetProperty("auth_time", out _));
    }

    [Fact]
    public async Task DK5_IdTokenAsAccessToken_Rejected()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);

        using var response = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokens.Get("id_token"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    // ---- 1.11 Environments and tenants ----

    [Fact]
    public async Task EN3_ConsentForT1_NotReusedForT2()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        await flow.TokensAsync(fx.P);

        var t2 = flow.AuthorizeParameters(fx.P, "openid business.fund.list offline_access target:b/T2");
        t2["prompt"] = "none";
        using var silent = await flow.GetAsync(PartnerFlow.AuthorizeUrl(t2));
        t2.Remove("prompt");
        using var interactive = await flow.GetAsync(PartnerFlow.AuthorizeUrl(t2));
        var t1 = flow.AuthorizeParameters(fx.P);
        t1["prompt"] = "none";
        using var again = await flow.GetAsync(PartnerFlow.AuthorizeUrl(t1));

        Assert.Equal("consent_required", PartnerFlow.Callback(silent)["error"]);
        Assert.Equal(HttpStatusCode.OK, interactive.StatusCode);
        Assert.True(PartnerFlow.Callback(again).ContainsKey("code"));
    }

    [Fact]
    public async Task EN4_TokenForT1_CannotReadT2()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);

        using var response = await env.GetWithTokenAsync("/api/1.0/b/T2/fund-data/fund-list", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task EN5_RevokingT1Connection_KillsT1TokensOnlyAtOnce()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var t1 = await flow.TokensAsync(fx.P);
        var t2 = await flow.TokensAsync(fx.P, "openid business.fund.list offline_access target:b/T2");

        using var accessPage = await flow.GetAsync("/account/access");
        var html = await accessPage.Content.ReadAsStringAsync();
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        var t1Form = document.QuerySelectorAll("h2[data-business='T1'] + table form").Single();
        var form = t1Form.QuerySelectorAll("input[name]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        using var revoke = await flow.Browser.PostAsync("/account/access", new FormUrlEncodedContent(form));

        using var t1Api = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", t1.AccessToken);
        using var t2Api = await env.GetWithTokenAsync("/api/1.0/b/T2/fund-data/fund-list", t2.AccessToken);
        var t1Refresh = await Refresh(env, fx.P, t1.Get("refresh_token")!);
        var t2Refresh = await Refresh(env, fx.P, t2.Get("refresh_token")!);

        Assert.Contains("data-business=\"T1\"", html);
        Assert.Contains("data-business=\"T2\"", html);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, t1Api.StatusCode);
        Assert.Equal(HttpStatusCode.OK, t2Api.StatusCode);
        Assert.Equal("invalid_grant", t1Refresh.Error);
        Assert.Equal(200, t2Refresh.Status);
    }
}
