using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Organisations;

/// <summary>One invitation of the viewer's organisation (another organisation's id is 404); an Owner or Admin may revoke it.</summary>
public sealed class InvitationModel(PortalDbContext db, CurrentMember current, AuditLog audit, TimeProvider clock) : PageModel
{
    public Invitation Invitation { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (Invitation.AcceptedAt is null && Invitation.RevokedAt is null)
        {
            Invitation.RevokedAt = clock.GetUtcNow();
            audit.Add("org.invitation.revoke", AuditOutcome.Success, Invitation.OrganisationId, target: $"invitation:{Invitation.Id}", details: Invitation.Email);
            await db.SaveChangesAsync(cancellationToken);
        }

        return RedirectToPage("/Organisations/Index");
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await current.FindAsync(User, cancellationToken) is not { } viewer
            || await db.Set<Invitation>().SingleOrDefaultAsync(i => i.Id == id && i.OrganisationId == viewer.OrganisationId, cancellationToken) is not { } invitation)
        {
            return NotFound();
        }

        Invitation = invitation;
        return viewer.MayManageMembers ? null : Forbid();
    }
}
