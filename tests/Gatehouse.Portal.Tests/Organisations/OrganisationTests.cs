using System.Net;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Accounts;
using Gatehouse.Portal.Organisations;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Tests.Organisations;

/// <summary>Membership by domain, invitations, join requests, roles, removal and ownership transfer.</summary>
public sealed class OrganisationTests
{
    private const string Owner = "owner@acme-advisers.com.au";

    private static Task<PortalUnderTest> StartAsync() => PortalUnderTest.StartAsync(DatabaseProvider.Sqlite);

    private static async Task<Guid> DeveloperIdAsync(PortalUnderTest portal, string email) =>
        await portal.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    private static async Task<OrganisationRole?> RoleAsync(PortalUnderTest portal, string email) =>
        await portal.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Role).SingleAsync());

    [Fact]
    public async Task SecondDeveloperOfDomain_WithoutInvitation_WaitsUntilOwnerApproves()
    {
        await using var portal = await StartAsync();
        var owner = await portal.NewDeveloperAsync(Owner);
        var second = await portal.NewDeveloperAsync("second@acme-advisers.com.au");

        var waiting = await second.GetDocumentAsync("/organisation");
        Assert.NotNull(waiting.QuerySelector("#join-pending"));
        Assert.Null(await RoleAsync(portal, "second@acme-advisers.com.au"));
        var requestId = await portal.QueryAsync(db => db.Set<JoinRequest>().Select(r => r.Id).SingleAsync());
        using var approve = await owner.SubmitFormAsync($"/organisation/requests/{requestId}", "#approve-request", ("Role", "Developer"));

        Assert.Equal(HttpStatusCode.Redirect, approve.StatusCode);
        Assert.Equal(OrganisationRole.Developer, await RoleAsync(portal, "second@acme-advisers.com.au"));
        Assert.Equal(1, await portal.QueryAsync(db => db.Organisations.CountAsync()));
        using var create = await second.GetAsync("/apps/create");
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        Assert.True(await portal.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "org.join.approve")));
    }

    [Fact]
    public async Task JoinRequest_Filed_MailsEachOwnerAndAdminOnceWithMembersPageLink()
    {
        await using var portal = await StartAsync();
        var owner = await portal.NewDeveloperAsync(Owner);
        (await portal.NewMemberAsync(owner, "admin@acme-advisers.com.au", "Admin")).Dispose();
        (await portal.NewMemberAsync(owner, "dev@acme-advisers.com.au", "Developer")).Dispose();
        (await portal.NewDeveloperAsync("other@elsewhere-practice.com.au")).Dispose();
        var before = await portal.QueryAsync(db => db.OutboxMessages.Select(m => m.Id).ToListAsync());

        // Sign-up, verification and a first sign-in: the request is filed once, so it is mailed once.
        var asking = await portal.NewDeveloperAsync("asking@acme-advisers.com.au");
        (await PortalUnderTest.SignInAsync(asking, "asking@acme-advisers.com.au")).Dispose();

        var mails = await portal.QueryAsync(db => db.OutboxMessages.Where(m => !before.Contains(m.Id) && m.Subject.Contains("asks to join")).ToListAsync());
        Assert.Equal(["admin@acme-advisers.com.au", Owner], mails.Select(m => m.To).Order(StringComparer.Ordinal));
        foreach (var mail in mails)
        {
            Assert.Equal("asking@acme-advisers.com.au asks to join Acme Advisers", mail.Subject);
            Assert.Contains($"\n{portal.Url}/organisation\n", mail.TextBody, StringComparison.Ordinal);
            Assert.Contains($"href=\"{portal.Url}/organisation\"", mail.HtmlBody, StringComparison.Ordinal);
        }

        // The link leads an Owner to the request.
        var page = await owner.GetDocumentAsync("/organisation");
        Assert.Contains("asking@acme-advisers.com.au", page.QuerySelector("#join-requests")?.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invite_AddressOfAnotherDomain_RefusedAndNothingStored()
    {
        await using var portal = await StartAsync();
        var owner = await portal.NewDeveloperAsync(Owner);

        using var invite = await PortalUnderTest.InviteAsync(owner, "someone@other-practice.com.au", "Developer");

        Assert.Equal(HttpStatusCode.OK, invite.StatusCode);
        Assert.Contains("Invite addresses at acme-advisers.com.au", await invite.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await portal.QueryAsync(db => db.Set<Invitation>().CountAsync()));
    }

    [Fact]
    public async Task Invitation_UsedOnce_RevokedInvitationDoesNotAdmit()
    {
        await using var portal = await StartAsync();
        var owner = await portal.NewDeveloperAsync(Owner);
        (await PortalUnderTest.InviteAsync(owner, "revoked@acme-advisers.com.au", "Developer")).Dispose();
        var invitationId = await portal.QueryAsync(db => db.Set<Invitation>().Select(i => i.Id).SingleAsync());

        using var revoke = await owner.SubmitAsync($"/organisation/invitations/{invitationId}");
        (await portal.NewDeveloperAsync("revoked@acme-advisers.com.au")).Dispose();

        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        Assert.Null(await RoleAsync(portal, "revoked@acme-advisers.com.au"));
        Assert.True(await portal.QueryAsync(db => db.Set<JoinRequest>().AnyAsync()));
    }

    [Fact]
    public async Task RoleChange_ByOwner_AppliedAndAudited_ViewerCannotManage()
    {
        await using var portal = await StartAsync();
        var owner = await portal.NewDeveloperAsync(Owner);
        var viewer = await portal.NewMemberAsync(owner, "viewer@acme-advisers.com.au", "Viewer");
        var viewerId = await DeveloperIdAsync(portal, "viewer@acme-advisers.com.au");
        var ownerId = await DeveloperIdAsync(portal, Owner);

        using var promote = await owner.SubmitFormAsync($"/organisation/members/{viewerId}", "#change-role", ("NewRole", "Developer"));
        using var forbidden = await viewer.GetAsync($"/organisation/members/{ownerId}");

        Assert.Equal(HttpStatusCode.Redirect, promote.StatusCode);
        Assert.Equal(OrganisationRole.Developer, await RoleAsync(portal, "viewer@acme-advisers.com.au"));
        Assert.Equal(HttpStatusCode.Redirect, forbidden.StatusCode);
        Assert.Contains("/account/access-denied", forbidden.Headers.Location!.ToString(), StringComparison.Ordinal);
        var audit = await portal.QueryAsync(db => db.AuditEvents.SingleAsync(e => e.Action == "org.role.change"));
        Assert.Equal(ownerId, audit.ActorId);
        Assert.Equal("127.0.0.1", audit.IpAddress);
        Assert.Contains("Viewer → Developer", audit.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_CannotDemoteOwnerOrMakeAdmins()
    {
        await using var portal = await StartAsync();
        var owner = await portal.NewDeveloperAsync(Owner);
        var admin = await portal.NewMemberAsync(owner, "admin@acme-advisers.com.au", "Admin");
        (await portal.NewMemberAsync(owner, "dev@acme-advisers.com.au", "Developer")).Dispose();
        var ownerId = await DeveloperIdAsync(portal, Owner);
        var devId = await DeveloperIdAsync(portal, "dev@acme-advisers.com.au");
        var token = (await admin.GetDocumentAsync($"/organisation/members/{devId}")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        using var demoteOwner = await admin.PostAsync($"/organisation/members/{ownerId}?handler=Role", [("__RequestVerificationToken", token), ("NewRole", "Viewer")]);
        using var makeAdmin = await admin.PostAsync($"/organisation/members/{devId}?handler=Role", [("__RequestVerificationToken", token), ("NewRole", "Admin")]);
        using var removeOwner = await admin.PostAsync($"/organisation/members/{ownerId}?handler=Remove", [("__RequestVerificationToken", token)]);

        Assert.Equal(HttpStatusCode.OK, demoteOwner.StatusCode);
        Assert.Equal(HttpStatusCode.OK, makeAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, removeOwner.StatusCode);
        Assert.Equal(OrganisationRole.Owner, await RoleAsync(portal, Owner));
        Assert.Equal(OrganisationRole.Developer, await RoleAsync(portal, "dev@acme-advisers.com.au"));
    }

    [Fact]
    public async Task RemoveMember_AppsStayWithOrganisationAndSessionsEnd()
    {
        await using var portal = await StartAsync();
        var owner = await portal.NewDeveloperAsync(Owner);
        var developer = await portal.NewMemberAsync(owner, "dev@acme-advisers.com.au", "Developer");
        var app = await PortalUnderTest.CreateAppAsync(developer);
        var devId = await DeveloperIdAsync(portal, "dev@acme-advisers.com.au");

        using var remove = await owner.SubmitFormAsync($"/organisation/members/{devId}", "#remove-member");

        Assert.Equal(HttpStatusCode.Redirect, remove.StatusCode);
        Assert.Null(await RoleAsync(portal, "dev@acme-advisers.com.au"));
        using var gone = await developer.GetAsync("/apps");
        Assert.Equal(HttpStatusCode.Redirect, gone.StatusCode);
        var details = await owner.GetDocumentAsync($"/apps/{app.AppId}");
        Assert.Equal(app.ClientId, details.QuerySelector("#client-id")?.TextContent.Trim());
        Assert.Equal(0, await portal.QueryAsync(db => db.Set<DeveloperSession>().CountAsync(s => s.DeveloperId == devId && s.RevokedAt == null)));
    }

    [Fact]
    public async Task TransferOwnership_TargetBecomesOwnerAndOldOwnerAdmin()
    {
        await using var portal = await StartAsync();
        var owner = await portal.NewDeveloperAsync(Owner);
        (await portal.NewMemberAsync(owner, "next@acme-advisers.com.au", "Developer")).Dispose();
        var nextId = await DeveloperIdAsync(portal, "next@acme-advisers.com.au");

        using var transfer = await owner.SubmitFormAsync($"/organisation/members/{nextId}", "#transfer-ownership");

        Assert.Equal(HttpStatusCode.Redirect, transfer.StatusCode);
        Assert.Equal(OrganisationRole.Owner, await RoleAsync(portal, "next@acme-advisers.com.au"));
        Assert.Equal(OrganisationRole.Admin, await RoleAsync(portal, Owner));
        Assert.True(await portal.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "org.ownership.transfer")));
    }

    [Fact]
    public async Task MfaPolicy_Required_MemberWithoutMfaSentToEnrol()
    {
        await using var portal = await StartAsync();
        var owner = await portal.NewDeveloperAsync(Owner);
        var member = await portal.NewMemberAsync(owner, "dev@acme-advisers.com.au", "Developer");

        using var policy = await owner.SubmitFormAsync("/organisation", "#mfa-policy", ("RequireMfa", "true"));
        using var apps = await member.GetAsync("/apps");

        Assert.Equal(HttpStatusCode.Redirect, policy.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, apps.StatusCode);
        Assert.Equal("/account/mfa?required=true", apps.Headers.Location?.ToString());
        await Accounts.AccountSteps.EnrolMfaAsync(portal, member);
        using var after = await member.GetAsync("/apps");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
