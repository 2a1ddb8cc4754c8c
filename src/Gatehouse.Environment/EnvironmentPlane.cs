using Gatehouse.Hosting.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Gatehouse.Environment;

/// <summary>One environment (data plane): authorization server, Class APIs, admin API.</summary>
public static class EnvironmentPlane
{
    public static WebApplication Build(string[] args, string environmentKey, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = PlaneBuilder.Create(args, typeof(EnvironmentPlane).Assembly.GetName().Name!, "http://localhost:5100", configure);
        var app = builder.Build();
        app.UsePlaneDefaults();
        return app;
    }
}
