using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Gatehouse.Portal.Accounts;

/// <summary>Resend the verification mail; the same answer whether or not the address has an account (ASVS 6.3.8), rate limited (2.4.1).</summary>
[EnableRateLimiting(AccountRateLimits.PerIpPolicy)]
public sealed class ResendModel(UserManager<Developer> users, AccountMails mails, AccountRateLimits limits) : PageModel
{
    [BindProperty]
    [Display(Name = "Work email")]
    [Required(ErrorMessage = "Enter your work email address.")]
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

        if (await users.FindByEmailAsync(Email.Trim()) is { EmailConfirmed: false } developer)
        {
            await mails.SendVerificationAsync(developer, cancellationToken);
        }

        return RedirectToPage("/Accounts/CheckEmail");
    }
}
