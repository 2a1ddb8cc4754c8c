using System.ComponentModel.DataAnnotations;
using Gatehouse.Portal.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.Accounts;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(AccountRateLimits.SignInPolicy)]
public sealed class SignInModel(UserManager<Developer> users, SignInManager<Developer> signIn, IPasswordHasher<Developer> hasher, AuditLog audit, SignInFlow flow) : PageModel
{
    public const string InvalidCredentials = "The email address or password is incorrect.";

    [BindProperty]
    public SignInInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>
    /// The link asked to go to another site after sign-in: that is refused (open redirect, ASVS 5.0
    /// 3.5.x / RFC 9700 §4.11) and said on the page; sign-in then goes to My Apps.
    /// </summary>
    public bool ForeignReturnUrl { get; private set; }

    public void OnGet() => DropForeignReturnUrl();

    public async Task<IActionResult> OnPostAsync()
    {
        DropForeignReturnUrl();
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var developer = await users.FindByEmailAsync(Input.Email.Trim());
        if (developer is null)
        {
            // Spend the same time as a real check, so response time does not reveal accounts.
            _ = hasher.HashPassword(new Developer(), Input.Password);
            await audit.WriteAsync("account.sign_in", AuditOutcome.Failure, actorEmail: Input.Email.Trim(), details: "unknown email");
            return Refuse(InvalidCredentials);
        }

        if (!developer.EmailConfirmed)
        {
            // Say "verify first" only to someone who knows the password: no account probing.
            if (!await users.IsLockedOutAsync(developer) && await users.CheckPasswordAsync(developer, Input.Password))
            {
                return Refuse("Verify your email address first: open the link we emailed you, then sign in.");
            }

            await users.AccessFailedAsync(developer);
            await audit.WriteAsync("account.sign_in", AuditOutcome.Failure, developer.OrganisationId, actorId: developer.Id,
                actorEmail: developer.Email, details: "email not verified");
            return Refuse(InvalidCredentials);
        }

        // Same counter as every other password check (ASVS 6.3.4): lockoutOnFailure.
        var result = await signIn.CheckPasswordSignInAsync(developer, Input.Password, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            await audit.WriteAsync(result.IsLockedOut ? "account.lockout" : "account.sign_in", AuditOutcome.Failure,
                developer.OrganisationId, actorId: developer.Id, actorEmail: developer.Email,
                details: result.IsLockedOut ? "locked out" : "wrong password");
            return Refuse(result.IsLockedOut
                ? "Too many failed attempts: this account is locked for 15 minutes."
                : InvalidCredentials);
        }

        if (developer.TwoFactorEnabled)
        {
            // Password right, second factor still due: no session yet.
            await flow.BeginMfaAsync(developer);
            return RedirectToPage("/Accounts/SignInMfa", new { ReturnUrl });
        }

        return LocalRedirect(await flow.CompleteAsync(developer, "pwd", ReturnUrl, Url));
    }

    private void DropForeignReturnUrl()
    {
        if (!string.IsNullOrEmpty(ReturnUrl) && !Url.IsLocalUrl(ReturnUrl))
        {
            ForeignReturnUrl = true;
            ReturnUrl = null;
            ModelState.Remove(nameof(ReturnUrl)); // or the form would echo the bound value
        }
    }

    private PageResult Refuse(string message)
    {
        ModelState.AddModelError("", message);
        return Page();
    }
}

public sealed class SignInInput
{
    [Display(Name = "Email")]
    [Required(ErrorMessage = "Enter your email address.")]
    [StringLength(254)]
    public string Email { get; set; } = "";

    [Display(Name = "Password")]
    [Required(ErrorMessage = "Enter your password.")]
    [StringLength(AccountRules.MaximumPasswordLength)]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";
}
