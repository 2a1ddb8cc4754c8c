using System.ComponentModel.DataAnnotations;
using Gatehouse.Portal.Accounts;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Organisations;

public sealed record MemberRow(Guid Id, string Email, OrganisationRole Role, bool Mfa);

/// <summary>The organisation: members, invitations, join requests and the MFA policy. Everything is filtered by the viewer's organisation.</summary>
public sealed class OrganisationModel(PortalDbContext db, CurrentMember current, UserManager<Developer> users, AccountMails mails, AuditLog audit, TimeProvider clock) : PageModel
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    public Member? Member { get; private set; }

    public Organisation? Organisation { get; private set; }

    public string? PendingOrganisationName { get; private set; }

    public IReadOnlyList<MemberRow> MemberRows { get; private set; } = [];

    public IReadOnlyList<Invitation> Invitations { get; private set; } = [];

    public IReadOnlyList<JoinRequest> Requests { get; private set; } = [];

    [BindProperty]
    [Display(Name = "Email to invite")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(254)]
    public string? InviteEmail { get; set; }

    [BindProperty]
    [Display(Name = "Role")]
    public OrganisationRole InviteRole { get; set; } = OrganisationRole.Developer;

    [BindProperty]
    public bool RequireMfa { get; set; }

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        RequireMfa = Organisation?.RequireMfa ?? false;
        return Page();
    }

    public async Task<IActionResult> OnPostInviteAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (Member is not { MayManageMembers: true } member || Organisation is null)
        {
            return Forbid();
        }

        var email = (InviteEmail ?? "").Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(email))
        {
            ModelState.AddModelError(nameof(InviteEmail), "Enter the email address to invite.");
        }
        else if (EmailAddresses.DomainOf(email) != Organisation.Domain)
        {
            ModelState.AddModelError(nameof(InviteEmail), $"Invite addresses at {Organisation.Domain}: the organisation is tied to its domain.");
        }

        if (InviteRole == OrganisationRole.Owner || !Enum.IsDefined(InviteRole) || (InviteRole == OrganisationRole.Admin && member.Role != OrganisationRole.Owner))
        {
            ModelState.AddModelError(nameof(InviteRole), "Choose Developer or Viewer (only an Owner can invite Admins; ownership is transferred, not invited).");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var normalised = email.ToUpperInvariant();
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalised && u.OrganisationId == Organisation.Id, cancellationToken))
        {
            ModelState.AddModelError(nameof(InviteEmail), "This person is already a member.");
            return Page();
        }

        var now = clock.GetUtcNow();
        var invitation = new Invitation
        {
            Id = Guid.CreateVersion7(now),
            OrganisationId = Organisation.Id,
            Email = email,
            Role = InviteRole,
            InvitedById = member.DeveloperId,
            CreatedAt = now,
            ExpiresAt = now + InvitationLifetime,
        };
        db.Add(invitation);
        audit.Add("org.invite", AuditOutcome.Success, Organisation.Id, target: $"invitation:{invitation.Id}", details: $"{email} as {InviteRole}");
        await db.SaveChangesAsync(cancellationToken);
        await mails.SendInvitationAsync(email, Organisation.Name, InviteRole.ToString(), member.Email, cancellationToken);

        // Someone of the domain already verified and waiting: the invitation lets them in at once.
        if (await users.FindByEmailAsync(email) is { EmailConfirmed: true, OrganisationId: null } waiting)
        {
            await HttpContext.RequestServices.GetRequiredService<OrganisationMembership>().JoinAsync(waiting, cancellationToken);
            await db.Set<JoinRequest>().Where(r => r.OrganisationId == Organisation.Id && r.DeveloperId == waiting.Id && r.DecidedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.DecidedAt, now).SetProperty(r => r.Approved, true).SetProperty(r => r.DecidedById, member.DeveloperId), cancellationToken);
        }

        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostMfaPolicyAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (Member is not { Role: OrganisationRole.Owner } || Organisation is null)
        {
            return Forbid();
        }

        var organisation = await db.Organisations.SingleAsync(o => o.Id == Organisation.Id, cancellationToken);
        organisation.RequireMfa = RequireMfa;
        audit.Add("org.mfa_policy", AuditOutcome.Success, organisation.Id, target: $"organisation:{organisation.Id}", details: RequireMfa ? "MFA required" : "MFA optional");
        await db.SaveChangesAsync(cancellationToken);
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Member = await current.FindAsync(User, cancellationToken);
        if (Member is null)
        {
            if (Guid.TryParse(users.GetUserId(User), out var id))
            {
                PendingOrganisationName = await db.Set<JoinRequest>().Where(r => r.DeveloperId == id && r.DecidedAt == null)
                    .Join(db.Organisations, r => r.OrganisationId, o => o.Id, (r, o) => o.Name).FirstOrDefaultAsync(cancellationToken);
            }

            return;
        }

        var organisationId = Member.OrganisationId;
        Organisation = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == organisationId, cancellationToken);
        var rows = await db.Users.AsNoTracking().Where(u => u.OrganisationId == organisationId)
            .Select(u => new { u.Id, u.Email, u.Role, u.TwoFactorEnabled }).ToListAsync(cancellationToken);
        MemberRows = [.. rows.Select(r => new MemberRow(r.Id, r.Email!, r.Role!.Value, r.TwoFactorEnabled)).OrderBy(r => r.Role).ThenBy(r => r.Email, StringComparer.Ordinal)];
        if (Member.MayManageMembers)
        {
            var now = clock.GetUtcNow();
            var invitations = await db.Set<Invitation>().AsNoTracking()
                .Where(i => i.OrganisationId == organisationId && i.AcceptedAt == null && i.RevokedAt == null).ToListAsync(cancellationToken);
            Invitations = [.. invitations.Where(i => i.IsOpen(now)).OrderBy(i => i.Email, StringComparer.Ordinal)];
            // Ordered by id (UUIDv7, time-ordered): SQLite cannot ORDER BY a DateTimeOffset column.
            Requests = await db.Set<JoinRequest>().AsNoTracking()
                .Where(r => r.OrganisationId == organisationId && r.DecidedAt == null).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        }
    }
}
