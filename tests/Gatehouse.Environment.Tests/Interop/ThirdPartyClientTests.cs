using System.Net;
using Gatehouse.Hosting.Database;

namespace Gatehouse.Environment.Tests.Interop;

/// <summary>
/// Clients no one here wrote, against a real environment over HTTP: npm openid-client 6 runs the
/// authorization code flow (its own PKCE, state, nonce, iss and ID token checks), refresh with
/// rotation, userinfo, introspection and revocation; oauth4webapi 3 validates the access token as a
/// resource server (RFC 9068). The login and consent in between are submitted as a browser would
/// (PartnerFlow's cookie-keeping HTTP client).
/// </summary>
public sealed class ThirdPartyClientTests
{
    [Fact]
    public async Task OpenIdClient_AuthorizationCodeRefreshUserinfoIntrospectRevoke_AllAcceptedByTheLibrary()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var fixture = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var input = new Dictionary<string, object?>
        {
            ["issuer"] = env.Issuer,
            ["clientId"] = fixture.P.ClientId,
            ["clientSecret"] = fixture.P.Secret,
            ["redirectUri"] = PartnerFlow.RedirectUri,
            ["scope"] = "openid class_profile business.fund.list offline_access target:b/T1",
        };

        input["step"] = "start";
        var started = await NodeClient.RunAsync("openid-client-flow.mjs", input);
        var authorizeUrl = new Uri(started.GetProperty("url").GetString()!);
        Assert.Equal(env.Issuer.TrimEnd('/'), authorizeUrl.GetLeftPart(UriPartial.Authority));
        using var consent = await flow.AuthorizeAsync(authorizeUrl.PathAndQuery);
        using var callback = await flow.DecideAsync(consent);
        Assert.Equal(HttpStatusCode.Found, callback.StatusCode);

        input["step"] = "finish";
        input["callbackUrl"] = callback.Headers.Location!.OriginalString;
        input["verifier"] = started.GetProperty("verifier").GetString();
        input["state"] = started.GetProperty("state").GetString();
        input["nonce"] = started.GetProperty("nonce").GetString();
        var result = await NodeClient.RunAsync("openid-client-flow.mjs", input);

        Assert.Equal(env.Issuer, result.GetProperty("issuer").GetString());
        Assert.Contains("target:b/T1", result.GetProperty("scope").GetString()!.Split(' '));
        Assert.Equal("T1", result.GetProperty("businessCode").GetString());
        Assert.True(result.GetProperty("refreshTokenExpiresIn").GetInt32() > 0);
        Assert.True(result.GetProperty("rotated").GetBoolean());
        Assert.Equal(result.GetProperty("subject").GetString(), result.GetProperty("userinfoSub").GetString());
        Assert.Equal("T1", result.GetProperty("userinfoBusinessCode").GetString());
        Assert.True(result.GetProperty("introspectionActive").GetBoolean());
        Assert.False(result.GetProperty("activeAfterRevocation").GetBoolean());

        // A resource server's view of the (refreshed) access token: signature, iss, aud, typ.
        var validated = await NodeClient.RunAsync("oauth4webapi-validate.mjs", new
        {
            issuer = env.Issuer,
            audience = "class-api",
            accessToken = result.GetProperty("accessToken").GetString(),
        });
        Assert.Equal(env.Issuer, validated.GetProperty("iss").GetString());
        Assert.Equal(fixture.P.ClientId, validated.GetProperty("client_id").GetString());
    }

    [Fact]
    public async Task OpenIdClient_ClientCredentialsForAClientApp_IssuesAValidAccessTokenWithoutRefresh()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var app = await env.ProvisionClientAppAsync();

        var result = await NodeClient.RunAsync("openid-client-flow.mjs", new
        {
            step = "client_credentials",
            issuer = env.Issuer,
            clientId = app.ClientId,
            clientSecret = app.Secret,
            scope = "business.fund.list offline_access",
        });

        Assert.False(result.GetProperty("hasRefreshToken").GetBoolean());
        var validated = await NodeClient.RunAsync("oauth4webapi-validate.mjs", new
        {
            issuer = env.Issuer,
            audience = "class-api",
            accessToken = result.GetProperty("accessToken").GetString(),
        });
        Assert.Equal(app.ClientId, validated.GetProperty("client_id").GetString());
    }
}
