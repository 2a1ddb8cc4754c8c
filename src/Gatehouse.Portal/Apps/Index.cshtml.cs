using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Apps;

public sealed record AppRow(Guid Id, string Name, string Environment, string Type, Guid ClientId, string Status);

public sealed class AppsModel(PortalDbContext db, CurrentMember current, PortalEnvironments environments) : PageModel
{
    public Member Member { get; private set; } = null!;

    public IReadOnlyList<AppRow> Apps { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var member = current.Value;

        Member = member;
        var apps = await db.Apps.AsNoTracking()
            .Where(a => a.OrganisationId == member.OrganisationId && a.DeletedAt == null)
            .OrderBy(a => a.Name)
            .Select(a => new { a.Id, a.Name, a.EnvironmentKey, a.AppType, a.ClientId, a.SyncState, a.LastSyncError, a.Status })
            .ToListAsync(cancellationToken);
        Apps = [.. apps.Select(a => new AppRow(
            a.Id,
            a.Name,
            environments.DisplayName(a.EnvironmentKey),
            AppViews.TypeName(a.AppType),
            a.ClientId,
            (a.Status == AppStatus.Active ? "" : AppViews.StatusName(a.Status) + ". ") + AppViews.SyncStatus(a.SyncState, a.LastSyncError, environments.DisplayName(a.EnvironmentKey))))];
        return Page();
    }
}
