using System.Security.Claims;
using Gatehouse.Portal.Apps;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.ManagementApi;

/// <summary>The caller of a management API request: the token's developer as a member, and the token's scopes.</summary>
public sealed record ApiCaller(Member Member, PersonalAccessToken Token);

public sealed class PersonalAccessTokens(PortalDbContext db, Members members, AuditLog audit, TimeProvider clock)
{
    // Sorted in memory: SQLite cannot ORDER BY a DateTimeOffset, and a developer has few tokens.
    public async Task<List<PersonalAccessToken>> ListAsync(Guid developerId, CancellationToken cancellationToken) =>
        [.. (await ListUnsortedAsync(developerId, cancellationToken)).OrderByDescending(t => t.CreatedAt)];

    private Task<List<PersonalAccessToken>> ListUnsortedAsync(Guid developerId, CancellationToken cancellationToken) =>
        db.Set<PersonalAccessToken>().AsNoTracking().Where(t => t.DeveloperId == developerId).ToListAsync(cancellationToken);

    public async Task<(string? Token, LifecycleErrors Errors)> CreateAsync(Member member, string? name, IReadOnlyCollection<string> scopes, int lifetimeDays, CancellationToken cancellationToken)
    {
        var errors = new LifecycleErrors();
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100)
        {
            errors.Add("name", "Name the token (up to 100 characters), e.g. \"CI deploys\".");
        }

        if (scopes.Count == 0 || scopes.Any(s => !ApiScopes.All.Contains(s)))
        {
            errors.Add("scopes", "Choose apps:read, apps:write or both.");
        }

        if (lifetimeDays is < 1 or > PersonalAccessToken.MaxLifetimeDays)
        {
            errors.Add("lifetimeDays", $"Pick an expiry between 1 and {PersonalAccessToken.MaxLifetimeDays} days.");
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var token = PersonalAccessToken.Generate();
        var now = clock.GetUtcNow();
        var row = new PersonalAccessToken
        {
            Id = Guid.CreateVersion7(),
            DeveloperId = member.DeveloperId,
            Name = name!.Trim(),
            Hash = PersonalAccessToken.HashOf(token),
            Hint = token[^4..],
            Scopes = string.Join(' ', ApiScopes.All.Where(scopes.Contains)),
            CreatedAt = now,
            ExpiresAt = now.AddDays(lifetimeDays),
        };
        db.Add(row);
        audit.Add("api_token.create", AuditOutcome.Success, member.OrganisationId, $"api_token:{row.Id}", null,
            $"{row.Name}; scopes {row.Scopes}; expires {row.ExpiresAt:O}; hint {row.Hint}", member.DeveloperId, member.Email);
        await db.SaveChangesAsync(cancellationToken);
        return (token, errors);
    }

    public async Task<bool> RevokeAsync(Member member, Guid tokenId, CancellationToken cancellationToken)
    {
        var row = await db.Set<PersonalAccessToken>().SingleOrDefaultAsync(t => t.Id == tokenId && t.DeveloperId == member.DeveloperId, cancellationToken);
        if (row is null)
        {
            return false;
        }

        row.RevokedAt ??= clock.GetUtcNow();
        audit.Add("api_token.revoke", AuditOutcome.Success, member.OrganisationId, $"api_token:{row.Id}", null, $"{row.Name}; hint {row.Hint}", member.DeveloperId, member.Email);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>The caller for a presented bearer token; null when unknown, revoked, expired, or its developer has no organisation.</summary>
    public async Task<ApiCaller?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        if (!presented.StartsWith(PersonalAccessToken.Prefix, StringComparison.Ordinal) || presented.Length > 100)
        {
            return null;
        }

        // Lookup by hash: the hash of a 256-bit token is not guessable, so no timing side channel matters here.
        var hash = PersonalAccessToken.HashOf(presented);
        var now = clock.GetUtcNow();
        var token = await db.Set<PersonalAccessToken>().AsNoTracking().SingleOrDefaultAsync(t => t.Hash == hash, cancellationToken);
        if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now)
        {
            return null;
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, token.DeveloperId.ToString())], "PersonalAccessToken"));
        if (await members.CurrentAsync(principal, cancellationToken) is not { } member)
        {
            return null;
        }

        await db.Set<PersonalAccessToken>().Where(t => t.Id == token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken);
        return new ApiCaller(member, token);
    }
}
