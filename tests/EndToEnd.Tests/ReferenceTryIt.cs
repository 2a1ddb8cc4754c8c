using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// The Class Partner API's reference page and its try-it, clicked as a developer does (issue 7,
/// ADR 0013): from the catalogue to the reference, "Use this app" with one of their PIE apps, then
/// Scalar's "Test Request" for the fund list, sent to PIE for real.
/// </summary>
public static class ReferenceTryIt
{
    public const string FundListOperation = "/api/1.0/b/{businessCode}/fund-data/fund-list";

    /// <summary>Catalogue → the Class Partner API's page → its reference.</summary>
    public static Task OpenPartnerApiReferenceAsync(IPage page, string portalUrl) =>
        OpenReferenceAsync(page, portalUrl, "class-partner-api", "Class Partner API", "/fund-data/fund-list");

    /// <summary>Catalogue → a product's page (which lists <paramref name="operation"/>) → its reference.</summary>
    public static async Task OpenReferenceAsync(IPage page, string portalUrl, string code, string name, string operation)
    {
        await page.GotoAsync(portalUrl + "/catalogue");
        await page.Locator($"#product-{code} h2 a").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(name);
        await Assertions.Expect(page.Locator("#operations")).ToContainTextAsync(operation);
        await page.GetByRole(AriaRole.Link, new() { Name = "Open the reference and try it" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(name + " reference");
    }

    /// <summary>Picks the app for try-it and waits until the portal has its token for the app's sandbox business.</summary>
    public static async Task UseAppAsync(IPage page, string appName, string businessCode)
    {
        await page.Locator("#try-it-app").SelectOptionAsync(new SelectOptionValue { Label = appName });
        await page.GetByRole(AriaRole.Button, new() { Name = "Use this app" }).ClickAsync();
        await Assertions.Expect(page.Locator("#try-it-status")).ToContainTextAsync($"business {businessCode}", new() { Timeout = 30_000 });
    }

    /// <summary>
    /// Sends the fund list from the reference to PIE and waits until the page shows
    /// <paramref name="expectedFundName"/> from the response; returns the response's correlation id
    /// (the header PIE exposes to the page).
    /// </summary>
    public static async Task<string> SendFundListAsync(IPage page, string pieUrl, string businessCode, string expectedFundName)
    {
        // Any fund list call to PIE, so that a call without the token or the business shows as what it got.
        var response = await SendAsync(page, "GET", FundListOperation,
            url => url.StartsWith(pieUrl + "/api/", StringComparison.OrdinalIgnoreCase) && url.Contains("/fund-data/fund-list", StringComparison.Ordinal));
        Assert.StartsWith($"{pieUrl}/api/1.0/b/{businessCode}/fund-data/fund-list", response.Url, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(200, response.Status);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync(expectedFundName, new() { Timeout = 30_000 });
        var correlationId = await response.HeaderValueAsync("x-correlation-id");
        Assert.False(string.IsNullOrEmpty(correlationId), "PIE's answer carries no X-Correlation-Id.");
        return correlationId;
    }

    /// <summary>Scalar: the operation in the sidebar, its "Test Request", then Send; returns the browser's response to that call.</summary>
    public static async Task<IResponse> SendAsync(IPage page, string method, string path, Func<string, bool> isTheCall)
    {
        await page.Locator($"a[href$='{path}']:visible").First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Test Request ({method.ToLowerInvariant()} {path})" }).ClickAsync();
        var send = page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Send") }).First;
        await send.WaitForAsync();
        return await page.RunAndWaitForResponseAsync(() => send.ClickAsync(), r => isTheCall(r.Url) && r.Request.Method == method);
    }

    /// <summary>On failure: the page as it was, for the person reading the test output.</summary>
    public static async Task SaveFailureAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), name + ".png"), FullPage = true });
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), name + ".html"), await page.ContentAsync());
    }

    /// <summary>The sandbox's fund names, read from PIE directly with the journey's own credentials.</summary>
    public static async Task<IReadOnlyList<string>> FundNamesAsync(string pieUrl, JourneyResult journey)
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
        var names = data[0].GetProperty("FundSummaries").EnumerateArray().Select(f => f.GetProperty("Name").GetString()!).ToList();
        Assert.NotEmpty(names);
        return names;
    }
}
