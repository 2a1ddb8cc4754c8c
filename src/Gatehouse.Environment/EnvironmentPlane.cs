using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Environment.TryIt;
using Gatehouse.Hosting.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace Gatehouse.Environment;

/// <summary>One environment (data plane): authorization server, Class APIs, admin API.</summary>
public static class EnvironmentPlane
{
    public static WebApplication Build(string[] args, string environmentKey, Action<IConfigurationBuilder>? configure = null) =>
        Build(args, environmentKey, configure, configureServices: null);

    /// <param name="configureServices">Runs last, so tests can replace services (a fake <see cref="TimeProvider"/>).</param>
    public static WebApplication Build(string[] args, string environmentKey, Action<IConfigurationBuilder>? configure, Action<IServiceCollection>? configureServices)
    {
        var builder = PlaneBuilder.Create(args, typeof(EnvironmentPlane).Assembly.GetName().Name!, "http://127.0.0.1:0", configure);
        var section = $"{EnvironmentEndpoint.SectionName}:{environmentKey}";
        var environment = builder.Configuration.GetSection(section).Get<EnvironmentEndpoint>() ?? new EnvironmentEndpoint();
        if (!Uri.TryCreate(environment.Url, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"{section}:Url must be an absolute URL (got '{environment.Url}').");
        }

        // The environment listens on its public URL, which is only known once configuration is read.
        // ADR 0012: an https environment may also listen on plain http, only to redirect or refuse.
        var plainHttp = builder.Configuration.GetSection($"{section}:{Authorization.TransportSecurityOptions.SectionName}").Get<Authorization.TransportSecurityOptions>()?.PlainHttpUrl;
        // Behind a TLS-terminating proxy it listens on ListenUrl instead (validated by TransportSecurity).
        var listen = string.IsNullOrEmpty(environment.ListenUrl) ? environment.Url : environment.ListenUrl;
        builder.WebHost.UseUrls(string.IsNullOrEmpty(plainHttp) ? [listen] : [listen, plainHttp]);
        var storage = builder.Configuration.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        builder.Services.AddEnvironment(environmentKey, environment, storage, builder.Configuration);
        builder.Services.AddTryIt(builder.Configuration, environmentKey, environment);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UsePlaneDefaults();
        app.MapEnvironment(environment);
        return app;
    }
}
