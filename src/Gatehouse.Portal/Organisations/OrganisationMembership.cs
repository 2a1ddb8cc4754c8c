using System.Buffers.Text;
using System.Text;
using System.Globalization;
using System.Security.Cryptography;
using Gatehouse.Portal.Accounts;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Organisations;

/// <summary>Sign-ins of an organisation's sandbox business.</summary>
public sealed record SandboxUsers(string ApiUserName, string ApiUserPassword, string AccessControllerUserName, string AccessControllerPassword);

/// <summary>Joined is false while a join request waits for an Owner or Admin.</summary>
public sealed record JoinOutcome(Organisation Organisation, bool Joined);

/// <summary>
/// The organisation rules: a verified developer joins the organisation of their email domain; the
/// first one creates it (and its sandbox credentials) and becomes Owner; later ones join by invitation
/// or by an Owner's or Admin's approval of their request.
/// </summary>
public sealed class OrganisationMembership(PortalDbContext db, IDataProtectionProvider protection, TimeProvider clock, AuditLog audit, AccountMails mails)
{
    private const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private readonly IDataProtector sandboxPasswords = protection.CreateProtector("Gatehouse.Portal.Organisations.SandboxPassword.v1");

    /// <summary>
    /// Idempotent. A developer who already belongs to an organisation keeps it. The first verified
    /// developer of a domain creates its organisation and becomes Owner; later ones join with the role
    /// of an open invitation for their address, or else ask to join (an Owner or Admin decides).
    /// </summary>
    public async Task<JoinOutcome> JoinAsync(Developer developer, CancellationToken cancellationToken)
    {
        if (developer.OrganisationId is { } existingId)
        {
            return new JoinOutcome(await db.Organisations.SingleAsync(o => o.Id == existingId, cancellationToken), true);
        }

        var domain = EmailAddresses.DomainOf(developer.Email ?? "");
        var email = (developer.Email ?? "").ToLowerInvariant();
        for (var attempt = 0; ; attempt++)
        {
            var organisation = await db.Organisations.SingleOrDefaultAsync(o => o.Domain == domain, cancellationToken);
            if (organisation is not null)
            {
                var now = clock.GetUtcNow();
                var invitations = await db.Set<Invitation>()
                    .Where(i => i.OrganisationId == organisation.Id && i.Email == email && i.AcceptedAt == null && i.RevokedAt == null)
                    .ToListAsync(cancellationToken);
                if (invitations.Where(i => i.IsOpen(now)).OrderByDescending(i => i.CreatedAt).FirstOrDefault() is { } invitation)
                {
                    invitation.AcceptedAt = now;
                    developer.OrganisationId = organisation.Id;
                    developer.Role = invitation.Role;
                    audit.Add("org.invitation.accept", AuditOutcome.Success, organisation.Id, target: $"invitation:{invitation.Id}",
                        actorId: developer.Id, actorEmail: developer.Email, details: $"joined as {invitation.Role}");
                    await db.SaveChangesAsync(cancellationToken);
                    return new JoinOutcome(organisation, true);
                }

                if (!await db.Set<JoinRequest>().AnyAsync(r => r.OrganisationId == organisation.Id && r.DeveloperId == developer.Id && r.DecidedAt == null, cancellationToken))
                {
                    var request = new JoinRequest { Id = Guid.CreateVersion7(now), OrganisationId = organisation.Id, DeveloperId = developer.Id, Email = email, CreatedAt = now };
                    db.Add(request);
                    audit.Add("org.join.request", AuditOutcome.Success, organisation.Id, target: $"request:{request.Id}", actorId: developer.Id, actorEmail: developer.Email);
                    await db.SaveChangesAsync(cancellationToken);
                    await NotifyDecidersAsync(organisation, email, cancellationToken);
                }

                return new JoinOutcome(organisation, false);
            }

            organisation = Create(domain);
            db.Organisations.Add(organisation);
            developer.OrganisationId = organisation.Id;
            developer.Role = OrganisationRole.Owner;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await audit.WriteAsync("org.create", AuditOutcome.Success, organisation.Id, target: $"organisation:{organisation.Id}",
                    actorId: developer.Id, actorEmail: developer.Email, details: "first verified developer of " + domain + " (Owner)", cancellationToken: cancellationToken);
                return new JoinOutcome(organisation, true);
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Two first developers of one domain verified at once: the unique domain index let
                // one create it; the other joins it on the next pass.
                db.Entry(organisation).State = EntityState.Detached;
                developer.OrganisationId = null;
                developer.Role = null;
            }
        }
    }

    /// <summary>Each Owner and Admin hears of a new join request (once per request, not at every sign-in while it waits).</summary>
    private async Task NotifyDecidersAsync(Organisation organisation, string requesterEmail, CancellationToken cancellationToken)
    {
        var deciders = await db.Users.AsNoTracking()
            .Where(u => u.OrganisationId == organisation.Id && (u.Role == OrganisationRole.Owner || u.Role == OrganisationRole.Admin) && u.Email != null)
            .Select(u => u.Email!)
            .ToListAsync(cancellationToken);
        foreach (var to in deciders.Order(StringComparer.Ordinal))
        {
            await mails.SendJoinRequestAsync(to, organisation.Name, requesterEmail, cancellationToken);
        }
    }

    public string UnprotectSandboxPassword(Organisation organisation) =>
        sandboxPasswords.Unprotect(organisation.SandboxApiUserPasswordProtected);

    /// <summary>
    /// The sandbox's two Class users: the API user (password grant, Client apps) and the Access
    /// Controller (signs in and consents for Partner apps). The Access Controller's password is
    /// derived from the API user's (HMAC-SHA256, 24 base64url characters, ~144 bits): both are
    /// synthetic sandbox users shown together on the Sandbox page, so deriving it loses nothing and
    /// spares a second stored secret and a backfill for existing organisations.
    /// </summary>
    public SandboxUsers SandboxUsersOf(Organisation organisation)
    {
        var apiPassword = UnprotectSandboxPassword(organisation);
        var controllerPassword = Base64Url.EncodeToString(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiPassword), "gatehouse-sandbox-access-controller"u8))[..24];
        var controllerName = organisation.SandboxApiUserName.StartsWith("api-", StringComparison.Ordinal)
            ? "controller-" + organisation.SandboxApiUserName["api-".Length..]
            : "controller-" + organisation.SandboxApiUserName;
        return new SandboxUsers(organisation.SandboxApiUserName, apiPassword, controllerName, controllerPassword);
    }

    private Organisation Create(string domain)
    {
        var id = Guid.CreateVersion7();
        // ≥ 20 characters from a CSPRNG: 24 from 57 symbols is ~140 bits.
        var password = RandomNumberGenerator.GetString(PasswordAlphabet, 24);
        return new Organisation
        {
            Id = id,
            Domain = domain,
            Name = NameFromDomain(domain),
            CreatedAt = clock.GetUtcNow(),
            SandboxApiUserName = $"api-{id.ToString("N")[^8..]}@sandbox.{domain}",
            SandboxApiUserPasswordProtected = sandboxPasswords.Protect(password),
        };
    }

    /// <summary>"acme-advisers.com.au" → "Acme Advisers": the first label, words title-cased.</summary>
    public static string NameFromDomain(string domain)
    {
        var label = domain.Split('.', 2)[0];
        var words = label.Split(['-', '_'], StringSplitOptions.RemoveEmptyEntries);
        var name = string.Join(' ', words.Select(w => char.ToUpper(w[0], CultureInfo.InvariantCulture) + w[1..]));
        return name.Length > 0 ? name : domain;
    }
}
