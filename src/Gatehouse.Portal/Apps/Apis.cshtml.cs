using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Apps;

public sealed record ProductChoice(string Code, string Name, IReadOnlyList<string> Scopes, bool Selected);

public sealed class SelectedApiModel(PortalDbContext db, Members members, Provisioner provisioner, AuditLog audit) : PageModel
{
    [BindProperty]
    public List<string> Selected { get; set; } = [];

    public Guid AppId { get; private set; }

    public string AppName { get; private set; } = "";

    public bool MayManageApps { get; private set; }

    public IReadOnlyList<ProductChoice> Products { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await members.CurrentAsync(User, cancellationToken) is not { } member)
        {
            return Challenge();
        }

        if (await db.Apps.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id && a.OrganisationId == member.OrganisationId, cancellationToken) is not { } app)
        {
            return NotFound();
        }

        await ShowAsync(app, member, app.ProductCodes, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await members.CurrentAsync(User, cancellationToken) is not { } member)
        {
            return Challenge();
        }

        if (await db.Apps.SingleOrDefaultAsync(a => a.Id == id && a.OrganisationId == member.OrganisationId, cancellationToken) is not { } app)
        {
            return NotFound();
        }

        if (!member.MayManageApps)
        {
            return Forbid();
        }

        var known = await db.ApiProducts.AsNoTracking().Select(p => p.Code).ToListAsync(cancellationToken);
        app.ProductCodes = [.. known.Where(Selected.Contains).Order(StringComparer.Ordinal)];
        app.Revision++;
        app.SyncState = SyncState.Pending;
        app.LastSyncError = null;
        audit.Add("app.apis.update", AuditOutcome.Success, member.OrganisationId, $"app:{app.Id}", app.EnvironmentKey,
            "products: " + string.Join(", ", app.ProductCodes));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Revision is a concurrency token: someone saved this app at the same moment.
            ModelState.AddModelError("", "The app was changed at the same time by someone else. Check the selection and save again.");
            var current = await db.Apps.AsNoTracking().SingleAsync(a => a.Id == id, cancellationToken);
            await ShowAsync(current, member, current.ProductCodes, cancellationToken);
            return Page();
        }

        await provisioner.SyncAppAsync(app.Id, cancellationToken);
        return Redirect($"/apps/{app.Id}");
    }

    private async Task ShowAsync(App app, Member member, IReadOnlyCollection<string> selected, CancellationToken cancellationToken)
    {
        AppId = app.Id;
        AppName = app.Name;
        MayManageApps = member.MayManageApps;
        var products = await db.ApiProducts.AsNoTracking().OrderBy(p => p.SortOrder).ToListAsync(cancellationToken);
        Products = [.. products.Select(p => new ProductChoice(p.Code, p.Name, p.Scopes, selected.Contains(p.Code)))];
    }
}
