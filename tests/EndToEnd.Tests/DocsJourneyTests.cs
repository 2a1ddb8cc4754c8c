using Microsoft.Playwright;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// Issue 7, the documentation portal in one chain, as a developer goes through it: signed in with a
/// PIE app (the getting-started steps), they find a guide by the guides' search and read it, open the
/// Class Partner API's reference, call PIE from try-it with their app and get real fund data, then
/// see that very call (its operation and correlation id) on their app's usage page.
/// </summary>
public sealed class DocsJourneyTests
{
    [Fact]
    public async Task DocsJourney_GuideSearchReferenceTryItUsage_CallsAppearOnTheAppsCharts()
    {
        await using var session = await JourneySession.StartAsync();
        var (product, page, journey) = (session.Product, session.Page, session.Journey);
        var fundNames = await ReferenceTryIt.FundNamesAsync(product.PieUrl, journey);
        try
        {
            // The guides' search finds the Errors guide by what the developer wants to know about.
            await page.GetByRole(AriaRole.Link, new() { Name = "Docs", Exact = true }).ClickAsync();
            await page.GetByLabel("Search the guides").FillAsync("correlation id");
            await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
            await Assertions.Expect(page.Locator("#results-heading")).ToContainTextAsync("correlation id");
            await page.Locator("#search-results").GetByRole(AriaRole.Link, new() { Name = "Errors", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Errors");
            await Assertions.Expect(page.Locator("#guide")).ToContainTextAsync("X-Correlation-Id");
            await Assertions.Expect(page.Locator(".docs-nav a[aria-current=page]")).ToHaveTextAsync("Errors");

            // The reference, try-it with the developer's own PIE app, real sandbox funds back.
            await ReferenceTryIt.OpenPartnerApiReferenceAsync(page, product.PortalUrl);
            await ReferenceTryIt.UseAppAsync(page, "MyApp-PIE", journey.BusinessCode);
            var correlationId = await ReferenceTryIt.SendFundListAsync(page, product.PieUrl, journey.BusinessCode, fundNames[0]);

            // The app's usage page: PIE records calls in the background, so the developer refreshes.
            // (Scalar's request client still covers the page: straight to My Apps.)
            await page.GotoAsync(product.PortalUrl + "/apps");
            await page.GetByRole(AriaRole.Link, new() { Name = "MyApp-PIE" }).ClickAsync();
            await page.Locator("#usage-link").ClickAsync();
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Usage of MyApp-PIE");
            await PortalJourney.WaitForTextAsync(page, "#app-latest", correlationId);
            var call = page.Locator($"#app-latest tr[data-correlation-id='{correlationId}']");
            await Assertions.Expect(call).ToContainTextAsync("GET " + ReferenceTryIt.FundListOperation);
            await Assertions.Expect(call).ToContainTextAsync(journey.BusinessCode);
            await Assertions.Expect(call.Locator("td").Nth(3)).ToHaveTextAsync("200");

            // ... and in the charts: the operation among the top ones, the requests counted as 2xx.
            await Assertions.Expect(page.Locator("#app-operations")).ToContainTextAsync("GET " + ReferenceTryIt.FundListOperation);
            await Assertions.Expect(page.Locator("#app-requests-chart")).ToBeVisibleAsync();
            var requests = int.Parse((await page.Locator("#app-totals [data-total=requests]").TextContentAsync())!.Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(requests >= 1, $"The usage totals count {requests} requests.");
            await Assertions.Expect(page.Locator("#app-status-table tbody tr").First.Locator("td").First).ToHaveTextAsync(requests.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch
        {
            await ReferenceTryIt.SaveFailureAsync(page, "docs-journey-failure");
            throw;
        }
    }
}
