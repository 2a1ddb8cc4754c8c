using Gatehouse.Portal.Catalogue;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Approvals;

/// <summary>A platform admin edits a product, hides or deprecates it, and adds changelog entries; each change is audited.</summary>
[Authorize]
public sealed class AdminProductEditModel(CurrentMember current, PortalDbContext db, ProductRules rules, TimeProvider clock) : PageModel
{
    public ApiProduct? Product { get; private set; }

    public IReadOnlyList<ProductChange> Changes { get; private set; } = [];

    public string? Saved { get; private set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Summary { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public ProductStatus Status { get; set; }

    [BindProperty]
    public ProductVisibility Visibility { get; set; }

    [BindProperty]
    public DateOnly? ChangeDate { get; set; }

    [BindProperty]
    public string? ChangeVersion { get; set; }

    [BindProperty]
    public string? ChangeText { get; set; }

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        Fill();
        Saved = Request.Query["saved"] == "1" ? "Saved." : null;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string slug, CancellationToken cancellationToken)
    {
        var admin = current.Value;
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        // Model binding of the enums failed (an unknown value): the rules report it.
        var status = ModelState[nameof(Status)]?.Errors.Count > 0 ? (ProductStatus)(-1) : Status;
        var visibility = ModelState[nameof(Visibility)]?.Errors.Count > 0 ? (ProductVisibility)(-1) : Visibility;
        ModelState.Clear();
        var errors = await rules.UpdateAsync(admin, Product!, new ProductFields(Name, Summary, Description, status, visibility), cancellationToken);
        return Done(errors, slug);
    }

    public async Task<IActionResult> OnPostChangeAsync(string slug, CancellationToken cancellationToken)
    {
        var admin = current.Value;
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        ModelState.Clear();
        var errors = await rules.AddChangeAsync(admin, Product!, ChangeDate, ChangeVersion, ChangeText, cancellationToken);
        if (errors.Count > 0)
        {
            Fill(keepChange: true);
        }

        return Done(errors, slug);
    }

    private IActionResult Done(Dictionary<string, string[]> errors, string slug)
    {
        if (errors.Count == 0)
        {
            return Redirect($"/admin/products/{Uri.EscapeDataString(slug)}?saved=1");
        }

        foreach (var (key, messages) in errors)
        {
            foreach (var message in messages)
            {
                ModelState.AddModelError(key, message);
            }
        }

        return Page();
    }

    private async Task<bool> LoadAsync(string slug, CancellationToken cancellationToken)
    {
        Product = await db.ApiProducts.SingleOrDefaultAsync(p => p.Code == slug, cancellationToken);
        if (Product is null)
        {
            return false;
        }

        Changes = (await db.ProductChanges().AsNoTracking().Where(c => c.ProductCode == slug).ToListAsync(cancellationToken))
            .OrderByDescending(c => c.Date).ThenByDescending(c => c.CreatedAt).ToList(); // in memory: SQLite cannot order by DateTimeOffset
        return true;
    }

    private void Fill(bool keepChange = false)
    {
        Name = Product!.Name;
        Summary = Product.Summary;
        Description = Product.Description;
        Status = Product.Status;
        Visibility = Product.Visibility;
        if (!keepChange)
        {
            ChangeDate = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        }
    }
}
