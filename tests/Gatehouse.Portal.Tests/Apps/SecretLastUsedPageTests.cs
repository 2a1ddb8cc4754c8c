using System.Net;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Apps;
using Gatehouse.Portal.Tests.ManagementApi;
using Microsoft.EntityFrameworkCore;
using static Gatehouse.Portal.Tests.Apps.AppTestSupport;

namespace Gatehouse.Portal.Tests.Apps;

/// <summary>
/// "Last used" per secret, as the environment reports it (ADR 0015): on the app page and in the
/// management API; "unknown" (never an error) when the environment is down or too slow.
/// </summary>
public abstract class SecretLastUsedPageTests
{
    protected abstract DatabaseProvider Provider { get; }

    [Fact]
    public async Task SecretLastUsed_ReportedByEnvironment_ShownPerSecretOnPageAndApi()
    {
        await using var portal = await PortalUnderTest.StartAsync(Provider);
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(browser);
        var path = $"/apps/{app.AppId}";
        var second = NewSecretFrom(await BodyAsync(await PostHandlerAsync(browser, path, "Rotate", ("OverlapDays", "7"))));
        var ids = await portal.QueryAsync(db => db.Set<AppSecret>().ToDictionaryAsync(s => s.Hash, s => s.Id));
        var (firstId, secondId) = (ids[ClientSecrets.Hash(app.Secret)], ids[ClientSecrets.Hash(second)]);
        var usedAt = new DateTimeOffset(2026, 11, 28, 6, 15, 0, TimeSpan.Zero);
        portal.Pie.LastUsed[Guid.Parse(app.ClientId)] = [new ClientSecretLastUsed(firstId, usedAt)];

        var page = Browser.Parse(await BodyAsync(await browser.GetAsync(path)));
        Assert.Equal("28 Nov 2026 06:15 UTC", LastUsedCell(page, app.Secret));
        Assert.Equal("Never", LastUsedCell(page, second));
        Assert.Null(page.QuerySelector("#last-used-unknown"));

        using var api = ManagementApiTests.Client(portal, await ManagementApiTests.CreateTokenAsync(browser, write: false));
        var secrets = await SecretsAsync(api, app.AppId);
        Assert.Equal(usedAt, secrets[firstId].GetProperty("lastUsedAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, secrets[secondId].GetProperty("lastUsedAt").ValueKind);
        Assert.All(secrets.Values, s => Assert.True(s.GetProperty("lastUsedKnown").GetBoolean()));

        // PIE goes down: the page still renders, saying "Unknown"; the API says it does not know.
        await portal.Pie.StopAsync();
        using (var down = await browser.GetAsync(path))
        {
            Assert.Equal(HttpStatusCode.OK, down.StatusCode);
            var downPage = Browser.Parse(await down.Content.ReadAsStringAsync());
            Assert.Equal("Unknown", LastUsedCell(downPage, app.Secret));
            Assert.Equal("Unknown", LastUsedCell(downPage, second));
            Assert.NotNull(downPage.QuerySelector("#last-used-unknown"));
        }

        var unknown = await SecretsAsync(api, app.AppId);
        Assert.All(unknown.Values, s => Assert.False(s.GetProperty("lastUsedKnown").GetBoolean()));
        Assert.All(unknown.Values, s => Assert.Equal(JsonValueKind.Null, s.GetProperty("lastUsedAt").ValueKind));
    }

    [Fact]
    public async Task SecretLastUsed_EnvironmentSlowerThanTheTimeout_PageSaysUnknown()
    {
        // The admin call's own timeout is long (120 s); only the short "last used" timeout can make this Unknown.
        await using var portal = await PortalUnderTest.StartAsync(Provider, overrides: new Dictionary<string, string?>
        {
            ["Portal:Provisioning:TimeoutSeconds"] = "120",
            ["Portal:Provisioning:LastUsedTimeoutMilliseconds"] = "300",
        });
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(browser);
        portal.Pie.LastUsed[Guid.Parse(app.ClientId)] = [new ClientSecretLastUsed(Guid.NewGuid(), DateTimeOffset.UnixEpoch)];
        portal.Pie.ClientStateDelay = TimeSpan.FromSeconds(60);

        var page = Browser.Parse(await BodyAsync(await browser.GetAsync($"/apps/{app.AppId}")));

        Assert.Equal("Unknown", LastUsedCell(page, app.Secret));
        portal.Pie.ClientStateDelay = TimeSpan.Zero;
    }

    private static string? LastUsedCell(AngleSharp.Dom.IDocument page, string secret) =>
        page.QuerySelector($"tr[data-secret-hint='{secret[^4..]}'] .secret-last-used")?.TextContent.Trim();

    private static async Task<Dictionary<Guid, JsonElement>> SecretsAsync(HttpClient api, Guid appId)
    {
        using var response = await api.GetAsync($"/api/v1/apps/{appId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var app = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return app.GetProperty("secrets").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetGuid(), s => s);
    }
}

public sealed class SqliteSecretLastUsedPageTests : SecretLastUsedPageTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresSecretLastUsedPageTests : SecretLastUsedPageTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
