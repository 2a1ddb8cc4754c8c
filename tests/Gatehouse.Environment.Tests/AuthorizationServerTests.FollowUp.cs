using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Gatehouse.Environment.Authorization;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Testing;

namespace Gatehouse.Environment.Tests;

/// <summary>docs/security-checklist.md §1 items added by the issue 5 follow-up: PK4, PK7, RV6, DK6, EN1, EN2, TP1, TP2.</summary>
public abstract partial class AuthorizationServerTests
{
    // ---- 1.3 PKCE ----

    [Fact]
    public async Task PK4_MalformedCodeChallenge_InvalidRequest()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        var valid = PartnerFlow.Base64Url(RandomNumberGenerator.GetBytes(32));
        string[] malformed = [valid[..42], valid + "A", valid[..42] + "+", valid[..42] + "=", valid[..42] + "/", valid[..42] + "!", new string('a', 128)];

        foreach (var challenge in malformed)
        {
            var callback = await AuthorizeErrorAsync(env, fx.P, p => p["code_challenge"] = challenge);
            Assert.True(callback.TryGetValue("error", out var error), $"'{challenge}' was accepted");
            Assert.Equal("invalid_request", error);
            Assert.Equal(env.Issuer, callback["iss"]);
        }
    }

    [Fact]
    public async Task PK7_NoClientMaySkipPkce_SoNoChallengelessCodeExistsToDowngrade()
    {
        // Every code flow needs a challenge (global RequireProofKeyForCodeExchange and the client's
        // requirement), so the downgrade of RFC 9700 §4.8.2 has no code to start from: the request
        // without a challenge, even carrying a verifier-looking parameter, gets invalid_request and no
        // code, and a Client app cannot use the code flow at all.
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        await flow.CodeAsync(fx.P); // logged in, so the next requests would be answered with a code if allowed

        var parameters = flow.AuthorizeParameters(fx.P);
        parameters.Remove("code_challenge");
        parameters.Remove("code_challenge_method");
        parameters["code_verifier"] = flow.Verifier;
        using var response = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));
        var callback = PartnerFlow.Callback(response);

        Assert.Equal("invalid_request", callback["error"]);
        Assert.False(callback.ContainsKey("code"));
        var client = await env.ProvisionClientAppAsync();
        var clientParameters = flow.AuthorizeParameters(new TestPartner(client.ClientId, client.Secret, client.Descriptor));
        using var clientAuthorize = await flow.GetAsync(PartnerFlow.AuthorizeUrl(clientParameters));
        Assert.Equal(HttpStatusCode.BadRequest, clientAuthorize.StatusCode);
        Assert.Null(clientAuthorize.Headers.Location);
    }

    // ---- 1.8 Revocation ----

    [Fact]
    public async Task RV6_DatabaseDownDuringRevocation_503NeverSuccess_TokenStillActiveAfter()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);
        var refresh = tokens.Get("refresh_token")!;

        HttpStatusCode status;
        string body;
        string? retryAfter;
        await using (await DatabaseOutage.BeginAsync(env.Database))
        {
            using var response = await Revoke(env, fx.P, refresh, "refresh_token");
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync();
            retryAfter = response.Headers.RetryAfter?.ToString();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("temporarily_unavailable", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
        Assert.NotNull(retryAfter);
        // RFC 7009 §2.2.1: the client must assume the token still exists, and it does.
        Assert.True((await Introspect(env, fx.P, refresh)).GetProperty("active").GetBoolean());
    }

    // ---- 1.10 Bearer token usage ----

    [Fact]
    public async Task DK6_QueryStringTokenRefused_SchemeCaseInsensitive_401sCarryBearerChallenge()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var token = (await flow.TokensAsync(fx.P)).AccessToken;
        const string api = "/api/1.0/b/T1/fund-data/fund-list";

        using var query = await env.Http.GetAsync(api + "?access_token=" + Uri.EscapeDataString(token));
        using var userinfoQuery = await env.Http.GetAsync("/connect/userinfo?access_token=" + Uri.EscapeDataString(token));
        using var userinfoHeader = await env.GetWithTokenAsync("/connect/userinfo", token);
        using var none = await env.Http.GetAsync(api);
        var cased = new List<HttpStatusCode>();
        foreach (var scheme in new[] { "Bearer", "bearer", "BEARER", "bEaReR" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, api);
            request.Headers.TryAddWithoutValidation("Authorization", scheme + " " + token);
            using var response = await env.Http.SendAsync(request);
            cased.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, query.StatusCode);
        Assert.Contains(query.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains(none.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.All(cased, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.NotEqual(HttpStatusCode.OK, userinfoQuery.StatusCode);
        Assert.DoesNotContain("\"sub\"", await userinfoQuery.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, userinfoHeader.StatusCode);
    }

    // ---- 1.11 Environments ----

    [Fact]
    public async Task EN1_CredentialsOfOneEnvironmentInvalidAtTheOther_IssuersKeysAndAudiencesDiffer()
    {
        await using var pie = await StartAsync();
        await using var production = await StartAsync(key: EnvironmentKeys.Production);
        var pieClient = await ClientAppAsync(pie);
        var productionClient = await ClientAppAsync(production);

        var pieAtProduction = await production.TokenAsync(pieClient.ClientId, pieClient.Secret, ("grant_type", "client_credentials"), ("scope", "business.fund.list"));
        var productionAtPie = await pie.TokenAsync(productionClient.ClientId, productionClient.Secret, ("grant_type", "client_credentials"), ("scope", "business.fund.list"));
        var pieToken = await pie.TokenAsync(pieClient.ClientId, pieClient.Secret, ("grant_type", "client_credentials"), ("scope", "business.fund.list"));
        var productionToken = await production.TokenAsync(productionClient.ClientId, productionClient.Secret, ("grant_type", "client_credentials"), ("scope", "business.fund.list"));

        Assert.Equal("invalid_client", pieAtProduction.Error);
        Assert.Equal("invalid_client", productionAtPie.Error);
        Assert.Equal(200, pieToken.Status);
        Assert.Equal(200, productionToken.Status);
        var pieDiscovery = await pie.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        var productionDiscovery = await production.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        Assert.NotEqual(pieDiscovery.GetProperty("issuer").GetString(), productionDiscovery.GetProperty("issuer").GetString());
        Assert.Empty((await KidsAsync(pie)).Intersect(await KidsAsync(production)));
        var pieAudiences = Jwt.Strings(Jwt.Payload(pieToken.AccessToken).GetProperty("aud"));
        var productionAudiences = Jwt.Strings(Jwt.Payload(productionToken.AccessToken).GetProperty("aud"));
        Assert.Contains(EnvironmentAudienceHandler.For(new Uri(pie.Issuer)), pieAudiences);
        Assert.Contains(EnvironmentAudienceHandler.For(new Uri(production.Issuer)), productionAudiences);
        Assert.DoesNotContain(EnvironmentAudienceHandler.For(new Uri(production.Issuer)), pieAudiences);
        Assert.NotEqual(Jwt.Header(pieToken.AccessToken).GetProperty("kid").GetString(), Jwt.Header(productionToken.AccessToken).GetProperty("kid").GetString());
    }

    [Fact]
    public async Task EN2_PieTokensAndConsentGrantNothingInProduction()
    {
        await using var pie = await StartAsync();
        await using var production = await StartAsync(key: EnvironmentKeys.Production);
        var fx = await PartnerFlow.ArrangeAsync(pie);
        await PartnerFlow.PutBusinessAsync(production, "T1", "Tenant One Pty Ltd");
        var productionPartner = await PartnerFlow.ProvisionPartnerAsync(production, "Partner P", [PartnerFlow.RedirectUri]);
        using var flow = new PartnerFlow(pie);
        var tokens = await flow.TokensAsync(fx.P);

        // The PIE access token at the Production API, its refresh token at the Production token endpoint.
        using var api = await production.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokens.AccessToken);
        var refresh = await production.TokenAsync(productionPartner.ClientId, productionPartner.Secret, ("grant_type", "refresh_token"), ("refresh_token", tokens.Get("refresh_token")!));

        // The same browser (PIE session cookie and all; cookies ignore ports) asks Production silently.
        var parameters = flow.AuthorizeParameters(productionPartner);
        parameters["prompt"] = "none";
        using var silent = await flow.Browser.GetAsync(production.Url + PartnerFlow.AuthorizeUrl(parameters));
        var callback = PartnerFlow.Callback(silent);

        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("invalid_grant", refresh.Error);
        Assert.Equal("login_required", callback["error"]);
        Assert.Equal(production.Issuer, callback["iss"]);
        Assert.False(callback.ContainsKey("code"));
    }

    // ---- 1.12 Transport and proxies ----

    [Fact]
    public async Task TP1_HttpsEnvironment_SendsHstsAndPlainHttpIsRedirectedOrRefused()
    {
        using var certificate = SelfSignedLoopbackCertificate();
        var certificateFile = Path.Combine(Directory.CreateTempSubdirectory("gatehouse-tls-").FullName, "tls.pfx");
        await File.WriteAllBytesAsync(certificateFile, certificate.Export(X509ContentType.Pfx, "test"));
        var url = $"https://127.0.0.1:{FreePort.Next()}";
        var plainUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var trusting = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
        };
        await using var env = await EnvironmentUnderTest.StartAsync(provider, settings:
        [
            new("Kestrel:Certificates:Default:Path", certificateFile),
            new("Kestrel:Certificates:Default:Password", "test"),
            new($"{EnvironmentEndpoint.SectionName}:{EnvironmentKeys.Pie}:Transport:PlainHttpUrl", plainUrl),
        ], url: url, handler: trusting);
        var client = await env.ProvisionClientAppAsync();
        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(plainUrl) };

        using var discovery = await env.Http.GetAsync("/.well-known/openid-configuration");
        using var plainDiscovery = await plain.GetAsync("/.well-known/openid-configuration?x=1");
        using var plainToken = await plain.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = client.ClientId, ["client_secret"] = client.Secret,
        }));
        var overTls = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"), ("scope", "business.fund.list"));

        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        Assert.Equal(url + "/", (await discovery.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("issuer").GetString());
        var hsts = discovery.Headers.GetValues("Strict-Transport-Security").Single();
        Assert.Matches(@"^max-age=(\d+); includeSubDomains$", hsts);
        Assert.True(long.Parse(hsts.Split(';')[0]["max-age=".Length..], System.Globalization.CultureInfo.InvariantCulture) >= 31_536_000);
        Assert.Equal(HttpStatusCode.PermanentRedirect, plainDiscovery.StatusCode);
        Assert.Equal(url + "/.well-known/openid-configuration?x=1", plainDiscovery.Headers.Location!.OriginalString);
        Assert.False(plainDiscovery.Headers.Contains("Strict-Transport-Security"));
        Assert.Equal(HttpStatusCode.BadRequest, plainToken.StatusCode);
        Assert.DoesNotContain("access_token", await plainToken.Content.ReadAsStringAsync());
        Assert.Equal(200, overTls.Status);
    }

    [Fact]
    public async Task TP2_ForgedForwardedAndHostHeaders_ChangeNoIssuerUrlOrRateLimitKey()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider, settings:
            [new($"{EnvironmentEndpoint.SectionName}:{EnvironmentKeys.Pie}:RateLimits:PerMinute", "2")]);
        var client = await env.ProvisionClientAppAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        var forged = 0;
        HttpRequestMessage Forged(HttpMethod method, string path)
        {
            var request = new HttpRequestMessage(method, path);
            request.Headers.Host = "evil.test";
            request.Headers.Add("X-Forwarded-Host", "evil.test");
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{++forged}");
            request.Headers.Add("Forwarded", $"for=203.0.113.{forged};host=evil.test;proto=https");
            return request;
        }

        using var discoveryResponse = await env.Http.SendAsync(Forged(HttpMethod.Get, "/.well-known/openid-configuration"));
        var discovery = await discoveryResponse.Content.ReadFromJsonAsync<JsonElement>();
        using var tokenRequest = Forged(HttpMethod.Post, "/connect/token");
        tokenRequest.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "business.fund.list" });
        tokenRequest.Headers.Authorization = Basic(client.ClientId, client.Secret);
        using var tokenResponse = await env.Http.SendAsync(tokenRequest);
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        using var flow = new PartnerFlow(env);
        using var authorize = Forged(HttpMethod.Get, PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P)));
        using var loginRedirect = await flow.Browser.SendAsync(authorize);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var api = Forged(HttpMethod.Get, $"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list");
            api.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await env.Http.SendAsync(api);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(env.Issuer, discovery.GetProperty("issuer").GetString());
        foreach (var endpoint in discovery.EnumerateObject().Where(p => p.Name.EndsWith("_endpoint", StringComparison.Ordinal) || p.Name == "jwks_uri"))
        {
            Assert.StartsWith(env.Issuer, endpoint.Value.GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(env.Issuer, Jwt.Payload(token).GetProperty("iss").GetString());
        Assert.Equal(HttpStatusCode.Found, loginRedirect.StatusCode);
        Assert.StartsWith("/account/login", loginRedirect.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.test", loginRedirect.Headers.Location!.OriginalString, StringComparison.Ordinal);
        // Three source addresses, one client: the per-client window of 2 still trips.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    // ---- helpers ----

    /// <summary>A Client app bound to business T1, provisioned straight through the admin API (no sandbox needed, so Production too).</summary>
    private static async Task<TestPartner> ClientAppAsync(EnvironmentUnderTest env)
    {
        await PartnerFlow.PutBusinessAsync(env, "T1", "Tenant One Pty Ltd");
        var clientId = Guid.NewGuid();
        var secret = ClientSecrets.Generate();
        var descriptor = new ClientDescriptor("Acme app", AppTypes.Client, Guid.NewGuid(), "Acme Advisers", "T1",
            [new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(secret), null)], ["business.fund.list"], [], Enabled: true);
        using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(clientId), descriptor));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new TestPartner(clientId.ToString(), secret, descriptor);
    }

    private static async Task<List<string>> KidsAsync(EnvironmentUnderTest env)
    {
        var jwks = await env.Http.GetFromJsonAsync<JsonElement>("/.well-known/jwks");
        return [.. jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx, "test"), "test", X509KeyStorageFlags.Exportable);
    }
}
