using Gatehouse.Hosting.Contracts;
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
                    return Task.CompletedTask;
                });
            });
        }

        return services;
    }
}
