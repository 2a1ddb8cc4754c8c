using System.Security.Cryptography;
using Gatehouse.Environment.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// A key this environment signs or encrypts tokens with. Persisted (never ephemeral) so tokens and
/// the JWKS survive restarts and are shared by every node; the key material is protected with Data
/// Protection, whose own keys live in the same database.
/// </summary>
public sealed class EnvironmentKey
{
    public const string Signing = "sig";
    public const string Encryption = "enc";

    public Guid Id { get; set; }

    /// <summary><see cref="Signing"/> (RSA-2048, PKCS#8) or <see cref="Encryption"/> (256-bit AES key).</summary>
    public string Use { get; set; } = "";

    /// <summary>The JWK <c>kid</c> (RFC 7517 §4.5): random, so two environments never share one.</summary>
    public string KeyId { get; set; } = "";

    public string ProtectedKey { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// When a signing key starts signing. Null: from the start (the environment's first key). A key
    /// published ahead of its activation is in the JWKS before any token carries its <c>kid</c>, so
    /// relying parties that cache the JWKS pick it up in time (docs/security-checklist.md KR1; ADR 0019).
    /// </summary>
    public DateTimeOffset? ActivatesAt { get; set; }

    /// <summary>The key's activation as a point in time (the first key: the beginning of time).</summary>
    public DateTimeOffset Activation => ActivatesAt ?? DateTimeOffset.MinValue;
}

internal sealed class EnvironmentKeyConfiguration : IEntityTypeConfiguration<EnvironmentKey>
{
    public void Configure(EntityTypeBuilder<EnvironmentKey> builder)
    {
        builder.Property(k => k.Use).HasMaxLength(8);
        builder.Property(k => k.KeyId).HasMaxLength(64);
        builder.HasIndex(k => k.KeyId).IsUnique();
    }
}

/// <summary>
/// Loads the environment's signing and encryption keys into OpenIddict, creating them on first use.
/// Runs when the server options are built (the first request, and again whenever
/// <see cref="SigningKeyRing"/> drops them after a rotation), after the migration hosted service,
/// which is why it can use the database; options configuration is synchronous.
/// </summary>
public sealed class EnvironmentKeyLoader(IServiceScopeFactory scopes, TimeProvider time, SigningKeyRing ring) : IConfigureOptions<OpenIddictServerOptions>
{
    internal const string Purpose = "Gatehouse.Environment.Authorization.EnvironmentKey.v1";

    public void Configure(OpenIddictServerOptions options)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<EnvironmentDbContext>();
        var protector = scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

        EnsureExists(db, protector, EnvironmentKey.Signing, () =>
        {
            using var rsa = RSA.Create(2048);
            return rsa.ExportPkcs8PrivateKey();
        });

        // Every signing key is published in the JWKS and accepted for validation (the next one ahead
        // of its activation, previous ones until retired); the current one goes first because
        // OpenIddict signs with the first credential.
        var now = time.GetUtcNow();
        var signing = db.EnvironmentKeys.AsNoTracking().Where(k => k.Use == EnvironmentKey.Signing).AsEnumerable().ToList();
        var current = SigningKeyRing.Current(signing, now);
        foreach (var key in signing.OrderBy(k => k.Id == current.Id ? 0 : 1))
        {
            var rsaKey = RSA.Create();
            rsaKey.ImportPkcs8PrivateKey(protector.Unprotect(Convert.FromBase64String(key.ProtectedKey)), out _);
            options.SigningCredentials.Add(new SigningCredentials(new RsaSecurityKey(rsaKey) { KeyId = key.KeyId }, SecurityAlgorithms.RsaSha256));
        }

        ring.Loaded(signing, now);

        // OpenIddict encrypts the tokens only it reads (refresh tokens, codes); access tokens stay
        // plain signed JWTs (RFC 9068) because access token encryption is disabled.
        var encryption = EnsureExists(db, protector, EnvironmentKey.Encryption, () => RandomNumberGenerator.GetBytes(32));
        options.EncryptionCredentials.Add(new EncryptingCredentials(
            new SymmetricSecurityKey(protector.Unprotect(Convert.FromBase64String(encryption.ProtectedKey))) { KeyId = encryption.KeyId },
            SecurityAlgorithms.Aes256KW,
            SecurityAlgorithms.Aes256CbcHmacSha512));
    }

    private EnvironmentKey EnsureExists(EnvironmentDbContext db, IDataProtector protector, string use, Func<byte[]> generate)
    {
        var existing = Oldest(db, use);
        if (existing is null)
        {
            db.EnvironmentKeys.Add(New(use, protector, generate(), time.GetUtcNow(), activatesAt: null));
            db.SaveChanges();

            // Two nodes starting together may both insert: everyone uses the oldest, so they agree.
            existing = Oldest(db, use)!;
        }

        return existing;
    }

    internal static EnvironmentKey New(string use, IDataProtector protector, byte[] material, DateTimeOffset now, DateTimeOffset? activatesAt) => new()
    {
        Id = Guid.NewGuid(),
        Use = use,
        KeyId = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
        ProtectedKey = Convert.ToBase64String(protector.Protect(material)),
        CreatedAt = now,
        ActivatesAt = activatesAt,
    };

    private static EnvironmentKey? Oldest(EnvironmentDbContext db, string use) =>
        db.EnvironmentKeys.AsNoTracking()
            .Where(k => k.Use == use)
            .AsEnumerable()
            .OrderBy(k => k.CreatedAt)
            .ThenBy(k => k.KeyId, StringComparer.Ordinal)
            .FirstOrDefault();
}
