using Gatehouse.Hosting.Database;
using Gatehouse.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Gatehouse.Environment.Tests;

public sealed class EnvironmentPlaneStartupTests
{
    [Fact]
    public async Task Start_WithoutAdminApiKey_FailsNamingTheSetting()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = EnvironmentPlane.Build([], "pie", cfg => cfg.AddInMemoryCollection(
        [
            new("Environments:pie:Url", FreePort.NextUrl()),
            .. database.ConfigurationFor("Environments:pie"),
        ]));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Environments:pie:AdminApiKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_WithoutUrl_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => EnvironmentPlane.Build([], "pie", cfg => cfg.AddInMemoryCollection(
            [new("Environments:pie:Url", ""), new("Environments:pie:AdminApiKey", "k")])));
}
