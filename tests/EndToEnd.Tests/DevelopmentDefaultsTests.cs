using Gatehouse.Hosting.Database;
using Gatehouse.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// What <c>dotnet run</c> gives a newcomer: the Development settings start every plane with demo data,
/// and the demo sign-ins the README and the banner print really sign in.
/// </summary>
public sealed class DevelopmentDefaultsTests
{
    [Fact]
    public async Task DevelopmentSettings_DemoAccountsFromTheReadme_SignIn()
    {
        var development = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json"), optional: false)
            .Build();
        await using var product = await GatehouseUnderTest.StartAsync(DatabaseProvider.Sqlite, developmentDefaults: true);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        foreach (var (email, password, expectedNav) in new[]
        {
            (development["Portal:DemoData:Email"]!, development["Portal:DemoData:Password"]!, "Sandbox"),
            (development["Portal:DemoData:AdminEmail"]!, development["Portal:DemoData:AdminPassword"]!, "Admin"),
        })
        {
            var page = await (await browser.NewContextAsync()).NewPageAsync();
            await page.GotoAsync($"{product.PortalUrl}/account/sign-in");
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password").FillAsync(password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Assertions.Expect(page.Locator("#signed-in-email")).ToHaveTextAsync(email);
            await Assertions.Expect(page.Locator("header nav")).ToContainTextAsync(expectedNav);
        }
    }
}
