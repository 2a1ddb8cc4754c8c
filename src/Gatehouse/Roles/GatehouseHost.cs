using Gatehouse.Environment;
using Gatehouse.Portal;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Roles;

public static class GatehouseHost
{
    /// <summary>Builds the planes this process runs, each a <see cref="WebApplication"/> on its own port.</summary>
    /// <param name="configurePortalServices">Runs last on the portal's services, so tests can replace them (a fake <see cref="TimeProvider"/>).</param>
    public static IReadOnlyList<WebApplication> Build(string[] args, Action<IConfigurationBuilder>? configure = null, Action<IServiceCollection>? configurePortalServices = null)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(args).Build();
        var roles = RoleOptions.Parse(configuration);
        var planes = new List<WebApplication>();
        if (roles.Portal)
        {
            planes.Add(PortalPlane.Build(args, configure, configurePortalServices));
        }

        planes.AddRange(roles.Environments.Select(key => EnvironmentPlane.Build(args, key, configure)));
        return planes;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        IReadOnlyList<WebApplication> planes;
        try
        {
            planes = Build(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        // Environments first, so the portal's first provisioning push finds them listening.
        foreach (var plane in planes.Reverse())
        {
            await plane.StartAsync();
        }

        Banner.Print(planes);

        // Ctrl+C or SIGTERM stops every host (each has its own console lifetime); when any one stops,
        // stop the others too, so the process never lives on half-running.
        await Task.WhenAny(planes.Select(p => p.WaitForShutdownAsync()));
        foreach (var plane in planes)
        {
            await plane.StopAsync();
            await plane.DisposeAsync();
        }

        return 0;
    }
}
