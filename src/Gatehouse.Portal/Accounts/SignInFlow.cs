using System.Security.Claims;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Gatehouse.Portal.Accounts;

/// <summary>What the sign-in pages share: the MFA hand-over, finishing a sign-in, and local-only redirects.</summary>
public sealed class SignInFlow(
    UserManager<Developer> users,
    DeveloperSessions sessions,
    OrganisationMembership membership,
    AuditLog audit,
    IHttpContextAccessor http)
{
    /// <summary>ASVS 3.7.2: only local paths; "//evil.test", "/\evil.test" and absolute URLs go to My Apps.</summary>
    public static string SafeReturnUrl(IUrlHelper url, string? returnUrl) => url.IsLocalUrl(returnUrl) ? returnUrl! : "/apps";

    /// <summary>
    /// Re-authentication before a sensitive change (ASVS 7.5.1): the current password, on the shared
    /// lockout counter. False when wrong or locked.
    /// </summary>
    public async Task<bool> ReauthenticateAsync(Developer developer, string? password)
    {
        if (string.IsNullOrEmpty(password) || await users.IsLockedOutAsync(developer))
        {
            return false;
        }

        if (await users.CheckPasswordAsync(developer, password))
        {
            return true;
        }

        await users.AccessFailedAsync(developer);
        await audit.WriteAsync("account.reauthenticate", AuditOutcome.Failure, developer.OrganisationId, actorId: developer.Id, actorEmail: developer.Email,
            details: await users.IsLockedOutAsync(developer) ? "wrong password; locked out" : "wrong password");
        return false;
    }

    /// <summary>Password accepted for a developer with MFA: remember who for five minutes (a Strict, HttpOnly cookie), then ask for a code.</summary>
    public async Task BeginMfaAsync(Developer developer)
    {
        var identity = new ClaimsIdentity(IdentityConstants.TwoFactorUserIdScheme);
        identity.AddClaim(new Claim(ClaimTypes.Name, developer.Id.ToString()));
        await http.HttpContext!.SignInAsync(IdentityConstants.TwoFactorUserIdScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>The developer whose password was accepted in the last five minutes, waiting for their code.</summary>
    public async Task<Developer?> PendingMfaAsync()
    {
        var result = await http.HttpContext!.AuthenticateAsync(IdentityConstants.TwoFactorUserIdScheme);
        return result.Principal?.FindFirstValue(ClaimTypes.Name) is { } id ? await users.FindByIdAsync(id) : null;
    }

    /// <summary>Every check passed: reset the failure counter, join by invitation if one waits, open a server-side session.</summary>
    public async Task<string> CompleteAsync(Developer developer, string method, string? returnUrl, IUrlHelper url)
    {
        var context = http.HttpContext!;
        await context.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        await users.ResetAccessFailedCountAsync(developer);
        var joined = await membership.JoinAsync(developer, context.RequestAborted);
        await sessions.SignInAsync(developer, method);
        await audit.WriteAsync("account.sign_in", AuditOutcome.Success, developer.OrganisationId, actorId: developer.Id,
            actorEmail: developer.Email, details: method);
        return joined.Joined ? SafeReturnUrl(url, returnUrl) : "/organisation";
    }
}
