using Gatehouse.Hosting.Contracts;

namespace Gatehouse.Portal.Apps;

/// <summary>How apps read to people: type names as the guide writes them, and the sync status line.</summary>
public static class AppViews
{
    public static string TypeName(string appType) => appType switch
    {
        AppTypes.Client => "Client (single-tenant)",
        AppTypes.Partner => "Partner (multi-tenant)",
        _ => appType,
    };

    /// <summary>A failed sync says so with its reason (ADR 0022): it is not retried until the app changes.</summary>
    public static string SyncStatus(SyncState state, string? error, string environmentName) => state switch
    {
        SyncState.Synced => $"In sync with {environmentName}",
        SyncState.Failed => $"Sync failed: {error ?? $"{environmentName} did not accept the app."}",
        _ => $"Pending sync: {error ?? $"waiting to be pushed to {environmentName}."}",
    };

    public static string Hint(string secretHint) => "••••" + secretHint;

    public static string StatusName(AppStatus status) => status switch
    {
        AppStatus.Active => "Active",
        AppStatus.PendingApproval => "Pending approval",
        AppStatus.Suspended => "Suspended",
        _ => status.ToString(),
    };

    public static string Date(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("d MMM yyyy HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "—";
}
