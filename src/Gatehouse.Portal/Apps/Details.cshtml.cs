using System.ComponentModel.DataAnnotations;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Portal.Catalogue;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Apps;

public sealed record SecretRow(Guid Id, string Hint, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string LastUsed, DateTimeOffset? RevokedAt, bool Active);

/// <summary>A secret (and, for a twin, a new app) shown this one time.</summary>
public sealed record IssuedSecret(Guid AppId, string AppName, Guid ClientId, string Secret, bool IsNewApp);

public sealed class AppDetailsModel(PortalDbContext db, CurrentMember current, PortalEnvironments environments, AppLifecycle lifecycle, SecretLastUse lastUse, TimeProvider clock) : PageModel
{
    public App App { get; private set; } = null!;

    public Member Member { get; private set; } = null!;

    public string EnvironmentName { get; private set; } = "";

    public bool IsSandbox { get; private set; }

    public bool HasProductionTwinTarget { get; private set; }

    public string TypeName => AppViews.TypeName(App.AppType);

    public string StatusName => AppViews.StatusName(App.Status);

    public bool InSync => App.SyncState == SyncState.Synced;

    public string SyncStatus => AppViews.SyncStatus(App.SyncState, App.LastSyncError, EnvironmentName);

    public IReadOnlyList<string> Products { get; private set; } = [];

    public IReadOnlyList<string> Scopes { get; private set; } = [];

    public IReadOnlyList<SecretRow> Secrets { get; private set; } = [];

    public IssuedSecret? Issued { get; private set; }

    /// <summary>False when the environment could not say when the secrets were last used.</summary>
    public bool LastUseKnown { get; private set; }

    public DateTimeOffset Now { get; private set; }

    [BindProperty]
    [Display(Name = "Current secret keeps working for")]
    public int OverlapDays { get; set; } = 7;

    [BindProperty]
    public Guid SecretId { get; set; }

    [BindProperty]
    [Display(Name = "Redirect URI")]
    public string? NewRedirectUri { get; set; }

    [BindProperty]
    public Guid RedirectUriId { get; set; }

    [BindProperty]
    public ProductionRequestInput Production { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ?? Page();

    /// <summary>Rotate: a new secret; the current one keeps working for the overlap the developer picks (0 = stops now).</summary>
    public Task<IActionResult> OnPostRotateAsync(Guid id, CancellationToken cancellationToken) => ActAsync(id, async (member, app) =>
    {
        if (OverlapDays is < 0 or > 90)
        {
            return LifecycleErrors.One("overlapDays", "Pick between 0 and 90 days.");
        }

        var (issued, errors) = await lifecycle.RotateSecretAsync(member, app, clock.GetUtcNow().AddDays(OverlapDays), cancellationToken);
        if (issued is not null)
        {
            Issued = new IssuedSecret(app.Id, app.Name, app.ClientId, issued.Plaintext, IsNewApp: false);
        }

        return errors;
    }, cancellationToken);

    public Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken cancellationToken) =>
        ActAsync(id, (member, app) => lifecycle.RevokeSecretAsync(member, app, SecretId, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostAddRedirectUriAsync(Guid id, CancellationToken cancellationToken) => ActAsync(id, async (member, app) =>
    {
        var (_, errors) = await lifecycle.AddRedirectUriAsync(member, app, NewRedirectUri, cancellationToken);
        if (errors.Count == 0)
        {
            NewRedirectUri = null;
            ModelState.Remove(nameof(NewRedirectUri));
        }

        return errors.TryGetValue("uri", out var messages) ? LifecycleErrors.One(nameof(NewRedirectUri), messages[0]) : errors;
    }, cancellationToken);

    public Task<IActionResult> OnPostRemoveRedirectUriAsync(Guid id, CancellationToken cancellationToken) =>
        ActAsync(id, (member, app) => lifecycle.RemoveRedirectUriAsync(member, app, RedirectUriId, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostRequestProductionAsync(Guid id, CancellationToken cancellationToken) => ActAsync(id, async (member, app) =>
    {
        var errors = await lifecycle.RequestProductionAccessAsync(member, app,
            new ProductionChecklist(Production.TestedInPie, Production.StoresSecretsSecurely, Production.HasPrivacyPolicy, Production.UseCase), cancellationToken);
        var mapped = new LifecycleErrors();
        foreach (var (field, messages) in errors)
        {
            mapped[field.Length == 0 ? "" : "Production." + char.ToUpperInvariant(field[0]) + field[1..]] = messages;
        }

        return mapped;
    }, cancellationToken);

    public Task<IActionResult> OnPostTwinAsync(Guid id, CancellationToken cancellationToken) => ActAsync(id, async (member, app) =>
    {
        var (created, errors) = await lifecycle.CreateProductionTwinAsync(member, app, cancellationToken);
        if (created is not null)
        {
            Issued = new IssuedSecret(created.App.Id, created.App.Name, created.App.ClientId, created.Secret, IsNewApp: true);
        }

        return errors;
    }, cancellationToken);

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var member = current.Value;
        var own = await lifecycle.OwnAppToChangeAsync(member, id, cancellationToken);
        if (own.App is not { } app)
        {
            return own.PageRefusal();
        }

        var errors = await lifecycle.DeleteAsync(member, app, cancellationToken);
        if (errors.Count > 0)
        {
            ModelState.AddLifecycleErrors(errors);
            return await LoadAsync(id, cancellationToken) ?? Page();
        }

        return Redirect("/apps");
    }

    /// <summary>Runs one developer action on the caller's app, then shows the page again with the outcome.</summary>
    private async Task<IActionResult> ActAsync(Guid id, Func<Member, App, Task<LifecycleErrors>> action, CancellationToken cancellationToken)
    {
        var member = current.Value;
        var own = await lifecycle.OwnAppToChangeAsync(member, id, cancellationToken);
        if (own.App is not { } app)
        {
            return own.PageRefusal();
        }

        var errors = await action(member, app);
        ModelState.AddLifecycleErrors(errors);
        if (Issued is not null)
        {
            // ASVS 14.2.6 / 14.3.2: this response holds a secret; nothing may keep a copy.
            Response.Headers.CacheControl = "no-store";
            Response.Headers.Pragma = "no-cache";
        }

        db.ChangeTracker.Clear();
        return await LoadAsync(id, cancellationToken) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var member = current.Value;

        // The organisation is part of the query: another organisation's app is simply not found.
        if (await db.Apps.AsNoTracking().Include(a => a.Secrets).Include(a => a.RedirectUris)
                .SingleOrDefaultAsync(a => a.Id == id && a.OrganisationId == member.OrganisationId && a.DeletedAt == null, cancellationToken) is not { } app)
        {
            return NotFound();
        }

        Member = member;
        App = app;
        Now = clock.GetUtcNow();
        var environment = environments.Find(app.EnvironmentKey);
        IsSandbox = environment?.IsSandbox == true;
        HasProductionTwinTarget = IsSandbox && environments.All.Any(e => !e.Value.IsSandbox);
        EnvironmentName = environments.DisplayName(app.EnvironmentKey);
        var products = await db.ApiProducts.AsNoTracking().Where(p => app.ProductCodes.Contains(p.Code)).OrderBy(p => p.SortOrder).ToListAsync(cancellationToken);
        Products = [.. products.Select(p => p.Name)];
        Scopes = CatalogueSeed.ScopesFor(products);
        var used = await lastUse.ForAsync(app, cancellationToken);
        Secrets = [.. app.Secrets.OrderByDescending(s => s.CreatedAt)
            .Select(s => new SecretRow(s.Id, s.Hint, s.CreatedAt, s.ExpiresAt, used.Describe(s.Id), s.RevokedAt, s.IsActive(Now)))];
        LastUseKnown = used.Known;
        return null;
    }

    public bool IsPartner => App.AppType == AppTypes.Partner;
}

public sealed class ProductionRequestInput
{
    [Display(Name = "We tested the integration end to end in PIE")]
    public bool TestedInPie { get; set; }

    [Display(Name = "The client secret is kept in a secret store, never in source code or logs")]
    public bool StoresSecretsSecurely { get; set; }

    [Display(Name = "We publish a privacy policy covering Class data")]
    public bool HasPrivacyPolicy { get; set; }

    [Display(Name = "What the app does with Class data")]
    [StringLength(1000)]
    public string? UseCase { get; set; }
}
