using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Environment.Connections;

/// <summary>The Class user's Partner Application Access page: connected apps per business, each with Revoke.</summary>
[Authorize(AuthenticationSchemes = "Identity.Application")]
public sealed class AccessModel(ConnectionStore connections) : PageModel
{
    public IReadOnlyList<IGrouping<string, Connection>> ByBusiness { get; private set; } = [];

    public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(string? id, CancellationToken cancellationToken)
    {
        var subject = User.FindFirst(ClaimTypesOf.UserId)?.Value;
        var revoked = subject is not null && id is not null
            && await connections.RevokeAsync(id, c => c.UserId == subject, cancellationToken);
        Message = revoked ? "Access revoked." : "That connection was not found.";
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var subject = User.FindFirst(ClaimTypesOf.UserId)?.Value;
        var list = subject is null ? [] : await connections.ForUserAsync(subject, cancellationToken);
        ByBusiness = [.. list.GroupBy(c => c.BusinessCode, StringComparer.OrdinalIgnoreCase)];
    }
}

internal static class ClaimTypesOf
{
    /// <summary>Identity's default user id claim in the application cookie.</summary>
    public const string UserId = System.Security.Claims.ClaimTypes.NameIdentifier;
}
