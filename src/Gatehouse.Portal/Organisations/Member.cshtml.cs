using Gatehouse.Portal.Accounts;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Organisations;

/// <summary>
/// One member: change role, remove, transfer ownership. The member is looked up within the viewer's
/// organisation only, so another organisation's id is 404 (ASVS 8.2.2). Apps stay with the organisation.
/// </summary>
public sealed class MemberModel(PortalDbContext db, CurrentMember current, DeveloperSessions sessions, AuditLog audit) : PageModel
{
    public Member Viewer { get; private set; } = null!;

    public Developer Target { get; private set; } = null!;

    [BindProperty]
    public OrganisationRole NewRole { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        NewRole = Target.Role ?? OrganisationRole.Viewer;
        return Page();
    }

    public async Task<IActionResult> OnPostRoleAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (Target.Id == Viewer.DeveloperId || Target.Role == OrganisationRole.Owner || NewRole == OrganisationRole.Owner || !Enum.IsDefined(NewRole)
            || (Viewer.Role == OrganisationRole.Admin && (Target.Role == OrganisationRole.Admin || NewRole == OrganisationRole.Admin)))
        {
            ModelState.AddModelError(nameof(NewRole), "You can't give this member that role. Owners change with a transfer of ownership; only an Owner manages Admins.");
            return Page();
        }

        var old = Target.Role;
        Target.Role = NewRole;
        audit.Add("org.role.change", AuditOutcome.Success, Viewer.OrganisationId, target: $"developer:{Target.Id}", details: $"{Target.Email}: {old} → {NewRole}");
        await db.SaveChangesAsync(cancellationToken);
        return RedirectToPage("/Organisations/Index");
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (Target.Id == Viewer.DeveloperId || Target.Role == OrganisationRole.Owner
            || (Viewer.Role == OrganisationRole.Admin && Target.Role == OrganisationRole.Admin))
        {
            ModelState.AddModelError("", "You can't remove this member (Owners transfer ownership first; only an Owner removes Admins).");
            return Page();
        }

        Target.OrganisationId = null;
        Target.Role = null;
        audit.Add("org.member.remove", AuditOutcome.Success, Viewer.OrganisationId, target: $"developer:{Target.Id}", details: Target.Email);
        await db.SaveChangesAsync(cancellationToken);
        // Their open sessions end now: removal takes effect at once (ASVS 7.4.2).
        await sessions.RevokeAllAsync(Target.Id);
        return RedirectToPage("/Organisations/Index");
    }

    public async Task<IActionResult> OnPostTransferAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (Viewer.Role != OrganisationRole.Owner || Target.Id == Viewer.DeveloperId)
        {
            ModelState.AddModelError("", "Only an Owner can transfer ownership, to another member.");
            return Page();
        }

        var me = await db.Users.SingleAsync(u => u.Id == Viewer.DeveloperId, cancellationToken);
        me.Role = OrganisationRole.Admin;
        Target.Role = OrganisationRole.Owner;
        audit.Add("org.ownership.transfer", AuditOutcome.Success, Viewer.OrganisationId, target: $"developer:{Target.Id}", details: $"{Viewer.Email} → {Target.Email}");
        await db.SaveChangesAsync(cancellationToken);
        return RedirectToPage("/Organisations/Index");
    }

    /// <summary>Null when the page may go on; otherwise the refusal (404 for anything outside the viewer's organisation).</summary>
    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await current.FindAsync(User, cancellationToken) is not { } viewer)
        {
            return NotFound();
        }

        if (await db.Users.SingleOrDefaultAsync(u => u.Id == id && u.OrganisationId == viewer.OrganisationId, cancellationToken) is not { } target)
        {
            return NotFound();
        }

        Viewer = viewer;
        Target = target;
        return viewer.MayManageMembers ? null : Forbid();
    }
}
