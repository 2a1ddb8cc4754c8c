using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Mvc;

namespace Gatehouse.Portal.Apps;

public enum AppRefusal
{
    None,
    NotFound,
    Forbidden,
}

/// <summary>An app of the member's organisation they may change, or why not.</summary>
public readonly record struct OwnApp(App? App, AppRefusal Refusal)
{
    /// <summary>What a page answers instead: 404, or 403 (the access-denied page).</summary>
    public IActionResult PageRefusal() => Refusal == AppRefusal.Forbidden ? new ForbidResult() : new NotFoundResult();
}

/// <summary>The one guard of the app pages and the management API before they change an app.</summary>
public static class OwnApps
{
    /// <summary>
    /// Another organisation's (or a deleted) app is not found, checked before the role so a Viewer
    /// learns no more about foreign apps than anyone (docs/security-checklist.md MT1); a Viewer may
    /// not change their own organisation's apps.
    /// </summary>
    public static async Task<OwnApp> OwnAppToChangeAsync(this AppLifecycle lifecycle, Member member, Guid appId, CancellationToken cancellationToken) =>
        await lifecycle.FindAsync(member, appId, cancellationToken) is not { } app ? new(null, AppRefusal.NotFound)
        : member.MayManageApps ? new(app, AppRefusal.None)
        : new(null, AppRefusal.Forbidden);
}
