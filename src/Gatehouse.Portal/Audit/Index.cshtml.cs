using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Audit;

/// <summary>The organisation's audit log, newest first, for its Owners and Admins only (ASVS 16.2.1).</summary>
public sealed class AuditIndexModel(PortalDbContext db, CurrentMember current) : PageModel
{
    public const int PageSize = 200;

    public IReadOnlyList<AuditEvent> Events { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await current.FindAsync(User, cancellationToken) is not { } member)
        {
            return NotFound();
        }

        if (!member.MayManageMembers)
        {
            return Forbid();
        }

        // Ordered by id (UUIDv7, time-ordered): SQLite cannot ORDER BY a DateTimeOffset column.
        Events = await db.AuditEvents.AsNoTracking()
            .Where(e => e.OrganisationId == member.OrganisationId)
            .OrderByDescending(e => e.Id)
            .Take(PageSize)
            .ToListAsync(cancellationToken);
        return Page();
    }
}
