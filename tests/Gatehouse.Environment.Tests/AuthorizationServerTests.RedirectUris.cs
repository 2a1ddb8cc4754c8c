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
    public async Task RU13_LoopbackPortMustMatchToo_QueryOrPathChangeRejected()
    {
        // ADR 0008: partner apps are confidential web apps, not RFC 8252 native apps, so a loopback
        // URI is matched exactly, port included (no §7.3 port relaxation).
        await using var env = await StartAsync();
        await PartnerFlow.ArrangeAsync(env);
        var native = await PartnerFlow.ProvisionPartnerAsync(env, "Native", ["http://127.0.0.1:51234/cb"]);
        using var flow = new PartnerFlow(env);

        var parameters = flow.AuthorizeParameters(native);
        parameters["redirect_uri"] = "http://127.0.0.1:51234/cb";
        using var accepted = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));

        Assert.Equal(HttpStatusCode.Found, accepted.StatusCode);
        Assert.StartsWith("/account/login", accepted.Headers.Location!.OriginalString, StringComparison.Ordinal);
        await AssertRejectedWithoutRedirectAsync(env, native, "http://127.0.0.1:51235/cb", "http://127.0.0.1/cb", "http://127.0.0.1:51234/cb?x=1", "http://127.0.0.1:51234/other");
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
        string[] refused = ["https://p.example", "https://P.example/cb", "https://*.p.example/cb", "https://u@p.example/cb", "http://p.example/cb", "http://localhost.evil.test/cb", "javascript:alert(1)", "https://p.example/cb#f"];

        foreach (var uri in refused)
        {
            var descriptor = new ClientDescriptor("X", AppTypes.Partner, Guid.NewGuid(), "Org", null,
                [new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(ClientSecrets.Generate()), null)], ["business.fund.list"], [uri], true);
            using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(Guid.NewGuid()), descriptor));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, uri);
        }
    }
}
