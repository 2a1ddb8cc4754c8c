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

        // Ctrl+C or SIGTERM stops every host (each has its own console lifetime). A plane that stops
        // on its own does not take the others down (docs/security-checklist.md ST3), unless the
        // operator asks for that with Hosting:StopAllOnPlaneFailure (say, under a supervisor that
        // restarts the whole process).
        var stopAll = planes[0].Configuration.GetValue<bool>("Hosting:StopAllOnPlaneFailure");
        var stopped = planes.Select(async p => { await p.WaitForShutdownAsync(); return p; }).ToList();
        if (stopAll)
        {
            await Task.WhenAny(stopped);
        }
        else
        {
            var first = await await Task.WhenAny(stopped);
            if (stopped.Any(t => !t.IsCompleted))
            {
                var log = first.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GatehouseHost));
                log.LogCritical("The plane at {Urls} stopped; the other planes keep running (Hosting:StopAllOnPlaneFailure is off).", string.Join(", ", first.Urls));
            }

            await Task.WhenAll(stopped);
        }

        foreach (var plane in planes)
        {
            await plane.StopAsync();
            await plane.DisposeAsync();
        }

        return 0;
    }
}
