using System.Net;
using AngleSharp.Html.Parser;
using Gatehouse.Hosting.Contracts;

namespace Gatehouse.Environment.Tests;

/// <summary>The app's logo on the consent page, pushed by the portal as a data: URI (ADR 0012).</summary>
public abstract partial class AuthorizationServerTests
{
    /// <summary>A 1×1 PNG.</summary>
    private const string LogoPng = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    [Fact]
    public async Task Consent_PushedLogo_ShownAsImageTheCspAllows()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        using (var put = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(Guid.Parse(fx.P.ClientId)), fx.P.Descriptor with { LogoDataUri = LogoPng })))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var flow = new PartnerFlow(env);
        using var consent = await flow.AuthorizeAsync(PartnerFlow.AuthorizeUrl(flow.AuthorizeParameters(fx.P)));
        var document = new HtmlParser().ParseDocument(await consent.Content.ReadAsStringAsync());
        var logo = document.QuerySelector("img.logo");
        var csp = consent.Headers.GetValues("Content-Security-Policy").Single();

        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        Assert.NotNull(logo);
        Assert.Equal(LogoPng, logo.GetAttribute("src"));
        Assert.Equal("Partner P logo", logo.GetAttribute("alt"));
        Assert.Contains("img-src 'self' data:", csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
    }

    [Fact]
    public async Task Consent_LogoNotPngOrJpeg_RefusedAtProvisioning()
    {
        await using var env = await StartAsync();
        var fx = await PartnerFlow.ArrangeAsync(env);
        string[] refused =
        [
            "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
            "data:image/png;base64,PHN2Zz48L3N2Zz4=", // says PNG, is SVG
            "data:image/png;base64,not base64!",
            "https://p.example/logo.png",
        ];

        foreach (var logo in refused)
        {
            using var put = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(Guid.Parse(fx.P.ClientId)), fx.P.Descriptor with { LogoDataUri = logo }));
            Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        }
    }
}
