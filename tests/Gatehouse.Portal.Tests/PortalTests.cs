using System.Net;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Apps;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Tests;

/// <summary>The portal's behaviour, run against SQLite and PostgreSQL (one subclass each).</summary>
public abstract class PortalTests
{
    protected abstract DatabaseProvider Provider { get; }

    protected Task<PortalUnderTest> StartAsync(bool startPie = true, IDictionary<string, string?>? overrides = null) =>
        PortalUnderTest.StartAsync(Provider, startPie, overrides);

    [Fact]
    public async Task SignUp_FreeMailDomain_RefusedAndNothingStored()
    {
        await using var portal = await StartAsync();
        var browser = portal.NewBrowser();

        // Posted as a form directly (no client-side checks involved); upper case must not slip through.
        using var response = await PortalUnderTest.SignUpAsync(browser, "someone@GMAIL.com");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Browser.DocumentAsync(response);
        Assert.Contains("Use your company email address", page.QuerySelector("[data-valmsg-for='Input.Email']")?.TextContent, StringComparison.Ordinal);
        Assert.Equal(0, await portal.QueryAsync(db => db.Users.CountAsync()));
        Assert.Equal(0, await portal.QueryAsync(db => db.OutboxMessages.CountAsync()));
    }

    [Fact]
    public async Task SignUp_ExistingAddress_SameResponseAsNewAddress()
    {
        await using var portal = await StartAsync();

        using var first = await PortalUnderTest.SignUpAsync(portal.NewBrowser(), "dev@acme-advisers.com.au");
        using var second = await PortalUnderTest.SignUpAsync(portal.NewBrowser(), "dev@acme-advisers.com.au", "another password entirely");

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(first.StatusCode, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, await portal.QueryAsync(db => db.Users.CountAsync()));
        // Only the mailbox's owner learns the address was already registered.
        Assert.Equal(2, await portal.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.To == "dev@acme-advisers.com.au")));
    }

    [Fact]
    public async Task SignIn_BeforeVerification_RefusedWithMessage()
    {
        await using var portal = await StartAsync();
        var browser = portal.NewBrowser();
        (await PortalUnderTest.SignUpAsync(browser, "dev@acme-advisers.com.au")).Dispose();

        var mails = await portal.QueryAsync(db => db.OutboxMessages.CountAsync());

        using var response = await PortalUnderTest.SignInAsync(browser, "dev@acme-advisers.com.au");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Verify your email address first", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var apps = await browser.GetAsync("/apps");
        Assert.Equal(HttpStatusCode.Redirect, apps.StatusCode);
        Assert.Contains("/account/sign-in", apps.Headers.Location!.ToString(), StringComparison.Ordinal);
        // No side effect: no session, no organisation, no mail, still unverified.
        Assert.Equal(0, await portal.QueryAsync(db => db.Set<Gatehouse.Portal.Accounts.DeveloperSession>().CountAsync()));
        Assert.Equal(0, await portal.QueryAsync(db => db.Organisations.CountAsync()));
        Assert.Equal(mails, await portal.QueryAsync(db => db.OutboxMessages.CountAsync()));
        Assert.False(await portal.QueryAsync(db => db.Users.Select(u => u.EmailConfirmed).SingleAsync()));
    }

    [Fact]
    public async Task VerificationLink_UsedTwice_SecondUseRefused()
    {
        await using var portal = await StartAsync();
        var browser = portal.NewBrowser();
        (await PortalUnderTest.SignUpAsync(browser, "dev@acme-advisers.com.au")).Dispose();
        var link = await portal.VerificationLinkAsync("dev@acme-advisers.com.au");

        using var first = await PortalUnderTest.VerifyAsync(browser, link);
        var afterFirst = await StateAsync(portal);
        using var second = await PortalUnderTest.VerifyAsync(portal.NewBrowser(), link);

        Assert.Contains("Your email address is verified", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("has already been used", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The replay changed nothing: same developer row (security stamp included), organisations, mails, audit.
        Assert.Equal(afterFirst, await StateAsync(portal));
        var developer = await portal.QueryAsync(db => db.Users.SingleAsync());
        Assert.True(developer.EmailConfirmed);
        Assert.Equal(Gatehouse.Portal.Organisations.OrganisationRole.Owner, developer.Role);
    }

    /// <summary>What a refused request must leave as it was.</summary>
    private static Task<string> StateAsync(PortalUnderTest portal) => portal.QueryAsync(async db =>
    {
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).Select(u => $"{u.Email}|{u.EmailConfirmed}|{u.SecurityStamp}|{u.OrganisationId}|{u.Role}|{u.AccessFailedCount}").ToListAsync();
        var counts = $"{await db.Organisations.CountAsync()}|{await db.OutboxMessages.CountAsync()}|{await db.AuditEvents.CountAsync()}|{await db.Set<Gatehouse.Portal.Accounts.DeveloperSession>().CountAsync()}";
        return string.Join("\n", users.Append(counts));
    });

    [Fact]
    public async Task CreateApp_Created_SecretShownOnceWithNoStore()
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");

        var app = await PortalUnderTest.CreateAppAsync(browser);

        Assert.Matches(PortalUnderTest.SecretLayout(), app.Secret);
        Assert.True(Guid.TryParse(app.ClientId, out _));
        Assert.True(app.Response.Headers.CacheControl?.NoStore);
        var details = await (await browser.GetAsync($"/apps/{app.AppId}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(app.Secret, details, StringComparison.Ordinal);
        Assert.Equal("••••" + app.Secret[^4..], Browser.Parse(details).QuerySelector("#client-secret-hint")?.TextContent);
        Assert.Contains(app.ClientId, details, StringComparison.Ordinal);
        var list = await (await browser.GetAsync("/apps")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(app.Secret, list, StringComparison.Ordinal);
        Assert.Contains("MyApp-PIE", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Database_AfterCreateApp_HoldsNoPlaintextSecrets()
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(browser);
        var sandboxPassword = portal.Pie.Sandboxes.Values.Single().ApiUserPassword;

        var dump = await portal.QueryAsync(Apps.DatabaseDump.AllRowsAsync);

        Assert.Contains(app.ClientId, dump, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(app.Secret, dump, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(app.Secret.Replace("-", "", StringComparison.Ordinal), dump, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(sandboxPassword, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(PortalUnderTest.Password, dump, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelectedApi_Saved_EnvironmentReceivesProductScopes()
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(browser);
        var clientId = Guid.Parse(app.ClientId);

        using var save = await browser.SubmitAsync($"/apps/{app.AppId}/apis", ("Selected", "class-partner-api"));

        Assert.Equal(HttpStatusCode.Redirect, save.StatusCode);
        var pushed = portal.Pie.Clients[clientId];
        Assert.Contains("fund.read", pushed.Scopes);
        Assert.Contains("business.fund.list", pushed.Scopes);
        Assert.Contains("openid", pushed.Scopes);
        Assert.Contains("offline_access", pushed.Scopes);
        Assert.DoesNotContain("dms.documents.read", pushed.Scopes);
        Assert.Equal("client", pushed.AppType);
        Assert.NotNull(pushed.BusinessCode);
        Assert.Equal(app.Secret is { } s ? Hosting.Contracts.ClientSecrets.Hash(s) : null, pushed.Secrets.Single().Hash);
        var details = await browser.GetDocumentAsync($"/apps/{app.AppId}");
        Assert.Equal("In sync with PIE", details.QuerySelector("#sync-status")?.TextContent.Trim());
        Assert.Contains("Class Partner API", details.QuerySelector("#selected-apis")?.TextContent, StringComparison.Ordinal);
        var form = await browser.GetDocumentAsync($"/apps/{app.AppId}/apis");
        Assert.True(form.QuerySelector("#product-class-partner-api")?.HasAttribute("checked"));
        Assert.False(form.QuerySelector("#product-dms")?.HasAttribute("checked"));
    }

    [Fact]
    public async Task AppPages_OtherOrganisationsApp_NotFound()
    {
        await using var portal = await StartAsync();
        var owner = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(owner);
        var stranger = await portal.NewDeveloperAsync("dev@other-practice.com.au");

        using var details = await stranger.GetAsync($"/apps/{app.AppId}");
        using var apis = await stranger.GetAsync($"/apps/{app.AppId}/apis");
        var token = (await stranger.GetDocumentAsync("/apps/create")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var save = await stranger.PostAsync($"/apps/{app.AppId}/apis", [("__RequestVerificationToken", token), ("Selected", "dms")]);

        Assert.Equal(HttpStatusCode.NotFound, details.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, apis.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, save.StatusCode);
        Assert.DoesNotContain("MyApp-PIE", await (await stranger.GetAsync("/apps")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await portal.QueryAsync(db => db.Apps.Where(a => a.Id == app.AppId).Select(a => a.ProductCodes).SingleAsync()));
    }

    [Fact]
    public async Task CreateApp_InvalidInput_ValidationMessagesAndNoRow()
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");

        using var response = await browser.SubmitAsync(
            "/apps/create",
            ("Input.Name", ""),
            ("Input.Description", new string('x', 1001)),
            ("Input.ContactEmail", "not an email"),
            ("Input.Environment", "staging"),
            ("Input.AppType", "admin"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Browser.DocumentAsync(response);
        Assert.Null(page.QuerySelector("#client-secret"));
        foreach (var field in new[] { "Name", "Description", "ContactEmail", "Environment", "AppType" })
        {
            Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector($"[data-valmsg-for='Input.{field}']")?.TextContent), field);
        }

        Assert.NotEmpty(page.QuerySelectorAll(".validation-summary-errors li"));
        Assert.Equal(0, await portal.QueryAsync(db => db.Apps.CountAsync()));
    }

    [Fact]
    public async Task CreateApp_EnvironmentDown_PendingThenSyncedWhenItComesBack()
    {
        await using var portal = await StartAsync(startPie: false);
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");

        var app = await PortalUnderTest.CreateAppAsync(browser);

        var pending = await browser.GetDocumentAsync($"/apps/{app.AppId}");
        Assert.StartsWith("Pending sync:", pending.QuerySelector("#sync-status")?.TextContent.Trim(), StringComparison.Ordinal);
        Assert.NotEqual(SyncState.Synced, await portal.QueryAsync(db => db.Apps.Select(a => a.SyncState).SingleAsync()));

        await portal.Pie.StartAsync();

        Assert.True(await PortalUnderTest.EventuallyAsync(async () =>
            await portal.QueryAsync(db => db.Apps.Select(a => a.SyncState).SingleAsync()) == SyncState.Synced));
        var pushed = portal.Pie.Clients[Guid.Parse(app.ClientId)];
        var organisationId = await portal.QueryAsync(db => db.Organisations.Select(o => o.Id).SingleAsync());
        Assert.Equal(FakeEnvironment.BusinessCodeFor(organisationId), pushed.BusinessCode);
        var synced = await browser.GetDocumentAsync($"/apps/{app.AppId}");
        Assert.Equal("In sync with PIE", synced.QuerySelector("#sync-status")?.TextContent.Trim());
    }

    [Fact]
    public async Task FormPost_WithoutAntiforgeryToken_RefusedWithMessageAndNoSideEffect()
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var mails = await portal.QueryAsync(db => db.OutboxMessages.CountAsync());
        var audit = await portal.QueryAsync(db => db.AuditEvents.CountAsync());

        using var signUp = await portal.NewBrowser().PostAsync("/account/sign-up", [("Input.Email", "x@acme-advisers.com.au"), ("Input.Password", PortalUnderTest.Password), ("Input.ConfirmPassword", PortalUnderTest.Password)]);
        using var create = await browser.PostAsync("/apps/create", [("Input.Name", "Forged"), ("Input.ContactEmail", "a@acme-advisers.com.au"), ("Input.Environment", "pie"), ("Input.AppType", "client")]);

        foreach (var response in new[] { signUp, create })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(Gatehouse.Portal.Accounts.AntiforgeryFailureFilter.Message, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(0, await portal.QueryAsync(db => db.Apps.CountAsync()));
        Assert.Equal(1, await portal.QueryAsync(db => db.Users.CountAsync()));
        Assert.Equal(mails, await portal.QueryAsync(db => db.OutboxMessages.CountAsync()));
        Assert.Equal(audit, await portal.QueryAsync(db => db.AuditEvents.CountAsync()));
    }

    [Theory]
    [InlineData("//evil.test/")]
    [InlineData("/\\evil.test")]
    [InlineData("https://evil.test/")]
    [InlineData("https:evil.test")]
    public async Task SignIn_ForeignReturnUrl_RedirectsToMyApps(string returnUrl)
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");

        var page = await browser.GetDocumentAsync("/account/sign-in?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        using var response = await PortalUnderTest.SignInAsync(browser, "dev@acme-advisers.com.au", returnUrl: returnUrl);

        // Said on the page the link opens, not carried into the form, and not followed after sign-in.
        Assert.Contains("another site", page.QuerySelector("#foreign-return-url")?.TextContent, StringComparison.Ordinal);
        Assert.Equal("", page.QuerySelector("input[name=ReturnUrl]")?.GetAttribute("value") ?? "");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/apps", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task SignIn_LocalReturnUrl_NoNoticeAndFollowed()
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");

        var page = await browser.GetDocumentAsync("/account/sign-in?ReturnUrl=%2Fsandbox");
        using var response = await PortalUnderTest.SignInAsync(browser, "dev@acme-advisers.com.au", returnUrl: "/sandbox");

        Assert.Null(page.QuerySelector("#foreign-return-url"));
        Assert.Equal("/sandbox", page.QuerySelector("input[name=ReturnUrl]")?.GetAttribute("value"));
        Assert.Equal("/sandbox", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task SandboxPage_AfterProvisioning_ShowsApiUserAndBusiness()
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var organisationId = await portal.QueryAsync(db => db.Organisations.Select(o => o.Id).SingleAsync());
        Assert.True(await PortalUnderTest.EventuallyAsync(() => Task.FromResult(portal.Pie.Sandboxes.ContainsKey(organisationId))));
        var request = portal.Pie.Sandboxes[organisationId];

        var page = await browser.GetDocumentAsync("/sandbox");

        Assert.Equal(request.ApiUserName, page.QuerySelector("#sandbox-api-user")?.GetAttribute("value"));
        Assert.Equal(request.ApiUserPassword, page.QuerySelector("#sandbox-api-password")?.GetAttribute("value"));
        Assert.True(request.ApiUserPassword.Length >= 20);
        Assert.EndsWith("@sandbox.acme-advisers.com.au", request.ApiUserName, StringComparison.Ordinal);
        Assert.Equal("Acme Advisers", request.OrganisationName);
        Assert.Equal(FakeEnvironment.BusinessCodeFor(organisationId), page.QuerySelector("#sandbox-business-code")?.TextContent.Trim());
        Assert.Equal(portal.Pie.Url + "/connect/token", page.QuerySelector("#pie-token-url")?.TextContent.Trim());
        Assert.Equal(portal.Pie.Url + "/.well-known/openid-configuration", page.QuerySelector("#pie-discovery-url")?.TextContent.Trim());
    }

    [Fact]
    public async Task Restart_SameDatabase_KeepsDeveloperAndApps()
    {
        await using var portal = await StartAsync();
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(browser);

        await portal.RestartAsync();

        // The cookie survives too: Data Protection keys live in the database.
        var details = await browser.GetDocumentAsync($"/apps/{app.AppId}");
        Assert.Equal(app.ClientId, details.QuerySelector("#client-id")?.TextContent.Trim());
        var again = portal.NewBrowser();
        using var signIn = await PortalUnderTest.SignInAsync(again, "dev@acme-advisers.com.au");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Contains("MyApp-PIE", await (await again.GetAsync("/apps")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvitedViewer_JoinsAsViewer_CannotCreateApps()
    {
        await using var portal = await StartAsync();
        var owner = await portal.NewDeveloperAsync("owner@acme-advisers.com.au");
        var viewer = await portal.NewMemberAsync(owner, "viewer@ACME-advisers.com.au", "Viewer");

        var apps = await viewer.GetDocumentAsync("/apps");
        using var create = await viewer.GetAsync("/apps/create");

        Assert.NotNull(apps.QuerySelector("#viewer-notice"));
        Assert.Null(apps.QuerySelector("#create-app"));
        Assert.Equal(HttpStatusCode.Redirect, create.StatusCode);
        Assert.Contains("/account/access-denied", create.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, await portal.QueryAsync(db => db.Organisations.CountAsync()));
    }
}

public sealed class SqlitePortalTests : PortalTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresPortalTests : PortalTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
