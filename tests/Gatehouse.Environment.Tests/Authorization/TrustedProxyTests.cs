using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Testing;
using Microsoft.Extensions.Options;

namespace Gatehouse.Environment.Tests.Authorization;

/// <summary>
/// An environment behind a TLS-terminating reverse proxy (ListenUrl + Hosting:TrustedProxies): the
/// proxy's X-Forwarded-Proto makes the request https (HSTS, OpenIddict's transport check), nobody's
/// X-Forwarded-Host changes the issuer, and an untrusted sender's forwarded headers change nothing (TP1, TP2).
/// </summary>
public sealed class TrustedProxyTests
{
    private const string PublicUrl = "https://pie.gatehouse.test";
    private static readonly string Section = $"{EnvironmentEndpoint.SectionName}:{EnvironmentKeys.Pie}";

    [Fact]
    public async Task BehindTrustedProxy_ForwardedHttpsServed_IssuerFromConfigurationOnly()
    {
        await using var env = await BehindProxyAsync(trusted: "127.0.0.1");
        env.Http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        env.Http.DefaultRequestHeaders.Add("X-Forwarded-Host", "evil.test");
        var client = await env.ProvisionClientAppAsync();

        using var discovery = await env.Http.GetAsync("/.well-known/openid-configuration");
        var token = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "client_credentials"), ("scope", "business.fund.list"));
        using var notForwarded = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(env.Url) };
        using var plain = await notForwarded.GetAsync("/.well-known/openid-configuration");

        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        Assert.Equal(PublicUrl + "/", (await discovery.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("issuer").GetString());
        Assert.StartsWith("max-age=", discovery.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.Equal(200, token.Status);
        Assert.Equal(PublicUrl + "/", Jwt.Payload(token.AccessToken).GetProperty("iss").GetString());
        Assert.Equal(HttpStatusCode.PermanentRedirect, plain.StatusCode);
        Assert.Equal(PublicUrl + "/.well-known/openid-configuration", plain.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task FromAnUntrustedSender_ForwardedProtoIgnored_PlainHttpRedirectedOrRefused()
    {
        await using var env = await BehindProxyAsync(trusted: "10.0.0.0/8");
        using var forged = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(env.Url) };
        forged.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        using var discovery = await forged.GetAsync("/.well-known/openid-configuration");
        using var token = await forged.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));

        Assert.Equal(HttpStatusCode.PermanentRedirect, discovery.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, token.StatusCode);
        Assert.Contains("https only", await token.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "list the TLS-terminating proxy")]
    [InlineData("not-an-address", "neither an IP address nor a CIDR network")]
    public async Task PlainListenUrlOffLoopback_WithoutAValidTrustedProxy_RefusesToStart(string? trusted, string reason)
    {
        var settings = new List<KeyValuePair<string, string?>>
        {
            new($"{Section}:Url", PublicUrl),
            new($"{Section}:ListenUrl", "http://192.0.2.1:8080"),
        };
        if (trusted is not null)
        {
            settings.Add(new("Hosting:TrustedProxies:0", trusted));
        }

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite, settings: settings));

        Assert.Contains(reason, failure is OptionsValidationException options ? string.Join(" ", options.Failures) : failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Listens on plain http on loopback, as the proxy's upstream; the public URL is https.</summary>
    private static Task<EnvironmentUnderTest> BehindProxyAsync(string trusted)
    {
        var listen = FreePort.NextUrl();
        return EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite, url: listen, settings:
        [
            new($"{Section}:Url", PublicUrl),
            new($"{Section}:ListenUrl", listen),
            new("Hosting:TrustedProxies:0", trusted),
        ]);
    }
}
