using Gatehouse.Portal.Approvals;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Catalogue;

/// <summary>The fields a platform admin edits on a product.</summary>
public sealed record ProductFields(string? Name, string? Summary, string? Description, ProductStatus Status, ProductVisibility Visibility);

/// <summary>
/// Platform admins' changes to the catalogue. Every change is audited in the same unit of work as
/// the change itself (ASVS 16.2.1): edits, hide/show, deprecate/reactivate, changelog entries.
/// </summary>
public sealed class ProductRules(PortalDbContext db, AuditLog audit, TimeProvider clock)
{
    public const int MaxDescription = 20_000;
    public const int MaxVersion = 50;
    public const int MaxChangeText = 2_000;

    public async Task<Dictionary<string, string[]>> UpdateAsync(Member admin, ApiProduct product, ProductFields fields, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var name = fields.Name?.Trim() ?? "";
        var summary = fields.Summary?.Trim() ?? "";
        var description = fields.Description?.Trim() ?? "";
        if (name.Length is 0 or > 100)
        {
            errors["Name"] = ["Enter a name of up to 100 characters."];
        }

        if (summary.Length is 0 or > 300)
        {
            errors["Summary"] = ["Enter a summary of up to 300 characters."];
        }

        if (description.Length is 0 or > MaxDescription)
        {
            errors["Description"] = [$"Enter a description of up to {MaxDescription:N0} characters."];
        }

        if (!Enum.IsDefined(fields.Status))
        {
            errors["Status"] = ["Choose Active or Deprecated."];
        }

        if (!Enum.IsDefined(fields.Visibility))
        {
            errors["Visibility"] = ["Choose Public or Hidden."];
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var changed = new List<string>();
        if (product.Name != name)
        {
            changed.Add($"name: {product.Name} → {name}");
        }

        if (product.Summary != summary)
        {
            changed.Add("summary");
        }

        if (product.Description != description)
        {
            changed.Add("description");
        }

        if (product.Status != fields.Status)
        {
            changed.Add($"status: {product.Status} → {fields.Status}");
        }

        if (product.Visibility != fields.Visibility)
        {
            changed.Add($"visibility: {product.Visibility} → {fields.Visibility}");
        }

        if (changed.Count == 0)
        {
            return errors;
        }

        var action = product.Visibility != fields.Visibility
            ? fields.Visibility == ProductVisibility.Hidden ? "catalogue.product.hide" : "catalogue.product.show"
            : product.Status != fields.Status
                ? fields.Status == ProductStatus.Deprecated ? "catalogue.product.deprecate" : "catalogue.product.reactivate"
                : "catalogue.product.update";
        product.Name = name;
        product.Summary = summary;
        product.Description = description;
        product.Status = fields.Status;
        product.Visibility = fields.Visibility;
        audit.Add(action, AuditOutcome.Success, admin.OrganisationId, target: product.Code, details: string.Join("; ", changed), actorId: admin.DeveloperId, actorEmail: admin.Email);
        await db.SaveChangesAsync(cancellationToken);
        return errors;
    }

    public async Task<Dictionary<string, string[]>> AddChangeAsync(Member admin, ApiProduct product, DateOnly? date, string? version, string? text, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        version = version?.Trim() ?? "";
        text = text?.Trim() ?? "";
        if (date is null)
        {
            errors["ChangeDate"] = ["Enter the date of the change."];
        }

        if (version.Length is 0 or > MaxVersion)
        {
            errors["ChangeVersion"] = [$"Enter a version of up to {MaxVersion} characters, e.g. 1.1."];
        }

        if (text.Length is 0 or > MaxChangeText)
        {
            errors["ChangeText"] = [$"Describe the change in up to {MaxChangeText:N0} characters."];
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var now = clock.GetUtcNow();
        db.Add(new ProductChange { Id = Guid.CreateVersion7(now), ProductCode = product.Code, Date = date!.Value, Version = version, Text = text, CreatedAt = now });
        audit.Add("catalogue.changelog.add", AuditOutcome.Success, admin.OrganisationId, target: product.Code, details: $"{date:yyyy-MM-dd} {version}: {text}", actorId: admin.DeveloperId, actorEmail: admin.Email);
        await db.SaveChangesAsync(cancellationToken);
        return errors;
    }

    /// <summary>Products developers see, in catalogue order; hidden ones only for platform admins.</summary>
    public static IQueryable<ApiProduct> Visible(IQueryable<ApiProduct> products, bool includeHidden = false) =>
        (includeHidden ? products : products.Where(p => p.Visibility == ProductVisibility.Public)).OrderBy(p => p.SortOrder);

    /// <summary>Products an app may select: public ones served by the environments.</summary>
    public static IQueryable<ApiProduct> Selectable(IQueryable<ApiProduct> products) =>
        products.Where(p => p.Visibility == ProductVisibility.Public && p.Host == ProductHost.Environment).OrderBy(p => p.SortOrder);

    public static Task<bool> IsPlatformAdminAsync(PortalDbContext db, Member member, CancellationToken cancellationToken) =>
        db.Set<PlatformAdmin>().AnyAsync(a => a.DeveloperId == member.DeveloperId, cancellationToken);
}
