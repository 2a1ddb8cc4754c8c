using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests;
/// <summary>docs/security-checklist.md §1.7 and §1.8: refresh tokens and revocation.</summary>
public abstract partial class AuthorizationServerTests
{
    // ---- 1.7 Refresh tokens ----

    [Fact]
    public async Task RT1_RotatedTokenReusedAfterGrace_RevokesTheFamily()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await StartAsync(time);
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var first = await flow.TokensAsync(fx.P);

        var second = await env.TokenAsync(fx.P.ClientId, fx.P.Secret, ("grant_type", "refresh_token"), ("refresh_token", first.Get("refresh_token")!));
        time.Advance(TimeSpan.FromSeconds(11));
        var replay = await env.TokenAsync(fx.P.ClientId, fx.P.Secret, ("grant_type", "refresh_token"), ("refresh_token", first.Get("refresh_token")!));
        var newest = await env.TokenAsync(fx.P.ClientId, fx.P.Secret, ("grant_type", "refresh_token"), ("refresh_token", second.Get("refresh_token")!));
        using var api = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", second.AccessToken);

        Assert.Equal(200, second.Status);
        Assert.NotEqual(first.Get("refresh_token"), second.Get("refresh_token"));
        Assert.Equal("invalid_grant", replay.Error);
        Assert.Equal("invalid_grant", newest.Error);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task RT2_InsideGrace_OnlyTheImmediatePredecessorIsAccepted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await StartAsync(time);
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var r0 = (await flow.TokensAsync(fx.P)).Get("refresh_token")!;

        time.Advance(TimeSpan.FromSeconds(1));
        var r1 = (await Refresh(env, fx.P, r0)).Get("refresh_token")!;
        time.Advance(TimeSpan.FromSeconds(1));
        var retry = await Refresh(env, fx.P, r0);
        time.Advance(TimeSpan.FromSeconds(1));
        var r2 = (await Refresh(env, fx.P, r1)).Get("refresh_token");
        time.Advance(TimeSpan.FromSeconds(1));
        var grandparent = await Refresh(env, fx.P, r0);

        Assert.Equal(200, retry.Status);
        Assert.NotNull(r2);
        Assert.Equal("invalid_grant", grandparent.Error);
    }

    [Fact]
    public async Task RT3_ParallelRefreshInsideGrace_BothSucceed()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var r0 = (await flow.TokensAsync(fx.P)).Get("refresh_token")!;

        var results = await Task.WhenAll(Refresh(env, fx.P, r0), Refresh(env, fx.P, r0));

        Assert.All(results, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task RT4_RefreshTokenOfPUsedByQ_InvalidGrant()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var r0 = (await flow.TokensAsync(fx.P)).Get("refresh_token")!;

        Assert.Equal("invalid_grant", (await Refresh(env, fx.Q, r0)).Error);
    }

    [Fact]
    public async Task RT5_BroaderScopeOnRefresh_InvalidScope_NarrowerAccepted()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var r0 = (await flow.TokensAsync(fx.P)).Get("refresh_token")!;

        var broader = await env.TokenAsync(fx.P.ClientId, fx.P.Secret, ("grant_type", "refresh_token"), ("refresh_token", r0), ("scope", "business.fund.list fund.read offline_access"));
        var narrower = await env.TokenAsync(fx.P.ClientId, fx.P.Secret, ("grant_type", "refresh_token"), ("refresh_token", r0), ("scope", "business.fund.list"));

        Assert.Equal("invalid_scope", broader.Error);
        Assert.Equal(200, narrower.Status);
        Assert.DoesNotContain("offline_access", Jwt.Payload(narrower.AccessToken).GetProperty("scope").GetString()!.Split(' '));
        Assert.Null(narrower.Get("refresh_token"));
    }

    [Fact]
    public async Task RT6_AbsoluteLifetime_RotationDoesNotExtendIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await StartAsync(time);
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var first = await flow.TokensAsync(fx.P);

        time.Advance(TimeSpan.FromDays(20));
        var rotated = await Refresh(env, fx.P, first.Get("refresh_token")!);
        time.Advance(TimeSpan.FromDays(11));
        var expired = await Refresh(env, fx.P, rotated.Get("refresh_token")!);

        Assert.InRange(rotated.Json.GetProperty("refresh_token_expires_in").GetInt64(), (10 * 86400) - 60, 10 * 86400);
        Assert.Equal("invalid_grant", expired.Error);
    }

    [Fact]
    public async Task RT7_PasswordChangeDisableConsentRevocationAndAppDeletion_KillRefreshTokens()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        var beforePasswordChange = (await flow.TokensAsync(fx.P)).Get("refresh_token")!;
        await PartnerFlow.PutUserAsync(env, "u@class.example", new ClassUserRequest("u@class.example", "A-new-passw0rd-123",
            [new MembershipRequest("T1", ClassRoles.Administrator, false), new MembershipRequest("T2", ClassRoles.AccessController, false)]));
        var afterPasswordChange = await Refresh(env, fx.P, beforePasswordChange);

        using var flowV = new PartnerFlow(env);
        var beforeDisable = (await flowV.TokensAsync(fx.P, "business.fund.list offline_access target:b/T2", userName: "v@class.example")).Get("refresh_token")!;
        await PartnerFlow.PutUserAsync(env, "v@class.example", new ClassUserRequest("v@class.example", PartnerFlow.UserPassword, [new MembershipRequest("T2", ClassRoles.Administrator, false)], Disabled: true));
        var afterDisable = await Refresh(env, fx.P, beforeDisable);

        await PartnerFlow.PutUserAsync(env, "w@class.example", new MembershipRequest("T1", ClassRoles.Administrator, false));
        using var flowW = new PartnerFlow(env);
        var tokensW = await flowW.TokensAsync(fx.Q, userName: "w@class.example");
        using var delete = await env.Http.SendAsync(env.Admin(HttpMethod.Delete, EnvironmentAdminApi.Client(Guid.Parse(fx.Q.ClientId))));
        using var afterDelete = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokensW.AccessToken);

        Assert.Equal("invalid_grant", afterPasswordChange.Error);
        Assert.Equal("invalid_grant", afterDisable.Error);
        Assert.Equal(HttpStatusCode.Unauthorized, afterDelete.StatusCode);
    }

    [Fact]
    public async Task RT8_RefreshTokenCharset_IsVsChar()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var token = (await flow.TokensAsync(fx.P)).Get("refresh_token")!;

        Assert.All(token, c => Assert.InRange(c, '\x20', '\x7E'));
    }

    [Fact]
    public async Task RT9_PieRefreshTokenAtProduction_InvalidGrant()
    {
        await using var pie = await StartAsync();
        await using var production = await StartAsync(key: EnvironmentKeys.Production);
        var fx = await PartnerFlow.ArrangeAsync(pie);
        using var flow = new PartnerFlow(pie);
        var r0 = (await flow.TokensAsync(fx.P)).Get("refresh_token")!;

        var result = await Refresh(production, fx.P, r0);

        Assert.NotEqual(200, result.Status);
    }

    // ---- 1.8 Revocation ----

    [Fact]
    public async Task RV1_RevocationWithoutClientAuthentication_401()
    {
        await using var env = await StartAsync();
        using var response = await env.Http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "x" }));
        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest, response.StatusCode.ToString());
        Assert.Contains("invalid_client", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RV2_RevokeRefreshToken_ItAndTheGrantsAccessTokensFail()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);

        using var revoke = await Revoke(env, fx.P, tokens.Get("refresh_token")!, "refresh_token");
        var refresh = await Refresh(env, fx.P, tokens.Get("refresh_token")!);
        var introspection = await Introspect(env, fx.P, tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal("invalid_grant", refresh.Error);
        Assert.False(introspection.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task RV3_RevokeAccessToken_ApiRejectsItAtOnce()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);
        using var before = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokens.AccessToken);

        using var revoke = await Revoke(env, fx.P, tokens.AccessToken, "access_token");
        using var after = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task RV4_PRevokingQsToken_QsTokenStillWorks()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.Q);

        using var revoke = await Revoke(env, fx.P, tokens.AccessToken, "access_token");
        using var after = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task RV5_UnknownTokenOrWrongHint_200AndStillRevoked()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);

        using var garbage = await Revoke(env, fx.P, "garbage-token", null);
        using var wrongHint = await Revoke(env, fx.P, tokens.AccessToken, "refresh_token");
        using var after = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, wrongHint.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task RV7_Revocation_SurvivesRestart()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);

        (await Revoke(env, fx.P, tokens.AccessToken, "access_token")).Dispose();
        await env.RestartAsync();
        using var after = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }
}
