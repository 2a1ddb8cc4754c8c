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
/// stopped and started again on the same databases to prove what survives a restart, and one
/// environment plane can be stopped and started again on its own (same port, same database) to play
/// an environment that is down.
/// </summary>
public sealed class GatehouseUnderTest : IAsyncDisposable
{
    private readonly Dictionary<string, string?> settings;
    private readonly List<TestDatabase> databases;
    // By name: "portal", "pie", "production" (the order GatehouseHost builds them in).
    private readonly Dictionary<string, WebApplication> planes = [];

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
            // Every log line (Information and up, whatever the category) also goes to the EventSource provider, so LogCapture sees it.
            ["Logging:EventSource:LogLevel:Default"] = "Information",
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

    /// <summary>Stops one environment plane ("pie" or "production"): its port stops answering, its database stays.</summary>
    public async Task StopEnvironmentAsync(string key)
    {
        if (planes.Remove(key, out var plane))
        {
            await plane.StopAsync();
            await plane.DisposeAsync();
        }
    }

    /// <summary>Starts one environment plane again, as <c>gatehouse --role environment --environment KEY</c> would, on the same URL and database.</summary>
    public async Task StartEnvironmentAsync(string key)
    {
        if (planes.ContainsKey(key))
        {
            throw new InvalidOperationException($"The {key} environment is already running.");
        }

        var plane = Assert.Single(GatehouseHost.Build(["--role", "environment", "--environment", key], Configure));
        await plane.StartAsync();
        planes[key] = plane;
    }

    private async Task StartPlanesAsync()
    {
        var built = GatehouseHost.Build([], Configure, configurePortalServices);
        string[] names = ["portal", .. RoleOptions.KnownEnvironments];
        Assert.Equal(names.Length, built.Count);

        // Environments first, as GatehouseHost.RunAsync does.
        for (var i = built.Count - 1; i >= 0; i--)
        {
            await built[i].StartAsync();
            planes[names[i]] = built[i];
        }
    }

    private void Configure(IConfigurationBuilder c)
    {
        if (developmentDefaults)
        {
            c.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json"), optional: false);
        }

        c.AddInMemoryCollection(settings);
    }

    private async Task StopPlanesAsync()
    {
        foreach (var plane in planes.Values)
        {
            await plane.StopAsync();
            await plane.DisposeAsync();
        }

        planes.Clear();
    }

    /// <summary>Every row of every table of the portal's and both environments' databases, as text, to scan for what must never be stored.</summary>
    public async Task<string> DumpDatabasesAsync()
    {
        var dump = new System.Text.StringBuilder();
        foreach (var database in databases)
        {
            await using System.Data.Common.DbConnection connection = database.Provider == DatabaseProvider.Sqlite
                ? new Microsoft.Data.Sqlite.SqliteConnection(database.ConnectionString)
                : new Npgsql.NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            var tables = new List<string>();
            await using (var list = connection.CreateCommand())
            {
                list.CommandText = database.Provider == DatabaseProvider.Sqlite
                    ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                    : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'";
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            foreach (var table in tables)
            {
                await using var select = connection.CreateCommand();
                select.CommandText = $"SELECT * FROM \"{table}\"";
                await using var reader = await select.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
                        dump.Append(value switch
                        {
                            string[] array => string.Join(",", array),
                            byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
                            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                        }).Append('|');
                    }

                    dump.AppendLine();
                }
            }
        }

        return dump.ToString();
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
