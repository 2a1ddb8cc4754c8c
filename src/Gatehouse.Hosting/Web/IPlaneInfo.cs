namespace Gatehouse.Hosting.Web;

/// <summary>What a plane tells the person who started it (printed by the all-in-one host).</summary>
public interface IPlaneInfo
{
    string Title { get; }

    string Url { get; }

    IReadOnlyList<string> Notes { get; }
}

public sealed record PlaneInfo(string Title, string Url, IReadOnlyList<string> Notes) : IPlaneInfo;
