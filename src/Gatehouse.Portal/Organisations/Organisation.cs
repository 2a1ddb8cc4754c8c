using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Portal.Organisations;

/// <summary>
/// A developer organisation, tied to one email domain. Holds the desired state of its PIE sandbox
/// (API user name and protected password) and what the sandbox environment reported back.
/// </summary>
public sealed class Organisation
{
    public Guid Id { get; set; }

    /// <summary>Lower-case email domain, unique: the first verified developer of a domain creates it.</summary>
    public required string Domain { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string SandboxApiUserName { get; set; }

    /// <summary>The API user's password, protected with Data Protection: the Sandbox page shows it again.</summary>
    public required string SandboxApiUserPasswordProtected { get; set; }

    /// <summary>Null until the sandbox environment confirms the sandbox business.</summary>
    public string? SandboxBusinessCode { get; set; }

    public string? SandboxBusinessName { get; set; }

    public int? SandboxFundCount { get; set; }

    public DateTimeOffset? SandboxProvisionedAt { get; set; }

    public string? SandboxLastError { get; set; }

    /// <summary>Owner's policy: members must enrol TOTP before using the portal (ASVS 6.3.3).</summary>
    public bool RequireMfa { get; set; }
}

public enum OrganisationRole
{
    /// <summary>Created the organisation (or was handed it); everything, including transferring ownership and the MFA policy.</summary>
    Owner,

    /// <summary>Manages members, invitations and join requests; creates apps; reads the audit log.</summary>
    Admin,

    /// <summary>The guide's "permission to create apps for your organization": creates and manages apps.</summary>
    Developer,

    /// <summary>Sees the organisation's apps; cannot create or change them.</summary>
    Viewer,
}

internal sealed class OrganisationConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> builder)
    {
        builder.Property(o => o.Domain).HasMaxLength(253);
        builder.HasIndex(o => o.Domain).IsUnique();
        builder.Property(o => o.Name).HasMaxLength(200);
        builder.Property(o => o.SandboxApiUserName).HasMaxLength(320);
        builder.Property(o => o.SandboxApiUserPasswordProtected).HasMaxLength(2000);
        builder.Property(o => o.SandboxBusinessCode).HasMaxLength(50);
        builder.Property(o => o.SandboxBusinessName).HasMaxLength(200);
        builder.Property(o => o.SandboxLastError).HasMaxLength(1000);
    }
}
