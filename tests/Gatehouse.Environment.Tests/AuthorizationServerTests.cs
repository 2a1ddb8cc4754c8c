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
/// SECURITY.md §1 against one environment over real HTTP: one test per item id, named after it.
/// Run once per database provider.
/// </summary>
public abstract class AuthorizationServerTests(DatabaseProvider provider)
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

    // ---- 1.1 Redirect URI matching ----

    private static async Task AssertRejectedWithoutRedirectAsync(EnvironmentUnderTest env, TestPartner client, params string[] redirectUris)
    {
        using var flow = new PartnerFlow(env);
        foreach (var uri in redirectUris)
        {
            var parameters = flow.AuthorizeParameters(client);
            parameters["redirect_uri"] = uri;
            using var response = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{uri}: {response.StatusCode}");
            Assert.Null(response.Headers.Location);
        }
    }

    [Fact]
    public async Task RU1_TrailingSlash_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "https://p.example/cb/");
    }

    [Fact]
    public async Task RU2_CaseVariants_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "https://p.example/CB", "https://P.EXAMPLE/cb", "HTTPS://p.example/cb");
    }

    [Fact]
    public async Task RU3_QueryAddedOrChanged_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        var withQuery = await PartnerFlow.ProvisionPartnerAsync(env, "With query", ["https://p.example/cb?a=1"]);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "https://p.example/cb?x=1");
        await AssertRejectedWithoutRedirectAsync(env, withQuery, "https://p.example/cb?a=2", "https://p.example/cb?a=1&b=2", "https://p.example/cb");
    }

    [Fact]
    public async Task RU4_Fragments_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "https://p.example/cb#x", "https://p.example/cb#");
    }

    [Fact]
    public async Task RU5_PathTraversal_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P,
            "https://p.example/cb/../cb", "https://p.example/cb/%2e%2e/", "https://p.example/cb%2F..%2Fevil", "https://p.example/cb/..;/evil");
    }

    [Fact]
    public async Task RU6_PrefixMatches_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "https://p.example/cbevil", "https://p.example/cb/evil");
    }

    [Fact]
    public async Task RU7_HostBoundary_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "https://p.example.evil.test/cb", "https://evil.test/p.example/cb");
    }

    [Fact]
    public async Task RU8_UserInfo_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "https://p.example@evil.test/cb", "https://a@b@evil.test/cb", "https://evil.test\\@p.example/cb");
    }

    [Fact]
    public async Task RU9_SchemeAndPortVariants_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "http://p.example/cb", "https://p.example:443/cb", "https://p.example:8443/cb");
    }

    [Fact]
    public async Task RU10_EncodedAndControlCharacters_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P,
            "https://p.example/%63b", "https://p.example/%2563b", "https://xn--p-example-9m3d/cb", "https://p.example/cb\r\n", "https://p.example/cb ", "https://p.example/c\tb");
    }

    [Fact]
    public async Task RU11_RedirectUriTwice_InvalidRequestWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        using var response = await flow.GetAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P)) + "&redirect_uri=" + Uri.EscapeDataString(PartnerFlow.RedirectUri));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("invalid_request", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RU12_RedirectUriOmitted_ErrorPageEvenWithOneRegistered()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        var two = await PartnerFlow.ProvisionPartnerAsync(env, "Two URIs", [PartnerFlow.RedirectUri, "https://p.example/other"]);
        using var flow = new PartnerFlow(env);

        foreach (var client in new[] { fx.P, two })
        {
            var parameters = flow.AuthorizeParameters(client);
            parameters.Remove("redirect_uri");
            using var response = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));

            // ADR 0008: the OAuth 2.1 / OIDC rule (redirect_uri required), even when one is registered.
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
        }
    }

    [Fact]
    public async Task RU13_LoopbackPortMustMatchToo_QueryOrPathChangeRejected()
    {
        // ADR 0008: partner apps are confidential web apps, not RFC 8252 native apps, so a loopback
        // URI is matched exactly, port included (no §7.3 port relaxation).
        await using var env = await StartAsync();
        await PartnerFlow.ArrangeAsync(env);
        var native = await PartnerFlow.ProvisionPartnerAsync(env, "Native", ["http://127.0.0.1:51234/cb"]);
        using var flow = new PartnerFlow(env);

        var parameters = flow.AuthorizeParameters(native);
        parameters["redirect_uri"] = "http://127.0.0.1:51234/cb";
        using var accepted = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));

        Assert.Equal(HttpStatusCode.Found, accepted.StatusCode);
        Assert.StartsWith("/account/login", accepted.Headers.Location!.OriginalString, StringComparison.Ordinal);
        await AssertRejectedWithoutRedirectAsync(env, native, "http://127.0.0.1:51235/cb", "http://127.0.0.1/cb", "http://127.0.0.1:51234/cb?x=1", "http://127.0.0.1:51234/other");
    }

    [Fact]
    public async Task RU14_PieRedirectUriWithProductionClient_Rejected()
    {
        await using var pie = await StartAsync();
        await using var production = await StartAsync(key: EnvironmentKeys.Production);
        var pieFx = await PartnerFlow.ArrangeAsync(pie, ["https://pie.p.example/cb"]);
        await PartnerFlow.ArrangeAsync(production);

        // The same partner's production client, registered with its production URI only.
        var productionClient = await PartnerFlow.ProvisionPartnerAsync(production, "P prod", ["https://p.example/cb"]);
        await AssertRejectedWithoutRedirectAsync(production, productionClient, "https://pie.p.example/cb");
        await AssertRejectedWithoutRedirectAsync(production, pieFx.P, PartnerFlow.RedirectUri);
    }

    [Fact]
    public async Task RU_Registration_RefusesNonCanonicalWildcardUserinfoAndPlainHttp()
    {
        await using var env = await StartAsync();
        string[] refused = ["https://p.example", "https://P.example/cb", "https://*.p.example/cb", "https://u@p.example/cb", "http://p.example/cb", "http://localhost.evil.test/cb", "javascript:alert(1)", "https://p.example/cb#f"];

        foreach (var uri in refused)
        {
            var descriptor = new ClientDescriptor("X", AppTypes.Partner, Guid.NewGuid(), "Org", null,
                [new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(ClientSecrets.Generate()), null)], ["business.fund.list"], [uri], true);
            using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(Guid.NewGuid()), descriptor));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, uri);
        }
    }

    // ---- 1.2 Authorization endpoint ----

    [Fact]
    public async Task AZ1_UnknownOrBlankClient_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        foreach (var clientId in new[] { Guid.NewGuid().ToString(), "" })
        {
            var parameters = flow.AuthorizeParameters(fx.P);
            parameters["client_id"] = clientId;
            using var response = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
        }
    }

    [Fact]
    public async Task AZ2_BadScopeNotLoggedIn_LoginFirstThenInvalidScope()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var parameters = flow.AuthorizeParameters(fx.P, "business.fund.list fund.member.maintain target:b/T1");

        using var first = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));
        using var afterLogin = await flow.AuthorizeAsync(PartnerFlow.AuthorizeUrl(parameters));

        Assert.Equal(HttpStatusCode.Found, first.StatusCode);
        Assert.StartsWith("/account/login", first.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal("invalid_scope", PartnerFlow.Callback(afterLogin)["error"]);
    }

    [Fact]
    public async Task AZ2_UnsupportedResponseTypeNotLoggedIn_NeverRedirectsToTheClient()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var parameters = flow.AuthorizeParameters(fx.P);
        parameters["response_type"] = "bogus";

        using var response = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));

        Assert.False(response.Headers.Location?.OriginalString.StartsWith(PartnerFlow.RedirectUri, StringComparison.Ordinal) ?? false);
    }

    [Fact]
    public async Task AZ3_CancelLoginOrDenyConsent_AccessDeniedWithStateAndIss()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        using var toLogin = await flow.GetAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P)));
        using var cancelled = await flow.LoginAsync(toLogin.Headers.Location!.OriginalString, "", "", action: "cancel");
        using var cancelCallback = await flow.GetAsync(cancelled.Headers.Location!.OriginalString);
        using var consent = await flow.AuthorizeAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P)));
        using var denied = await flow.DecideAsync(consent, "deny");

        foreach (var callback in new[] { PartnerFlow.Callback(cancelCallback), PartnerFlow.Callback(denied) })
        {
            Assert.Equal("access_denied", callback["error"]);
            Assert.Equal("s-123", callback["state"]);
            Assert.Equal(env.Issuer, callback["iss"]);
        }
    }

    [Fact]
    public async Task AZ3_ForgedCancelMarker_DoesNotSkipLogin()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        using var response = await flow.GetAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P)) + "&gatehouse_cancel=forged");

        Assert.StartsWith("/account/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AZ4_PromptNone_LoginRequiredThenConsentRequired()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var parameters = flow.AuthorizeParameters(fx.P);
        parameters["prompt"] = "none";

        using var notLoggedIn = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));
        using var toLogin = await flow.GetAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P)));
        (await flow.LoginAsync(toLogin.Headers.Location!.OriginalString, "u@class.example")).Dispose();
        using var noConsent = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));

        Assert.Equal("login_required", PartnerFlow.Callback(notLoggedIn)["error"]);
        Assert.Equal("consent_required", PartnerFlow.Callback(noConsent)["error"]);
    }

    [Fact]
    public async Task AZ5_ImplicitAndHybridResponseTypes_Unsupported()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        foreach (var responseType in new[] { "token", "id_token token", "code token" })
        {
            var parameters = flow.AuthorizeParameters(fx.P);
            parameters["response_type"] = responseType;
            using var response = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));
            var body = response.Headers.Location?.OriginalString + await response.Content.ReadAsStringAsync();
            Assert.True(body.Contains("unsupported_response_type", StringComparison.Ordinal) || body.Contains("unauthorized_client", StringComparison.Ordinal), $"{responseType}: {body}");
        }
    }

    [Fact]
    public async Task AZ6_MissingResponseTypeErrors_UnknownParameterAndScopeOrderSucceed()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var missing = flow.AuthorizeParameters(fx.P);
        missing.Remove("response_type");
        using var missingResponse = await flow.GetAsync(PartnerFlow.AuthorizeUrl(missing));

        var extra = flow.AuthorizeParameters(fx.P, "target:b/T1 offline_access business.fund.list openid");
        extra["unknown_extra"] = "ignored";
        using var consent = await flow.AuthorizeAsync(PartnerFlow.AuthorizeUrl(extra));
        using var callback = await flow.DecideAsync(consent);

        Assert.NotEqual(HttpStatusCode.OK, missingResponse.StatusCode);
        Assert.True(PartnerFlow.Callback(callback).ContainsKey("code"));
    }

    [Fact]
    public async Task AZ7_AuthorizeByPost_WorksAndSendsNoCors()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/authorize") { Content = new FormUrlEncodedContent(flow.AuthorizeParameters(fx.P)) };
        request.Headers.Add("Origin", "https://evil.test");
        using var response = await flow.Browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task AZ8_LoginPost_RedirectsWith302Not307()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        using var toLogin = await flow.GetAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P)));
        using var login = await flow.LoginAsync(toLogin.Headers.Location!.OriginalString, "u@class.example");

        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        Assert.StartsWith("/connect/authorize", login.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AZ9_AZ10_LoginConsentAndErrorPages_NoFramingNoReferrerNoThirdPartyResources()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        using var toLogin = await flow.GetAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P)));
        using var loginPage = await flow.GetAsync(toLogin.Headers.Location!.OriginalString);
        using var consent = await flow.AuthorizeAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P)));
        var bad = flow.AuthorizeParameters(fx.P);
        bad["redirect_uri"] = "https://evil.test/cb";
        using var errorPage = await flow.GetAsync(PartnerFlow.AuthorizeUrl(bad));

        foreach (var page in new[] { loginPage, consent, errorPage })
        {
            Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
            var html = await page.Content.ReadAsStringAsync();
            var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
            foreach (var element in document.QuerySelectorAll("script[src], img[src], link[href], iframe"))
            {
                var url = element.GetAttribute("src") ?? element.GetAttribute("href") ?? "";
                Assert.True(url.StartsWith('/') || url.StartsWith("data:", StringComparison.Ordinal), url);
            }

            Assert.Empty(document.QuerySelectorAll("script:not([src]), style, [style]"));
        }
    }

    [Fact]
    public async Task AZ11_IssOnEverySuccessAndErrorResponse_DiscoveryAdvertisesIt()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var discovery = await env.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        var noPkce = flow.AuthorizeParameters(fx.P);
        noPkce.Remove("code_challenge");

        var success = await flow.CodeAsync(fx.P);
        using var error = await flow.GetAsync(PartnerFlow.AuthorizeUrl(noPkce));

        Assert.True(discovery.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
        Assert.Equal(env.Issuer, success["iss"]);
        Assert.Equal(env.Issuer, PartnerFlow.Callback(error)["iss"]);
    }

    [Fact]
    public async Task AZ12_LongAndEncodedState_EchoedByteForByte()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var state = new string('a', 500) + "%+ é✓/=";
        var parameters = flow.AuthorizeParameters(fx.P, state: state);

        using var consent = await flow.AuthorizeAsync(PartnerFlow.AuthorizeUrl(parameters));
        using var callback = await flow.DecideAsync(consent);

        Assert.Equal(state, PartnerFlow.Callback(callback)["state"]);
    }

    [Fact]
    public async Task AZ13_ConsentPage_NamesAppStatusTenantBadgeScopesAndLifetime()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        using var consent = await flow.AuthorizeAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P, "openid business.fund.list offline_access target:b/T1")));
        var html = await consent.Content.ReadAsStringAsync();

        Assert.Contains("Partner P", html);
        Assert.Contains("not reviewed by Class", html);
        Assert.Contains("data-business=\"T1\"", html);
        Assert.Contains("PIE (test environment)", html);
        Assert.Contains("List the funds of the business", html);
        Assert.Contains("up to 30 days", html);
    }

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

    // ---- 1.7 Refresh tokens ----

    [Fact]
    public async Task RT1_RotatedTokenReusedAfterGrace_RevokesTheFamily()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await StartAsync(time);
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var first = await flow.TokensAsync(fx.P);

        var second = await env.TokenAsync(fx.P.ClientId, fx.P.Secret, ("grant_type", "refresh_token"), ("refresh_token", first.Get("refresh_token")!));
        time.Advance(TimeSpan.FromSeconds(11));
        var replay = await env.TokenAsync(fx.P.ClientId, fx.P.Secret, ("grant_type", "refresh_token"), ("refresh_token", first.Get("refresh_token")!));
        var newest = await env.TokenAsync(fx.P.ClientId, fx.P.Secret, ("grant_type", "refresh_token"), ("refresh_token", second.Get("refresh_token")!));
        using var api = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", second.AccessToken);

        Assert.Equal(200, second.Status);
        Assert.NotEqual(first.Get("refresh_token"), second.Get("refresh_token"));
        Assert.Equal("invalid_grant", replay.Error);
        Assert.Equal("invalid_grant", newest.Error);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task RT2_InsideGrace_OnlyTheImmediatePredecessorIsAccepted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await StartAsync(time);
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var r0 = (await flow.TokensAsync(fx.P)).Get("refresh_token")!;

        time.Advance(TimeSpan.FromSeconds(1));
        var r1 = (await Refresh(env, fx.P, r0)).Get("refresh_token")!;
        time.Advance(TimeSpan.FromSeconds(1));
        var retry = await Refresh(env, fx.P, r0);
        time.Advance(TimeSpan.FromSeconds(1));
        var r2 = (await Refresh(env, fx.P, r1)).Get("refresh_token");
        time.Advance(TimeSpan.FromSeconds(1));
        var grandparent = await Refresh(env, fx.P, r0);

        Assert.Equal(200, retry.Status);
        Assert.NotNull(r2);
        Assert.Equal("invalid_grant", grandparent.Error);
    }

    [Fact]
    public async Task RT3_ParallelRefreshInsideGrace_BothSucceed()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var r0 = (await flow.TokensAsync(fx.P)).Get("refresh_token")!;

        var results = await Task.WhenAll(Refresh(env, fx.P, r0), Refresh(env, fx.P, r0));

        Assert.All(results, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task RT4_RefreshTokenOfPUsedByQ_InvalidGrant()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var r0 = (await flow.TokensAsync(fx.P)).Get("refresh_token")!;

        Assert.Equal("invalid_grant", (await Refresh(env, fx.Q, r0)).Error);
    }

    [Fact]
    public async Task RT5_BroaderScopeOnRefresh_InvalidScope_NarrowerAccepted()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var r0 = (await flow.TokensAsync(fx.P)).Get("refresh_token")!;

        var broader = await env.TokenAsync(fx.P.ClientId, fx.P.Secret, ("grant_type", "refresh_token"), ("refresh_token", r0), ("scope", "business.fund.list fund.read offline_access"));
        var narrower = await env.TokenAsync(fx.P.ClientId, fx.P.Secret, ("grant_type", "refresh_token"), ("refresh_token", r0), ("scope", "business.fund.list"));

        Assert.Equal("invalid_scope", broader.Error);
        Assert.Equal(200, narrower.Status);
        Assert.DoesNotContain("offline_access", Jwt.Payload(narrower.AccessToken).GetProperty("scope").GetString()!.Split(' '));
        Assert.Null(narrower.Get("refresh_token"));
    }

    [Fact]
    public async Task RT6_AbsoluteLifetime_RotationDoesNotExtendIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await StartAsync(time);
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var first = await flow.TokensAsync(fx.P);

        time.Advance(TimeSpan.FromDays(20));
        var rotated = await Refresh(env, fx.P, first.Get("refresh_token")!);
        time.Advance(TimeSpan.FromDays(11));
        var expired = await Refresh(env, fx.P, rotated.Get("refresh_token")!);

        Assert.InRange(rotated.Json.GetProperty("refresh_token_expires_in").GetInt64(), (10 * 86400) - 60, 10 * 86400);
        Assert.Equal("invalid_grant", expired.Error);
    }

    [Fact]
    public async Task RT7_PasswordChangeDisableConsentRevocationAndAppDeletion_KillRefreshTokens()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        var beforePasswordChange = (await flow.TokensAsync(fx.P)).Get("refresh_token")!;
        await PartnerFlow.PutUserAsync(env, "u@class.example", new ClassUserRequest("u@class.example", "A-new-passw0rd-123",
            [new MembershipRequest("T1", ClassRoles.Administrator, false), new MembershipRequest("T2", ClassRoles.AccessController, false)]));
        var afterPasswordChange = await Refresh(env, fx.P, beforePasswordChange);

        using var flowV = new PartnerFlow(env);
        var beforeDisable = (await flowV.TokensAsync(fx.P, "business.fund.list offline_access target:b/T2", userName: "v@class.example")).Get("refresh_token")!;
        await PartnerFlow.PutUserAsync(env, "v@class.example", new ClassUserRequest("v@class.example", PartnerFlow.UserPassword, [new MembershipRequest("T2", ClassRoles.Administrator, false)], Disabled: true));
        var afterDisable = await Refresh(env, fx.P, beforeDisable);

        await PartnerFlow.PutUserAsync(env, "w@class.example", new MembershipRequest("T1", ClassRoles.Administrator, false));
        using var flowW = new PartnerFlow(env);
        var tokensW = await flowW.TokensAsync(fx.Q, userName: "w@class.example");
        using var delete = await env.Http.SendAsync(env.Admin(HttpMethod.Delete, EnvironmentAdminApi.Client(Guid.Parse(fx.Q.ClientId))));
        using var afterDelete = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokensW.AccessToken);

        Assert.Equal("invalid_grant", afterPasswordChange.Error);
        Assert.Equal("invalid_grant", afterDisable.Error);
        Assert.Equal(HttpStatusCode.Unauthorized, afterDelete.StatusCode);
    }

    [Fact]
    public async Task RT8_RefreshTokenCharset_IsVsChar()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var token = (await flow.TokensAsync(fx.P)).Get("refresh_token")!;

        Assert.All(token, c => Assert.InRange(c, '\x20', '\x7E'));
    }

    [Fact]
    public async Task RT9_PieRefreshTokenAtProduction_InvalidGrant()
    {
        await using var pie = await StartAsync();
        await using var production = await StartAsync(key: EnvironmentKeys.Production);
        var fx = await PartnerFlow.ArrangeAsync(pie);
        using var flow = new PartnerFlow(pie);
        var r0 = (await flow.TokensAsync(fx.P)).Get("refresh_token")!;

        var result = await Refresh(production, fx.P, r0);

        Assert.NotEqual(200, result.Status);
    }

    // ---- 1.8 Revocation ----

    [Fact]
    public async Task RV1_RevocationWithoutClientAuthentication_401()
    {
        await using var env = await StartAsync();
        using var response = await env.Http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "x" }));
        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest, response.StatusCode.ToString());
        Assert.Contains("invalid_client", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RV2_RevokeRefreshToken_ItAndTheGrantsAccessTokensFail()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);

        using var revoke = await Revoke(env, fx.P, tokens.Get("refresh_token")!, "refresh_token");
        var refresh = await Refresh(env, fx.P, tokens.Get("refresh_token")!);
        var introspection = await Introspect(env, fx.P, tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal("invalid_grant", refresh.Error);
        Assert.False(introspection.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task RV3_RevokeAccessToken_ApiRejectsItAtOnce()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);
        using var before = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokens.AccessToken);

        using var revoke = await Revoke(env, fx.P, tokens.AccessToken, "access_token");
        using var after = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task RV4_PRevokingQsToken_QsTokenStillWorks()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.Q);

        using var revoke = await Revoke(env, fx.P, tokens.AccessToken, "access_token");
        using var after = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task RV5_UnknownTokenOrWrongHint_200AndStillRevoked()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);

        using var garbage = await Revoke(env, fx.P, "garbage-token", null);
        using var wrongHint = await Revoke(env, fx.P, tokens.AccessToken, "refresh_token");
        using var after = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, wrongHint.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task RV7_Revocation_SurvivesRestart()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);

        (await Revoke(env, fx.P, tokens.AccessToken, "access_token")).Dispose();
        await env.RestartAsync();
        using var after = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

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

    // ---- Connections API ----

    [Fact]
    public async Task Connections_ListedForTheAppAndDeletable_OthersAre404()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);

        using var unauthenticated = await env.Http.GetAsync("/connections");
        using var list = await Send(env, HttpMethod.Get, "/connections", fx.P);
        var connections = await list.Content.ReadFromJsonAsync<JsonElement>();
        var connection = connections.EnumerateArray().Single();
        var id = connection.GetProperty("id").GetString()!;
        using var byOther = await Send(env, HttpMethod.Delete, $"/connections/{id}", fx.Q);
        using var delete = await Send(env, HttpMethod.Delete, $"/connections/{id}", fx.P);
        using var api = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal("T1", connection.GetProperty("businessCode").GetString());
        Assert.Equal("Tenant One Pty Ltd", connection.GetProperty("businessName").GetString());
        Assert.Equal("u@class.example", connection.GetProperty("authorisedBy").GetString());
        Assert.Equal("active", connection.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, connection.GetProperty("refreshTokenExpiresAt").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, byOther.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    // ---- Login: lockout and MFA ----

    [Fact]
    public async Task PW2_FiveWrongPasswordsAtTokenEndpoint_LockTheLoginPageToo()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        for (var i = 0; i < 5; i++)
        {
            await env.PasswordGrantAsync(client, "wrong-password-123");
        }

        using var flow = new PartnerFlow(env);
        using var login = await flow.LoginAsync("/account/login", "api@acme.example", TestClient.Password);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("incorrect", await login.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PW2_FiveWrongPasswordsAtLoginPage_LockThePasswordGrant()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        using var flow = new PartnerFlow(env);
        for (var i = 0; i < 5; i++)
        {
            (await flow.LoginAsync("/account/login", "api@acme.example", "wrong-password-123")).Dispose();
        }

        Assert.Equal("invalid_grant", (await env.PasswordGrantAsync(client)).Error);
    }

    [Fact]
    public async Task PW4_UserWithMfaEnrolled_PasswordGrantRefused()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        await PartnerFlow.PutUserAsync(env, "api@acme.example", new ClassUserRequest("api@acme.example", TestClient.Password,
            [new MembershipRequest(client.Sandbox.BusinessCode, ClassRoles.ApiUser, true)], AuthenticatorKey: "JBSWY3DPEHPK3PXPJBSWY3DP"));

        Assert.Equal("invalid_grant", (await env.PasswordGrantAsync(client)).Error);
    }

    [Fact]
    public async Task PW1_NotFlaggedApiUser_PasswordGrantRefused()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        await PartnerFlow.PutUserAsync(env, "api@acme.example", new ClassUserRequest("api@acme.example", TestClient.Password,
            [new MembershipRequest(client.Sandbox.BusinessCode, ClassRoles.Administrator, false)]));

        Assert.Equal("invalid_grant", (await env.PasswordGrantAsync(client)).Error);
    }

    [Fact]
    public async Task Login_UserWithTotp_NeedsTheCodeBeforeConsent()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        const string key = "JBSWY3DPEHPK3PXPJBSWY3DP";
        await PartnerFlow.PutUserAsync(env, "u@class.example", new ClassUserRequest("u@class.example", PartnerFlow.UserPassword,
            [new MembershipRequest("T1", ClassRoles.Administrator, false)], AuthenticatorKey: key));
        using var flow = new PartnerFlow(env);

        using var toLogin = await flow.GetAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P)));
        using var login = await flow.LoginAsync(toLogin.Headers.Location!.OriginalString, "u@class.example");
        var mfaUrl = login.Headers.Location!.OriginalString;
        using var mfaPage = await flow.GetAsync(mfaUrl);
        var form = PartnerFlow.Form(await mfaPage.Content.ReadAsStringAsync(), "form");
        form["code"] = "000000" == Totp.Code(key) ? "111111" : "000000";
        using var wrong = await flow.Browser.PostAsync(mfaUrl, new FormUrlEncodedContent(form));
        form["code"] = Totp.Code(key);
        using var right = await flow.Browser.PostAsync(mfaUrl, new FormUrlEncodedContent(form));

        Assert.StartsWith("/account/mfa", mfaUrl, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Found, right.StatusCode);
        Assert.StartsWith("/connect/authorize", right.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    // ---- Admin API for the directory ----

    [Fact]
    public async Task AdminApi_InvalidBusinessOrUser_Returns400()
    {
        await using var env = await StartAsync();
        using var badCode = await env.Http.SendAsync(env.Admin(HttpMethod.Put, ClassDirectoryApi.Business("bad code!"), new BusinessRequest("X")));
        using var noName = await env.Http.SendAsync(env.Admin(HttpMethod.Put, ClassDirectoryApi.Business("OK1"), new BusinessRequest("")));
        using var badRole = await env.Http.SendAsync(env.Admin(HttpMethod.Put, ClassDirectoryApi.User("x@class.example"),
            new ClassUserRequest("x@class.example", PartnerFlow.UserPassword, [new MembershipRequest("OK1", "Emperor", false)])));
        using var unknownBusiness = await env.Http.SendAsync(env.Admin(HttpMethod.Put, ClassDirectoryApi.User("x@class.example"),
            new ClassUserRequest("x@class.example", PartnerFlow.UserPassword, [new MembershipRequest("NOPE", ClassRoles.Staff, false)])));
        using var shortPassword = await env.Http.SendAsync(env.Admin(HttpMethod.Put, ClassDirectoryApi.User("x@class.example"),
            new ClassUserRequest("x@class.example", "short", [])));
        using var noKey = await env.Http.PutAsJsonAsync(ClassDirectoryApi.Business("OK1"), new BusinessRequest("X"));

        Assert.Equal(HttpStatusCode.BadRequest, badCode.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownBusiness.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, shortPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
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

/// <summary>RFC 6238 TOTP (SHA-1, 30 s, 6 digits), as authenticator apps compute it.</summary>
public static class Totp
{
    public static string Code(string base32Key, DateTimeOffset? at = null)
    {
        var key = Base32(base32Key);
        var counter = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds() / 30;
        var message = BitConverter.GetBytes(counter);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(message);
        }

#pragma warning disable CA5350 // RFC 6238 TOTP is defined over HMAC-SHA-1, as authenticator apps compute it.
        var hash = System.Security.Cryptography.HMACSHA1.HashData(key, message);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Base32(string input)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var value = 0;
        var output = new List<byte>();
        foreach (var c in input.TrimEnd('='))
        {
            value = (value << 5) | alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(value >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. output];
    }
}
