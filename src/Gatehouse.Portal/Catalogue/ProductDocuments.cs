using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Portal.Provisioning;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Catalogue;

/// <summary>One operation of a product, read from its OpenAPI document.</summary>
public sealed record ProductOperation(string Method, string Path, string Summary, IReadOnlyList<string> Scopes, string? Tag);

/// <summary>A product's OpenAPI document as fetched, and its operations.</summary>
public sealed record ProductDocument(JsonObject Document, IReadOnlyList<ProductOperation> Operations);

/// <summary>Where a product's API answers in one environment.</summary>
public sealed record ProductEnvironment(string Key, string DisplayName, string BaseUrl, bool IsSandbox);

/// <summary>
/// The OpenAPI documents behind the catalogue pages and the reference. Fetched server-side from the
/// API's own host (PIE for the Class APIs, the portal for the Management API) with a short timeout,
/// and cached: the pages stay fast and a host that is down costs one timeout per minute, not one per
/// page view. The browser only ever loads the copy from the portal's origin (ADR 0013).
/// </summary>
public sealed class ProductDocuments(
    IHttpClientFactory clients,
    IMemoryCache cache,
    PortalEnvironments environments,
    IOptions<PortalOptions> portal,
    ILogger<ProductDocuments> logger)
{
    public const string HttpClientName = "catalogue-openapi";

    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    /// <summary>Environments (sandbox first) and the API's base URL in each; the portal's own URL for portal APIs.</summary>
    public IReadOnlyList<ProductEnvironment> EnvironmentsFor(ApiProduct product) => product.Host == ProductHost.Portal
        ? [new ProductEnvironment("portal", "Portal", portal.Value.BaseUrl + "/api/v1", false)]
        : [.. environments.All.Select(e => new ProductEnvironment(e.Key, environments.DisplayName(e.Key), e.Value.Url.TrimEnd('/') + "/api/1.0", e.Value.IsSandbox))];

    /// <summary>The host whose document (and base URL) the reference and try-it use: PIE, or the portal.</summary>
    public string? ReferenceServerFor(ApiProduct product) => product.Host == ProductHost.Portal
        ? portal.Value.BaseUrl
        : (environments.Sandbox ?? (environments.All.Count > 0 ? environments.All[0] : null)) is { Value.Url: { Length: > 0 } url } ? url.TrimEnd('/') : null;

    public async Task<ProductDocument?> GetAsync(ApiProduct product, CancellationToken cancellationToken)
    {
        if (ReferenceServerFor(product) is not { } server || product.OpenApiPath.Length == 0)
        {
            return null;
        }

        var source = server + product.OpenApiPath;
        if (cache.TryGetValue(source, out ProductDocument? cached))
        {
            return cached;
        }

        ProductDocument? document = null;
        try
        {
            using var response = await clients.CreateClient(HttpClientName).GetAsync(source, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                if (await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken) is JsonObject json)
                {
                    document = new ProductDocument(json, Operations(json));
                }
            }
            else
            {
                logger.LogWarning("OpenAPI document {Source} answered {Status}", source, (int)response.StatusCode);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "OpenAPI document {Source} is unavailable", source);
        }

        cache.Set(source, document, document is null ? RetryAfterFailure : Fresh);
        return document;
    }

    /// <summary>
    /// The document the reference page loads: a copy with <c>servers</c> set to the API's base URL on
    /// PIE (never Production), or the portal for its own API, and a bearer scheme try-it fills in,
    /// offered as an alternative on every operation (RFC 6750 bearer): a PIE access token for the Class
    /// APIs, the developer's personal access token for the Management API.
    /// </summary>
    public static JsonObject ForReference(ProductDocument document, string server, ProductHost host)
    {
        var copy = (JsonObject)document.Document.DeepClone();
        copy["servers"] = new JsonArray(new JsonObject { ["url"] = server, ["description"] = host == ProductHost.Portal ? "This portal" : "PIE (sandbox)" });
        var components = copy["components"] as JsonObject ?? new JsonObject();
        copy["components"] = components;
        var schemes = components["securitySchemes"] as JsonObject ?? new JsonObject();
        components["securitySchemes"] = schemes;
        schemes[TryItScheme] = new JsonObject
        {
            ["type"] = "http",
            ["scheme"] = "bearer",
            ["bearerFormat"] = host == ProductHost.Portal ? "gh_pat_…" : "JWT",
            ["description"] = host == ProductHost.Portal
                ? "Your personal access token (gh_pat_…), filled in by try-it or pasted here."
                : "A short-lived PIE access token for one of your apps, filled in by try-it.",
        };
        foreach (var (_, item) in copy["paths"] as JsonObject ?? [])
        {
            foreach (var method in Methods)
            {
                if (item?[method] is JsonObject operation)
                {
                    var security = operation["security"] as JsonArray ?? new JsonArray();
                    security.Insert(0, new JsonObject { [TryItScheme] = new JsonArray() });
                    operation["security"] = security;
                }
            }
        }

        return copy;
    }

    public const string TryItScheme = "tryItToken";

    private static List<ProductOperation> Operations(JsonObject document)
    {
        var operations = new List<ProductOperation>();
        foreach (var (path, item) in document["paths"] as JsonObject ?? [])
        {
            foreach (var method in Methods)
            {
                if (item?[method] is not JsonObject operation)
                {
                    continue;
                }

                var scopes = (operation["security"] as JsonArray ?? [])
                    .OfType<JsonObject>()
                    .SelectMany(requirement => requirement.Select(r => r.Value).OfType<JsonArray>())
                    .SelectMany(list => list.Select(s => s?.GetValue<string>()).OfType<string>())
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
                var summary = operation["summary"]?.GetValue<string>() ?? operation["operationId"]?.GetValue<string>() ?? "";
                var tag = (operation["tags"] as JsonArray)?.FirstOrDefault()?.GetValue<string>();
                operations.Add(new ProductOperation(method.ToUpperInvariant(), path, summary, scopes, tag));
            }
        }

        return operations;
    }
}
