using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Audit;

/// <summary>One audit event of the viewer's organisation; another organisation's id is 404.</summary>
public sealed class AuditDetailsModel(PortalDbContext db, CurrentMember current) : PageModel
{
    public AuditEvent Event { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await current.FindAsync(User, cancellationToken) is not { } member
            || await db.AuditEvents.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id && e.OrganisationId == member.OrganisationId, cancellationToken) is not { } found)
        {
            return NotFound();
        }

        if (!member.MayManageMembers)
        {
            return Forbid();
        }

        Event = found;
        return Page();
    }
}
