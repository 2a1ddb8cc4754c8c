using Gatehouse.Hosting.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Gatehouse.Portal;

/// <summary>The portal (control plane): developers, organisations, apps, catalogue.</summary>
public static class PortalPlane
{
    public const string SectionName = "Portal";

    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = PlaneBuilder.Create(args, typeof(PortalPlane).Assembly.GetName().Name!, "http://localhost:5000", configure);
        var app = builder.Build();
        app.UsePlaneDefaults();
        return app;
    }
}
