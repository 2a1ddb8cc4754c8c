using Microsoft.Playwright;

namespace Gatehouse.Testing;

/// <summary>
/// The one Chromium launch of every browser test: Debian's chromium, headless, driven by Playwright
/// (its driver ships in the NuGet package; no browser download).
/// </summary>
public static class Chromium
{
    public static string ExecutablePath =>
        System.Environment.GetEnvironmentVariable("GATEHOUSE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Running as root on a machine whose only network is the package registries: no sandbox,
            // nothing that phones home or updates itself.
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
        return (playwright, browser);
    }
}
