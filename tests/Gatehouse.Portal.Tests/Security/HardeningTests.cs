using System.Net;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Tests.Security;

/// <summary>Security headers, antiforgery, cookie naming and redirects (docs/security-checklist.md §3.4, §3.5).</summary>
public sealed class HardeningTests
{
    [Theory]
    [InlineData("https://portal.example.com", "__Host-gatehouse")]
    [InlineData("HTTPS://portal.example.com:8443/", "__Host-gatehouse")]
    [InlineData("http://127.0.0.1:5000", "gatehouse")]
    [InlineData("http://localhost:5000", "gatehouse")]
    public void CookieName_ByPortalScheme_HostPrefixOnlyOnHttps(string url, string expected) =>
        Assert.Equal(expected, AccountsRegistration.CookieName(url, "gatehouse"));

    [Fact]
    public async Task Pages_SignedInAndOut_CarrySecurityHeaders()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var signedIn = await portal.NewDeveloperAsync("owner@acme-advisers.com.au");
        var anonymous = portal.NewBrowser();
        string[] pages = ["/", "/account/sign-in", "/account/sign-up", "/account/forgot-password", "/account/resend", "/apps", "/organisation", "/audit", "/account/mfa", "/account/sessions", "/account/security"];

        foreach (var (browser, path) in pages.Select(p => (signedIn, p)).Concat(pages.Take(5).Select(p => (anonymous, p))))
        {
            using var response = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            var html = await response.Content.ReadAsStringAsync();
            Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", html);
            Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task StateChangingForms_WithoutAntiforgeryToken_BadRequestAndNoChange()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var owner = await portal.NewDeveloperAsync("owner@acme-advisers.com.au");
        (await PortalUnderTest.SignUpAsync(portal.NewBrowser(), "asking@acme-advisers.com.au")).Dispose();

        (string Path, (string, string)[] Fields)[] posts =
        [
            ("/organisation?handler=Invite", [("InviteEmail", "x@acme-advisers.com.au"), ("InviteRole", "Developer")]),
            ("/organisation?handler=MfaPolicy", [("RequireMfa", "true")]),
            ("/account/sessions?handler=Everywhere", []),
            ("/account/security?handler=Password", [("Password.CurrentPassword", PortalUnderTest.Password), ("Password.NewPassword", "another long passphrase")]),
            ("/account/mfa?handler=Disable", [("CurrentPassword", PortalUnderTest.Password)]),
            ("/account/sign-out", []),
            ("/account/sign-in", [("Input.Email", "owner@acme-advisers.com.au"), ("Input.Password", PortalUnderTest.Password)]),
            ("/account/forgot-password", [("Email", "owner@acme-advisers.com.au")]),
        ];
        var mails = await portal.QueryAsync(db => db.OutboxMessages.CountAsync());

        foreach (var (path, fields) in posts)
        {
            using var response = await owner.PostAsync(path, fields);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {response.StatusCode}");
            Assert.Equal(AntiforgeryFailureFilter.Message, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(0, await portal.QueryAsync(db => db.Set<Gatehouse.Portal.Organisations.Invitation>().CountAsync()));
        Assert.False(await portal.QueryAsync(db => db.Organisations.Select(o => o.RequireMfa).SingleAsync()));
        Assert.Equal(mails, await portal.QueryAsync(db => db.OutboxMessages.CountAsync()));
        using var stillSignedIn = await owner.GetAsync("/apps");
        Assert.Equal(HttpStatusCode.OK, stillSignedIn.StatusCode);
    }

    [Theory]
    [InlineData("//evil.test/")]
    [InlineData("https://evil.test/")]
    [InlineData("%2F%2Fevil.test")]
    public async Task MfaSignIn_ForeignReturnUrl_RedirectsToMyApps(string returnUrl)
    {
        await using var portal = await Accounts.AccountSteps.StartWithClockAsync(DatabaseProvider.Sqlite);
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var (key, _, _) = await Accounts.AccountSteps.EnrolMfaAsync(portal, browser);
        await Accounts.AccountSteps.SignOutAsync(browser);

        using var password = await PortalUnderTest.SignInAsync(browser, "dev@acme-advisers.com.au", returnUrl: returnUrl);
        using var code = await browser.SubmitAsync(password.Headers.Location!.ToString(), ("Code", Accounts.AccountSteps.NextCode(key, portal)));

        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        Assert.Equal("/apps", code.Headers.Location?.ToString());
    }
}
