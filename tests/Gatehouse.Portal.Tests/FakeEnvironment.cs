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

    /// <summary>What GET /admin/v1/clients/{id} reports as each secret's last use, by client id.</summary>
    public ConcurrentDictionary<Guid, IReadOnlyList<ClientSecretLastUsed>> LastUsed { get; } = new();

    /// <summary>How long GET /admin/v1/clients/{id} takes to answer (an environment that hangs).</summary>
    public TimeSpan ClientStateDelay { get; set; }

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
        admin.MapGet("/clients/{clientId:guid}", async Task<IResult> (Guid clientId, HttpContext http) =>
        {
            await Task.Delay(ClientStateDelay, http.RequestAborted);
            return Clients.TryGetValue(clientId, out var client)
                ? TypedResults.Ok(new ClientState(clientId, client.Enabled, LastUsed.TryGetValue(clientId, out var used) ? used : []))
                : TypedResults.NotFound();
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
        // Try-it (ADR 0013): a token the test can recognise, and the document the reference proxies.
        admin.MapPost("/clients/{clientId:guid}/try-it-tokens", (Guid clientId, TryItTokenRequest request) =>
        {
            TryItRequests[clientId] = request;
            return Clients.TryGetValue(clientId, out var client)
                ? Results.Ok(new TryItTokenIssued($"fake-try-it-token-{clientId:N}", "Bearer", 600, DateTimeOffset.UtcNow.AddMinutes(10), string.Join(' ', request.Scopes ?? []), client.BusinessCode ?? ""))
                : Results.NotFound();
        });
        app.MapGet("/openapi/class-partner-api.json", () => ServeOpenApi
            ? Results.Text("""{"openapi":"3.1.1","info":{"title":"Class Partner API","version":"1.0"},"servers":[{"url":"http://elsewhere.example"}],"paths":{"/api/1.0/b/{businessCode}/fund-data/fund-list":{"get":{"summary":"List the funds of the business","tags":["Fund data"],"security":[{"oauth2":["business.fund.list"]}],"parameters":[{"name":"businessCode","in":"path","required":true,"schema":{"type":"string"}}]}}}}""", "application/json")
            : Results.StatusCode(503));

        admin.MapGet("/usage/summary", (DateTimeOffset from, DateTimeOffset to, int bucket, string? clientId) =>
        {
            UsageQueries.Enqueue((clientId, from, to, bucket));
            return TypedResults.Ok(Usage?.Invoke(clientId, from, to, bucket) ?? EmptyUsage(from, to, bucket));
        });
        await app.StartAsync();
    }

    /// <summary>Whether GET /openapi/class-partner-api.json answers (false: play a document that is unavailable).</summary>
    public bool ServeOpenApi { get; set; } = true;

    public ConcurrentDictionary<Guid, TryItTokenRequest> TryItRequests { get; } = new();

    /// <summary>Stops listening (the environment goes down); <see cref="StartAsync"/> brings it back on the same URL.</summary>
    public async Task StopAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            app = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
