using Gatehouse.Hosting.Web;

namespace Gatehouse.Portal;

/// <summary>The portal (control plane): developers, organisations, apps, catalogue.</summary>
public static class PortalPlane
{
    public const string SectionName = PortalOptions.SectionName;

    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null) =>
        Build(args, configure, configureServices: null);

    /// <param name="configureServices">Runs last, so tests can replace services (a fake <see cref="TimeProvider"/>), as <c>EnvironmentPlane.Build</c> allows.</param>
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure, Action<IServiceCollection>? configureServices)
    {
        var builder = PlaneBuilder.Create(args, typeof(PortalPlane).Assembly.GetName().Name!, "http://localhost:5000", configure);
        builder.AddPortal();
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.UsePlaneDefaults();
        app.MapPortal();
        return app;
    }
}
