using Gatehouse.Portal.Approvals;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Usage;

/// <summary>Platform-wide usage: every app in every environment. Platform admins only; anyone else gets 404, like the rest of /admin.</summary>
[Authorize]
public sealed class AdminUsageModel(PortalDbContext db, PortalEnvironments environments, UsageClient usage, TimeProvider clock) : PageModel
{
    public UsagePeriod Period { get; private set; } = null!;

    public IReadOnlyList<UsageView> Views { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string? period, CancellationToken cancellationToken)
    {
        Period = UsagePeriod.For(period, clock.GetUtcNow());
        var apps = await db.Apps.AsNoTracking()
            .Join(db.Organisations.AsNoTracking(), a => a.OrganisationId, o => o.Id, (a, o) => new { a.ClientId, a.Name, Organisation = o.Name, a.DeletedAt })
            .ToListAsync(cancellationToken);
        var names = apps.ToDictionary(a => a.ClientId.ToString(), a => $"{a.Name} ({a.Organisation}){(a.DeletedAt is null ? "" : ", deleted")}", StringComparer.OrdinalIgnoreCase);

        // Both environments at once: each answers on its own, and one that is down only blanks its section.
        var tasks = environments.All.Select(async e => new UsageView(
            e.Key, environments.DisplayName(e.Key), Period, await usage.SummaryAsync(e.Value, null, Period, cancellationToken), names));
        Views = await Task.WhenAll(tasks);
        return Page();
    }
}
