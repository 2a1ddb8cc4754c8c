using Gatehouse.Hosting.Database;

namespace Gatehouse.Hosting.Contracts;

/// <summary>
/// One environment (data plane) as configured under <c>Environments:{key}</c>. The environment reads
/// its own entry; the portal reads them all to know where to provision apps.
/// </summary>
public sealed class EnvironmentEndpoint
{
    public const string SectionName = "Environments";

    /// <summary>Shown to people: "PIE", "Production".</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>Public base URL, also the address the environment listens on unless <see cref="ListenUrl"/> is set, e.g. <c>http://localhost:5100</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary>
    /// Where Kestrel listens when a TLS-terminating reverse proxy serves <see cref="Url"/> (e.g.
    /// <c>http://0.0.0.0:8080</c>); plain http here needs the proxy in <c>Hosting:TrustedProxies</c>.
    /// </summary>
    public string? ListenUrl { get; set; }

    /// <summary>The OAuth issuer. Defaults to <see cref="Url"/> with a trailing slash; never taken from the request (ADR 0002).</summary>
    public string? Issuer { get; set; }

    /// <summary>Shared key the portal presents to the environment's admin API.</summary>
    public string AdminApiKey { get; set; } = "";

    /// <summary>Sandbox environments (PIE) hold synthetic data and give each organisation a sandbox business.</summary>
    public bool IsSandbox { get; set; }

    public DatabaseOptions Database { get; set; } = new();

    public Uri ResolveIssuer() => new(string.IsNullOrWhiteSpace(Issuer) ? Url.TrimEnd('/') + "/" : Issuer, UriKind.Absolute);
}

public static class EnvironmentKeys
{
    public const string Pie = "pie";
    public const string Production = "production";
}
