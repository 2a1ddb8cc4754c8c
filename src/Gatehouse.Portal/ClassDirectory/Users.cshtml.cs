using Gatehouse.Hosting.Contracts;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.ClassDirectory;

/// <summary>The Class users of one environment with their roles per business.</summary>
[Authorize]
public sealed class UsersModel(DirectoryConsole console, EnvironmentAdminClient client) : PageModel
{
    [FromRoute]
    public string Environment { get; set; } = "";

    public string EnvironmentName { get; private set; } = "";

    public IReadOnlyList<ClassUserView>? Users { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await console.AdminAsync(User, cancellationToken) is null || console.Find(Environment) is not { } environment)
        {
            return NotFound();
        }

        EnvironmentName = console.DisplayName(Environment);
        (_, Users) = await DirectoryConsole.TryAsync(environment, ModelState, "Input", () => client.GetUsersAsync(environment, cancellationToken), cancellationToken);
        return Page();
    }
}
