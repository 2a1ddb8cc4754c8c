using Duende.IdentityModel.Client;
using Gatehouse.Hosting.Database;
using Gatehouse.Testing;
using Microsoft.Playwright;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// Issue 4: "With the PIE environment stopped, creating an app succeeds in the portal and shows
/// 'pending sync'; after PIE starts, the credentials work without anyone touching anything."
/// The real PIE plane is stopped and started again (same port, same database); the app is created
/// in Chromium and its credentials are tried with a third-party OAuth client (Duende.IdentityModel).
/// </summary>
public abstract class EnvironmentOutageTests(DatabaseProvider provider)
{
    private const int PollAttempts = 160;

    [Fact]
    public async Task PieStopped_AppCreatedInPortal_PendingSyncThenProvisionedAndCredentialsWorkWhenPieStarts()
    {
        await using var product = await GatehouseUnderTest.StartAsync(provider);
        await product.StopEnvironmentAsync("pie");
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync()).NewPageAsync();
        using var http = new HttpClient();

        // PIE is down: the portal still signs the developer up and creates the app.
        var email = $"jane@outage{Guid.NewGuid():N}"[..20] + ".com.au";
        await CredentialsJourneyTests.SignUpAndInAsync(page, product.PortalUrl, email);
        await page.GetByRole(AriaRole.Link, new() { Name = "My Apps" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Create App" }).ClickAsync();
        await page.GetByLabel("App name").FillAsync("Outage-PIE");
        await page.GetByLabel("Contact email").FillAsync(email);
        await page.Locator("#environment-pie").CheckAsync();
        await page.GetByLabel("Client (single-tenant)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var clientId = await page.Locator("#client-id").InputValueAsync();
        var secret = await page.Locator("#client-secret").InputValueAsync();
        await page.Locator("#continue-to-app").ClickAsync();
        await page.Locator("#selected-api-link").ClickAsync();
        await page.GetByLabel("Class Partner API").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.GotoAsync($"{product.PortalUrl}/apps");
        await page.GetByRole(AriaRole.Link, new() { Name = "Outage-PIE" }).ClickAsync();
        var appUrl = page.Url;
        await Assertions.Expect(page.Locator("#sync-status")).ToContainTextAsync("Pending sync");
        await Assertions.Expect(page.Locator($"tr[data-secret-hint='{secret[^4..]}'] .secret-last-used")).ToHaveTextAsync("Unknown");
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(product.PieUrl + "/health/live"));

        // PIE comes back. Nobody touches anything: the portal's worker provisions the sandbox and the app.
        await product.StartEnvironmentAsync("pie");
        for (var i = 0; i < PollAttempts && !await ContainsAsync(page, "#sync-status", "In sync with PIE"); i++)
        {
            await Task.Delay(250);
        }

        await Assertions.Expect(page.Locator("#sync-status")).ToContainTextAsync("In sync with PIE");
        await page.GotoAsync($"{product.PortalUrl}/sandbox");
        for (var i = 0; i < PollAttempts && await page.Locator("#sandbox-api-user").CountAsync() == 0; i++)
        {
            await Task.Delay(250);
            await page.ReloadAsync();
        }

        var userName = await page.Locator("#sandbox-api-user").InputValueAsync();
        var password = await page.Locator("#sandbox-api-password").InputValueAsync();
        var token = await http.RequestPasswordTokenAsync(new PasswordTokenRequest
        {
            Address = product.PieUrl + "/connect/token",
            ClientId = clientId,
            ClientSecret = secret,
            ClientCredentialStyle = ClientCredentialStyle.AuthorizationHeader,
            UserName = userName,
            Password = password,
            Scope = "target:b business.fund.list",
        });
        Assert.False(token.IsError, $"{token.Error}: {token.ErrorDescription}");
        var credentials = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = product.PieUrl + "/connect/token",
            ClientId = clientId,
            ClientSecret = secret,
            Scope = "target:b business.fund.list",
        });
        Assert.False(credentials.IsError, $"{credentials.Error}: {credentials.ErrorDescription}");

        // And PIE reports the secret's use back: the app page shows when it was last used.
        await page.GotoAsync(appUrl);
        var lastUsed = page.Locator($"tr[data-secret-hint='{secret[^4..]}'] .secret-last-used");
        for (var i = 0; i < PollAttempts && (await lastUsed.TextContentAsync())?.Trim() is "Never" or "Unknown"; i++)
        {
            await Task.Delay(250);
            await page.ReloadAsync();
        }

        await Assertions.Expect(lastUsed).ToContainTextAsync("UTC");
    }

    private static async Task<bool> ContainsAsync(IPage page, string selector, string text)
    {
        await page.ReloadAsync();
        return (await page.Locator(selector).TextContentAsync())?.Contains(text, StringComparison.Ordinal) == true;
    }
}

public sealed class SqliteEnvironmentOutageTests() : EnvironmentOutageTests(DatabaseProvider.Sqlite);

public sealed class PostgresEnvironmentOutageTests() : EnvironmentOutageTests(DatabaseProvider.Postgres);
