using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.Accounts;

public sealed class AccessDeniedModel : PageModel;
