using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Portal.Accounts;

/// <summary>A person who signs in to the portal. The user name is the (company) email address.</summary>
public sealed class Developer : IdentityUser<Guid>
{
    /// <summary>Set when the email is verified: the organisation of the email's domain.</summary>
    public Guid? OrganisationId { get; set; }

    public OrganisationRole? Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The last TOTP time step accepted: a code of this step or earlier is refused (ASVS 6.5.1, docs/security-checklist.md MF2).</summary>
    public long? LastTotpTimeStep { get; set; }

    /// <summary>SHA-256 hashes (hex, ';'-separated) of the unused recovery codes: each works once (ASVS 6.5.2).</summary>
    public string? RecoveryCodeHashes { get; set; }
}

internal sealed class DeveloperConfiguration : IEntityTypeConfiguration<Developer>
{
    public void Configure(EntityTypeBuilder<Developer> builder)
    {
        builder.Property(d => d.Role).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.RecoveryCodeHashes).HasMaxLength(1000);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(d => d.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}
