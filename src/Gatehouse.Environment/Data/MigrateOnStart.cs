using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Environment.Data;

/// <summary>
/// Migrates the database before Kestrel listens (hosted services start first), so the first request
/// — and the signing-key load it triggers — always sees the current schema.
/// </summary>
public sealed class MigrateOnStart(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        DatabaseStartup.MigrateAsync<EnvironmentDbContext>(services, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
