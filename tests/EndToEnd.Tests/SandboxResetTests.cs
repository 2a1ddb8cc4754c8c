using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Duende.IdentityModel.Client;
using Microsoft.Playwright;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// The Sandbox page's Reset button against the real PIE: a change made through the Class Partner API
/// is undone; the Access Controller the page shows (who consents for Partner apps) can sign in to PIE.
/// </summary>
public sealed class SandboxResetTests
{
    [Fact]
    public async Task ResetSandbox_AfterAFundWasRenamedThroughTheApi_RestoresTheGeneratedName()
    {
        await using var session = await JourneySession.StartAsync();
        var (product, page, journey) = (session.Product, session.Page, session.Journey);
        using var http = new HttpClient();
        var token = await http.RequestPasswordTokenAsync(new PasswordTokenRequest
        {
            Address = product.PieUrl + "/connect/token",
            ClientId = journey.ClientId,
            ClientSecret = journey.ClientSecret,
            UserName = journey.ApiUserName,
            Password = journey.ApiUserPassword,
            Scope = "target:b business.fund.list fund.details.maintain",
        });
        Assert.False(token.IsError, token.Error);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        var fund = (await FundCodesAsync(http, product.PieUrl, journey.BusinessCode))[0];
        var detailUrl = $"{product.PieUrl}/api/1.0/f/{journey.BusinessCode}/{fund}/fund-data/fund-detail";
        var original = await FundNameAsync(http, detailUrl);

        var detail = JsonNode.Parse(await http.GetStringAsync(detailUrl))!["Data"]!;
        detail["FundDetails"]!["Name"] = "Renamed By The Test Super Fund";
        using var renamed = await http.PostAsync(detailUrl, new StringContent(detail.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("Renamed By The Test Super Fund", await FundNameAsync(http, detailUrl));

        await page.GotoAsync($"{product.PortalUrl}/sandbox");
        await page.Locator("#reset-sandbox").ClickAsync();
        await Assertions.Expect(page.Locator("#reset-result")).ToContainTextAsync("Sandbox reset");
        Assert.Equal(original, await FundNameAsync(http, detailUrl));

        var controller = await page.Locator("#sandbox-controller-user").InputValueAsync();
        var controllerPassword = await page.Locator("#sandbox-controller-password").InputValueAsync();
        Assert.StartsWith("controller-", controller, StringComparison.Ordinal);
        Assert.Equal(24, controllerPassword.Length);

        // ... and that Access Controller can sign in to PIE, where its business's connections are listed.
        await page.GotoAsync($"{product.PieUrl}/account/access");
        await ClassUserConsent.LogInAsync(page, controller, controllerPassword);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Partner Application Access");
    }

    private static async Task<List<string>> FundCodesAsync(HttpClient http, string pieUrl, string business)
    {
        using var list = JsonDocument.Parse(await http.GetStringAsync($"{pieUrl}/api/1.0/b/{business}/fund-data/fund-list"));
        return [.. list.RootElement.GetProperty("Data")[0].GetProperty("FundSummaries").EnumerateArray().Select(f => f.GetProperty("Code").GetString()!)];
    }

    private static async Task<string> FundNameAsync(HttpClient http, string detailUrl)
    {
        using var detail = JsonDocument.Parse(await http.GetStringAsync(detailUrl));
        return detail.RootElement.GetProperty("Data").GetProperty("FundDetails").GetProperty("Name").GetString()!;
    }
}
