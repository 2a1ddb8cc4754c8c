using Gatehouse.Environment.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Environment.Account;

/// <summary>The TOTP step after a correct password. Wrong codes count toward the same lockout (MF3).</summary>
public sealed class MfaModel(SignInManager<ClassUser> signIn) : PageModel
{
    public string ReturnUrl { get; private set; } = "/account/access";

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        ReturnUrl = PageSecurity.IsSafeReturnUrl(returnUrl) ? returnUrl! : ReturnUrl;
        await FormActionPolicy.ApplyAsync(HttpContext, ReturnUrl);
        return await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/Account/Login", new { returnUrl = ReturnUrl }) : Page();
    }

    public async Task<IActionResult> OnPostAsync(string? returnUrl, string? code)
    {
        ReturnUrl = PageSecurity.IsSafeReturnUrl(returnUrl) ? returnUrl! : ReturnUrl;
        await FormActionPolicy.ApplyAsync(HttpContext, ReturnUrl);
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is not { } user)
        {
            return RedirectToPage("/Account/Login", new { returnUrl = ReturnUrl });
        }

        // A user still enrolling has a key but no MFA yet: that finishes on the enrolment page.
        if (!user.TwoFactorEnabled)
        {
            return RedirectToPage("/Account/MfaEnrol", new { returnUrl = ReturnUrl });
        }

        var result = await signIn.TwoFactorAuthenticatorSignInAsync((code ?? "").Replace(" ", "", StringComparison.Ordinal), isPersistent: false, rememberClient: false);
        if (result.Succeeded)
        {
            return Redirect(ReturnUrl);
        }

        Error = "The code is not valid, or the account is locked. Try again with a new code.";
        return Page();
    }
}
