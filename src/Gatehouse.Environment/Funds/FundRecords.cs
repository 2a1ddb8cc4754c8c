using Gatehouse.Environment.Businesses;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Environment.Funds;

/// <summary>A member of a fund (docs/class-api-notes.md §4, MemberDetail). Everything here is synthetic in PIE.</summary>
public sealed class Member
{
    public Guid Id { get; set; }

    public Guid FundId { get; set; }

    public string Number { get; set; } = "";

    public string Status { get; set; } = FundStatus.Active;

    public string Title { get; set; } = "";

    public string FirstName { get; set; } = "";

    public string MiddleNames { get; set; } = "";

    public string LastName { get; set; } = "";

    public string PreferredName { get; set; } = "";

    /// <summary>Gender: Male, Female, Other, NotStated.</summary>
    public string Gender { get; set; } = "NotStated";

    public DateOnly? DateOfBirth { get; set; }

    public DateOnly? DateOfDeath { get; set; }

    public DateOnly? JoinFundDate { get; set; }

    public DateOnly? LeaveFundDate { get; set; }

    public DateOnly? EligibleServicePeriodStartDate { get; set; }

    public bool AustralianResident { get; set; } = true;

    public string TaxFileNumber { get; set; } = "";

    public string Mobile { get; set; } = "";

    public string HomePhone { get; set; } = "";

    public string Email { get; set; } = "";

    public string BeneficiaryNominationType { get; set; } = "";

    public string BeneficiaryDetails { get; set; } = "";

    public string DisplayName => $"{LastName}, {FirstName}";
}

public static class Genders
{
    public static readonly IReadOnlyList<string> All = ["Male", "Female", "Other", "NotStated"];
}

/// <summary>
/// A member's account (accumulation or pension). Its balance is not stored: it is what the
/// journal lines allocated to it add up to, so balances and the trial balance cannot disagree.
/// </summary>
public sealed class MemberAccount
{
    public Guid Id { get; set; }

    public Guid FundId { get; set; }

    public Guid MemberId { get; set; }

    /// <summary>"Accumulation" or "Pension" (Class leaves Type a free string).</summary>
    public string Type { get; set; } = "Accumulation";

    public string Description { get; set; } = "";

    public string Status { get; set; } = FundStatus.Active;

    /// <summary>PensionProductType for pension accounts (e.g. AccountBased).</summary>
    public string? PensionProductType { get; set; }
}

/// <summary>A ledger account of a fund's chart of accounts; <see cref="Group"/> is the trial balance heading.</summary>
public sealed class LedgerAccount
{
    public Guid Id { get; set; }

    public Guid FundId { get; set; }

    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Income, Expenses, Assets, Liabilities, Member Entitlements.</summary>
    public string Group { get; set; } = "";

    /// <summary>Set on member entitlement accounts: the member account the ledger account carries.</summary>
    public Guid? MemberAccountId { get; set; }

    public int SortOrder { get; set; }
}

/// <summary>
/// One line of a double-entry journal. <see cref="Amount"/> is signed: debit positive, credit
/// negative; the lines of one <see cref="TransactionId"/> sum to zero, so every trial balance balances.
/// </summary>
public sealed class JournalLine
{
    public Guid Id { get; set; }

    public Guid FundId { get; set; }

    public Guid TransactionId { get; set; }

    public DateOnly Date { get; set; }

    public Guid LedgerAccountId { get; set; }

    public decimal Amount { get; set; }

    public string Description { get; set; } = "";

    /// <summary>The member account the line is allocated to (contributions, earnings, fees, pensions, tax).</summary>
    public Guid? MemberAccountId { get; set; }
}

/// <summary>A brand (white label) of a business (BrandSummary).</summary>
public sealed class Brand
{
    public Guid Id { get; set; }

    public Guid BusinessId { get; set; }

    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    public bool CanWrite { get; set; }
}

/// <summary>A contact of the business (PortfolioContactDetails), e.g. the principal or the accountant.</summary>
public sealed class BusinessContact
{
    public Guid Id { get; set; }

    public Guid BusinessId { get; set; }

    public string Type { get; set; } = "";

    public string Name { get; set; } = "";

    public string Email { get; set; } = "";

    public string DirectPhone { get; set; } = "";

    public string MobilePhone { get; set; } = "";

    public string WorkPhone { get; set; } = "";

    public string AddressLine1 { get; set; } = "";

    public string Locality { get; set; } = "";

    public string State { get; set; } = "";

    public string PostCode { get; set; } = "";

    /// <summary>Codes of the funds this contact looks after.</summary>
    public List<string> FundCodes { get; set; } = [];
}

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> builder)
    {
        builder.HasOne<Fund>().WithMany().HasForeignKey(m => m.FundId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(m => new { m.FundId, m.Number }).IsUnique();
        builder.Property(m => m.Number).HasMaxLength(16);
        builder.Property(m => m.Status).HasMaxLength(16);
        builder.Property(m => m.Title).HasMaxLength(16);
        builder.Property(m => m.FirstName).HasMaxLength(100);
        builder.Property(m => m.MiddleNames).HasMaxLength(100);
        builder.Property(m => m.LastName).HasMaxLength(100);
        builder.Property(m => m.PreferredName).HasMaxLength(100);
        builder.Property(m => m.Gender).HasMaxLength(16);
        builder.Property(m => m.TaxFileNumber).HasMaxLength(9);
        builder.Property(m => m.Mobile).HasMaxLength(32);
        builder.Property(m => m.HomePhone).HasMaxLength(32);
        builder.Property(m => m.Email).HasMaxLength(256);
        builder.Property(m => m.BeneficiaryNominationType).HasMaxLength(64);
        builder.Property(m => m.BeneficiaryDetails).HasMaxLength(1000);
        builder.Ignore(m => m.DisplayName);
    }
}

internal sealed class MemberAccountConfiguration : IEntityTypeConfiguration<MemberAccount>
{
    public void Configure(EntityTypeBuilder<MemberAccount> builder)
    {
        builder.HasOne<Fund>().WithMany().HasForeignKey(a => a.FundId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Member>().WithMany().HasForeignKey(a => a.MemberId).OnDelete(DeleteBehavior.NoAction);
        builder.Property(a => a.Type).HasMaxLength(32);
        builder.Property(a => a.Description).HasMaxLength(200);
        builder.Property(a => a.Status).HasMaxLength(16);
        builder.Property(a => a.PensionProductType).HasMaxLength(32);
        builder.HasIndex(a => a.FundId);
    }
}

internal sealed class LedgerAccountConfiguration : IEntityTypeConfiguration<LedgerAccount>
{
    public void Configure(EntityTypeBuilder<LedgerAccount> builder)
    {
        builder.HasOne<Fund>().WithMany().HasForeignKey(a => a.FundId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.Code).HasMaxLength(32);
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.Property(a => a.Group).HasMaxLength(64);
        builder.HasIndex(a => new { a.FundId, a.Code }).IsUnique();
    }
}

internal sealed class JournalLineConfiguration : IEntityTypeConfiguration<JournalLine>
{
    public void Configure(EntityTypeBuilder<JournalLine> builder)
    {
        builder.HasOne<Fund>().WithMany().HasForeignKey(l => l.FundId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<LedgerAccount>().WithMany().HasForeignKey(l => l.LedgerAccountId).OnDelete(DeleteBehavior.NoAction);
        builder.Property(l => l.Amount).HasPrecision(18, 2);
        builder.Property(l => l.Description).HasMaxLength(200);
        builder.HasIndex(l => new { l.FundId, l.Date });
    }
}

internal sealed class BrandConfiguration : IEntityTypeConfiguration<Brand>
{
    public void Configure(EntityTypeBuilder<Brand> builder)
    {
        builder.HasOne<Business>().WithMany().HasForeignKey(b => b.BusinessId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(b => b.Code).HasMaxLength(32);
        builder.Property(b => b.Name).HasMaxLength(200);
        builder.HasIndex(b => new { b.BusinessId, b.Code }).IsUnique();
    }
}

internal sealed class BusinessContactConfiguration : IEntityTypeConfiguration<BusinessContact>
{
    public void Configure(EntityTypeBuilder<BusinessContact> builder)
    {
        builder.HasOne<Business>().WithMany().HasForeignKey(c => c.BusinessId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(c => c.Type).HasMaxLength(64);
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.Email).HasMaxLength(256);
        builder.Property(c => c.DirectPhone).HasMaxLength(32);
        builder.Property(c => c.MobilePhone).HasMaxLength(32);
        builder.Property(c => c.WorkPhone).HasMaxLength(32);
        builder.Property(c => c.AddressLine1).HasMaxLength(200);
        builder.Property(c => c.Locality).HasMaxLength(100);
        builder.Property(c => c.State).HasMaxLength(8);
        builder.Property(c => c.PostCode).HasMaxLength(8);
    }
}
