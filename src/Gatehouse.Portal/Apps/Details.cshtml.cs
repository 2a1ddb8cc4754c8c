using Gatehouse.Portal.Catalogue;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Apps;

public sealed class AppDetailsModel(PortalDbContext db, Members members, PortalEnvironments environments) : PageModel
{
    public App App { get; private set; } = null!;

    public string EnvironmentName { get; private set; } = "";

    public string TypeName => AppViews.TypeName(App.AppType);

    public string SecretHint => AppViews.Hint(App.SecretHint);

    public bool InSync => App.SyncState == SyncState.Synced;

    public string SyncStatus => AppViews.SyncStatus(App.SyncState, App.LastSyncError, EnvironmentName);

    public IReadOnlyList<string> Products { get; private set; } = [];

    public IReadOnlyList<string> Scopes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await members.CurrentAsync(User, cancellationToken) is not { } member)
        {
            return Challenge();
        }

        // The organisation is part of the query: another organisation's app is simply not found.
        if (await db.Apps.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id && a.OrganisationId == member.OrganisationId, cancellationToken) is not { } app)
        {
            return NotFound();
        }

        App = app;
        EnvironmentName = environments.DisplayName(app.EnvironmentKey);
        var products = await db.ApiProducts.AsNoTracking().Where(p => app.ProductCodes.Contains(p.Code)).OrderBy(p => p.SortOrder).ToListAsync(cancellationToken);
        Products = [.. products.Select(p => p.Name)];
        Scopes = CatalogueSeed.ScopesFor(products);
        return Page();
    }
}
