using Gatehouse.Hosting.Contracts;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.ClassDirectory;

/// <summary>The businesses of one environment (sandbox ones included, marked).</summary>
[Authorize]
public sealed class BusinessesModel(DirectoryConsole console, EnvironmentAdminClient client) : PageModel
{
    [FromRoute]
    public string Environment { get; set; } = "";

    public string EnvironmentName { get; private set; } = "";

    /// <summary>Null when the environment could not be read (the reason is in ModelState).</summary>
    public IReadOnlyList<BusinessView>? Businesses { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await console.AdminAsync(User, cancellationToken) is null || console.Find(Environment) is not { } environment)
        {
            return NotFound();
        }

        EnvironmentName = console.DisplayName(Environment);
        (_, Businesses) = await DirectoryConsole.TryAsync(environment, ModelState, "Input", () => client.GetBusinessesAsync(environment, cancellationToken), cancellationToken);
        return Page();
    }
}
