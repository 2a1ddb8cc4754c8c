using Gatehouse.Hosting.Contracts;

namespace Gatehouse.Portal.Usage;

/// <summary>What the usage partial renders: one environment's summary for a period.</summary>
/// <param name="Prefix">Makes the chart ids unique when a page shows several environments.</param>
/// <param name="ClientNames">Client id → "App (Organisation)" for the per-app breakdown; null hides it (one app's page).</param>
public sealed record UsageView(string Prefix, string EnvironmentName, UsagePeriod Period, UsageSummary? Summary, IReadOnlyDictionary<string, string>? ClientNames = null)
{
    public IReadOnlyList<DateTimeOffset> Starts => Summary is null ? [] : [.. Summary.Buckets.Select(b => b.Start)];

    public static string StatusClass(int status) => status switch
    {
        < 400 => "2xx/3xx",
        < 500 => "4xx",
        _ => "5xx",
    };

    public static string Ms(double? value) => value is null ? "—" : value.Value.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " ms";

    public string ClientName(string? clientId) =>
        clientId is null ? "(no client: unauthenticated)" : ClientNames?.GetValueOrDefault(clientId) ?? clientId;
}
