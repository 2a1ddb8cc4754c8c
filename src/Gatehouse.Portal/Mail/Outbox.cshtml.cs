using System.Text.RegularExpressions;
using Gatehouse.Portal.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Mail;

public sealed record OutboxView(long Id, string To, string Subject, string TextBody, DateTimeOffset CreatedAt, IReadOnlyList<string> Links);

/// <summary>
/// The local outbox. Mails are shown as text with their links made clickable, rather than their HTML
/// rendered raw, so nothing in a mail can inject markup into the portal's origin.
/// </summary>
public sealed partial class OutboxModel(PortalDbContext db, IOptions<MailOptions> options) : PageModel
{
    public IReadOnlyList<OutboxView> Messages { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.DevOutbox)
        {
            return NotFound();
        }

        var messages = await db.OutboxMessages.AsNoTracking().OrderByDescending(m => m.Id).Take(50).ToListAsync(cancellationToken);
        Messages = [.. messages.Select(m => new OutboxView(m.Id, m.To, m.Subject, m.TextBody, m.CreatedAt, [.. Links().Matches(m.TextBody).Select(x => x.Value)]))];
        return Page();
    }

    [GeneratedRegex(@"https?://[^\s""<>]+")]
    private static partial Regex Links();
}
