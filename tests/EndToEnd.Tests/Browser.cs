using Microsoft.Playwright;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>Debian's chromium, headless, driven by Playwright (its driver ships in the NuGet package; no browser download).</summary>
public static class Browser
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
            // Running as root on a machine with no network beyond the registries (STACK.md).
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
        return (playwright, browser);
    }
}
