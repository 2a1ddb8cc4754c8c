using Gatehouse.Portal.Catalogue;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Approvals;

[Authorize]
public sealed class AdminProductsModel(PlatformAdmins admins, Members members, PortalDbContext db) : PageModel
{
    public IReadOnlyList<ApiProduct> Products { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await admins.CurrentAdminAsync(User, members, cancellationToken) is null)
        {
            return NotFound();
        }

        Products = await ProductRules.Visible(db.ApiProducts.AsNoTracking(), includeHidden: true).ToListAsync(cancellationToken);
        return Page();
    }
}
