using Gatehouse.Environment.AdminApi;
using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Connections;
using Microsoft.Extensions.FileProviders;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.PartnerApi;
using Gatehouse.Environment.RateLimiting;
using Gatehouse.Environment.Sandbox;
using Gatehouse.Environment.TryIt;
using Gatehouse.Environment.Usage;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Hosting.Web;
using Microsoft.Extensions.Configuration;

namespace Gatehouse.Environment;

public static class EnvironmentRegistration
{
    public static IServiceCollection AddEnvironment(this IServiceCollection services, string environmentKey, EnvironmentEndpoint environment, StorageOptions storage, IConfiguration configuration)
    {
        // First hosted service: the schema must exist before anything else touches the database.
        services.AddHostedService<MigrateOnStart>();
        services.AddPlaneDatabase<EnvironmentDbContext, SqliteEnvironmentDbContext, PostgresEnvironmentDbContext>(
            environment.Database, Path.Combine(storage.DataDirectory, $"{environmentKey}.db"));
        services.AddPlaneDataProtection<EnvironmentDbContext>($"Gatehouse.Environment.{environmentKey}", configuration);

        services.AddSingleton(environment);
        services.AddOptions<EnvironmentEndpoint>()
            .Configure(o => o.AdminApiKey = environment.AdminApiKey)
            .Validate(o => !string.IsNullOrWhiteSpace(o.AdminApiKey), $"{EnvironmentEndpoint.SectionName}:{environmentKey}:AdminApiKey is required: the portal provisions this environment with it.")
            .ValidateOnStart();

        services.AddEnvironmentAuthorization(environment.ResolveIssuer(), environmentKey, environment);
        services.AddRazorPages(o => o.RootDirectory = "/").AddMvcOptions(o => o.Filters.Add<PageBindingGuard>());
        services.AddScoped<ClientProvisioning>();
        services.AddSecretUseRecording();
        services.AddScoped<DirectoryProvisioning>();
        services.AddScoped<SandboxProvisioning>();
        services.AddPartnerApi(environmentKey);
        services.AddAuthenticationThrottle(environmentKey);
        services.AddProductDocuments(environment);

        var issuer = environment.ResolveIssuer();
        services.AddSingleton<IPlaneInfo>(new PlaneInfo(
            environment.IsSandbox ? "PIE environment" : "Production environment",
            environment.Url,
            [
                $"Issuer: {issuer.AbsoluteUri}",
                $"Discovery: {new Uri(issuer, ".well-known/openid-configuration").AbsoluteUri}",
                $"Token endpoint: {new Uri(issuer, "connect/token").AbsoluteUri}",
            ]));
        return services;
    }

    public static WebApplication MapEnvironment(this WebApplication app, EnvironmentEndpoint environment)
    {
        app.UseTransportSecurity(environment);
        app.UseStaticFiles(new StaticFileOptions
        {
            // The stylesheet ships inside the assembly: no static web assets manifest, no CDN.
            FileProvider = new EmbeddedFileProvider(typeof(EnvironmentPlane).Assembly, "Gatehouse.Environment.Assets"),
            RequestPath = "/assets",
        });
        // Before OpenIddict (it runs inside UseAuthentication) reads a protocol form.
        app.UseProtocolFormLimits();
        app.UseClassApiCors();
        app.UseSigningKeyActivation();
        // RL4: before OpenIddict authenticates clients, so a flood is refused before any hashing.
        app.UseAuthenticationThrottle();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthEndpoints();
        app.MapTokenEndpoint();
        app.MapUserEndpoints();
        app.MapConnections();
        app.MapRazorPages();
        app.MapAdminApi(environment);
        app.MapTryItTokens(environment);
        app.MapPartnerApi();
        app.MapOpenApi(OpenApiDocuments.Route);
        app.MapSandboxAdmin(environment);
        app.MapUsageAdmin(environment);
        return app;
    }
}
