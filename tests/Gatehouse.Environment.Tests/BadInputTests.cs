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
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
