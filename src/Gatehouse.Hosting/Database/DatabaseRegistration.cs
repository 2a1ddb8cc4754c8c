using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gatehouse.Hosting.Database;

public static class DatabaseRegistration
{
    /// <summary>
    /// Registers a plane's DbContext on the configured provider. Each provider has its own
    /// migration set, attached to a provider-specific subclass of the context (EF Core finds
    /// migrations by context type), while the rest of the code only ever asks for
    /// <typeparamref name="TContext"/>.
    /// </summary>
    public static IServiceCollection AddPlaneDatabase<TContext, TSqliteContext, TPostgresContext>(
        this IServiceCollection services,
        DatabaseOptions database,
        string sqliteFilePath,
        Action<DbContextOptionsBuilder>? configure = null)
        where TContext : DbContext
        where TSqliteContext : TContext
        where TPostgresContext : TContext
    {
        switch (database.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = SqliteConnectionStrings.WithTimeout(string.IsNullOrWhiteSpace(database.ConnectionString)
                    ? SqliteConnectionStrings.ForFile(sqliteFilePath)
                    : database.ConnectionString, database.CommandTimeoutSeconds);
                services.AddDbContext<TContext, TSqliteContext>(o =>
                {
                    o.UseSqlite(sqlite, s => s.CommandTimeout(database.CommandTimeoutSeconds));
                    configure?.Invoke(o);
                });
                break;
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(database.ConnectionString))
                {
                    throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is Postgres.");
                }

                services.AddDbContext<TContext, TPostgresContext>(o =>
                {
                    // Retries stay few and short, and never for a timeout: a stalled server must still give a prompt 503.
                    o.UseNpgsql(database.ConnectionString, n => n
                        .CommandTimeout(database.CommandTimeoutSeconds)
                        .ExecutionStrategy(d => new PostgresExecutionStrategy(d)));
                    configure?.Invoke(o);
                });
                break;
            default:
                throw new InvalidOperationException($"Unknown database provider '{database.Provider}'.");
        }

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TContext>>("database", HealthStatus.Unhealthy, ["ready"]);
        return services;
    }

    /// <summary>
    /// Keeps Data Protection keys (cookies, antiforgery, protected secrets) in the plane's database,
    /// so they survive restarts and are shared by every node of the plane.
    /// </summary>
    /// <param name="configuration">Read for <see cref="DataProtectionCertificate"/>: the key ring is
    /// then encrypted at rest with that certificate, so a copy of the database alone does not open
    /// cookies, the environments' signing keys or anything else Data Protection protects.</param>
    public static IServiceCollection AddPlaneDataProtection<TContext>(this IServiceCollection services, string applicationName, IConfiguration configuration)
        where TContext : DbContext, IDataProtectionKeyContext
    {
        var builder = services.AddDataProtection()
            .SetApplicationName(applicationName)
            .PersistKeysToDbContext<TContext>();
        if (DataProtectionCertificate.Load(configuration) is { } certificate)
        {
            builder.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }

        return services;
    }
}

/// <summary>The certificate that encrypts a plane's Data Protection key ring at rest, when configured.</summary>
public static class DataProtectionCertificate
{
    public const string PathKey = "Hosting:DataProtection:CertificatePath";
    public const string PasswordKey = "Hosting:DataProtection:CertificatePassword";

    public static X509Certificate2? Load(IConfiguration configuration)
    {
        var path = configuration[PathKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, configuration[PasswordKey]);
        return certificate.HasPrivateKey
            ? certificate
            : throw new InvalidOperationException($"{PathKey} '{path}' has no private key: the key ring could be encrypted but never read again.");
    }
}
