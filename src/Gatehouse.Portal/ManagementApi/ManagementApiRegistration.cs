namespace Gatehouse.Portal.ManagementApi;

public static class ManagementApiRegistration
{
    public static IServiceCollection AddManagementApi(this IServiceCollection services)
    {
        services.AddScoped<PersonalAccessTokens>();
        services.AddScoped<PersonalAccessTokenFilter>();
        services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Gatehouse portal management API";
                document.Info.Description = "Apps, credentials, API selection and redirect URIs. Authenticate with Authorization: Bearer gh_pat_… (scopes apps:read, apps:write).";
                return Task.CompletedTask;
            });
        });
        return services;
    }
}
