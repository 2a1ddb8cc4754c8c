using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Duende.IdentityModel.Client;
using Gatehouse.Cli;
using Gatehouse.Hosting.Database;
using Gatehouse.Testing;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// The <c>gatehouse</c> CLI, run in-process exactly as Program.cs runs it, against the whole product:
/// login with a personal access token made in the portal, then create → list → rotate → revoke →
/// delete, with the credentials it prints checked at PIE by a third-party OAuth client.
/// </summary>
public sealed partial class CliTests
{
    private const int PollAttempts = 120;

    [Fact]
    public async Task Cli_CreateListRotateRevokeDelete_DrivesTheManagementApiAndCredentialsWork()
    {
        await using var product = await GatehouseUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var token = await PersonalAccessTokenAsync(product);
        var settings = Path.Combine(Directory.CreateTempSubdirectory("gatehouse-cli-").FullName, "cli.json");
        using var http = new HttpClient();

        // login checks the token and saves only the portal URL and the token, owner-only.
        var login = await RunAsync(settings, [], "login", "--portal", product.PortalUrl, "--token", token);
        Assert.Equal(GatehouseCli.Ok, login.Code);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(settings));
        }

        var saved = JsonDocument.Parse(await File.ReadAllTextAsync(settings)).RootElement;
        Assert.Equal(["portal", "token"], saved.EnumerateObject().Select(p => p.Name).Order());

        // A refused create shows the API's ProblemDetails on stderr, with a non-zero exit code.
        var refused = await RunAsync(settings, [], "apps", "create", "--environment", "pie", "--type", "client");
        Assert.Equal(GatehouseCli.Failed, refused.Code);
        Assert.Contains("Error:", refused.Error, StringComparison.Ordinal);
        Assert.Contains("(HTTP 400)", refused.Error, StringComparison.Ordinal);
        Assert.Matches("(?i)name", refused.Error);

        // Create: the secret is printed once, with the client id.
        var create = await RunAsync(settings, [], "apps", "create", "--name", "Cli-PIE", "--environment", "pie", "--type", "client", "--contact-email", "jane@cli-practice.com.au");
        Assert.Equal(GatehouseCli.Ok, create.Code);
        var first = SecretLine().Match(create.Output).Groups[1].Value;
        Assert.Matches(SecretLayout(), first);
        Assert.Single(SecretLine().Matches(create.Output));
        var clientId = ClientIdLine().Match(create.Output).Groups[1].Value;
        var appId = AppIdLine().Match(create.Output).Groups[1].Value;

        var list = await RunAsync(settings, [], "apps", "list");
        Assert.Equal(GatehouseCli.Ok, list.Code);
        Assert.Contains("Cli-PIE", list.Output, StringComparison.Ordinal);
        Assert.Contains(appId, list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(first, list.Output, StringComparison.Ordinal);
        var listJson = JsonDocument.Parse((await RunAsync(settings, [], "apps", "list", "--json")).Output).RootElement;
        Assert.Equal(appId, Assert.Single(listJson.EnumerateArray()).GetProperty("id").GetString());

        // Once PIE has the client (after the organisation's sandbox), the printed credentials authenticate.
        for (var i = 0; i < PollAttempts && await SyncStateAsync(settings, appId) != "synced"; i++)
        {
            await Task.Delay(250);
        }

        Assert.Equal("synced", await SyncStateAsync(settings, appId));
        await AssertAuthenticatesAsync(http, product, clientId, first);

        // Rotate with a 7-day overlap: both secrets authenticate.
        var rotate = await RunAsync(settings, [], "apps", "rotate-secret", appId, "--overlap-days", "7");
        Assert.Equal(GatehouseCli.Ok, rotate.Code);
        var second = SecretLine().Match(rotate.Output).Groups[1].Value;
        Assert.Matches(SecretLayout(), second);
        await AssertAuthenticatesAsync(http, product, clientId, first);
        await AssertAuthenticatesAsync(http, product, clientId, second);

        // show never prints a secret again; it lists both by id and hint.
        var show = await RunAsync(settings, [], "apps", "show", appId);
        Assert.Equal(GatehouseCli.Ok, show.Code);
        Assert.DoesNotContain(first, show.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(second, show.Output, StringComparison.Ordinal);
        Assert.Contains("…" + first[^4..], show.Output, StringComparison.Ordinal);
        var secrets = JsonDocument.Parse((await RunAsync(settings, [], "apps", "show", appId, "--json")).Output).RootElement.GetProperty("secrets");
        var firstId = secrets.EnumerateArray().Single(s => s.GetProperty("hint").GetString() == first[^4..]).GetProperty("id").GetString()!;

        // Revoke the first: invalid_client at once; the second still works.
        var revoke = await RunAsync(settings, [], "apps", "revoke-secret", appId, firstId);
        Assert.Equal(GatehouseCli.Ok, revoke.Code);
        await AssertInvalidClientAsync(http, product, clientId, first);
        await AssertAuthenticatesAsync(http, product, clientId, second);

        // Delete: gone from the portal (show fails with the API's 404 problem) and from PIE.
        Assert.Equal(GatehouseCli.Ok, (await RunAsync(settings, [], "apps", "delete", appId)).Code);
        var gone = await RunAsync(settings, [], "apps", "show", appId);
        Assert.Equal(GatehouseCli.Failed, gone.Code);
        Assert.Contains("No such app in your organisation. (HTTP 404)", gone.Error, StringComparison.Ordinal);
        await AssertInvalidClientAsync(http, product, clientId, second);

        // GATEHOUSE_TOKEN wins over the saved token: a wrong one is a clear 401.
        var wrong = await RunAsync(settings, new() { ["GATEHOUSE_TOKEN"] = "gh_pat_wrong" }, "apps", "list");
        Assert.Equal(GatehouseCli.Failed, wrong.Code);
        Assert.Contains("(HTTP 401)", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(GatehouseCli.Usage, (await RunAsync(settings, [], "apps", "frobnicate")).Code);

        Assert.Equal(GatehouseCli.Ok, (await RunAsync(settings, [], "logout")).Code);
        Assert.False(File.Exists(settings));
        var noToken = await RunAsync(settings, [], "apps", "list", "--portal", product.PortalUrl);
        Assert.Equal(GatehouseCli.Usage, noToken.Code);
        Assert.Contains("GATEHOUSE_TOKEN", noToken.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void IsCommand_ServerArguments_RunTheServerNotTheCli()
    {
        Assert.False(GatehouseCli.IsCommand([]));
        Assert.False(GatehouseCli.IsCommand(["--role", "portal"]));
        Assert.False(GatehouseCli.IsCommand(["--Portal:Url=http://127.0.0.1:5000"]));
        Assert.True(GatehouseCli.IsCommand(["apps", "list"]));
        Assert.True(GatehouseCli.IsCommand(["login"]));
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string settings, Dictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(output, error, name => environment.GetValueOrDefault(name), settings);
        var code = await GatehouseCli.RunAsync(args, context);
        return (code, output.ToString(), error.ToString());
    }

    private static async Task<string?> SyncStateAsync(string settings, string appId)
    {
        var show = await RunAsync(settings, [], "apps", "show", appId, "--json");
        return JsonDocument.Parse(show.Output).RootElement.GetProperty("sync").GetProperty("state").GetString();
    }

    /// <summary>A developer signs up in Chromium and makes a read+write token on the API tokens page.</summary>
    private static async Task<string> PersonalAccessTokenAsync(GatehouseUnderTest product)
    {
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync()).NewPageAsync();
        await CredentialsJourneyTests.SignUpAndInAsync(page, product.PortalUrl, $"jane@cli{Guid.NewGuid():N}"[..16] + ".com.au");
        await page.GotoAsync(product.PortalUrl + "/api-tokens");
        await page.Locator("#Input_Name").FillAsync("cli");
        await page.Locator("#Input_Read").CheckAsync();
        await page.Locator("#Input_Write").CheckAsync();
        await page.Locator("#Input_LifetimeDays").FillAsync("30");
        await page.Locator("#create-token-form button[type=submit]").ClickAsync();
        return await page.Locator("#new-token").InputValueAsync();
    }

    // Introspection authenticates the client and answers 200 (active: false for a made-up token).
    private static Task<TokenIntrospectionResponse> IntrospectAsync(HttpClient http, GatehouseUnderTest product, string clientId, string secret) =>
        http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = product.PieUrl + "/connect/introspect",
            ClientId = clientId,
            ClientSecret = secret,
            Token = "not-a-real-token",
        });

    private static async Task AssertAuthenticatesAsync(HttpClient http, GatehouseUnderTest product, string clientId, string secret)
    {
        var response = await IntrospectAsync(http, product, clientId, secret);
        Assert.False(response.IsError, $"{response.HttpStatusCode} {response.Error} {response.Raw}");
        Assert.False(response.IsActive);
    }

    private static async Task AssertInvalidClientAsync(HttpClient http, GatehouseUnderTest product, string clientId, string secret)
    {
        var response = await IntrospectAsync(http, product, clientId, secret);
        Assert.Equal(HttpStatusCode.Unauthorized, response.HttpStatusCode);
        Assert.Contains("invalid_client", response.Raw, StringComparison.Ordinal);
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex SecretLayout();

    [GeneratedRegex(@"Client secret: (\S+)")]
    private static partial Regex SecretLine();

    [GeneratedRegex(@"Client ID:\s+(\S+)")]
    private static partial Regex ClientIdLine();

    [GeneratedRegex(@"App ID:\s+(\S+)")]
    private static partial Regex AppIdLine();
}
