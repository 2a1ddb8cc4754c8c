using System.Security.Claims;
using Gatehouse.Environment.Authorization;

namespace Gatehouse.Environment.PartnerApi;

/// <summary>
/// Which granted scopes satisfy an operation's scope (docs/class-api-notes.md §2.5, ADR 0010):
/// <c>fund.read</c> ⊇ <c>fund.details.read</c>, <c>fund.member.read</c> (and, as before, the fund
/// list); <c>fund.maintain</c> ⊇ every <c>fund.*</c>; each <c>*.maintain</c> ⊇ its <c>*.read</c>;
/// <c>dms.documents.write</c> ⊇ <c>dms.documents.read</c>. DMS is its own product: fund scopes do
/// not reach documents, and DMS scopes do not reach fund data.
/// </summary>
public static class ScopeHierarchy
{
    private static readonly Dictionary<string, string[]> ImpliedBy = new(StringComparer.Ordinal)
    {
        [ClassScopes.BusinessFundList] = [ClassScopes.FundRead, ClassScopes.FundMaintain],
        [ClassScopes.FundRead] = [ClassScopes.FundMaintain],
        [ClassScopes.FundDetailsRead] = [ClassScopes.FundDetailsMaintain, ClassScopes.FundRead, ClassScopes.FundMaintain],
        [ClassScopes.FundDetailsMaintain] = [ClassScopes.FundMaintain],
        [ClassScopes.FundMemberRead] = [ClassScopes.FundMemberMaintain, ClassScopes.FundRead, ClassScopes.FundMaintain],
        [ClassScopes.FundMemberMaintain] = [ClassScopes.FundMaintain],
        [ClassScopes.DmsDocumentsRead] = [ClassScopes.DmsDocumentsWrite],
    };

    /// <summary>True when any of <paramref name="granted"/> is <paramref name="required"/> or a scope that contains it.</summary>
    public static bool Satisfies(IEnumerable<string> granted, string required)
    {
        var set = granted as IReadOnlySet<string> ?? granted.ToHashSet(StringComparer.Ordinal);
        return set.Contains(required) || (ImpliedBy.TryGetValue(required, out var wider) && wider.Any(set.Contains));
    }

    public static bool Satisfies(this ClaimsPrincipal principal, string required) =>
        Satisfies(principal.GetScopes().ToHashSet(StringComparer.Ordinal), required);
}
