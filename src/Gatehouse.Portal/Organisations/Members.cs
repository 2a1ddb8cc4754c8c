using System.Security.Claims;
using Gatehouse.Portal.Accounts;
using Gatehouse.Portal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Organisations;

/// <summary>The signed-in developer as pages need them: every app query filters by <see cref="OrganisationId"/>.</summary>
public sealed record Member(Guid DeveloperId, string Email, Guid OrganisationId, string OrganisationName, OrganisationRole Role)
{
    public bool MayManageApps => Role is OrganisationRole.Owner or OrganisationRole.Admin or OrganisationRole.Developer;

    public bool MayManageMembers => Role is OrganisationRole.Owner or OrganisationRole.Admin;
}

public sealed class Members(PortalDbContext db, UserManager<Developer> users)
{
    /// <summary>Null when nobody is signed in or the developer belongs to no organisation yet.</summary>
    public async Task<Member?> CurrentAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(users.GetUserId(principal), out var id))
        {
            return null;
        }

        return await db.Users.AsNoTracking()
            .Where(u => u.Id == id && u.OrganisationId != null && u.Role != null)
            .Join(db.Organisations, u => u.OrganisationId, o => o.Id, (u, o) => new Member(u.Id, u.Email!, o.Id, o.Name, u.Role!.Value))
            .SingleOrDefaultAsync(cancellationToken);
    }
}
