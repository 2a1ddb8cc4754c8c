using System.Security.Cryptography;
using System.Text;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Gatehouse.Environment.Authorization;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gatehouse.Environment.Tests.Interop;

/// <summary>
/// Duende.IdentityModel (a .NET client no one here wrote) against a PIE environment: discovery with
/// its policy checks on (issuer name, endpoints under the authority, key set; http allowed on
/// loopback only), the authorization code flow with PKCE S256 and the login and consent in headless
/// Chromium, refresh with rotation, reuse after the grace, revocation, introspection, userinfo,
/// client credentials and the password grant. Signatures, iss and aud are checked with
/// Microsoft.IdentityModel.JsonWebTokens against the JWKS the discovery document points to.
/// </summary>
public sealed class DuendeClientTests
{
    [Fact]
    public async Task Duende_DiscoveryCodeFlowThroughChromiumRefreshRevokeIntrospectUserinfo_AllValidate()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite, time);
        var redirectUri = ThirdPartyClientTests.LoopbackRedirectUri();
        var fixture = await PartnerFlow.ArrangeAsync(env, [redirectUri]);
        using var http = new HttpClient();
        var disco = await DiscoverAsync(http, env);
        var keys = await SigningKeysAsync(http, disco);

        // Authorization request built by Duende's RequestUrl; the browser part in Chromium.
        var verifier = CryptoRandom.CreateUniqueId(32);
        var challenge = PartnerFlow.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = CryptoRandom.CreateUniqueId(16);
        var nonce = CryptoRandom.CreateUniqueId(16);
        var url = new RequestUrl(disco.AuthorizeEndpoint!).CreateAuthorizeUrl(
            clientId: fixture.P.ClientId, responseType: OidcConstants.ResponseTypes.Code,
            scope: "openid class_profile business.fund.list offline_access target:b", redirectUri: redirectUri,
            state: state, nonce: nonce, codeChallenge: challenge, codeChallengeMethod: OidcConstants.CodeChallengeMethods.Sha256);
        await using var chromium = await ChromiumUser.LaunchAsync();
        var outcome = await chromium.AuthorizeAsync(url, redirectUri, "u@class.example", PartnerFlow.UserPassword, business: "T1");
        var callback = new AuthorizeResponse(outcome.CallbackUrl);
        Assert.False(callback.IsError, callback.Error);
        Assert.Equal(state, callback.State);
        Assert.Equal(disco.Issuer, callback.Issuer); // RFC 9207

        var tokens = await http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = disco.TokenEndpoint,
            ClientId = fixture.P.ClientId,
            ClientSecret = fixture.P.Secret,
            Code = callback.Code!,
            RedirectUri = redirectUri,
            CodeVerifier = verifier,
        });
        Assert.False(tokens.IsError, $"{tokens.Error}: {tokens.ErrorDescription}");
        var id = await ValidateAsync(tokens.IdentityToken!, disco.Issuer!, fixture.P.ClientId, keys, "JWT");
        Assert.Equal(nonce, id.GetClaim("nonce").Value);
        var access = await ValidateAsync(tokens.AccessToken!, disco.Issuer!, ClassScopes.Resource, keys, "at+jwt");
        Assert.Equal(fixture.P.ClientId, access.GetClaim("client_id").Value);
        Assert.Equal("T1", access.GetClaim("business_code").Value);
        Assert.Equal(id.Subject, access.Subject);

        // Refresh rotates; the new access token validates too.
        var refreshed = await http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = disco.TokenEndpoint, ClientId = fixture.P.ClientId, ClientSecret = fixture.P.Secret, RefreshToken = tokens.RefreshToken!,
        });
        Assert.False(refreshed.IsError, $"{refreshed.Error}: {refreshed.ErrorDescription}");
        Assert.NotEqual(tokens.RefreshToken, refreshed.RefreshToken);
        await ValidateAsync(refreshed.AccessToken!, disco.Issuer!, ClassScopes.Resource, keys, "at+jwt");

        var userinfo = await http.GetUserInfoAsync(new UserInfoRequest { Address = disco.UserInfoEndpoint, Token = refreshed.AccessToken });
        Assert.False(userinfo.IsError, userinfo.Error);
        Assert.Equal(id.Subject, userinfo.Json!.Value.GetProperty("sub").GetString());
        Assert.Equal("T1", userinfo.Json!.Value.GetProperty("business_code").GetString());

        var introspection = await IntrospectAsync(http, disco, fixture.P, refreshed.AccessToken!);
        Assert.True(introspection.IsActive);
        Assert.Equal(disco.Issuer, introspection.Json!.Value.GetProperty("iss").GetString());
        Assert.Equal(fixture.P.ClientId, introspection.Json!.Value.GetProperty("client_id").GetString());

        // RFC 7009: the first access token revoked; the refreshed one still active.
        var revoked = await http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = disco.RevocationEndpoint, ClientId = fixture.P.ClientId, ClientSecret = fixture.P.Secret,
            Token = tokens.AccessToken!, TokenTypeHint = OidcConstants.TokenTypes.AccessToken,
        });
        Assert.False(revoked.IsError, revoked.Error);
        Assert.False((await IntrospectAsync(http, disco, fixture.P, tokens.AccessToken!)).IsActive);
        Assert.True((await IntrospectAsync(http, disco, fixture.P, refreshed.AccessToken!)).IsActive);

        // The rotated refresh token after the retry grace (10 s, ADR 0009): refused, and the family goes.
        time.Advance(TimeSpan.FromSeconds(11));
        var reuse = await http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = disco.TokenEndpoint, ClientId = fixture.P.ClientId, ClientSecret = fixture.P.Secret, RefreshToken = tokens.RefreshToken!,
        });
        Assert.Equal(OidcConstants.TokenErrors.InvalidGrant, reuse.Error);
        Assert.False((await IntrospectAsync(http, disco, fixture.P, refreshed.RefreshToken!)).IsActive);
        Assert.False((await IntrospectAsync(http, disco, fixture.P, refreshed.AccessToken!)).IsActive);
    }

    [Fact]
    public async Task Duende_ClientCredentialsAndPasswordGrant_TokensValidateAgainstTheJwks()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var app = await env.ProvisionClientAppAsync();
        using var http = new HttpClient();
        var disco = await DiscoverAsync(http, env);
        var keys = await SigningKeysAsync(http, disco);

        var credentials = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = disco.TokenEndpoint, ClientId = app.ClientId, ClientSecret = app.Secret, Scope = "business.fund.list",
        });
        var password = await http.RequestPasswordTokenAsync(new PasswordTokenRequest
        {
            Address = disco.TokenEndpoint, ClientId = app.ClientId, ClientSecret = app.Secret,
            UserName = app.Sandbox.ApiUserName, Password = TestClient.Password, Scope = "business.fund.list offline_access",
        });

        Assert.False(credentials.IsError, $"{credentials.Error}: {credentials.ErrorDescription}");
        Assert.Null(credentials.RefreshToken);
        var machine = await ValidateAsync(credentials.AccessToken!, disco.Issuer!, ClassScopes.Resource, keys, "at+jwt");
        Assert.Equal(app.ClientId, machine.GetClaim("client_id").Value);
        Assert.False(password.IsError, $"{password.Error}: {password.ErrorDescription}");
        Assert.NotNull(password.RefreshToken);
        var user = await ValidateAsync(password.AccessToken!, disco.Issuer!, ClassScopes.Resource, keys, "at+jwt");
        Assert.NotEqual(app.ClientId, user.Subject);
        Assert.True((await IntrospectAsync(http, disco, new TestPartner(app.ClientId, app.Secret, app.Descriptor), password.AccessToken!)).IsActive);
    }

    private static async Task<DiscoveryDocumentResponse> DiscoverAsync(HttpClient http, EnvironmentUnderTest env)
    {
        var disco = await http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = env.Url,
            Policy =
            {
                // Duende's own checks stay on; http is accepted for a loopback authority only.
                RequireHttps = true,
                AllowHttpOnLoopback = true,
                ValidateIssuerName = true,
                ValidateEndpoints = true,
                RequireKeySet = true,
            },
        });
        Assert.False(disco.IsError, disco.Error);
        Assert.Equal(env.Issuer, disco.Issuer);
        return disco;
    }

    private static async Task<IList<SecurityKey>> SigningKeysAsync(HttpClient http, DiscoveryDocumentResponse disco) =>
        new JsonWebKeySet(await http.GetStringAsync(disco.JwksUri)).GetSigningKeys();

    private static async Task<JsonWebToken> ValidateAsync(string token, string issuer, string audience, IList<SecurityKey> keys, string type)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = audience,
            IssuerSigningKeys = keys,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            ValidTypes = [type],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    private static Task<TokenIntrospectionResponse> IntrospectAsync(HttpClient http, DiscoveryDocumentResponse disco, TestPartner client, string token) =>
        http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = disco.IntrospectionEndpoint, ClientId = client.ClientId, ClientSecret = client.Secret, Token = token,
        });
}
