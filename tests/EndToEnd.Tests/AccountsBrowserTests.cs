using Gatehouse.Hosting.Database;
using Gatehouse.Hosting.Mfa;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// Accounts in a real Chromium: sign-up → verify → sign-in → enrol TOTP (QR code) → sign out → sign in
/// with a code. The portal's clock is a <see cref="FakeTimeProvider"/> the test advances (time injected,
/// not waited for); the authenticator app computes its codes at that same time. The enrolment code,
/// reused, is refused; after the clock moves on a step, the new code signs in.
/// </summary>
public sealed class AccountsBrowserTests
{
    [Fact]
    public async Task Mfa_SignUpVerifyEnrolSignOutSignInWithCode_Works()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var product = await GatehouseUnderTest.StartAsync(DatabaseProvider.Sqlite, configurePortalServices: s => s.AddSingleton<TimeProvider>(clock));
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync()).NewPageAsync();
        var portal = product.PortalUrl;
        var email = $"mia@{$"mfa{Guid.NewGuid():N}"[..12]}.com.au";
        const string password = "a long passphrase for the browser test";

        // Sign up and verify.
        await page.GotoAsync($"{portal}/account/sign-up");
        await page.GetByLabel("Work email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Confirm password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await page.GotoAsync($"{portal}/dev/mail");
        await page.Locator("article.mail").Filter(new() { HasText = email }).First.Locator("ul.mail-links a").First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify email address" }).ClickAsync();
        await Assertions.Expect(page.Locator("#verify-result")).ToContainTextAsync("verified");

        // Sign in with the password alone (no MFA yet: one step).
        await SignInWithPasswordAsync(page, portal, email, password);
        await Assertions.Expect(page.Locator("#signed-in-email")).ToHaveTextAsync(email);

        // Enrol: the QR code is an image the page shows; the key beside it is what the app stores.
        await page.GotoAsync($"{portal}/account/mfa");
        var qr = page.Locator("#mfa-qr");
        await Assertions.Expect(qr).ToBeVisibleAsync();
        Assert.True(await qr.EvaluateAsync<int>("img => img.naturalWidth") > 0, "The QR code image did not render.");
        var key = (await page.Locator("#mfa-key").TextContentAsync())!.Trim();
        var enrolCode = Authenticator.Code(key, clock.GetUtcNow());
        await page.GetByLabel("Code from your authenticator app").FillAsync(enrolCode);
        await page.GetByLabel("Current password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-step verification" }).ClickAsync();
        await Assertions.Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        await Assertions.Expect(page.Locator("#mfa-status")).ToContainTextAsync("on");

        // Sign out (the header button), then sign in again: now a code is asked for.
        await page.Locator("header").GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.Locator("#signed-in-email")).ToHaveCountAsync(0);
        await SignInWithPasswordAsync(page, portal, email, password);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Two-step verification" })).ToBeVisibleAsync();

        // The enrolment code again: refused, clearly.
        await page.GetByLabel("Authentication code").FillAsync(enrolCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(page.Locator(".validation-summary-errors")).ToContainTextAsync("already been used");

        // Thirty seconds pass (on the portal's clock, advanced): the app's next code signs in.
        clock.Advance(TimeSpan.FromSeconds(30));
        await page.GetByLabel("Authentication code").FillAsync(Authenticator.Code(key, clock.GetUtcNow()));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(page.Locator("#signed-in-email")).ToHaveTextAsync(email);
        await Assertions.Expect(page).ToHaveURLAsync($"{portal}/apps");
    }

    private static async Task SignInWithPasswordAsync(IPage page, string portal, string email, string password)
    {
        await page.GotoAsync($"{portal}/account/sign-in");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }
}
