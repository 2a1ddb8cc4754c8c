using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests;
/// <summary>docs/security-checklist.md §1.3 and §1.5: PKCE and grants per app type.</summary>
public abstract partial class AuthorizationServerTests
{
    // ---- 1.3 PKCE ----

    private static async Task<Dictionary<string, string>> AuthorizeErrorAsync(EnvironmentUnderTest env, TestPartner client, Action<Dictionary<string, string>> change)
    {
        using var flow = new PartnerFlow(env);
        var parameters = flow.AuthorizeParameters(client);
        change(parameters);
        using var response = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));
        return PartnerFlow.Callback(response);
    }

    [Fact]
    public async Task PK1_NoCodeChallenge_InvalidRequest()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        var callback = await AuthorizeErrorAsync(env, fx.P, p => { p.Remove("code_challenge"); p.Remove("code_challenge_method"); });
        Assert.Equal("invalid_request", callback["error"]);
    }

    [Fact]
    public async Task PK2_PlainOrOmittedMethod_InvalidRequest_DiscoveryListsOnlyS256()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        var discovery = await env.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");

        Assert.Equal(["S256"], Jwt.Strings(discovery.GetProperty("code_challenge_methods_supported")));
        Assert.Equal("invalid_request", (await AuthorizeErrorAsync(env, fx.P, p => p["code_challenge_method"] = "plain"))["error"]);
        Assert.Equal("invalid_request", (await AuthorizeErrorAsync(env, fx.P, p => p.Remove("code_challenge_method")))["error"]);
    }

    [Fact]
    public async Task PK3_UnsupportedMethod_InvalidRequest()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        Assert.Equal("invalid_request", (await AuthorizeErrorAsync(env, fx.P, p => p["code_challenge_method"] = "S512"))["error"]);
    }

    [Fact]
    public async Task PK5_MissingOrWrongVerifier_Rejected()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var first = await flow.CodeAsync(fx.P);
        var second = await flow.CodeAsync(fx.P);

        var missing = await env.TokenAsync(fx.P.ClientId, fx.P.Secret, ("grant_type", "authorization_code"), ("code", first["code"]), ("redirect_uri", PartnerFlow.RedirectUri));
        var wrong = await flow.RedeemAsync(fx.P, second["code"], PartnerFlow.Base64Url(new byte[32]));

        Assert.Equal("invalid_request", missing.Error); // recorded: OpenIddict answers invalid_request (FAPI2 expects invalid_grant)
        Assert.Equal("invalid_grant", wrong.Error);
    }

    [Fact]
    public async Task PK6_VerifierTooShortOrBadCharacters_Rejected()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var code = (await flow.CodeAsync(fx.P))["code"];

        var response = await flow.RedeemAsync(fx.P, code, "short");

        Assert.NotEqual(200, response.Status);
    }

    // ---- 1.5 grants per app type ----

    [Fact]
    public async Task CA9_PartnerPasswordOrClientCredentials_UnauthorizedClient_ClientAppCode_Rejected()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        var clientApp = await env.ProvisionClientAppAsync();
        using var flow = new PartnerFlow(env);

        var password = await env.TokenAsync(fx.P.ClientId, fx.P.Secret, ("grant_type", "password"), ("username", "u@class.example"), ("password", PartnerFlow.UserPassword));
        var credentials = await env.TokenAsync(fx.P.ClientId, fx.P.Secret, ("grant_type", "client_credentials"));
        var parameters = flow.AuthorizeParameters(fx.P);
        parameters["client_id"] = clientApp.ClientId;
        using var authorize = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));

        Assert.Equal("unauthorized_client", password.Error);
        Assert.Equal("unauthorized_client", credentials.Error);
        Assert.Null(authorize.Headers.Location?.OriginalString.Contains("code=", StringComparison.Ordinal) == true ? "code issued" : null);
    }
}
