using System.ComponentModel.DataAnnotations;
using Gatehouse.Hosting.Mfa;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Accounts;

/// <summary>TOTP enrolment (QR code), recovery codes, and turning MFA off; every change asks for the password again (ASVS 7.5.1, MF5).</summary>
public sealed class MfaModel(UserManager<Developer> users, Mfa mfa, SignInFlow flow, DeveloperSessions sessions, AuditLog audit, PortalDbContext db) : PageModel
{
    [BindProperty]
    [Display(Name = "Current password")]
    [DataType(DataType.Password)]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    [Display(Name = "Code from your authenticator app")]
    [StringLength(10)]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Required { get; set; }

    public bool Enabled { get; private set; }

    public string? Key { get; private set; }

    public string? QrCode { get; private set; }

    public int RecoveryCodesLeft { get; private set; }

    public bool OrganisationRequiresMfa { get; private set; }

    /// <summary>Shown once, right after they are made.</summary>
    public IReadOnlyList<string> NewRecoveryCodes { get; private set; } = [];

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() is null ? Challenge() : Page();

    public async Task<IActionResult> OnPostEnableAsync()
    {
        if (await LoadAsync() is not { } developer)
        {
            return Challenge();
        }

        if (developer.TwoFactorEnabled)
        {
            return RedirectToPage();
        }

        if (!await flow.ReauthenticateAsync(developer, CurrentPassword))
        {
            ModelState.AddModelError(nameof(CurrentPassword), "The password is incorrect.");
            return Page();
        }

        if (await mfa.CheckAsync(developer, Code, allowRecoveryCode: false) != MfaCheck.Accepted)
        {
            await audit.WriteAsync("account.mfa.enable", AuditOutcome.Failure, developer.OrganisationId, details: "wrong code");
            ModelState.AddModelError(nameof(Code), "The code is incorrect. Scan the QR code again and enter the current code.");
            return Page();
        }

        var (codes, hashes) = Mfa.NewRecoveryCodes();
        developer.RecoveryCodeHashes = hashes;
        developer.TwoFactorEnabled = true;
        await users.UpdateAsync(developer);
        // Other browsers signed in with the password alone are signed out (ASVS 7.4.3).
        await sessions.RevokeAllAsync(developer.Id, except: DeveloperSessions.SessionIdOf(User));
        await audit.WriteAsync("account.mfa.enable", AuditOutcome.Success, developer.OrganisationId);
        NewRecoveryCodes = codes;
        Response.Headers.CacheControl = "no-store";
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync()
    {
        if (await LoadAsync() is not { TwoFactorEnabled: true } developer)
        {
            return RedirectToPage();
        }

        if (!await flow.ReauthenticateAsync(developer, CurrentPassword))
        {
            ModelState.AddModelError(nameof(CurrentPassword), "The password is incorrect.");
            return Page();
        }

        var (codes, hashes) = Mfa.NewRecoveryCodes();
        developer.RecoveryCodeHashes = hashes;
        await users.UpdateAsync(developer);
        await audit.WriteAsync("account.mfa.recovery_codes", AuditOutcome.Success, developer.OrganisationId, details: "new recovery codes");
        NewRecoveryCodes = codes;
        Response.Headers.CacheControl = "no-store";
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        if (await LoadAsync() is not { TwoFactorEnabled: true } developer)
        {
            return RedirectToPage();
        }

        if (OrganisationRequiresMfa)
        {
            ModelState.AddModelError("", "Your organisation requires two-step verification: it can't be turned off.");
            return Page();
        }

        if (!await flow.ReauthenticateAsync(developer, CurrentPassword))
        {
            ModelState.AddModelError(nameof(CurrentPassword), "The password is incorrect.");
            return Page();
        }

        developer.TwoFactorEnabled = false;
        developer.RecoveryCodeHashes = null;
        await users.UpdateAsync(developer);
        await users.ResetAuthenticatorKeyAsync(developer);
        await audit.WriteAsync("account.mfa.disable", AuditOutcome.Success, developer.OrganisationId);
        Message = "Two-step verification is off.";
        await LoadAsync();
        return Page();
    }

    private async Task<Developer?> LoadAsync()
    {
        if (await users.GetUserAsync(User) is not { } developer)
        {
            return null;
        }

        Enabled = developer.TwoFactorEnabled;
        RecoveryCodesLeft = Mfa.RemainingRecoveryCodes(developer);
        OrganisationRequiresMfa = developer.OrganisationId is { } org
            && await db.Organisations.AsNoTracking().AnyAsync(o => o.Id == org && o.RequireMfa);
        if (!Enabled)
        {
            Key = await mfa.KeyAsync(developer);
            QrCode = AuthenticatorEnrolment.QrCodeDataUri(Mfa.AuthenticatorUri(developer.Email!, Key));
        }

        return developer;
    }
}
