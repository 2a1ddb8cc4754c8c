using Gatehouse.Hosting.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.ClassDirectory;

/// <summary>The environments whose businesses and Class users platform admins manage.</summary>
[Authorize]
public sealed class DirectoryIndexModel(DirectoryConsole console) : PageModel
{
    public IReadOnlyList<KeyValuePair<string, EnvironmentEndpoint>> Environments { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await console.AdminAsync(User, cancellationToken) is null)
        {
            return NotFound();
        }

        Environments = console.Environments;
        return Page();
    }
}
