using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.Docs;

public sealed class DocsIndexModel(GuideLibrary guides) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    public IReadOnlyList<Guide> Guides => guides.All;

    public IReadOnlyList<GuideHit> Hits { get; private set; } = [];

    public void OnGet()
    {
        if (Query is { Length: > 200 })
        {
            Query = Query[..200];
        }

        Hits = guides.Search(Query);
    }
}
