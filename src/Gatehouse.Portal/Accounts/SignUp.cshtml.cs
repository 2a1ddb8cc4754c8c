using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Accounts;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(AccountRateLimits.PerIpPolicy)]
public sealed class SignUpModel(
    UserManager<Developer> users,
    IPasswordHasher<Developer> hasher,
    AccountMails mails,
    IOptions<SignUpOptions> signUp,
    AccountRateLimits limits,
    TimeProvider clock) : PageModel
{
    [BindProperty]
    public SignUpInput Input { get; set; } = new();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var email = Input.Email.Trim();
        var domain = EmailAddresses.DomainOf(email);
        if (!domain.Contains('.', StringComparison.Ordinal))
        {
            ModelState.AddModelError("Input.Email", "Enter a valid email address.");
            return Page();
        }

        // ASVS 2.2.1: enforced here, whatever the form sent.
        if (signUp.Value.IsFreeMail(email))
        {
            ModelState.AddModelError("Input.Email", $"Use your company email address: free email addresses such as {domain} can't be used for a developer account.");
            return Page();
        }

        if (signUp.Value.IsNotAllowed(email))
        {
            ModelState.AddModelError("Input.Email", $"Sign-up is limited to the portal's partner companies, and {domain} is not one of them.");
            return Page();
        }

        if (limits.CheckEmail(HttpContext, email) is { } tooMany)
        {
            return tooMany;
        }

        // The password is judged before the address is looked up: the answer must not depend on
        // whether the address already has an account (no enumeration).
        var candidate = new Developer { UserName = email, Email = email };
        foreach (var validator in users.PasswordValidators)
        {
            var check = await validator.ValidateAsync(users, candidate, Input.Password);
            foreach (var error in check.Errors)
            {
                ModelState.AddModelError("Input.Password", error.Description);
            }
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var existing = await users.FindByEmailAsync(email);
        if (existing is not null)
        {
            // Same work and same page as a new sign-up (no enumeration); the owner gets a mail.
            _ = hasher.HashPassword(existing, Input.Password);
            await mails.SendAlreadyRegisteredAsync(existing, cancellationToken);
            return RedirectToPage("/Accounts/CheckEmail");
        }

        var developer = new Developer { UserName = email, Email = email, CreatedAt = clock.GetUtcNow() };
        var result = await users.CreateAsync(developer, Input.Password);
        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName)))
            {
                // Lost a race with a concurrent sign-up of the same address: same answer as above.
                return RedirectToPage("/Accounts/CheckEmail");
            }

            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(error.Code.StartsWith("Password", StringComparison.Ordinal) ? "Input.Password" : "", error.Description);
            }

            return Page();
        }

        await mails.SendVerificationAsync(developer, cancellationToken);
        return RedirectToPage("/Accounts/CheckEmail");
    }
}

public sealed class SignUpInput
{
    [Display(Name = "Work email")]
    [Required(ErrorMessage = "Enter your work email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(254, ErrorMessage = "The email address is too long.")]
    public string Email { get; set; } = "";

    [Display(Name = "Password")]
    [Required(ErrorMessage = "Choose a password.")]
    [StringLength(AccountRules.MaximumPasswordLength, MinimumLength = AccountRules.MinimumPasswordLength, ErrorMessage = "Use between {2} and {1} characters.")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";

    [Display(Name = "Confirm password")]
    [Required(ErrorMessage = "Type the password again.")]
    [Compare(nameof(Password), ErrorMessage = "The passwords do not match.")]
    [DataType(DataType.Password)]
    public string ConfirmPassword { get; set; } = "";
}
