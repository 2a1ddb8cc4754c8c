using System.Globalization;
using System.Security.Cryptography;
using Gatehouse.Portal.Accounts;
using Gatehouse.Portal.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Organisations;

/// <summary>
/// The organisation rules: a verified developer joins the organisation of their email domain; the
/// first one creates it (and its sandbox credentials) and becomes Owner, later ones join as Viewer.
/// </summary>
public sealed class OrganisationMembership(PortalDbContext db, IDataProtectionProvider protection, TimeProvider clock)
{
    private const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private readonly IDataProtector sandboxPasswords = protection.CreateProtector("Gatehouse.Portal.Organisations.SandboxPassword.v1");

    /// <summary>Idempotent: a developer who already belongs to an organisation keeps it.</summary>
    public async Task<Organisation> JoinAsync(Developer developer, CancellationToken cancellationToken)
    {
        if (developer.OrganisationId is { } existingId)
        {
            return await db.Organisations.SingleAsync(o => o.Id == existingId, cancellationToken);
        }

        var domain = EmailAddresses.DomainOf(developer.Email ?? "");
        for (var attempt = 0; ; attempt++)
        {
            var organisation = await db.Organisations.SingleOrDefaultAsync(o => o.Domain == domain, cancellationToken);
            if (organisation is not null)
            {
                developer.OrganisationId = organisation.Id;
                developer.Role = OrganisationRole.Viewer;
                await db.SaveChangesAsync(cancellationToken);
                return organisation;
            }

            organisation = Create(domain);
            db.Organisations.Add(organisation);
            developer.OrganisationId = organisation.Id;
            developer.Role = OrganisationRole.Owner;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return organisation;
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

    public string UnprotectSandboxPassword(Organisation organisation) =>
        sandboxPasswords.Unprotect(organisation.SandboxApiUserPasswordProtected);

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
