using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Catalogue;

/// <summary>
/// <c>POST /catalogue/try-it/{appId}</c> (form: antiforgery token, <c>Product</c>): a try-it access
/// token for one of the developer's PIE apps, as JSON. A Razor Page, so antiforgery is checked like
/// every other form post, and the app id route is covered by the IDOR tests: another organisation's
/// app is 404 (ASVS 8.2.2). Rate limited per developer and audited.
/// </summary>
[Authorize]
[EnableRateLimiting(CatalogueRegistration.TryItPolicy)]
public sealed class TryItModel(PortalDbContext db, CurrentMember current, TryItBroker broker) : PageModel
{
    [BindProperty]
    public string? Product { get; set; }

    /// <summary>Whether the app can be used with try-it (for scripts and the page); 404 unless it is the member's.</summary>
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await current.FindAsync(User, cancellationToken) is not { } member
            || await db.Apps.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id && a.OrganisationId == member.OrganisationId && a.DeletedAt == null, cancellationToken) is not { } app)
        {
            return NotFound();
        }

        return new JsonResult(new { app.Id, app.Name, Environment = app.EnvironmentKey, Status = app.Status.ToString(), Products = app.ProductCodes });
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (await current.FindAsync(User, cancellationToken) is not { } member
            || !await db.Apps.AsNoTracking().AnyAsync(a => a.Id == id && a.OrganisationId == member.OrganisationId && a.DeletedAt == null, cancellationToken))
        {
            return NotFound();
        }

        var product = await db.ApiProducts.AsNoTracking().SingleOrDefaultAsync(p => p.Code == Product && p.Visibility == ProductVisibility.Public, cancellationToken);
        if (product is null || product.Host != ProductHost.Environment)
        {
            return Problem(StatusCodes.Status400BadRequest, "Choose an API product that has try-it.", null);
        }

        var (app, token, error) = await broker.IssueAsync(member, id, product, cancellationToken);
        if (app is null)
        {
            return NotFound();
        }

        if (token is null)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "No try-it token.", error);
        }

        return new JsonResult(new
        {
            token.AccessToken,
            token.ExpiresAt,
            token.ExpiresIn,
            token.Scope,
            token.BusinessCode,
            AppName = app.Name,
        });
    }

    internal static ObjectResult Problem(int status, string title, string? detail) =>
        new(new ProblemDetails { Status = status, Title = title, Detail = detail }) { StatusCode = status, ContentTypes = { "application/problem+json" } };
}
