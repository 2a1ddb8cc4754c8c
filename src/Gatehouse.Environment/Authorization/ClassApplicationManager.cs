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
    TimeProvider time,
    SecretUseRecorder uses)
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

    /// <summary>
    /// Client authentication (token, introspection, revocation). On success the matching secret's
    /// use is recorded, by its id only, off the request path (ADR 0015).
    /// </summary>
    public override async ValueTask<bool> ValidateClientSecretAsync(OpenIddictEntityFrameworkCoreApplication application, string secret, CancellationToken cancellationToken = default)
    {
        if (!await base.ValidateClientSecretAsync(application, secret, cancellationToken))
        {
            return false;
        }

        if (application.ClientId is { } clientId && Match(secret, application.ClientSecret) is { } secretId)
        {
            uses.Record(clientId, secretId);
        }

        return true;
    }

    /// <summary>
    /// Exact string match (RFC 9700 §2.1), except that RFC 8252 §7.3 lets a native app listen on any
    /// port of a loopback IP literal: http://127.0.0.1 and http://[::1] URIs match a registered one
    /// whatever the port, if scheme, host, path and query are the same exact string. "localhost" is
    /// not relaxed (RFC 8252 §8.3). The token endpoint compares with the URI the code was issued for,
    /// so the same port has to be used there (docs/security-checklist.md RU13).
    /// </summary>
    public override async ValueTask<bool> ValidateRedirectUriAsync(OpenIddictEntityFrameworkCoreApplication application, string uri, CancellationToken cancellationToken = default)
    {
        if (await base.ValidateRedirectUriAsync(application, uri, cancellationToken))
        {
            return true;
        }

        if (WithoutLoopbackPort(uri) is not { } presented)
        {
            return false;
        }

        foreach (var candidate in await GetRedirectUrisAsync(application, cancellationToken))
        {
            if (string.Equals(WithoutLoopbackPort(candidate), presented, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An http loopback IP literal URI in canonical form, without its port; null for anything else.</summary>
    private static string? WithoutLoopbackPort(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp
            && string.Equals(uri.AbsoluteUri, value, StringComparison.Ordinal)
            && string.IsNullOrEmpty(uri.UserInfo) && string.IsNullOrEmpty(uri.Fragment) && RedirectUriRules.IsLoopbackLiteral(uri.Host)
            ? $"{uri.Scheme}://{uri.Host}{uri.PathAndQuery}"
            : null;

    protected override ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Match(secret, comparand) is not null);

    /// <summary>The id of the unexpired entry the presented secret matches, if any.</summary>
    private Guid? Match(string secret, string? comparand)
    {
        var now = time.GetUtcNow();
        Guid? matched = null;

        // Every unexpired entry is checked (no early exit), so timing does not tell which one matched.
        foreach (var entry in comparand is null ? [] : Deserialize(comparand) ?? [])
        {
            if ((entry.ExpiresAt is not { } expiresAt || expiresAt > now) && ClientSecrets.Verify(secret, entry.Hash))
            {
                matched ??= entry.Id;
            }
        }

        return matched;
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
