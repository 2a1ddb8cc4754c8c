using System.Net;
using Gatehouse.Hosting.Database;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Tests.Audit;

/// <summary>The organisation's audit log: Owners and Admins read it; it holds account and membership events with who, what, when, where and outcome.</summary>
public sealed class AuditPageTests
{
    [Fact]
    public async Task AuditLog_Owner_SeesAccountAndMembershipEventsOfOwnOrganisationOnly()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var owner = await portal.NewDeveloperAsync("owner@acme-advisers.com.au");
        (await PortalUnderTest.SignInAsync(portal.NewBrowser(), "owner@acme-advisers.com.au", "wrong password here")).Dispose();
        (await PortalUnderTest.InviteAsync(owner, "viewer@acme-advisers.com.au", "Viewer")).Dispose();
        (await portal.NewDeveloperAsync("someone@other-practice.com.au")).Dispose();

        var log = await owner.GetDocumentAsync("/audit");

        var rows = log.QuerySelectorAll("tr.audit-event").Select(r => (Action: r.GetAttribute("data-action"), Outcome: r.GetAttribute("data-outcome"), Text: r.TextContent)).ToList();
        Assert.Contains(rows, r => r.Action == "account.sign_in" && r.Outcome == "Failure" && r.Text.Contains("wrong password", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Action == "account.sign_in" && r.Outcome == "Success");
        Assert.Contains(rows, r => r.Action == "org.invite" && r.Text.Contains("viewer@acme-advisers.com.au", StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Contains("127.0.0.1", r.Text, StringComparison.Ordinal));
        Assert.DoesNotContain(rows, r => r.Text.Contains("other-practice", StringComparison.Ordinal));
        var firstId = await portal.QueryAsync(db => db.AuditEvents.Where(e => e.Action == "org.invite").Select(e => e.Id).SingleAsync());
        var details = await owner.GetDocumentAsync($"/audit/{firstId}");
        Assert.Equal("org.invite", details.QuerySelector("#audit-action")?.TextContent);
    }

    [Fact]
    public async Task AuditLog_Viewer_Forbidden()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var owner = await portal.NewDeveloperAsync("owner@acme-advisers.com.au");
        var viewer = await portal.NewMemberAsync(owner, "viewer@acme-advisers.com.au", "Viewer");

        using var response = await viewer.GetAsync("/audit");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/access-denied", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }
}
