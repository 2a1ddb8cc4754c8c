using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Portal.Accounts;

/// <summary>
/// A signed-in browser, held on the server (ASVS 7.4.1, 7.5.2; docs/security-checklist.md SE2, SE5). The auth cookie
/// carries only <see cref="Id"/>; every request checks the row, so revoking it kills a captured cookie at once.
/// </summary>
public sealed class DeveloperSession
{
    /// <summary>256 bits from a CSPRNG, base64url (ASVS 7.2.3).</summary>
    public required string Id { get; set; }

    public Guid DeveloperId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    public string? IpAddress { get; set; }

    public string? UserAgent { get; set; }

    /// <summary>Set on sign-out, "sign out everywhere", password change or removal: the session is dead.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class DeveloperSessionConfiguration : IEntityTypeConfiguration<DeveloperSession>
{
    public void Configure(EntityTypeBuilder<DeveloperSession> builder)
    {
        builder.ToTable("DeveloperSessions");
        builder.Property(s => s.Id).HasMaxLength(64);
        builder.Property(s => s.IpAddress).HasMaxLength(64);
        builder.Property(s => s.UserAgent).HasMaxLength(300);
        builder.HasOne<Developer>().WithMany().HasForeignKey(s => s.DeveloperId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => s.DeveloperId);
    }
}
