using System.ComponentModel.DataAnnotations;
using Gatehouse.Portal.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Gatehouse.Portal.Accounts;

/// <summary>Asks for a reset link; the same answer for any address (ASVS 6.3.8), rate limited.</summary>
[EnableRateLimiting(AccountRateLimits.PerIpPolicy)]
public sealed class ForgotPasswordModel(UserManager<Developer> users, AccountMails mails, AccountRateLimits limits, AuditLog audit) : PageModel
{
    [BindProperty]
    [Display(Name = "Email")]
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(254)]
    public string Email { get; set; } = "";

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (limits.CheckEmail(HttpContext, Email) is { } tooMany)
        {
            return tooMany;
        }

        if (await users.FindByEmailAsync(Email.Trim()) is { EmailConfirmed: true } developer)
        {
            await mails.SendPasswordResetAsync(developer, cancellationToken);
            await audit.WriteAsync("account.password.reset_requested", AuditOutcome.Success, developer.OrganisationId, actorId: developer.Id,
                actorEmail: developer.Email, cancellationToken: cancellationToken);
        }

        return RedirectToPage("/Accounts/CheckEmail");
    }
}
