using Gatehouse.Environment.Businesses;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Environment.Users;

/// <summary>A person (or API user) who signs in to this environment.</summary>
public sealed class ClassUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";

    public List<BusinessMembership> Memberships { get; set; } = [];
}

/// <summary>A user's access to one business. Only API users may use the password grant (guide, step 3).</summary>
public sealed class BusinessMembership
{
    public const string ApiUserRole = "API User";

    public Guid UserId { get; set; }

    public Guid BusinessId { get; set; }

    public Business Business { get; set; } = null!;

    public string Role { get; set; } = "";

    public bool IsApiUser { get; set; }
}

internal sealed class BusinessMembershipConfiguration : IEntityTypeConfiguration<BusinessMembership>
{
    public void Configure(EntityTypeBuilder<BusinessMembership> builder)
    {
        builder.HasKey(m => new { m.UserId, m.BusinessId });
        builder.Property(m => m.Role).HasMaxLength(64);
        builder.HasOne<ClassUser>().WithMany(u => u.Memberships).HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(m => m.Business).WithMany().HasForeignKey(m => m.BusinessId).OnDelete(DeleteBehavior.Cascade);
    }
}
