using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;

namespace Gatehouse.Environment.Tests;

/// <summary>docs/security-checklist.md PO1–PO3 at the environment's admin API (ADR 0022): revisions and security state first.</summary>
public abstract partial class AuthorizationServerTests
{
    [Fact]
    public async Task PO2_OlderRevision_Refused409_StateStaysAtTheNewer()
    {
        await using var env = await StartAsync();
        await PartnerFlow.ArrangeAsync(env);
        var clientId = Guid.NewGuid();
        var secret = ClientSecrets.Generate();
        ClientDescriptor Revision(long revision, params string[] uris) => new(
            "Rev", AppTypes.Partner, Guid.NewGuid(), "Rev Org", null, [new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(secret), null)],
            ["business.fund.list", "openid"], uris, Enabled: true, Revision: revision);

        using var newer = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(clientId), Revision(8, PartnerFlow.RedirectUri, "https://p.example/second")));
        using var older = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(clientId), Revision(7, PartnerFlow.RedirectUri)));
        var problem = await older.Content.ReadFromJsonAsync<JsonElement>();
        using var state = await env.Http.SendAsync(env.Admin(HttpMethod.Get, EnvironmentAdminApi.Client(clientId)));
        var client = new TestPartner(clientId.ToString(), secret, Revision(8));
        using var flow = new PartnerFlow(env);
        var parameters = flow.AuthorizeParameters(client, "openid business.fund.list target:b/T1");
        parameters["redirect_uri"] = "https://p.example/second";
        using var authorize = await flow.GetAsync(PartnerFlow.AuthorizeUrl(parameters));
        using var same = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(clientId), Revision(8, PartnerFlow.RedirectUri, "https://p.example/second")));

        Assert.Equal(HttpStatusCode.OK, newer.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, older.StatusCode);
        Assert.Equal("application/problem+json", older.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ClientSync.StaleRevision, problem.GetProperty("type").GetString());
        Assert.Equal(8, problem.GetProperty(ClientSync.RevisionExtension).GetInt64());
        Assert.Equal(8, (await state.Content.ReadFromJsonAsync<ClientState>())!.Revision);
        // Revision 8's second redirect URI is still registered: revision 7 changed nothing.
        Assert.Equal(HttpStatusCode.Found, authorize.StatusCode);
        Assert.StartsWith("/account/login", authorize.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
    }

    [Fact]
    public async Task PO3_InvalidRedirectUri_SecretsStatusAndScopesStillApplied_FieldErrorWithCode()
    {
        await using var env = await StartAsync();
        await PartnerFlow.ArrangeAsync(env);
        var clientId = Guid.NewGuid();
        var first = ClientSecrets.Generate();
        var second = ClientSecrets.Generate();
        ClientDescriptor Desired(long revision, string secret, bool enabled, string[] scopes, params string[] uris) => new(
            "Sec", AppTypes.Partner, Guid.NewGuid(), "Sec Org", null, [new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(secret), null)],
            scopes, uris, enabled, Revision: revision);
        async Task<string?> AuthenticateAsync(string secret) =>
            (await env.TokenAsync(clientId.ToString(), secret, ("grant_type", "refresh_token"), ("refresh_token", "not-a-token"))).Error;

        using (var created = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(clientId),
            Desired(1, first, true, ["business.fund.list", "fund.read", "openid"], PartnerFlow.RedirectUri, "https://p.example/removed"))))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        // Revision 2: the secret rotated, a scope and a redirect URI removed, plus a bare origin the rule refuses.
        using var rotated = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(clientId),
            Desired(2, second, true, ["business.fund.list", "openid"], PartnerFlow.RedirectUri, "https://app.example.com")));
        var problem = await rotated.Content.ReadFromJsonAsync<JsonElement>();
        var client = new TestPartner(clientId.ToString(), second, Desired(2, second, true, []));
        using var flow = new PartnerFlow(env);
        var removedScope = flow.AuthorizeParameters(client, "openid fund.read target:b/T1");
        using var scopeResponse = await flow.AuthorizeAsync(PartnerFlow.AuthorizeUrl(removedScope));

        Assert.Equal(HttpStatusCode.BadRequest, rotated.StatusCode);
        Assert.True(problem.GetProperty(ClientSync.SecurityStateApplied).GetBoolean());
        Assert.Equal("redirect_uri_not_canonical", problem.GetProperty(ClientSync.CodesExtension).GetProperty(RedirectUriRules.Field).GetString());
        Assert.Equal(RedirectUriRules.Check("https://app.example.com", isSandbox: true)!.Message, problem.GetProperty("errors").GetProperty(RedirectUriRules.Field)[0].GetString());
        Assert.Equal("invalid_client", await AuthenticateAsync(first));
        Assert.Equal("invalid_grant", await AuthenticateAsync(second));
        Assert.Contains("invalid_scope", scopeResponse.Headers.Location?.OriginalString ?? await scopeResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertRejectedWithoutRedirectAsync(env, client, "https://p.example/removed", "https://app.example.com", "https://app.example.com/");

        // Revision 3: suspended, with the same invalid URI: suspension arrives too.
        using var suspended = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(clientId),
            Desired(3, second, false, ["business.fund.list", "openid"], PartnerFlow.RedirectUri, "https://app.example.com")));
        Assert.Equal(HttpStatusCode.BadRequest, suspended.StatusCode);
        Assert.Equal("invalid_client", await AuthenticateAsync(second));
    }
}
