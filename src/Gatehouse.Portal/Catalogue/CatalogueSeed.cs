using Gatehouse.Portal.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Catalogue;

/// <summary>The API products of the Class catalogue, and the scopes every app gets.</summary>
public static class CatalogueSeed
{
    /// <summary>Identity and refresh scopes every app may request, whatever products it selected.</summary>
    public static readonly IReadOnlyList<string> BaseScopes = ["openid", "profile", "email", "class_profile", "offline_access"];

    /// <summary>The day the seeded products' first changelog entry records.</summary>
    private static readonly DateOnly FirstRelease = new(2026, 11, 28);

    public static readonly IReadOnlyList<ApiProduct> Products =
    [
        new()
        {
            Code = "class-partner-api",
            Name = "Class Partner API",
            Summary = "Businesses, funds, fund details and members of the SMSFs administered in Class.",
            Description = """
                The Class Partner API lets your software read and update the self-managed super funds a
                business administers in Class: the list of funds, each fund's details, its members and
                their accounts, the business's contacts and brands, and accounting reports such as the
                trial balance.

                Every call is made for **one business**: the access token names it (`target:b/<CODE>`)
                and the path repeats it (`/api/1.0/b/{businessCode}/...`). A path for another business
                answers `404 API_NOT_FOUND`. Responses use the Class envelope
                (`Data`, `Errors`, `ErrorCodes`, `CreatedUri`, `IsCreatedResponse`).

                Try it in PIE first: your organisation's sandbox business holds realistic synthetic funds.
                """,
            Scopes =
            [
                "business.fund.list", "business.fund.create", "fund.read", "fund.maintain",
                "fund.details.read", "fund.details.maintain", "fund.member.read", "fund.member.maintain",
            ],
            SortOrder = 1,
            Host = ProductHost.Environment,
            OpenApiPath = "/openapi/class-partner-api.json",
        },
        new()
        {
            Code = "dms",
            Name = "DMS",
            Summary = "The document management system: read and upload a fund's documents.",
            Description = """
                DMS holds the documents filed against a fund: statements, minutes, invoices. Your software
                can list a fund's documents, download their content, upload new ones and tag them.

                Like the Partner API, every call is for one business and one fund
                (`/api/1.0/f/{businessCode}/{fundCode}/dms/...`), with the Class envelope.
                """,
            Scopes = ["dms.documents.read", "dms.documents.write"],
            SortOrder = 2,
            Host = ProductHost.Environment,
            OpenApiPath = "/openapi/dms.json",
        },
        new()
        {
            Code = "management-api",
            Name = "Management API",
            Summary = "This portal's own API: manage your organisation's apps, secrets and redirect URIs from scripts and CI.",
            Description = """
                The Management API does from a script what the portal's pages do: list and create apps,
                choose their API products, rotate secrets, add redirect URIs and ask for Production access.

                It is called with a **personal access token** (create one under *Account → API tokens*),
                not with an app's OAuth token, so it is not selected on an app's *Selected API* page.
                Errors are RFC 9457 problem details.
                """,
            Scopes = [],
            SortOrder = 3,
            Host = ProductHost.Portal,
            OpenApiPath = "/api/v1/openapi.json",
        },
    ];

    /// <summary>
    /// Idempotent. Inserts missing products with their first changelog entry. Existing rows keep what
    /// platform admins made of them; only what the code owns (scopes, host, OpenAPI path, order) is
    /// brought up to date, and rows from before the catalogue had summaries get the seeded texts once.
    /// </summary>
    public static async Task SeedAsync(PortalDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var existing = await db.ApiProducts.ToDictionaryAsync(p => p.Code, cancellationToken);
        foreach (var product in Products)
        {
            if (existing.TryGetValue(product.Code, out var row))
            {
                row.Scopes = [.. product.Scopes];
                row.SortOrder = product.SortOrder;
                row.Host = product.Host;
                row.OpenApiPath = product.OpenApiPath;
                if (row.Summary.Length == 0)
                {
                    row.Name = product.Name;
                    row.Summary = product.Summary;
                    row.Description = product.Description;
                }
            }
            else
            {
                db.ApiProducts.Add(new ApiProduct
                {
                    Code = product.Code,
                    Name = product.Name,
                    Summary = product.Summary,
                    Description = product.Description,
                    Scopes = [.. product.Scopes],
                    SortOrder = product.SortOrder,
                    Host = product.Host,
                    OpenApiPath = product.OpenApiPath,
                });
            }

            if (!await db.ProductChanges().AnyAsync(c => c.ProductCode == product.Code, cancellationToken))
            {
                db.Add(new ProductChange
                {
                    Id = Guid.CreateVersion7(clock.GetUtcNow()),
                    ProductCode = product.Code,
                    Date = FirstRelease,
                    Version = "1.0",
                    Text = "First release in the Class API Developer Portal.",
                    CreatedAt = clock.GetUtcNow(),
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>An app's permitted scopes: the union of its products' scopes and the base scopes.</summary>
    public static IReadOnlyList<string> ScopesFor(IEnumerable<ApiProduct> selected) =>
        [.. BaseScopes.Concat(selected.OrderBy(p => p.SortOrder).SelectMany(p => p.Scopes)).Distinct(StringComparer.Ordinal)];

    public static DbSet<ProductChange> ProductChanges(this PortalDbContext db) => db.Set<ProductChange>();
}
