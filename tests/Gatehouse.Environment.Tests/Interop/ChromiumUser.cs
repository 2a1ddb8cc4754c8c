using Gatehouse.Testing;
using Microsoft.Playwright;

namespace Gatehouse.Environment.Tests.Interop;

/// <summary>
/// A Class user in Debian's headless chromium (Playwright drives it; its driver ships in the NuGet
/// package, nothing downloads): opens the authorization URL a third-party client built, logs in,
/// picks a business on the consent page and allows. The browser's navigation to the client's
/// registered loopback redirect URI is intercepted (nothing listens there) and returned as the
/// callback URL the client library then validates.
/// </summary>
public sealed class ChromiumUser : IAsyncDisposable
{
    private readonly IPlaywright playwright;
    private readonly IBrowser browser;

    private ChromiumUser(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        this.browser = browser;
    }

    public static async Task<ChromiumUser> LaunchAsync()
    {
        var (playwright, browser) = await Chromium.LaunchAsync();
        return new ChromiumUser(playwright, browser);
    }

    /// <summary>What the browser saw on the way: the consent page's HTML, and the callback URL.</summary>
    public sealed record Outcome(string CallbackUrl, string ConsentHtml);

    /// <summary>
    /// Authorize → login → (MFA code, if asked) → consent (business picked when there is a picker) →
    /// Allow; returns the URL the AS redirected the browser to.
    /// </summary>
    public async Task<Outcome> AuthorizeAsync(string authorizationUrl, string redirectUri, string userName, string password, string? business = null, Func<string>? totp = null)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var callback = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(url => url.StartsWith(redirectUri, StringComparison.Ordinal), async route =>
        {
            callback.TrySetResult(route.Request.Url);
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/plain", Body = "callback received" });
        });

        await page.GotoAsync(authorizationUrl);
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        if (totp is not null)
        {
            await page.GetByLabel("Code").FillAsync(totp());
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        }

        await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).Filter(new() { HasText = "Allow" }).WaitForAsync(new() { Timeout = 15_000 });
        var html = await page.ContentAsync();
        if (business is not null && await page.Locator("select#business").CountAsync() > 0)
        {
            await page.GetByLabel("Business the app may access").SelectOptionAsync(business);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        var url = await callback.Task.WaitAsync(TimeSpan.FromSeconds(15));
        return new Outcome(url, html);
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
