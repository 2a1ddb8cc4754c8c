using System.ComponentModel.DataAnnotations;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.Apps;

public sealed class EditAppModel(CurrentMember current, AppLifecycle lifecycle) : PageModel
{
    [BindProperty]
    public EditAppInput Input { get; set; } = new();

    public Guid AppId { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var member = current.Value;
        var own = await lifecycle.OwnAppToChangeAsync(member, id, cancellationToken);
        if (own.App is not { } app)
        {
            return own.PageRefusal();
        }

        AppId = app.Id;
        Input = new EditAppInput { Name = app.Name, Description = app.Description, ContactEmail = app.ContactEmail, LogoUrl = app.LogoUrl };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        var member = current.Value;
        var own = await lifecycle.OwnAppToChangeAsync(member, id, cancellationToken);
        if (own.App is not { } app)
        {
            return own.PageRefusal();
        }

        AppId = app.Id;
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var errors = await lifecycle.UpdateAsync(member, app, new AppFields(Input.Name, Input.Description, Input.ContactEmail, Input.LogoUrl), cancellationToken);
        if (errors.Count > 0)
        {
            ModelState.AddLifecycleErrors(errors, "Input");
            return Page();
        }

        return Redirect($"/apps/{app.Id}");
    }
}

/// <summary>The fields a developer may edit; app creation adds the environment and type.</summary>
public class AppFieldsInput
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

    [Display(Name = "Logo URL (optional, shown on the consent screen)")]
    [StringLength(2000, ErrorMessage = "Use at most {1} characters.")]
    public string? LogoUrl { get; set; }
}

public sealed class EditAppInput : AppFieldsInput;
