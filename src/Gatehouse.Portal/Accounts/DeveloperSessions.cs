using System.Security.Claims;
using System.Security.Cryptography;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Accounts;

/// <summary>Creates, checks and ends server-side sessions (see <see cref="DeveloperSession"/>).</summary>
public sealed class DeveloperSessions(PortalDbContext db, SignInManager<Developer> signIn, IHttpContextAccessor http, TimeProvider clock, IOptions<SessionTimeoutOptions> timeouts)
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
        // Idle or too old counts as ended even before its cookie comes back to be refused.
        // Sorted here: SQLite cannot ORDER BY a DateTimeOffset column.
        var now = clock.GetUtcNow();
        return [.. active.Where(s => Expired(s, now, timeouts.Value) is null).OrderByDescending(s => s.LastSeenAt)];
    }

    /// <summary>
    /// Cookie validation on every request: a cookie without a live session row is rejected at once,
    /// whatever its own expiry says (docs/security-checklist.md SE2). A session idle for longer than the idle timeout,
    /// or older than the absolute lifetime, is ended on the server too (ASVS 7.3.1, 7.3.2; SE4): the
    /// row is revoked, so the cookie cannot come back. Then Identity's security-stamp check runs.
    /// </summary>
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var id = context.Principal is null ? null : SessionIdOf(context.Principal);
        var userId = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var db = services.GetRequiredService<PortalDbContext>();
        var clock = services.GetRequiredService<TimeProvider>();
        var timeouts = services.GetRequiredService<IOptions<SessionTimeoutOptions>>().Value;
        var session = id is null ? null : await db.Set<DeveloperSession>().SingleOrDefaultAsync(s => s.Id == id);
        if (session is null || session.RevokedAt is not null || session.DeveloperId.ToString() != userId)
        {
            await RejectAsync(context);
            return;
        }

        var now = clock.GetUtcNow();
        if (Expired(session, now, timeouts) is { } reason)
        {
            session.RevokedAt = now;
            var developer = await db.Users.AsNoTracking().Where(u => u.Id == session.DeveloperId).Select(u => new { u.OrganisationId, u.Email }).SingleAsync();
            services.GetRequiredService<AuditLog>().Add("account.session.expire", AuditOutcome.Success, developer.OrganisationId,
                target: "session", details: reason, actorId: session.DeveloperId, actorEmail: developer.Email);
            await db.SaveChangesAsync();
            await RejectAsync(context);
            return;
        }

        // Last-seen is what the idle timeout measures; written at most once a minute, so a session
        // ends between IdleTimeout and IdleTimeout + 1 minute after its last request.
        if (now - session.LastSeenAt > TouchInterval)
        {
            session.LastSeenAt = now;
            await db.SaveChangesAsync();
        }

        await SecurityStampValidator.ValidatePrincipalAsync(context);
    }

    /// <summary>Why the session is over ("idle" or "absolute"), or null while it is alive.</summary>
    public static string? Expired(DeveloperSession session, DateTimeOffset now, SessionTimeoutOptions timeouts) =>
        now - session.CreatedAt >= timeouts.AbsoluteTimeout ? "absolute lifetime reached"
        : now - session.LastSeenAt >= timeouts.IdleTimeout ? "idle timeout"
        : null;

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }

    private static string? Truncate(string? value, int max) => string.IsNullOrEmpty(value) ? null : value.Length <= max ? value : value[..max];
}
