using System.Net;
using Gatehouse.Hosting.Database;

namespace Gatehouse.Portal.Tests.Docs;

public sealed class DocsTests
{
    [Fact]
    public async Task DocsIndex_Anonymous_ListsEveryGuideWithAWorkingLink()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var browser = portal.NewBrowser();

        var index = await browser.GetDocumentAsync("/docs");
        var links = index.QuerySelectorAll("#guide-list a").Select(a => a.GetAttribute("href")!).ToList();

        Assert.Contains("/docs/getting-started", links);
        Assert.True(links.Count >= 5, $"only {links.Count} guides listed");
        foreach (var link in links)
        {
            var guide = await browser.GetDocumentAsync(link);
            Assert.False(string.IsNullOrWhiteSpace(guide.QuerySelector("#guide h1")?.TextContent), $"{link} has no title");
        }
    }

    [Fact]
    public async Task Guides_Rendered_UseThisDeploymentsUrlsAndNoPlaceholders()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var browser = portal.NewBrowser();

        var guide = await browser.GetDocumentAsync("/docs/getting-started");
        var text = guide.QuerySelector("#guide")!.TextContent;

        Assert.DoesNotContain("{{", text, StringComparison.Ordinal);
        Assert.Contains(portal.Pie.Url + "/connect/token", text, StringComparison.Ordinal);
        Assert.Contains($"{portal.Url}/account/sign-up", guide.QuerySelectorAll("#guide a").Select(a => a.GetAttribute("href")));
    }

    [Theory]
    [InlineData("password grant", "/docs/oauth-client-apps")]
    [InlineData("API_NOT_FOUND", "/docs/errors")]
    [InlineData("Read member information", "/docs/scopes")]
    public async Task Search_AWordFromAGuide_FindsThatGuideFirst(string query, string expected)
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var browser = portal.NewBrowser();

        var results = await browser.GetDocumentAsync("/docs?q=" + Uri.EscapeDataString(query));

        Assert.Equal(expected, results.QuerySelector("#search-results ol.hits a")?.GetAttribute("href"));
    }

    [Fact]
    public async Task Search_NothingMatches_SaysSoWithoutError()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var browser = portal.NewBrowser();

        var results = await browser.GetDocumentAsync("/docs?q=" + Uri.EscapeDataString("<script>zzqx</script>"));

        Assert.Contains("No guide mentions that", results.QuerySelector("#search-results")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(results.QuerySelectorAll("#search-results script"));
    }

    [Theory]
    [InlineData("/docs/no-such-guide")]
    [InlineData("/docs/..%2Fsecrets")]
    public async Task Guide_Unknown_NotFound(string path)
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        using var response = await portal.NewBrowser().GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>
    /// A link checker: from the home page and the guides, follow every link to this portal (bounded);
    /// each must answer 200, or send an anonymous visitor to sign in; each #anchor must exist.
    /// </summary>
    [Fact]
    public async Task LinkChecker_AllInternalLinksFromPublicPages_Resolve()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var browser = portal.NewBrowser();
        var origin = new Uri(portal.Url + "/");
        var queue = new Queue<string>(["/", "/docs", "/catalogue"]);
        var seen = new HashSet<string>(queue);
        var broken = new List<string>();
        for (var visited = 0; queue.Count > 0 && visited < 100; visited++)
        {
            var path = queue.Dequeue();
            using var response = await browser.GetAsync(path);
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found
                && response.Headers.Location?.OriginalString.Contains("/account/sign-in", StringComparison.Ordinal) == true)
            {
                continue; // a page for signed-in developers: it exists.
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                broken.Add($"{path} → {(int)response.StatusCode}");
                continue;
            }

            if (response.Content.Headers.ContentType?.MediaType != "text/html")
            {
                continue;
            }

            var document = await Browser.DocumentAsync(response);
            foreach (var href in document.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!))
            {
                if (href.StartsWith('#'))
                {
                    if (href.Length > 1 && document.GetElementById(href[1..]) is null)
                    {
                        broken.Add($"{path}{href} (no such anchor)");
                    }

                    continue;
                }

                var target = new Uri(new Uri(origin, path), href);
                if (target.Authority != origin.Authority)
                {
                    continue;
                }

                var local = target.PathAndQuery;
                if (seen.Add(local))
                {
                    queue.Enqueue(local);
                }
            }
        }

        Assert.Empty(broken);
    }
}
