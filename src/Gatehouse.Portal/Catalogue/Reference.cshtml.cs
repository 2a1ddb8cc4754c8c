using Gatehouse.Portal.Approvals;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.Catalogue;

/// <summary>
/// The interactive reference (Scalar, served from this origin) with try-it. Scalar adds inline
/// styles at run time, so this page alone relaxes the CSP's style-src; its connect-src names the one
/// other origin the page may call: PIE, the product's own API host (ADR 0013).
/// </summary>
public sealed class ReferenceModel(PortalDbContext db, ProductDocuments documents, TryItBroker broker, CurrentMember current) : PageModel
{
    public ApiProduct? Product { get; private set; }

    public bool TryIt { get; private set; }

    public IReadOnlyList<TryItApp> Apps { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        Product = await ProductModel.FindAsync(db, current, User, slug, cancellationToken);
        if (Product is null)
        {
            return NotFound();
        }

        TryIt = Product.Host == ProductHost.Environment && Product.Scopes.Count > 0;
        if (TryIt && await current.FindAsync(User, cancellationToken) is { } member)
        {
            Apps = await broker.AppsAsync(member, Product, cancellationToken);
        }

        var server = documents.ReferenceServerFor(Product);
        var apiOrigin = server is not null && Uri.TryCreate(server, UriKind.Absolute, out var uri) ? " " + uri.GetLeftPart(UriPartial.Authority) : "";
        Response.Headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
            $"connect-src 'self'{apiOrigin}; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
        return Page();
    }

    /// <summary>Try-it posts from script to /catalogue/try-it/{appId}; a form posted here without script just comes back.</summary>
    public IActionResult OnPost(string slug) => Redirect($"/catalogue/{Uri.EscapeDataString(slug)}/reference");
}
