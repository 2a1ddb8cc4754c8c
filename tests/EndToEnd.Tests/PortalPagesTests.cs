using System.Net;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Gatehouse.Hosting.Database;
using Gatehouse.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// Every page a signed-in developer and a platform admin can reach, found by following links from the
/// home page in Chromium: no request leaves the product's own hosts (no CDN, no third-party font or
/// image), no internal link is broken, and the main pages have no serious or critical axe-core violation.
/// </summary>
public sealed class PortalPagesTests
{
    private const int MaxPages = 250;

    /// <summary>Links that change state when followed, or end the session the walk depends on.</summary>
    private static readonly string[] NotFollowed = ["/account/sign-out"];

    [Fact]
    public async Task EveryReachablePage_DeveloperAndAdmin_LoadOnlyFromTheProductsHostsAndNoInternalLinkIsBroken()
    {
        await using var product = await GatehouseUnderTest.StartAsync(DatabaseProvider.Sqlite, developmentDefaults: true);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var own = new[] { product.PortalUrl, product.PieUrl, product.ProductionUrl }.Select(u => new Uri(u).Authority).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var demo = Demo();

        var visited = new List<string>();
        var foreign = new List<string>();
        var broken = new List<string>();
        foreach (var (email, password) in new[] { (demo.Email, demo.Password), (demo.AdminEmail, demo.AdminPassword) })
        {
            var context = await browser.NewContextAsync();
            // The network restriction: anything not for the portal, PIE or Production is recorded and refused.
            await context.RouteAsync("**/*", async route =>
            {
                var uri = new Uri(route.Request.Url);
                if (uri.Scheme is "data" or "blob" || own.Contains(uri.Authority))
                {
                    await route.ContinueAsync();
                    return;
                }

                lock (foreign)
                {
                    foreign.Add($"{route.Request.Url} (from {route.Request.Frame.Url})");
                }

                await route.AbortAsync();
            });
            // Stylesheets, scripts and images the pages load must exist too.
            var signedInAs = email;
            context.Response += (_, response) =>
            {
                if (response.Status >= 400 && response.Request.ResourceType != "document")
                {
                    lock (broken)
                    {
                        broken.Add($"{signedInAs}: {response.Url} ({response.Request.ResourceType}) answered {response.Status} on {response.Frame.Url}");
                    }
                }
            };
            var page = await context.NewPageAsync();
            await SignInAsync(page, product.PortalUrl, email, password);
            if (email == demo.Email)
            {
                await CreateAppAsync(page, product.PortalUrl, email);
            }

            var (pages, links) = await WalkAsync(page, product.PortalUrl);
            visited.AddRange(pages.Keys.Select(p => $"{email}: {p}"));
            lock (broken)
            {
                broken.AddRange(pages.Where(p => p.Value >= 400).Select(p => $"{email}: {p.Key} answered {p.Value}"));
            }

            // Links to PIE and Production (e.g. the Partner Application Access page) must exist too.
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
            foreach (var link in links.Where(l => !l.StartsWith(product.PortalUrl, StringComparison.Ordinal) && own.Contains(new Uri(l).Authority)))
            {
                using var response = await http.GetAsync(link);
                if (response.StatusCode is HttpStatusCode.NotFound or >= HttpStatusCode.InternalServerError)
                {
                    lock (broken)
                    {
                        broken.Add($"{email}: {link} answered {(int)response.StatusCode}");
                    }
                }
            }

            await context.CloseAsync();
        }

        Assert.True(foreign.Count == 0, "Requests left the product's hosts:\n" + string.Join('\n', foreign.Distinct()));
        Assert.True(broken.Count == 0, "Broken internal links:\n" + string.Join('\n', broken));
        // The walk really reached the pages that matter for each role.
        foreach (var expected in new[] { "/docs/connections", "/docs/management-api", "/apps", "/sandbox", "/organisation", "/catalogue", "/api-tokens" })
        {
            Assert.Contains($"{demo.Email}: {expected}", visited);
        }

        Assert.Contains(visited, v => v.StartsWith(demo.Email, StringComparison.Ordinal) && v.EndsWith("/usage", StringComparison.Ordinal));
        Assert.Contains($"{demo.AdminEmail}: /admin/usage", visited);
        Console.WriteLine($"Walked {visited.Count} pages.");
    }

    [Fact]
    public async Task MainPages_Axe_NoSeriousOrCriticalViolations()
    {
        await using var product = await GatehouseUnderTest.StartAsync(DatabaseProvider.Sqlite, developmentDefaults: true);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var demo = Demo();
        var url = product.PortalUrl;
        var violations = new List<string>();

        // BypassCSP lets axe-core's script in; the pages themselves are unchanged.
        var anonymous = await (await browser.NewContextAsync(new() { BypassCSP = true })).NewPageAsync();
        foreach (var path in new[] { "/", "/account/sign-in", "/account/sign-up", "/docs", "/docs/getting-started", "/catalogue" })
        {
            violations.AddRange(await AxeAsync(anonymous, url + path));
        }

        var developer = await (await browser.NewContextAsync(new() { BypassCSP = true })).NewPageAsync();
        await SignInAsync(developer, url, demo.Email, demo.Password);
        var appPath = await CreateAppAsync(developer, url, demo.Email);
        foreach (var path in new[] { "/apps", appPath, appPath + "/usage", "/sandbox", "/organisation", "/docs/connections" })
        {
            violations.AddRange(await AxeAsync(developer, url + path));
        }

        var admin = await (await browser.NewContextAsync(new() { BypassCSP = true })).NewPageAsync();
        await SignInAsync(admin, url, demo.AdminEmail, demo.AdminPassword);
        foreach (var path in new[] { "/admin", "/admin/usage", "/admin/signing-keys", "/admin/class-directory" })
        {
            violations.AddRange(await AxeAsync(admin, url + path));
        }

        Assert.True(violations.Count == 0, "Serious or critical accessibility violations:\n" + string.Join('\n', violations));
    }

    private static async Task<IEnumerable<string>> AxeAsync(IPage page, string url)
    {
        var response = await page.GotoAsync(url);
        Assert.True(response?.Ok == true, $"{url} answered {response?.Status}");
        AxeResult result = await page.RunAxe();
        // axe really ran on this page: it reports the rules that passed, not only the failures.
        Assert.NotEmpty(result.Passes);
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{new Uri(url).PathAndQuery}: {v.Id} ({v.Impact}) {v.Help}: {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}");
    }

    /// <summary>Breadth-first over same-origin links from the home page: each page's status, and every link seen.</summary>
    private static async Task<(Dictionary<string, int> Pages, HashSet<string> Links)> WalkAsync(IPage page, string portalUrl)
    {
        var pages = new Dictionary<string, int>(StringComparer.Ordinal);
        var links = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(["/"]);
        while (queue.Count > 0 && pages.Count < MaxPages)
        {
            var path = queue.Dequeue();
            if (pages.ContainsKey(path))
            {
                continue;
            }

            var response = await page.GotoAsync(portalUrl + path);
            pages[path] = response?.Status ?? 0;
            if (response is null || !response.Ok || !(await response.HeaderValueAsync("content-type") ?? "").StartsWith("text/html", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var href in await page.Locator("a[href]").EvaluateAllAsync<string[]>("links => links.map(a => a.href)"))
            {
                if (!Uri.TryCreate(href, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https"))
                {
                    continue;
                }

                var withoutFragment = target.GetLeftPart(UriPartial.Query);
                links.Add(withoutFragment);
                if (withoutFragment.StartsWith(portalUrl + "/", StringComparison.Ordinal) || withoutFragment == portalUrl)
                {
                    var local = target.PathAndQuery;
                    if (!NotFollowed.Any(n => local.StartsWith(n, StringComparison.Ordinal)) && !pages.ContainsKey(local))
                    {
                        queue.Enqueue(local);
                    }
                }
            }
        }

        return (pages, links);
    }

    private static async Task SignInAsync(IPage page, string portalUrl, string email, string password)
    {
        await page.GotoAsync($"{portalUrl}/account/sign-in");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#signed-in-email")).ToHaveTextAsync(email);
    }

    /// <summary>A PIE Client app, so the walk has an app page and its usage page; returns the app page's path.</summary>
    private static async Task<string> CreateAppAsync(IPage page, string portalUrl, string email)
    {
        await page.GotoAsync($"{portalUrl}/apps/create");
        await page.GetByLabel("App name").FillAsync("Walk-PIE");
        await page.GetByLabel("Contact email").FillAsync(email);
        await page.Locator("#environment-pie").CheckAsync();
        await page.GetByLabel("Client (single-tenant)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await page.Locator("#continue-to-app").ClickAsync();
        return new Uri(page.Url).AbsolutePath;
    }

    private static (string Email, string Password, string AdminEmail, string AdminPassword) Demo()
    {
        var development = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json"), optional: false)
            .Build();
        return (development["Portal:DemoData:Email"]!, development["Portal:DemoData:Password"]!,
            development["Portal:DemoData:AdminEmail"]!, development["Portal:DemoData:AdminPassword"]!);
    }
}
