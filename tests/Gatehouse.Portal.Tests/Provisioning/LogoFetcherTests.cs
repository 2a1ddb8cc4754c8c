using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gatehouse.Portal.Provisioning;
using Gatehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gatehouse.Portal.Tests.Provisioning;

/// <summary>
/// The consent-page logo fetch (ADR 0012) is an SSRF surface: the developer chooses the URL. Over
/// real https on 127.0.0.1: the fenced handler refuses internal addresses; with the fence lifted
/// (a client trusting the test certificate) the size cap, the refusal of redirects and the
/// PNG/JPEG signature check hold.
/// </summary>
public sealed class LogoFetcherTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46];

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)] // cloud metadata
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2001:4860:4860::8888", true)]
    public void IsPublic_InternalAddressesRefused(string address, bool expected) =>
        Assert.Equal(expected, LogoFetcher.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task Fenced_LoopbackHostOrAddress_NoLogoAndNoRequestReachesTheServer()
    {
        await using var server = await LogoServer.StartAsync();
        using var fenced = new HttpClient(LogoFetcher.CreateHandler());
        var fetcher = new LogoFetcher(fenced, NullLogger<LogoFetcher>.Instance);

        Assert.Null(await fetcher.DataUriAsync($"https://127.0.0.1:{server.Port}/logo.png", default));
        Assert.Null(await fetcher.DataUriAsync($"https://localhost:{server.Port}/logo.png", default));
        Assert.Equal(0, server.Requests);
    }

    [Theory]
    [InlineData("http://example.com/logo.png")]
    [InlineData("https://user:pass@example.com/logo.png")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative/logo.png")]
    [InlineData("")]
    public async Task NotHttpsOrWithUserInfo_NoLogoWithoutARequest(string url)
    {
        using var http = new HttpClient(new ThrowingHandler());
        var fetcher = new LogoFetcher(http, NullLogger<LogoFetcher>.Instance);

        Assert.Null(await fetcher.DataUriAsync(url, default));
    }

    [Fact]
    public async Task Unfenced_OnlySmallPngOrJpegServedDirectly_BecomesADataUri()
    {
        await using var server = await LogoServer.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == server.Thumbprint },
        });
        var fetcher = new LogoFetcher(http, NullLogger<LogoFetcher>.Instance);
        string Url(string path) => $"https://127.0.0.1:{server.Port}{path}";

        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(Png), await fetcher.DataUriAsync(Url("/logo.png"), default));
        Assert.Equal("data:image/jpeg;base64," + Convert.ToBase64String(Jpeg), await fetcher.DataUriAsync(Url("/logo.jpg"), default));
        Assert.Null(await fetcher.DataUriAsync(Url("/page.html"), default));        // claims image/png, is HTML
        Assert.Null(await fetcher.DataUriAsync(Url("/large.png"), default));        // Content-Length over the cap
        Assert.Null(await fetcher.DataUriAsync(Url("/large-chunked.png"), default)); // no length, over the cap while reading
        Assert.Null(await fetcher.DataUriAsync(Url("/redirect"), default));         // never followed
        Assert.Null(await fetcher.DataUriAsync(Url("/missing.png"), default));
    }

    private sealed class ThrowingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"No request may be sent ({request.RequestUri}).");
    }

    /// <summary>A real https server on 127.0.0.1 with a self-signed certificate, counting requests.</summary>
    private sealed class LogoServer : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly X509Certificate2 certificate;
        private int requests;

        private LogoServer(WebApplication app, X509Certificate2 certificate, int port)
        {
            this.app = app;
            this.certificate = certificate;
            Port = port;
        }

        public int Port { get; }

        public string Thumbprint => certificate.Thumbprint;

        public int Requests => Volatile.Read(ref requests);

        public static async Task<LogoServer> StartAsync()
        {
            var certificate = SelfSigned();
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.UseHttps(certificate)));
            var app = builder.Build();
            var server = new LogoServer(app, certificate, port);
            app.Use((context, next) =>
            {
                Interlocked.Increment(ref server.requests);
                return next(context);
            });
            var large = new byte[LogoFetcher.MaxBytes + 1];
            Png.CopyTo(large, 0);
            app.MapGet("/logo.png", () => Results.Bytes(Png, "image/png"));
            app.MapGet("/logo.jpg", () => Results.Bytes(Jpeg, "image/jpeg"));
            app.MapGet("/page.html", () => Results.Bytes("<html>not an image</html>"u8.ToArray(), "image/png"));
            app.MapGet("/large.png", () => Results.Bytes(large, "image/png"));
            app.MapGet("/large-chunked.png", async (HttpContext context) =>
            {
                context.Response.ContentType = "image/png";
                await context.Response.Body.WriteAsync(large.AsMemory(0, 50_000));
                await context.Response.Body.FlushAsync();
                await context.Response.Body.WriteAsync(large.AsMemory(50_000));
            });
            app.MapGet("/redirect", () => Results.Redirect("/logo.png"));
            await app.StartAsync();
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
            certificate.Dispose();
        }

        private static X509Certificate2 SelfSigned()
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
            var now = DateTimeOffset.UtcNow;
            using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
            return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx, "test"), "test");
        }
    }
}
