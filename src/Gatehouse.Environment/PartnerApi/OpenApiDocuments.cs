using System.Globalization;
using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Gatehouse.Environment.PartnerApi;

/// <summary>
/// One OpenAPI 3.1 document per product, generated from the endpoints themselves (their group name
/// is the product, see <see cref="PartnerApiEndpoints.Requires"/>), served at
/// <c>/openapi/{product}.json</c> with this environment's base URL and the OAuth 2.0 scheme.
/// </summary>
public static class OpenApiDocuments
{
    public const string Route = "/openapi/{documentName}.json";

    public static readonly string[] Products = [ClassProducts.PartnerApi, ClassProducts.Dms];

    public static IServiceCollection AddProductDocuments(this IServiceCollection services, EnvironmentEndpoint environment)
    {
        foreach (var product in Products)
        {
            services.AddOpenApi(product, o =>
            {
                o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
                o.AddDocumentTransformer((document, _, _) =>
                {
                    var issuer = environment.ResolveIssuer();
                    document.Info = new OpenApiInfo
                    {
                        Title = product == ClassProducts.Dms ? "DMS" : "Class Partner API",
                        Version = "1.0",
                        Description = $"{environment.DisplayName} environment. Responses use the Class envelope " +
                            "{Data, Errors[{Code, Message}], ErrorCodes, CreatedUri, IsCreatedResponse}.",
                    };
                    document.Servers = [new OpenApiServer { Url = issuer.ToString().TrimEnd('/') }];
                    document.Components ??= new OpenApiComponents();
                    document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                    document.Components.SecuritySchemes["oauth2"] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.OAuth2,
                        Description = "Access tokens from this environment's token endpoint; each operation names its scope.",
                        Flows = new OpenApiOAuthFlows
                        {
                            ClientCredentials = new OpenApiOAuthFlow { TokenUrl = new Uri(issuer, "connect/token") },
                            Password = new OpenApiOAuthFlow { TokenUrl = new Uri(issuer, "connect/token") },
                        },
                    };
                    ClassPropertyNames(document);
                    return Task.CompletedTask;
                });
                o.AddOperationTransformer((operation, context, _) =>
                {
                    AddExamples(operation, context.Description, environment.ResolveIssuer());
                    return Task.CompletedTask;
                });
            });
        }

        return services;
    }

    /// <summary>Our own schema types by their schema name (the type name: none of them is generic).</summary>
    private static readonly Dictionary<string, Type> OwnTypes = typeof(OpenApiDocuments).Assembly.GetTypes()
        .Where(t => t is { IsPublic: true, IsGenericTypeDefinition: false } && t.Namespace is "Gatehouse.Environment.PartnerApi" or "Gatehouse.Environment.Dms")
        .GroupBy(t => t.Name, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    /// <summary>
    /// The schemas must spell properties as the wire does. The generator names them with the app's
    /// JSON options (camelCase), but the Class APIs serialise with <see cref="ClassResults.Json"/>
    /// (PascalCase, or the [JsonPropertyName] given): rename the properties of our own types.
    /// </summary>
    private static void ClassPropertyNames(OpenApiDocument document)
    {
        foreach (var (name, entry) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (!OwnTypes.TryGetValue(name, out var type) || entry is not OpenApiSchema { Properties: { Count: > 0 } properties } schema)
            {
                continue;
            }

            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var attribute = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
                names[attribute ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name)] = attribute ?? property.Name;
            }

            string Wire(string key) => names.GetValueOrDefault(key, key);
            schema.Properties = properties.ToDictionary(p => Wire(p.Key), p => p.Value, StringComparer.Ordinal);
            if (schema.Required is { Count: > 0 } required)
            {
                schema.Required = new HashSet<string>(required.Select(Wire), StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Examples (<see cref="OperationExamples"/>) on the request body and on every documented answer.</summary>
    private static void AddExamples(OpenApiOperation operation, ApiDescription description, Uri baseUri)
    {
        // "GET /b/{businessCode}/fund-data/fund-list": the route template relative to /api/1.0.
        var key = $"{description.HttpMethod} /{description.RelativePath}".Replace(" " + PartnerApiEndpoints.BasePath, " ", StringComparison.Ordinal);
        if (operation.RequestBody?.Content is { } requestContent && OperationExamples.Request(key, baseUri) is { } request)
        {
            foreach (var media in requestContent.Values)
            {
                media.Example = request.DeepClone();
            }
        }

        foreach (var (status, response) in operation.Responses ?? [])
        {
            var example = status == "200" ? OperationExamples.Success(key, baseUri) : OperationExamples.Error(key, int.Parse(status, CultureInfo.InvariantCulture));
            if (example is null)
            {
                continue;
            }

            if (response.Content is { } content)
            {
                foreach (var media in content.Values)
                {
                    media.Example = example.DeepClone();
                }
            }
        }
    }
}
