using Gatehouse.Portal.Accounts;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Apps;
using Gatehouse.Portal.Catalogue;
using Gatehouse.Portal.Mail;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Data;

/// <summary>
/// The portal's one database: the source of truth for developers, organisations, apps and the
/// catalogue. Environments only ever receive copies of it (see Provisioning).
/// </summary>
public abstract class PortalDbContext : IdentityDbContext<Developer, IdentityRole<Guid>, Guid>, IDataProtectionKeyContext
{
    // Non-generic options: each provider subclass passes its own DbContextOptions<TSubclass>.
    protected PortalDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Organisation> Organisations => Set<Organisation>();

    public DbSet<App> Apps => Set<App>();

    public DbSet<ApiProduct> ApiProducts => Set<ApiProduct>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }
}

/// <summary>SQLite flavour: exists so SQLite has its own migration set.</summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options);

/// <summary>PostgreSQL flavour: exists so PostgreSQL has its own migration set.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options);
