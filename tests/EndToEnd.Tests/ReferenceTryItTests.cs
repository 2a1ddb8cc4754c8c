using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gatehouse.Hosting.Database;
using Microsoft.Playwright;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// Issue 7: a developer with a PIE app opens the catalogue, the Class Partner API's page and its
/// reference, uses try-it with the app and sees real sandbox funds, while the page talks to no host
/// but the portal and PIE (ADR 0013).
/// </summary>
public sealed class ReferenceTryItTests
{
    [Fact]
    public async Task Reference_TryItWithOwnPieApp_ShowsSandboxFundsAndCallsOnlyTheProductsHosts()
    {
        await using var product = await GatehouseUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var journey = await PortalJourney.RunAsync(page, product.PortalUrl);
        var fundNames = await FundNamesAsync(product.PieUrl, journey);
        Assert.NotEmpty(fundNames);

        var requests = new ConcurrentQueue<string>();
        context.Request += (_, request) => requests.Enqueue(request.Url);
        try
        {
            await page.GotoAsync(product.PortalUrl + "/catalogue");
            await page.Locator("#product-class-partner-api h2 a").ClickAsync();
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Class Partner API");
            await Assertions.Expect(page.Locator("#operations")).ToContainTextAsync("/fund-data/fund-list");
            await page.GetByRole(AriaRole.Link, new() { Name = "Open the reference and try it" }).ClickAsync();
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Class Partner API reference");

            await page.Locator("#try-it-app").SelectOptionAsync(new SelectOptionValue { Label = "MyApp-PIE" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Use this app" }).ClickAsync();
            await Assertions.Expect(page.Locator("#try-it-status")).ToContainTextAsync($"business {journey.BusinessCode}", new() { Timeout = 30_000 });

            // Scalar: the fund list operation's "Test Request", then send it to PIE for real.
            await page.Locator("a[href$='/fund-data/fund-list']:visible").First.ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Test Request (get /api/1.0/b/{businessCode}/fund-data/fund-list)" }).ClickAsync();
            var send = page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Send") }).First;
            await send.WaitForAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "reference-try-it-client.png") });
            await send.ClickAsync();
            await Assertions.Expect(page.Locator("body")).ToContainTextAsync(fundNames[0], new() { Timeout = 30_000 });
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "reference-try-it-failure.png"), FullPage = true });
            await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "reference-try-it-failure.html"), await page.ContentAsync());
            throw;
        }

        var allowed = new[] { Origin(product.PortalUrl), Origin(product.PieUrl) };
        var elsewhere = requests.Where(u => u.StartsWith("http", StringComparison.OrdinalIgnoreCase) && !allowed.Contains(Origin(u))).ToList();
        Assert.True(elsewhere.Count == 0, "Requests to other hosts: " + string.Join(", ", elsewhere));
        Assert.Contains(requests, u => u.StartsWith(product.PieUrl + "/api/1.0/b/" + journey.BusinessCode + "/fund-data/fund-list", StringComparison.OrdinalIgnoreCase));
    }

    private static string Origin(string url) => new Uri(url).GetLeftPart(UriPartial.Authority).ToLowerInvariant();

    /// <summary>The sandbox's fund names, read from PIE directly with the journey's own credentials.</summary>
    private static async Task<IReadOnlyList<string>> FundNamesAsync(string pieUrl, JourneyResult journey)
    {
        using var http = new HttpClient { BaseAddress = new Uri(pieUrl) };
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "password",
                ["username"] = journey.ApiUserName,
                ["password"] = journey.ApiUserPassword,
                ["scope"] = "business.fund.list",
            }),
        };
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{journey.ClientId}:{journey.ClientSecret}")));
        using var tokenResponse = await http.SendAsync(tokenRequest);
        var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();
        using var fundsRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/1.0/b/{journey.BusinessCode}/fund-data/fund-list");
        fundsRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        fundsRequest.Headers.Accept.ParseAdd("application/json");
        using var funds = await http.SendAsync(fundsRequest);
        var data = JsonDocument.Parse(await funds.Content.ReadAsStringAsync()).RootElement.GetProperty("Data");
        return [.. data[0].GetProperty("FundSummaries").EnumerateArray().Select(f => f.GetProperty("Name").GetString()!)];
    }
}
