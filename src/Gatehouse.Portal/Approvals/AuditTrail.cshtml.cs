using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Approvals;

/// <summary>The whole platform's audit log, newest first, for platform admins.</summary>
[Authorize]
public sealed class AdminAuditModel(PortalDbContext db) : PageModel
{
    public const int PageSize = 200;

    public IReadOnlyList<AuditEvent> Events { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        // Ids are version 7 GUIDs, ordered by time (and SQLite cannot ORDER BY a DateTimeOffset).
        Events = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Id).Take(PageSize).ToListAsync(cancellationToken);
        return Page();
    }
}
