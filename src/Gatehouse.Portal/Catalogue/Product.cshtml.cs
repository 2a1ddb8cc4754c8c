using Gatehouse.Portal.Approvals;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Catalogue;

public sealed class ProductModel(PortalDbContext db, ProductDocuments documents, ProductMarkdown markdown, CurrentMember current) : PageModel
{
    public ApiProduct? Product { get; private set; }

    public string DescriptionHtml { get; private set; } = "";

    public IReadOnlyList<ProductEnvironment> Environments { get; private set; } = [];

    public ProductDocument? Document { get; private set; }

    public IReadOnlyList<ProductChange> Changes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        Product = await FindAsync(db, current, User, slug, cancellationToken);
        if (Product is null)
        {
            return NotFound();
        }

        DescriptionHtml = markdown.ToHtml(Product.Description);
        Environments = documents.EnvironmentsFor(Product);
        Document = await documents.GetAsync(Product, cancellationToken);
        Changes = (await db.ProductChanges().AsNoTracking().Where(c => c.ProductCode == Product.Code).ToListAsync(cancellationToken))
            .OrderByDescending(c => c.Date).ThenByDescending(c => c.CreatedAt).ToList(); // in memory: SQLite cannot order by DateTimeOffset
        return Page();
    }

    /// <summary>A public product; a hidden one only for platform admins (developers get 404, as for a product that never existed).</summary>
    public static async Task<ApiProduct?> FindAsync(PortalDbContext db, CurrentMember current, System.Security.Claims.ClaimsPrincipal user, string slug, CancellationToken cancellationToken)
    {
        var product = await db.ApiProducts.AsNoTracking().SingleOrDefaultAsync(p => p.Code == slug, cancellationToken);
        if (product is { Visibility: ProductVisibility.Hidden }
            && (user.Identity?.IsAuthenticated != true || await current.FindAdminAsync(user, cancellationToken) is null))
        {
            return null;
        }

        return product;
    }
}
