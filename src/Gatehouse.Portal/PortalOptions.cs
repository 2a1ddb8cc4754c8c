using System.ComponentModel.DataAnnotations;
using Gatehouse.Hosting.Database;

namespace Gatehouse.Portal;

/// <summary>Bound from <c>Portal</c>; the feature sections (SignUp, Smtp, Mail, DemoData, Provisioning) have their own options.</summary>
public sealed class PortalOptions
{
    public const string SectionName = "Portal";

    /// <summary>Public base URL and listen address. Links in mails are built from it, never from the request's Host header.</summary>
    [Required]
    [Url]
    public string Url { get; set; } = "http://localhost:5000";

    public DatabaseOptions Database { get; set; } = new();

    public string BaseUrl => Url.TrimEnd('/');
}
