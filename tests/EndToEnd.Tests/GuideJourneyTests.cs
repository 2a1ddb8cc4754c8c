using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Gatehouse.Hosting.Database;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// The getting-started guide, step by step, as a developer does it: in a real Chromium against the
/// running product, then with a third-party OAuth client (Duende.IdentityModel) against PIE.
/// </summary>
public abstract class GuideJourneyTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Guide_SignUpToFundList_WorksEndToEndAndSurvivesRestart()
    {
        await using var session = await JourneySession.StartAsync(provider);
        var (product, journey) = (session.Product, session.Journey);

        using var http = new HttpClient();

        // Step 3: discovery and the password grant at PIE with a client no one here wrote.
        var discovery = await http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = product.PieUrl,
            Policy = { RequireHttps = false },
        });
        Assert.False(discovery.IsError, discovery.Error);
        Assert.Equal(product.PieUrl + "/", discovery.Issuer);

        var token = await RequestPasswordTokenAsync(http, discovery.TokenEndpoint!, journey);
        Assert.False(token.IsError, $"{token.Error}: {token.ErrorDescription}");
        Assert.Contains($"target:b/{journey.BusinessCode}", token.Scope!.Split(' '));
        Assert.Equal(journey.BusinessCode, token.Json!.Value.GetProperty("BusinessCode").GetString());
        var jwt = new JsonWebToken(token.AccessToken);
        Assert.Equal(discovery.Issuer, jwt.Issuer);
        Assert.Contains("class-api", jwt.Audiences);
        Assert.Contains(discovery.KeySet!.Keys, k => k.Kid == jwt.Kid);

        var funds = await GetFundListAsync(http, product.PieUrl, journey.BusinessCode, token.AccessToken!);
        Assert.Equal(HttpStatusCode.OK, funds.Status);
        Assert.Equal(journey.FundCount, funds.Count);

        // A credential of one environment never works in the other.
        var production = await http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = product.ProductionUrl,
            Policy = { RequireHttps = false },
        });
        Assert.False(production.IsError, production.Error);
        Assert.NotEqual(discovery.Issuer, production.Issuer);
        Assert.Empty(discovery.KeySet!.Keys.Select(k => k.Kid).Intersect(production.KeySet!.Keys.Select(k => k.Kid)));
        var atProduction = await RequestPasswordTokenAsync(http, production.TokenEndpoint!, journey);
        // RFC 6749 §5.2: 401 with invalid_client for a client that authenticated with HTTP Basic.
        Assert.Equal(HttpStatusCode.Unauthorized, atProduction.HttpStatusCode);
        Assert.Equal("invalid_client", atProduction.Json!.Value.GetProperty("error").GetString());

        // A restart keeps apps, users and keys: the same credentials work and old tokens still validate.
        await product.RestartAsync();
        var afterRestart = await http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = product.PieUrl,
            Policy = { RequireHttps = false },
        });
        Assert.Equal(discovery.KeySet!.Keys.Select(k => k.Kid), afterRestart.KeySet!.Keys.Select(k => k.Kid));
        Assert.Equal(HttpStatusCode.OK, (await GetFundListAsync(http, product.PieUrl, journey.BusinessCode, token.AccessToken!)).Status);
        var again = await RequestPasswordTokenAsync(http, afterRestart.TokenEndpoint!, journey);
        Assert.False(again.IsError, $"{again.Error}: {again.ErrorDescription}");
    }

    private static Task<TokenResponse> RequestPasswordTokenAsync(HttpClient http, string tokenEndpoint, JourneyResult journey) =>
        http.RequestPasswordTokenAsync(new PasswordTokenRequest
        {
            Address = tokenEndpoint,
            ClientId = journey.ClientId,
            ClientSecret = journey.ClientSecret,
            ClientCredentialStyle = ClientCredentialStyle.AuthorizationHeader,
            UserName = journey.ApiUserName,
            Password = journey.ApiUserPassword,
            Scope = "target:b business.fund.list",
        });

    private static async Task<(HttpStatusCode Status, int Count)> GetFundListAsync(HttpClient http, string pieUrl, string businessCode, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{pieUrl}/api/1.0/b/{businessCode}/fund-data/fund-list");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, 0);
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, body.RootElement.GetProperty("Errors").GetArrayLength());
        var list = body.RootElement.GetProperty("Data")[0];
        return (response.StatusCode, list.GetProperty("FundSummaries").GetArrayLength());
    }
}

public sealed class SqliteGuideJourneyTests() : GuideJourneyTests(DatabaseProvider.Sqlite);

public sealed class PostgresGuideJourneyTests() : GuideJourneyTests(DatabaseProvider.Postgres);
