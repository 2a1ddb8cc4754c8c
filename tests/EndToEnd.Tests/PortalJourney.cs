using Microsoft.Playwright;

namespace Gatehouse.EndToEnd.Tests;

/// <param name="AccessControllerUserName">The sandbox's Class user who signs in and consents for Partner apps.</param>
public sealed record JourneyResult(
    string ClientId, string ClientSecret, string ApiUserName, string ApiUserPassword, string BusinessCode, int FundCount,
    string AccessControllerUserName, string AccessControllerPassword);

/// <summary>Steps 1 and 2 of the getting-started guide, clicked through the portal as a person would.</summary>
public static class PortalJourney
{
    private const int PollAttempts = 120;

    public static async Task<JourneyResult> RunAsync(IPage page, string portalUrl)
    {
        // Each run gets a company domain of its own, so its developer founds a new organisation.
        var domain = $"wealth{Guid.NewGuid():N}"[..14] + ".com.au";
        var email = $"jane@{domain}";
        const string password = "correct horse battery staple";

        // Step 1: sign up. A free-mail address is refused with a clear message first.
        await page.GotoAsync(portalUrl);
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign up" }).First.ClickAsync();
        await FillSignUpAsync(page, "jane@gmail.com", password);
        await Assertions.Expect(page.Locator("form")).ToContainTextAsync("company email");
        await FillSignUpAsync(page, email, password);

        // Verify the email with the link from the outbox.
        await page.GotoAsync($"{portalUrl}/dev/mail");
        var mail = page.Locator("article.mail").Filter(new() { HasText = email }).First;
        await mail.Locator("ul.mail-links a").First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify email address" }).ClickAsync();
        await Assertions.Expect(page.Locator("#verify-result")).ToContainTextAsync("verified");

        // Sign in.
        await page.GotoAsync($"{portalUrl}/account/sign-in");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#signed-in-email")).ToHaveTextAsync(email);

        // My Apps -> Create App.
        await page.GetByRole(AriaRole.Link, new() { Name = "My Apps" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Create App" }).ClickAsync();
        await page.GetByLabel("App name").FillAsync("MyApp-PIE");
        await page.GetByLabel("Description").FillAsync("Reads our funds for the practice dashboard.");
        await page.GetByLabel("Contact email").FillAsync(email);
        await page.Locator("#environment-pie").CheckAsync();
        await page.GetByLabel("Client (single-tenant)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        // Step 2: the Client ID and the secret, shown this once.
        var clientId = await page.Locator("#client-id").InputValueAsync();
        var clientSecret = await page.Locator("#client-secret").InputValueAsync();
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", clientId);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", clientSecret);
        await page.Locator("#continue-to-app").ClickAsync();
        Assert.DoesNotContain(clientSecret, await page.ContentAsync(), StringComparison.Ordinal);

        // Selected API: tick Class Partner API and save.
        await page.Locator("#selected-api-link").ClickAsync();
        await page.GetByLabel("Class Partner API").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.GotoAsync($"{portalUrl}/apps");
        await page.GetByRole(AriaRole.Link, new() { Name = "MyApp-PIE" }).ClickAsync();
        await Assertions.Expect(page.Locator("#app-scopes")).ToContainTextAsync("business.fund.list");
        await WaitForTextAsync(page, "#sync-status", "In sync with PIE");

        // The sandbox business, its API user and its Access Controller, as the Sandbox page shows them.
        await page.GetByRole(AriaRole.Link, new() { Name = "Sandbox" }).ClickAsync();
        await WaitForVisibleAsync(page, "#sandbox-business-code");
        return new JourneyResult(
            clientId,
            clientSecret,
            await page.Locator("#sandbox-api-user").InputValueAsync(),
            await page.Locator("#sandbox-api-password").InputValueAsync(),
            (await page.Locator("#sandbox-business-code").TextContentAsync())!.Trim(),
            int.Parse((await page.Locator("#sandbox-fund-count").TextContentAsync())!.Trim()),
            await page.Locator("#sandbox-controller-user").InputValueAsync(),
            await page.Locator("#sandbox-controller-password").InputValueAsync());
    }

    private static async Task FillSignUpAsync(IPage page, string email, string password)
    {
        await page.GetByLabel("Work email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Confirm password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
    }

    // Provisioning (and usage recording) runs in the background; a person refreshes the page, so does the test (bounded).
    internal static async Task WaitForTextAsync(IPage page, string selector, string text)
    {
        for (var i = 0; i < PollAttempts; i++)
        {
            if ((await page.Locator(selector).TextContentAsync())?.Contains(text, StringComparison.Ordinal) == true)
            {
                return;
            }

            await Task.Delay(250);
            await page.ReloadAsync();
        }

        await Assertions.Expect(page.Locator(selector)).ToContainTextAsync(text);
    }

    private static async Task WaitForVisibleAsync(IPage page, string selector)
    {
        for (var i = 0; i < PollAttempts && await page.Locator(selector).CountAsync() == 0; i++)
        {
            await Task.Delay(250);
            await page.ReloadAsync();
        }

        await Assertions.Expect(page.Locator(selector)).ToBeVisibleAsync();
    }
}
