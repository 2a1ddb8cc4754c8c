using Gatehouse.Portal.Accounts;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Organisations;

/// <summary>A request to join the viewer's organisation (another organisation's id is 404): approve with a role, or decline.</summary>
public sealed class JoinRequestModel(PortalDbContext db, CurrentMember current, AccountMails mails, AuditLog audit, TimeProvider clock) : PageModel
{
    public JoinRequest JoinRequest { get; private set; } = null!;

    public Member Viewer { get; private set; } = null!;

    [BindProperty]
    public OrganisationRole Role { get; set; } = OrganisationRole.Developer;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostApproveAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (Role is not (OrganisationRole.Developer or OrganisationRole.Viewer) && !(Role == OrganisationRole.Admin && Viewer.Role == OrganisationRole.Owner))
        {
            ModelState.AddModelError(nameof(Role), "Choose Developer or Viewer (only an Owner can make Admins).");
            return Page();
        }

        var developer = await db.Users.SingleOrDefaultAsync(u => u.Id == JoinRequest.DeveloperId, cancellationToken);
        if (JoinRequest.DecidedAt is not null || developer is null || developer.OrganisationId is not null
            || EmailAddresses.DomainOf(developer.Email ?? "") != EmailAddresses.DomainOf(JoinRequest.Email))
        {
            ModelState.AddModelError("", "This request has already been decided.");
            return Page();
        }

        developer.OrganisationId = JoinRequest.OrganisationId;
        developer.Role = Role;
        Decide(approved: true);
        audit.Add("org.join.approve", AuditOutcome.Success, JoinRequest.OrganisationId, target: $"developer:{developer.Id}", details: $"{developer.Email} as {Role}");
        await db.SaveChangesAsync(cancellationToken);
        await mails.SendJoinDecisionAsync(developer.Email!, Viewer.OrganisationName, approved: true, cancellationToken);
        return RedirectToPage("/Organisations/Index");
    }

    public async Task<IActionResult> OnPostDeclineAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (JoinRequest.DecidedAt is null)
        {
            Decide(approved: false);
            audit.Add("org.join.decline", AuditOutcome.Success, JoinRequest.OrganisationId, target: $"developer:{JoinRequest.DeveloperId}", details: JoinRequest.Email);
            await db.SaveChangesAsync(cancellationToken);
            await mails.SendJoinDecisionAsync(JoinRequest.Email, Viewer.OrganisationName, approved: false, cancellationToken);
        }

        return RedirectToPage("/Organisations/Index");
    }

    private void Decide(bool approved)
    {
        JoinRequest.DecidedAt = clock.GetUtcNow();
        JoinRequest.DecidedById = Viewer.DeveloperId;
        JoinRequest.Approved = approved;
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await current.FindAsync(User, cancellationToken) is not { } viewer
            || await db.Set<JoinRequest>().SingleOrDefaultAsync(r => r.Id == id && r.OrganisationId == viewer.OrganisationId, cancellationToken) is not { } request)
        {
            return NotFound();
        }

        Viewer = viewer;
        JoinRequest = request;
        return viewer.MayManageMembers ? null : Forbid();
    }
}
