using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Accounts;
using Gatehouse.Portal.Catalogue;

namespace Gatehouse.Portal.Data;

/// <summary>
/// Migrates and seeds before the portal serves anything: hosted services start before Kestrel
/// listens, and this one is registered before the provisioning worker.
/// </summary>
public sealed class PortalStartup(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await DatabaseStartup.MigrateAsync<PortalDbContext>(services, cancellationToken);
        await using var scope = services.CreateAsyncScope();
        await CatalogueSeed.SeedAsync(scope.ServiceProvider.GetRequiredService<PortalDbContext>(), scope.ServiceProvider.GetRequiredService<TimeProvider>(), cancellationToken);
        await scope.ServiceProvider.GetRequiredService<DemoData>().SeedAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
