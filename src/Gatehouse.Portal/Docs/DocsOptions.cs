namespace Gatehouse.Portal.Docs;

/// <summary>Section <c>Portal:Docs</c>.</summary>
public sealed class DocsOptions
{
    public const string SectionName = "Portal:Docs";

    /// <summary>
    /// Where "Edit this page" points, followed by the guide's path in the repository, e.g.
    /// <c>https://git.example/gatehouse/edit/main/</c>. Empty: the link shows the source path instead.
    /// </summary>
    public string? EditBaseUrl { get; set; }
}
