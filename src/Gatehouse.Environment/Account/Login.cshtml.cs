using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.RateLimiting;
using Gatehouse.Environment.Users;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Environment.Account;

/// <summary>
/// Class user login. Failures count toward the lockout shared with the password grant
/// (<c>lockoutOnFailure: true</c>; ASVS 6.3.4), and every failure shows the same message (ASVS 6.3.8).
/// Redirects are 302/303, never 307 (RFC 9700 §4.12), and only to local URLs.
/// </summary>
public sealed class LoginModel(SignInManager<ClassUser> signIn, UserManager<ClassUser> users, IOptions<AuthorizationServerOptions> policy, IDataProtectionProvider protection, AuthenticationThrottle throttle) : PageModel
{
    public const string GenericError = "The user name or password is incorrect, or the account cannot log in.";

    public string ReturnUrl { get; private set; } = "/account/access";

    public string? UserName { get; private set; }

    public string? Error { get; private set; }

    public bool IsAuthorizationRequest => ReturnUrl.StartsWith("/connect/authorize", StringComparison.Ordinal);

    public async Task OnGetAsync(string? returnUrl, [FromQuery(Name = "login_hint")] string? loginHint)
    {
        ReturnUrl = PageSecurity.IsSafeReturnUrl(returnUrl) ? returnUrl! : ReturnUrl;
        UserName = loginHint;
        await FormActionPolicy.ApplyAsync(HttpContext, ReturnUrl);
    }

    public async Task<IActionResult> OnPostAsync(string? returnUrl, string? userName, string? action)
    {
        // PW5 (ASVS 16.2.5): read from the form, not bound as a handler argument, which Razor Pages
        // writes to the log at Trace level ("Executing handler method … with arguments").
        string? password = Request.HasFormContentType ? Request.Form["password"].ToString() : null;
        ReturnUrl = PageSecurity.IsSafeReturnUrl(returnUrl) ? returnUrl! : ReturnUrl;
        UserName = userName;
        await FormActionPolicy.ApplyAsync(HttpContext, ReturnUrl);

        if (action == "cancel" && IsAuthorizationRequest)
        {
            // AZ3: the authorize endpoint answers access_denied to the client. The marker is
            // protected and short-lived, so a crafted link cannot skip authentication (RFC 9700 §4.11.2).
            return Redirect(PageSecurity.Append(ReturnUrl, Cancellation.Parameter, Cancellation.Protect(protection)));
        }

        // RL7: per address and per user name, before any lookup or hashing; shared with the password grant.
        if (throttle.RetryAfterSeconds(new AuthenticationAttempt(null, AuthenticationThrottle.AddressOf(HttpContext), userName)) is { } retry)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Error = $"Too many login attempts. Wait {retry} seconds and try again.";
            return Page();
        }

        var user = string.IsNullOrEmpty(userName) ? null : await users.FindByNameAsync(userName);
        if (user is null || string.IsNullOrEmpty(password))
        {
            if (user is null && !string.IsNullOrEmpty(password))
            {
                // The hash work of a wrong password, so the answer's timing does not tell which
                // accounts exist (ASVS 6.3.8; the password grant does the same, PW3).
                users.PasswordHasher.VerifyHashedPassword(new ClassUser(), UnknownUserPassword.DummyHash(users), password);
            }

            Error = GenericError;
            return Page();
        }

        // Policy before the password check would leak which accounts exist; check it after, on success only.
        if (policy.Value.RequireMfa == true && !user.TwoFactorEnabled)
        {
            // The environment requires MFA and the user has none: check the password (same lockout
            // counter) without starting a session. Only the short-lived two-factor cookie (the user
            // id, as Identity's MFA step keeps it) carries them to enrolment; consent cannot happen
            // before enrolment is done.
            var checkedPassword = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
            if (!checkedPassword.Succeeded)
            {
                Error = GenericError;
                return Page();
            }

            await MfaEnrolModel.BeginPendingAsync(HttpContext, user);
            return RedirectToPage("/Account/MfaEnrol", new { returnUrl = ReturnUrl });
        }

        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("/Account/Mfa", new { returnUrl = ReturnUrl });
        }

        if (!result.Succeeded)
        {
            Error = GenericError;
            return Page();
        }

        return Redirect(ReturnUrl);
    }
}

/// <summary>The "user cancelled login" marker the authorize endpoint trusts for one minute.</summary>
public static class Cancellation
{
    public const string Parameter = "gatehouse_cancel";
    private const string Purpose = "Gatehouse.Environment.LoginCancelled";

    public static string Protect(IDataProtectionProvider provider) =>
        provider.CreateProtector(Purpose).ToTimeLimitedDataProtector().Protect("cancelled", TimeSpan.FromMinutes(1));

    public static bool IsValid(IDataProtectionProvider provider, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        try
        {
            return provider.CreateProtector(Purpose).ToTimeLimitedDataProtector().Unprotect(value) == "cancelled";
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
