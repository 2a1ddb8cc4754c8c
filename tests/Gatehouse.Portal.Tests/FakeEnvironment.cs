using System.Collections.Concurrent;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Web;
using Gatehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Portal.Tests;

/// <summary>
/// A stand-in for an environment's admin API: implements the PUTs of the contract and records what
/// the portal sent. Its URL is fixed up front, so a test can configure the portal before starting it
/// (or never start it, to play an environment that is down).
/// </summary>
public sealed class FakeEnvironment : IAsyncDisposable
{
    public const string AdminApiKey = "test-admin-key-0123456789";

    private WebApplication? app;

    public string Url { get; } = FreePort.NextUrl();

    public ConcurrentDictionary<Guid, ClientDescriptor> Clients { get; } = new();

    public ConcurrentDictionary<Guid, SandboxRequest> Sandboxes { get; } = new();

    public ConcurrentDictionary<Guid, bool> Deleted { get; } = new();

    /// <summary>The usage summaries the portal asked for: (clientId, from, to, bucket seconds).</summary>
    public ConcurrentQueue<(string? ClientId, DateTimeOffset From, DateTimeOffset To, int Bucket)> UsageQueries { get; } = new();

    /// <summary>What GET /admin/v1/usage/summary answers; null: a summary with no calls.</summary>
    public Func<string?, DateTimeOffset, DateTimeOffset, int, UsageSummary>? Usage { get; set; }

    public static UsageSummary EmptyUsage(DateTimeOffset from, DateTimeOffset to, int bucket) => new(
        from, to, bucket, UsageCounts.Zero, null, null,
        [.. Enumerable.Range(0, (int)Math.Ceiling((to - from).TotalSeconds / bucket)).Select(i => new UsageBucket(from.AddSeconds((double)i * bucket), UsageCounts.Zero, null, null))],
        [], [], [], []);

    public static string BusinessCodeFor(Guid organisationId) => "SBX" + organisationId.ToString("N")[^6..].ToUpperInvariant();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = typeof(FakeEnvironment).Assembly.GetName().Name });
        builder.WebHost.UseUrls(Url);
        builder.Logging.ClearProviders();
        app = builder.Build();
        var admin = app.MapGroup(EnvironmentAdminApi.BasePath).AddEndpointFilter(new ApiKeyFilter(AdminApiKey));
        admin.MapPut("/clients/{clientId:guid}", (Guid clientId, ClientDescriptor descriptor) =>
        {
            Clients[clientId] = descriptor;
            return TypedResults.Ok(new ClientProvisioned(clientId, descriptor.Scopes));
        });
        admin.MapDelete("/clients/{clientId:guid}", (Guid clientId) =>
        {
            Clients.TryRemove(clientId, out _);
            Deleted[clientId] = true;
            return TypedResults.NoContent();
        });
        admin.MapPut("/sandboxes/{organisationId:guid}", (Guid organisationId, SandboxRequest request) =>
        {
            Sandboxes[organisationId] = request;
            return TypedResults.Ok(new SandboxProvisioned(BusinessCodeFor(organisationId), request.OrganisationName + " (Sandbox)", request.ApiUserName, 3));
        });
        admin.MapGet("/usage/summary", (DateTimeOffset from, DateTimeOffset to, int bucket, string? clientId) =>
        {
            UsageQueries.Enqueue((clientId, from, to, bucket));
            return TypedResults.Ok(Usage?.Invoke(clientId, from, to, bucket) ?? EmptyUsage(from, to, bucket));
        });
        await app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
