using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Environment.Users;
using Gatehouse.Hosting.Contracts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests;

/// <summary>docs/security-checklist.md §1.5 (client authentication and grant permissions) and §1.6 PW3, PW5.</summary>
public abstract partial class AuthorizationServerTests
{
    // ---- 1.5 Client authentication ----

    [Fact]
    public async Task CA1_TokenEndpointByGetOrPut_RefusedWithoutTokens()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();

        using var get = new HttpRequestMessage(HttpMethod.Get, "/connect/token?grant_type=client_credentials&scope=business.fund.list");
        get.Headers.Authorization = Basic(client.ClientId, client.Secret);
        using var getResponse = await env.Http.SendAsync(get);
        using var put = new HttpRequestMessage(HttpMethod.Put, "/connect/token") { Content = Form(("grant_type", "client_credentials"), ("scope", "business.fund.list")) };
        put.Headers.Authorization = Basic(client.ClientId, client.Secret);
        using var putResponse = await env.Http.SendAsync(put);
        var post = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"), ("scope", "business.fund.list"));

        foreach (var response in new[] { getResponse, putResponse })
        {
            var body = await response.Content.ReadAsStringAsync();
            // OpenIddict refuses the method while extracting the request (ID2084): 400 invalid_request.
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.RequestMessage!.Method}: {response.StatusCode} {body}");
            Assert.Equal("invalid_request", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());

            Assert.DoesNotContain("access_token", body, StringComparison.Ordinal);
        }

        Assert.Equal(200, post.Status); // the same request by POST is fine: the method is what is refused
    }

    [Fact]
    public async Task CA2_WrongSecret_BasicIs401InvalidClientWithChallenge_PostIsInvalidClient()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        var wrong = ClientSecrets.Generate();

        var basic = await SendTokenAsync(env, Basic(client.ClientId, wrong), ("grant_type", "client_credentials"));
        var post = await SendTokenAsync(env, null, ("grant_type", "client_credentials"), ("client_id", client.ClientId), ("client_secret", wrong));
        var postRight = await SendTokenAsync(env, null, ("grant_type", "client_credentials"), ("client_id", client.ClientId), ("client_secret", client.Secret));

        Assert.Equal(HttpStatusCode.Unauthorized, basic.Status);
        Assert.Equal("invalid_client", basic.Error);
        Assert.Contains(basic.Challenges, c => string.Equals(c.Scheme, "Basic", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("invalid_client", post.Error);
        Assert.Null(post.Json.TryGetProperty("access_token", out _) ? "token issued" : null);
        Assert.Equal(HttpStatusCode.OK, postRight.Status);
    }

    [Fact]
    public async Task CA3_CredentialsInHeaderAndBody_InvalidRequest()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();

        var both = await SendTokenAsync(env, Basic(client.ClientId, client.Secret),
            ("grant_type", "client_credentials"), ("client_id", client.ClientId), ("client_secret", client.Secret));

        Assert.Equal("invalid_request", both.Error);
        Assert.False(both.Json.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task CA4_SecretWithReservedCharacters_WorksOnlyFormUrlEncodedInBasic()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();

        // A secret the portal would never issue, provisioned by hash: ':' '+' '%' (the '%' not
        // followed by two hex digits, so a lenient decoder leaves it alone) and a space.
        var secret = $"k:{ClientSecrets.Generate()}+x%zz y";
        var descriptor = client.Descriptor with { Secrets = [new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(secret), null)] };
        using (var put = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(Guid.Parse(client.ClientId)), descriptor)))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var spaceAsPlus = Uri.EscapeDataString(secret).Replace("%20", "+", StringComparison.Ordinal);
        var encoded = new Dictionary<string, string>
        {
            ["form-urlencoded (RFC 6749 §2.3.1)"] = spaceAsPlus,
            ["percent-encoded space"] = Uri.EscapeDataString(secret),
        };
        var loose = new Dictionary<string, string>
        {
            ["raw"] = secret,
            ["':' left raw"] = spaceAsPlus.Replace("%3A", ":", StringComparison.Ordinal),
            ["'%' left raw"] = spaceAsPlus.Replace("%25", "%", StringComparison.Ordinal),
            ["'+' left raw"] = spaceAsPlus.Replace("%2B", "+", StringComparison.Ordinal),
        };

        foreach (var (name, value) in encoded)
        {
            var response = await SendTokenAsync(env, RawBasic(client.ClientId, value), ("grant_type", "client_credentials"));
            Assert.True(response.Status == HttpStatusCode.OK, $"{name}: {response.Status} {response.Json}");
        }

        foreach (var (name, value) in loose)
        {
            var response = await SendTokenAsync(env, RawBasic(client.ClientId, value), ("grant_type", "client_credentials"));
            Assert.True(response.Error == "invalid_client" && response.Status == HttpStatusCode.Unauthorized, $"{name} ({value}): {response.Status} {response.Json}");
            Assert.Contains(response.Challenges, c => string.Equals(c.Scheme, "Basic", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task CA5_BodyClientIdDiffersFromBasicUser_Rejected()
    {
        await using var env = await StartAsync();
        var client = await env.ProvisionClientAppAsync();
        var partner = await PartnerFlow.ProvisionPartnerAsync(env, "Partner P", [PartnerFlow.RedirectUri]);

        var mismatched = await SendTokenAsync(env, Basic(client.ClientId, client.Secret), ("grant_type", "client_credentials"), ("client_id", partner.ClientId));
        var unknown = await SendTokenAsync(env, Basic(client.ClientId, client.Secret), ("grant_type", "client_credentials"), ("client_id", Guid.NewGuid().ToString()));
        var matching = await SendTokenAsync(env, Basic(client.ClientId, client.Secret), ("grant_type", "client_credentials"), ("client_id", client.ClientId));

        Assert.Contains(mismatched.Error, new[] { "invalid_request", "invalid_client" });
        Assert.Contains(unknown.Error, new[] { "invalid_request", "invalid_client" });
        Assert.False(mismatched.Json.TryGetProperty("access_token", out _));
        Assert.Equal(HttpStatusCode.OK, matching.Status);
    }

    [Fact]
    public async Task CA6_ConfidentialClientWithoutAuthentication_InvalidClientOnCodeRefreshRevocationIntrospection()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);
        var tokens = await flow.TokensAsync(fx.P);
        var code = (await flow.CodeAsync(fx.P))["code"];
        var refreshToken = tokens.Get("refresh_token")!;

        var failures = new List<string>();
        async Task ExpectInvalidClient(string name, string path, params (string Name, string Value)[] form)
        {
            var response = await SendAsync(env, path, null, form);
            if (response.Error != "invalid_client" || response.Json.TryGetProperty("active", out _) || response.Json.TryGetProperty("access_token", out _))
            {
                failures.Add($"{name}: {response.Status} {response.Json}");
            }
        }

        foreach (var (label, id) in new[] { ("client_id only", new[] { ("client_id", fx.P.ClientId) }), ("nothing", Array.Empty<(string, string)>()) })
        {
            if (id.Length > 0)
            {
                await ExpectInvalidClient($"code, {label}", "/connect/token",
                    [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", PartnerFlow.RedirectUri), ("code_verifier", flow.Verifier), .. id]);
            }


            await ExpectInvalidClient($"refresh, {label}", "/connect/token", [("grant_type", "refresh_token"), ("refresh_token", refreshToken), .. id]);
            await ExpectInvalidClient($"revocation, {label}", "/connect/revoke", [("token", refreshToken), .. id]);
            await ExpectInvalidClient($"introspection, {label}", "/connect/introspect", [("token", tokens.AccessToken), .. id]);
        }

        // A code request naming no client at all is answered invalid_request by OpenIddict (ID2029:
        // RFC 6749 §4.1.3 makes client_id REQUIRED for an unauthenticated client): no tokens either way.
        var anonymousCode = await SendTokenAsync(env, null,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", PartnerFlow.RedirectUri), ("code_verifier", flow.Verifier));

        // None of the unauthenticated attempts used up the code or revoked the refresh token.
        var redeemed = await flow.RedeemAsync(fx.P, code);
        var refreshed = await Refresh(env, fx.P, refreshToken);

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Contains(anonymousCode.Error, new[] { "invalid_request", "invalid_client" });
        Assert.False(anonymousCode.Json.TryGetProperty("access_token", out _));
        Assert.Equal(200, redeemed.Status);
        Assert.Equal(200, refreshed.Status);
    }

    [Fact]
    public async Task CA7_DisabledDeletedOrUnapprovedClient_InvalidClient_AndItsTokensStopWorking()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        var client = await env.ProvisionClientAppAsync();
        using var flow = new PartnerFlow(env);
        var clientId = Guid.Parse(client.ClientId);

        // Disabled (suspended in the portal): the app had tokens from both grants.
        var appOnly = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"), ("scope", "business.fund.list"));
        var user = await env.PasswordGrantAsync(client);
        using var beforeDisable = await env.GetWithTokenAsync($"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list", appOnly.AccessToken);
        using (var disable = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(clientId), client.Descriptor with { Enabled = false })))
        {
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        }

        var disabledCredentials = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"));
        var disabledRefresh = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "refresh_token"), ("refresh_token", user.Get("refresh_token")!));
        using var disabledAppOnlyApi = await env.GetWithTokenAsync($"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list", appOnly.AccessToken);
        using var disabledUserApi = await env.GetWithTokenAsync($"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list", user.AccessToken);

        // Enabled again with the same secret: the old refresh token stays dead (it was revoked, not just unreachable).
        using (var enable = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(clientId), client.Descriptor)))
        {
            Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        }

        var reenabledRefresh = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "refresh_token"), ("refresh_token", user.Get("refresh_token")!));
        var reenabledCredentials = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"));

        // Deleted: partner P with a user's tokens.
        var partnerTokens = await flow.TokensAsync(fx.P);
        using (var delete = await env.Http.SendAsync(env.Admin(HttpMethod.Delete, EnvironmentAdminApi.Client(Guid.Parse(fx.P.ClientId)))))
        {
            Assert.True(delete.IsSuccessStatusCode, delete.StatusCode.ToString());
        }

        var deletedRefresh = await Refresh(env, fx.P, partnerTokens.Get("refresh_token")!);
        using var deletedApi = await env.GetWithTokenAsync("/api/1.0/b/T1/fund-data/fund-list", partnerTokens.AccessToken);
        var deletedIntrospection = await Introspect(env, fx.Q, partnerTokens.AccessToken);

        // Not yet approved: the portal pushes a Production app pending approval with Enabled=false (ADR 0006).
        var pendingId = Guid.NewGuid();
        var pendingSecret = ClientSecrets.Generate();
        using (var pending = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(pendingId), client.Descriptor with
        {
            DisplayName = "Pending app",
            Secrets = [new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(pendingSecret), null)],
            Enabled = false,
        })))
        {
            Assert.Equal(HttpStatusCode.OK, pending.StatusCode);
        }

        var pendingCredentials = await env.TokenAsync(pendingId.ToString(), pendingSecret, ("grant_type", "client_credentials"));
        var pendingPassword = await env.TokenAsync(pendingId.ToString(), pendingSecret, ("grant_type", "password"), ("username", "api@acme.example"), ("password", TestClient.Password));

        Assert.Equal(HttpStatusCode.OK, beforeDisable.StatusCode);
        Assert.Equal("invalid_client", disabledCredentials.Error);
        Assert.Equal("invalid_client", disabledRefresh.Error);
        Assert.Equal(HttpStatusCode.Unauthorized, disabledAppOnlyApi.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, disabledUserApi.StatusCode);
        Assert.Equal("invalid_grant", reenabledRefresh.Error);
        Assert.Equal(200, reenabledCredentials.Status);
        Assert.Equal("invalid_client", deletedRefresh.Error);
        Assert.Equal(HttpStatusCode.Unauthorized, deletedApi.StatusCode);
        Assert.False(deletedIntrospection.GetProperty("active").GetBoolean());
        Assert.Equal("invalid_client", pendingCredentials.Error);
        Assert.Equal("invalid_client", pendingPassword.Error);
    }

    [Fact]
    public async Task CA8_AfterRotationOverlap_OldSecretFails_NewSecretWorks()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await StartAsync(time);
        var client = await env.ProvisionClientAppAsync();
        var clientId = Guid.Parse(client.ClientId);

        // Rotation as the portal pushes it (ADR 0006): a new secret, and the current one given an
        // expiry the developer picks, 0–90 days (default 7 in the portal and the CLI, ADR 0015).
        var overlap = TimeSpan.FromDays(7);
        var newSecret = ClientSecrets.Generate();
        var old = client.Descriptor.Secrets[0];
        using (var rotate = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(clientId), client.Descriptor with
        {
            Secrets = [old with { ExpiresAt = time.GetUtcNow() + overlap }, new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(newSecret), null)],
        })))
        {
            Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        }

        var oldDuringOverlap = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"));
        var newDuringOverlap = await env.TokenAsync(client.ClientId, newSecret, ("grant_type", "client_credentials"));
        time.Advance(overlap - TimeSpan.FromSeconds(1));
        var oldAtEndOfOverlap = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"));
        time.Advance(TimeSpan.FromSeconds(2));
        var oldAfterOverlap = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"));
        var newAfterOverlap = await env.TokenAsync(client.ClientId, newSecret, ("grant_type", "client_credentials"));

        Assert.Equal(200, oldDuringOverlap.Status);
        Assert.Equal(200, newDuringOverlap.Status);
        Assert.Equal(200, oldAtEndOfOverlap.Status);
        Assert.Equal("invalid_client", oldAfterOverlap.Error);
        Assert.Equal(200, newAfterOverlap.Status);
    }

    [Fact]
    public async Task CA10_ScopeNotAssignedToTheClient_InvalidScope()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env, scopes: ["business.fund.list", "offline_access", "openid"]);
        var client = await env.ProvisionClientAppAsync(scopes: ["business.fund.list", "offline_access"]);
        using var flow = new PartnerFlow(env);

        var credentials = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"), ("scope", "business.fund.list fund.read"));
        var password = await env.PasswordGrantAsync(client, scope: "business.fund.list fund.read");
        var assigned = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"), ("scope", "business.fund.list"));
        using var authorize = await flow.AuthorizeAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P, "openid business.fund.list fund.read target:b/T1")));
        var callback = PartnerFlow.Callback(authorize);

        Assert.Equal("invalid_scope", credentials.Error);
        Assert.Equal("invalid_scope", password.Error);
        Assert.Equal(200, assigned.Status);
        Assert.Equal("invalid_scope", callback["error"]);
        Assert.False(callback.ContainsKey("code"));
        Assert.Equal("s-123", callback["state"]);
    }

    [Fact]
    public async Task CA11_ClientCredentialsTokens_AreAppOnlyAndRefusedWhereAUserIsNeeded_ClientIdCannotBeAUserSubject()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        var scopes = new[] { "business.fund.list", "fund.details.maintain", "offline_access", "openid", "profile" };
        var client = await env.ProvisionClientAppAsync(scopes: scopes);
        var b = client.Sandbox.BusinessCode;

        var appOnly = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"), ("scope", "business.fund.list fund.details.maintain"));
        var user = await env.PasswordGrantAsync(client, scope: "openid profile business.fund.list fund.details.maintain");
        var appClaims = Jwt.Payload(appOnly.AccessToken);
        var userClaims = Jwt.Payload(user.AccessToken);
        using var appUserinfo = await env.GetWithTokenAsync("/connect/userinfo", appOnly.AccessToken);
        using var userUserinfo = await env.GetWithTokenAsync("/connect/userinfo", user.AccessToken);
        using var list = await env.GetWithTokenAsync($"/api/1.0/b/{b}/fund-data/fund-list", appOnly.AccessToken);
        var fund = (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("Data")[0].GetProperty("FundSummaries")[0].GetProperty("Code").GetString();
        using var appWrite = await PostJsonAsync(env, $"/api/1.0/f/{b}/{fund}/fund-data/fund-detail", appOnly.AccessToken);
        using var userWrite = await PostJsonAsync(env, $"/api/1.0/f/{b}/{fund}/fund-data/fund-detail", user.AccessToken);

        // A client id equal to a Class user's subject would make that user's identity the app's
        // (RFC 9700 §4.15): the admin API refuses it, so subjects and client ids never meet.
        var u = await PartnerFlow.PutUserAsync(env, "u@class.example", new MembershipRequest("T1", ClassRoles.Administrator, false));
        using var clash = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(u.Id), fx.P.Descriptor));
        var clashCredentials = await env.TokenAsync(u.Id.ToString(), fx.P.Secret, ("grant_type", "refresh_token"), ("refresh_token", "x"));

        // Distinguishable: the app is its own subject; a user's token names the user.
        Assert.Equal(client.ClientId, appClaims.GetProperty("sub").GetString());
        Assert.Equal(client.ClientId, appClaims.GetProperty("client_id").GetString());
        Assert.NotEqual(client.ClientId, userClaims.GetProperty("sub").GetString());
        Assert.Equal(client.ClientId, userClaims.GetProperty("client_id").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, appUserinfo.StatusCode);
        Assert.Contains("invalid_token", appUserinfo.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, userUserinfo.StatusCode);
        Assert.Equal(userClaims.GetProperty("sub").GetString(), (await userUserinfo.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sub").GetString());
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, appWrite.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, userWrite.StatusCode);
        Assert.True(userWrite.IsSuccessStatusCode, userWrite.StatusCode.ToString());
        Assert.True(clash.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict, clash.StatusCode.ToString());
        Assert.Equal("invalid_client", clashCredentials.Error);
    }

    // ---- 1.6 Password grant ----

    /// <summary>
    /// PW3. "Same timing" is not a wall-clock assertion here (noisy, and the runner shares two cores):
    /// the time of a failed password grant is dominated by the password hash (PBKDF2), so the test
    /// counts hash verifications through a decorated <see cref="IPasswordHasher{TUser}"/> and requires
    /// exactly as many for every refusal as for a wrong password, plus the same error and description.
    /// </summary>
    [Fact]
    public async Task PW3_LoginPage_UnknownUserGetsTheSameMessageAndHashWorkAsAWrongPassword()
    {
        var hashes = new HashCounter();
        await using var env = await EnvironmentUnderTest.StartAsync(provider, services: s => s.AddScoped<IPasswordHasher<ClassUser>>(
            sp => new CountingHasher(new PasswordHasher<ClassUser>(sp.GetService<IOptions<PasswordHasherOptions>>()), hashes)));
        await PartnerFlow.ArrangeAsync(env);
        using var flow = new PartnerFlow(env);

        async Task<(string Error, int Hashes)> Attempt(string userName)
        {
            hashes.Reset();
            using var response = await flow.LoginAsync("/account/login", userName, "wrong-password-123");
            var error = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync()).QuerySelector("[role=alert]")?.TextContent.Trim();
            return (error ?? $"no error shown ({(int)response.StatusCode})", hashes.Count);
        }

        var wrongPassword = await Attempt("u@class.example");
        var unknownUser = await Attempt("nobody@class.example");

        Assert.Equal(1, wrongPassword.Hashes);
        Assert.Equal(wrongPassword, unknownUser);
    }

    [Fact]
    public async Task PW3_LockedDisabledNotApiUserWrongTenantOrUnknownUser_SameErrorAndSameHashWorkAsAWrongPassword()
    {
        var hashes = new HashCounter();
        await using var env = await EnvironmentUnderTest.StartAsync(provider, services: s => s.AddScoped<IPasswordHasher<ClassUser>>(
            sp => new CountingHasher(new PasswordHasher<ClassUser>(sp.GetService<IOptions<PasswordHasherOptions>>()), hashes)));
        var client = await env.ProvisionClientAppAsync();
        await PartnerFlow.PutBusinessAsync(env, "OTHER1", "Other Pty Ltd");
        var apiUser = new MembershipRequest(client.Sandbox.BusinessCode, ClassRoles.ApiUser, true);

        async Task<(TokenResponse Response, int Hashes)> Attempt(string password, string userName = "api@acme.example")
        {
            hashes.Reset();
            var response = await env.TokenAsync(client.ClientId, client.Secret,
                ("grant_type", "password"), ("username", userName), ("password", password), ("scope", "business.fund.list"));
            return (response, hashes.Count);
        }

        Task PutApiUser(IReadOnlyList<MembershipRequest> memberships, bool disabled = false) =>
            PartnerFlow.PutUserAsync(env, "api@acme.example", new ClassUserRequest("api@acme.example", TestClient.Password, memberships, Disabled: disabled));

        var success = await Attempt(TestClient.Password);
        var wrongPassword = await Attempt("wrong-password-123");
        var unknownUser = await Attempt(TestClient.Password, "nobody@acme.example");

        await PutApiUser([new MembershipRequest(client.Sandbox.BusinessCode, ClassRoles.Administrator, false)]);
        var notApiUser = await Attempt(TestClient.Password);

        await PutApiUser([new MembershipRequest("OTHER1", ClassRoles.ApiUser, true)]);
        var wrongTenant = await Attempt(TestClient.Password);

        await PutApiUser([apiUser], disabled: true);
        var disabled = await Attempt(TestClient.Password);

        await PutApiUser([apiUser]);
        for (var i = 0; i < 5; i++)
        {
            await Attempt("wrong-password-123");
        }

        var locked = await Attempt(TestClient.Password);

        Assert.Equal(200, success.Response.Status);
        Assert.Equal("invalid_grant", wrongPassword.Response.Error);
        Assert.Equal(1, wrongPassword.Hashes);
        var refusals = new Dictionary<string, (TokenResponse Response, int Hashes)>
        {
            ["unknown user"] = unknownUser, ["not an API user"] = notApiUser, ["API user of another business"] = wrongTenant, ["disabled"] = disabled, ["locked out"] = locked,
        };
        foreach (var (name, (response, count)) in refusals)
        {
            Assert.True(response.Status == wrongPassword.Response.Status, $"{name}: {response.Status}");
            Assert.True(response.Json.ToString() == wrongPassword.Response.Json.ToString(), $"{name}: {response.Json} vs {wrongPassword.Response.Json}");
            Assert.True(count == wrongPassword.Hashes, $"{name}: {count} password hash verifications, a wrong password costs {wrongPassword.Hashes}");
        }
    }

    [Fact]
    public async Task PW5_PasswordGrantAndLogin_PasswordsNeverLoggedOrInUsageRecords()
    {
        var logs = new CapturingLoggerProvider();
        await using var env = await EnvironmentUnderTest.StartAsync(provider, services: s => s.AddLogging(l =>
        {
            l.AddProvider(logs);
            l.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace);
        }));
        var since = DateTimeOffset.UtcNow.AddMinutes(-5);
        var client = await env.ProvisionClientAppAsync();
        const string wrongPassword = "Wrong-pw5-guess-4711";

        var granted = await env.PasswordGrantAsync(client);
        var refused = await env.PasswordGrantAsync(client, wrongPassword);
        var postBody = await SendTokenAsync(env, null, ("grant_type", "password"), ("username", "api@acme.example"), ("password", TestClient.Password),
            ("client_id", client.ClientId), ("client_secret", client.Secret), ("scope", "business.fund.list"));
        using var flow = new PartnerFlow(env);
        using var badLogin = await flow.LoginAsync("/account/login", "api@acme.example", wrongPassword);
        using var login = await flow.LoginAsync("/account/login", "api@acme.example", TestClient.Password);
        using var api = await env.GetWithTokenAsync($"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list", granted.AccessToken);

        // Usage records are written in batches about once a second: poll, bounded.
        var usageRecords = "";
        var usageStatus = HttpStatusCode.NotFound;
        for (var attempt = 0; attempt < 50 && !usageRecords.Contains("fund-list", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(attempt == 0 ? 0 : 100);
            using var usage = await env.Http.SendAsync(env.Admin(HttpMethod.Get, $"{EnvironmentAdminApi.Usage}?since={Uri.EscapeDataString(since.ToString("O"))}"));
            usageStatus = usage.StatusCode;
            usageRecords = await usage.Content.ReadAsStringAsync();
        }

        var captured = logs.Text();

        Assert.Equal(200, granted.Status);
        Assert.Equal("invalid_grant", refused.Error);
        Assert.Equal(HttpStatusCode.OK, postBody.Status);
        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, usageStatus);
        Assert.Contains("/connect/token", captured, StringComparison.Ordinal); // the capture saw the requests
        Assert.Contains("fund-list", usageRecords, StringComparison.Ordinal);
        foreach (var secret in new[] { TestClient.Password, wrongPassword, client.Secret })
        {
            var leaks = logs.Entries().Where(e => e.Contains(secret, StringComparison.Ordinal) || e.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal)).ToList();
            Assert.True(leaks.Count == 0, $"'{secret}' logged {leaks.Count} times, e.g.: {leaks.FirstOrDefault()}");
            Assert.DoesNotContain(secret, usageRecords, StringComparison.Ordinal);
        }
    }

    // ---- helpers ----

    private sealed record RawTokenResponse(HttpStatusCode Status, JsonElement Json, IReadOnlyList<AuthenticationHeaderValue> Challenges)
    {
        public string? Error => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("error", out var e) ? e.GetString() : null;
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] form) =>
        new(form.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));

    private static Task<RawTokenResponse> SendTokenAsync(EnvironmentUnderTest env, AuthenticationHeaderValue? authorization, params (string Name, string Value)[] form) =>
        SendAsync(env, "/connect/token", authorization, form);

    private static async Task<RawTokenResponse> SendAsync(EnvironmentUnderTest env, string path, AuthenticationHeaderValue? authorization, params (string Name, string Value)[] form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Form(form) };
        request.Headers.Authorization = authorization;
        using var response = await env.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return new RawTokenResponse(response.StatusCode, json, [.. response.Headers.WwwAuthenticate]);
    }

    /// <summary>Basic credentials with the secret part exactly as given (no encoding added).</summary>
    private static AuthenticationHeaderValue RawBasic(string clientId, string secretPart) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secretPart}")));

    private static async Task<HttpResponseMessage> PostJsonAsync(EnvironmentUnderTest env, string path, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent("""{"Status":"Active","FundDetails":{"Name":"Renamed Super Fund","IsResident":true}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await env.Http.SendAsync(request);
    }

    private sealed class HashCounter
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public void Increment() => Interlocked.Increment(ref count);

        public void Reset() => Volatile.Write(ref count, 0);
    }

    /// <summary>The environment's own hasher (same options), counting verifications.</summary>
    private sealed class CountingHasher(PasswordHasher<ClassUser> inner, HashCounter counter) : IPasswordHasher<ClassUser>
    {
        public string HashPassword(ClassUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(ClassUser user, string hashedPassword, string providedPassword)
        {
            counter.Increment();
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    /// <summary>Every log entry of every category at every level: message, state values, scopes and exceptions.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private readonly ConcurrentQueue<string> entries = new();
        private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

        public string Text() => string.Join('\n', entries);

        public IReadOnlyList<string> Entries() => [.. entries];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(string category, CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner.scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var text = new StringBuilder().Append(category).Append(": ").Append(formatter(state, exception));
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values)
                    {
                        text.Append(" | ").Append(key).Append('=').Append(value);
                    }
                }

                owner.scopes.ForEachScope((scope, builder) => builder.Append(" | scope ").Append(scope), text);
                if (exception is not null)
                {
                    text.Append(" | ").Append(exception);
                }

                owner.entries.Enqueue(text.ToString());
            }
        }
    }
}
