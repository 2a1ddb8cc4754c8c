using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using AngleSharp.Html.Parser;
using Gatehouse.Hosting.Contracts;
using Microsoft.AspNetCore.WebUtilities;

namespace Gatehouse.Environment.Tests;

/// <summary>
/// A Class user's browser, over real HTTP without redirects followed, plus the Partner app's side of
/// the authorization code flow (PKCE S256). Each step returns the raw response so tests can check it.
/// </summary>
public sealed class PartnerFlow : IDisposable
{
    public const string UserPassword = "Class-user-passw0rd";
    public const string RedirectUri = "https://p.example/cb";

    private readonly EnvironmentUnderTest env;

    public PartnerFlow(EnvironmentUnderTest env)
    {
        this.env = env;
        Cookies = new CookieContainer();
        Browser = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(env.Url) };
    }

    public CookieContainer Cookies { get; }

    public HttpClient Browser { get; }

    public string Verifier { get; } = Base64Url(RandomNumberGenerator.GetBytes(32));

    public string Challenge => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    // ---- Fixtures through the admin API ----

    public static async Task PutBusinessAsync(EnvironmentUnderTest env, string code, string name)
    {
        using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Put, ClassDirectoryApi.Business(code), new BusinessRequest(name)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static async Task<ClassUserSaved> PutUserAsync(EnvironmentUnderTest env, string userName, params MembershipRequest[] memberships) =>
        await PutUserAsync(env, userName, new ClassUserRequest(userName, UserPassword, memberships));

    public static async Task<ClassUserSaved> PutUserAsync(EnvironmentUnderTest env, string userName, ClassUserRequest request)
    {
        using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Put, ClassDirectoryApi.User(userName), request));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ClassUserSaved>())!;
    }

    /// <summary>T1 and T2, user U administers both, V administers T2 only; partner P (and Q) with one redirect URI.</summary>
    public static async Task<Fixture> ArrangeAsync(EnvironmentUnderTest env, IReadOnlyList<string>? redirectUris = null, IReadOnlyList<string>? scopes = null)
    {
        await PutBusinessAsync(env, "T1", "Tenant One Pty Ltd");
        await PutBusinessAsync(env, "T2", "Tenant Two Pty Ltd");
        await PutUserAsync(env, "u@class.example", new MembershipRequest("T1", ClassRoles.Administrator, false), new MembershipRequest("T2", ClassRoles.AccessController, false));
        await PutUserAsync(env, "v@class.example", new MembershipRequest("T2", ClassRoles.Administrator, false));
        var p = await ProvisionPartnerAsync(env, "Partner P", redirectUris ?? [RedirectUri], scopes);
        var q = await ProvisionPartnerAsync(env, "Partner Q", redirectUris ?? [RedirectUri], scopes);
        return new Fixture(p, q);
    }

    public static async Task<TestPartner> ProvisionPartnerAsync(EnvironmentUnderTest env, string name, IReadOnlyList<string> redirectUris, IReadOnlyList<string>? scopes = null)
    {
        var clientId = Guid.NewGuid();
        var secret = ClientSecrets.Generate();
        var descriptor = new ClientDescriptor(
            name, AppTypes.Partner, Guid.NewGuid(), name + " Organisation", null,
            [new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(secret), null)],
            scopes ?? ["business.fund.list", "fund.read", "offline_access", "openid", "profile", "email", "class_profile"],
            redirectUris, Enabled: true);
        using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(clientId), descriptor));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new TestPartner(clientId.ToString(), secret, descriptor);
    }

    // ---- Browser steps ----

    public Dictionary<string, string> AuthorizeParameters(TestPartner client, string scope = "openid business.fund.list offline_access target:b/T1", string state = "s-123") => new()
    {
        ["response_type"] = "code",
        ["client_id"] = client.ClientId,
        ["redirect_uri"] = RedirectUri,
        ["scope"] = scope,
        ["state"] = state,
        ["code_challenge"] = Challenge,
        ["code_challenge_method"] = "S256",
    };

    public static string AuthorizeUrl(IEnumerable<KeyValuePair<string, string>> parameters) =>
        "/connect/authorize" + string.Concat(parameters.Select((p, i) => (i == 0 ? "?" : "&") + Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    public Task<HttpResponseMessage> GetAsync(string url) => Browser.GetAsync(url);

    /// <summary>Logs in through the login page (any return URL) and returns the response to the login POST.</summary>
    public async Task<HttpResponseMessage> LoginAsync(string loginUrl, string userName, string password = UserPassword, string action = "login")
    {
        using var page = await Browser.GetAsync(loginUrl);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var form = Form(await page.Content.ReadAsStringAsync(), "form");
        form["userName"] = userName;
        form["password"] = password;
        form["action"] = action;
        return await Browser.PostAsync(loginUrl, new FormUrlEncodedContent(form));
    }

    /// <summary>From an authorize URL to the consent page (logging in if asked), or to wherever it redirects.</summary>
    public async Task<HttpResponseMessage> AuthorizeAsync(string authorizeUrl, string userName = "u@class.example")
    {
        var response = await Browser.GetAsync(authorizeUrl);
        if (response.StatusCode == HttpStatusCode.Found && response.Headers.Location!.OriginalString.StartsWith("/account/login", StringComparison.Ordinal))
        {
            using var login = await LoginAsync(response.Headers.Location.OriginalString, userName);
            Assert.Equal(HttpStatusCode.Found, login.StatusCode);
            response.Dispose();
            response = await Browser.GetAsync(login.Headers.Location!.OriginalString);
        }

        return response;
    }

    /// <summary>Submits the consent page shown in <paramref name="consentPage"/>.</summary>
    public async Task<HttpResponseMessage> DecideAsync(HttpResponseMessage consentPage, string decision = "allow", string? business = null)
    {
        Assert.Equal(HttpStatusCode.OK, consentPage.StatusCode);
        var html = await consentPage.Content.ReadAsStringAsync();
        var form = Form(html, "form[action='/connect/authorize']");
        form["decision"] = decision;
        if (business is not null)
        {
            form["business"] = business;
        }

        return await Browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(form));
    }

    /// <summary>The whole browser part: authorize, log in, consent; returns the callback query.</summary>
    public async Task<Dictionary<string, string>> CodeAsync(TestPartner client, string scope = "openid business.fund.list offline_access target:b/T1", string? business = null, string userName = "u@class.example")
    {
        using var consent = await AuthorizeAsync(AuthorizeUrl(AuthorizeParameters(client, scope)), userName);
        using var callback = consent.StatusCode == HttpStatusCode.OK ? await DecideAsync(consent, "allow", business) : null;
        return Callback(callback ?? consent);
    }

    public static Dictionary<string, string> Callback(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith(RedirectUri + "?", location, StringComparison.Ordinal);
        return QueryHelpers.ParseQuery(new Uri(location).Query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    public Task<TokenResponse> RedeemAsync(TestPartner client, string code, string? verifier = null) =>
        env.TokenAsync(client.ClientId, client.Secret,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", RedirectUri), ("code_verifier", verifier ?? Verifier));

    /// <summary>Authorize, log in, consent and redeem: the token response.</summary>
    public async Task<TokenResponse> TokensAsync(TestPartner client, string scope = "openid business.fund.list offline_access target:b/T1", string? business = null, string userName = "u@class.example")
    {
        var callback = await CodeAsync(client, scope, business, userName);
        var tokens = await RedeemAsync(client, callback["code"]);
        Assert.Equal(200, tokens.Status);
        return tokens;
    }

    public static Dictionary<string, string> Form(string html, string selector)
    {
        var document = new HtmlParser().ParseDocument(html);
        var form = document.QuerySelector(selector) ?? throw new InvalidOperationException($"No {selector} in: {html}");
        var values = new Dictionary<string, string>();
        foreach (var input in form.QuerySelectorAll("input[name]"))
        {
            values[input.GetAttribute("name")!] = input.GetAttribute("value") ?? "";
        }

        return values;
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => Browser.Dispose();
}

public sealed record TestPartner(string ClientId, string Secret, ClientDescriptor Descriptor);

public sealed record Fixture(TestPartner P, TestPartner Q);
