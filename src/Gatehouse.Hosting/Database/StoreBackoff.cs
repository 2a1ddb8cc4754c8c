namespace Gatehouse.Hosting.Database;

/// <summary>
/// How a background worker waits after its store failed: doubling from <see cref="Initial"/> up to
/// <see cref="Max"/>, back to the start after a success. Time comes from the injected
/// <see cref="TimeProvider"/>, so tests move it instead of sleeping (docs/security-checklist.md ST1).
/// One instance per worker; not thread-safe (a worker has one loop).
/// </summary>
public sealed class StoreBackoff(TimeProvider time)
{
    public static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(10);

    private TimeSpan next = Initial;

    /// <summary>How many failures in a row since the last success.</summary>
    public int Failures { get; private set; }

    /// <summary>Waits the current delay, then doubles it. False when the host is stopping.</summary>
    public async Task<bool> WaitAsync(CancellationToken stoppingToken)
    {
        Failures++;
        var delay = next;
        next = TimeSpan.FromTicks(Math.Min(next.Ticks * 2, Max.Ticks));
        try
        {
            await Task.Delay(delay, time, stoppingToken);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Succeeded()
    {
        Failures = 0;
        next = Initial;
    }
}
