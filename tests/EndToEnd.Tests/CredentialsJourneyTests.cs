using System.Net;
using Duende.IdentityModel.Client;
using Gatehouse.Hosting.Database;
using Gatehouse.Testing;
using Microsoft.Playwright;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// Guide steps 1–2 for a PIE app and a Production app in Chromium, then the credential lifecycle
/// checked with a third-party OAuth client (Duende.IdentityModel): rotation overlap, revocation,
/// expiry "now" (enforced by the environment's own clock, no sleeping), Production approval and
/// rotation in Production. Afterwards no secret is in any log line of any plane or in any row of any
/// database (portal, PIE, Production).
/// </summary>
public abstract class CredentialsJourneyTests(DatabaseProvider provider)
{
    // GatehouseUnderTest takes no extra settings; the host reads environment variables, so the
    // platform admin is named there. Same value for every test in the process, so no race.
    private const string AdminEmail = "ops@class.com.au";
    private const string Password = "correct horse battery staple";

    static CredentialsJourneyTests() => System.Environment.SetEnvironmentVariable("Portal__PlatformAdmins__0", AdminEmail);

    [Fact]
    public async Task Credentials_PieAndProductionRotateRevokeExpireAndApproval_WorkWithARealOAuthClient()
    {
        var logs = LogCapture.Process;
        await using var product = await GatehouseUnderTest.StartAsync(provider);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync()).NewPageAsync();
        using var http = new HttpClient();

        var journey = await PortalJourney.RunAsync(page, product.PortalUrl);
        var pieToken = product.PieUrl + "/connect/token";
        await AssertWorksAsync(http, pieToken, journey, journey.ClientSecret);

        // Rotate with a 7-day overlap: both secrets work.
        await OpenAppAsync(page, product.PortalUrl, "MyApp-PIE");
        await page.Locator("#overlap-days").SelectOptionAsync("7");
        await page.Locator("#rotate-secret").ClickAsync();
        var second = await page.Locator("#new-client-secret").InputValueAsync();
        Assert.NotEqual(journey.ClientSecret, second);
        await AssertWorksAsync(http, pieToken, journey, journey.ClientSecret);
        await AssertWorksAsync(http, pieToken, journey, second);

        // Revoke the first: invalid_client at once; the second still works.
        await page.Locator($"tr[data-secret-hint='{journey.ClientSecret[^4..]}'] button", new() { HasText = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-secret-hint='{journey.ClientSecret[^4..]}'] .secret-state")).ToHaveTextAsync("Revoked");
        await AssertInvalidClientAsync(http, pieToken, journey, journey.ClientSecret);
        await AssertWorksAsync(http, pieToken, journey, second);

        // Rotate with no overlap: the second expires now, by PIE's clock; the third works.
        await page.Locator("#overlap-days").SelectOptionAsync("0");
        await page.Locator("#rotate-secret").ClickAsync();
        var third = await page.Locator("#new-client-secret").InputValueAsync();
        await AssertInvalidClientAsync(http, pieToken, journey, second);
        await AssertWorksAsync(http, pieToken, journey, third);
        await page.ReloadAsync();
        Assert.DoesNotContain(third, await page.ContentAsync(), StringComparison.Ordinal);

        // Guide steps 1–2 again for Production: the app waits for approval, its credentials fail.
        await page.GetByRole(AriaRole.Link, new() { Name = "My Apps", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Create App" }).ClickAsync();
        await page.GetByLabel("App name").FillAsync("MyApp-Prod");
        await page.GetByLabel("Contact email").FillAsync("jane@example.com.au");
        await page.Locator("#environment-production").CheckAsync();
        await page.GetByLabel("Client (single-tenant)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var productionClientId = await page.Locator("#client-id").InputValueAsync();
        var productionSecret = await page.Locator("#client-secret").InputValueAsync();
        await page.Locator("#continue-to-app").ClickAsync();
        await Assertions.Expect(page.Locator("#app-status")).ToHaveTextAsync("Pending approval");
        var productionToken = product.ProductionUrl + "/connect/token";
        Assert.Equal("invalid_client", ErrorOf(await ClientCredentialsAsync(http, productionToken, productionClientId, productionSecret)));

        await page.GetByLabel("We tested the integration end to end in PIE").CheckAsync();
        await page.GetByLabel("The client secret is kept in a secret store, never in source code or logs").CheckAsync();
        await page.GetByLabel("We publish a privacy policy covering Class data").CheckAsync();
        await page.GetByLabel("What the app does with Class data").FillAsync("Fund reporting for our practice.");
        await page.Locator("#request-production").ClickAsync();
        Assert.Equal("invalid_client", ErrorOf(await ClientCredentialsAsync(http, productionToken, productionClientId, productionSecret)));

        // A platform admin approves it in the console.
        var admin = await (await browser.NewContextAsync()).NewPageAsync();
        await SignUpAndInAsync(admin, product.PortalUrl, AdminEmail);
        await admin.GotoAsync(product.PortalUrl + "/admin");
        await admin.Locator("#production-requests li", new() { HasText = "MyApp-Prod" }).GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#no-production-requests")).ToBeVisibleAsync();

        // The client now authenticates at Production. (Production has no business for this
        // organisation, so the grant itself is refused, but no longer as invalid_client.)
        var approved = await ClientCredentialsAsync(http, productionToken, productionClientId, productionSecret);
        Assert.True(approved.IsError);
        Assert.NotEqual("invalid_client", ErrorOf(approved));
        Assert.NotEqual(HttpStatusCode.Unauthorized, approved.HttpStatusCode);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#app-status-fact")).ToHaveTextAsync("Active");

        // Rotation in Production, checked where only client authentication decides (introspection):
        // both secrets work in the overlap; once the old one is revoked it gets invalid_client.
        var productionIntrospect = product.ProductionUrl + "/connect/introspect";
        await AssertAuthenticatesAsync(http, productionIntrospect, productionClientId, productionSecret);
        await page.Locator("#overlap-days").SelectOptionAsync("7");
        await page.Locator("#rotate-secret").ClickAsync();
        var productionSecond = await page.Locator("#new-client-secret").InputValueAsync();
        await AssertAuthenticatesAsync(http, productionIntrospect, productionClientId, productionSecret);
        await AssertAuthenticatesAsync(http, productionIntrospect, productionClientId, productionSecond);
        await page.Locator($"tr[data-secret-hint='{productionSecret[^4..]}'] button", new() { HasText = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-secret-hint='{productionSecret[^4..]}'] .secret-state")).ToHaveTextAsync("Revoked");
        var revoked = await IntrospectAsync(http, productionIntrospect, productionClientId, productionSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.HttpStatusCode);
        Assert.Contains("invalid_client", revoked.Raw, StringComparison.Ordinal);
        await AssertAuthenticatesAsync(http, productionIntrospect, productionClientId, productionSecond);

        // Issue 4: no plaintext secret in any database, nor in any log line of any plane.
        string[] secrets = [journey.ClientSecret, second, third, productionSecret, productionSecond];
        var dump = await product.DumpDatabasesAsync();
        Assert.Contains(productionClientId, dump, StringComparison.Ordinal);
        var lines = logs.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("provisioned for organisation", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, dump, StringComparison.Ordinal);
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static Task<TokenIntrospectionResponse> IntrospectAsync(HttpClient http, string introspectionEndpoint, string clientId, string secret) =>
        http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = introspectionEndpoint,
            ClientId = clientId,
            ClientSecret = secret,
            Token = "not-a-real-token",
        });

    private static async Task AssertAuthenticatesAsync(HttpClient http, string introspectionEndpoint, string clientId, string secret)
    {
        var response = await IntrospectAsync(http, introspectionEndpoint, clientId, secret);
        Assert.False(response.IsError, $"{response.HttpStatusCode} {response.Raw}");
        Assert.False(response.IsActive);
    }

    private static async Task OpenAppAsync(IPage page, string portalUrl, string name)
    {
        await page.GotoAsync($"{portalUrl}/apps");
        await page.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
    }

    private static async Task AssertWorksAsync(HttpClient http, string tokenEndpoint, JourneyResult journey, string secret)
    {
        var token = await PasswordAsync(http, tokenEndpoint, journey, secret);
        Assert.False(token.IsError, $"{token.Error}: {token.ErrorDescription}");
    }

    private static async Task AssertInvalidClientAsync(HttpClient http, string tokenEndpoint, JourneyResult journey, string secret)
    {
        var token = await PasswordAsync(http, tokenEndpoint, journey, secret);
        // RFC 6749 §5.2: 401 invalid_client for a client that authenticated with HTTP Basic.
        Assert.Equal(HttpStatusCode.Unauthorized, token.HttpStatusCode);
        Assert.Equal("invalid_client", ErrorOf(token));
    }

    // Duende reports a 401 as an HTTP error; the RFC 6749 error code is in the JSON body.
    private static string? ErrorOf(TokenResponse token) =>
        token.Json is { } json && json.TryGetProperty("error", out var error) ? error.GetString() : token.Error;

    private static Task<TokenResponse> PasswordAsync(HttpClient http, string tokenEndpoint, JourneyResult journey, string secret) =>
        http.RequestPasswordTokenAsync(new PasswordTokenRequest
        {
            Address = tokenEndpoint,
            ClientId = journey.ClientId,
            ClientSecret = secret,
            ClientCredentialStyle = ClientCredentialStyle.AuthorizationHeader,
            UserName = journey.ApiUserName,
            Password = journey.ApiUserPassword,
            Scope = "target:b business.fund.list",
        });

    private static Task<TokenResponse> ClientCredentialsAsync(HttpClient http, string tokenEndpoint, string clientId, string secret) =>
        http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = tokenEndpoint,
            ClientId = clientId,
            ClientSecret = secret,
            ClientCredentialStyle = ClientCredentialStyle.AuthorizationHeader,
            Scope = "target:b",
        });

    internal static async Task SignUpAndInAsync(IPage page, string portalUrl, string email)
    {
        await page.GotoAsync($"{portalUrl}/account/sign-up");
        await page.GetByLabel("Work email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await page.GotoAsync($"{portalUrl}/dev/mail");
        await page.Locator("article.mail").Filter(new() { HasText = email }).First.Locator("ul.mail-links a").First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify email address" }).ClickAsync();
        await page.GotoAsync($"{portalUrl}/account/sign-in");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#signed-in-email")).ToHaveTextAsync(email);
    }
}

public sealed class SqliteCredentialsJourneyTests() : CredentialsJourneyTests(DatabaseProvider.Sqlite);

public sealed class PostgresCredentialsJourneyTests() : CredentialsJourneyTests(DatabaseProvider.Postgres);
