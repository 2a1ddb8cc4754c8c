using System.Security.Claims;
using System.Security.Cryptography;
using Gatehouse.Portal.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Accounts;

/// <summary>Creates, checks and ends server-side sessions (see <see cref="DeveloperSession"/>).</summary>
public sealed class DeveloperSessions(PortalDbContext db, SignInManager<Developer> signIn, IHttpContextAccessor http, TimeProvider clock)
{
    /// <summary>The claim in the auth cookie that names the session row.</summary>
    public const string SessionClaim = "gatehouse:sid";

    /// <summary>Last-seen is written at most this often, so browsing is not one UPDATE per request.</summary>
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    /// <summary>A new session and a fresh auth cookie: the cookie value changes at every sign-in (ASVS 7.2.4).</summary>
    public async Task SignInAsync(Developer developer, string method)
    {
        var context = http.HttpContext!;
        var now = clock.GetUtcNow();
        var session = new DeveloperSession
        {
            Id = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32)),
            DeveloperId = developer.Id,
            CreatedAt = now,
            LastSeenAt = now,
            IpAddress = context.Connection.RemoteIpAddress?.ToString(),
            UserAgent = Truncate(context.Request.Headers.UserAgent.ToString(), 300),
        };
        db.Add(session);
        await db.SaveChangesAsync();
        await signIn.SignInWithClaimsAsync(developer, isPersistent: false, [new Claim(SessionClaim, session.Id), new Claim("amr", method)]);
    }

    public static string? SessionIdOf(ClaimsPrincipal principal) => principal.FindFirstValue(SessionClaim);

    /// <summary>Ends the current session on the server and drops the cookie.</summary>
    public async Task SignOutAsync(ClaimsPrincipal principal)
    {
        if (SessionIdOf(principal) is { } id)
        {
            await db.Set<DeveloperSession>().Where(s => s.Id == id && s.RevokedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, clock.GetUtcNow()));
        }

        await signIn.SignOutAsync();
    }

    /// <summary>Ends every session of the developer, optionally but one; returns how many.</summary>
    public Task<int> RevokeAllAsync(Guid developerId, string? except = null) =>
        db.Set<DeveloperSession>()
            .Where(s => s.DeveloperId == developerId && s.RevokedAt == null && s.Id != except)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, clock.GetUtcNow()));

    public Task<int> RevokeAsync(Guid developerId, string id) =>
        db.Set<DeveloperSession>()
            .Where(s => s.DeveloperId == developerId && s.Id == id && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, clock.GetUtcNow()));

    public async Task<List<DeveloperSession>> ActiveAsync(Guid developerId, CancellationToken cancellationToken)
    {
        var active = await db.Set<DeveloperSession>().AsNoTracking()
            .Where(s => s.DeveloperId == developerId && s.RevokedAt == null)
            .ToListAsync(cancellationToken);
        // Sorted here: SQLite cannot ORDER BY a DateTimeOffset column.
        return [.. active.OrderByDescending(s => s.LastSeenAt)];
    }

    /// <summary>
    /// Cookie validation on every request: a cookie without a live session row is rejected at once,
    /// whatever its own expiry says (SECURITY.md SE2). Then Identity's security-stamp check runs.
    /// </summary>
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var id = context.Principal is null ? null : SessionIdOf(context.Principal);
        var userId = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var db = services.GetRequiredService<PortalDbContext>();
        var clock = services.GetRequiredService<TimeProvider>();
        var session = id is null ? null : await db.Set<DeveloperSession>().SingleOrDefaultAsync(s => s.Id == id);
        if (session is null || session.RevokedAt is not null || session.DeveloperId.ToString() != userId)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }

        var now = clock.GetUtcNow();
        if (now - session.LastSeenAt > TouchInterval)
        {
            session.LastSeenAt = now;
            await db.SaveChangesAsync();
        }

        await SecurityStampValidator.ValidatePrincipalAsync(context);
    }

    private static string? Truncate(string? value, int max) => string.IsNullOrEmpty(value) ? null : value.Length <= max ? value : value[..max];
}
