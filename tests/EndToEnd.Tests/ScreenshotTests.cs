using System.Text.RegularExpressions;
using Gatehouse.Hosting.Database;
using Gatehouse.Testing;
using Microsoft.Playwright;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// The getting-started guide's screenshots, taken from the running product in Chromium. Normally they
/// go to a temporary folder and the test checks that every screenshot the guide shows is one this
/// generator makes and the portal serves. To refresh the committed ones:
/// <c>GATEHOUSE_SCREENSHOTS_DIR=$PWD/src/Gatehouse.Portal/Assets/screenshots dotnet test tests/EndToEnd.Tests --filter ScreenshotTests</c>.
/// </summary>
public sealed partial class ScreenshotTests
{
    [Fact]
    public async Task Screenshots_GettingStarted_AreGeneratedFromTheRunningPortalAndServed()
    {
        var target = System.Environment.GetEnvironmentVariable("GATEHOUSE_SCREENSHOTS_DIR") is { Length: > 0 } dir
            ? Directory.CreateDirectory(dir)
            : Directory.CreateTempSubdirectory("gatehouse-screenshots-");
        await using var product = await GatehouseUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var options = new BrowserNewContextOptions { ViewportSize = new() { Width = 1000, Height = 700 }, DeviceScaleFactor = 1 };

        var anonymous = await (await browser.NewContextAsync(options)).NewPageAsync();
        await anonymous.GotoAsync($"{product.PortalUrl}/account/sign-up");
        await ShootAsync(anonymous, target, "sign-up");

        var page = await (await browser.NewContextAsync(options)).NewPageAsync();
        await PortalJourney.RunAsync(page, product.PortalUrl);
        await page.GotoAsync($"{product.PortalUrl}/apps");
        await page.GetByRole(AriaRole.Link, new() { Name = "MyApp-PIE" }).ClickAsync();
        var app = new Uri(page.Url).AbsolutePath;
        await ShootAsync(page, target, "app");
        await page.GotoAsync($"{product.PortalUrl}{app}/apis");
        await ShootAsync(page, target, "selected-api");
        await page.GotoAsync($"{product.PortalUrl}/sandbox");
        await ShootAsync(page, target, "sandbox");

        var made = target.GetFiles("*.png").Select(f => Path.GetFileNameWithoutExtension(f.Name)).ToHashSet(StringComparer.Ordinal);
        var guide = await (await new HttpClient().GetAsync($"{product.PortalUrl}/docs/getting-started")).Content.ReadAsStringAsync();
        var shown = ScreenshotReference().Matches(guide).Select(m => m.Groups["name"].Value).Distinct().ToList();
        Assert.NotEmpty(shown);
        using var http = new HttpClient();
        foreach (var name in shown)
        {
            Assert.Contains(name, made);
            using var served = await http.GetAsync($"{product.PortalUrl}/assets/screenshots/{name}.png");
            Assert.True(served.IsSuccessStatusCode, $"/assets/screenshots/{name}.png is not served: commit it (see this class's summary).");
            Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        }

        Assert.Matches(ImageWithAlt(), guide);
        Assert.DoesNotMatch(ImageWithoutAlt(), guide);
    }

    private static async Task ShootAsync(IPage page, DirectoryInfo target, string name)
    {
        var png = await page.ScreenshotAsync(new() { Path = Path.Combine(target.FullName, name + ".png"), FullPage = false });
        Assert.True(png.Length > 5_000, $"{name}.png is suspiciously small");
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], png[..4]);
    }

    [GeneratedRegex("/assets/screenshots/(?<name>[a-z0-9-]+)\\.png")]
    private static partial Regex ScreenshotReference();

    [GeneratedRegex("<img src=\"/assets/screenshots/[a-z0-9-]+\\.png\" alt=\"[^\"]{20,}\"")]
    private static partial Regex ImageWithAlt();

    [GeneratedRegex("<img src=\"/assets/screenshots/[a-z0-9-]+\\.png\" alt=\"\"")]
    private static partial Regex ImageWithoutAlt();
}
