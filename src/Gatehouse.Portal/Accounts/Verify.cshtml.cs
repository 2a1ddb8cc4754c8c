using System.Text;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Organisations;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Gatehouse.Portal.Accounts;

public enum VerifyOutcome
{
    Ready,
    Verified,
    Failed,
}

public sealed class VerifyModel(UserManager<Developer> users, OrganisationMembership membership, Provisioner provisioner, AuditLog audit) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    public VerifyOutcome Outcome { get; private set; }

    public string? OrganisationName { get; private set; }

    /// <summary>False while the developer's request to join waits for an Owner or Admin.</summary>
    public bool Joined { get; private set; }

    public void OnGet()
    {
        Outcome = string.IsNullOrEmpty(UserId) || string.IsNullOrEmpty(Code) ? VerifyOutcome.Failed : VerifyOutcome.Ready;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Outcome = VerifyOutcome.Failed;
        var token = DecodeToken(Code);
        if (!Guid.TryParse(UserId, out var id) || token is null
            || await users.FindByIdAsync(id.ToString()) is not { } developer
            || developer.EmailConfirmed)
        {
            return Page();
        }

        var result = await users.ConfirmEmailAsync(developer, token);
        if (!result.Succeeded)
        {
            return Page();
        }

        // The token embeds the security stamp: renewing it makes this link single-use.
        await users.UpdateSecurityStampAsync(developer);
        await audit.WriteAsync("account.email.verify", AuditOutcome.Success, actorId: developer.Id, actorEmail: developer.Email, cancellationToken: cancellationToken);
        var joined = await membership.JoinAsync(developer, cancellationToken);
        if (joined.Joined)
        {
            // Best effort, so the Sandbox page is ready sooner; the provisioning worker retries otherwise.
            await provisioner.SyncSandboxAsync(joined.Organisation.Id, cancellationToken);
        }

        OrganisationName = joined.Organisation.Name;
        Joined = joined.Joined;
        Outcome = VerifyOutcome.Verified;
        return Page();
    }

    private static string? DecodeToken(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 2000)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
