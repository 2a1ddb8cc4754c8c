using Gatehouse.Portal.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.Accounts;

/// <summary>The developer's signed-in browsers, each can be ended, or all at once (ASVS 7.5.2, 7.4.5; docs/security-checklist.md SE5).</summary>
public sealed class SessionsModel(UserManager<Developer> users, DeveloperSessions sessions, AuditLog audit) : PageModel
{
    public IReadOnlyList<DeveloperSession> Sessions { get; private set; } = [];

    public string? Current { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(users.GetUserId(User), out var id))
        {
            return Challenge();
        }

        Current = DeveloperSessions.SessionIdOf(User);
        Sessions = await sessions.ActiveAsync(id, cancellationToken);
        return Page();
    }

    /// <summary>Ends one session of this developer (the id is looked up within their own sessions only).</summary>
    public async Task<IActionResult> OnPostEndAsync(string session)
    {
        if (!Guid.TryParse(users.GetUserId(User), out var id))
        {
            return Challenge();
        }

        if (await sessions.RevokeAsync(id, session ?? "") == 0)
        {
            return NotFound();
        }

        await audit.WriteAsync("account.session.end", AuditOutcome.Success, details: "one session");
        return session == DeveloperSessions.SessionIdOf(User) ? LocalRedirect("/account/sign-in") : RedirectToPage();
    }

    public async Task<IActionResult> OnPostEverywhereAsync()
    {
        if (!Guid.TryParse(users.GetUserId(User), out var id))
        {
            return Challenge();
        }

        var count = await sessions.RevokeAllAsync(id);
        await audit.WriteAsync("account.session.end_all", AuditOutcome.Success, details: $"{count} sessions");
        await sessions.SignOutAsync(User);
        return LocalRedirect("/account/sign-in");
    }
}
