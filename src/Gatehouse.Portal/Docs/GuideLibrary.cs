using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Gatehouse.Portal.Provisioning;
using Markdig;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Docs;

/// <summary>A rendered guide. <see cref="Html"/> comes from our own Markdown with raw HTML disabled.</summary>
public sealed record Guide(string Slug, int Order, string Title, string Summary, string Html,
    IReadOnlyList<GuideHeading> Headings, string PlainText, string SourcePath);

public sealed record GuideHeading(string Id, string Text);

public sealed record GuideHit(Guide Guide, string Snippet, int Score);

/// <summary>
/// The guides: Markdown files in <c>Docs/Guides</c>, embedded in the assembly, rendered once at start
/// with Markdig. <c>{{portal}}</c>, <c>{{pie}}</c> and <c>{{production}}</c> become this deployment's
/// base URLs, so every sample works as printed; links to <c>other.md</c> become <c>/docs/other</c>.
/// </summary>
public sealed partial class GuideLibrary
{
    private const string ResourcePrefix = "Gatehouse.Portal.Docs.Guides.";
    private readonly Dictionary<string, Guide> bySlug;

    public GuideLibrary(IOptions<PortalOptions> portal, PortalEnvironments environments)
    {
        var replacements = new Dictionary<string, string>
        {
            ["{{portal}}"] = portal.Value.BaseUrl,
            ["{{pie}}"] = environments.Find("pie")?.Url.TrimEnd('/') ?? "https://pie.example",
            ["{{production}}"] = environments.Find("production")?.Url.TrimEnd('/') ?? "https://production.example",
        };
        var pipeline = new MarkdownPipelineBuilder()
            .UseAdvancedExtensions()
            .DisableHtml() // no raw HTML from Markdown: the CSP and encoding stay in charge
            .Build();
        var assembly = typeof(GuideLibrary).Assembly;
        All = [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".md", StringComparison.Ordinal))
            .Select(n => Load(assembly, n, pipeline, replacements))
            .OrderBy(g => g.Order)
            .ThenBy(g => g.Slug, StringComparer.Ordinal)];
        bySlug = All.ToDictionary(g => g.Slug, StringComparer.Ordinal);
    }

    public IReadOnlyList<Guide> All { get; }

    public Guide? Find(string slug) => bySlug.GetValueOrDefault(slug);

    /// <summary>Guides containing every word of the query, best first: title hits weigh more than body hits.</summary>
    public IReadOnlyList<GuideHit> Search(string? query)
    {
        var words = (query ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(w => w.Length > 1).Take(8).ToList();
        if (words.Count == 0)
        {
            return [];
        }

        return [.. All
            .Where(g => words.All(w => g.PlainText.Contains(w, StringComparison.OrdinalIgnoreCase)
                || g.Title.Contains(w, StringComparison.OrdinalIgnoreCase)))
            .Select(g => new GuideHit(g, Snippet(g.PlainText, words[0]),
                words.Sum(w => (g.Title.Contains(w, StringComparison.OrdinalIgnoreCase) ? 10 : 0)
                    + CountOf(g.PlainText, w))))
            .OrderByDescending(h => h.Score)
            .ThenBy(h => h.Guide.Order)];
    }

    private static Guide Load(Assembly assembly, string resource, MarkdownPipeline pipeline, Dictionary<string, string> replacements)
    {
        var file = resource[ResourcePrefix.Length..];
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        var markdown = replacements.Aggregate(reader.ReadToEnd(), (text, r) => text.Replace(r.Key, r.Value, StringComparison.Ordinal));

        var document = Markdown.Parse(markdown, pipeline);
        var headings = new List<GuideHeading>();
        string? title = null;
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            var text = InlineText(heading.Inline);
            if (heading.Level == 1)
            {
                title ??= text;
            }
            else if (heading.Level == 2)
            {
                headings.Add(new GuideHeading(heading.GetAttributes().Id ?? "", text));
            }
        }

        foreach (var link in document.Descendants<LinkInline>())
        {
            if (link.Url is { } url && !url.Contains("://", StringComparison.Ordinal) && GuideLink().Match(url) is { Success: true } m)
            {
                link.Url = "/docs/" + m.Groups["slug"].Value + m.Groups["anchor"].Value;
            }
        }

        var summary = document.Descendants<ParagraphBlock>().Select(p => InlineText(p.Inline)).FirstOrDefault() ?? "";
        var name = Path.GetFileNameWithoutExtension(file);
        var order = FileName().Match(name) is { Success: true } f ? int.Parse(f.Groups["order"].Value) : 999;
        var slug = FileName().Match(name) is { Success: true } s ? s.Groups["slug"].Value : name;
        return new Guide(slug, order, title ?? slug, summary, document.ToHtml(pipeline), headings,
            WebUtility.HtmlDecode(Markdown.ToPlainText(markdown, pipeline)), $"src/Gatehouse.Portal/Docs/Guides/{file}");
    }

    private static string InlineText(ContainerInline? inline) =>
        inline is null ? "" : string.Concat(inline.Descendants<LiteralInline>().Select(l => l.Content.ToString())
            .Concat(inline.Descendants<CodeInline>().Select(c => c.Content)));

    private static string Snippet(string text, string word)
    {
        var at = text.IndexOf(word, StringComparison.OrdinalIgnoreCase);
        var start = Math.Max(0, at - 80);
        var length = Math.Min(text.Length - start, 200);
        return (start > 0 ? "…" : "") + WhiteSpace().Replace(text.Substring(start, length), " ").Trim() + "…";
    }

    private static int CountOf(string text, string word)
    {
        var count = 0;
        for (var i = text.IndexOf(word, StringComparison.OrdinalIgnoreCase); i >= 0; i = text.IndexOf(word, i + word.Length, StringComparison.OrdinalIgnoreCase))
        {
            count++;
        }

        return count;
    }

    [GeneratedRegex(@"^(?:\d+-)?(?<slug>[a-z0-9-]+)\.md(?<anchor>#[a-z0-9-]+)?$")]
    private static partial Regex GuideLink();

    [GeneratedRegex(@"^(?<order>\d+)-(?<slug>[a-z0-9-]+)$")]
    private static partial Regex FileName();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
