using System.Collections.Concurrent;
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
        await using var session = await JourneySession.StartAsync();
        var (product, page, journey) = (session.Product, session.Page, session.Journey);
        var fundNames = await ReferenceTryIt.FundNamesAsync(product.PieUrl, journey);

        var requests = new ConcurrentQueue<string>();
        session.Context.Request += (_, request) => requests.Enqueue(request.Url);
        try
        {
            await ReferenceTryIt.OpenPartnerApiReferenceAsync(page, product.PortalUrl);
            await ReferenceTryIt.UseAppAsync(page, "MyApp-PIE", journey.BusinessCode);
            await ReferenceTryIt.SendFundListAsync(page, product.PieUrl, journey.BusinessCode, fundNames[0]);
        }
        catch
        {
            await ReferenceTryIt.SaveFailureAsync(page, "reference-try-it-failure");
            throw;
        }

        var allowed = new[] { Origin(product.PortalUrl), Origin(product.PieUrl) };
        var elsewhere = requests.Where(u => u.StartsWith("http", StringComparison.OrdinalIgnoreCase) && !allowed.Contains(Origin(u))).ToList();
        Assert.True(elsewhere.Count == 0, "Requests to other hosts: " + string.Join(", ", elsewhere));
        Assert.Contains(requests, u => u.StartsWith(product.PieUrl + "/api/1.0/b/" + journey.BusinessCode + "/fund-data/fund-list", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The race behind an unexplained PIE 401: "Use this app" answered before the OpenAPI document had
    /// loaded, and the reference was then mounted without the token, so Scalar sent none. The test holds
    /// the document back until the token is there.
    /// </summary>
    [Fact]
    public async Task Reference_TokenArrivesBeforeTheDocument_TryItStillSendsTheToken()
    {
        await using var session = await JourneySession.StartAsync();
        var (product, page, journey) = (session.Product, session.Page, session.Journey);
        var fundNames = await ReferenceTryIt.FundNamesAsync(product.PieUrl, journey);

        var tokenShown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/catalogue/class-partner-api/openapi.json", async route =>
        {
            await tokenShown.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await route.ContinueAsync();
        });
        try
        {
            await ReferenceTryIt.OpenPartnerApiReferenceAsync(page, product.PortalUrl);
            await Assertions.Expect(page.Locator("#reference-status")).ToContainTextAsync("Loading");
            await ReferenceTryIt.UseAppAsync(page, "MyApp-PIE", journey.BusinessCode);
            tokenShown.SetResult();
            await Assertions.Expect(page.Locator("#reference-status")).ToBeEmptyAsync(new() { Timeout = 30_000 });
            await ReferenceTryIt.SendFundListAsync(page, product.PieUrl, journey.BusinessCode, fundNames[0]);
        }
        catch
        {
            tokenShown.TrySetResult();
            await ReferenceTryIt.SaveFailureAsync(page, "reference-try-it-race-failure");
            throw;
        }
    }

    /// <summary>
    /// The Management API is the portal's own: try-it there uses a personal access token the signed-in
    /// developer creates on the reference page (read-only, one day), listed on their API tokens page.
    /// </summary>
    [Fact]
    public async Task Reference_ManagementApiTryItWithANewPersonalToken_ListsTheOrganisationsApps()
    {
        await using var session = await JourneySession.StartAsync();
        var (product, page, journey) = (session.Product, session.Page, session.Journey);
        try
        {
            await ReferenceTryIt.OpenReferenceAsync(page, product.PortalUrl, "management-api", "Management API", "/api/v1/apps");
            await Assertions.Expect(page.Locator("#management-api-how")).ToContainTextAsync("Authorization: Bearer gh_pat_");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create a token for try-it" }).ClickAsync();
            await Assertions.Expect(page.Locator("#try-it-status")).ToContainTextAsync("Ready", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#try-it-status")).ToContainTextAsync("(apps:read)");

            var response = await ReferenceTryIt.SendAsync(page, "GET", "/api/v1/apps", url => url == product.PortalUrl + "/api/v1/apps");
            Assert.Equal(200, response.Status);
            Assert.Contains(journey.ClientId, await response.TextAsync(), StringComparison.Ordinal);
            await Assertions.Expect(page.Locator("body")).ToContainTextAsync(journey.ClientId, new() { Timeout = 30_000 });

            // The token is the developer's own, like any other: listed where they can revoke it.
            await page.GotoAsync(product.PortalUrl + "/api-tokens");
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Try-it in the API reference");
        }
        catch
        {
            await ReferenceTryIt.SaveFailureAsync(page, "reference-management-api-failure");
            throw;
        }
    }

    private static string Origin(string url) => new Uri(url).GetLeftPart(UriPartial.Authority).ToLowerInvariant();
}
