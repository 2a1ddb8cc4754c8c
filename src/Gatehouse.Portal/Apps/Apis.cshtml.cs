using Gatehouse.Portal.Catalogue;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Apps;

public sealed record ProductChoice(string Code, string Name, IReadOnlyList<string> Scopes, bool Selected, bool Deprecated = false);

public sealed class SelectedApiModel(PortalDbContext db, CurrentMember current, AppLifecycle lifecycle) : PageModel
{
    [BindProperty]
    public List<string> Selected { get; set; } = [];

    public Guid AppId { get; private set; }

    public string AppName { get; private set; } = "";

    public bool MayManageApps { get; private set; }

    public IReadOnlyList<ProductChoice> Products { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var member = current.Value;

        if (await db.Apps.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id && a.OrganisationId == member.OrganisationId && a.DeletedAt == null, cancellationToken) is not { } app)
        {
            return NotFound();
        }

        await ShowAsync(app, member, app.ProductCodes, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        var member = current.Value;
        var own = await lifecycle.OwnAppToChangeAsync(member, id, cancellationToken);
        if (own.App is not { } app)
        {
            return own.PageRefusal();
        }

        var errors = await lifecycle.SetProductsAsync(member, app, Selected, cancellationToken);
        if (errors.Count > 0)
        {
            ModelState.AddLifecycleErrors(errors);
            var current = await db.Apps.AsNoTracking().SingleAsync(a => a.Id == id, cancellationToken);
            await ShowAsync(current, member, current.ProductCodes, cancellationToken);
            return Page();
        }

        return Redirect($"/apps/{app.Id}");
    }

    private async Task ShowAsync(App app, Member member, IReadOnlyCollection<string> selected, CancellationToken cancellationToken)
    {
        AppId = app.Id;
        AppName = app.Name;
        MayManageApps = member.MayManageApps;
        // Hidden products are offered only to apps that already have them (so saving keeps them).
        var products = await db.ApiProducts.AsNoTracking().OrderBy(p => p.SortOrder).ToListAsync(cancellationToken);
        Products = [.. products.Where(p => p.IsSelectable || app.ProductCodes.Contains(p.Code))
            .Select(p => new ProductChoice(p.Code, p.Name, p.Scopes, selected.Contains(p.Code), p.Status == ProductStatus.Deprecated))];
    }
}
