using Gatehouse.Hosting.Web;

namespace Gatehouse.Portal;

/// <summary>The portal (control plane): developers, organisations, apps, catalogue.</summary>
public static class PortalPlane
{
    public const string SectionName = PortalOptions.SectionName;

    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = PlaneBuilder.Create(args, typeof(PortalPlane).Assembly.GetName().Name!, "http://localhost:5000", configure);
        builder.AddPortal();
        var app = builder.Build();
        app.UsePlaneDefaults();
        app.MapPortal();
        return app;
    }
}
