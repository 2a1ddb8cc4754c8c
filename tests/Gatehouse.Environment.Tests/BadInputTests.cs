using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace Gatehouse.Environment.Tests;

/// <summary>
/// docs/security-checklist.md BI1–BI7: every route of the environment's endpoint table, plus the
/// OpenIddict endpoints its middleware serves, with odd route values, odd query values and malformed
/// bodies: the admin API with its key, /connect/* with a client's credentials, the Class APIs with a
/// bearer token, the pages with a browser session. None answers 5xx.
/// </summary>
public sealed partial class BadInputTests
{
    [Fact]
    public async Task EveryRoute_MalformedInput_NeverA5xx()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var client = await env.ProvisionClientAppAsync();
        var token = (await env.PasswordGrantAsync(client)).AccessToken;
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(env.Url) };
        var login = await browser.GetStringAsync("/account/login");
        var antiforgery = AntiforgeryField().Match(login) is { Success: true } m ? m.Groups[1].Value : null;
        Assert.NotNull(antiforgery);

        // Introspection, revocation and the others are served by OpenIddict's middleware, not an endpoint: from its options.
        var server = env.App.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
        var openIddict = server.AuthorizationEndpointUris.Concat(server.TokenEndpointUris).Concat(server.IntrospectionEndpointUris)
            .Concat(server.RevocationEndpointUris).Concat(server.UserInfoEndpointUris).Concat(server.EndSessionEndpointUris)
            .Select(u => ("/" + u.OriginalString.TrimStart('/'), new[] { "GET", "POST" }));
        var cases = BadInput.Cases(env.App.Services, openIddict, antiforgery, name => name switch
        {
            "clientId" or "id" => client.ClientId,
            "organisationId" => client.Descriptor.OrganisationId.ToString(),
            _ => null,
        });
        Assert.InRange(cases.Count, 300, 5000);
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client.ClientId}:{client.Secret}")));
        var offending = await BadInput.SweepAsync(cases, request =>
        {
            var path = request.RequestUri!.OriginalString;
            if (path.StartsWith(EnvironmentAdminApi.BasePath, StringComparison.Ordinal))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", EnvironmentUnderTest.AdminKey);
                return env.Http;
            }

            if (path.StartsWith("/connect/", StringComparison.Ordinal) && !path.StartsWith("/connect/authorize", StringComparison.Ordinal))
            {
                request.Headers.Authorization = basic;
                return env.Http;
            }

            if (path.StartsWith("/api/", StringComparison.Ordinal))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return env.Http;
            }

            return browser;
        });

        Assert.True(offending.Count == 0, $"{offending.Count} of {cases.Count} requests answered 5xx:\n" + string.Join("\n", offending));

        // BI1: over the bounds, or not a form, is the protocol's own error (RFC 6749 §5.2), and a
        // well-formed request on the same endpoint still works.
        (string, HttpContent)[] refused =
        [
            ("many fields", new FormUrlEncodedContent(Enumerable.Range(0, 100).Select(i => new KeyValuePair<string, string>($"f{i}", "v")))),
            ("long name", new FormUrlEncodedContent([new(new string('n', 300), "v")])),
            ("large value", new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", new string('s', 20_000))])),
            ("nul", new StringContent("grant_type=client_credentials&scope=%00", Encoding.ASCII, "application/x-www-form-urlencoded")),
            ("json", new StringContent("{\"grant_type\":\"client_credentials\"}", Encoding.UTF8, "application/json")),
        ];
        foreach (var (name, content) in refused)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = content };
            request.Headers.Authorization = basic;
            using var response = await env.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest && body.Contains("\"invalid_request\"", StringComparison.Ordinal), $"{name}: {(int)response.StatusCode} {body}");
        }

        // (The sweep deleted the first client through the admin API: a new one.)
        Assert.Equal(200, (await env.PasswordGrantAsync(await env.ProvisionClientAppAsync())).Status);

        // BI3: a relative post_logout_redirect_uri is refused with OpenIddict's error, no redirect.
        using var endSession = await browser.GetAsync("/connect/endsession?post_logout_redirect_uri=%2Fsomewhere");
        Assert.Equal(HttpStatusCode.BadRequest, endSession.StatusCode);
        Assert.Null(endSession.Headers.Location);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
