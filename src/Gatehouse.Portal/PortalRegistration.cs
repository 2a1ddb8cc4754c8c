using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Hosting.Web;
using Gatehouse.Portal.Accounts;
using Gatehouse.Portal.Apps;
using Gatehouse.Portal.Approvals;
using Gatehouse.Portal.ClassDirectory;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Catalogue;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Docs;
using Gatehouse.Portal.Mail;
using Gatehouse.Portal.ManagementApi;
using Gatehouse.Portal.Organisations;
using Gatehouse.Portal.Provisioning;
using Gatehouse.Portal.Usage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.FileProviders;

namespace Gatehouse.Portal;

public static class PortalRegistration
{
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<PortalOptions>().Bind(configuration.GetSection(PortalOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection("Storage")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SignUpOptions>().Bind(configuration.GetSection(SignUpOptions.SectionName)).ValidateOnStart();
        services.AddOptions<DemoDataOptions>().Bind(configuration.GetSection(DemoDataOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.SectionName)).ValidateOnStart();
        // The outbox shows every verification link: on by default only in Development.
        services.AddOptions<MailOptions>()
            .Configure(o => o.DevOutbox = builder.Environment.IsDevelopment())
            .Bind(configuration.GetSection(MailOptions.SectionName))
            .ValidateOnStart();
        services.AddOptions<ProvisioningOptions>().Bind(configuration.GetSection(ProvisioningOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        var portal = configuration.GetSection(PortalOptions.SectionName).Get<PortalOptions>() ?? new PortalOptions();
        var storage = configuration.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        builder.WebHost.UseUrls(portal.Url);

        // First hosted service of all: hosted services start in registration order, and Data
        // Protection's own one reads the key table, so the schema must exist before it runs.
        services.AddHostedService<PortalStartup>();
        services.AddPlaneDatabase<PortalDbContext, SqlitePortalDbContext, PostgresPortalDbContext>(
            portal.Database, Path.Combine(storage.DataDirectory, "portal.db"));
        services.AddPlaneDataProtection<PortalDbContext>("Gatehouse.Portal", configuration);

        services.AddAccounts(configuration, portal);
        services.AddRazorPages(o =>
        {
            // Pages live in their feature folders (Accounts/, Apps/, ...), with explicit routes.
            o.RootDirectory = "/";
        }).AddMvcOptions(o => o.Filters.Add<PageBindingGuard>());

        var environments = configuration.GetSection(EnvironmentEndpoint.SectionName).Get<Dictionary<string, EnvironmentEndpoint>>() ?? [];
        services.AddSingleton(new PortalEnvironments(environments));
        var provisioning = configuration.GetSection(ProvisioningOptions.SectionName).Get<ProvisioningOptions>() ?? new ProvisioningOptions();
        // One line per request every few seconds would drown the all-in-one console.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        services.AddHttpClient<EnvironmentAdminClient>(c => c.Timeout = TimeSpan.FromSeconds(provisioning.TimeoutSeconds));

        services.AddScoped<IMailSender, MailSender>();
        services.AddScoped<AccountMails>();
        services.AddScoped<DemoData>();
        services.AddScoped<OrganisationMembership>();
        services.AddScoped<Members>();
        services.AddCurrentMember();
        services.AddScoped<Provisioner>();
        services.AddLogoFetcher();
        services.AddScoped<AuditLog>();
        services.AddDocs(configuration);
        services.AddCatalogue();
        services.AddAppLifecycle();
        services.AddApprovals(configuration);
        services.AddClassDirectory();
        services.AddManagementApi();
        services.AddUsage();
        services.AddHttpContextAccessor();

        // After PortalStartup: the worker's first pass needs the migrated database.
        services.AddHostedService<ProvisioningWorker>();

        services.AddSingleton<IPlaneInfo>(PlaneInfoFor(configuration, builder.Environment, portal));
        return builder;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            // The stylesheet and script ship inside the assembly: no static web assets manifest, no CDN.
            FileProvider = new EmbeddedFileProvider(typeof(PortalPlane).Assembly, "Gatehouse.Portal.Assets"),
            RequestPath = "/assets",
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapHealthEndpoints();
        app.MapRazorPages();
        app.MapManagementApi();
        app.MapCatalogue();
        return app;
    }

    private static PlaneInfo PlaneInfoFor(ConfigurationManager configuration, IHostEnvironment environment, PortalOptions portal)
    {
        var notes = new List<string>();
        var demo = configuration.GetSection(DemoDataOptions.SectionName).Get<DemoDataOptions>() ?? new DemoDataOptions();
        if (demo.Enabled)
        {
            notes.Add($"Demo sign-in: {demo.Email} / {demo.Password}");
            if (configuration["Portal:DemoData:AdminPassword"] is { Length: > 0 } adminPassword)
            {
                notes.Add($"Demo platform admin: {configuration["Portal:DemoData:AdminEmail"] ?? "admin@class.com.au"} / {adminPassword}");
            }
        }

        if (configuration.GetValue<bool?>($"{MailOptions.SectionName}:{nameof(MailOptions.DevOutbox)}") ?? environment.IsDevelopment())
        {
            notes.Add($"Mail outbox: {portal.BaseUrl}/dev/mail");
        }

        return new PlaneInfo("Developer portal", portal.Url, notes);
    }
}
