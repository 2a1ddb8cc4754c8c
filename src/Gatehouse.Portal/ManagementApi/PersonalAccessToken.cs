using System.Security.Cryptography;
using System.Text;
using Gatehouse.Portal.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Portal.ManagementApi;

/// <summary>
/// A developer's token for the management API: <c>gh_pat_</c> + 32 CSPRNG bytes (base64url), so a
/// single SHA-256 is a safe stored form (ASVS 6.5.2, like client secrets in ADR 0003). Scoped,
/// expiring (at most a year) and revocable; it acts as its developer, in their organisation and role.
/// </summary>
public sealed class PersonalAccessToken
{
    public const string Prefix = "gh_pat_";
    public const int MaxLifetimeDays = 366;

    public Guid Id { get; set; }

    public Guid DeveloperId { get; set; }

    public required string Name { get; set; }

    /// <summary>Base64 SHA-256 of the whole token.</summary>
    public required string Hash { get; set; }

    /// <summary>Last four characters, to tell tokens apart.</summary>
    public required string Hint { get; set; }

    /// <summary>Space-separated, from <see cref="ApiScopes"/>.</summary>
    public required string Scopes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public bool HasScope(string scope) => Scopes.Split(' ').Contains(scope, StringComparer.Ordinal);

    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string HashOf(string token) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public static class ApiScopes
{
    public const string AppsRead = "apps:read";
    public const string AppsWrite = "apps:write";

    public static readonly IReadOnlyList<string> All = [AppsRead, AppsWrite];
}

internal sealed class PersonalAccessTokenConfiguration : IEntityTypeConfiguration<PersonalAccessToken>
{
    public void Configure(EntityTypeBuilder<PersonalAccessToken> builder)
    {
        builder.ToTable("PersonalAccessTokens");
        builder.HasOne<Developer>().WithMany().HasForeignKey(t => t.DeveloperId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.Property(t => t.Hash).HasMaxLength(100);
        builder.Property(t => t.Hint).HasMaxLength(10);
        builder.Property(t => t.Scopes).HasMaxLength(200);
        builder.HasIndex(t => t.Hash).IsUnique();
        builder.HasIndex(t => t.DeveloperId);
    }
}
