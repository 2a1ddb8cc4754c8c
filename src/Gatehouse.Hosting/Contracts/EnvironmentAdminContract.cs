namespace Gatehouse.Hosting.Contracts;

// The contract between the portal (control plane) and an environment (data plane). The portal's
// database holds the desired state; it pushes it with idempotent PUTs to the environment's admin API
// (authenticated by a per-environment API key). See docs/architecture.md.

public static class EnvironmentAdminApi
{
    public const string BasePath = "/admin/v1";

    public static string Client(Guid clientId) => $"{BasePath}/clients/{clientId}";

    public static string Sandbox(Guid organisationId) => $"{BasePath}/sandboxes/{organisationId}";

    public static string SandboxReset(Guid organisationId) => $"{BasePath}/sandboxes/{organisationId}/reset";

    /// <summary>GET, with <c>?since=</c> (ISO 8601) and optional <c>&amp;clientId=</c>: API usage records, oldest first.</summary>
    public const string Usage = BasePath + "/usage";

    public const string Status = BasePath + "/status";

    public const string SigningKeys = BasePath + "/signing-keys";

    public static string SigningKey(string keyId) => $"{SigningKeys}/{Uri.EscapeDataString(keyId)}";
}

/// <summary>App type, as the guide names them.</summary>
public static class AppTypes
{
    /// <summary>Single-tenant: the organisation's own data (password grant, client credentials).</summary>
    public const string Client = "client";

    /// <summary>Multi-tenant: authorization code with PKCE and consent per business.</summary>
    public const string Partner = "partner";
}

/// <summary>A secret the client may authenticate with: its SHA-256 hash and optional expiry.</summary>
public sealed record ClientSecretHash(Guid Id, string Hash, DateTimeOffset? ExpiresAt);

/// <summary>PUT <c>/admin/v1/clients/{clientId}</c>: create or replace the OAuth client.</summary>
/// <param name="LogoDataUri">Optional logo for the consent page, as a <c>data:image/png|jpeg;base64,</c> URI (no third-party images on the page).</param>
/// <param name="ResponseModes">Response modes the client may use besides query: <c>form_post</c>, <c>fragment</c> (none: query only; ASVS 10.4.12).</param>
public sealed record ClientDescriptor(
    string DisplayName,
    string AppType,
    Guid OrganisationId,
    string OrganisationName,
    string? BusinessCode,
    IReadOnlyList<ClientSecretHash> Secrets,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> RedirectUris,
    bool Enabled,
    string? LogoDataUri = null,
    IReadOnlyList<string>? ResponseModes = null);

public sealed record ClientProvisioned(Guid ClientId, IReadOnlyList<string> Scopes);

/// <summary>GET <c>/admin/v1/clients/{clientId}</c>: what the environment observed about the client (404 if it has none).</summary>
/// <param name="Secrets">Per secret (by <see cref="ClientSecretHash.Id"/>) that has authenticated: when it last did, to within a minute. A secret not listed has never been used.</param>
public sealed record ClientState(Guid ClientId, bool Enabled, IReadOnlyList<ClientSecretLastUsed> Secrets);

public sealed record ClientSecretLastUsed(Guid SecretId, DateTimeOffset LastUsedAt);

/// <summary>
/// PUT <c>/admin/v1/sandboxes/{organisationId}</c>: make sure the organisation has a sandbox business and API user,
/// and, when given, an Access Controller user (who consents for Partner apps).
/// </summary>
public sealed record SandboxRequest(
    string OrganisationName,
    string ApiUserName,
    string ApiUserPassword,
    string? AccessControllerUserName = null,
    string? AccessControllerPassword = null);

public sealed record SandboxProvisioned(string BusinessCode, string BusinessName, string ApiUserName, int FundCount, string? AccessControllerUserName = null, int MemberCount = 0);

/// <summary>POST <c>/admin/v1/sandboxes/{organisationId}/reset</c>: the sandbox's data back to exactly what was generated.</summary>
public sealed record SandboxReset(string BusinessCode, int FundCount, int MemberCount, int DocumentCount);

public sealed record EnvironmentStatus(string Environment, string Issuer);

/// <summary>
/// A signing key of the environment (GET/POST <c>/admin/v1/signing-keys</c>). Every key is in the
/// JWKS; <see cref="CurrentStatus"/> signs, <see cref="NextStatus"/> signs from <paramref name="ActivatesAt"/>,
/// <see cref="PreviousStatus"/> still validates what it signed until retired.
/// </summary>
/// <param name="RetirableAt">When retiring it ends no valid token (null for the current key).</param>
public sealed record SigningKeyView(string KeyId, DateTimeOffset CreatedAt, DateTimeOffset? ActivatesAt, string Status, DateTimeOffset? RetirableAt)
{
    public const string CurrentStatus = "current";
    public const string NextStatus = "next";
    public const string PreviousStatus = "previous";
}

/// <summary>POST <c>/admin/v1/signing-keys</c>: publish a new key that signs from <paramref name="ActivatesAt"/> (default: in a day).</summary>
public sealed record SigningKeyRequest(DateTimeOffset? ActivatesAt);
