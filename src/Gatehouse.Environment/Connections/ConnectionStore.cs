using System.Collections.Immutable;
using System.Text.Json;
using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Data;
using Microsoft.EntityFrameworkCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Environment.Connections;

/// <summary>
/// A connection is a Partner app's access to one business, granted by one Class user: one permanent
/// OpenIddict authorization per (app, business, user), the business code kept in its properties.
/// Its tokens hang off the authorization, so revoking it revokes exactly that business's tokens.
/// </summary>
public sealed class ConnectionStore(
    IOpenIddictAuthorizationManager authorizations,
    IOpenIddictTokenManager tokens,
    IOpenIddictApplicationManager applications,
    EnvironmentDbContext db)
{
    public const string BusinessCodeProperty = "gatehouse_business_code";

    public async Task<object?> FindAsync(string applicationId, string subject, string businessCode, CancellationToken cancellationToken)
    {
        await foreach (var authorization in authorizations.FindAsync(subject, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes: null, cancellationToken))
        {
            if (string.Equals(await BusinessCodeAsync(authorization, cancellationToken), businessCode, StringComparison.OrdinalIgnoreCase))
            {
                return authorization;
            }
        }

        return null;
    }

    /// <summary>The connection exists, is not revoked and is for this business.</summary>
    public async Task<bool> IsActiveAsync(string id, string businessCode, CancellationToken cancellationToken) =>
        await authorizations.FindByIdAsync(id, cancellationToken) is { } authorization
        && await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken)
        && string.Equals(await BusinessCodeAsync(authorization, cancellationToken), businessCode, StringComparison.OrdinalIgnoreCase);

    /// <summary>Creates the connection, or widens the scopes of the existing one (one per app, business and user).</summary>
    public async Task<string> GrantAsync(string applicationId, string subject, string businessCode, IEnumerable<string> scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var granted = scopes.Where(s => !s.StartsWith(ClassScopes.TargetPrefix, StringComparison.Ordinal)).ToImmutableArray();
        if (await FindAsync(applicationId, subject, businessCode, cancellationToken) is { } existing)
        {
            var current = await authorizations.GetScopesAsync(existing, cancellationToken);
            if (granted.Any(s => !current.Contains(s)))
            {
                var descriptor = new OpenIddictAuthorizationDescriptor();
                await authorizations.PopulateAsync(descriptor, existing, cancellationToken);
                descriptor.Scopes.UnionWith(granted);
                await authorizations.UpdateAsync(existing, descriptor, cancellationToken);
            }

            return (await authorizations.GetIdAsync(existing, cancellationToken))!;
        }

        var created = new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = applicationId,
            Subject = subject,
            Status = Statuses.Valid,
            Type = AuthorizationTypes.Permanent,
            CreationDate = now,
            Properties = { [BusinessCodeProperty] = JsonSerializer.SerializeToElement(businessCode) },
        };
        created.Scopes.UnionWith(granted);
        return (await authorizations.GetIdAsync(await authorizations.CreateAsync(created, cancellationToken), cancellationToken))!;
    }

    public async Task<IReadOnlyList<Connection>> ForApplicationAsync(string clientId, CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        var applicationId = application is null ? null : await applications.GetIdAsync(application, cancellationToken);
        var list = new List<Connection>();
        if (applicationId is null)
        {
            return list;
        }

        await foreach (var authorization in authorizations.FindByApplicationIdAsync(applicationId, cancellationToken))
        {
            if (await DescribeAsync(authorization, cancellationToken) is { } connection)
            {
                list.Add(connection);
            }
        }

        return [.. list.OrderByDescending(c => c.Created)];
    }

    public async Task<IReadOnlyList<Connection>> ForUserAsync(string subject, CancellationToken cancellationToken)
    {
        var list = new List<Connection>();
        await foreach (var authorization in authorizations.FindBySubjectAsync(subject, cancellationToken))
        {
            if (await DescribeAsync(authorization, cancellationToken) is { Status: ConnectionStatus.Active } connection)
            {
                list.Add(connection);
            }
        }

        return [.. list.OrderBy(c => c.BusinessName, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.AppName, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Revokes the connection and every token issued under it (EN5: that business only, at once).</summary>
    public async Task<bool> RevokeAsync(string id, Func<Connection, bool> mayRevoke, CancellationToken cancellationToken)
    {
        if (await authorizations.FindByIdAsync(id, cancellationToken) is not { } authorization
            || await DescribeAsync(authorization, cancellationToken) is not { } connection
            || !mayRevoke(connection))
        {
            return false;
        }

        await authorizations.TryRevokeAsync(authorization, cancellationToken);
        await tokens.RevokeByAuthorizationIdAsync(id, cancellationToken);
        return true;
    }

    public async Task<string?> BusinessCodeAsync(object authorization, CancellationToken cancellationToken)
    {
        var properties = await authorizations.GetPropertiesAsync(authorization, cancellationToken);
        return properties.TryGetValue(BusinessCodeProperty, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    private async Task<Connection?> DescribeAsync(object authorization, CancellationToken cancellationToken)
    {
        if (await BusinessCodeAsync(authorization, cancellationToken) is not { } code
            || !await authorizations.HasTypeAsync(authorization, AuthorizationTypes.Permanent, cancellationToken))
        {
            return null;
        }

        var id = (await authorizations.GetIdAsync(authorization, cancellationToken))!;
        var subject = await authorizations.GetSubjectAsync(authorization, cancellationToken) ?? "";
        var applicationId = await authorizations.GetApplicationIdAsync(authorization, cancellationToken);
        var application = applicationId is null ? null : await applications.FindByIdAsync(applicationId, cancellationToken);
        var clientId = application is null ? "" : await applications.GetClientIdAsync(application, cancellationToken) ?? "";
        var appName = application is null ? "" : await applications.GetDisplayNameAsync(application, cancellationToken) ?? clientId;
        var client = await ClientProperties.ReadAsync(applications, clientId, cancellationToken);

        DateTimeOffset? lastUsed = null;
        DateTimeOffset? refreshExpires = null;
        await foreach (var token in tokens.FindByAuthorizationIdAsync(id, cancellationToken))
        {
            var created = await tokens.GetCreationDateAsync(token, cancellationToken);
            if (created > lastUsed || lastUsed is null)
            {
                lastUsed = created;
            }

            if (RefreshTokenLineageHandler.IsRefreshToken(await tokens.GetTypeAsync(token, cancellationToken)) && await tokens.HasStatusAsync(token, Statuses.Valid, cancellationToken)
                && await tokens.GetExpirationDateAsync(token, cancellationToken) is { } expires && (refreshExpires is null || expires > refreshExpires))
            {
                refreshExpires = expires;
            }
        }

        var business = await db.Businesses.AsNoTracking().SingleOrDefaultAsync(b => b.Code == code, cancellationToken);
        var user = Guid.TryParse(subject, out var userId) ? await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken) : null;
        var valid = await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken);
        return new Connection(
            id, code, business?.Name ?? code, clientId, appName, client?.OrganisationName ?? "",
            subject, user?.UserName ?? subject,
            [.. await authorizations.GetScopesAsync(authorization, cancellationToken)],
            await authorizations.GetCreationDateAsync(authorization, cancellationToken),
            lastUsed, refreshExpires,
            valid ? ConnectionStatus.Active : ConnectionStatus.Revoked);
    }
}

public static class ConnectionStatus
{
    public const string Active = "active";
    public const string Revoked = "revoked";
}

/// <param name="LastUsed">When a token was last issued under the connection (code exchange or refresh).</param>
public sealed record Connection(
    string Id,
    string BusinessCode,
    string BusinessName,
    string ClientId,
    string AppName,
    string OrganisationName,
    string UserId,
    string AuthorisedBy,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? Created,
    DateTimeOffset? LastUsed,
    DateTimeOffset? RefreshTokenExpiresAt,
    string Status);
