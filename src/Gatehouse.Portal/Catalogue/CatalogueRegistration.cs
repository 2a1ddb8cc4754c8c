using System.IO.Compression;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Gatehouse.Portal.Data;
using Markdig;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Catalogue;

public static class CatalogueRegistration
{
    /// <summary>Rate limit of try-it tokens: per signed-in developer (ASVS 2.4.1), generous for a person, tight for a script.</summary>
    public const string TryItPolicy = "catalogue-try-it";

    public const int TryItPerMinute = 10;

    /// <summary>Scalar's standalone bundle, shipped gzipped inside Scalar.AspNetCore (MIT): served from here, never a CDN.</summary>
    public const string ScalarScriptPath = "/catalogue/assets/scalar.js";

    private const string ScalarResource = "ScalarStaticAssets.scalar.js";

    public static IServiceCollection AddCatalogue(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddHttpClient(ProductDocuments.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(5));
        services.AddHttpClient(TryItBroker.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<ProductDocuments>();
        services.AddScoped<ProductRules>();
        services.AddScoped<TryItBroker>();
        services.AddSingleton(new ProductMarkdown());
        services.AddRateLimiter(o => o.AddPolicy(TryItPolicy, context =>
            !HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetNoLimiter("get")
                : RateLimitPartition.GetFixedWindowLimiter(
                    context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = TryItPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })));
        return services;
    }

    public static IEndpointRouteBuilder MapCatalogue(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ScalarScriptPath, ScalarScript).ExcludeFromDescription();
        endpoints.MapGet("/catalogue/{slug}/openapi.json", ReferenceDocumentAsync).ExcludeFromDescription();
        return endpoints;
    }

    private static IResult ScalarScript(HttpContext http)
    {
        var assembly = typeof(Scalar.AspNetCore.ScalarOptions).Assembly;
        var stream = assembly.GetManifestResourceStream(ScalarResource);
        if (stream is null)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.CacheControl = "public, max-age=86400";
        http.Response.Headers.Vary = "Accept-Encoding";
        if (http.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.Headers.ContentEncoding = "gzip";
            return TypedResults.Stream(stream, "text/javascript; charset=utf-8");
        }

        return TypedResults.Stream(new GZipStream(stream, CompressionMode.Decompress), "text/javascript; charset=utf-8");
    }

    /// <summary>
    /// The product's OpenAPI document from the portal's own origin, with <c>servers</c> = PIE (the
    /// portal for its own API) and the try-it bearer scheme: the reference page never fetches a document from elsewhere.
    /// </summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ReferenceDocumentAsync(
        string slug, PortalDbContext db, ProductDocuments documents, CancellationToken cancellationToken)
    {
        var product = await db.ApiProducts.AsNoTracking().SingleOrDefaultAsync(p => p.Code == slug && p.Visibility == ProductVisibility.Public, cancellationToken);
        if (product is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such API product.");
        }

        if (await documents.GetAsync(product, cancellationToken) is not { } document || documents.ReferenceServerFor(product) is not { } server)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: $"The {product.Name} OpenAPI document is unavailable right now.");
        }

        var copy = ProductDocuments.ForReference(document, server, product.Host);
        return TypedResults.Content(copy.ToJsonString(), "application/json; charset=utf-8");
    }
}

/// <summary>Product descriptions: Markdown with raw HTML off, like the guides (the CSP and encoding stay in charge).</summary>
public sealed class ProductMarkdown
{
    private readonly MarkdownPipeline pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();

    public string ToHtml(string markdown) => Markdown.ToHtml(markdown, pipeline);
}
