using System.Net;
using System.Xml.Linq;
using AngleSharp.Dom;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Usage;
using Gatehouse.Portal.Tests.Apps;

namespace Gatehouse.Portal.Tests.Usage;

/// <summary>The usage pages: an app's charts (its organisation only), the platform-wide view (platform admins only), and the SVG itself.</summary>
public sealed class UsagePageTests
{
    private static readonly string[] ChartIds = ["requests-chart", "status-chart", "latency-chart", "ratelimit-chart"];

    private static Task<PortalUnderTest> StartAsync(bool startPie = true) =>
        PortalUnderTest.StartAsync(DatabaseProvider.Sqlite, startPie, new Dictionary<string, string?> { ["Portal:PlatformAdmins:0"] = AppTestSupport.AdminEmail });

    [Fact]
    public async Task AppUsage_OwnApp_AsksForItsClientAndRendersTheSummary()
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(browser);
        portal.Pie.Usage = (clientId, from, to, bucket) => Summary(from, to, bucket, clientId);

        var page = await browser.GetDocumentAsync($"/apps/{app.AppId}/usage?period=1h");

        var query = Assert.Single(portal.Pie.UsageQueries);
        Assert.Equal(app.ClientId, query.ClientId);
        Assert.Equal(60, query.Bucket);
        Assert.Equal(TimeSpan.FromHours(1), query.To - query.From);
        Assert.Equal("3", page.QuerySelector("[data-total=requests]")!.TextContent.Trim());
        Assert.Contains("2 4xx", page.QuerySelector("[data-total=error-rate]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("1", page.QuerySelector("[data-total=rate-limited]")!.TextContent.Trim());
        Assert.Equal("12 ms / 40 ms", page.QuerySelector("[data-total=latency]")!.TextContent.Trim());
        AssertAccessibleCharts(page, "app");
        Assert.Equal(2, page.QuerySelectorAll("#app-requests-chart rect").Length); // 2xx and 4xx; no 5xx bar
        Assert.Equal(2, page.QuerySelectorAll("#app-latency-chart polyline, #app-latency-chart circle").Length);
        Assert.NotNull(page.QuerySelector("#app-latest tr[data-correlation-id='4bf92f3577b34da6a3ce929d0e0e4736']"));
        Assert.Contains("SBX123", page.QuerySelector("#app-businesses")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("/fund-data/fund-list", page.QuerySelector("#app-operations")!.TextContent, StringComparison.Ordinal);
        // The per-app breakdown is for the platform view only.
        Assert.Null(page.QuerySelector("#app-clients"));
        // The app page links here.
        var details = await browser.GetDocumentAsync($"/apps/{app.AppId}");
        Assert.Equal($"/apps/{app.AppId}/usage", details.QuerySelector("#usage-link")!.GetAttribute("href"));
    }

    [Fact]
    public async Task AppUsage_NoCalls_RendersEmptyChartsThatSaySo()
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(browser);

        var page = await browser.GetDocumentAsync($"/apps/{app.AppId}/usage");

        Assert.Equal(1800, Assert.Single(portal.Pie.UsageQueries).Bucket);
        AssertAccessibleCharts(page, "app");
        Assert.Equal(3, page.QuerySelectorAll("svg .empty-label").Length);
        Assert.Equal("0", page.QuerySelector("[data-total=requests]")!.TextContent.Trim());
        Assert.Contains("No requests in this period", page.QuerySelector("#app-latest")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppUsage_EnvironmentDown_SaysSoInsteadOfFailing()
    {
        await using var portal = await StartAsync(startPie: false);
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(browser);

        using var response = await browser.GetAsync($"/apps/{app.AppId}/usage");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = Browser.Parse(await response.Content.ReadAsStringAsync());
        Assert.NotNull(page.QuerySelector("#app-unavailable"));
    }

    [Fact]
    public async Task AppUsage_OtherOrganisationsApp_Is404AndTheEnvironmentIsNotAsked()
    {
        await using var portal = await StartAsync();
        var owner = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(owner);
        var other = await portal.NewDeveloperAsync("dev@other-practice.com.au");

        using var response = await other.GetAsync($"/apps/{app.AppId}/usage");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(portal.Pie.UsageQueries);
    }

    [Fact]
    public async Task AdminUsage_DeveloperWhoIsNotAPlatformAdmin_Is404()
    {
        await using var portal = await StartAsync();
        var developer = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");

        using var response = await developer.GetAsync("/admin/usage");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(portal.Pie.UsageQueries);
        Assert.Empty(portal.Production.UsageQueries);
    }

    [Fact]
    public async Task AdminUsage_Anonymous_IsSentToSignIn()
    {
        await using var portal = await StartAsync();
        var anonymous = portal.NewBrowser();

        using var response = await anonymous.GetAsync("/admin/usage");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/sign-in", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Empty(portal.Pie.UsageQueries);
    }

    [Fact]
    public async Task AdminUsage_PlatformAdmin_SeesEveryAppInBothEnvironments()
    {
        await using var portal = await StartAsync();
        var developer = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(developer, "Acme-PIE");
        var admin = await portal.NewDeveloperAsync(AppTestSupport.AdminEmail);
        portal.Pie.Usage = (clientId, from, to, bucket) => Summary(from, to, bucket, app.ClientId);

        var page = await admin.GetDocumentAsync("/admin/usage?period=7d");

        var pie = Assert.Single(portal.Pie.UsageQueries);
        Assert.Null(pie.ClientId);
        Assert.Equal(4 * 3600, pie.Bucket);
        Assert.Null(Assert.Single(portal.Production.UsageQueries).ClientId);
        AssertAccessibleCharts(page, "pie");
        AssertAccessibleCharts(page, "production");
        Assert.Contains("Acme-PIE", page.QuerySelector("#pie-clients")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Acme-PIE", page.QuerySelector("#pie-latest")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void SvgCharts_EmptySeries_AreWellFormedSvgWithTitleAndDescription()
    {
        var starts = Enumerable.Range(0, 3).Select(i => DateTimeOffset.UnixEpoch.AddMinutes(i)).ToList();
        var charts = new[]
        {
            SvgCharts.StackedBars("a", "Requests", "None.", starts, TimeSpan.FromMinutes(1), [new ChartSeries<int>("2xx", "series-ok", [0, 0, 0])]),
            SvgCharts.Lines("b", "Latency", "None.", starts, TimeSpan.FromMinutes(1), [new ChartSeries<double?>("p50", "line-p50", [null, null, null])], "ms"),
            SvgCharts.HorizontalBars("c", "Status", "None.", [("2xx", "series-ok", 0)]),
            SvgCharts.StackedBars("d", "Requests", "None.", [], TimeSpan.FromMinutes(1), [new ChartSeries<int>("2xx", "series-ok", [])]),
        };

        foreach (var chart in charts)
        {
            using var writer = new StringWriter();
            chart.WriteTo(writer, System.Text.Encodings.Web.HtmlEncoder.Default);
            var svg = XElement.Parse(writer.ToString());
            XNamespace ns = "http://www.w3.org/2000/svg";
            Assert.Equal("img", svg.Attribute("role")!.Value);
            var id = svg.Attribute("id")!.Value;
            Assert.Equal($"{id}-title {id}-desc", svg.Attribute("aria-labelledby")!.Value);
            Assert.NotNull(svg.Element(ns + "title"));
            Assert.NotNull(svg.Element(ns + "desc"));
            Assert.DoesNotContain(svg.DescendantsAndSelf(), e => e.Attribute("style") is not null);
        }
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(12, 20)]
    [InlineData(51, 100)]
    public void SvgCharts_NiceMax_RoundsUpToOneTwoOrFive(double value, double expected) =>
        Assert.Equal(expected, SvgCharts.NiceMax(value));

    [Fact]
    public void UsagePeriod_EndsAtTheEndOfTheBucketHoldingNow()
    {
        var now = new DateTimeOffset(2026, 3, 2, 10, 17, 30, TimeSpan.Zero);

        var period = UsagePeriod.For("24h", now);

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 30, 0, TimeSpan.Zero), period.To);
        Assert.Equal(period.To.AddHours(-24), period.From);
        Assert.Equal("24h", UsagePeriod.For("nonsense", now).Key);
    }

    /// <summary>Each chart is an image with a title and a description, next to a data table, and nothing on the page has an inline style (the CSP forbids it).</summary>
    private static void AssertAccessibleCharts(IDocument page, string prefix)
    {
        foreach (var id in ChartIds)
        {
            var svg = page.QuerySelector($"#{prefix}-{id}");
            Assert.NotNull(svg);
            Assert.Equal("img", svg.GetAttribute("role"));
            Assert.False(string.IsNullOrWhiteSpace(page.GetElementById($"{prefix}-{id}-title")?.TextContent), $"{id} has no title");
            Assert.False(string.IsNullOrWhiteSpace(page.GetElementById($"{prefix}-{id}-desc")?.TextContent), $"{id} has no description");
            Assert.NotNull(svg.ParentElement!.QuerySelector("details table"));
        }

        Assert.Empty(page.QuerySelectorAll("[style]"));
    }

    private static UsageSummary Summary(DateTimeOffset from, DateTimeOffset to, int bucket, string? clientId)
    {
        var empty = FakeEnvironment.EmptyUsage(from, to, bucket);
        var buckets = empty.Buckets.ToList();
        buckets[^1] = buckets[^1] with { Counts = new UsageCounts(3, 1, 2, 0, 1), P50Ms = 12, P95Ms = 40 };
        const string FundList = "/api/1.0/b/{businessCode}/fund-data/fund-list";
        return empty with
        {
            Totals = new UsageCounts(3, 1, 2, 0, 1),
            P50Ms = 12,
            P95Ms = 40,
            Buckets = buckets,
            Operations = [new UsageOperation("GET", FundList, new UsageCounts(3, 1, 2, 0, 1))],
            Businesses = [new UsageGroup("SBX123", new UsageCounts(3, 1, 2, 0, 1))],
            Clients = [new UsageGroup(clientId, new UsageCounts(3, 1, 2, 0, 1))],
            Latest = [new UsageCall(to.AddSeconds(-bucket / 2.0), clientId, "SBX123", "GET", FundList, 200, 12, "4bf92f3577b34da6a3ce929d0e0e4736")],
        };
    }
}
