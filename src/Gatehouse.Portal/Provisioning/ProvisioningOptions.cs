using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Portal.Provisioning;

/// <summary>Bound from <c>Portal:Provisioning</c>.</summary>
public sealed class ProvisioningOptions
{
    public const string SectionName = "Portal:Provisioning";

    /// <summary>How often the background worker retries apps and sandboxes not yet in sync.</summary>
    [Range(1, 3600)]
    public int IntervalSeconds { get; set; } = 5;

    /// <summary>
    /// Failed pushes of one app revision (environment unreachable or in error) before the app shows
    /// "Sync failed"; a later change of the app tries again (ADR 0022). Deletions keep trying.
    /// </summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Retries back off exponentially from <see cref="IntervalSeconds"/> up to this.</summary>
    [Range(1, 86_400)]
    public int MaxBackoffSeconds { get; set; } = 300;

    /// <summary>Per call to an environment's admin API; short, because pushes also run inside page requests.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// For reading secrets' "last used" while a page or API response waits: short, so an environment
    /// that is down makes the page say "unknown" rather than slow (ADR 0015).
    /// </summary>
    [Range(50, 30_000)]
    public int LastUsedTimeoutMilliseconds { get; set; } = 1500;
}
