using Gatehouse.Portal.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Catalogue;

public sealed class CatalogueModel(PortalDbContext db) : PageModel
{
    public IReadOnlyList<ApiProduct> Products { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Products = await ProductRules.Visible(db.ApiProducts.AsNoTracking()).ToListAsync(cancellationToken);
}
