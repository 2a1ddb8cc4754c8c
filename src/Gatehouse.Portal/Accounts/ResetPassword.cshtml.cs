using System.ComponentModel.DataAnnotations;
using Gatehouse.Portal.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.Accounts;

/// <summary>
/// New password from a mailed link. The link is single-use (the reset renews the security stamp), every
/// session ends, and MFA still applies at the next sign-in (ASVS 6.4.3).
/// </summary>
public sealed class ResetPasswordModel(UserManager<Developer> users, DeveloperSessions sessions, AuditLog audit) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    [BindProperty]
    [Display(Name = "New password")]
    [Required(ErrorMessage = "Choose a password.")]
    [StringLength(AccountRules.MaximumPasswordLength, MinimumLength = AccountRules.MinimumPasswordLength, ErrorMessage = "Use between {2} and {1} characters.")]
    [DataType(DataType.Password)]
    public string NewPassword { get; set; } = "";

    public bool Done { get; private set; }

    public bool Failed { get; private set; }

    public void OnGet() => Failed = string.IsNullOrEmpty(UserId) || string.IsNullOrEmpty(Code);

    public async Task<IActionResult> OnPostAsync()
    {
        var token = AccountTokens.Decode(Code);
        if (token is null || !Guid.TryParse(UserId, out var id) || await users.FindByIdAsync(id.ToString()) is not { } developer)
        {
            Failed = true;
            return Page();
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var result = await users.ResetPasswordAsync(developer, token, NewPassword);
        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken)))
            {
                Failed = true;
                await audit.WriteAsync("account.password.reset", AuditOutcome.Failure, developer.OrganisationId, actorId: developer.Id, actorEmail: developer.Email, details: "invalid or used link");
                return Page();
            }

            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(nameof(NewPassword), error.Description);
            }

            return Page();
        }

        await sessions.RevokeAllAsync(developer.Id);
        await audit.WriteAsync("account.password.reset", AuditOutcome.Success, developer.OrganisationId, actorId: developer.Id, actorEmail: developer.Email);
        Done = true;
        return Page();
    }
}
