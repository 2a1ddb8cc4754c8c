using Gatehouse.Portal.Apps;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Usage;

/// <summary>One app's usage in its environment, for any member of the app's organisation.</summary>
[Authorize]
public sealed class AppUsageModel(PortalDbContext db, CurrentMember current, PortalEnvironments environments, UsageClient usage, TimeProvider clock) : PageModel
{
    public App App { get; private set; } = null!;

    public UsageView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, string? period, CancellationToken cancellationToken)
    {
        var member = current.Value;

        // docs/security-checklist.md MT1: the organisation is part of the query, so another organisation's app is not found.
        if (await db.Apps.AsNoTracking()
                .SingleOrDefaultAsync(a => a.Id == id && a.OrganisationId == member.OrganisationId && a.DeletedAt == null, cancellationToken) is not { } app)
        {
            return NotFound();
        }

        App = app;
        var chosen = UsagePeriod.For(period, clock.GetUtcNow());
        var environmentName = environments.DisplayName(app.EnvironmentKey);
        var summary = environments.Find(app.EnvironmentKey) is { } environment
            ? await usage.SummaryAsync(environment, app.ClientId.ToString(), chosen, cancellationToken)
            : null;
        View = new UsageView("app", environmentName, chosen, summary);
        return Page();
    }
}
