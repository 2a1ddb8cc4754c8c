using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Docs;

public sealed class GuideModel(GuideLibrary guides, IOptions<DocsOptions> options) : PageModel
{
    public Guide Guide { get; private set; } = null!;

    public IReadOnlyList<Guide> Guides => guides.All;

    public string? EditUrl => string.IsNullOrWhiteSpace(options.Value.EditBaseUrl)
        ? null
        : options.Value.EditBaseUrl.TrimEnd('/') + "/" + Guide.SourcePath;

    public IActionResult OnGet(string slug)
    {
        if (guides.Find(slug) is not { } guide)
        {
            return NotFound();
        }

        Guide = guide;
        return Page();
    }
}
