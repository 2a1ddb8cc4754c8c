using System.ComponentModel.DataAnnotations;
using Gatehouse.Portal.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.Accounts;

/// <summary>Change password and change email, each behind the current password (ASVS 6.2.3, 7.5.1).</summary>
public sealed class SecurityModel(UserManager<Developer> users, SignInFlow flow, DeveloperSessions sessions, AccountMails mails, AuditLog audit) : PageModel
{
    // Bound by the handler that uses it: each form validates only its own fields.
    public ChangePasswordInput Password { get; set; } = new();

    public ChangeEmailInput Email { get; set; } = new();

    public string CurrentEmail { get; private set; } = "";

    public bool TwoFactorEnabled { get; private set; }

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } developer)
        {
            return Challenge();
        }

        Show(developer);
        return Page();
    }

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } developer)
        {
            return Challenge();
        }

        Show(developer);
        if (!await TryUpdateModelAsync(Password, nameof(Password)))
        {
            return Page();
        }

        if (!await flow.ReauthenticateAsync(developer, Password.CurrentPassword))
        {
            ModelState.AddModelError("Password.CurrentPassword", "The current password is incorrect.");
            return Page();
        }

        var result = await users.ChangePasswordAsync(developer, Password.CurrentPassword, Password.NewPassword);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError("Password.NewPassword", error.Description);
            }

            return Page();
        }

        // Every other browser is signed out (ASVS 7.4.3); this one keeps its session.
        await sessions.RevokeAllAsync(developer.Id, except: DeveloperSessions.SessionIdOf(User));
        await sessions.SignOutAsync(User);
        await sessions.SignInAsync(developer, "pwd");
        await audit.WriteAsync("account.password.change", AuditOutcome.Success, developer.OrganisationId, cancellationToken: cancellationToken);
        await mails.SendPasswordChangedNoticeAsync(developer, cancellationToken);
        Message = "Your password has changed. Other browsers were signed out.";
        return Page();
    }

    public async Task<IActionResult> OnPostEmailAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } developer)
        {
            return Challenge();
        }

        Show(developer);
        if (!await TryUpdateModelAsync(Email, nameof(Email)))
        {
            return Page();
        }

        var newEmail = Email.NewEmail.Trim();
        // The organisation is the email's domain: a new address stays within it.
        if (EmailAddresses.DomainOf(newEmail) != EmailAddresses.DomainOf(developer.Email!))
        {
            ModelState.AddModelError("Email.NewEmail", $"Use an address at {EmailAddresses.DomainOf(developer.Email!)}: your organisation is tied to its domain.");
            return Page();
        }

        if (!await flow.ReauthenticateAsync(developer, Email.CurrentPassword))
        {
            ModelState.AddModelError("Email.CurrentPassword", "The current password is incorrect.");
            return Page();
        }

        // Same message whether or not the address is taken: the link only works if it is free.
        if (await users.FindByEmailAsync(newEmail) is null)
        {
            await mails.SendEmailChangeAsync(developer, newEmail, cancellationToken);
        }

        await audit.WriteAsync("account.email.change_requested", AuditOutcome.Success, developer.OrganisationId, details: "to " + newEmail, cancellationToken: cancellationToken);
        Message = $"We sent a link to {newEmail}. Your email changes when you open it.";
        return Page();
    }

    private void Show(Developer developer)
    {
        CurrentEmail = developer.Email!;
        TwoFactorEnabled = developer.TwoFactorEnabled;
    }
}

public sealed class ChangePasswordInput
{
    [Display(Name = "Current password")]
    [Required(ErrorMessage = "Enter your current password.")]
    [StringLength(AccountRules.MaximumPasswordLength)]
    [DataType(DataType.Password)]
    public string CurrentPassword { get; set; } = "";

    [Display(Name = "New password")]
    [Required(ErrorMessage = "Choose a new password.")]
    [StringLength(AccountRules.MaximumPasswordLength, MinimumLength = AccountRules.MinimumPasswordLength, ErrorMessage = "Use between {2} and {1} characters.")]
    [DataType(DataType.Password)]
    public string NewPassword { get; set; } = "";
}

public sealed class ChangeEmailInput
{
    [Display(Name = "New email")]
    [Required(ErrorMessage = "Enter the new email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(254)]
    public string NewEmail { get; set; } = "";

    [Display(Name = "Current password")]
    [Required(ErrorMessage = "Enter your current password.")]
    [StringLength(AccountRules.MaximumPasswordLength)]
    [DataType(DataType.Password)]
    public string CurrentPassword { get; set; } = "";
}
