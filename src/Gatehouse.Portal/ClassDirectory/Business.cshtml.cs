using System.ComponentModel.DataAnnotations;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.ClassDirectory;

/// <summary>Create a business in an environment, or edit one (code, name, ABN, brands). Audited either way.</summary>
[Authorize]
public sealed class BusinessModel(DirectoryConsole console, EnvironmentAdminClient client, AuditLog audit) : PageModel
{
    [FromRoute]
    public string Environment { get; set; } = "";

    [FromRoute]
    public string? Code { get; set; }

    public bool IsNew => string.IsNullOrEmpty(Code);

    public string EnvironmentName { get; private set; } = "";

    public BusinessSaved? Saved { get; private set; }

    [BindProperty]
    public BusinessInput Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await console.AdminAsync(User, cancellationToken) is null || console.Find(Environment) is not { } environment)
        {
            return NotFound();
        }

        EnvironmentName = console.DisplayName(Environment);
        if (!IsNew)
        {
            var (ok, business) = await DirectoryConsole.TryAsync(environment, ModelState, nameof(Input), () => client.GetBusinessAsync(environment, Code!, cancellationToken), cancellationToken);
            if (ok && business is null)
            {
                return NotFound();
            }

            if (business is not null)
            {
                Input = new BusinessInput
                {
                    Code = business.Code,
                    Name = business.Name,
                    Abn = business.Abn,
                    Brands = string.Join("\n", business.Brands.Select(b => $"{b.Code} {b.Name}")),
                };
            }
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await console.AdminAsync(User, cancellationToken) is not { } admin || console.Find(Environment) is not { } environment)
        {
            return NotFound();
        }

        EnvironmentName = console.DisplayName(Environment);
        if (!IsNew)
        {
            // The route names the business being edited; the read-only field is not trusted (or needed).
            Input.Code = Code!;
            ModelState.Remove("Input.Code");
        }

        var brands = ParseBrands(Input.Brands);
        if (Input.Abn is { Length: > 0 } abn && !Abn.IsValid(abn))
        {
            ModelState.AddModelError("Input.Abn", "The ABN must be 11 digits with valid ATO check digits.");
        }

        if (brands is null)
        {
            ModelState.AddModelError("Input.Brands", "Each line needs a code (letters, digits, '-' or '_'), a space and a name.");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        // Creating must not silently overwrite a business that already has this code.
        if (IsNew)
        {
            var (read, existing) = await DirectoryConsole.TryAsync(environment, ModelState, nameof(Input), () => client.GetBusinessAsync(environment, Input.Code, cancellationToken), cancellationToken);
            if (!read)
            {
                return Page();
            }

            if (existing is not null)
            {
                ModelState.AddModelError("Input.Code", $"{EnvironmentName} already has a business {Input.Code}: edit it instead.");
                return Page();
            }
        }

        var request = new BusinessRequest(Input.Name.Trim(), Input.Abn is null ? "" : Abn.Normalise(Input.Abn), brands);
        var (ok, saved) = await DirectoryConsole.TryAsync(environment, ModelState, nameof(Input), () => client.PutBusinessAsync(environment, Input.Code, request, cancellationToken), cancellationToken);
        await audit.WriteAsync(IsNew ? "class-directory.business.created" : "class-directory.business.updated", ok ? AuditOutcome.Success : AuditOutcome.Failure,
            target: $"business:{Input.Code}", environment: Environment,
            details: ok ? $"name={request.Name}; abn={request.Abn}; brands={string.Join(",", brands!.Select(b => b.Code))}" : string.Join(" ", ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage)),
            actorId: admin.DeveloperId, actorEmail: admin.Email, cancellationToken: cancellationToken);
        if (!ok)
        {
            return Page();
        }

        Saved = saved;
        Code = saved!.Code;
        return Page();
    }

    /// <summary>"CODE Name" per line; null if a line does not have that shape.</summary>
    private static List<BrandRequest>? ParseBrands(string? text)
    {
        var brands = new List<BrandRequest>();
        foreach (var line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || !line[..space].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return null;
            }

            brands.Add(new BrandRequest(line[..space], line[(space + 1)..].Trim()));
        }

        return brands;
    }
}

public sealed class BusinessInput
{
    [Required(ErrorMessage = "Enter the business code.")]
    [RegularExpression("^[A-Za-z0-9_-]{1,32}$", ErrorMessage = "The code is 1-32 letters, digits, '-' or '_'.")]
    [Display(Name = "Business code")]
    public string Code { get; set; } = "";

    [Required(ErrorMessage = "Enter the business name.")]
    [StringLength(200)]
    [Display(Name = "Name")]
    public string Name { get; set; } = "";

    [Display(Name = "ABN")]
    public string? Abn { get; set; }

    [Display(Name = "Brands")]
    [StringLength(8000)]
    public string? Brands { get; set; }
}
