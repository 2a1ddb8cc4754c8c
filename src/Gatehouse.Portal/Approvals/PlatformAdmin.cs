using Gatehouse.Portal.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Portal.Approvals;

/// <summary>A developer who runs the platform: approves Production access and redirect URIs, suspends apps, reads the audit log.</summary>
public sealed class PlatformAdmin
{
    public Guid DeveloperId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class PlatformAdminConfiguration : IEntityTypeConfiguration<PlatformAdmin>
{
    public void Configure(EntityTypeBuilder<PlatformAdmin> builder)
    {
        builder.ToTable("PlatformAdmins");
        builder.HasKey(a => a.DeveloperId);
        builder.HasOne<Developer>().WithMany().HasForeignKey(a => a.DeveloperId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Bound from <c>Portal</c>: <c>Portal:PlatformAdmins</c> lists emails of developers made platform
/// admins once they have signed up and verified; <c>Portal:DemoData:AdminEmail</c> and
/// <c>Portal:DemoData:AdminPassword</c> seed a demo platform admin when demo data is on and the
/// password is set.
/// </summary>
public sealed class PlatformAdminOptions
{
    public List<string> Emails { get; set; } = [];

    public bool DemoEnabled { get; set; }

    public string DemoEmail { get; set; } = "admin@class.com.au";

    /// <summary>No default: a platform admin with a password written in the source would be a standing risk, so the demo admin exists only when this is configured.</summary>
    public string? DemoPassword { get; set; }

    public static PlatformAdminOptions From(IConfiguration configuration) => new()
    {
        Emails = configuration.GetSection("Portal:PlatformAdmins").Get<List<string>>() ?? [],
        DemoEnabled = configuration.GetValue<bool>("Portal:DemoData:Enabled"),
        DemoEmail = configuration["Portal:DemoData:AdminEmail"] is { Length: > 0 } email ? email : "admin@class.com.au",
        DemoPassword = configuration["Portal:DemoData:AdminPassword"] is { Length: > 0 } password ? password : null,
    };
}
