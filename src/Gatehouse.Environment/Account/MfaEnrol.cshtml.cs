using System.Security.Claims;
using Gatehouse.Environment.Users;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Mfa;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Environment.Account;

/// <summary>
/// Class user TOTP enrolment: a key (shown as a QR code and as text) confirmed with one code from the
/// authenticator app. Reached after a correct password when the environment requires MFA and the
/// user has none (only the short-lived two-factor cookie is set then, so nothing else is possible
/// until enrolment ends), or by a logged-in user who wants MFA. Changing an enrolled authenticator
/// is not offered here: it would need step-up authentication (ASVS 7.5.1, docs/security-checklist.md MF5).
/// Wrong codes count toward the shared lockout (MF3).
/// </summary>
public sealed class MfaEnrolModel(SignInManager<ClassUser> signIn, UserManager<ClassUser> users, EnvironmentEndpoint environment) : PageModel
{
    public string ReturnUrl { get; private set; } = "/account/access";

    public string? Error { get; private set; }

    public string Key { get; private set; } = "";

    public string QrCodeDataUri { get; private set; } = "";

    /// <summary>What Identity's own MFA step stores in the two-factor cookie: the user id as the name claim.</summary>
    public static Task BeginPendingAsync(HttpContext http, ClassUser user) =>
        http.SignInAsync(IdentityConstants.TwoFactorUserIdScheme, new ClaimsPrincipal(
            new ClaimsIdentity([new Claim(ClaimTypes.Name, user.Id.ToString())], IdentityConstants.TwoFactorUserIdScheme)));

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        await PrepareAsync(returnUrl);
        var (user, _) = await CurrentAsync();
        if (user is null)
        {
            return RedirectToPage("/Account/Login", new { returnUrl = ReturnUrl });
        }

        if (user.TwoFactorEnabled)
        {
            return Redirect(ReturnUrl);
        }

        await LoadKeyAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? returnUrl, string? code)
    {
        await PrepareAsync(returnUrl);
        var (user, pending) = await CurrentAsync();
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return RedirectToPage("/Account/Login", new { returnUrl = ReturnUrl });
        }

        if (user.TwoFactorEnabled)
        {
            return Redirect(ReturnUrl);
        }

        var normalised = (code ?? "").Replace(" ", "", StringComparison.Ordinal);
        if (!await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, normalised))
        {
            await users.AccessFailedAsync(user);
            Error = "The code is not valid. Enter the current 6-digit code from your authenticator app.";
            await LoadKeyAsync(user);
            return Page();
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        await users.ResetAccessFailedCountAsync(user);
        if (pending)
        {
            await HttpContext.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
            await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", "mfa")]);
        }
        else
        {
            await signIn.RefreshSignInAsync(user);
        }

        return Redirect(ReturnUrl);
    }

    private async Task PrepareAsync(string? returnUrl)
    {
        ReturnUrl = PageSecurity.IsSafeReturnUrl(returnUrl) ? returnUrl! : ReturnUrl;
        await FormActionPolicy.ApplyAsync(HttpContext, ReturnUrl);
    }

    private async Task<(ClassUser? User, bool Pending)> CurrentAsync()
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is { } pending)
        {
            return (pending, true);
        }

        return User.Identity?.IsAuthenticated == true && await users.GetUserAsync(User) is { } user ? (user, false) : (null, false);
    }

    private async Task LoadKeyAsync(ClassUser user)
    {
        Key = await users.AuthenticatorKeyAsync(user);
        var issuer = "Class " + (environment.IsSandbox ? "PIE" : "Production");
        QrCodeDataUri = AuthenticatorEnrolment.QrCodeDataUri(AuthenticatorEnrolment.OtpAuthUri(issuer, user.UserName ?? "", Key));
    }
}
