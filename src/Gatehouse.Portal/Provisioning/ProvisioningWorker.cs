using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Provisioning;

/// <summary>
/// Retries, every few seconds, whatever the environments have not yet confirmed: an app created while
/// an environment was down gets provisioned when it comes back, without anyone pressing anything.
/// </summary>
public sealed class ProvisioningWorker(IServiceScopeFactory scopes, IOptions<ProvisioningOptions> options, TimeProvider clock, ILogger<ProvisioningWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds), clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<Provisioner>().SyncPendingAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A database hiccup must not kill the worker: the next tick tries again.
                logger.LogError(e, "Provisioning pass failed");
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
