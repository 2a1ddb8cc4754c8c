using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Users;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Environment.Data;

/// <summary>
/// The environment's one database: Class users (Identity), businesses and funds, OpenIddict's
/// applications/authorizations/tokens, the environment's signing keys and its Data Protection keys.
/// </summary>
public class EnvironmentDbContext : IdentityDbContext<ClassUser, IdentityRole<Guid>, Guid>, IDataProtectionKeyContext
{
    // Non-generic options: the provider subclasses (one migration set each) pass theirs through.
    protected EnvironmentDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Business> Businesses => Set<Business>();

    public DbSet<Fund> Funds => Set<Fund>();

    public DbSet<BusinessMembership> BusinessMemberships => Set<BusinessMembership>();

    public DbSet<EnvironmentKey> EnvironmentKeys => Set<EnvironmentKey>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();
        builder.ApplyConfigurationsFromAssembly(typeof(EnvironmentDbContext).Assembly);
    }
}

public sealed class SqliteEnvironmentDbContext(DbContextOptions<SqliteEnvironmentDbContext> options) : EnvironmentDbContext(options);

public sealed class PostgresEnvironmentDbContext(DbContextOptions<PostgresEnvironmentDbContext> options) : EnvironmentDbContext(options);
