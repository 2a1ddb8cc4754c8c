using Gatehouse.Environment.Authorization;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Testing;

namespace Gatehouse.Environment.Tests.Interop;

/// <summary>
/// Clients no one here wrote, against a real PIE environment over HTTP (SQLite only: the protocol
/// itself runs on both providers in AuthorizationServerTests). npm openid-client 6 and oauth4webapi 3
/// build the authorization request themselves (PKCE S256, state, nonce); the Class user logs in and
/// consents in headless Chromium; the library gets the callback URL the browser was sent to and
/// validates everything it validates (iss per RFC 9207, ID token, JWKS signatures, RFC 9068).
/// </summary>
public sealed class ThirdPartyClientTests
{
    private const string Scope = "openid class_profile business.fund.list offline_access target:b";

    private static Task<EnvironmentUnderTest> StartAsync() =>
        EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite, settings:
        [
            // Reuse of a rotated refresh token is tested "after the grace" without waiting (ADR 0009).
            new($"{EnvironmentEndpoint.SectionName}:{EnvironmentKeys.Pie}:{AuthorizationServerOptions.SectionName}:RefreshTokenRetryGrace", "00:00:00"),
        ]);

    public static string LoopbackRedirectUri() => $"http://127.0.0.1:{FreePort.Next()}/cb";

    [Fact]
    public async Task OpenIdClient_AuthorizationCodeThroughChromium_LibraryAcceptsEveryResponse()
    {
        await using var env = await StartAsync();
        var redirectUri = LoopbackRedirectUri();
        var fixture = await PartnerFlow.ArrangeAsync(env, [redirectUri]);
        await using var chromium = await ChromiumUser.LaunchAsync();
        string? consentHtml = null;

        var result = await NodeClient.RunAsync("openid-client-flow.mjs", new
        {
            step = "code",
            issuer = env.Issuer,
            clientId = fixture.P.ClientId,
            clientSecret = fixture.P.Secret,
            redirectUri,
            scope = Scope,
        }, async url =>
        {
            Assert.StartsWith(env.Issuer + "connect/authorize?", url, StringComparison.Ordinal);
            Assert.Contains("code_challenge_method=S256", url, StringComparison.Ordinal);
            var outcome = await chromium.AuthorizeAsync(url, redirectUri, "u@class.example", PartnerFlow.UserPassword, business: "T2");
            consentHtml = outcome.ConsentHtml;
            return outcome.CallbackUrl;
        });

        Assert.Contains("Tenant Two Pty Ltd (T2)", consentHtml);
        Assert.Equal(env.Issuer, result.GetProperty("callbackIss").GetString());
        Assert.Equal(env.Issuer, result.GetProperty("issuer").GetString());
        Assert.Equal(fixture.P.ClientId, result.GetProperty("idTokenAudience").GetString());
        Assert.Contains("target:b/T2", result.GetProperty("scope").GetString()!.Split(' '));
        Assert.Equal("T2", result.GetProperty("businessCode").GetString());
        Assert.True(result.GetProperty("refreshTokenExpiresIn").GetInt32() > 0);
        Assert.True(result.GetProperty("rotated").GetBoolean());
        Assert.Equal(result.GetProperty("subject").GetString(), result.GetProperty("userinfoSub").GetString());
        Assert.Equal("T2", result.GetProperty("userinfoBusinessCode").GetString());
        Assert.True(result.GetProperty("introspectionActive").GetBoolean());
        Assert.Equal(fixture.P.ClientId, result.GetProperty("introspectionClientId").GetString());
        Assert.False(result.GetProperty("revokedAccessTokenActive").GetBoolean());
        Assert.True(result.GetProperty("refreshedAccessTokenActiveAfterRevocation").GetBoolean());
        Assert.Equal("invalid_grant", result.GetProperty("reuseOfRotatedToken").GetString());
        Assert.False(result.GetProperty("familyActiveAfterReuse").GetBoolean());
    }

    [Fact]
    public async Task OAuth4WebApi_AuthorizationCodeThroughChromium_LibraryAcceptsEveryResponse()
    {
        await using var env = await StartAsync();
        var redirectUri = LoopbackRedirectUri();
        var fixture = await PartnerFlow.ArrangeAsync(env, [redirectUri]);
        await using var chromium = await ChromiumUser.LaunchAsync();

        var result = await NodeClient.RunAsync("oauth4webapi-flow.mjs", new
        {
            step = "code",
            issuer = env.Issuer,
            clientId = fixture.P.ClientId,
            clientSecret = fixture.P.Secret,
            redirectUri,
            scope = "openid class_profile business.fund.list offline_access target:b/T1",
            audience = ClassScopes.Resource,
        }, async url => (await chromium.AuthorizeAsync(url, redirectUri, "u@class.example", PartnerFlow.UserPassword)).CallbackUrl);

        Assert.Equal(env.Issuer, result.GetProperty("callbackIss").GetString());
        Assert.Equal(env.Issuer, result.GetProperty("idTokenIss").GetString());
        Assert.Equal(env.Issuer, result.GetProperty("accessTokenIss").GetString());
        Assert.Contains(ClassScopes.Resource, Jwt.Strings(result.GetProperty("accessTokenAud")));
        Assert.Equal(fixture.P.ClientId, result.GetProperty("accessTokenClientId").GetString());
        Assert.Equal("T1", result.GetProperty("accessTokenBusinessCode").GetString());
        Assert.True(result.GetProperty("rotated").GetBoolean());
        Assert.Equal(result.GetProperty("subject").GetString(), result.GetProperty("refreshedAccessTokenSub").GetString());
        Assert.Equal(result.GetProperty("subject").GetString(), result.GetProperty("userinfoSub").GetString());
        Assert.Equal("T1", result.GetProperty("userinfoBusinessCode").GetString());
        Assert.True(result.GetProperty("introspectionActive").GetBoolean());
        Assert.False(result.GetProperty("refreshActiveAfterRevocation").GetBoolean());
        Assert.False(result.GetProperty("accessActiveAfterRevocation").GetBoolean());
    }

    [Theory]
    [InlineData("openid-client-flow.mjs")]
    [InlineData("oauth4webapi-flow.mjs")]
    public async Task ClientApp_ClientCredentialsAndPasswordGrant_LibraryAcceptsTheTokens(string script)
    {
        await using var env = await StartAsync();
        var app = await env.ProvisionClientAppAsync();
        var common = new Dictionary<string, object?>
        {
            ["issuer"] = env.Issuer,
            ["clientId"] = app.ClientId,
            ["clientSecret"] = app.Secret,
            ["audience"] = ClassScopes.Resource,
            ["scope"] = "business.fund.list offline_access",
        };

        var credentials = await NodeClient.RunAsync(script, new Dictionary<string, object?>(common) { ["step"] = "client_credentials" });
        var password = await NodeClient.RunAsync(script, new Dictionary<string, object?>(common)
        {
            ["step"] = "password",
            ["username"] = app.Sandbox.ApiUserName,
            ["password"] = TestClient.Password,
        });

        Assert.False(credentials.GetProperty("hasRefreshToken").GetBoolean());
        Assert.True(password.GetProperty("hasRefreshToken").GetBoolean());
        if (script.StartsWith("oauth4webapi", StringComparison.Ordinal))
        {
            Assert.Equal(app.ClientId, credentials.GetProperty("clientId").GetString());
            Assert.Equal(env.Issuer, password.GetProperty("iss").GetString());
            Assert.Equal(app.ClientId, password.GetProperty("clientId").GetString());
        }
        else
        {
            Assert.True(password.GetProperty("rotated").GetBoolean());
            Assert.True(password.GetProperty("introspectionActive").GetBoolean());
        }
    }
}
