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

/// <summary>
/// PUT <c>/admin/v1/clients/{clientId}</c>: create or replace the OAuth client (ADR 0022). A
/// <paramref name="Revision"/> older than the one the environment applied last is refused with 409
/// (<see cref="ClientSync.StaleRevision"/>). When only <see cref="ClientSync.DeferrableFields"/> are
/// invalid, the rest (secrets, enabled, scopes, removal of redirect URIs) is applied anyway and the
/// 400 says so (<see cref="ClientSync.SecurityStateApplied"/>).
/// </summary>
/// <param name="LogoDataUri">Optional logo for the consent page, as a <c>data:image/png|jpeg;base64,</c> URI (no third-party images on the page).</param>
/// <param name="ResponseModes">Response modes the client may use besides query: <c>form_post</c>, <c>fragment</c> (none: query only; ASVS 10.4.12).</param>
/// <param name="Revision">The portal's revision of this desired state, incremented on every change.</param>
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
    IReadOnlyList<string>? ResponseModes = null,
    long Revision = 0);

public sealed record ClientProvisioned(Guid ClientId, IReadOnlyList<string> Scopes, long Revision = 0);

/// <summary>The parts of the client push contract that are not records (ADR 0022).</summary>
public static class ClientSync
{
    /// <summary>ProblemDetails <c>type</c> of the 409 for a desired state older than the applied one.</summary>
    public const string StaleRevision = "urn:gatehouse:client-revision-stale";

    /// <summary>ProblemDetails extension: the revision the environment holds (409), or the one it just applied (400).</summary>
    public const string RevisionExtension = "revision";

    /// <summary>ProblemDetails extension of a 400: true when the security-relevant part was applied although a deferrable field was refused.</summary>
    public const string SecurityStateApplied = "securityStateApplied";

    /// <summary>ProblemDetails extension of a 400: field → error code (e.g. <see cref="RedirectUriProblem.Code"/>).</summary>
    public const string CodesExtension = "codes";

    /// <summary>
    /// Fields whose refusal must not hold back the security state: an invalid one is not applied (no
    /// redirect URI is added, the logo is dropped) while secrets, enabled, scopes and the removal of
    /// redirect URIs no longer desired still are.
    /// </summary>
    public static readonly IReadOnlySet<string> DeferrableFields = new HashSet<string>(StringComparer.Ordinal)
    {
        nameof(ClientDescriptor.RedirectUris),
        nameof(ClientDescriptor.LogoDataUri),
    };
}

/// <summary>GET <c>/admin/v1/clients/{clientId}</c>: what the environment observed about the client (404 if it has none).</summary>
/// <param name="Secrets">Per secret (by <see cref="ClientSecretHash.Id"/>) that has authenticated: when it last did, to within a minute. A secret not listed has never been used.</param>
/// <param name="Revision">The revision of the desired state applied last (0 before revisions were sent).</param>
public sealed record ClientState(Guid ClientId, bool Enabled, IReadOnlyList<ClientSecretLastUsed> Secrets, long Revision = 0);

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
