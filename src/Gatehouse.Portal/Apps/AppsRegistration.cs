namespace Gatehouse.Portal.Apps;

public static class AppsRegistration
{
    /// <summary>The app lifecycle shared by the pages and the management API.</summary>
    public static IServiceCollection AddAppLifecycle(this IServiceCollection services) =>
        services.AddScoped<AppLifecycle>().AddScoped<SecretLastUse>();
}
