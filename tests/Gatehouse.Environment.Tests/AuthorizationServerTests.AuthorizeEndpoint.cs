using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests;
/// <summary>docs/security-checklist.md §1.2: the authorization endpoint.</summary>
public abstract partial class AuthorizationServerTests
{
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
}
