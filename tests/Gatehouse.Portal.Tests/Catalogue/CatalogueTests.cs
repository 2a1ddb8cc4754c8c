using System.Net;
using System.Text.Json;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Catalogue;
using Gatehouse.Portal.Tests.Apps;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Tests.Catalogue;

/// <summary>The catalogue as data (ADR 0013): seeding and platform admins' edits, on both databases.</summary>
public abstract class CatalogueDataTests(DatabaseProvider provider)
{
    private const string AdminEmail = AppTestSupport.AdminEmail;

    [Fact]
    public async Task CatalogueSeed_Restart_KeepsAdminEditsAndSeedsOnce()
    {
        await using var portal = await StartAsync();
        var admin = await portal.NewDeveloperAsync(AdminEmail);
        await SaveAsync(admin, "dms", name: "Documents (DMS)");

        await portal.RestartAsync();

        var products = await portal.QueryAsync(db => db.ApiProducts.AsNoTracking().OrderBy(p => p.SortOrder).ToListAsync());
        Assert.Equal(["class-partner-api", "dms", "management-api"], products.Select(p => p.Code));
        Assert.Equal("Documents (DMS)", products.Single(p => p.Code == "dms").Name);
        Assert.All(products, p => Assert.NotEmpty(p.Summary));
        Assert.Equal(3, await portal.QueryAsync(db => db.Set<ProductChange>().CountAsync()));
    }

    [Fact]
    public async Task ProductEdit_HideDeprecateAndChangelog_ShownToDevelopersAndAudited()
    {
        await using var portal = await StartAsync();
        var admin = await portal.NewDeveloperAsync(AdminEmail);
        var developer = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(developer);

        await SaveAsync(admin, "dms", visibility: "Hidden");
        await SaveAsync(admin, "class-partner-api", status: "Deprecated");
        using (var change = await admin.SubmitFormAsync("/admin/products/class-partner-api", "#change-form",
            ("ChangeDate", "2026-12-01"), ("ChangeVersion", "1.1"), ("ChangeText", "Added the brand list.")))
        {
            Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);
        }

        // Hidden: gone from the catalogue, its page and the app's selection.
        var catalogue = await developer.GetDocumentAsync("/catalogue");
        Assert.Null(catalogue.QuerySelector("#product-dms"));
        Assert.Contains("Deprecated", catalogue.QuerySelector("#product-class-partner-api")!.TextContent, StringComparison.Ordinal);
        using (var hidden = await developer.GetAsync("/catalogue/dms"))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }

        var apis = await developer.GetDocumentAsync($"/apps/{app.AppId}/apis");
        Assert.Null(apis.QuerySelector("#product-dms"));
        Assert.NotNull(apis.QuerySelector("#product-class-partner-api"));
        using (var select = await developer.SubmitAsync($"/apps/{app.AppId}/apis", ("Selected", "dms")))
        {
            Assert.Equal(HttpStatusCode.OK, select.StatusCode);
            Assert.Contains("Unknown API product", await select.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(await portal.QueryAsync(db => db.Apps.Where(a => a.Id == app.AppId).Select(a => a.ProductCodes).SingleAsync()));

        // Deprecated and the new entry: on the product page.
        var page = await developer.GetDocumentAsync("/catalogue/class-partner-api");
        Assert.NotNull(page.QuerySelector("#deprecated-notice"));
        Assert.Equal("Deprecated", page.QuerySelector("#product-status")!.TextContent);
        Assert.Contains("1.1 · Added the brand list.", page.QuerySelector("#changelog li")!.TextContent, StringComparison.Ordinal);

        // The admin still sees the hidden product, labelled.
        Assert.NotNull((await admin.GetDocumentAsync("/catalogue/dms")).QuerySelector("#hidden-notice"));

        var actions = await portal.QueryAsync(db => db.AuditEvents.Where(e => e.Action.StartsWith("catalogue.")).Select(e => e.Action + " " + e.Target + " " + e.ActorEmail).ToListAsync());
        Assert.Contains($"catalogue.product.hide dms {AdminEmail}", actions);
        Assert.Contains($"catalogue.product.deprecate class-partner-api {AdminEmail}", actions);
        Assert.Contains($"catalogue.changelog.add class-partner-api {AdminEmail}", actions);
    }

    private Task<PortalUnderTest> StartAsync() =>
        PortalUnderTest.StartAsync(provider, overrides: new Dictionary<string, string?> { ["Portal:PlatformAdmins:0"] = AdminEmail });

    private static async Task SaveAsync(Browser admin, string slug, string? name = null, string? status = null, string? visibility = null)
    {
        var form = (await admin.GetDocumentAsync($"/admin/products/{slug}")).QuerySelector("#product-form")!;
        using var response = await admin.SubmitFormAsync($"/admin/products/{slug}", "#product-form",
            ("Name", name ?? form.QuerySelector("#Name")!.GetAttribute("value")!),
            ("Summary", form.QuerySelector("#Summary")!.GetAttribute("value")!),
            ("Description", form.QuerySelector("#Description")!.TextContent),
            ("Status", status ?? form.QuerySelector("input[name=Status][checked]")!.GetAttribute("value")!),
            ("Visibility", visibility ?? form.QuerySelector("input[name=Visibility][checked]")!.GetAttribute("value")!));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }
}

public sealed class SqliteCatalogueDataTests() : CatalogueDataTests(DatabaseProvider.Sqlite);

public sealed class PostgresCatalogueDataTests() : CatalogueDataTests(DatabaseProvider.Postgres);

/// <summary>Product pages, the reference and try-it against the fake PIE.</summary>
public sealed class CataloguePageTests
{
    [Fact]
    public async Task ProductEdit_NotPlatformAdmin_NotFound()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var developer = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var token = (await developer.GetDocumentAsync("/organisation")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        using var get = await developer.GetAsync("/admin/products/dms");
        using var post = await developer.PostAsync("/admin/products/dms", [("__RequestVerificationToken", token), ("Name", "Mine"), ("Summary", "x"), ("Description", "x"), ("Status", "Active"), ("Visibility", "Hidden")]);

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(ProductVisibility.Public, await portal.QueryAsync(db => db.ApiProducts.Where(p => p.Code == "dms").Select(p => p.Visibility).SingleAsync()));
    }

    [Fact]
    public async Task ProductPage_ClassPartnerApi_ShowsScopesOperationsEnvironmentsAndChangelog()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        using var anonymous = portal.NewBrowser();

        var page = await anonymous.GetDocumentAsync("/catalogue/class-partner-api");

        Assert.Equal("Class Partner API", page.QuerySelector("h1")!.TextContent);
        Assert.Contains("List the funds of the business", page.QuerySelector("#scopes")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("/api/1.0/b/{businessCode}/fund-data/fund-list", page.QuerySelector("#operations")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(portal.Pie.Url + "/api/1.0", page.QuerySelector("#environments")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(portal.Production.Url + "/api/1.0", page.QuerySelector("#environments")!.TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(page.QuerySelectorAll("#changelog li"));
        Assert.NotNull(page.QuerySelector(".markdown strong"));
    }

    [Fact]
    public async Task ProductPage_OpenApiDocumentUnavailable_SaysSo()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        portal.Pie.ServeOpenApi = false;
        using var anonymous = portal.NewBrowser();

        var page = await anonymous.GetDocumentAsync("/catalogue/class-partner-api");
        using var document = await anonymous.GetAsync("/catalogue/class-partner-api/openapi.json");

        Assert.NotNull(page.QuerySelector("#operations-unavailable"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, document.StatusCode);
    }

    [Fact]
    public async Task ProductPage_ManagementApi_ListsOperationsFromThePortalsDocument()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        using var anonymous = portal.NewBrowser();

        var page = await anonymous.GetDocumentAsync("/catalogue/management-api");

        Assert.Contains("/api/v1/apps", page.QuerySelector("#operations")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(portal.Url + "/api/v1", page.QuerySelector("#environments")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReferenceDocument_ClassPartnerApi_IsServedFromThePortalWithPieServerAndTryItScheme()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        using var anonymous = portal.NewBrowser();

        using var response = await anonymous.GetAsync("/catalogue/class-partner-api/openapi.json");
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(portal.Pie.Url, json.GetProperty("servers")[0].GetProperty("url").GetString());
        Assert.Equal("bearer", json.GetProperty("components").GetProperty("securitySchemes").GetProperty(ProductDocuments.TryItScheme).GetProperty("scheme").GetString());
        var security = json.GetProperty("paths").GetProperty("/api/1.0/b/{businessCode}/fund-data/fund-list").GetProperty("get").GetProperty("security");
        Assert.Equal(2, security.GetArrayLength());
    }

    [Fact]
    public async Task ReferencePage_RelaxesStylesOnlyThereAndServesScalarLocally()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        using var anonymous = portal.NewBrowser();

        using var reference = await anonymous.GetAsync("/catalogue/class-partner-api/reference");
        using var product = await anonymous.GetAsync("/catalogue/class-partner-api");
        using var script = await anonymous.GetAsync(CatalogueRegistration.ScalarScriptPath);
        var referenceCsp = string.Join(";", reference.Headers.GetValues("Content-Security-Policy"));

        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Contains("style-src 'self' 'unsafe-inline'", referenceCsp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", referenceCsp, StringComparison.Ordinal);
        Assert.Contains($"connect-src 'self' {portal.Pie.Url};", referenceCsp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", string.Join(";", product.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("createApiReference", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryIt_OwnPieApp_GetsTokenFromPieWithTheProductsScopesAndIsAudited()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var developer = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(developer);
        using (var select = await developer.SubmitAsync($"/apps/{app.AppId}/apis", ("Selected", "class-partner-api")))
        {
            Assert.Equal(HttpStatusCode.Redirect, select.StatusCode);
        }

        Assert.True(await PortalUnderTest.EventuallyAsync(() => Task.FromResult(portal.Pie.Clients.TryGetValue(Guid.Parse(app.ClientId), out var c) && c.Scopes.Contains("business.fund.list"))));
        var page = await developer.GetDocumentAsync("/catalogue/class-partner-api/reference");
        Assert.Equal(app.AppId.ToString(), page.QuerySelector("#try-it-app option")!.GetAttribute("value"));

        var token = (await developer.GetDocumentAsync("/catalogue/class-partner-api/reference")).QuerySelector("#try-it-form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var issued = await developer.PostAsync($"/catalogue/try-it/{app.AppId}", [("__RequestVerificationToken", token), ("Product", "class-partner-api")]);
        var json = JsonDocument.Parse(await issued.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        Assert.Equal($"fake-try-it-token-{Guid.Parse(app.ClientId):N}", json.GetProperty("accessToken").GetString());
        Assert.False(json.TryGetProperty("secret", out _));
        Assert.Equal("no-store", issued.Headers.CacheControl?.ToString());
        Assert.Equal(CatalogueSeed.Products[0].Scopes, portal.Pie.TryItRequests[Guid.Parse(app.ClientId)].Scopes);
        Assert.Equal(1, await portal.QueryAsync(db => db.AuditEvents.CountAsync(e => e.Action == "catalogue.try-it.token" && e.Target == app.AppId.ToString() && e.Outcome == Gatehouse.Portal.Audit.AuditOutcome.Success)));
    }

    [Fact]
    public async Task TryIt_WithoutAntiforgeryToken_IsRejectedAndNoTokenIssued()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var developer = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(developer);

        using var response = await developer.PostAsync($"/catalogue/try-it/{app.AppId}", [("Product", "class-partner-api")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(portal.Pie.TryItRequests);
    }

    [Fact]
    public async Task TryIt_AppWithoutTheProduct_ExplainsAndIssuesNothing()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var developer = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(developer);
        var token = (await developer.GetDocumentAsync("/catalogue/class-partner-api/reference")).QuerySelector("#try-it-form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        using var response = await developer.PostAsync($"/catalogue/try-it/{app.AppId}", [("__RequestVerificationToken", token), ("Product", "class-partner-api")]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Selected API", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(portal.Pie.TryItRequests);
    }
}
