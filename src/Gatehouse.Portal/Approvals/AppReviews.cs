using System.Net;
using Gatehouse.Portal.Apps;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Mail;
using Gatehouse.Portal.Organisations;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Approvals;

public sealed record ProductionRequestRow(Guid AppId, string AppName, string OrganisationName, string ContactEmail, string AppType, DateTimeOffset RequestedAt, string? Checklist);

public sealed record RedirectUriRequestRow(Guid RedirectUriId, Guid AppId, string AppName, string OrganisationName, string Uri, DateTimeOffset CreatedAt);

public sealed record AdminAppRow(Guid AppId, string AppName, string OrganisationName, string Environment, string AppType, AppStatus Status, SyncState SyncState, string? LastSyncError = null);

/// <summary>
/// A platform admin's decisions. Each one changes the app's desired state through
/// <see cref="AppLifecycle.CommitAsync"/> (so it is audited and pushed) and mails the app's contact.
/// </summary>
public sealed class AppReviews(PortalDbContext db, AppLifecycle lifecycle, IMailSender mail, TimeProvider clock)
{
    public async Task<IReadOnlyList<ProductionRequestRow>> ProductionQueueAsync(CancellationToken cancellationToken) =>
        await db.Apps.AsNoTracking()
            .Where(a => a.DeletedAt == null && a.Status == AppStatus.PendingApproval && a.ProductionRequestedAt != null)
            .Join(db.Organisations, a => a.OrganisationId, o => o.Id, (a, o) => new ProductionRequestRow(a.Id, a.Name, o.Name, a.ContactEmail, a.AppType, a.ProductionRequestedAt!.Value, a.ProductionChecklist))
            .ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<RedirectUriRequestRow>> RedirectUriQueueAsync(CancellationToken cancellationToken) =>
        await db.Set<AppRedirectUri>().AsNoTracking()
            .Where(u => u.Status == RedirectUriStatus.Pending)
            .Join(db.Apps.Where(a => a.DeletedAt == null), u => u.AppId, a => a.Id, (u, a) => new { u, a })
            .Join(db.Organisations, x => x.a.OrganisationId, o => o.Id, (x, o) => new RedirectUriRequestRow(x.u.Id, x.a.Id, x.a.Name, o.Name, x.u.Uri, x.u.CreatedAt))
            .ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<AdminAppRow>> AllAppsAsync(CancellationToken cancellationToken) =>
        await db.Apps.AsNoTracking().Where(a => a.DeletedAt == null)
            .Join(db.Organisations, a => a.OrganisationId, o => o.Id, (a, o) => new AdminAppRow(a.Id, a.Name, o.Name, a.EnvironmentKey, a.AppType, a.Status, a.SyncState, a.LastSyncError))
            .ToListAsync(cancellationToken);

    public async Task<LifecycleErrors> ApproveAppAsync(Member admin, Guid appId, CancellationToken cancellationToken)
    {
        if (await FindAsync(appId, cancellationToken) is not { } app || app.Status != AppStatus.PendingApproval)
        {
            return LifecycleErrors.One("", "That app is not waiting for approval.");
        }

        app.Status = AppStatus.Active;
        app.ReviewNote = null;
        var errors = await lifecycle.CommitAsync(admin, app, "app.production.approve", null, cancellationToken);
        if (errors.Count == 0)
        {
            await NotifyAsync(app, $"{app.Name} is approved for Production", $"Your app {app.Name} is approved: its credentials now work in Production.", cancellationToken);
        }

        return errors;
    }

    public async Task<LifecycleErrors> RejectAppAsync(Member admin, Guid appId, string? reason, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 1000)
        {
            return LifecycleErrors.One("reason", "Give the developer a reason (up to 1000 characters).");
        }

        if (await FindAsync(appId, cancellationToken) is not { } app || app.Status != AppStatus.PendingApproval || app.ProductionRequestedAt is null)
        {
            return LifecycleErrors.One("", "That app is not waiting for approval.");
        }

        // Stays Pending approval; the developer can fix things and submit the checklist again.
        app.ProductionRequestedAt = null;
        app.ReviewNote = reason.Trim();
        var errors = await lifecycle.CommitAsync(admin, app, "app.production.reject", app.ReviewNote, cancellationToken, bumpRevision: false);
        if (errors.Count == 0)
        {
            await NotifyAsync(app, $"{app.Name} was not approved for Production", $"Your request for Production access for {app.Name} was not approved. Reason: {app.ReviewNote}", cancellationToken);
        }

        return errors;
    }

    public Task<LifecycleErrors> ApproveRedirectUriAsync(Member admin, Guid redirectUriId, CancellationToken cancellationToken) =>
        DecideRedirectUriAsync(admin, redirectUriId, approve: true, reason: null, cancellationToken);

    public Task<LifecycleErrors> RejectRedirectUriAsync(Member admin, Guid redirectUriId, string? reason, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(reason) || reason.Length > 1000
            ? Task.FromResult(LifecycleErrors.One("reason", "Give the developer a reason (up to 1000 characters)."))
            : DecideRedirectUriAsync(admin, redirectUriId, approve: false, reason.Trim(), cancellationToken);

    public async Task<LifecycleErrors> SuspendAsync(Member admin, Guid appId, string? reason, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 1000)
        {
            return LifecycleErrors.One("reason", "Give the developer a reason (up to 1000 characters).");
        }

        if (await FindAsync(appId, cancellationToken) is not { } app || app.Status == AppStatus.Suspended)
        {
            return LifecycleErrors.One("", "That app cannot be suspended.");
        }

        app.Status = AppStatus.Suspended;
        app.ReviewNote = reason.Trim();
        var errors = await lifecycle.CommitAsync(admin, app, "app.suspend", app.ReviewNote, cancellationToken);
        if (errors.Count == 0)
        {
            await NotifyAsync(app, $"{app.Name} is suspended", $"Your app {app.Name} is suspended: its credentials no longer work. Reason: {app.ReviewNote}", cancellationToken);
        }

        return errors;
    }

    public async Task<LifecycleErrors> ReinstateAsync(Member admin, Guid appId, CancellationToken cancellationToken)
    {
        if (await FindAsync(appId, cancellationToken) is not { } app || app.Status != AppStatus.Suspended)
        {
            return LifecycleErrors.One("", "That app is not suspended.");
        }

        app.Status = AppStatus.Active;
        app.ReviewNote = null;
        var errors = await lifecycle.CommitAsync(admin, app, "app.reinstate", null, cancellationToken);
        if (errors.Count == 0)
        {
            await NotifyAsync(app, $"{app.Name} is reinstated", $"Your app {app.Name} is active again.", cancellationToken);
        }

        return errors;
    }

    private async Task<LifecycleErrors> DecideRedirectUriAsync(Member admin, Guid redirectUriId, bool approve, string? reason, CancellationToken cancellationToken)
    {
        var uri = await db.Set<AppRedirectUri>().AsNoTracking().SingleOrDefaultAsync(u => u.Id == redirectUriId && u.Status == RedirectUriStatus.Pending, cancellationToken);
        if (uri is null || await FindAsync(uri.AppId, cancellationToken) is not { } app)
        {
            return LifecycleErrors.One("", "That redirect URI is not waiting for approval.");
        }

        var tracked = app.RedirectUris.Single(u => u.Id == redirectUriId);
        tracked.Status = approve ? RedirectUriStatus.Approved : RedirectUriStatus.Rejected;
        tracked.DecidedAt = clock.GetUtcNow();
        tracked.RejectionReason = reason;
        var errors = await lifecycle.CommitAsync(admin, app, approve ? "app.redirect_uri.approve" : "app.redirect_uri.reject",
            tracked.Uri + (reason is null ? "" : $" ({reason})"), cancellationToken, bumpRevision: approve);
        if (errors.Count == 0)
        {
            await NotifyAsync(app, $"Redirect URI {(approve ? "approved" : "not approved")} for {app.Name}",
                $"The redirect URI {tracked.Uri} of {app.Name} was {(approve ? "approved and now works in Production" : "not approved. Reason: " + reason)}.", cancellationToken);
        }

        return errors;
    }

    private Task<App?> FindAsync(Guid appId, CancellationToken cancellationToken) =>
        db.Apps.Include(a => a.Secrets).Include(a => a.RedirectUris).SingleOrDefaultAsync(a => a.Id == appId && a.DeletedAt == null, cancellationToken);

    private Task NotifyAsync(App app, string subject, string text, CancellationToken cancellationToken) =>
        mail.SendAsync(new OutgoingMail(app.ContactEmail, subject, text, $"<p>{WebUtility.HtmlEncode(text)}</p>"), cancellationToken);
}
