using Gatehouse.Portal.Catalogue;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Approvals;

[Authorize]
public sealed class AdminProductsModel(PortalDbContext db) : PageModel
{
    public IReadOnlyList<ApiProduct> Products { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Products = await ProductRules.Visible(db.ApiProducts.AsNoTracking(), includeHidden: true).ToListAsync(cancellationToken);
        return Page();
    }
}
