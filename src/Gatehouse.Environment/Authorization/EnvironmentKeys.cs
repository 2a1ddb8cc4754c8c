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
/// Runs when the server options are first read (the first request), after the migration hosted
/// service, which is why it can use the database; options configuration is synchronous.
/// </summary>
public sealed class EnvironmentKeyLoader(IServiceScopeFactory scopes, TimeProvider time) : IConfigureOptions<OpenIddictServerOptions>
{
    private const string Purpose = "Gatehouse.Environment.Authorization.EnvironmentKey.v1";

    public void Configure(OpenIddictServerOptions options)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<EnvironmentDbContext>();
        var protector = scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

        var signing = LoadOrCreate(db, protector, EnvironmentKey.Signing, () =>
        {
            using var rsa = RSA.Create(2048);
            return rsa.ExportPkcs8PrivateKey();
        });
        var rsaKey = RSA.Create();
        rsaKey.ImportPkcs8PrivateKey(signing.Material, out _);
        options.SigningCredentials.Add(new SigningCredentials(new RsaSecurityKey(rsaKey) { KeyId = signing.KeyId }, SecurityAlgorithms.RsaSha256));

        // OpenIddict encrypts the tokens only it reads (refresh tokens, codes); access tokens stay
        // plain signed JWTs (RFC 9068) because access token encryption is disabled.
        var encryption = LoadOrCreate(db, protector, EnvironmentKey.Encryption, () => RandomNumberGenerator.GetBytes(32));
        options.EncryptionCredentials.Add(new EncryptingCredentials(
            new SymmetricSecurityKey(encryption.Material) { KeyId = encryption.KeyId },
            SecurityAlgorithms.Aes256KW,
            SecurityAlgorithms.Aes256CbcHmacSha512));
    }

    private (string KeyId, byte[] Material) LoadOrCreate(EnvironmentDbContext db, IDataProtector protector, string use, Func<byte[]> generate)
    {
        var existing = Oldest(db, use);
        if (existing is null)
        {
            db.EnvironmentKeys.Add(new EnvironmentKey
            {
                Id = Guid.NewGuid(),
                Use = use,
                KeyId = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
                ProtectedKey = Convert.ToBase64String(protector.Protect(generate())),
                CreatedAt = time.GetUtcNow(),
            });
            db.SaveChanges();

            // Two nodes starting together may both insert: everyone uses the oldest, so they agree.
            existing = Oldest(db, use)!;
        }

        return (existing.KeyId, protector.Unprotect(Convert.FromBase64String(existing.ProtectedKey)));
    }

    private static EnvironmentKey? Oldest(EnvironmentDbContext db, string use) =>
        db.EnvironmentKeys.AsNoTracking()
            .Where(k => k.Use == use)
            .AsEnumerable()
            .OrderBy(k => k.CreatedAt)
            .ThenBy(k => k.KeyId, StringComparer.Ordinal)
            .FirstOrDefault();
}
