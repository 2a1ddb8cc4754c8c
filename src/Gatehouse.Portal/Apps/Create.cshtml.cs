using System.ComponentModel.DataAnnotations;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.Apps;

public sealed record EnvironmentChoice(string Key, string Name, string Explanation);

public sealed record CreatedApp(Guid Id, string Name, Guid ClientId, string Secret, string EnvironmentName);

public sealed class CreateAppModel(PortalDbContext db, Members members, PortalEnvironments environments, Provisioner provisioner, TimeProvider clock, AuditLog audit) : PageModel
{
    [BindProperty]
    public CreateAppInput Input { get; set; } = new();

    /// <summary>Set only in the POST response that created the app: the one time the secret is rendered.</summary>
    public CreatedApp? Created { get; private set; }

    public IReadOnlyList<EnvironmentChoice> EnvironmentChoices =>
        [.. environments.All.Select(e => new EnvironmentChoice(
            e.Key,
            string.IsNullOrEmpty(e.Value.DisplayName) ? e.Key : e.Value.DisplayName,
            e.Value.IsSandbox ? "Sandbox for testing and building your integration." : "Real data in Class."))];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await members.CurrentAsync(User, cancellationToken) is not { } member)
        {
            return Challenge();
        }

        if (!member.MayManageApps)
        {
            return Forbid();
        }

        Input = new CreateAppInput { ContactEmail = member.Email, Environment = environments.All.Count > 0 ? environments.All[0].Key : "", AppType = AppTypes.Client };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await members.CurrentAsync(User, cancellationToken) is not { } member)
        {
            return Challenge();
        }

        if (!member.MayManageApps)
        {
            return Forbid();
        }

        if (!string.IsNullOrEmpty(Input.Environment) && environments.Find(Input.Environment) is null)
        {
            ModelState.AddModelError("Input.Environment", "Choose PIE or Production.");
        }

        if (!string.IsNullOrEmpty(Input.AppType) && Input.AppType is not (AppTypes.Client or AppTypes.Partner))
        {
            ModelState.AddModelError("Input.AppType", "Choose Client or Partner.");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var secret = ClientSecrets.Generate();
        var now = clock.GetUtcNow();
        var app = new App
        {
            Id = Guid.CreateVersion7(),
            OrganisationId = member.OrganisationId,
            Name = Input.Name.Trim(),
            Description = string.IsNullOrWhiteSpace(Input.Description) ? null : Input.Description.Trim(),
            ContactEmail = Input.ContactEmail.Trim(),
            EnvironmentKey = Input.Environment,
            AppType = Input.AppType,
            ClientId = Guid.NewGuid(),
            SecretId = Guid.NewGuid(),
            SecretHash = ClientSecrets.Hash(secret),
            SecretHint = ClientSecrets.Hint(secret),
            SecretCreatedAt = now,
            CreatedAt = now,
            CreatedBy = member.DeveloperId,
            SyncState = SyncState.Pending,
        };
        db.Apps.Add(app);
        audit.Add("app.create", AuditOutcome.Success, member.OrganisationId, $"app:{app.Id}", app.EnvironmentKey,
            $"client_id {app.ClientId}, type {app.AppType}, secret hint {app.SecretHint}");
        await db.SaveChangesAsync(cancellationToken);

        // Best effort now; the provisioning worker retries if the environment is unreachable.
        await provisioner.SyncAppAsync(app.Id, cancellationToken);

        // ASVS 14.2.6 / 14.3.2: this response holds the secret; nothing may keep a copy.
        Response.Headers.CacheControl = "no-store";
        Response.Headers.Pragma = "no-cache";
        Created = new CreatedApp(app.Id, app.Name, app.ClientId, secret, environments.DisplayName(app.EnvironmentKey));
        return Page();
    }
}

public sealed class CreateAppInput
{
    [Display(Name = "App name")]
    [Required(ErrorMessage = "Enter a name for the app.")]
    [StringLength(100, ErrorMessage = "Use at most {1} characters.")]
    public string Name { get; set; } = "";

    [Display(Name = "Description")]
    [StringLength(1000, ErrorMessage = "Use at most {1} characters.")]
    public string? Description { get; set; }

    [Display(Name = "Contact email")]
    [Required(ErrorMessage = "Enter a contact email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(254, ErrorMessage = "Use at most {1} characters.")]
    public string ContactEmail { get; set; } = "";

    [Display(Name = "Environment")]
    [Required(ErrorMessage = "Choose an environment.")]
    public string Environment { get; set; } = "";

    [Display(Name = "App type")]
    [Required(ErrorMessage = "Choose an app type.")]
    public string AppType { get; set; } = "";
}
