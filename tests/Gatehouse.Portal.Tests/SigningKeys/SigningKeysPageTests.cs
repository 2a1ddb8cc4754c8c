using System.Net;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Audit;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Tests.SigningKeys;

/// <summary>
/// The admin console's signing keys page against a real Production environment plane (ADR 0019):
/// publish, a refused retirement with the environment's reason, a retirement; all audited.
/// </summary>
public sealed class SigningKeysPageTests
{
    private const string AdminEmail = "admin@class.com.au";
    private const string Page = "/admin/signing-keys";

    [Fact]
    public async Task SigningKeys_PublishRetireAndRefusals_ShownAndAudited_NotForDevelopers()
    {
        await using var production = await RealProduction.StartAsync();
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite, overrides: new Dictionary<string, string?>
        {
            ["Portal:PlatformAdmins:0"] = AdminEmail,
            ["Environments:production:Url"] = production.Url,
        });
        var admin = await portal.NewDeveloperAsync(AdminEmail);
        var developer = await portal.NewDeveloperAsync("dev@acme.example");
        const string section = "#signing-keys-production";

        var before = await admin.GetDocumentAsync(Page);
        var current = before.QuerySelector($"{section} tr[data-status=current]")!.GetAttribute("data-kid")!;

        using var badDate = await admin.SubmitFormAsync(Page, $"{section} form[action*=Publish]", ("Publish.ActivatesAt", "next tuesday"));
        Assert.Contains("Enter the activation as a date and time", await badDate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var past = await admin.SubmitFormAsync(Page, $"{section} form[action*=Publish]", ("Publish.ActivatesAt", "2020-01-01 00:00"));
        Assert.Contains("must not be in the past", await past.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var published = await admin.SubmitFormAsync(Page, $"{section} form[action*=Publish]", ("Publish.ActivatesAt", ""));
        var afterPublish = await Browser.DocumentAsync(published);
        var next = afterPublish.QuerySelector($"{section} tr[data-status=next]")!.GetAttribute("data-kid")!;
        Assert.Contains($"Published key {next}", afterPublish.QuerySelector("#signing-key-notice")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(current, afterPublish.QuerySelector($"{section} tr[data-status=current]")!.GetAttribute("data-kid"));
        Assert.Null(afterPublish.QuerySelector($"{section} tr[data-status=current] form"));

        // The current key has no Retire button; a forged post gets the environment's reason, not a 500.
        using var retireCurrent = await admin.SubmitFormAsync(Page, $"{section} tr[data-kid='{next}'] form", ("keyId", current));
        Assert.Equal(HttpStatusCode.OK, retireCurrent.StatusCode);
        Assert.Contains("This key signs tokens now.", await retireCurrent.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var retired = await admin.SubmitFormAsync(Page, $"{section} tr[data-kid='{next}'] form");
        var afterRetire = await Browser.DocumentAsync(retired);
        Assert.Contains($"Retired key {next}", afterRetire.QuerySelector("#signing-key-notice")!.TextContent, StringComparison.Ordinal);
        Assert.Equal([current], afterRetire.QuerySelectorAll($"{section} tr[data-kid]").Select(r => r.GetAttribute("data-kid")));

        using var asDeveloper = await developer.GetAsync(Page);
        Assert.Equal(HttpStatusCode.NotFound, asDeveloper.StatusCode);

        var audit = await portal.QueryAsync(db => db.AuditEvents.Where(e => e.Action.StartsWith("signing-key.")).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(
            [("signing-key.published", AuditOutcome.Failure), ("signing-key.published", AuditOutcome.Success), ("signing-key.retired", AuditOutcome.Failure), ("signing-key.retired", AuditOutcome.Success)],
            audit.Select(e => (e.Action, e.Outcome)));
        Assert.Equal($"signing-key:{next}", audit[1].Target);
        Assert.Equal($"signing-key:{current}", audit[2].Target);
        Assert.All(audit, e => Assert.Equal(("production", AdminEmail), (e.Environment, e.ActorEmail)));
    }
}
