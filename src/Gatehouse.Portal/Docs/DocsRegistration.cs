namespace Gatehouse.Portal.Docs;

public static class DocsRegistration
{
    public static IServiceCollection AddDocs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DocsOptions>().Bind(configuration.GetSection(DocsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<GuideLibrary>();
        return services;
    }
}
