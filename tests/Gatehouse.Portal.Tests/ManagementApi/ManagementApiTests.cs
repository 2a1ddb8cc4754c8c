using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Tests.Apps;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Tests.ManagementApi;

/// <summary>The whole app lifecycle through /api/v1 with personal access tokens, on SQLite and PostgreSQL.</summary>
public abstract class ManagementApiTests
{
    protected abstract DatabaseProvider Provider { get; }

    [Fact]
    public async Task ManagementApi_WholeLifecycle_MatchesTheUi()
    {
        await using var portal = await PortalUnderTest.StartAsync(Provider);
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var token = await CreateTokenAsync(browser, write: true);
        Assert.StartsWith("gh_pat_", token, StringComparison.Ordinal);
        using var api = Client(portal, token);

        // Create: the secret is in this response only, which is never cached.
        using var create = await api.PostAsJsonAsync("/api/v1/apps", new
        {
            name = "Api-PIE", description = "Made by script", contactEmail = "dev@acme-advisers.com.au", environment = "pie", appType = "partner",
        });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        Assert.True(create.Headers.CacheControl?.NoStore);
        var created = await Json(create);
        var secret = created.GetProperty("clientSecret").GetString()!;
        Assert.Matches(PortalUnderTest.SecretLayout(), secret);
        var appId = created.GetProperty("app").GetProperty("id").GetGuid();
        var clientId = created.GetProperty("app").GetProperty("clientId").GetGuid();
        Assert.Equal("active", created.GetProperty("app").GetProperty("status").GetString());
        Assert.Equal(create.Headers.Location?.ToString(), $"/api/v1/apps/{appId}");
        Assert.True(portal.Pie.Clients.ContainsKey(clientId));

        var fetched = await (await api.GetAsync($"/api/v1/apps/{appId}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, fetched, StringComparison.Ordinal);
        Assert.Contains(secret[^4..], fetched, StringComparison.Ordinal);

        // MT3: organisation, status, environment and client id in a body are not bound.
        using var patch = await api.PatchAsJsonAsync($"/api/v1/apps/{appId}", new
        {
            name = "Api-PIE renamed", organisationId = Guid.NewGuid(), status = "active", environment = "production", clientId = Guid.NewGuid(),
        });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var patched = await Json(patch);
        Assert.Equal("Api-PIE renamed", patched.GetProperty("name").GetString());
        Assert.Equal("pie", patched.GetProperty("environment").GetString());
        Assert.Equal(clientId, patched.GetProperty("clientId").GetGuid());
        Assert.Equal("Made by script", patched.GetProperty("description").GetString());

        using var apis = await api.PutAsJsonAsync($"/api/v1/apps/{appId}/apis", new { products = new[] { "class-partner-api" } });
        Assert.Equal(HttpStatusCode.OK, apis.StatusCode);
        Assert.Contains("business.fund.list", portal.Pie.Clients[clientId].Scopes);
        using var unknownProduct = await api.PutAsJsonAsync($"/api/v1/apps/{appId}/apis", new { products = new[] { "nope" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknownProduct.StatusCode);

        using var badUri = await api.PostAsJsonAsync($"/api/v1/apps/{appId}/redirect-uris", new { uri = "javascript:alert(1)" });
        Assert.Equal(HttpStatusCode.BadRequest, badUri.StatusCode);
        Assert.Equal("application/problem+json", badUri.Content.Headers.ContentType?.MediaType);
        using var goodUri = await api.PostAsJsonAsync($"/api/v1/apps/{appId}/redirect-uris", new { uri = "https://partner.example/cb" });
        Assert.Equal(HttpStatusCode.OK, goodUri.StatusCode);
        Assert.Equal(["https://partner.example/cb"], portal.Pie.Clients[clientId].RedirectUris);
        var uriId = (await Json(goodUri)).GetProperty("redirectUris")[0].GetProperty("id").GetGuid();

        // Rotate with an explicit expiry for the old secret, then revoke the old one.
        using var rotate = await api.PostAsJsonAsync($"/api/v1/apps/{appId}/secrets", new { previousSecretExpiresAt = DateTimeOffset.UtcNow.AddDays(1) });
        Assert.Equal(HttpStatusCode.Created, rotate.StatusCode);
        Assert.True(rotate.Headers.CacheControl?.NoStore);
        var newSecret = (await Json(rotate)).GetProperty("clientSecret").GetString()!;
        Assert.Equal(2, portal.Pie.Clients[clientId].Secrets.Count);
        var oldSecretId = portal.Pie.Clients[clientId].Secrets.Single(s => s.Hash == ClientSecrets.Hash(secret)).Id;
        using var revoke = await api.DeleteAsync($"/api/v1/apps/{appId}/secrets/{oldSecretId}");
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal([ClientSecrets.Hash(newSecret)], portal.Pie.Clients[clientId].Secrets.Select(s => s.Hash));

        using var removeUri = await api.DeleteAsync($"/api/v1/apps/{appId}/redirect-uris/{uriId}");
        Assert.Equal(HttpStatusCode.OK, removeUri.StatusCode);
        Assert.Empty(portal.Pie.Clients[clientId].RedirectUris);

        // The Production twin, pending until its checklist is approved.
        using var twin = await api.PostAsync($"/api/v1/apps/{appId}/production-twin", null);
        Assert.Equal(HttpStatusCode.Created, twin.StatusCode);
        var twinApp = (await Json(twin)).GetProperty("app");
        Assert.Equal("pending_approval", twinApp.GetProperty("status").GetString());
        Assert.False(portal.Production.Clients[twinApp.GetProperty("clientId").GetGuid()].Enabled);
        using var incomplete = await api.PostAsJsonAsync($"/api/v1/apps/{twinApp.GetProperty("id").GetGuid()}/production-request", new { testedInPie = true, useCase = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        using var request = await api.PostAsJsonAsync($"/api/v1/apps/{twinApp.GetProperty("id").GetGuid()}/production-request",
            new { testedInPie = true, storesSecretsSecurely = true, hasPrivacyPolicy = true, useCase = "Fund reporting." });
        Assert.Equal(HttpStatusCode.OK, request.StatusCode);
        Assert.NotNull((await Json(request)).GetProperty("productionRequestedAt").GetString());

        var list = await Json(await api.GetAsync("/api/v1/apps"));
        Assert.Equal(2, list.GetArrayLength());

        using var delete = await api.DeleteAsync($"/api/v1/apps/{appId}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.True(portal.Pie.Deleted.ContainsKey(clientId));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/apps/{appId}")).StatusCode);

        // Every action is in the audit log, with the acting developer, and never a secret.
        var audit = await portal.QueryAsync(db => db.AuditEvents.Select(e => e.Action + "|" + e.ActorEmail + "|" + e.Details).ToListAsync());
        Assert.All(new[] { "app.create", "app.update", "app.apis.update", "app.redirect_uri.add", "app.secret.rotate", "app.secret.revoke", "app.redirect_uri.remove", "app.production.request", "app.delete", "api_token.create" },
            action => Assert.Contains(audit, e => e.StartsWith(action + "|dev@acme-advisers.com.au", StringComparison.Ordinal)));
        var dump = await portal.QueryAsync(DatabaseDump.AllRowsAsync);
        Assert.DoesNotContain(secret, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(newSecret, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(token, dump, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManagementApi_Authentication_BearerOnlyScopedAndOrganisationBound()
    {
        await using var portal = await PortalUnderTest.StartAsync(Provider);
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");
        var app = await PortalUnderTest.CreateAppAsync(browser);
        var readOnly = await CreateTokenAsync(browser, write: false);
        var stranger = await portal.NewDeveloperAsync("dev@other-practice.com.au");
        var strangerToken = await CreateTokenAsync(stranger, write: true);

        // The portal cookie alone does not authenticate the API (so no CSRF).
        using (var cookieOnly = await browser.GetAsync("/api/v1/apps"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, cookieOnly.StatusCode);
            Assert.StartsWith("Bearer", cookieOnly.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Equal("application/problem+json", cookieOnly.Content.Headers.ContentType?.MediaType);
        }

        using (var forged = Client(portal, "gh_pat_" + new string('A', 43)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/v1/apps")).StatusCode);
        }

        using var reader = Client(portal, readOnly);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/v1/apps/{app.AppId}")).StatusCode);
        using (var write = await reader.PatchAsJsonAsync($"/api/v1/apps/{app.AppId}", new { name = "x" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        }

        using var other = Client(portal, strangerToken);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/apps/{app.AppId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/v1/apps/{app.AppId}")).StatusCode);
        Assert.Equal(0, (await Json(await other.GetAsync("/api/v1/apps"))).GetArrayLength());

        // Revoked: refused at once.
        var tokenId = await portal.QueryAsync(db => db.Set<Gatehouse.Portal.ManagementApi.PersonalAccessToken>().Where(t => t.Scopes == "apps:read").Select(t => t.Id).SingleAsync());
        await AppTestSupport.BodyAsync(await AppTestSupport.PostHandlerAsync(browser, "/api-tokens", "Revoke", ("TokenId", tokenId.ToString())));
        Assert.Equal(HttpStatusCode.Unauthorized, (await reader.GetAsync("/api/v1/apps")).StatusCode);

        // The OpenAPI document describes the API.
        using var anonymous = new HttpClient { BaseAddress = new Uri(portal.Url) };
        var openApi = await anonymous.GetStringAsync("/api/v1/openapi.json");
        Assert.Contains("/api/v1/apps/{id}/secrets", openApi, StringComparison.Ordinal);
        Assert.DoesNotContain("/health", openApi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokensPage_Create_ShownOnceAndExpiryBounded()
    {
        await using var portal = await PortalUnderTest.StartAsync(Provider);
        var browser = await portal.NewDeveloperAsync("dev@acme-advisers.com.au");

        using var tooLong = await AppTestSupport.PostHandlerAsync(browser, "/api-tokens", "Create", ("Input.Name", "ci"), ("Input.Read", "true"), ("Input.LifetimeDays", "400"));
        Assert.Null(Browser.Parse(await tooLong.Content.ReadAsStringAsync()).QuerySelector("#new-token"));
        using var created = await AppTestSupport.PostHandlerAsync(browser, "/api-tokens", "Create", ("Input.Name", "ci"), ("Input.Read", "true"), ("Input.LifetimeDays", "30"));
        Assert.True(created.Headers.CacheControl?.NoStore);
        var token = Browser.Parse(await created.Content.ReadAsStringAsync()).QuerySelector("#new-token")!.GetAttribute("value")!;
        Assert.Matches("^gh_pat_[A-Za-z0-9_-]{43}$", token);
        Assert.DoesNotContain(token, await (await browser.GetAsync("/api-tokens")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var row = await portal.QueryAsync(db => db.Set<Gatehouse.Portal.ManagementApi.PersonalAccessToken>().SingleAsync());
        Assert.Equal(TimeSpan.FromDays(30), row.ExpiresAt - row.CreatedAt);
        Assert.Equal("apps:read", row.Scopes);
    }

    internal static async Task<string> CreateTokenAsync(Browser browser, bool write)
    {
        var fields = new List<(string, string)> { ("Input.Name", write ? "ci" : "read-only"), ("Input.Read", "true"), ("Input.LifetimeDays", "30") };
        if (write)
        {
            fields.Add(("Input.Write", "true"));
        }

        using var response = await AppTestSupport.PostHandlerAsync(browser, "/api-tokens", "Create", [.. fields]);
        return Browser.Parse(await response.Content.ReadAsStringAsync()).QuerySelector("#new-token")?.GetAttribute("value")
            ?? throw new InvalidOperationException("No token on the page.");
    }

    internal static HttpClient Client(PortalUnderTest portal, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(portal.Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }
}

public sealed class SqliteManagementApiTests : ManagementApiTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresManagementApiTests : ManagementApiTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
