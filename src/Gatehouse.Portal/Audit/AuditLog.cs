using System.Security.Claims;
using Gatehouse.Portal.Data;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Portal.Audit;

/// <summary>
/// Writes audit events. <see cref="Add"/> stages the event in the caller's unit of work, so the
/// action and its record commit together (or neither does); <see cref="WriteAsync"/> saves at once,
/// for events with nothing else to save (a failed sign-in, a denied request).
/// </summary>
public sealed class AuditLog(PortalDbContext db, IHttpContextAccessor http, TimeProvider clock)
{
    public AuditEvent Add(string action, AuditOutcome outcome, Guid? organisationId = null, string? target = null,
        string? environment = null, string? details = null, Guid? actorId = null, string? actorEmail = null)
    {
        var user = http.HttpContext?.User;
        var entry = new AuditEvent
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()),
            OccurredAt = clock.GetUtcNow(),
            ActorId = actorId ?? ActorIdOf(user),
            ActorEmail = Truncate(actorEmail ?? user?.Identity?.Name, 320),
            OrganisationId = organisationId,
            Action = action,
            Target = target,
            Outcome = outcome,
            IpAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString(),
            Environment = environment,
            Details = Truncate(details, 2000),
        };
        db.Add(entry);
        return entry;
    }

    public async Task WriteAsync(string action, AuditOutcome outcome, Guid? organisationId = null, string? target = null,
        string? environment = null, string? details = null, Guid? actorId = null, string? actorEmail = null,
        CancellationToken cancellationToken = default)
    {
        Add(action, outcome, organisationId, target, environment, details, actorId, actorEmail);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static Guid? ActorIdOf(ClaimsPrincipal? user) =>
        Guid.TryParse(user?.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
