using Gatehouse.Portal.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.Accounts;

/// <summary>The new address's link: a button (mail scanners prefetch GETs), then the change, a notice to the old address, and every session ends.</summary>
public sealed class ConfirmEmailModel(UserManager<Developer> users, AccountMails mails, DeveloperSessions sessions, AuditLog audit) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Email { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    public bool? Succeeded { get; private set; }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Succeeded = false;
        var token = AccountTokens.Decode(Code);
        if (token is null || string.IsNullOrEmpty(Email) || !Guid.TryParse(UserId, out var id) || await users.FindByIdAsync(id.ToString()) is not { } developer)
        {
            return Page();
        }

        var oldEmail = developer.Email!;
        // ChangeEmailAsync renews the security stamp: the link works once.
        var result = await users.ChangeEmailAsync(developer, Email, token);
        if (!result.Succeeded)
        {
            await audit.WriteAsync("account.email.change", AuditOutcome.Failure, developer.OrganisationId, actorId: developer.Id, actorEmail: oldEmail, details: "invalid or used link", cancellationToken: cancellationToken);
            return Page();
        }

        await users.SetUserNameAsync(developer, Email);
        await sessions.RevokeAllAsync(developer.Id);
        await mails.SendEmailChangedNoticeAsync(oldEmail, Email, cancellationToken);
        await audit.WriteAsync("account.email.change", AuditOutcome.Success, developer.OrganisationId, actorId: developer.Id, actorEmail: Email, details: $"from {oldEmail}", cancellationToken: cancellationToken);
        Succeeded = true;
        return Page();
    }
}
