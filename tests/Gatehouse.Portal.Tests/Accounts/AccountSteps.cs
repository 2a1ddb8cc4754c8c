using System.Net;
using Gatehouse.Hosting.Database;
using Gatehouse.Hosting.Mfa;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Portal.Tests.Accounts;

/// <summary>Steps the account tests share: MFA enrolment and codes, as the authenticator app would compute them.</summary>
public static class AccountSteps
{
    /// <summary>A portal whose clock is the test's: MFA and session tests advance it instead of waiting.</summary>
    /// <remarks>Starts on a whole second: the auth cookie keeps its issue time to the second, the session row exactly, and the two then agree.</remarks>
    public static Task<PortalUnderTest> StartWithClockAsync(DatabaseProvider provider, IDictionary<string, string?>? overrides = null) =>
        PortalUnderTest.StartAsync(provider, overrides: overrides, clock: new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds())));

    /// <summary>The code an authenticator app shows at the portal's current time (its clock and the phone's agree).</summary>
    public static string Code(string key, PortalUnderTest portal) =>
        Authenticator.Code(key, ClockOf(portal).GetUtcNow());

    /// <summary>Moves the portal's (fake) clock on one TOTP step and returns the app's code for it: time injected, not waited for.</summary>
    public static string NextCode(string key, PortalUnderTest portal)
    {
        Assert.True(portal.Clock is not null, "Start the portal with a FakeTimeProvider (AccountSteps.StartWithClockAsync) to move to the next TOTP step.");
        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        return Code(key, portal);
    }

    private static TimeProvider ClockOf(PortalUnderTest portal) => portal.Clock ?? TimeProvider.System;

    /// <summary>Enrols TOTP through the page; returns the key, the code used and the recovery codes shown.</summary>
    public static async Task<(string Key, string UsedCode, IReadOnlyList<string> RecoveryCodes)> EnrolMfaAsync(PortalUnderTest portal, Browser browser, string password = PortalUnderTest.Password)
    {
        var page = await browser.GetDocumentAsync("/account/mfa");
        var key = page.QuerySelector("#mfa-key")!.TextContent.Trim();
        Assert.StartsWith("data:image/png;base64,", page.QuerySelector("#mfa-qr")!.GetAttribute("src"), StringComparison.Ordinal);
        var code = Code(key, portal);
        using var enable = await browser.SubmitAsync("/account/mfa", ("Code", code), ("CurrentPassword", password));
        Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        var done = await Browser.DocumentAsync(enable);
        var recovery = done.QuerySelectorAll("#recovery-codes code").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(10, recovery.Count);
        return (key, code, recovery);
    }

    public static Task<HttpResponseMessage> MfaStepAsync(Browser browser, string code) =>
        browser.SubmitAsync("/account/sign-in/mfa", ("Code", code));

    public static async Task SignOutAsync(Browser browser)
    {
        using var response = await browser.SubmitAsync("/account/sign-out");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>The newest link mailed to <paramref name="email"/> whose path contains <paramref name="path"/>.</summary>
    public static async Task<string> MailedLinkAsync(PortalUnderTest portal, string email, string path)
    {
        using var reader = portal.NewBrowser();
        var outbox = await reader.GetDocumentAsync("/dev/mail");
        var link = outbox.QuerySelectorAll("article.mail")
            .Where(m => string.Equals(m.QuerySelector(".mail-to")?.TextContent.Trim(), email, StringComparison.OrdinalIgnoreCase))
            .SelectMany(m => m.QuerySelectorAll(".mail-links a"))
            .Select(a => a.GetAttribute("href")!)
            .FirstOrDefault(h => h.Contains(path, StringComparison.Ordinal));
        Assert.NotNull(link);
        return link[portal.Url.Length..];
    }
}
