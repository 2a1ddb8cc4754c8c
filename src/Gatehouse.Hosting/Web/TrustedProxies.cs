using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Hosting.Web;

/// <summary>
/// <c>Hosting:TrustedProxies</c>: the reverse proxies (IP addresses or CIDR networks) whose
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> a plane believes, so the client's address
/// (login rate limits, sessions, audit) and https (HSTS, OpenIddict's transport check) survive TLS
/// termination at the proxy. From anyone else the headers are ignored, and <c>X-Forwarded-Host</c>
/// is ignored from everyone: issuers and URLs come from configuration only (docs/security-checklist.md TP2, RFC 9700 §4.13).
/// </summary>
public static class TrustedProxies
{
    public const string SectionName = "Hosting:TrustedProxies";

    public static IReadOnlyList<string> Entries(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<string[]>()?.Where(e => !string.IsNullOrWhiteSpace(e)).ToArray() ?? [];

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var entries = Entries(configuration);
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in entries)
        {
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry.Trim(), out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry.Trim(), out var address))
            {
                proxies.Add(address);
            }
            else
            {
                throw new InvalidOperationException($"{SectionName} entry '{entry}' is neither an IP address nor a CIDR network (e.g. 10.0.0.5 or 10.0.0.0/24).");
            }
        }

        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; only what is configured is trusted here.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                o.KnownProxies.Add(proxy);
            }

            foreach (var network in networks)
            {
                o.KnownIPNetworks.Add(network);
            }
        });
        return services;
    }

    /// <summary>First in the pipeline, and only when proxies are configured.</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        if (Entries(app.Configuration).Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
