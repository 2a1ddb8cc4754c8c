using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests.Authorization;

/// <summary>
/// Issue 13 §4, §6, §8 over real HTTP where the store is involved (run once per provider):
/// docs/security-checklist.md RL5, AZ14, RT10.
/// </summary>
public abstract class ProtocolHardeningTests(DatabaseProvider provider)
{
    [Fact]
    public async Task RL5_WrongPasswordsThroughAnotherBusinessesClient_NeverLockTheUserOut()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider);
        var own = await env.ProvisionClientAppAsync();
        var other = await ProtocolHardening.OtherBusinessClientAsync(env);

        // More than the lockout threshold (5), and once with the right password: always invalid_grant.
        var errors = new List<string?>();
        for (var i = 0; i < 7; i++)
        {
            errors.Add((await ProtocolHardening.PasswordGrantAsync(env, other, "api@acme.example", "Wrong-password-" + i)).Error);
        }

        errors.Add((await ProtocolHardening.PasswordGrantAsync(env, other, "api@acme.example", TestClient.Password)).Error);
        var signIn = await env.PasswordGrantAsync(own);

        Assert.All(errors, e => Assert.Equal("invalid_grant", e));
        Assert.Equal(200, signIn.Status);
    }

    [Fact]
    public async Task AZ14_ResponseModes_OnlyTheRegisteredOnesAreAllowed()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider);
        var fx = await PartnerFlow.ArrangeAsync(env);
        using (var registered = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(Guid.Parse(fx.Q.ClientId)), fx.Q.Descriptor with { ResponseModes = ["form_post"] })))
        {
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        }

        using var unknown = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(Guid.NewGuid()), fx.Q.Descriptor with { ResponseModes = ["web_message"] }));
        using var flow = new PartnerFlow(env);

        async Task<HttpResponseMessage> Authorize(TestPartner client, string? mode)
        {
            var parameters = flow.AuthorizeParameters(client);
            if (mode is not null)
            {
                parameters["response_mode"] = mode;
            }

            return await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));
        }

        using var formPost = await Authorize(fx.P, "form_post");
        using var fragment = await Authorize(fx.P, "fragment");
        using var query = await Authorize(fx.P, "query");
        using var none = await Authorize(fx.P, null);
        using var registeredFormPost = await Authorize(fx.Q, "form_post");
        using var unregisteredFragment = await Authorize(fx.Q, "fragment");

        // Refused in the default mode for code (the query of the validated redirect URI).
        Assert.Equal("invalid_request", PartnerFlow.Callback(formPost)["error"]);
        Assert.Equal("s-123", PartnerFlow.Callback(formPost)["state"]);
        Assert.Equal("invalid_request", PartnerFlow.Callback(fragment)["error"]);
        Assert.Equal("invalid_request", PartnerFlow.Callback(unregisteredFragment)["error"]);
        Assert.StartsWith("/account/login", query.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.StartsWith("/account/login", none.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.StartsWith("/account/login", registeredFormPost.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task RT10_TwoRotationsInsideOneSecond_GrandparentReuseRevokesTheFamily()
    {
        // The clock does not move: every token of the chain has the same creation time.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await EnvironmentUnderTest.StartAsync(provider, time);
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var r0 = (await flow.TokensAsync(fx.P)).Get("refresh_token")!;

        var r1 = (await Refresh(env, fx.P, r0)).Get("refresh_token")!;
        var r2 = (await Refresh(env, fx.P, r1)).Get("refresh_token")!;
        var grandparent = await Refresh(env, fx.P, r0);
        var newest = await Refresh(env, fx.P, r2);

        Assert.Equal("invalid_grant", grandparent.Error);
        Assert.Equal("invalid_grant", newest.Error);
    }

    private static Task<TokenResponse> Refresh(EnvironmentUnderTest env, TestPartner client, string refreshToken) =>
        env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "refresh_token"), ("refresh_token", refreshToken));
}

public sealed class SqliteProtocolHardeningTests() : ProtocolHardeningTests(DatabaseProvider.Sqlite);

public sealed class PostgresProtocolHardeningTests() : ProtocolHardeningTests(DatabaseProvider.Postgres);

/// <summary>
/// Issue 13 §4 (throttling), §7, §10: no store involved beyond what any request does, so SQLite only.
/// docs/security-checklist.md RL4, RL7, PK9, CS5.
/// </summary>
public sealed class ProtocolHardeningHttpTests
{
    private static readonly KeyValuePair<string, string?>[] SmallLimits =
    [
        new("Environments:pie:RateLimits:Authentication:PerClient", "3"),
        new("Environments:pie:RateLimits:Authentication:PerUserName", "3"),
        new("Environments:pie:RateLimits:Authentication:PerAddress", "1000"),
        // A window far longer than the test, so no window ends inside it (no wall-clock dependence).
        new("Environments:pie:RateLimits:Authentication:Window", "01:00:00"),
    ];

    [Fact]
    public async Task RL4_RL7_BurstsPerClientAndUserName_Get429WithRetryAfter_OnTokenIntrospectRevokeAndLogin()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite, settings: SmallLimits);
        var tokenClient = await PartnerFlow.ProvisionPartnerAsync(env, "Token", [PartnerFlow.RedirectUri]);
        var introspectClient = await PartnerFlow.ProvisionPartnerAsync(env, "Introspect", [PartnerFlow.RedirectUri]);
        var revokeClient = await PartnerFlow.ProvisionPartnerAsync(env, "Revoke", [PartnerFlow.RedirectUri]);

        var token = await BurstAsync(4, () => ProtocolHardening.PostAsync(env, "/connect/token", tokenClient, ("grant_type", "client_credentials")));
        var introspect = await BurstAsync(4, () => ProtocolHardening.PostAsync(env, "/connect/introspect", introspectClient, ("token", "not-a-token")));
        var revoke = await BurstAsync(4, () => ProtocolHardening.PostAsync(env, "/connect/revoke", revokeClient, ("token", "not-a-token")));
        // Per user name across client ids (none of them is a client), at the token endpoint.
        var userName = await BurstAsync(4, () => ProtocolHardening.PostAsync(env, "/connect/token", null,
            ("grant_type", "password"), ("client_id", Guid.NewGuid().ToString()), ("username", "target@class.example"), ("password", "guess")));

        using var flow = new PartnerFlow(env);
        var login = await BurstAsync(4, () => flow.LoginAsync("/account/login", "someone@class.example", "Wrong-password-1"));
        var page = await login[3].Content.ReadAsStringAsync();

        foreach (var burst in new[] { token, introspect, revoke, userName })
        {
            Assert.All(burst[..3], r => Assert.NotEqual(HttpStatusCode.TooManyRequests, r.StatusCode));
            Assert.Equal(HttpStatusCode.TooManyRequests, burst[3].StatusCode);
            Assert.InRange(burst[3].Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 3600);
            Assert.Equal("temporarily_unavailable", (await burst[3].Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }

        Assert.All(login[..3], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, login[3].StatusCode);
        Assert.InRange(login[3].Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 3600);
        Assert.Contains("Too many login attempts", page, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\"", page, StringComparison.Ordinal);
        DisposeAll(token, introspect, revoke, userName, login);
    }

    [Fact]
    public async Task RL4_BurstFromOneAddress_Gets429AcrossClientIds()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite, settings:
        [
            new("Environments:pie:RateLimits:Authentication:PerAddress", "3"),
            new("Environments:pie:RateLimits:Authentication:Window", "01:00:00"),
        ]);

        var burst = await BurstAsync(4, () => ProtocolHardening.PostAsync(env, "/connect/token", null,
            ("grant_type", "client_credentials"), ("client_id", Guid.NewGuid().ToString()), ("client_secret", "x")));

        Assert.All(burst[..3], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, burst[3].StatusCode);
        Assert.NotNull(burst[3].Headers.RetryAfter);
        DisposeAll(burst);
    }

    [Fact]
    public async Task PK9_CodeVerifierOutsideRfc7636Syntax_IsInvalidGrantEvenWhenItMatchesTheChallenge()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var fx = await PartnerFlow.ArrangeAsync(env);
        string[] verifiers = [new('a', 42), new('a', 129), new string('a', 42) + "+", new string('a', 42) + "é"];

        foreach (var verifier in verifiers)
        {
            using var flow = new PartnerFlow(env);
            var parameters = flow.AuthorizeParameters(fx.P);
            parameters["code_challenge"] = PartnerFlow.Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(verifier)));
            using var consent = await flow.AuthorizeAsync(PartnerFlow.AuthorizeUrl(parameters));
            // After the first grant the consent is remembered and authorize answers with the code.
            using var callback = consent.StatusCode == HttpStatusCode.OK ? await flow.DecideAsync(consent) : null;
            var tokens = await flow.RedeemAsync(fx.P, PartnerFlow.Callback(callback ?? consent)["code"], verifier);

            Assert.Equal((400, "invalid_grant"), (tokens.Status, tokens.Error));
        }
    }

    [Fact]
    public async Task CS5_LoginPageFormAction_IsNotWidenedByTheReturnUrl()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        string Login(string clientId, string redirectUri) =>
            "/account/login?returnUrl=" + Uri.EscapeDataString(PartnerFlow.AuthorizeUrl(new Dictionary<string, string>
            {
                ["response_type"] = "code", ["client_id"] = clientId, ["redirect_uri"] = redirectUri, ["code_challenge"] = flow.Challenge,
            }));

        using var evil = await flow.GetAsync(Login(fx.P.ClientId, "https://evil.example/cb"));
        using var unknownClient = await flow.GetAsync(Login(Guid.NewGuid().ToString(), "https://evil.example/cb"));
        using var evilPost = await flow.LoginAsync(Login(fx.P.ClientId, "https://evil.example/cb"), "u@class.example", "Wrong-password-1");
        using var registered = await flow.GetAsync(Login(fx.P.ClientId, PartnerFlow.RedirectUri));

        Assert.EndsWith("form-action 'self'", Csp(evil), StringComparison.Ordinal);
        Assert.EndsWith("form-action 'self'", Csp(unknownClient), StringComparison.Ordinal);
        Assert.EndsWith("form-action 'self'", Csp(evilPost), StringComparison.Ordinal);
        // The registered redirect URI's origin stays: the post's redirects may end there (consent
        // already given, cancel), and browsers apply form-action to them.
        Assert.EndsWith("form-action 'self' https://p.example", Csp(registered), StringComparison.Ordinal);
    }

    private static string Csp(HttpResponseMessage response) =>
        string.Join(";", response.Headers.GetValues("Content-Security-Policy"));

    private static async Task<HttpResponseMessage[]> BurstAsync(int count, Func<Task<HttpResponseMessage>> send)
    {
        var responses = new HttpResponseMessage[count];
        for (var i = 0; i < count; i++)
        {
            responses[i] = await send();
        }

        return responses;
    }

    private static void DisposeAll(params HttpResponseMessage[][] bursts)
    {
        foreach (var response in bursts.SelectMany(b => b))
        {
            response.Dispose();
        }
    }
}

internal static class ProtocolHardening
{
    /// <summary>A Client app of another organisation's business, with its own API user.</summary>
    public static async Task<TestClient> OtherBusinessClientAsync(EnvironmentUnderTest env)
    {
        var organisation = Guid.NewGuid();
        var sandbox = await env.ProvisionSandboxAsync(organisation, "Other Advisers", "api@other.example", TestClient.Password);
        var secret = ClientSecrets.Generate();
        var descriptor = new ClientDescriptor(
            "Other app", AppTypes.Client, organisation, "Other Advisers", sandbox.BusinessCode,
            [new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(secret), null)],
            ["business.fund.list", "offline_access"], [], Enabled: true);
        var clientId = Guid.NewGuid();
        using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(clientId), descriptor));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new TestClient(clientId.ToString(), secret, sandbox, descriptor);
    }

    public static Task<TokenResponse> PasswordGrantAsync(EnvironmentUnderTest env, TestClient client, string userName, string password) =>
        env.TokenAsync(client.ClientId, client.Secret,
            ("grant_type", "password"), ("username", userName), ("password", password), ("scope", "business.fund.list"));

    public static async Task<HttpResponseMessage> PostAsync(EnvironmentUnderTest env, string path, TestPartner? client, params (string Name, string Value)[] form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))),
        };
        if (client is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(client.ClientId)}:{Uri.EscapeDataString(client.Secret)}")));
        }

        return await env.Http.SendAsync(request);
    }
}
