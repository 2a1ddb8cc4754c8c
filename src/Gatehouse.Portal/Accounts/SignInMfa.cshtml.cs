using System.ComponentModel.DataAnnotations;
using Gatehouse.Portal.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Gatehouse.Portal.Accounts;

/// <summary>Second step of sign-in for developers with TOTP: a code from the app or a recovery code.</summary>
[EnableRateLimiting(AccountRateLimits.SignInPolicy)]
public sealed class SignInMfaModel(UserManager<Developer> users, SignInFlow flow, Mfa mfa, AuditLog audit) : PageModel
{
    [BindProperty]
    [Display(Name = "Authentication code")]
    [Required(ErrorMessage = "Enter the 6-digit code from your authenticator app, or a recovery code.")]
    [StringLength(20)]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await flow.PendingMfaAsync() is null ? RedirectToPage("/Accounts/SignIn") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await flow.PendingMfaAsync() is not { } developer)
        {
            return RedirectToPage("/Accounts/SignIn");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (await users.IsLockedOutAsync(developer))
        {
            return Refuse("Too many failed attempts: this account is locked for 15 minutes.");
        }

        var check = await mfa.CheckAsync(developer, Code, allowRecoveryCode: true);
        if (check is MfaCheck.Accepted or MfaCheck.RecoveryCodeUsed)
        {
            if (check == MfaCheck.RecoveryCodeUsed)
            {
                audit.Add("account.mfa.recovery_code_used", AuditOutcome.Success, developer.OrganisationId, actorId: developer.Id, actorEmail: developer.Email,
                    details: $"{Mfa.RemainingRecoveryCodes(developer)} left");
            }

            return LocalRedirect(await flow.CompleteAsync(developer, "mfa", ReturnUrl, Url));
        }

        // Wrong and reused codes both count towards the lockout (docs/security-checklist.md MF3).
        await users.AccessFailedAsync(developer);
        var locked = await users.IsLockedOutAsync(developer);
        await audit.WriteAsync(locked ? "account.lockout" : "account.sign_in", AuditOutcome.Failure, developer.OrganisationId,
            actorId: developer.Id, actorEmail: developer.Email, details: check == MfaCheck.Reused ? "reused TOTP code" : "wrong MFA code");
        return Refuse(locked
            ? "Too many failed attempts: this account is locked for 15 minutes."
            : check == MfaCheck.Reused
                ? "This code has already been used. Wait for the next code in your authenticator app."
                : "The code is incorrect. Check your authenticator app and try again.");
    }

    private PageResult Refuse(string message)
    {
        ModelState.AddModelError(nameof(Code), message);
        return Page();
    }
}
