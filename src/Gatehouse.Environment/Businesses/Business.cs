using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Environment.Businesses;

/// <summary>A Class business (the tenant): an accounting practice that administers funds.</summary>
public sealed class Business
{
    public Guid Id { get; set; }

    /// <summary>The code in API paths (<c>/api/1.0/b/{code}/...</c>) and in <c>target:b/{code}</c>.</summary>
    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>The business's ABN (11 digits, ATO check digits), set by platform admins; null if not recorded.</summary>
    public string? Abn { get; set; }

    /// <summary>Set on sandbox businesses: the portal organisation the sandbox belongs to.</summary>
    public Guid? OrganisationId { get; set; }

    public bool IsSandbox { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<Fund> Funds { get; set; } = [];

    /// <summary>The name the sandbox data was generated from (brand name), so a reset regenerates exactly.</summary>
    public string? SandboxSeedName { get; set; }
}

/// <summary>A fund administered by a business (docs/class-api-notes.md §4, FundSummary).</summary>
public sealed class Fund
{
    public Guid Id { get; set; }

    public Guid BusinessId { get; set; }

    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    public string BrandName { get; set; } = "";

    public string Abn { get; set; } = "";

    /// <summary>StatusCode: Active, Cancelled, Pending, Suspended.</summary>
    public string Status { get; set; } = FundStatus.Active;

    /// <summary>LegalEntityType: SMSF, SAF, Personal, Trust, Company, Partnership, Consolidated.</summary>
    public string LegalEntityType { get; set; } = "SMSF";

    public List<string> Tags { get; set; } = [];

    public bool SummaryIsValid { get; set; }

    public DateTimeOffset? LastPeriodUpdateEndDate { get; set; }

    public DateTimeOffset? ProcessedToDate { get; set; }

    // ---- FundBasicDetail (docs/class-api-notes.md §4) ----

    public string PreviousName { get; set; } = "";

    /// <summary>Tax file number: 9 digits passing the ATO weighted check (sandbox data only, never real).</summary>
    public string Tfn { get; set; } = "";

    public string Phone { get; set; } = "";

    public string Url { get; set; } = "";

    public DateOnly? EstablishmentDeedDate { get; set; }

    public DateOnly? FundStartDate { get; set; }

    public DateOnly? OnSystemDate { get; set; }

    public bool IsResident { get; set; } = true;

    /// <summary>Individual trustees or the corporate trustee's name.</summary>
    public List<string> Trustees { get; set; } = [];
}

public static class FundStatus
{
    public const string Active = "Active";
    public const string Pending = "Pending";
    public const string Cancelled = "Cancelled";
    public const string Suspended = "Suspended";

    public static readonly IReadOnlyList<string> All = [Active, Cancelled, Pending, Suspended];
}

public static class LegalEntityTypes
{
    public static readonly IReadOnlyList<string> All = ["SMSF", "SAF", "Personal", "Trust", "Company", "Partnership", "Consolidated"];
}

internal sealed class BusinessConfiguration : IEntityTypeConfiguration<Business>
{
    public void Configure(EntityTypeBuilder<Business> builder)
    {
        builder.Property(b => b.Code).HasMaxLength(32);
        builder.Property(b => b.Name).HasMaxLength(200);
        builder.Property(b => b.Abn).HasMaxLength(11);
        builder.HasIndex(b => b.Code).IsUnique();
        builder.HasIndex(b => b.OrganisationId).IsUnique();
        builder.HasMany(b => b.Funds).WithOne().HasForeignKey(f => f.BusinessId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FundConfiguration : IEntityTypeConfiguration<Fund>
{
    public void Configure(EntityTypeBuilder<Fund> builder)
    {
        builder.Property(f => f.Code).HasMaxLength(32);
        builder.Property(f => f.Name).HasMaxLength(200);
        builder.Property(f => f.BrandName).HasMaxLength(200);
        builder.Property(f => f.Abn).HasMaxLength(11);
        builder.Property(f => f.Status).HasMaxLength(16);
        builder.Property(f => f.LegalEntityType).HasMaxLength(16);
        builder.Property(f => f.PreviousName).HasMaxLength(200);
        builder.Property(f => f.Tfn).HasMaxLength(9);
        builder.Property(f => f.Phone).HasMaxLength(32);
        builder.Property(f => f.Url).HasMaxLength(200);
        builder.HasIndex(f => new { f.BusinessId, f.Code }).IsUnique();
    }
}
