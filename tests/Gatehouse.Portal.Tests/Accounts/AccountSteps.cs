using System.Net;
using OtpNet;

namespace Gatehouse.Portal.Tests.Accounts;

/// <summary>Steps the account tests share: MFA enrolment and codes, as the authenticator app would compute them.</summary>
public static class AccountSteps
{
    /// <summary>The code an authenticator app shows <paramref name="stepsAhead"/> time steps from now (the app's clock is the test's to choose).</summary>
    public static string Code(string key, int stepsAhead = 0) =>
        new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow.AddSeconds(30 * stepsAhead));

    /// <summary>Enrols TOTP through the page; returns the key, the code used and the recovery codes shown.</summary>
    public static async Task<(string Key, string UsedCode, IReadOnlyList<string> RecoveryCodes)> EnrolMfaAsync(Browser browser, string password = PortalUnderTest.Password)
    {
        var page = await browser.GetDocumentAsync("/account/mfa");
        var key = page.QuerySelector("#mfa-key")!.TextContent.Trim();
        Assert.StartsWith("data:image/png;base64,", page.QuerySelector("#mfa-qr")!.GetAttribute("src"), StringComparison.Ordinal);
        var code = Code(key);
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
