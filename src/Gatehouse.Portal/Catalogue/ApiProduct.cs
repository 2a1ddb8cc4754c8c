using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Portal.Catalogue;

/// <summary>An API product of the catalogue: selecting it lets an app request its scopes.</summary>
public sealed class ApiProduct
{
    public required string Code { get; set; }

    public required string Name { get; set; }

    public required string Description { get; set; }

    public List<string> Scopes { get; set; } = [];

    public int SortOrder { get; set; }
}

internal sealed class ApiProductConfiguration : IEntityTypeConfiguration<ApiProduct>
{
    public void Configure(EntityTypeBuilder<ApiProduct> builder)
    {
        builder.HasKey(p => p.Code);
        builder.Property(p => p.Code).HasMaxLength(50);
        builder.Property(p => p.Name).HasMaxLength(100);
        builder.Property(p => p.Description).HasMaxLength(1000);
    }
}
