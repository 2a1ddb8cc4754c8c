using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Apps;
using Microsoft.EntityFrameworkCore;
using static Gatehouse.Portal.Tests.Apps.AppTestSupport;

namespace Gatehouse.Portal.Tests.Provisioning;

/// <summary>
/// docs/security-checklist.md PO3, PO5 end to end: the portal pushes to a real PIE plane. An app
/// stored under an older, looser redirect-URI rule holds a URI PIE refuses; a secret revoked on the
/// app page must still stop authenticating at PIE, the rotated one must work, and the app page says
/// why the sync failed (ADR 0022).
/// </summary>
public sealed class SecurityStateSyncTests
{
    private const string Developer = "dev@acme-advisers.com.au";

    [Fact]
    public async Task PO3_PO5_RevokedSecretRefusedAtPie_WhileAStoredRedirectUriIsInvalid_FailureShownWithReason()
    {
        await using var pie = await RealPie.StartAsync(DatabaseProvider.Sqlite);
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite, startPie: false, overrides: pie.PortalSettings);
        var browser = await portal.NewDeveloperAsync(Developer);
        var created = await PortalUnderTest.CreateAppAsync(browser, "Partner-PIE", "pie", "partner");
        Assert.True(await PortalUnderTest.EventuallyAsync(() => portal.QueryAsync(db => db.Apps.AnyAsync(a => a.Id == created.AppId && a.SyncState == SyncState.Synced))));
        Assert.Equal("invalid_grant", await pie.TokenErrorAsync(created.ClientId, created.Secret)); // authenticated

        // A URI the shared rule refuses (upper-case host), as an app stored before that rule holds it.
        await portal.QueryAsync(async db =>
        {
            db.Set<AppRedirectUri>().Add(new AppRedirectUri { AppId = created.AppId, Uri = "https://App.Example.com/cb", Status = RedirectUriStatus.Approved, CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });

        var path = $"/apps/{created.AppId}";
        var oldSecretId = await portal.QueryAsync(db => db.Set<AppSecret>().Where(s => s.AppId == created.AppId).Select(s => s.Id).SingleAsync());
        var rotated = NewSecretFrom(await BodyAsync(await PostHandlerAsync(browser, path, "Rotate", ("OverlapDays", "7"))));
        await BodyAsync(await PostHandlerAsync(browser, path, "Revoke", ("SecretId", oldSecretId.ToString())));

        Assert.True(await PortalUnderTest.EventuallyAsync(async () => await pie.TokenErrorAsync(created.ClientId, created.Secret) == "invalid_client"),
            "The revoked secret still authenticates at PIE.");
        Assert.Equal("invalid_grant", await pie.TokenErrorAsync(created.ClientId, rotated));

        var app = await portal.QueryAsync(db => db.Apps.AsNoTracking().SingleAsync(a => a.Id == created.AppId));
        Assert.Equal(SyncState.Failed, app.SyncState);
        var page = await browser.GetDocumentAsync(path);
        Assert.Contains("Sync failed", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("App.Example.com", page.Body!.TextContent, StringComparison.Ordinal);
    }

    /// <summary>
    /// PO1: what the portal refuses, PIE refuses too, with the same code and message (one rule,
    /// Gatehouse.Hosting/Contracts/RedirectUriRules), and what PIE would refuse never gets past the app page.
    /// </summary>
    [Fact]
    public async Task PO1_RedirectUrisThePortalRefuses_PieRefusesWithTheSameCodeAndMessage()
    {
        string[] refused =
        [
            "https://app.example.com", "https://App.Example.com/cb", "HTTPS://app.example.com/cb", "https://app.example.com:443/cb",
            "https://app.example.com/a/../cb", "https://app.example.com/%63b", "http://127.1/cb", "http://app.example.com/cb",
        ];
        await using var pie = await RealPie.StartAsync(DatabaseProvider.Sqlite);
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite, startPie: false, overrides: pie.PortalSettings);
        var browser = await portal.NewDeveloperAsync(Developer);
        var created = await PortalUnderTest.CreateAppAsync(browser, "Partner-PIE", "pie", "partner");

        foreach (var uri in refused)
        {
            var page = Browser.Parse(await BodyAsync(await PostHandlerAsync(browser, $"/apps/{created.AppId}", "AddRedirectUri", ("NewRedirectUri", uri))));
            var portalMessage = page.QuerySelector("[data-valmsg-for=NewRedirectUri]")?.TextContent.Trim();
            Assert.False(string.IsNullOrEmpty(portalMessage), $"The portal accepted {uri}.");
            Assert.Equal(0, await portal.QueryAsync(db => db.Set<AppRedirectUri>().CountAsync(u => u.AppId == created.AppId)));

            var descriptor = new ClientDescriptor("Direct", AppTypes.Partner, Guid.NewGuid(), "Org", null,
                [new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(ClientSecrets.Generate()), null)], [], [uri], Enabled: true, Revision: 1);
            using var put = await pie.Http.SendAsync(pie.Admin(HttpMethod.Put, $"/admin/v1/clients/{Guid.NewGuid()}", descriptor));
            Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
            var problem = JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement;
            var expected = RedirectUriRules.Check(uri, isSandbox: true);
            Assert.NotNull(expected);
            Assert.Equal(expected.Code, problem.GetProperty("codes").GetProperty(RedirectUriRules.Field).GetString());
            Assert.Equal(expected.Message, problem.GetProperty("errors").GetProperty(RedirectUriRules.Field)[0].GetString());
            Assert.Equal(expected.Message, portalMessage);
        }
    }
}
