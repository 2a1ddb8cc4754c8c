using System.ComponentModel.DataAnnotations;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Portal.Organisations;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.Apps;

public sealed record EnvironmentChoice(string Key, string Name, string Explanation);

public sealed record CreatedApp(Guid Id, string Name, Guid ClientId, string Secret, string EnvironmentName);

public sealed class CreateAppModel(CurrentMember current, PortalEnvironments environments, AppLifecycle lifecycle) : PageModel
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
        var member = current.Value;

        if (!member.MayManageApps)
        {
            return Forbid();
        }

        Input = new CreateAppInput { ContactEmail = member.Email, Environment = environments.All.Count > 0 ? environments.All[0].Key : "", AppType = AppTypes.Client };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var member = current.Value;

        if (!member.MayManageApps)
        {
            return Forbid();
        }

        if (!ModelState.IsValid)
        {
            ModelState.AddLifecycleErrors(lifecycle.ValidateChoices(Input.Environment, Input.AppType), "Input");
            return Page();
        }

        var (created, errors) = await lifecycle.CreateAsync(member, new AppFields(Input.Name, Input.Description, Input.ContactEmail, Input.LogoUrl), Input.Environment, Input.AppType, cancellationToken);
        if (created is null)
        {
            ModelState.AddLifecycleErrors(errors, "Input");
            return Page();
        }

        var app = created.App;
        var secret = created.Secret;
        // ASVS 14.2.6 / 14.3.2: this response holds the secret; nothing may keep a copy.
        Response.Headers.CacheControl = "no-store";
        Response.Headers.Pragma = "no-cache";
        Created = new CreatedApp(app.Id, app.Name, app.ClientId, secret, environments.DisplayName(app.EnvironmentKey));
        return Page();
    }
}

public sealed class CreateAppInput : AppFieldsInput
{
    [Display(Name = "Environment")]
    [Required(ErrorMessage = "Choose an environment.")]
    public string Environment { get; set; } = "";

    [Display(Name = "App type")]
    [Required(ErrorMessage = "Choose an app type.")]
    public string AppType { get; set; } = "";
}
