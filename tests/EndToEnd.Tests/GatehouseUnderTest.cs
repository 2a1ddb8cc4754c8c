using Gatehouse.Hosting.Database;
using Gatehouse.Roles;
using Gatehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// The whole product as <c>dotnet run</c> starts it (portal, PIE, Production in one process, built by
/// the same <see cref="GatehouseHost"/>), on free 127.0.0.1 ports, with its own databases. It can be
/// stopped and started again on the same databases to prove what survives a restart.
/// </summary>
public sealed class GatehouseUnderTest : IAsyncDisposable
{
    private readonly Dictionary<string, string?> settings;
    private readonly List<TestDatabase> databases;
    private IReadOnlyList<WebApplication> planes = [];

    private readonly bool developmentDefaults;
    private readonly Action<IServiceCollection>? configurePortalServices;

    private GatehouseUnderTest(Dictionary<string, string?> settings, List<TestDatabase> databases, bool developmentDefaults, Action<IServiceCollection>? configurePortalServices)
    {
        this.settings = settings;
        this.databases = databases;
        this.developmentDefaults = developmentDefaults;
        this.configurePortalServices = configurePortalServices;
    }

    public string PortalUrl => settings["Portal:Url"]!;

    public string PieUrl => settings["Environments:pie:Url"]!;

    public string ProductionUrl => settings["Environments:production:Url"]!;

    /// <param name="developmentDefaults">
    /// Also read <c>appsettings.Development.json</c>, as <c>dotnet run</c> does: demo data on, with the
    /// demo accounts it names (ports, databases and admin keys stay the test's own).
    /// </param>
    /// <param name="configurePortalServices">Replaces portal services (a fake <see cref="TimeProvider"/>), as <c>PortalPlane.Build</c> allows.</param>
    public static async Task<GatehouseUnderTest> StartAsync(DatabaseProvider provider, bool developmentDefaults = false, Action<IServiceCollection>? configurePortalServices = null)
    {
        var portalDb = await TestDatabase.CreateAsync(provider);
        var pieDb = await TestDatabase.CreateAsync(provider);
        var productionDb = await TestDatabase.CreateAsync(provider);
        var settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = Directory.CreateTempSubdirectory("gatehouse-e2e-").FullName,
            ["Portal:Url"] = FreePort.NextUrl(),
            ["Portal:Mail:DevOutbox"] = "true",
            ["Portal:DemoData:Enabled"] = "false",
            ["Portal:Provisioning:IntervalSeconds"] = "1",
            ["Portal:SignUp:FreeMailDomains:0"] = "gmail.com",
            ["Environments:pie:DisplayName"] = "PIE",
            ["Environments:pie:Url"] = FreePort.NextUrl(),
            ["Environments:pie:IsSandbox"] = "true",
            ["Environments:pie:AdminApiKey"] = "e2e-pie-" + Guid.NewGuid(),
            ["Environments:production:DisplayName"] = "Production",
            ["Environments:production:Url"] = FreePort.NextUrl(),
            ["Environments:production:IsSandbox"] = "false",
            ["Environments:production:AdminApiKey"] = "e2e-production-" + Guid.NewGuid(),
        };
        foreach (var (key, value) in portalDb.ConfigurationFor("Portal")
                     .Concat(pieDb.ConfigurationFor("Environments:pie"))
                     .Concat(productionDb.ConfigurationFor("Environments:production")))
        {
            settings[key] = value;
        }

        if (developmentDefaults)
        {
            settings.Remove("Portal:DemoData:Enabled");
        }

        var product = new GatehouseUnderTest(settings, [portalDb, pieDb, productionDb], developmentDefaults, configurePortalServices);
        await product.StartPlanesAsync();
        return product;
    }

    /// <summary>Stops every plane and starts them again on the same databases.</summary>
    public async Task RestartAsync()
    {
        await StopPlanesAsync();
        await StartPlanesAsync();
    }

    private async Task StartPlanesAsync()
    {
        planes = GatehouseHost.Build([], c =>
        {
            if (developmentDefaults)
            {
                c.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json"), optional: false);
            }

            c.AddInMemoryCollection(settings);
        }, configurePortalServices);
        foreach (var plane in planes.Reverse())
        {
            await plane.StartAsync();
        }
    }

    private async Task StopPlanesAsync()
    {
        foreach (var plane in planes)
        {
            await plane.StopAsync();
            await plane.DisposeAsync();
        }

        planes = [];
    }

    public async ValueTask DisposeAsync()
    {
        await StopPlanesAsync();
        foreach (var database in databases)
        {
            await database.DisposeAsync();
        }
    }
}
