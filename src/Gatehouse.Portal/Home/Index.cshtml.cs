using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.Home;

public sealed class HomeModel : PageModel;
