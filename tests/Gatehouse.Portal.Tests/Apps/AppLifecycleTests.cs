using System.Net;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Apps;
using Gatehouse.Portal.Approvals;
using Microsoft.EntityFrameworkCore;
using static Gatehouse.Portal.Tests.Apps.AppTestSupport;

namespace Gatehouse.Portal.Tests.Apps;

/// <summary>Credentials, approvals, redirect URIs and deletion through the pages, on SQLite and PostgreSQL.</summary>
public abstract class AppLifecycleTests
{
    protected abstract DatabaseProvider Provider { get; }

    private Task<PortalUnderTest> StartAsync(bool startPie = true) =>
        PortalUnderTest.StartAsync(Provider, startPie, new Dictionary<string, string?> { ["Portal:PlatformAdmins:0"] = AdminEmail });

    [Fact]
    public async Task RotateSecret_OverlapThenRevoke_EnvironmentGetsBothThenOnlyTheNew()
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(browser);
        var clientId = Guid.Parse(app.ClientId);
        var path = $"/apps/{app.AppId}";

        using var rotate = await PostHandlerAsync(browser, path, "Rotate", ("OverlapDays", "7"));
        var rotated = await rotate.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        Assert.True(rotate.Headers.CacheControl?.NoStore);
        var newSecret = NewSecretFrom(rotated);
        Assert.Matches(PortalUnderTest.SecretLayout(), newSecret);
        Assert.NotEqual(app.Secret, newSecret);
        var pushed = portal.Pie.Clients[clientId].Secrets;
        Assert.Equal(2, pushed.Count);
        var old = pushed.Single(s => s.Hash == ClientSecrets.Hash(app.Secret));
        Assert.NotNull(old.ExpiresAt);
        var issuedAt = await portal.QueryAsync(db => db.Set<AppSecret>().Where(s => s.Hash == ClientSecrets.Hash(newSecret)).Select(s => s.CreatedAt).SingleAsync());
        Assert.InRange(old.ExpiresAt!.Value - issuedAt, TimeSpan.FromDays(7) - TimeSpan.FromSeconds(5), TimeSpan.FromDays(7));
        Assert.Null(pushed.Single(s => s.Hash == ClientSecrets.Hash(newSecret)).ExpiresAt);

        // The secret is never in a second response.
        var again = await (await browser.GetAsync(path)).Content.ReadAsStringAsync();
        Assert.DoesNotContain(newSecret, again, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Secret, again, StringComparison.Ordinal);

        // At most two active secrets.
        using var third = await PostHandlerAsync(browser, path, "Rotate", ("OverlapDays", "7"));
        Assert.Contains("at most 2 active secrets", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, portal.Pie.Clients[clientId].Secrets.Count);

        // Revoke the old one: it stops at once; the new one stays.
        var oldId = await portal.QueryAsync(db => db.Set<AppSecret>().Where(s => s.Hash == ClientSecrets.Hash(app.Secret)).Select(s => s.Id).SingleAsync());
        using var revoke = await PostHandlerAsync(browser, path, "Revoke", ("SecretId", oldId.ToString()));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal([ClientSecrets.Hash(newSecret)], portal.Pie.Clients[clientId].Secrets.Select(s => s.Hash));

        // Neither secret in any table, the audit log included; the audit log has the rotation with hints.
        var dump = await portal.QueryAsync(DatabaseDump.AllRowsAsync);
        foreach (var secret in new[] { app.Secret, newSecret })
        {
            Assert.DoesNotContain(secret, dump, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret.Replace("-", "", StringComparison.Ordinal), dump, StringComparison.OrdinalIgnoreCase);
        }

        var audit = await portal.QueryAsync(db => db.AuditEvents.Where(e => e.Target == $"app:{app.AppId}").Select(e => e.Action + " " + e.Details).ToListAsync());
        Assert.Contains(audit, e => e.StartsWith("app.secret.rotate", StringComparison.Ordinal) && e.Contains(newSecret[^4..], StringComparison.Ordinal));
        Assert.Contains(audit, e => e.StartsWith("app.secret.revoke", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProductionApp_UnusableUntilApproved_RedirectUriWaitsForApproval()
    {
        await using var portal = await StartAsync();
        var admin = await portal.NewDeveloperAsync(AdminEmail);
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(browser, "Partner-Prod", "production", "partner");
        var clientId = Guid.Parse(app.ClientId);
        var path = $"/apps/{app.AppId}";

        // Pending: the client exists in Production but is disabled (invalid_client for every secret).
        Assert.False(portal.Production.Clients[clientId].Enabled);
        var details = await browser.GetDocumentAsync(path);
        Assert.Equal("Pending approval", details.QuerySelector("#app-status")?.TextContent.Trim());

        // Plain http loopback is for PIE only; https waits for approval and is not pushed yet.
        using (var refused = await PostHandlerAsync(browser, path, "AddRedirectUri", ("NewRedirectUri", "http://127.0.0.1:5000/cb")))
        {
            Assert.Contains("only in PIE", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Upper case where it is significant (path, query): a host in upper case is refused by the rule.
        const string typed = "https://p.example/Cb?X=1";
        await BodyAsync(await PostHandlerAsync(browser, path, "AddRedirectUri", ("NewRedirectUri", typed)));
        Assert.Empty(portal.Production.Clients[clientId].RedirectUris);

        // The non-admin cannot see the console.
        using (var forbidden = await browser.GetAsync("/admin"))
        {
            Assert.Equal(HttpStatusCode.NotFound, forbidden.StatusCode);
        }

        // Checklist, then a rejection with a reason (mailed), then a new request and approval.
        await BodyAsync(await PostHandlerAsync(browser, path, "RequestProduction",
            ("Production.TestedInPie", "true"), ("Production.StoresSecretsSecurely", "true"), ("Production.HasPrivacyPolicy", "true"), ("Production.UseCase", "Fund reporting for our clients.")));
        var queue = await admin.GetDocumentAsync("/admin");
        Assert.NotNull(queue.QuerySelector($"#production-requests li[data-app-id='{app.AppId}']"));
        await BodyAsync(await PostHandlerAsync(admin, "/admin", "RejectApp", ("TargetId", app.AppId.ToString()), ("Reason", "Add a privacy policy link.")));
        Assert.False(portal.Production.Clients[clientId].Enabled);
        Assert.Contains("Add a privacy policy link.", (await browser.GetDocumentAsync(path)).QuerySelector("#review-note")?.TextContent, StringComparison.Ordinal);
        Assert.True(await portal.QueryAsync(db => db.OutboxMessages.AnyAsync(m => m.To == "dev@acme-advisers.com.au" && m.TextBody.Contains("Add a privacy policy link."))));

        await BodyAsync(await PostHandlerAsync(browser, path, "RequestProduction",
            ("Production.TestedInPie", "true"), ("Production.StoresSecretsSecurely", "true"), ("Production.HasPrivacyPolicy", "true"), ("Production.UseCase", "Fund reporting, with a privacy policy.")));
        await BodyAsync(await PostHandlerAsync(admin, "/admin", "ApproveApp", ("TargetId", app.AppId.ToString())));
        Assert.True(portal.Production.Clients[clientId].Enabled);
        Assert.Empty(portal.Production.Clients[clientId].RedirectUris);

        var uriId = await portal.QueryAsync(db => db.Set<AppRedirectUri>().Select(u => u.Id).SingleAsync());
        await BodyAsync(await PostHandlerAsync(admin, "/admin", "ApproveRedirectUri", ("TargetId", uriId.ToString())));
        // Exactly the string typed: no normalisation on the way.
        Assert.Equal([typed], portal.Production.Clients[clientId].RedirectUris);

        // Suspension disables the client again; reinstating enables it.
        await BodyAsync(await PostHandlerAsync(admin, "/admin/apps", "Suspend", ("TargetId", app.AppId.ToString()), ("Reason", "Abuse report.")));
        Assert.False(portal.Production.Clients[clientId].Enabled);
        await BodyAsync(await PostHandlerAsync(admin, "/admin/apps", "Reinstate", ("TargetId", app.AppId.ToString())));
        Assert.True(portal.Production.Clients[clientId].Enabled);

        var audit = await admin.GetDocumentAsync("/admin/audit");
        var actions = audit.QuerySelectorAll("#admin-audit code").Select(c => c.TextContent).ToList();
        Assert.Contains("app.production.approve", actions);
        Assert.Contains("app.redirect_uri.approve", actions);
        Assert.Contains("app.suspend", actions);
    }

    [Fact]
    public async Task PieApp_PartnerRedirectUri_AppliesAtOnceAndTwinWaits()
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(browser, "Partner-PIE", "pie", "partner");
        var path = $"/apps/{app.AppId}";

        await BodyAsync(await PostHandlerAsync(browser, path, "AddRedirectUri", ("NewRedirectUri", "http://127.0.0.1:5173/cb")));
        await BodyAsync(await PostHandlerAsync(browser, path, "AddRedirectUri", ("NewRedirectUri", "https://partner.example/cb")));
        using (var fragment = await PostHandlerAsync(browser, path, "AddRedirectUri", ("NewRedirectUri", "https://partner.example/cb#x")))
        {
            Assert.Contains("fragment", await fragment.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.True(portal.Pie.Clients[Guid.Parse(app.ClientId)].Enabled);
        Assert.Equal(["http://127.0.0.1:5173/cb", "https://partner.example/cb"], portal.Pie.Clients[Guid.Parse(app.ClientId)].RedirectUris);

        // The Production twin copies settings; its redirect URIs (https only) wait for approval.
        using var twin = await PostHandlerAsync(browser, path, "Twin");
        var twinPage = Browser.Parse(await twin.Content.ReadAsStringAsync());
        Assert.True(twin.Headers.CacheControl?.NoStore);
        var twinClientId = Guid.Parse(twinPage.QuerySelector("#new-client-id")!.GetAttribute("value")!);
        Assert.Matches(PortalUnderTest.SecretLayout(), twinPage.QuerySelector("#new-client-secret")!.GetAttribute("value")!);
        var pushedTwin = portal.Production.Clients[twinClientId];
        Assert.False(pushedTwin.Enabled);
        Assert.Empty(pushedTwin.RedirectUris);
        Assert.Equal("partner", pushedTwin.AppType);
        var twinUris = await portal.QueryAsync(db => db.Apps.Where(a => a.ClientId == twinClientId).SelectMany(a => a.RedirectUris).Select(u => u.Uri + " " + u.Status).ToListAsync());
        Assert.Equal(["https://partner.example/cb Pending"], twinUris);
    }

    [Fact]
    public async Task DeleteApp_EnvironmentDown_DeletedWhenItComesBack()
    {
        await using var portal = await StartAsync(startPie: false);
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(browser);

        using var delete = await PostHandlerAsync(browser, $"/apps/{app.AppId}", "Delete");

        Assert.Equal(HttpStatusCode.Redirect, delete.StatusCode);
        Assert.DoesNotContain("MyApp-PIE", await (await browser.GetAsync("/apps")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var gone = await browser.GetAsync($"/apps/{app.AppId}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        await portal.Pie.StartAsync();
        Assert.True(await PortalUnderTest.EventuallyAsync(async () =>
            portal.Pie.Deleted.ContainsKey(Guid.Parse(app.ClientId)) && await portal.QueryAsync(db => db.Apps.CountAsync()) == 0));
        Assert.False(portal.Pie.Clients.ContainsKey(Guid.Parse(app.ClientId)));
    }

    [Fact]
    public async Task AdminConsole_DemoAdminSeeded_OthersGetNotFound()
    {
        await using var portal = await PortalUnderTest.StartAsync(Provider, overrides: new Dictionary<string, string?>
        {
            ["Portal:DemoData:Enabled"] = "true",
            ["Portal:DemoData:AdminPassword"] = PortalUnderTest.Password,
        });
        var admin = portal.NewBrowser();
        using (var signIn = await PortalUnderTest.SignInAsync(admin, AdminEmail))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        Assert.NotNull((await admin.GetDocumentAsync("/admin")).QuerySelector("#production-queue-heading"));
        Assert.Equal("class.com.au", await portal.QueryAsync(db => db.Users.Where(u => u.Email == AdminEmail)
            .Join(db.Organisations, u => u.OrganisationId, o => o.Id, (u, o) => o.Domain).SingleAsync()));
        Assert.Equal(1, await portal.QueryAsync(db => db.Set<PlatformAdmin>().CountAsync()));

        var developer = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        foreach (var path in new[] { "/admin", "/admin/apps", "/admin/audit" })
        {
            using var response = await developer.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            using var anonymous = await portal.NewBrowser().GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        }
    }
}

public sealed class SqliteAppLifecycleTests : AppLifecycleTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresAppLifecycleTests : AppLifecycleTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
