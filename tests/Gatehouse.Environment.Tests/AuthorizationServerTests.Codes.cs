using System.Net;
using System.Text.RegularExpressions;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests;

/// <summary>docs/security-checklist.md §1.4 (authorization codes, CD1–CD10) and §1.3 PK8.</summary>
public abstract partial class AuthorizationServerTests
{
    private const string FundList = "/api/1.0/b/T1/fund-data/fund-list";

    // ---- 1.3 PKCE ----

    [Fact]
    public async Task PK8_VerifierOfAnotherTransaction_InvalidGrant()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var a = new PartnerFlow(env);
        using var b = new PartnerFlow(env);
        var codeA = (await a.CodeAsync(fx.P))["code"];
        var codeB = (await b.CodeAsync(fx.P))["code"];

        var crossed = await b.RedeemAsync(fx.P, codeB, a.Verifier);
        var ownA = await a.RedeemAsync(fx.P, codeA);
        var ownB = await b.RedeemAsync(fx.P, codeB);

        Assert.NotEqual(a.Verifier, b.Verifier);
        Assert.Equal(400, crossed.Status);
        Assert.Equal("invalid_grant", crossed.Error);
        Assert.Null(crossed.Get("access_token"));
        // A's verifier is sound (refused only for B's code), and the refused request did not consume B's code (ADR 0017).
        Assert.Equal(200, ownA.Status);
        Assert.Equal(200, ownB.Status);
    }

    // ---- 1.4 Authorization code ----

    [Fact]
    public async Task CD1_SecondRedemptionImmediately_InvalidGrant()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var code = (await flow.CodeAsync(fx.P))["code"];

        var first = await flow.RedeemAsync(fx.P, code);
        var second = await flow.RedeemAsync(fx.P, code);

        Assert.Equal(200, first.Status);
        Assert.Equal(400, second.Status);
        Assert.Equal("invalid_grant", second.Error);
        Assert.Null(second.Get("access_token"));
    }

    [Fact]
    public async Task CD2_SecondRedemptionAfter30Seconds_InvalidGrantAndTheFirstRedemptionsTokensAreDead()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await StartAsync(time);
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var code = (await flow.CodeAsync(fx.P))["code"];
        var first = await flow.RedeemAsync(fx.P, code);
        using var before = await env.GetWithTokenAsync(FundList, first.AccessToken);

        time.Advance(TimeSpan.FromSeconds(30));
        var replay = await flow.RedeemAsync(fx.P, code);
        using var api = await env.GetWithTokenAsync(FundList, first.AccessToken);
        var introspection = await Introspect(env, fx.P, first.AccessToken);
        var refresh = await Refresh(env, fx.P, first.Get("refresh_token")!);

        Assert.Equal(200, first.Status);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal("invalid_grant", replay.Error);
        Assert.Null(replay.Get("access_token"));
        // RFC 6749 §4.1.2 SHOULD, ASVS 10.4.2: a replayed code revokes what it had already bought.
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.False(introspection.GetProperty("active").GetBoolean());
        Assert.Equal("invalid_grant", refresh.Error);
    }

    [Fact]
    public async Task CD3_TwentyParallelRedemptionsOverTwoNodes_ExactlyOne200()
    {
        await using var env = await StartAsync();
        await using var node = await env.StartNodeAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var code = (await flow.CodeAsync(fx.P))["code"];

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? env : node).TokenAsync(
            fx.P.ClientId, fx.P.Secret,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", PartnerFlow.RedirectUri), ("code_verifier", flow.Verifier))));

        Assert.Single(results, r => r.Status == 200);
        Assert.All(results.Where(r => r.Status != 200), r => Assert.Equal((400, "invalid_grant"), (r.Status, r.Error)));
    }

    [Fact]
    public async Task CD4_CodeOfPRedeemedWithQsCredentials_InvalidGrant_PMayStillRedeemIt()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var code = (await flow.CodeAsync(fx.P))["code"];

        // Q is a registered client with the same redirect URI and even P's verifier: only the binding
        // of the code to P stops it.
        var byQ = await env.TokenAsync(fx.Q.ClientId, fx.Q.Secret,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", PartnerFlow.RedirectUri), ("code_verifier", flow.Verifier));
        var byP = await flow.RedeemAsync(fx.P, code);

        Assert.Equal(400, byQ.Status);
        Assert.Equal("invalid_grant", byQ.Error);
        Assert.Null(byQ.Get("access_token"));
        // ADR 0017: a request refused before redemption does not consume the code.
        Assert.Equal(200, byP.Status);
        Assert.Equal(fx.P.ClientId, Jwt.Payload(byP.AccessToken).GetProperty("client_id").GetString());
    }

    [Fact]
    public async Task CD5_RedirectUriDifferingOrOmittedAtTheTokenEndpoint_Rejected()
    {
        const string Other = "https://p.example/other";
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env, redirectUris: [PartnerFlow.RedirectUri, Other]);
        using var flow = new PartnerFlow(env);
        var code = (await flow.CodeAsync(fx.P))["code"];

        // Other is registered for P too: only the authorization request's own URI counts.
        var differing = await env.TokenAsync(fx.P.ClientId, fx.P.Secret,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Other), ("code_verifier", flow.Verifier));
        var omitted = await env.TokenAsync(fx.P.ClientId, fx.P.Secret,
            ("grant_type", "authorization_code"), ("code", code), ("code_verifier", flow.Verifier));
        var same = await flow.RedeemAsync(fx.P, code);

        Assert.Equal(400, differing.Status);
        Assert.Equal("invalid_grant", differing.Error);
        // ADR 0008/0017: RFC 6749 §4.1.3's rule, the parameter is required when the authorization
        // request carried it. Missing, it is a malformed request (RFC 6749 §5.2 invalid_request).
        Assert.Equal(400, omitted.Status);
        Assert.Equal("invalid_request", omitted.Error);
        Assert.Null(omitted.Get("access_token"));
        Assert.Equal(200, same.Status);
    }

    [Fact]
    public async Task CD6_CodeUsedAfterItsLifetime_InvalidGrant()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await StartAsync(time);
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var early = (await flow.CodeAsync(fx.P))["code"];
        var late = (await flow.CodeAsync(fx.P))["code"];

        // The configured lifetime is 2 minutes (ASVS 10.4.3 asks at most 10).
        time.Advance(TimeSpan.FromSeconds(110));
        var inTime = await flow.RedeemAsync(fx.P, early);
        time.Advance(TimeSpan.FromSeconds(20));
        var expired = await flow.RedeemAsync(fx.P, late);

        Assert.Equal(200, inTime.Status);
        Assert.Equal(400, expired.Status);
        Assert.Equal("invalid_grant", expired.Error);
        Assert.Null(expired.Get("access_token"));
    }

    [Fact]
    public async Task CD7_PieCodeAtTheProductionTokenEndpoint_InvalidGrant()
    {
        await using var pie = await StartAsync();
        await using var production = await StartAsync(key: EnvironmentKeys.Production);
        var fx = await PartnerFlow.ArrangeAsync(pie);
        await PartnerFlow.PutBusinessAsync(production, "T1", "Tenant One Pty Ltd");
        // The worst case: the same client id and secret registered in Production too, so the client
        // authenticates there and only the code itself can be refused.
        using var put = await production.Http.SendAsync(production.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(Guid.Parse(fx.P.ClientId)), fx.P.Descriptor));
        using var flow = new PartnerFlow(pie);
        var code = (await flow.CodeAsync(fx.P))["code"];

        var atProduction = await production.TokenAsync(fx.P.ClientId, fx.P.Secret,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", PartnerFlow.RedirectUri), ("code_verifier", flow.Verifier));
        var atPie = await flow.RedeemAsync(fx.P, code);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(400, atProduction.Status);
        Assert.Equal("invalid_grant", atProduction.Error);
        Assert.Null(atProduction.Get("access_token"));
        Assert.Equal(200, atPie.Status);
    }

    [Fact]
    public async Task CD8_OtherArtifactsSentAsCode_InvalidGrant()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);

        // The environment's other artefacts: the login page's "cancelled" marker (Data Protection),
        // the session cookie and the consent form's antiforgery token. No device codes, no PAR.
        using var cancelFlow = new PartnerFlow(env);
        using var toLogin = await cancelFlow.GetAsync(PartnerFlow.AuthorizeUrl(cancelFlow.AuthorizeParameters(fx.P)));
        using var cancelled = await cancelFlow.LoginAsync(toLogin.Headers.Location!.OriginalString, "", "", action: "cancel");
        var cancelMarker = QueryHelpers.ParseQuery(new Uri(new Uri(env.Url), cancelled.Headers.Location!.OriginalString).Query)["gatehouse_cancel"].ToString();
        var session = flow.Cookies.GetCookies(new Uri(env.Url)).Single(c => c.Name == $"gatehouse.{env.Key}.session").Value;
        var parameters = flow.AuthorizeParameters(fx.P, "openid business.fund.list target:b/T1 fund.read");
        using var consent = await flow.AuthorizeAsync(PartnerFlow.AuthorizeUrl(parameters));
        var antiforgery = PartnerFlow.Form(await consent.Content.ReadAsStringAsync(), "form[action='/connect/authorize']")["__RequestVerificationToken"];

        var artefacts = new Dictionary<string, string>
        {
            ["refresh token"] = tokens.Get("refresh_token")!,
            ["access token"] = tokens.AccessToken,
            ["id token"] = tokens.Get("id_token")!,
            ["cancel marker"] = cancelMarker,
            ["session cookie"] = session,
            ["antiforgery token"] = antiforgery,
            ["code-shaped random"] = PartnerFlow.Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
        var results = new Dictionary<string, (int, string?)>();
        foreach (var (name, value) in artefacts)
        {
            Assert.False(string.IsNullOrEmpty(value), name);
            var response = await flow.RedeemAsync(fx.P, value);
            results[name] = (response.Status, response.Error);
        }

        Assert.All(results, r => Assert.Equal((r.Key, (400, "invalid_grant")), (r.Key, r.Value)));
        // Nothing above consumed or damaged the real grant.
        Assert.Equal(200, (await Refresh(env, fx.P, tokens.Get("refresh_token")!)).Status);
    }

    [Fact]
    public async Task CD9_RandomTruncatedOrOversizedCode_400NeverA500()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var code = (await flow.CodeAsync(fx.P))["code"];

        var random = await flow.RedeemAsync(fx.P, PartnerFlow.Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var truncated = await flow.RedeemAsync(fx.P, code[..^1]);
        var half = await flow.RedeemAsync(fx.P, code[..(code.Length / 2)]);
        var extended = await flow.RedeemAsync(fx.P, code + "A");
        var oversized = await flow.RedeemAsync(fx.P, new string('A', 100 * 1024));
        var real = await flow.RedeemAsync(fx.P, code);

        // Wrong codes are looked up like any other and found nowhere: the same invalid_grant. 100 kB of
        // code is over the token endpoint's form bounds (ADR 0023, BI1): refused before any lookup.
        Assert.All([random, truncated, half, extended], r => Assert.Equal((400, "invalid_grant"), (r.Status, r.Error)));
        Assert.Equal((400, "invalid_request"), (oversized.Status, oversized.Error));
        Assert.Equal(200, real.Status);
    }

    [Fact]
    public async Task CD10_ThousandCodes_NoRepeatsAndAtLeast128BitsOfEncodedRandomness()
    {
        const int Count = 1000;
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        // One signed-in browser that has connected P to T1: each further authorize request is answered
        // at once with a 302 carrying a new code (the connection covers the scopes). SQLite has one
        // writer at a time (parallel requests only wait on its lock), PostgreSQL takes a few at once.
        var parallel = provider == DatabaseProvider.Sqlite ? 1 : 4;
        var codes = new List<string> { (await flow.CodeAsync(fx.P))["code"] };
        var url = PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P));
        while (codes.Count < Count)
        {
            var batch = await Task.WhenAll(Enumerable.Range(0, Math.Min(parallel, Count - codes.Count)).Select(async _ =>
            {
                using var response = await flow.Browser.GetAsync(url);
                return PartnerFlow.Callback(response)["code"];
            }));
            codes.AddRange(batch);
        }

        Assert.Equal(Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, c => Assert.Matches(new Regex("^[A-Za-z0-9_-]+$"), c));
        Assert.Single(codes.Select(c => c.Length).Distinct());

        // Encoded randomness, measured: per character position, the Shannon entropy of the symbols seen
        // over the 1,000 codes (at most 6 bits for base64url), summed. A fixed prefix, a counter, a
        // timestamp or a narrowed alphabet would show up as positions with (almost) no entropy.
        var bits = Enumerable.Range(0, codes[0].Length).Sum(position =>
            codes.GroupBy(c => c[position]).Sum(g =>
            {
                var p = (double)g.Count() / Count;
                return -p * Math.Log2(p);
            }));
        Assert.True(bits >= 128, $"{bits:F1} bits of encoded randomness over {codes[0].Length} characters");
    }
}
