using Gatehouse.Portal.Apps;

namespace Gatehouse.Portal.ManagementApi;

// The management API's JSON. Requests name only what a developer may set (docs/security-checklist.md MT3): an
// organisation, status, client id or (on update) environment in a body is simply not bound.

/// <summary>POST /api/v1/apps.</summary>
public sealed record CreateAppRequest(string? Name, string? Description, string? ContactEmail, string? LogoUrl, string? Environment, string? AppType);

/// <summary>PATCH /api/v1/apps/{id}: omitted (null) fields stay as they are.</summary>
public sealed record UpdateAppRequest(string? Name, string? Description, string? ContactEmail, string? LogoUrl);

/// <summary>PUT /api/v1/apps/{id}/apis: the complete selection of API product codes.</summary>
public sealed record SelectApisRequest(IReadOnlyList<string>? Products);

/// <summary>POST /api/v1/apps/{id}/secrets: rotate; the current secrets keep working until <see cref="PreviousSecretExpiresAt"/> (default: 7 days).</summary>
public sealed record RotateSecretRequest(DateTimeOffset? PreviousSecretExpiresAt);

public sealed record AddRedirectUriRequest(string? Uri);

public sealed record ProductionAccessRequest(bool TestedInPie, bool StoresSecretsSecurely, bool HasPrivacyPolicy, string? UseCase);

/// <param name="LastUsedAt">When the secret last authenticated, as its environment reports it (to within a minute); null if never or unknown.</param>
/// <param name="LastUsedKnown">False when the environment could not be asked just now, so <paramref name="LastUsedAt"/> says nothing.</param>
public sealed record SecretResource(Guid Id, string Hint, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, bool LastUsedKnown, DateTimeOffset? RevokedAt, bool Active);

public sealed record RedirectUriResource(Guid Id, string Uri, string Status, string? RejectionReason);

public sealed record SyncResource(string State, string? Error, DateTimeOffset? LastSyncedAt);

public sealed record AppResource(
    Guid Id,
    string Name,
    string? Description,
    string ContactEmail,
    string? LogoUrl,
    string Environment,
    string AppType,
    string Status,
    Guid ClientId,
    IReadOnlyList<string> Products,
    IReadOnlyList<SecretResource> Secrets,
    IReadOnlyList<RedirectUriResource> RedirectUris,
    SyncResource Sync,
    DateTimeOffset? ProductionRequestedAt,
    string? ReviewNote,
    DateTimeOffset CreatedAt)
{
    public static AppResource From(App app, DateTimeOffset now, SecretLastUseReport lastUse) => new(
        app.Id,
        app.Name,
        app.Description,
        app.ContactEmail,
        app.LogoUrl,
        app.EnvironmentKey,
        app.AppType,
        app.Status switch { AppStatus.Active => "active", AppStatus.PendingApproval => "pending_approval", _ => "suspended" },
        app.ClientId,
        app.ProductCodes,
        [.. app.Secrets.OrderByDescending(s => s.CreatedAt).Select(s => new SecretResource(s.Id, s.Hint, s.CreatedAt, s.ExpiresAt, lastUse.For(s.Id), lastUse.Known, s.RevokedAt, s.IsActive(now)))],
        [.. app.RedirectUris.OrderBy(u => u.CreatedAt).Select(u => new RedirectUriResource(u.Id, u.Uri, u.Status.ToString().ToLowerInvariant(), u.RejectionReason))],
        new SyncResource(app.SyncState.ToString().ToLowerInvariant(), app.LastSyncError, app.LastSyncedAt),
        app.ProductionRequestedAt,
        app.ReviewNote,
        app.CreatedAt);
}

/// <summary>An app with its client secret: returned once, by create and by the Production twin.</summary>
public sealed record CreatedAppResource(AppResource App, string ClientSecret);

/// <summary>A new secret from rotation: returned once.</summary>
public sealed record IssuedSecretResource(SecretResource Secret, string ClientSecret);

public sealed record ProductResource(string Code, string Name, IReadOnlyList<string> Scopes);
