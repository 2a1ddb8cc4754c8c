using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Dms;
using Gatehouse.Environment.Funds;
using Gatehouse.Environment.Usage;
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

    public DbSet<Member> Members => Set<Member>();

    public DbSet<MemberAccount> MemberAccounts => Set<MemberAccount>();

    public DbSet<LedgerAccount> LedgerAccounts => Set<LedgerAccount>();

    public DbSet<JournalLine> JournalLines => Set<JournalLine>();

    public DbSet<Brand> Brands => Set<Brand>();

    public DbSet<BusinessContact> BusinessContacts => Set<BusinessContact>();

    public DbSet<Document> Documents => Set<Document>();

    public DbSet<DocumentContent> DocumentContents => Set<DocumentContent>();

    public DbSet<UsageRecord> UsageRecords => Set<UsageRecord>();

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
