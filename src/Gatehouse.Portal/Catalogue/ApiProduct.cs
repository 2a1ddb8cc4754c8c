using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Portal.Catalogue;

/// <summary>
/// An API product of the catalogue (ADR 0013): selecting it lets an app request its scopes. The
/// editorial fields (name, summary, description, status, visibility, changelog) belong to platform
/// admins once seeded; the scopes and where the API lives come from the code that serves it.
/// </summary>
public sealed class ApiProduct
{
    /// <summary>The slug: <c>/catalogue/{Code}</c>, and what apps store in their product list.</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    /// <summary>One or two sentences for the catalogue list.</summary>
    public string Summary { get; set; } = "";

    /// <summary>Markdown (rendered with raw HTML off): what the product is for.</summary>
    public required string Description { get; set; }

    public List<string> Scopes { get; set; } = [];

    public int SortOrder { get; set; }

    public ProductStatus Status { get; set; } = ProductStatus.Active;

    public ProductVisibility Visibility { get; set; } = ProductVisibility.Public;

    /// <summary>Who serves the API: the environments (PIE, Production) or the portal itself.</summary>
    public ProductHost Host { get; set; } = ProductHost.Environment;

    /// <summary>Path of the OpenAPI document on the host, e.g. <c>/openapi/dms.json</c>.</summary>
    public string OpenApiPath { get; set; } = "";

    public List<ProductChange> Changes { get; set; } = [];

    /// <summary>Developers see it and apps may select it (Management API: PATs, not app scopes).</summary>
    public bool IsSelectable => Visibility == ProductVisibility.Public && Host == ProductHost.Environment;
}

public enum ProductStatus
{
    Active,
    Deprecated,
}

public enum ProductVisibility
{
    Public,
    Hidden,
}

public enum ProductHost
{
    Environment,
    Portal,
}

/// <summary>A changelog entry of a product: what changed in which version, on which day.</summary>
public sealed class ProductChange
{
    public Guid Id { get; set; }

    public required string ProductCode { get; set; }

    public DateOnly Date { get; set; }

    public required string Version { get; set; }

    public required string Text { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class ApiProductConfiguration : IEntityTypeConfiguration<ApiProduct>
{
    public void Configure(EntityTypeBuilder<ApiProduct> builder)
    {
        builder.HasKey(p => p.Code);
        builder.Property(p => p.Code).HasMaxLength(50);
        builder.Property(p => p.Name).HasMaxLength(100);
        builder.Property(p => p.Summary).HasMaxLength(300);
        builder.Property(p => p.Description).HasMaxLength(ProductRules.MaxDescription);
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.Visibility).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.Host).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.OpenApiPath).HasMaxLength(200);
        builder.Ignore(p => p.IsSelectable);
        builder.HasMany(p => p.Changes).WithOne().HasForeignKey(c => c.ProductCode).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProductChangeConfiguration : IEntityTypeConfiguration<ProductChange>
{
    public void Configure(EntityTypeBuilder<ProductChange> builder)
    {
        builder.ToTable("ApiProductChanges");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.ProductCode).HasMaxLength(50);
        builder.Property(c => c.Version).HasMaxLength(ProductRules.MaxVersion);
        builder.Property(c => c.Text).HasMaxLength(ProductRules.MaxChangeText);
        builder.HasIndex(c => new { c.ProductCode, c.Date });
    }
}
