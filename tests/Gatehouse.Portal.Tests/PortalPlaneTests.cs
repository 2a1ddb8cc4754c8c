using System.Net;
using Gatehouse.Hosting.Database;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Tests;

/// <summary>Plane wiring that does not depend on the database provider: run on SQLite only.</summary>
public sealed class PortalPlaneTests
{
    [Fact]
    public async Task HealthAndAssets_Requested_Served()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var browser = portal.NewBrowser();

        using var live = await browser.GetAsync("/health/live");
        using var ready = await browser.GetAsync("/health/ready");
        using var css = await browser.GetAsync("/assets/site.css");
        using var js = await browser.GetAsync("/assets/site.js");
        var home = await browser.GetDocumentAsync("/");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.Equal("Class API Developer Portal", home.QuerySelector(".brand")?.TextContent);
        Assert.Equal(["My Apps", "API Catalogue", "Sandbox", "Docs"], home.QuerySelectorAll("header nav a").Select(a => a.TextContent));
        // The CSP forbids inline script and style: the layout must not need any.
        Assert.Empty(home.QuerySelectorAll("script:not([src]), style, [style]"));
    }

    [Fact]
    public async Task DevOutbox_Disabled_NotFound()
    {
        await using var portal = await PortalUnderTest.StartAsync(
            DatabaseProvider.Sqlite,
            overrides: new Dictionary<string, string?> { ["Portal:Mail:DevOutbox"] = "false" });

        using var response = await portal.NewBrowser().GetAsync("/dev/mail");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task DemoData_Enabled_VerifiedOwnerSeededOnceAcrossRestarts()
    {
        await using var portal = await PortalUnderTest.StartAsync(
            DatabaseProvider.Sqlite,
            overrides: new Dictionary<string, string?> { ["Portal:DemoData:Enabled"] = "true", ["Portal:DemoData:Password"] = "demo password 2025" });

        await portal.RestartAsync();
        using var signIn = await PortalUnderTest.SignInAsync(portal.NewBrowser(), "demo@acme-advisers.com.au", "demo password 2025");

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(1, await portal.QueryAsync(db => db.Users.CountAsync()));
        var organisation = await portal.QueryAsync(db => db.Organisations.SingleAsync());
        Assert.Equal("Acme Advisers", organisation.Name);
        Assert.True(await PortalUnderTest.EventuallyAsync(() => Task.FromResult(portal.Pie.Sandboxes.ContainsKey(organisation.Id))));
        Assert.Equal(3, await portal.QueryAsync(db => db.ApiProducts.CountAsync())); // Class Partner API, DMS, Management API
    }

    [Fact]
    public async Task Viewer_SavesSelectedApi_Forbidden()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var owner = await portal.NewDeveloperAsync("owner@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(owner);
        var viewer = await portal.NewMemberAsync(owner, "viewer@acme-advisers.com.au", "Viewer");

        var page = await viewer.GetDocumentAsync($"/apps/{app.AppId}/apis");
        using var save = await viewer.SubmitAsync($"/apps/{app.AppId}/apis", ("Selected", "dms"));

        Assert.True(page.QuerySelector("#product-dms")?.HasAttribute("disabled"));
        Assert.Equal(HttpStatusCode.Redirect, save.StatusCode);
        Assert.Contains("/account/access-denied", save.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Empty(await portal.QueryAsync(db => db.Apps.Select(a => a.ProductCodes).SingleAsync()));
    }

    [Fact]
    public async Task SignIn_RepeatedWrongPasswords_LocksAccount()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        (await portal.NewDeveloperAsync("dev@acme-advisers.com.au")).Dispose();
        var attacker = portal.NewBrowser();

        for (var i = 0; i < 5; i++)
        {
            (await PortalUnderTest.SignInAsync(attacker, "dev@acme-advisers.com.au", "wrong password " + i)).Dispose();
        }

        using var correct = await PortalUnderTest.SignInAsync(attacker, "dev@acme-advisers.com.au");

        Assert.Equal(HttpStatusCode.OK, correct.StatusCode);
        Assert.Contains("locked", await correct.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_Posted_SessionEnded()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var apps = await browser.GetDocumentAsync("/apps");
        Assert.Equal("dev@acme-advisers.com.au", apps.QuerySelector("#signed-in-email")?.TextContent);

        using var signOut = await browser.SubmitAsync("/account/sign-out");
        using var after = await browser.GetAsync("/apps");

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/account/sign-in", after.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/account/verify?userId=not-a-guid&code=abc")]
    [InlineData("/account/verify?userId=3f2504e0-4f89-11d3-9a0c-0305e82c3301&code=%25%25%25")]
    public async Task Verify_MalformedLink_RefusedWithoutError(string link)
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);

        using var response = await portal.NewBrowser().SubmitAsync(link);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("invalid, has expired or has already been used", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
