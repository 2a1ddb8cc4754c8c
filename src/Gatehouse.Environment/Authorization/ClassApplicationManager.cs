using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// Client secrets the portal's way (ADR 0003): the application's <c>ClientSecret</c> column holds a
/// JSON array of <see cref="ClientSecretHash"/> (SHA-256 of a 128-bit random secret, optional expiry),
/// so two secrets can be active during a rotation. The portal hashes; this manager never sees a
/// plaintext secret at provisioning time, and checks a presented one in microseconds instead of
/// OpenIddict's default PBKDF2.
/// </summary>
public sealed class ClassApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store,
    TimeProvider time)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(IEnumerable<ClientSecretHash> secrets) => JsonSerializer.Serialize(secrets, Json);

    /// <summary>The value is already the stored form (hashes computed by the portal): store it as given.</summary>
    protected override ValueTask<string> ObfuscateClientSecretAsync(string secret, CancellationToken cancellationToken = default)
    {
        _ = Deserialize(secret) ?? throw new ArgumentException("The client secret must be a JSON array of secret hashes.", nameof(secret));
        return ValueTask.FromResult(secret);
    }

    protected override ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var valid = false;

        // Every unexpired entry is checked (no early exit), so timing does not tell which one matched.
        foreach (var entry in Deserialize(comparand) ?? [])
        {
            if (entry.ExpiresAt is not { } expiresAt || expiresAt > now)
            {
                valid |= ClientSecrets.Verify(secret, entry.Hash);
            }
        }

        return ValueTask.FromResult(valid);
    }

    private static List<ClientSecretHash>? Deserialize(string value)
    {
        try
        {
            return JsonSerializer.Deserialize<List<ClientSecretHash>>(value, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
