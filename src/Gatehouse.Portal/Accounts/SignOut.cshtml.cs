using Gatehouse.Portal.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.Accounts;

/// <summary>POST only changes state (ASVS 3.5.3); GET just shows the button. The session dies on the server too (ASVS 7.4.1).</summary>
public sealed class SignOutModel(DeveloperSessions sessions, AuditLog audit) : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        if (User.Identity?.IsAuthenticated == true)
        {
            await audit.WriteAsync("account.sign_out", AuditOutcome.Success);
        }

        await sessions.SignOutAsync(User);
        return LocalRedirect("/");
    }
}
