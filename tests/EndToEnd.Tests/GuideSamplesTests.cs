using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Gatehouse.Hosting.Database;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// The curl samples in the guides, exactly as the portal renders them (with this deployment's
/// URLs), run by bash against the running product with a developer's real credentials.
/// </summary>
public sealed class GuideSamplesTests
{
    [Theory]
    [InlineData("getting-started")]
    [InlineData("oauth-client-apps")]
    public async Task CurlSamples_InGuide_RunGreenAgainstTheProduct(string slug)
    {
        await using var product = await GatehouseUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync()).NewPageAsync();
        var journey = await PortalJourney.RunAsync(page, product.PortalUrl);

        await page.GotoAsync($"{product.PortalUrl}/docs/{slug}");
        var samples = (await page.Locator("#guide pre code").AllTextContentsAsync())
            .Where(code => code.TrimStart().StartsWith("curl ", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(samples);

        var variables = new Dictionary<string, string>
        {
            ["CLIENT_ID"] = journey.ClientId,
            ["CLIENT_SECRET"] = journey.ClientSecret,
            ["API_USER"] = journey.ApiUserName,
            ["API_PASSWORD"] = journey.ApiUserPassword,
            ["BUSINESS_CODE"] = journey.BusinessCode,
        };
        foreach (var sample in samples)
        {
            var (exitCode, output) = await RunBashAsync(sample.TrimEnd() + " -w '\\n%{http_code}'", variables);
            Assert.True(exitCode == 0, $"sample failed ({exitCode}):\n{sample}\n{output}");
            var lines = output.TrimEnd().Split('\n');
            Assert.True(lines[^1] == "200", $"sample answered {lines[^1]}:\n{sample}\n{output}");
            using var json = JsonDocument.Parse(string.Join('\n', lines[..^1]));
            if (json.RootElement.TryGetProperty("access_token", out var token))
            {
                // Later samples use the token the earlier one obtained, as a reader would.
                variables["ACCESS_TOKEN"] = token.GetString()!;
            }
            else
            {
                Assert.Equal(0, json.RootElement.GetProperty("Errors").GetArrayLength());
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunBashAsync(string script, IReadOnlyDictionary<string, string> variables)
    {
        var start = new ProcessStartInfo("bash", ["-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, WebUtility.HtmlDecode(await output) + await error);
    }
}
