using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Hosting.Mfa;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests;
/// <summary>Connections API, Class user login (lockout, MFA) and the directory admin API.</summary>
public abstract partial class AuthorizationServerTests
{
    // ---- Connections API ----

    [Fact]
    public async Task Connections_ListedForTheAppAndDeletable_OthersAre404()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);

        using var unauthenticated = await env.Http.GetAsync("/connections");
        using var list = await Send(env, HttpMethod.Get, "/connections", fx.P);
        var connections = await list.Content.ReadFromJsonAsync<JsonElement>();
        var connection = connections.EnumerateArray().Single();
        var id = connection.GetProperty("id").GetString()!;
        using var byOther = await Send(env, HttpMethod.Delete, $"/connections/{id}", fx.Q);
        using var delete = await Send(env, HttpMethod.Delete, $"/connections/{id}", fx.P);
        using var api = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal("T1", connection.GetProperty("businessCode").GetString());
        Assert.Equal("Tenant One Pty Ltd", connection.GetProperty("businessName").GetString());
        Assert.Equal("u@class.example", connection.GetProperty("authorisedBy").GetString());
        Assert.Equal("active", connection.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, connection.GetProperty("refreshTokenExpiresAt").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, byOther.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    // ---- Login: lockout and MFA ----

    [Fact]
    public async Task PW2_FiveWrongPasswordsAtTokenEndpoint_LockTheLoginPageToo()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        for (var i = 0; i < 5; i++)
        {
            await env.PasswordGrantAsync(client, "wrong-password-123");
        }

        using var flow = new PartnerFlow(env);
        using var login = await flow.LoginAsync("/account/login", "api@acme.example", TestClient.Password);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("incorrect", await login.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PW2_FiveWrongPasswordsAtLoginPage_LockThePasswordGrant()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        using var flow = new PartnerFlow(env);
        for (var i = 0; i < 5; i++)
        {
            (await flow.LoginAsync("/account/login", "api@acme.example", "wrong-password-123")).Dispose();
        }

        Assert.Equal("invalid_grant", (await env.PasswordGrantAsync(client)).Error);
    }

    [Fact]
    public async Task PW4_UserWithMfaEnrolled_PasswordGrantRefused()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        await PartnerFlow.PutUserAsync(env, "api@acme.example", new ClassUserRequest("api@acme.example", TestClient.Password,
            [new MembershipRequest(client.Sandbox.BusinessCode, ClassRoles.ApiUser, true)], AuthenticatorKey: "JBSWY3DPEHPK3PXPJBSWY3DP"));

        Assert.Equal("invalid_grant", (await env.PasswordGrantAsync(client)).Error);
    }

    [Fact]
    public async Task PW1_NotFlaggedApiUser_PasswordGrantRefused()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        await PartnerFlow.PutUserAsync(env, "api@acme.example", new ClassUserRequest("api@acme.example", TestClient.Password,
            [new MembershipRequest(client.Sandbox.BusinessCode, ClassRoles.Administrator, false)]));

        Assert.Equal("invalid_grant", (await env.PasswordGrantAsync(client)).Error);
    }

    [Fact]
    public async Task Login_UserWithTotp_NeedsTheCodeBeforeConsent()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await StartAsync(time);
        var fx = await PartnerFlow.ArrangeAsync(env);
        const string key = "JBSWY3DPEHPK3PXPJBSWY3DP";
        await PartnerFlow.PutUserAsync(env, "u@class.example", new ClassUserRequest("u@class.example", PartnerFlow.UserPassword,
            [new MembershipRequest("T1", ClassRoles.Administrator, false)], AuthenticatorKey: key));
        using var flow = new PartnerFlow(env);

        using var toLogin = await flow.GetAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P)));
        using var login = await flow.LoginAsync(toLogin.Headers.Location!.OriginalString, "u@class.example");
        var mfaUrl = login.Headers.Location!.OriginalString;
        using var mfaPage = await flow.GetAsync(mfaUrl);
        var form = PartnerFlow.Form(await mfaPage.Content.ReadAsStringAsync(), "form");
        form["code"] = "000000" == Authenticator.Code(key, time.GetUtcNow()) ? "111111" : "000000";
        using var wrong = await flow.Browser.PostAsync(mfaUrl, new FormUrlEncodedContent(form));
        form["code"] = Authenticator.Code(key, time.GetUtcNow());
        using var right = await flow.Browser.PostAsync(mfaUrl, new FormUrlEncodedContent(form));

        Assert.StartsWith("/account/mfa", mfaUrl, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Found, right.StatusCode);
        Assert.StartsWith("/connect/authorize", right.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    // ---- Admin API for the directory ----

    [Fact]
    public async Task AdminApi_InvalidBusinessOrUser_Returns400()
    {
        await using var env = await StartAsync();
        using var badCode = await env.Http.SendAsync(env.Admin(HttpMethod.Put, ClassDirectoryApi.Business("bad code!"), new BusinessRequest("X")));
        using var noName = await env.Http.SendAsync(env.Admin(HttpMethod.Put, ClassDirectoryApi.Business("OK1"), new BusinessRequest("")));
        using var badRole = await env.Http.SendAsync(env.Admin(HttpMethod.Put, ClassDirectoryApi.User("x@class.example"),
            new ClassUserRequest("x@class.example", PartnerFlow.UserPassword, [new MembershipRequest("OK1", "Emperor", false)])));
        using var unknownBusiness = await env.Http.SendAsync(env.Admin(HttpMethod.Put, ClassDirectoryApi.User("x@class.example"),
            new ClassUserRequest("x@class.example", PartnerFlow.UserPassword, [new MembershipRequest("NOPE", ClassRoles.Staff, false)])));
        using var shortPassword = await env.Http.SendAsync(env.Admin(HttpMethod.Put, ClassDirectoryApi.User("x@class.example"),
            new ClassUserRequest("x@class.example", "short", [])));
        using var noKey = await env.Http.PutAsJsonAsync(ClassDirectoryApi.Business("OK1"), new BusinessRequest("X"));

        Assert.Equal(HttpStatusCode.BadRequest, badCode.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownBusiness.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, shortPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
    }
}
