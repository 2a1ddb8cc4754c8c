using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Gatehouse.Portal.Apps;

namespace Gatehouse.Portal.Approvals;

[Authorize]
public sealed class AdminAppsModel(CurrentMember current, AppReviews reviews) : PageModel
{
    public IReadOnlyList<AdminAppRow> Apps { get; private set; } = [];

    [BindProperty]
    public Guid TargetId { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Apps = await reviews.AllAppsAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostSuspendAsync(CancellationToken cancellationToken) =>
        await DecideAsync((admin, ct) => reviews.SuspendAsync(admin, TargetId, Reason, ct), cancellationToken);

    public async Task<IActionResult> OnPostReinstateAsync(CancellationToken cancellationToken) =>
        await DecideAsync((admin, ct) => reviews.ReinstateAsync(admin, TargetId, ct), cancellationToken);

    private async Task<IActionResult> DecideAsync(Func<Member, CancellationToken, Task<LifecycleErrors>> decide, CancellationToken cancellationToken)
    {
        var admin = current.Value;

        var errors = await decide(admin, cancellationToken);
        if (errors.Count == 0)
        {
            return Redirect("/admin/apps");
        }

        ModelState.AddLifecycleErrors(errors);
        Apps = await reviews.AllAppsAsync(cancellationToken);
        return Page();
    }
}
