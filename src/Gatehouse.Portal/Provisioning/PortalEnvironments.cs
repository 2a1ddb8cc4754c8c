using Gatehouse.Hosting.Contracts;

namespace Gatehouse.Portal.Provisioning;

/// <summary>The environments configured under <c>Environments</c>, sandbox (PIE) first.</summary>
public sealed class PortalEnvironments(IReadOnlyDictionary<string, EnvironmentEndpoint> endpoints)
{
    public IReadOnlyList<KeyValuePair<string, EnvironmentEndpoint>> All { get; } =
        [.. endpoints.OrderByDescending(e => e.Value.IsSandbox).ThenBy(e => e.Key, StringComparer.Ordinal)];

    public EnvironmentEndpoint? Find(string key) =>
        endpoints.TryGetValue(key, out var endpoint) ? endpoint : null;

    /// <summary>The environment that gives each organisation a sandbox business (PIE), if any.</summary>
    public KeyValuePair<string, EnvironmentEndpoint>? Sandbox =>
        All.Where(e => e.Value.IsSandbox).Select(e => (KeyValuePair<string, EnvironmentEndpoint>?)e).FirstOrDefault();

    public string DisplayName(string key) =>
        Find(key) is { DisplayName.Length: > 0 } e ? e.DisplayName : key;
}
