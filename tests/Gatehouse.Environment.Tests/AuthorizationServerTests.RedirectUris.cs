using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests;
/// <summary>docs/security-checklist.md §1.1: redirect URI matching.</summary>
public abstract partial class AuthorizationServerTests
{
    // ---- 1.1 Redirect URI matching ----

    private static async Task AssertRejectedWithoutRedirectAsync(EnvironmentUnderTest env, TestPartner client, params string[] redirectUris)
    {
        using var flow = new PartnerFlow(env);
        foreach (var uri in redirectUris)
        {
            var parameters = flow.AuthorizeParameters(client);
            parameters["redirect_uri"] = uri;
            using var response = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{uri}: {response.StatusCode}");
            Assert.Null(response.Headers.Location);
        }
    }

    [Fact]
    public async Task RU1_TrailingSlash_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "https://p.example/cb/");
    }

    [Fact]
    public async Task RU2_CaseVariants_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "https://p.example/CB", "https://P.EXAMPLE/cb", "HTTPS://p.example/cb");
    }

    [Fact]
    public async Task RU3_QueryAddedOrChanged_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        var withQuery = await PartnerFlow.ProvisionPartnerAsync(env, "With query", ["https://p.example/cb?a=1"]);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "https://p.example/cb?x=1");
        await AssertRejectedWithoutRedirectAsync(env, withQuery, "https://p.example/cb?a=2", "https://p.example/cb?a=1&b=2", "https://p.example/cb");
    }

    [Fact]
    public async Task RU4_Fragments_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "https://p.example/cb#x", "https://p.example/cb#");
    }

    [Fact]
    public async Task RU5_PathTraversal_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P,
            "https://p.example/cb/../cb", "https://p.example/cb/%2e%2e/", "https://p.example/cb%2F..%2Fevil", "https://p.example/cb/..;/evil");
    }

    [Fact]
    public async Task RU6_PrefixMatches_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "https://p.example/cbevil", "https://p.example/cb/evil");
    }

    [Fact]
    public async Task RU7_HostBoundary_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "https://p.example.evil.test/cb", "https://evil.test/p.example/cb");
    }

    [Fact]
    public async Task RU8_UserInfo_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "https://p.example@evil.test/cb", "https://a@b@evil.test/cb", "https://evil.test\\@p.example/cb");
    }

    [Fact]
    public async Task RU9_SchemeAndPortVariants_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P, "http://p.example/cb", "https://p.example:443/cb", "https://p.example:8443/cb");
    }

    [Fact]
    public async Task RU10_EncodedAndControlCharacters_RejectedWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        await AssertRejectedWithoutRedirectAsync(env, fx.P,
            "https://p.example/%63b", "https://p.example/%2563b", "https://xn--p-example-9m3d/cb", "https://p.example/cb\r\n", "https://p.example/cb ", "https://p.example/c\tb");
    }

    [Fact]
    public async Task RU11_RedirectUriTwice_InvalidRequestWithoutRedirect()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        using var response = await flow.GetAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P)) + "&redirect_uri=" + Uri.EscapeDataString(PartnerFlow.RedirectUri));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("invalid_request", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RU12_RedirectUriOmitted_ErrorPageEvenWithOneRegistered()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        var two = await PartnerFlow.ProvisionPartnerAsync(env, "Two URIs", [PartnerFlow.RedirectUri, "https://p.example/other"]);
        using var flow = new PartnerFlow(env);

        foreach (var client in new[] { fx.P, two })
        {
            var parameters = flow.AuthorizeParameters(client);
            parameters.Remove("redirect_uri");
            using var response = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));

            // ADR 0008: the OAuth 2.1 / OIDC rule (redirect_uri required), even when one is registered.
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
        }
    }

    [Fact]
    public async Task RU13_LoopbackIpLiteral_AnyPortAtAuthorizeAndToken_RestExact_LocalhostExact()
    {
        // RFC 8252 §7.3: a native app's loopback listener gets whatever port is free, so for the IP
        // literals the port is not compared; the rest is matched exactly. §8.3: "localhost" is not relaxed.
        await using var env = await StartAsync();
        await PartnerFlow.ArrangeAsync(env);
        var native = await PartnerFlow.ProvisionPartnerAsync(env, "Native", ["http://127.0.0.1:51234/cb", "http://[::1]/cb", "https://localhost:8443/cb"]);
        using var flow = new PartnerFlow(env);

        var parameters = flow.AuthorizeParameters(native);
        parameters["redirect_uri"] = "http://127.0.0.1:40000/cb";
        using var consent = await flow.AuthorizeAsync(PartnerFlow.AuthorizeUrl(parameters));
        Assert.True(consent.StatusCode == HttpStatusCode.OK, consent.Headers.Location?.OriginalString);
        using var callback = await flow.DecideAsync(consent);
        var location = callback.Headers.Location!.OriginalString;
        Assert.StartsWith("http://127.0.0.1:40000/cb?", location, StringComparison.Ordinal);
        var code = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(location).Query)["code"].ToString();

        // The token endpoint compares with the URI the code was issued for, port included.
        var otherPort = await env.TokenAsync(native.ClientId, native.Secret,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", "http://127.0.0.1:51234/cb"), ("code_verifier", flow.Verifier));
        Assert.Equal("invalid_grant", otherPort.Error);

        using var flow2 = new PartnerFlow(env);
        var parameters2 = flow2.AuthorizeParameters(native);
        parameters2["redirect_uri"] = "http://127.0.0.1:40001/cb";
        using var consent2 = await flow2.AuthorizeAsync(PartnerFlow.AuthorizeUrl(parameters2));
        // The first consent is remembered, so the second authorize may redirect at once.
        using var callback2 = consent2.StatusCode == HttpStatusCode.OK ? await flow2.DecideAsync(consent2) : null;
        var location2 = (callback2 ?? consent2).Headers.Location!.OriginalString;
        Assert.StartsWith("http://127.0.0.1:40001/cb?", location2, StringComparison.Ordinal);
        var code2 = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(location2).Query)["code"].ToString();
        var tokens = await env.TokenAsync(native.ClientId, native.Secret,
            ("grant_type", "authorization_code"), ("code", code2), ("redirect_uri", "http://127.0.0.1:40001/cb"), ("code_verifier", flow2.Verifier));
        Assert.Equal(200, tokens.Status);

        var ipv6 = flow.AuthorizeParameters(native);
        ipv6["redirect_uri"] = "http://[::1]:43210/cb";
        using var ipv6Response = await flow.GetAsync(PartnerFlow.AuthorizeUrl(ipv6));
        Assert.Equal(HttpStatusCode.Found, ipv6Response.StatusCode);
        Assert.StartsWith("http://[::1]:43210/cb?", ipv6Response.Headers.Location!.OriginalString, StringComparison.Ordinal);

        await AssertRejectedWithoutRedirectAsync(env, native,
            "http://127.0.0.1:40000/cb?x=1", "http://127.0.0.1:40000/other", "http://127.0.0.1:40000/cb/", "http://127.0.0.1:40000/CB",
            "https://127.0.0.1:40000/cb", "http://127.1:40000/cb", "http://127.0.0.2:51234/cb", "http://localhost:51234/cb",
            "http://[::1]:43210/cb?x=1", "https://localhost:8444/cb", "https://localhost/cb");
    }

    [Fact]
    public async Task RU14_PieRedirectUriWithProductionClient_Rejected()
    {
        await using var pie = await StartAsync();
        await using var production = await StartAsync(key: EnvironmentKeys.Production);
        var pieFx = await PartnerFlow.ArrangeAsync(pie, ["https://pie.p.example/cb"]);
        await PartnerFlow.ArrangeAsync(production);

        // The same partner's production client, registered with its production URI only.
        var productionClient = await PartnerFlow.ProvisionPartnerAsync(production, "P prod", ["https://p.example/cb"]);
        await AssertRejectedWithoutRedirectAsync(production, productionClient, "https://pie.p.example/cb");
        await AssertRejectedWithoutRedirectAsync(production, pieFx.P, PartnerFlow.RedirectUri);
    }

    [Fact]
    public async Task RU_Registration_RefusesNonCanonicalWildcardUserinfoAndPlainHttp()
    {
        await using var env = await StartAsync();
        string[] refused = ["https://p.example", "https://P.example/cb", "https://*.p.example/cb", "https://u@p.example/cb", "http://p.example/cb", "http://localhost.evil.test/cb", "javascript:alert(1)", "https://p.example/cb#f",
            "https://p.example:443/cb", "https://p.example/a/../cb", "https://p.example/%63b", "http://127.1/cb", "http://127.0.0.2/cb"];

        foreach (var uri in refused)
        {
            var descriptor = new ClientDescriptor("X", AppTypes.Partner, Guid.NewGuid(), "Org", null,
                [new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(ClientSecrets.Generate()), null)], ["business.fund.list"], [uri], true);
            using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(Guid.NewGuid()), descriptor));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, uri);
        }
    }
}
