using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using Gatehouse.Hosting.Contracts;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// <c>Environments:{key}:Transport</c>. An environment whose public URL is https terminates TLS in
/// Kestrel and sends HSTS (ASVS 3.4.1, docs/security-checklist.md TP1); <see cref="PlainHttpUrl"/> optionally adds a
/// plain-http listener that only redirects (GET/HEAD) or refuses (anything else). ADR 0012.
/// </summary>
public sealed class TransportSecurityOptions
{
    public const string SectionName = "Transport";

    /// <summary>An extra http:// address to listen on (e.g. <c>http://0.0.0.0:80</c>) that never serves content.</summary>
    public string? PlainHttpUrl { get; set; }

    /// <summary>HSTS max-age; ASVS 3.4.1 asks at least one year.</summary>
    [Range(typeof(TimeSpan), "365.00:00:00", "730.00:00:00")]
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// Plain http is accepted as the public URL only on loopback (local runs, tests). Anything else
    /// would hand out tokens and passwords in clear text, so the environment refuses to start.
    /// </summary>
    public static string? Problem(EnvironmentEndpoint environment, TransportSecurityOptions options, bool hasTrustedProxies = false)
    {
        if (environment.ListenUrl is { Length: > 0 } listen)
        {
            if (!Uri.TryCreate(listen, UriKind.Absolute, out var listenUri) || (listenUri.Scheme != Uri.UriSchemeHttp && listenUri.Scheme != Uri.UriSchemeHttps))
            {
                return $"ListenUrl '{listen}' must be an absolute http(s) URL.";
            }

            // Plain http off loopback is clear text on a network: only acceptable from a proxy that
            // terminated TLS, whose X-Forwarded-Proto the environment then believes.
            if (listenUri.Scheme == Uri.UriSchemeHttp && !IsLoopback(listenUri) && !hasTrustedProxies)
            {
                return $"ListenUrl '{listen}' is plain http off loopback: list the TLS-terminating proxy in {Gatehouse.Hosting.Web.TrustedProxies.SectionName}.";
            }
        }

        if (!Uri.TryCreate(environment.Url, UriKind.Absolute, out var url))
        {
            return null;
        }

        if (url.Scheme == Uri.UriSchemeHttp && !IsLoopback(url))
        {
            return $"The environment URL '{environment.Url}' must be https (plain http only on loopback).";
        }

        if (options.PlainHttpUrl is { } plain && (!Uri.TryCreate(plain, UriKind.Absolute, out var plainUri) || plainUri.Scheme != Uri.UriSchemeHttp || url.Scheme != Uri.UriSchemeHttps))
        {
            return "Transport:PlainHttpUrl must be an http:// URL, and only next to an https environment URL.";
        }

        return null;
    }

    public static bool IsLoopback(Uri url) =>
        string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}

public static class TransportSecurity
{
    public static IServiceCollection AddTransportSecurity(this IServiceCollection services, string environmentKey, EnvironmentEndpoint environment)
    {
        services.AddOptions<TransportSecurityOptions>()
            .BindConfiguration($"{EnvironmentEndpoint.SectionName}:{environmentKey}:{TransportSecurityOptions.SectionName}")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TransportSecurityOptions>>(provider => new TransportSecurityValidator(
            environment, Gatehouse.Hosting.Web.TrustedProxies.Entries(provider.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()).Count > 0));
        return services;
    }

    /// <summary>
    /// On an https environment: HSTS on every https response; a plain-http request is redirected to
    /// the same path on the configured public URL (never one built from Host or X-Forwarded-*: TP2)
    /// when it is a GET or HEAD, and refused otherwise: a POST that already carried a password or a
    /// client secret in clear text must not succeed (RFC 9700 §2; OAuth 2.1 §1.5).
    /// </summary>
    public static IApplicationBuilder UseTransportSecurity(this IApplicationBuilder app, EnvironmentEndpoint environment)
    {
        var publicUrl = new Uri(environment.Url, UriKind.Absolute);
        if (publicUrl.Scheme != Uri.UriSchemeHttps)
        {
            return app;
        }

        var options = app.ApplicationServices.GetRequiredService<IOptions<TransportSecurityOptions>>().Value;
        var hsts = $"max-age={(long)options.HstsMaxAge.TotalSeconds}; includeSubDomains";
        var origin = publicUrl.GetLeftPart(UriPartial.Authority);
        return app.Use(async (context, next) =>
        {
            if (context.Request.IsHttps)
            {
                // RFC 6797 §7.2: only over a secure transport.
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.StrictTransportSecurity = hsts;
                    return Task.CompletedTask;
                });
                await next(context);
                return;
            }

            context.Response.Headers.CacheControl = "no-store";
            if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
                context.Response.Headers.Location = origin + context.Request.PathBase + context.Request.Path + context.Request.QueryString;
                return;
            }

            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new Dictionary<string, string>
            {
                ["error"] = "invalid_request",
                ["error_description"] = string.Create(CultureInfo.InvariantCulture, $"This environment accepts requests over https only ({origin})."),
            });
        });
    }
}

/// <summary>Refuses to start with the reason (an insecure URL pairing), not a generic message.</summary>
internal sealed class TransportSecurityValidator(EnvironmentEndpoint environment, bool hasTrustedProxies) : IValidateOptions<TransportSecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, TransportSecurityOptions options) =>
        TransportSecurityOptions.Problem(environment, options, hasTrustedProxies) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
