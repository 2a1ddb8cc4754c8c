using System.Security.Claims;
using Gatehouse.Portal.Approvals;

namespace Gatehouse.Portal.Organisations;

/// <summary>
/// The signed-in developer's membership, looked up once per request (scoped, in the style of
/// davidfowl/TodoApi's CurrentUser): the <see cref="MemberPolicies"/> resolve it before a page
/// runs, and the page reads <see cref="Value"/>; pages that also serve non-members call
/// <see cref="FindAsync"/>, which answers from the same lookup.
/// </summary>
public sealed class CurrentMember(Members members, PlatformAdmins admins)
{
    private Task<Member?>? member;
    private Task<Member?>? admin;

    /// <summary>The member behind the <see cref="MemberPolicies.Member"/> or <see cref="MemberPolicies.PlatformAdmin"/> policy.</summary>
    public Member Value => member is { IsCompletedSuccessfully: true, Result: { } found }
        ? found
        : throw new InvalidOperationException("No current member was resolved: put the page behind the Member or PlatformAdmin policy, or call FindAsync.");

    /// <summary>Null when nobody is signed in or the developer belongs to no organisation yet.</summary>
    public Task<Member?> FindAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        member ??= members.CurrentAsync(user, cancellationToken);

    /// <summary>The member when they are a platform admin, else null.</summary>
    public Task<Member?> FindAdminAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        admin ??= AdminAsync(user, cancellationToken);

    private async Task<Member?> AdminAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        await FindAsync(user, cancellationToken) is { } found && await admins.IsAdminAsync(found, cancellationToken) ? found : null;
}
