using Gatehouse.Hosting.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Portal.Apps;

/// <summary>
/// One client secret of an app: only its SHA-256 (ADR 0003) and a four-character hint are kept.
/// An app has at most <see cref="AppSecret.MaxActive"/> active secrets, so rotation has an overlap.
/// </summary>
public sealed class AppSecret
{
    public const int MaxActive = 2;

    public Guid Id { get; set; }

    public Guid AppId { get; set; }

    /// <summary><see cref="Gatehouse.Hosting.Contracts.ClientSecrets.Hash"/> of the secret.</summary>
    public required string Hash { get; set; }

    public required string Hint { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Null: no expiry. The environment enforces it with its own clock.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>
    /// Not filled: the environment sees client authentication and reports "last used" live
    /// (GET /admin/v1/clients/{id}, see <see cref="SecretLastUse"/> and ADR 0015); the column stays
    /// so no migration is needed, and may later cache the last report.
    /// </summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is not { } expires || expires > now);
}

/// <summary>A redirect URI of a Partner app, exactly as typed. Production ones wait for a platform admin.</summary>
public sealed class AppRedirectUri
{
    public Guid Id { get; set; }

    public Guid AppId { get; set; }

    public required string Uri { get; set; }

    public RedirectUriStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? RejectionReason { get; set; }
}

public enum RedirectUriStatus
{
    Approved,
    Pending,
    Rejected,
}

internal sealed class AppSecretConfiguration : IEntityTypeConfiguration<AppSecret>
{
    public void Configure(EntityTypeBuilder<AppSecret> builder)
    {
        builder.ToTable("AppSecrets");
        builder.Property(s => s.Hash).HasMaxLength(100);
        builder.Property(s => s.Hint).HasMaxLength(10);
        builder.HasIndex(s => s.AppId);
    }
}

internal sealed class AppRedirectUriConfiguration : IEntityTypeConfiguration<AppRedirectUri>
{
    public void Configure(EntityTypeBuilder<AppRedirectUri> builder)
    {
        builder.ToTable("AppRedirectUris");
        builder.Property(r => r.Uri).HasMaxLength(RedirectUriRules.MaxLength);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.RejectionReason).HasMaxLength(1000);
        builder.HasIndex(r => new { r.AppId, r.Uri }).IsUnique();
        builder.HasIndex(r => r.Status);
    }
}
