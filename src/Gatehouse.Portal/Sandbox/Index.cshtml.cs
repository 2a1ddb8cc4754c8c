using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Sandbox;

/// <summary>The organisation's PIE sandbox: business, API user (its password shown again on purpose) and endpoints.</summary>
public sealed class SandboxModel(PortalDbContext db, Members members, OrganisationMembership membership, PortalEnvironments environments) : PageModel
{
    public string? EnvironmentName { get; private set; }

    public string OrganisationName { get; private set; } = "";

    public string? BusinessCode { get; private set; }

    public string? BusinessName { get; private set; }

    public int? FundCount { get; private set; }

    public string? ApiUserName { get; private set; }

    public string? ApiUserPassword { get; private set; }

    public string? LastError { get; private set; }

    public string? TokenUrl { get; private set; }

    public string? DiscoveryUrl { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await members.CurrentAsync(User, cancellationToken) is not { } member)
        {
            return Challenge();
        }

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
        ApiUserName = organisation.SandboxApiUserName;
        ApiUserPassword = membership.UnprotectSandboxPassword(organisation);
        // The page holds a password: keep it out of caches.
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
