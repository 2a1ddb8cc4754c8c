using Gatehouse.Portal.Apps;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.Approvals;

/// <summary>The admin console's queue: Production requests and Production redirect URIs awaiting a decision.</summary>
[Authorize]
public sealed class AdminQueueModel(CurrentMember current, AppReviews reviews) : PageModel
{
    public IReadOnlyList<ProductionRequestRow> ProductionRequests { get; private set; } = [];

    public IReadOnlyList<RedirectUriRequestRow> RedirectUris { get; private set; } = [];

    [BindProperty]
    public Guid TargetId { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostApproveAppAsync(CancellationToken cancellationToken) =>
        DecideAsync((admin, ct) => reviews.ApproveAppAsync(admin, TargetId, ct), cancellationToken);

    public Task<IActionResult> OnPostRejectAppAsync(CancellationToken cancellationToken) =>
        DecideAsync((admin, ct) => reviews.RejectAppAsync(admin, TargetId, Reason, ct), cancellationToken);

    public Task<IActionResult> OnPostApproveRedirectUriAsync(CancellationToken cancellationToken) =>
        DecideAsync((admin, ct) => reviews.ApproveRedirectUriAsync(admin, TargetId, ct), cancellationToken);

    public Task<IActionResult> OnPostRejectRedirectUriAsync(CancellationToken cancellationToken) =>
        DecideAsync((admin, ct) => reviews.RejectRedirectUriAsync(admin, TargetId, Reason, ct), cancellationToken);

    private async Task<IActionResult> DecideAsync(Func<Member, CancellationToken, Task<LifecycleErrors>> decide, CancellationToken cancellationToken)
    {
        var admin = current.Value;

        var errors = await decide(admin, cancellationToken);
        if (errors.Count == 0)
        {
            return Redirect("/admin");
        }

        ModelState.AddLifecycleErrors(errors);
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        ProductionRequests = await reviews.ProductionQueueAsync(cancellationToken);
        RedirectUris = await reviews.RedirectUriQueueAsync(cancellationToken);
    }
}
