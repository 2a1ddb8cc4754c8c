using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Sandbox;

/// <summary>The organisation's PIE sandbox: business, API user (its password shown again on purpose) and endpoints.</summary>
public sealed class SandboxModel(PortalDbContext db, CurrentMember current, OrganisationMembership membership, PortalEnvironments environments, Provisioner provisioner, AuditLog audit) : PageModel
{
    public string? EnvironmentName { get; private set; }

    public string OrganisationName { get; private set; } = "";

    public string? BusinessCode { get; private set; }

    public string? BusinessName { get; private set; }

    public int? FundCount { get; private set; }

    public string? ApiUserName { get; private set; }

    public string? ApiUserPassword { get; private set; }

    public string? AccessControllerUserName { get; private set; }

    public string? AccessControllerPassword { get; private set; }

    public bool MayReset { get; private set; }

    [TempData]
    public string? ResetMessage { get; set; }

    [TempData]
    public string? ResetError { get; set; }

    public string? LastError { get; private set; }

    public string? TokenUrl { get; private set; }

    public string? DiscoveryUrl { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var member = current.Value;

        var organisation = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == member.OrganisationId, cancellationToken);
        OrganisationName = organisation.Name;
        if (environments.Sandbox is not { } sandbox)
        {
            return Page();
        }

        EnvironmentName = environments.DisplayName(sandbox.Key);
        var issuer = sandbox.Value.ResolveIssuer().AbsoluteUri.TrimEnd('/');
        TokenUrl = issuer + "/connect/token";
        DiscoveryUrl = issuer + "/.well-known/openid-configuration";
        LastError = organisation.SandboxLastError;
        if (organisation.SandboxBusinessCode is null)
        {
            return Page();
        }

        BusinessCode = organisation.SandboxBusinessCode;
        BusinessName = organisation.SandboxBusinessName;
        FundCount = organisation.SandboxFundCount;
        var users = membership.SandboxUsersOf(organisation);
        ApiUserName = users.ApiUserName;
        ApiUserPassword = users.ApiUserPassword;
        AccessControllerUserName = users.AccessControllerUserName;
        AccessControllerPassword = users.AccessControllerPassword;
        MayReset = member.MayManageApps;
        // The page holds a password: keep it out of caches.
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    /// <summary>Reset sandbox: its funds, members, journals and documents back to the generated state.</summary>
    public async Task<IActionResult> OnPostResetAsync(CancellationToken cancellationToken)
    {
        var member = current.Value;

        if (!member.MayManageApps)
        {
            return Forbid();
        }

        var (result, error) = await provisioner.ResetSandboxAsync(member.OrganisationId, cancellationToken);
        await audit.WriteAsync("sandbox.reset", result is null ? AuditOutcome.Failure : AuditOutcome.Success, member.OrganisationId,
            result is null ? null : $"business:{result.BusinessCode}", environments.Sandbox?.Key, error, cancellationToken: cancellationToken);
        if (result is null)
        {
            ResetError = error;
        }
        else
        {
            ResetMessage = $"Sandbox reset: {result.FundCount} funds, {result.MemberCount} members and {result.DocumentCount} documents restored.";
        }

        // Post/redirect/get: a refresh must not reset again.
        return RedirectToPage();
    }
}
