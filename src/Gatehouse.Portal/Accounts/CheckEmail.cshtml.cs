using Gatehouse.Portal.Mail;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Accounts;

public sealed class CheckEmailModel(IOptions<MailOptions> mail) : PageModel
{
    public bool DevOutbox => mail.Value.DevOutbox;
}
