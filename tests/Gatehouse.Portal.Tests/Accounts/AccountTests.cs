using System.Net;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Accounts;
using Gatehouse.Portal.Audit;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Tests.Accounts;

/// <summary>Sign-up policy, sessions, MFA, password and email changes through the real HTTP pipeline (SQLite and PostgreSQL).</summary>
public abstract class AccountTests
{
    private const string Email = "dev@acme-advisers.com.au";

    protected abstract DatabaseProvider Provider { get; }

    private Task<PortalUnderTest> StartAsync(IDictionary<string, string?>? overrides = null) =>
        PortalUnderTest.StartAsync(Provider, overrides: overrides);

    private Task<PortalUnderTest> StartWithClockAsync(IDictionary<string, string?>? overrides = null) =>
        AccountSteps.StartWithClockAsync(Provider, overrides);

    [Theory]
    [InlineData("password1234")] // in the breach corpus as it is
    [InlineData("QwertyUIOP123")] // in it, compared lower-cased
    [InlineData("password123456")] // a listed password with digits appended
    [InlineData("aaaaaaaaaaaaaaaa")] // two or fewer distinct characters
    public async Task SignUp_CommonPassword_RefusedForNewAndExistingAddressAlike(string password)
    {
        await using var portal = await StartAsync();
        (await portal.NewDeveloperAsync(Email)).Dispose();
        var mailsBefore = await portal.QueryAsync(db => db.OutboxMessages.CountAsync());

        using var existing = await PortalUnderTest.SignUpAsync(portal.NewBrowser(), Email, password);
        using var fresh = await PortalUnderTest.SignUpAsync(portal.NewBrowser(), "new@acme-advisers.com.au", password);

        foreach (var response in new[] { existing, fresh })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await Browser.DocumentAsync(response);
            Assert.Equal(
                "This password is too common or has appeared in data breaches: choose another one, for example a few unrelated words.",
                page.QuerySelector("[data-valmsg-for='Input.Password']")?.TextContent.Trim());
        }

        Assert.Equal(1, await portal.QueryAsync(db => db.Users.CountAsync()));
        Assert.Equal(mailsBefore, await portal.QueryAsync(db => db.OutboxMessages.CountAsync()));
    }

    [Fact]
    public async Task SignUp_LongPassphraseWithAnyCharacters_Accepted()
    {
        await using var portal = await StartAsync();
        var passphrase = "ça va, 🐨 koala sits in a gum tree; no digits needed " + new string('x', 100);

        using var response = await PortalUnderTest.SignUpAsync(portal.NewBrowser(), Email, passphrase);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(1, await portal.QueryAsync(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task SignUp_DomainNotOnAllowlist_Refused()
    {
        await using var portal = await StartAsync(new Dictionary<string, string?> { ["Portal:SignUp:AllowedDomains:0"] = "partner.com.au" });

        using var refused = await PortalUnderTest.SignUpAsync(portal.NewBrowser(), Email);
        using var allowed = await PortalUnderTest.SignUpAsync(portal.NewBrowser(), "dev@partner.com.au");

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("limited to the portal's partner companies", (await Browser.DocumentAsync(refused)).QuerySelector("[data-valmsg-for='Input.Email']")?.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, allowed.StatusCode);
        Assert.Equal(["dev@partner.com.au"], await portal.QueryAsync(db => db.Users.Select(u => u.Email!).ToListAsync()));
    }

    [Fact]
    public async Task SignUpAndResend_TooManyForOneAddress_429WithRetryAfter()
    {
        await using var portal = await StartAsync(new Dictionary<string, string?> { ["Portal:RateLimits:AccountFormsPerEmail"] = "2" });

        (await PortalUnderTest.SignUpAsync(portal.NewBrowser(), Email)).Dispose();
        (await portal.NewBrowser().SubmitAsync("/account/resend", ("Email", Email))).Dispose();
        var mails = await portal.QueryAsync(db => db.OutboxMessages.CountAsync());
        using var third = await portal.NewBrowser().SubmitAsync("/account/resend", ("Email", Email));
        using var other = await PortalUnderTest.SignUpAsync(portal.NewBrowser(), "other@acme-advisers.com.au");

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(mails, await portal.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.To == Email)));
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
    }

    [Fact]
    public async Task SignUp_TooManyFromOneIp_429WithRetryAfter()
    {
        await using var portal = await StartAsync(new Dictionary<string, string?> { ["Portal:RateLimits:AccountFormsPerIp"] = "2" });

        (await PortalUnderTest.SignUpAsync(portal.NewBrowser(), "a@acme-advisers.com.au")).Dispose();
        (await PortalUnderTest.SignUpAsync(portal.NewBrowser(), "b@acme-advisers.com.au")).Dispose();
        using var third = await PortalUnderTest.SignUpAsync(portal.NewBrowser(), "c@acme-advisers.com.au");

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Equal(2, await portal.QueryAsync(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task Resend_UnknownAndUnverifiedAddress_SameAnswer()
    {
        await using var portal = await StartAsync();
        (await PortalUnderTest.SignUpAsync(portal.NewBrowser(), Email)).Dispose();

        using var known = await portal.NewBrowser().SubmitAsync("/account/resend", ("Email", Email));
        using var unknown = await portal.NewBrowser().SubmitAsync("/account/resend", ("Email", "nobody@acme-advisers.com.au"));

        Assert.Equal(HttpStatusCode.Redirect, known.StatusCode);
        Assert.Equal(known.Headers.Location, unknown.Headers.Location);
        Assert.Equal(2, await portal.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.To == Email)));
        Assert.Equal(0, await portal.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.To == "nobody@acme-advisers.com.au")));
    }

    [Fact]
    public async Task SignOut_CapturedCookieReplayed_Rejected()
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync(Email);
        var captured = browser.Cookies;
        var thief = portal.NewBrowser();
        thief.Replay(captured);
        using (var before = await thief.GetAsync("/apps"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await AccountSteps.SignOutAsync(browser);
        using var after = await thief.GetAsync("/apps");

        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/account/sign-in", after.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.NotNull(await portal.QueryAsync(db => db.Set<DeveloperSession>().Select(s => s.RevokedAt).SingleAsync()));
    }

    [Fact]
    public async Task Sessions_SignOutEverywhere_EveryBrowserSignedOut()
    {
        await using var portal = await StartAsync();
        var first = await portal.NewDeveloperAsync(Email);
        var second = portal.NewBrowser();
        (await PortalUnderTest.SignInAsync(second, Email)).Dispose();
        var list = await first.GetDocumentAsync("/account/sessions");
        Assert.Equal(2, list.QuerySelectorAll("#sessions tr.session").Length);
        Assert.Single(list.QuerySelectorAll("#sessions tr.current"));

        using var everywhere = await first.PostAsync("/account/sessions?handler=Everywhere",
            [("__RequestVerificationToken", list.QuerySelector("#sign-out-everywhere input[name=__RequestVerificationToken]")!.GetAttribute("value")!)]);

        Assert.Equal(HttpStatusCode.Redirect, everywhere.StatusCode);
        foreach (var browser in new[] { first, second })
        {
            using var apps = await browser.GetAsync("/apps");
            Assert.Equal(HttpStatusCode.Redirect, apps.StatusCode);
        }

        Assert.Equal(0, await portal.QueryAsync(db => db.Set<DeveloperSession>().CountAsync(s => s.RevokedAt == null)));
    }

    [Fact]
    public async Task Session_IdlePastTimeout_RedirectedToSignInAndEndedOnServer()
    {
        await using var portal = await StartWithClockAsync();
        var browser = await portal.NewDeveloperAsync(Email);
        var captured = browser.Cookies;

        portal.Clock!.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));
        using var idle = await browser.GetAsync("/apps");

        Assert.Equal(HttpStatusCode.Redirect, idle.StatusCode);
        Assert.Contains("/account/sign-in", idle.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.NotNull(await portal.QueryAsync(db => db.Set<DeveloperSession>().Select(s => s.RevokedAt).SingleAsync()));
        Assert.Equal("idle timeout", await portal.QueryAsync(db => db.AuditEvents.Where(e => e.Action == "account.session.expire").Select(e => e.Details).SingleAsync()));
        // Ended on the server: the old cookie, replayed, does not come back.
        var thief = portal.NewBrowser();
        thief.Replay(captured);
        using var replay = await thief.GetAsync("/apps");
        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
    }

    [Fact]
    public async Task Session_ActivityWithinIdleTimeout_StaysSignedIn()
    {
        await using var portal = await StartWithClockAsync();
        var browser = await portal.NewDeveloperAsync(Email);

        // 3 × 25 minutes: well past one idle timeout in total, never idle for one.
        for (var i = 0; i < 3; i++)
        {
            portal.Clock!.Advance(TimeSpan.FromMinutes(25));
            using var apps = await browser.GetAsync("/apps");
            Assert.Equal(HttpStatusCode.OK, apps.StatusCode);
        }

        Assert.Null(await portal.QueryAsync(db => db.Set<DeveloperSession>().Select(s => s.RevokedAt).SingleAsync()));
    }

    [Fact]
    public async Task Sessions_OtherBrowserIdlePastTimeout_NotListed()
    {
        await using var portal = await StartWithClockAsync();
        var active = await portal.NewDeveloperAsync(Email);
        var idle = portal.NewBrowser();
        (await PortalUnderTest.SignInAsync(idle, Email)).Dispose();

        portal.Clock!.Advance(TimeSpan.FromMinutes(25));
        (await active.GetAsync("/apps")).Dispose();
        portal.Clock.Advance(TimeSpan.FromMinutes(10));
        var list = await active.GetDocumentAsync("/account/sessions");

        Assert.Single(list.QuerySelectorAll("#sessions tr.session"));
        Assert.Single(list.QuerySelectorAll("#sessions tr.current"));
    }

    [Fact]
    public async Task Session_ConfiguredIdleTimeout_Applied()
    {
        await using var portal = await StartWithClockAsync(new Dictionary<string, string?> { ["Portal:Sessions:IdleTimeoutMinutes"] = "5" });
        var browser = await portal.NewDeveloperAsync(Email);

        portal.Clock!.Advance(TimeSpan.FromMinutes(4));
        using (var active = await browser.GetAsync("/apps"))
        {
            Assert.Equal(HttpStatusCode.OK, active.StatusCode);
        }

        portal.Clock.Advance(TimeSpan.FromMinutes(6));
        using var idle = await browser.GetAsync("/apps");
        Assert.Equal(HttpStatusCode.Redirect, idle.StatusCode);
    }

    [Fact]
    public async Task Session_ActiveButPastAbsoluteLifetime_RedirectedToSignIn()
    {
        await using var portal = await StartWithClockAsync();
        var browser = await portal.NewDeveloperAsync(Email);

        // Busy all day: a request every 25 minutes up to 7 h 55 min after sign-in.
        for (var i = 0; i < 19; i++)
        {
            portal.Clock!.Advance(TimeSpan.FromMinutes(25));
            using var apps = await browser.GetAsync("/apps");
            Assert.True(apps.StatusCode == HttpStatusCode.OK, $"{25 * (i + 1)} minutes after sign-in: {apps.StatusCode}");
        }

        // Exactly 8 hours: the cookie's own expiry (kept to the second, checked with "<") has not
        // passed yet; the session row ends the session, so the limit holds on the server.
        portal.Clock!.Advance(TimeSpan.FromMinutes(5));
        using var late = await browser.GetAsync("/apps");

        Assert.Equal(HttpStatusCode.Redirect, late.StatusCode);
        Assert.Contains("/account/sign-in", late.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.NotNull(await portal.QueryAsync(db => db.Set<DeveloperSession>().Select(s => s.RevokedAt).SingleAsync()));
        Assert.Equal("absolute lifetime reached", await portal.QueryAsync(db => db.AuditEvents.Where(e => e.Action == "account.session.expire").Select(e => e.Details).SingleAsync()));
    }

    [Fact]
    public async Task Lockout_FifteenMinutesLater_Ends()
    {
        await using var portal = await StartWithClockAsync();
        (await portal.NewDeveloperAsync(Email)).Dispose();
        var browser = portal.NewBrowser();
        for (var i = 0; i < 5; i++)
        {
            (await PortalUnderTest.SignInAsync(browser, Email, "not the password at all " + i)).Dispose();
        }

        portal.Clock!.Advance(TimeSpan.FromMinutes(14));
        using var stillLocked = await PortalUnderTest.SignInAsync(browser, Email);
        portal.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var unlocked = await PortalUnderTest.SignInAsync(browser, Email);

        Assert.Contains("locked", await stillLocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, unlocked.StatusCode);
        Assert.Equal("/apps", unlocked.Headers.Location?.ToString());
    }

    [Fact]
    public async Task VerificationLink_After24Hours_RefusedAndNothingChanged()
    {
        await using var portal = await StartWithClockAsync();
        (await PortalUnderTest.SignUpAsync(portal.NewBrowser(), Email)).Dispose();
        var link = await portal.VerificationLinkAsync(Email);

        portal.Clock!.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        using var late = await PortalUnderTest.VerifyAsync(portal.NewBrowser(), link);

        Assert.Contains("invalid, has expired or has already been used", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await portal.QueryAsync(db => db.Users.Select(u => u.EmailConfirmed).SingleAsync()));
        Assert.Equal(0, await portal.QueryAsync(db => db.Organisations.CountAsync()));
    }

    [Fact]
    public async Task SignIn_NewSession_CookieValueRotatesAndAttributesSet()
    {
        await using var portal = await StartAsync();
        (await portal.NewDeveloperAsync(Email)).Dispose();
        var browser = portal.NewBrowser();

        using var signIn = await PortalUnderTest.SignInAsync(browser, Email);

        var setCookies = signIn.Headers.GetValues("Set-Cookie").ToList();
        var auth = Assert.Single(setCookies, c => c.StartsWith("gatehouse=", StringComparison.Ordinal));
        Assert.Contains("httponly", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", auth, StringComparison.OrdinalIgnoreCase);
        var antiforgery = browser.Cookies.Single(c => c.Name == "gatehouse-af");
        Assert.True(antiforgery.HttpOnly);
        using var again = await PortalUnderTest.SignInAsync(browser, Email);
        Assert.NotEqual(auth, Assert.Single(again.Headers.GetValues("Set-Cookie"), c => c.StartsWith("gatehouse=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Mfa_EnrolledSignIn_NeedsCodeAndRefusesReusedCode()
    {
        await using var portal = await StartWithClockAsync();
        var browser = await portal.NewDeveloperAsync(Email);
        var (key, usedCode, _) = await AccountSteps.EnrolMfaAsync(portal, browser);
        await AccountSteps.SignOutAsync(browser);

        using var password = await PortalUnderTest.SignInAsync(browser, Email);
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        Assert.StartsWith("/account/sign-in/mfa", password.Headers.Location!.ToString(), StringComparison.Ordinal);
        using (var notYet = await browser.GetAsync("/apps"))
        {
            Assert.Equal(HttpStatusCode.Redirect, notYet.StatusCode);
        }

        var stepBefore = await portal.QueryAsync(db => db.Users.Select(u => u.LastTotpTimeStep).SingleAsync());
        var mailsBefore = await portal.QueryAsync(db => db.OutboxMessages.CountAsync());
        using var reused = await AccountSteps.MfaStepAsync(browser, usedCode);
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        Assert.Contains("already been used", await reused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // No side effect but the failure count (reused codes feed lockout, MF3): no session, the used step unchanged, no mail.
        Assert.Equal(0, await portal.QueryAsync(db => db.Set<DeveloperSession>().CountAsync(s => s.RevokedAt == null)));
        Assert.Equal(stepBefore, await portal.QueryAsync(db => db.Users.Select(u => u.LastTotpTimeStep).SingleAsync()));
        Assert.Equal(mailsBefore, await portal.QueryAsync(db => db.OutboxMessages.CountAsync()));

        // The portal's clock (and the app's) moves on a step: injected, not waited for.
        using var next = await AccountSteps.MfaStepAsync(browser, AccountSteps.NextCode(key, portal));
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        Assert.Equal("/apps", next.Headers.Location?.ToString());
        using var apps = await browser.GetAsync("/apps");
        Assert.Equal(HttpStatusCode.OK, apps.StatusCode);
        Assert.Equal(1, await portal.QueryAsync(db => db.AuditEvents.CountAsync(e => e.Action == "account.mfa.enable" && e.Outcome == AuditOutcome.Success)));
    }

    [Fact]
    public async Task Mfa_RecoveryCode_WorksOnce()
    {
        await using var portal = await StartWithClockAsync();
        var browser = await portal.NewDeveloperAsync(Email);
        var (_, _, recovery) = await AccountSteps.EnrolMfaAsync(portal, browser);
        await AccountSteps.SignOutAsync(browser);

        (await PortalUnderTest.SignInAsync(browser, Email)).Dispose();
        using var first = await AccountSteps.MfaStepAsync(browser, recovery[0]);
        await AccountSteps.SignOutAsync(browser);
        (await PortalUnderTest.SignInAsync(browser, Email)).Dispose();
        using var second = await AccountSteps.MfaStepAsync(browser, recovery[0]);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("incorrect", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var stored = await portal.QueryAsync(db => db.Users.Select(u => u.RecoveryCodeHashes!).SingleAsync());
        Assert.Equal(9, stored.Split(';').Length);
        Assert.DoesNotContain(recovery[1].Replace("-", "", StringComparison.Ordinal), stored, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Mfa_WrongCodes_LockTheAccountForPasswordsToo()
    {
        await using var portal = await StartWithClockAsync();
        var browser = await portal.NewDeveloperAsync(Email);
        var (key, _, _) = await AccountSteps.EnrolMfaAsync(portal, browser);
        await AccountSteps.SignOutAsync(browser);
        (await PortalUnderTest.SignInAsync(browser, Email)).Dispose();

        for (var i = 0; i < 5; i++)
        {
            (await AccountSteps.MfaStepAsync(browser, "000000")).Dispose();
        }

        using var right = await AccountSteps.MfaStepAsync(browser, AccountSteps.NextCode(key, portal));
        using var password = await PortalUnderTest.SignInAsync(portal.NewBrowser(), Email);

        Assert.Contains("locked", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("locked", await password.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await portal.QueryAsync(db => db.Set<DeveloperSession>().CountAsync(s => s.RevokedAt == null)));
        Assert.True(await portal.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "account.lockout")));
    }

    [Fact]
    public async Task Mfa_DisableWithoutPassword_Refused()
    {
        await using var portal = await StartWithClockAsync();
        var browser = await portal.NewDeveloperAsync(Email);
        await AccountSteps.EnrolMfaAsync(portal, browser);
        var page = await browser.GetDocumentAsync("/account/mfa");
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        using var disable = await browser.PostAsync("/account/mfa?handler=Disable", [("__RequestVerificationToken", token), ("CurrentPassword", "not my password at all")]);

        Assert.Contains("The password is incorrect", await disable.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(await portal.QueryAsync(db => db.Users.Select(u => u.TwoFactorEnabled).SingleAsync()));
    }

    [Fact]
    public async Task PasswordReset_LinkWorksOnceEndsSessionsAndKeepsMfa()
    {
        await using var portal = await StartWithClockAsync();
        var browser = await portal.NewDeveloperAsync(Email);
        await AccountSteps.EnrolMfaAsync(portal, browser);
        (await portal.NewBrowser().SubmitAsync("/account/forgot-password", ("Email", Email))).Dispose();
        using var unknown = await portal.NewBrowser().SubmitAsync("/account/forgot-password", ("Email", "nobody@acme-advisers.com.au"));
        var link = await AccountSteps.MailedLinkAsync(portal, Email, "/account/reset-password");
        const string NewPassword = "a brand new long passphrase";

        using var reset = await portal.NewBrowser().SubmitAsync(link, ("NewPassword", NewPassword));
        using var replay = await portal.NewBrowser().SubmitAsync(link, ("NewPassword", "yet another long passphrase"));

        Assert.Equal(HttpStatusCode.Redirect, unknown.StatusCode);
        Assert.Contains("Your password has changed", await reset.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("already been used", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var old = await browser.GetAsync("/apps"))
        {
            Assert.Equal(HttpStatusCode.Redirect, old.StatusCode);
        }

        using var signIn = await PortalUnderTest.SignInAsync(portal.NewBrowser(), Email, NewPassword);
        Assert.StartsWith("/account/sign-in/mfa", signIn.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangePassword_NeedsCurrentPasswordAndEndsOtherSessions()
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync(Email);
        var other = portal.NewBrowser();
        (await PortalUnderTest.SignInAsync(other, Email)).Dispose();

        using var wrong = await browser.SubmitAsync("/account/security", ("Password.CurrentPassword", "not the password at all"), ("Password.NewPassword", "a brand new long passphrase"));
        using var right = await browser.SubmitAsync("/account/security", ("Password.CurrentPassword", PortalUnderTest.Password), ("Password.NewPassword", "a brand new long passphrase"));

        var wrongPage = await wrong.Content.ReadAsStringAsync();
        Assert.True(wrongPage.Contains("The current password is incorrect", StringComparison.Ordinal), wrongPage);
        Assert.Contains("Your password has changed", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var stillIn = await browser.GetAsync("/apps");
        using var otherOut = await other.GetAsync("/apps");
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, otherOut.StatusCode);
        Assert.Equal(1, await portal.QueryAsync(db => db.AuditEvents.CountAsync(e => e.Action == "account.password.change")));
    }

    [Fact]
    public async Task ChangeEmail_ConfirmedByNewAddress_OldAddressNotified()
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync(Email);
        const string NewEmail = "renamed@acme-advisers.com.au";

        using var otherDomain = await browser.SubmitFormAsync("/account/security", "#change-email", ("Email.NewEmail", "me@elsewhere.com.au"), ("Email.CurrentPassword", PortalUnderTest.Password));
        using var request = await browser.SubmitFormAsync("/account/security", "#change-email", ("Email.NewEmail", NewEmail), ("Email.CurrentPassword", PortalUnderTest.Password));
        Assert.Equal(Email, await portal.QueryAsync(db => db.Users.Select(u => u.Email).SingleAsync()));
        var link = await AccountSteps.MailedLinkAsync(portal, NewEmail, "/account/confirm-email");
        using var confirm = await portal.NewBrowser().SubmitAsync(link);
        using var replay = await portal.NewBrowser().SubmitAsync(link);

        Assert.Contains("Use an address at acme-advisers.com.au", await otherDomain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Your email is now", await confirm.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("already been used", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(NewEmail, await portal.QueryAsync(db => db.Users.Select(u => u.Email).SingleAsync()));
        Assert.True(await portal.QueryAsync(db => db.OutboxMessages.AnyAsync(m => m.To == Email && m.Subject.Contains("changed"))));
        using var signIn = await PortalUnderTest.SignInAsync(portal.NewBrowser(), NewEmail);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
    }
}

public sealed class SqliteAccountTests : AccountTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresAccountTests : AccountTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
