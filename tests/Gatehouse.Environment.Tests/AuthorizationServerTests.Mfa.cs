using System.Net;
using AngleSharp.Html.Parser;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Mfa;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests;

/// <summary>Class user MFA: TOTP codes work once (docs/security-checklist.md MF2), and the environment policy that requires enrolment.</summary>
public abstract partial class AuthorizationServerTests
{
    private const string TotpKey = "JBSWY3DPEHPK3PXPJBSWY3DP";

    [Fact]
    public async Task MF2_TotpCodeReusedWithinItsStep_Refused_NextStepAccepted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await StartAsync(time);
        var fx = await PartnerFlow.ArrangeAsync(env);
        await PartnerFlow.PutUserAsync(env, "u@class.example", new ClassUserRequest("u@class.example", PartnerFlow.UserPassword,
            [new MembershipRequest("T1", ClassRoles.Administrator, false)], AuthenticatorKey: TotpKey));
        var code = Authenticator.Code(TotpKey, time.GetUtcNow());

        using var first = await MfaLoginAsync(env, fx.P, code);
        using var replay = await MfaLoginAsync(env, fx.P, code);
        time.Advance(TimeSpan.FromSeconds(30));
        using var next = await MfaLoginAsync(env, fx.P, Authenticator.Code(TotpKey, time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.Found, first.StatusCode);
        Assert.StartsWith("/connect/authorize", first.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Contains("The code is not valid", await replay.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Found, next.StatusCode);
        Assert.StartsWith("/connect/authorize", next.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MfaPolicy_ProductionUserWithoutMfa_EnrolsAfterPasswordThenConsents()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await StartAsync(time, EnvironmentKeys.Production);
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var authorizeUrl = PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P));

        using var toLogin = await flow.GetAsync(authorizeUrl);
        using var login = await flow.LoginAsync(toLogin.Headers.Location!.OriginalString, "u@class.example");
        var enrolUrl = login.Headers.Location!.OriginalString;
        using var notYet = await flow.GetAsync(authorizeUrl);
        using var enrolPage = await flow.GetAsync(enrolUrl);
        var html = await enrolPage.Content.ReadAsStringAsync();
        var document = new HtmlParser().ParseDocument(html);
        var key = document.QuerySelector("[data-authenticator-key]")!.TextContent.Trim();
        var form = PartnerFlow.Form(html, "form");
        form["code"] = Authenticator.Code(TotpKey, time.GetUtcNow()); // a code of some other key
        using var wrong = await flow.Browser.PostAsync(enrolUrl, new FormUrlEncodedContent(form));
        form["code"] = Authenticator.Code(key, time.GetUtcNow());
        using var enrolled = await flow.Browser.PostAsync(enrolUrl, new FormUrlEncodedContent(form));
        using var consent = await flow.GetAsync(enrolled.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        Assert.StartsWith("/account/mfa/enrol", enrolUrl, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Found, notYet.StatusCode);
        Assert.StartsWith("/account/login", notYet.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.StartsWith("data:image/png;base64,", document.QuerySelector("img.qr")!.GetAttribute("src"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("The code is not valid", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Found, enrolled.StatusCode);
        Assert.StartsWith("/connect/authorize", enrolled.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        Assert.Contains("data-environment=\"Production\"", await consent.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MfaPolicy_PieByDefault_NoEnrolmentBeforeConsent()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        using var toLogin = await flow.GetAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P)));
        using var login = await flow.LoginAsync(toLogin.Headers.Location!.OriginalString, "u@class.example");

        Assert.StartsWith("/connect/authorize", login.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    /// <summary>A fresh browser: authorize, password, then the given TOTP code; the response to the code POST.</summary>
    private static async Task<HttpResponseMessage> MfaLoginAsync(EnvironmentUnderTest env, TestPartner client, string code)
    {
        using var flow = new PartnerFlow(env);
        using var toLogin = await flow.GetAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(client)));
        using var login = await flow.LoginAsync(toLogin.Headers.Location!.OriginalString, "u@class.example");
        var mfaUrl = login.Headers.Location!.OriginalString;
        Assert.StartsWith("/account/mfa", mfaUrl, StringComparison.Ordinal);
        using var page = await flow.GetAsync(mfaUrl);
        var form = PartnerFlow.Form(await page.Content.ReadAsStringAsync(), "form");
        form["code"] = code;
        var response = await flow.Browser.PostAsync(mfaUrl, new FormUrlEncodedContent(form));
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
