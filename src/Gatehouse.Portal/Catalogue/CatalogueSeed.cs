using Gatehouse.Portal.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Catalogue;

/// <summary>The API products of the Class catalogue, and the scopes every app gets.</summary>
public static class CatalogueSeed
{
    /// <summary>Identity and refresh scopes every app may request, whatever products it selected.</summary>
    public static readonly IReadOnlyList<string> BaseScopes = ["openid", "profile", "email", "class_profile", "offline_access"];

    public static readonly IReadOnlyList<ApiProduct> Products =
    [
        new()
        {
            Code = "class-partner-api",
            Name = "Class Partner API",
            Description = "Businesses, funds, fund details and members of the SMSFs administered in Class.",
            Scopes =
            [
                "business.fund.list", "business.fund.create", "fund.read", "fund.maintain",
                "fund.details.read", "fund.details.maintain", "fund.member.read", "fund.member.maintain",
            ],
            SortOrder = 1,
        },
        new()
        {
            Code = "dms",
            Name = "DMS",
            Description = "The document management system: read and upload a fund's documents.",
            Scopes = ["dms.documents.read", "dms.documents.write"],
            SortOrder = 2,
        },
    ];

    /// <summary>Inserts missing products and brings existing ones up to date (idempotent).</summary>
    public static async Task SeedAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var existing = await db.ApiProducts.ToDictionaryAsync(p => p.Code, cancellationToken);
        foreach (var product in Products)
        {
            if (existing.TryGetValue(product.Code, out var row))
            {
                row.Name = product.Name;
                row.Description = product.Description;
                row.Scopes = [.. product.Scopes];
                row.SortOrder = product.SortOrder;
            }
            else
            {
                db.ApiProducts.Add(new ApiProduct
                {
                    Code = product.Code,
                    Name = product.Name,
                    Description = product.Description,
                    Scopes = [.. product.Scopes],
                    SortOrder = product.SortOrder,
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>An app's permitted scopes: the union of its products' scopes and the base scopes.</summary>
    public static IReadOnlyList<string> ScopesFor(IEnumerable<ApiProduct> selected) =>
        [.. BaseScopes.Concat(selected.OrderBy(p => p.SortOrder).SelectMany(p => p.Scopes)).Distinct(StringComparer.Ordinal)];
}
