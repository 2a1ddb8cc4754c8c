using Gatehouse.Environment.RateLimiting;
using Gatehouse.Environment.Usage;

namespace Gatehouse.Environment.PartnerApi;

public static class PartnerApiRegistration
{
    /// <summary>Services of the Class Partner API and DMS: per-client rate limits and usage recording.</summary>
    public static IServiceCollection AddPartnerApi(this IServiceCollection services, string environmentKey)
    {
        services.AddClassRateLimiting(environmentKey);
        services.AddUsageRecording();
        return services;
    }
}
