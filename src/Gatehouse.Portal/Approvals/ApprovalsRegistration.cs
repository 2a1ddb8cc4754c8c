namespace Gatehouse.Portal.Approvals;

public static class ApprovalsRegistration
{
    /// <summary>Platform admins, their reviews and the seeding (call after PortalStartup is registered).</summary>
    public static IServiceCollection AddApprovals(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(PlatformAdminOptions.From(configuration));
        services.AddScoped<PlatformAdmins>();
        services.AddScoped<AppReviews>();
        services.AddHostedService<PlatformAdminStartup>();
        return services;
    }
}
