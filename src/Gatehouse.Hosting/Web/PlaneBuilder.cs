using Gatehouse.Hosting.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Hosting.Web;

/// <summary>
/// What every plane's web host shares. Each plane (portal, each environment) is its own
/// <see cref="WebApplication"/> with its own DI container, so the all-in-one process can run three
/// of them on three ports with nothing leaking between them.
/// </summary>
public static class PlaneBuilder
{
    /// <param name="applicationName">The plane's assembly name: Razor Pages and controllers are discovered from it only.</param>
    /// <param name="url">The address Kestrel listens on, e.g. <c>http://localhost:5000</c>.</param>
    public static WebApplicationBuilder Create(string[] args, string applicationName, string url, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // --role and --environment choose planes (Gatehouse.Roles); the host must not read
            // "--environment pie" as its hosting environment name.
            Args = WithoutRoleArguments(args),
            ApplicationName = applicationName,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder.Configuration);
        builder.WebHost.UseUrls(url);
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(10));
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("OpenIddict", LogLevel.Warning);
        builder.Services.AddProblemDetails();
        // A stalled or unreachable store is a 503 with Retry-After on every plane, never a 500 or a 4xx.
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        // Last line only (docs/security-checklist.md ST1): every worker catches, backs off and resumes
        // itself; should one still throw, it must not stop the plane (.NET's default is StopHost).
        builder.Services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddTrustedProxies(builder.Configuration);
        return builder;
    }

    public static string[] WithoutRoleArguments(string[] args)
    {
        var kept = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var name = arg.TrimStart('-').Split('=', 2)[0].ToLowerInvariant();
            if (arg.StartsWith("--", StringComparison.Ordinal) && name is "role" or "environment")
            {
                if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Length)
                {
                    i++;
                }

                continue;
            }

            kept.Add(arg);
        }

        return [.. kept];
    }

    /// <summary>The middleware every plane starts with: the trusted proxy's forwarded headers, errors as ProblemDetails without internals, then security headers.</summary>
    public static WebApplication UsePlaneDefaults(this WebApplication app)
    {
        app.UseTrustedProxies();
        // ASVS 16.5.1: a generic message and a correlation id (the trace id), never a stack trace.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        return app;
    }
}
