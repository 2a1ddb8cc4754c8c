using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Environment.Sandbox;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests;

/// <summary>The environment's protocol behaviour, run once per database provider.</summary>
public abstract class EnvironmentProtocolTests(DatabaseProvider provider)
{
    private Task<EnvironmentUnderTest> StartAsync(FakeTimeProvider? time = null, string key = EnvironmentKeys.Pie) =>
        EnvironmentUnderTest.StartAsync(provider, time, key);

    // ---- Discovery and keys ----

    [Fact]
    public async Task Discovery_ForgedHostHeader_ReportsConfiguredIssuer()
    {
        await using var env = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration");
        request.Headers.Host = "evil.example";

        using var response = await env.Http.SendAsync(request);
        var discovery = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(env.Issuer, discovery.GetProperty("issuer").GetString());
        Assert.Equal(env.Issuer + "connect/token", discovery.GetProperty("token_endpoint").GetString());
    }

    [Fact]
    public async Task Discovery_Always_ListsTheSupportedGrantTypes()
    {
        await using var env = await StartAsync();

        var discovery = await env.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");

        var grantTypes = Jwt.Strings(discovery.GetProperty("grant_types_supported"));
        Assert.Contains("password", grantTypes);
        Assert.Contains("client_credentials", grantTypes);
        Assert.Contains("refresh_token", grantTypes);
        Assert.Contains("business.fund.list", Jwt.Strings(discovery.GetProperty("scopes_supported")));
    }

    [Fact]
    public async Task Jwks_RestartOnSameDatabase_KeepsTheSameRs256Kid()
    {
        await using var env = await StartAsync();
        var before = await SigningKeyAsync(env);

        await env.RestartAsync();
        var after = await SigningKeyAsync(env);

        Assert.Equal("RS256", before.GetProperty("alg").GetString());
        Assert.Equal("RSA", before.GetProperty("kty").GetString());
        Assert.Equal(before.GetProperty("kid").GetString(), after.GetProperty("kid").GetString());
        Assert.Equal(before.GetProperty("n").GetString(), after.GetProperty("n").GetString());
    }

    [Fact]
    public async Task TwoEnvironments_ClientProvisionedInOne_IsUnknownToTheOtherAndKidsDiffer()
    {
        await using var pie = await StartAsync();
        await using var production = await StartAsync(key: EnvironmentKeys.Production);
        var client = await pie.ProvisionClientAppAsync();

        var elsewhere = await production.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"));
        var here = await pie.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"));

        Assert.Equal("invalid_client", elsewhere.Error);
        Assert.Equal(200, here.Status);
        Assert.NotEqual((await SigningKeyAsync(pie)).GetProperty("kid").GetString(), (await SigningKeyAsync(production)).GetProperty("kid").GetString());
    }

    // ---- Admin API ----

    [Fact]
    public async Task AdminApi_WithoutOrWithWrongKey_Returns401()
    {
        await using var env = await StartAsync();

        using var none = await env.Http.GetAsync(EnvironmentAdminApi.Status);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, EnvironmentAdminApi.Status);
        wrong.Headers.Authorization = new("Bearer", "not-the-key");
        using var wrongResponse = await env.Http.SendAsync(wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
    }

    [Fact]
    public async Task AdminApi_Status_ReportsEnvironmentAndIssuer()
    {
        await using var env = await StartAsync();

        using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Get, EnvironmentAdminApi.Status));
        var status = await response.Content.ReadFromJsonAsync<EnvironmentStatus>();

        Assert.Equal(new EnvironmentStatus("PIE", env.Issuer), status);
    }

    [Fact]
    public async Task AdminApi_InvalidClientDescriptors_Return400()
    {
        await using var env = await StartAsync();
        var hash = ClientSecrets.Hash(ClientSecrets.Generate());
        var valid = new ClientDescriptor("App", AppTypes.Partner, Guid.NewGuid(), "Org", null,
            [new ClientSecretHash(Guid.NewGuid(), hash, null)], ["business.fund.list"], ["https://partner.example/cb"], true);
        ClientDescriptor[] invalid =
        [
            valid with { AppType = "robot" },
            valid with { Scopes = ["business.fund.list", "admin.everything"] },
            valid with { Secrets = [] },
            valid with { RedirectUris = ["/relative/callback"] },
            valid with { RedirectUris = ["https://partner.example/cb#fragment"] },
        ];

        foreach (var descriptor in invalid)
        {
            using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(Guid.NewGuid()), descriptor));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using var ok = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(Guid.NewGuid()), valid));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task AdminApi_PutClientTwice_IsIdempotent()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();

        using var again = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(Guid.Parse(client.ClientId)), client.Descriptor));
        var token = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(200, token.Status);
    }

    [Fact]
    public async Task AdminApi_ConcurrentPutsOfANewClient_AllSucceedAndOneClientExists()
    {
        // The portal's request-time push and its background worker may create the same client at once.
        await using var env = await StartAsync();
        var template = await env.ProvisionClientAppAsync();
        for (var round = 0; round < 5; round++)
        {
            var clientId = Guid.NewGuid();
            var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(clientId), template.Descriptor));
                return response.StatusCode;
            }));

            Assert.All(responses, status => Assert.Equal(HttpStatusCode.OK, status));
            Assert.Equal(200, (await env.TokenAsync(clientId.ToString(), template.Secret, ("grant_type", "client_credentials"))).Status);
        }
    }

    [Fact]
    public async Task AdminApi_DisabledClient_FailsClientAuthentication()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();

        using var disable = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(Guid.Parse(client.ClientId)), client.Descriptor with { Enabled = false }));
        var token = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"));

        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.Equal("invalid_client", token.Error);
    }

    [Fact]
    public async Task Sandbox_ProvisionedTwice_ReturnsSameBusinessAndFunds()
    {
        await using var env = await StartAsync();
        var organisation = Guid.NewGuid();

        var first = await env.ProvisionSandboxAsync(organisation, "Acme Advisers", "api@acme.example", "First-Passw0rd!");
        var second = await env.ProvisionSandboxAsync(organisation, "Acme Advisers", "api@acme.example", TestClient.Password);

        Assert.Equal(first, second);
        Assert.Equal(SandboxGenerator.BusinessCode(organisation), first.BusinessCode);
        Assert.Equal("Acme Advisers Sandbox", first.BusinessName);
        Assert.InRange(first.FundCount, 4, 6);
    }

    [Fact]
    public async Task Sandbox_SecondProvisioning_ResetsThePassword()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();

        await env.ProvisionSandboxAsync(client.Descriptor.OrganisationId, "Acme Advisers", "api@acme.example", "Another-Passw0rd!");
        var old = await env.PasswordGrantAsync(client);
        var current = await env.PasswordGrantAsync(client, password: "Another-Passw0rd!");

        Assert.Equal("invalid_grant", old.Error);
        Assert.Equal(200, current.Status);
    }

    // ---- Password grant ----

    [Fact]
    public async Task PasswordGrant_ApiUserOfLinkedBusiness_IssuesTokenBoundToTheBusiness()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        var code = client.Sandbox.BusinessCode;

        var token = await env.PasswordGrantAsync(client, scope: $"target:b business.fund.list offline_access");

        Assert.Equal(200, token.Status);
        Assert.Contains($"target:b/{code}", token.Get("scope")!.Split(' '));
        Assert.Equal(code, token.Get("BusinessCode"));
        Assert.Equal(client.Sandbox.BusinessName, token.Get("BusinessName"));
        Assert.NotNull(token.Get("refresh_token"));
        var payload = Jwt.Payload(token.AccessToken);
        Assert.Equal(env.Issuer, payload.GetProperty("iss").GetString());
        Assert.Contains("class-api", Jwt.Strings(payload.GetProperty("aud")));
        Assert.Equal(code, payload.GetProperty("business_code").GetString());
        Assert.Equal((await SigningKeyAsync(env)).GetProperty("kid").GetString(), Jwt.Header(token.AccessToken).GetProperty("kid").GetString());
    }

    [Fact]
    public async Task PasswordGrant_PinnedTargetOfLinkedBusinessInOtherCase_Succeeds()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();

        var token = await env.PasswordGrantAsync(client, scope: $"target:b/{client.Sandbox.BusinessCode.ToLowerInvariant()} business.fund.list");

        Assert.Equal(200, token.Status);
        Assert.Contains($"target:b/{client.Sandbox.BusinessCode}", token.Get("scope")!.Split(' '));
    }

    [Fact]
    public async Task PasswordGrant_WrongPassword_ReturnsInvalidGrant()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();

        var token = await env.PasswordGrantAsync(client, password: "wrong-password");

        Assert.Equal(400, token.Status);
        Assert.Equal("invalid_grant", token.Error);
    }

    [Fact]
    public async Task PasswordGrant_UnknownUser_ReturnsTheSameInvalidGrant()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();

        var unknown = await env.TokenAsync(client.ClientId, client.Secret,
            ("grant_type", "password"), ("username", "nobody@acme.example"), ("password", TestClient.Password));
        var wrong = await env.PasswordGrantAsync(client, password: "wrong-password");

        Assert.Equal("invalid_grant", unknown.Error);
        Assert.Equal(wrong.Get("error_description"), unknown.Get("error_description"));
    }

    [Fact]
    public async Task PasswordGrant_AfterFiveFailures_RefusesTheRightPassword()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("invalid_grant", (await env.PasswordGrantAsync(client, password: "wrong-password")).Error);
        }

        var right = await env.PasswordGrantAsync(client);

        Assert.Equal("invalid_grant", right.Error);
    }

    [Fact]
    public async Task PasswordGrant_PartnerApp_ReturnsUnauthorizedClient()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync(appType: AppTypes.Partner);

        var token = await env.PasswordGrantAsync(client, scope: "business.fund.list");

        Assert.Equal("unauthorized_client", token.Error);
    }

    [Fact]
    public async Task PasswordGrant_ScopeOutsideClientPermissions_ReturnsInvalidScope()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync(scopes: ["business.fund.list"]);

        var token = await env.PasswordGrantAsync(client, scope: "business.fund.list fund.maintain");

        Assert.Equal("invalid_scope", token.Error);
    }

    [Fact]
    public async Task PasswordGrant_PinnedTargetOfAnotherBusiness_ReturnsInvalidScope()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        var other = await env.ProvisionSandboxAsync(Guid.NewGuid(), "Other Org", "api@other.example", TestClient.Password);

        var token = await env.PasswordGrantAsync(client, scope: $"target:b/{other.BusinessCode} business.fund.list");

        Assert.Equal("invalid_scope", token.Error);
    }

    [Fact]
    public async Task PasswordGrant_ApiUserOfAnotherBusiness_ReturnsInvalidGrant()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        await env.ProvisionSandboxAsync(Guid.NewGuid(), "Other Org", "api@other.example", TestClient.Password);

        var token = await env.TokenAsync(client.ClientId, client.Secret,
            ("grant_type", "password"), ("username", "api@other.example"), ("password", TestClient.Password));

        Assert.Equal("invalid_grant", token.Error);
    }

    [Fact]
    public async Task RefreshToken_ApiUserStillMember_IssuesNewTokensForTheSameBusiness()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        var first = await env.PasswordGrantAsync(client);

        var refreshed = await env.TokenAsync(client.ClientId, client.Secret,
            ("grant_type", "refresh_token"), ("refresh_token", first.Get("refresh_token")!));

        Assert.Equal(200, refreshed.Status);
        Assert.Equal(client.Sandbox.BusinessCode, refreshed.Get("BusinessCode"));
        Assert.Equal(client.Sandbox.BusinessCode, Jwt.Payload(refreshed.AccessToken).GetProperty("business_code").GetString());
        Assert.NotEqual(first.Get("refresh_token"), refreshed.Get("refresh_token"));
    }

    // ---- Client credentials ----

    [Fact]
    public async Task ClientCredentials_WithOfflineAccess_IssuesNoRefreshToken()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();

        var token = await env.TokenAsync(client.ClientId, client.Secret,
            ("grant_type", "client_credentials"), ("scope", "business.fund.list offline_access"));

        Assert.Equal(200, token.Status);
        Assert.Null(token.Get("refresh_token"));
        Assert.Equal(client.Sandbox.BusinessCode, token.Get("BusinessCode"));
        Assert.Contains($"target:b/{client.Sandbox.BusinessCode}", token.Get("scope")!.Split(' '));
        Assert.Equal(client.ClientId, Jwt.Payload(token.AccessToken).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task ClientCredentials_ExpiredSecret_ReturnsInvalidClient()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var env = await StartAsync(time);
        var client = await env.ProvisionClientAppAsync(secretExpiresAt: time.GetUtcNow().AddHours(1));
        var beforeExpiry = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"));

        time.Advance(TimeSpan.FromHours(2));
        var afterExpiry = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"));

        Assert.Equal(200, beforeExpiry.Status);
        Assert.Equal("invalid_client", afterExpiry.Error);
    }

    [Fact]
    public async Task ClientCredentials_WrongSecret_ReturnsInvalidClient()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();

        var token = await env.TokenAsync(client.ClientId, ClientSecrets.Generate(), ("grant_type", "client_credentials"));

        Assert.Equal("invalid_client", token.Error);
    }

    // ---- Class Partner API: fund list ----

    [Fact]
    public async Task FundList_TokenForTheBusiness_ReturnsTheSandboxFundsInTheEnvelope()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        var token = await env.PasswordGrantAsync(client);

        using var response = await env.GetWithTokenAsync($"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list", token.AccessToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(body.GetProperty("Errors").EnumerateArray());
        Assert.Empty(body.GetProperty("ErrorCodes").EnumerateArray());
        Assert.False(body.GetProperty("IsCreatedResponse").GetBoolean());
        var detail = Assert.Single(body.GetProperty("Data").EnumerateArray());
        var funds = detail.GetProperty("FundSummaries").EnumerateArray().ToList();
        Assert.Equal(client.Sandbox.FundCount, detail.GetProperty("TotalCount").GetInt32());
        Assert.Equal(client.Sandbox.FundCount, funds.Count);
        var expected = SandboxGenerator.Funds(client.Descriptor.OrganisationId, "Acme Advisers").Select(f => f.Code).Order(StringComparer.Ordinal);
        Assert.Equal(expected, funds.Select(f => f.GetProperty("Code").GetString()!));
        Assert.All(funds, f =>
        {
            Assert.True(SandboxGenerator.IsValidAbn(f.GetProperty("ABN").GetString()!));
            Assert.Equal("SMSF", f.GetProperty("LegalEntityType").GetString());
            Assert.StartsWith(env.Issuer + "api/1.0/f/", f.GetProperty("Link").GetProperty("Url").GetString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task FundList_WithoutToken_Returns401Envelope()
    {
        await using var env = await StartAsync();

        using var response = await env.GetWithTokenAsync("/api/1.0/b/ANY/fund-data/fund-list", accessToken: null);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("API_NOT_AUTHORISED", body.GetProperty("Errors")[0].GetProperty("Code").GetString());
        Assert.Equal("Not authorised", body.GetProperty("Errors")[0].GetProperty("Message").GetString());
    }

    [Fact]
    public async Task FundList_AnotherBusinessCode_Returns404()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        var other = await env.ProvisionSandboxAsync(Guid.NewGuid(), "Other Org", "api@other.example", TestClient.Password);
        var token = await env.PasswordGrantAsync(client);

        using var response = await env.GetWithTokenAsync($"/api/1.0/b/{other.BusinessCode}/fund-data/fund-list", token.AccessToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("API_NOT_FOUND", body.GetProperty("ErrorCodes")[0].GetString());
    }

    [Fact]
    public async Task FundList_TokenWithoutFundScopes_Returns403()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync(scopes: ["dms.documents.read"]);
        var token = await env.PasswordGrantAsync(client, scope: "dms.documents.read");

        using var response = await env.GetWithTokenAsync($"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list", token.AccessToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("FORBIDDEN", body.GetProperty("Errors")[0].GetProperty("Code").GetString());
    }

    [Fact]
    public async Task FundList_AfterClientDeleted_RejectsItsTokenImmediately()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        var token = await env.PasswordGrantAsync(client);
        var path = $"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list";
        using var before = await env.GetWithTokenAsync(path, token.AccessToken);

        using var delete = await env.Http.SendAsync(env.Admin(HttpMethod.Delete, EnvironmentAdminApi.Client(Guid.Parse(client.ClientId))));
        using var after = await env.GetWithTokenAsync(path, token.AccessToken);
        using var deleteAgain = await env.Http.SendAsync(env.Admin(HttpMethod.Delete, EnvironmentAdminApi.Client(Guid.Parse(client.ClientId))));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleteAgain.StatusCode);
    }

    [Fact]
    public async Task Health_Ready_Returns200()
    {
        await using var env = await StartAsync();

        using var live = await env.Http.GetAsync("/health/live");
        using var ready = await env.Http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    private static async Task<JsonElement> SigningKeyAsync(EnvironmentUnderTest env)
    {
        var jwks = await env.Http.GetFromJsonAsync<JsonElement>("/.well-known/jwks");
        return Assert.Single(jwks.GetProperty("keys").EnumerateArray());
    }
}

public sealed class SqliteEnvironmentProtocolTests() : EnvironmentProtocolTests(DatabaseProvider.Sqlite);

public sealed class PostgresEnvironmentProtocolTests() : EnvironmentProtocolTests(DatabaseProvider.Postgres);
